"""The goal model: five small log-linear heads over hashed features of an instruction.

- task type: a softmax over ALFRED's seven types, from the instruction's words, word
  pairs, the meaning the project's word tables give a word (CUE_WORDS: "scrub" is a
  clean word, "wedge" a slice word) and the kinds of objects it names;
- sliced: a logistic unit from the same features;
- object, parent (or light) and movable receptacle: a softmax over the object types the
  instruction names (its mentions, lexicon.py), each candidate described by its type,
  its kind, its place among the mentions and the words around it ("in the", "from the",
  "with"); the movable receptacle also has "none".

Hashed features keep the model a few arrays of floats with no vocabulary to ship; the
whole model is one `.npz` of weights and its JSON settings, read with numpy alone.
Training is plain stochastic gradient descent with AdaGrad on generated data
(training_data.py).
"""

from __future__ import annotations

import json
import re
import zlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from ...envs.household.object_types import LIGHT_TYPES, OBJECT_TYPES
from ...envs.tasks.goals import TASK_TYPES, TaskGoal
from ...envs.transforms import TRANSFORMS
from ...files import write_json_atomic
from .lexicon import (COMMON_WORDS, CUT_WORDS, MORE_TRANSFORM_WORDS, Mention, correct, find_mentions, name_words,
                      tokenize, within)

TASK_TYPE_NAMES = tuple(TASK_TYPES)  # the task-type head's classes, in ALFRED's order
DIMENSION = 1 << 15
HEADS = ("task_type", "sliced", "object", "parent", "movable")
# The features the reader scores a candidate goal by (reader.py, `combination_features`),
# whose weights are fitted on the development set (train.py).
COMBINATION = ("model", "prior", "rules_goal", "rules_object", "rules_transform", "rules_sliced", "rules_movable",
               "rules_parent")
DEFAULT_COMBINATION = {"model": 1.0, "rules_goal": 2.0}
NONE = "<none>"
PLACE_WORDS = {"in", "into", "on", "onto", "inside", "to", "at", "under", "beneath", "underneath", "atop", "toward",
               "towards", "there", "back"}
SOURCE_WORDS = {"from", "off", "out", "of"}
WITH_WORDS = {"with", "by", "using", "beside", "near"}
# Words the project's tables give a meaning (the transform table's words for clean, heat
# and cool, the slice words: CUT_WORDS): a feature says which meaning a word has, so the model
# reads a word it never saw in training by what the table says of it.
CUE_WORDS = {**{w: t.name for t in TRANSFORMS for w in t.all_words() + MORE_TRANSFORM_WORDS.get(t.name, ())},
             **{w: "slice" for w in CUT_WORDS}}
CUE_DROPOUT = 0.5  # the chance, in training, that a table word is seen by its meaning alone
# What opens a step: "1.", "2)", "step 3:", "step one,", "first", "then", "next" (not "next
# to", a place), "finally", "after that".
STEP_MARK = re.compile(r"(?:^|\s)(?:\d+[.)]|step (?:\d+|one|two|three|four|five|six)[:,]?|first,?|then,?|"
                       r"next(?!\s+to\b),?|finally,?|after that,?)\s", re.I)


def kind_of(type_name: str) -> str:
    t = OBJECT_TYPES[type_name]
    if type_name in LIGHT_TYPES:
        return "light"
    if t.movable_receptacle:
        return "movable"
    if t.pickupable:
        return "object"
    return "fixed" if t.receptacle else "other"


@dataclass(frozen=True)
class Reading:
    """What the features of one instruction are computed from."""

    words: list[str]  # corrected words
    sentence: list[int]  # each word's sentence (or step) number
    mentions: list[Mention]
    written: list[str]  # the words as written


def read(instruction: str) -> Reading:
    pieces = [p for p in re.split(r"[.!?;\n]+|" + STEP_MARK.pattern, instruction, flags=re.I) if p and p.strip()]
    words, sentence = [], []
    for i, piece in enumerate(pieces):
        w = tokenize(piece)
        words += w
        sentence += [i] * len(w)
    mentions = find_mentions(words, sentence)
    return Reading([correct(w) for w in words], sentence, mentions, words)


TRANSFORM_CUES = {f"cue={t.name}" for t in TRANSFORMS}
MORE_THAN_ONE = {"two", "2", "both", "pair", "couple", "another", "second", "again", "pairs", "twice"}


@lru_cache(maxsize=4096)
def cue_word(word: str) -> str | None:
    """The table word (CUE_WORDS) a word is, or is misspelt from ("ehated", "rnised": one
    letter off inside a word of five letters or more that is no other name or common
    word), else None."""
    if word in CUE_WORDS:
        return word
    if word.endswith("s") and word[:-1] in CUE_WORDS:  # "heats", "chills"
        return word[:-1]
    if len(word) < 5 or word in COMMON_WORDS or word in name_words():
        return None
    # the same last letter: a typo inside the word, not another word ("clear", "heater")
    return next((w for w in sorted(CUE_WORDS) if len(w) >= 5 and w[-1] == word[-1] and within(word, w, 1)), None)


NEGATIONS = {"don't", "dont", "not", "never", "without", "no", "nor"}


def negated(words: list[str], i: int) -> bool:
    """Whether a negation word comes at most three words before word i ("but don't heat
    it", "no need to wash it", "without chilling it"): a transform word said so is not asked for."""
    return any(w in NEGATIONS for w in words[max(0, i - 3):i])


def _hash(feature: str) -> int:
    return zlib.crc32(feature.encode()) % DIMENSION


def sentence_features(r: Reading, rng: np.random.Generator | None = None) -> list[str]:
    """The sentence's features. A word of the tables (CUE_WORDS) is also read by its
    meaning: its cue, and the word pairs it is in with the word replaced by its meaning
    ("b=<slice>_of" for "wedge of" as for "slice of"). In training (`rng` given) such a
    word's own features are left out at random (CUE_DROPOUT), so that the meaning, not
    the word, carries what the word says: a table word the training data never uses
    ("wedge", "scrub") is then read as the words of the same meaning are."""
    mentioned = {i for m in r.mentions for i in range(m.start, m.end)}
    cue_at = {i: CUE_WORDS[cue_word(w)] for i, w in enumerate(r.words) if cue_word(w) and i not in mentioned}
    hidden = {i for i in cue_at if rng is not None and rng.random() < CUE_DROPOUT}
    meant = [f"<{cue_at[i]}>" if i in cue_at else w for i, w in enumerate(r.words)]
    feats = ["bias"] + [f"w={w}" for i, w in enumerate(r.words) if i not in mentioned and i not in hidden]
    for i in range(len(r.words) - 1):
        if i not in hidden and i + 1 not in hidden:
            feats.append(f"b={r.words[i]}_{r.words[i + 1]}")
        if i in cue_at or i + 1 in cue_at:
            feats.append(f"cb={meant[i]}_{meant[i + 1]}")
    cues = [f"{'negcue' if negated(r.words, i) else 'cue'}={cue}" for i, cue in cue_at.items()]
    if any(w in MORE_THAN_ONE for w in r.words):  # "another one", "a second", "both", "2": whatever the frame
        feats.append("count=more")
    asked = any(c in TRANSFORM_CUES for c in cues)
    feats += cues if asked else cues + ["cue=none"]  # no transform asked for: a placing, or a look
    kinds = [kind_of(m.types[0]) for m in r.mentions]
    for m in r.mentions:
        feats += [f"m={t}" for t in m.types]
    for k in set(kinds):
        feats.append(f"kind={k}x{min(kinds.count(k), 3)}")
    if r.mentions:
        feats.append(f"first_kind={kinds[0]}")
        feats.append(f"last_kind={kinds[-1]}")
        feats.append(f"kinds={kind_sequence(r)}")
    feats += transform_evidence(r, cues)
    feats.append(f"sentences={min(max(r.sentence, default=0) + 1, 4)}")
    return feats


def kind_sequence(r: Reading) -> str:
    """The kinds of the things named, in order ("movable-object-fixed": a mug, a pencil, a
    desk): the shape of the request, whatever its verbs."""
    return "-".join(kind_of(m.types[0]) for m in r.mentions[:4])


# Where each transform is done: its appliance and what switches it (a Faucet).
TRANSFORM_PLACES = {t.name: {t.appliance} | ({t.switch} if t.switch else set()) for t in TRANSFORMS}


def transform_evidence(r: Reading, cues: list[str]) -> list[str]:
    """For each transform, what asks for it: a word of its own (not negated), its appliance
    named before the last thing named ("leave it in the microwave for a bit, then ..."),
    both, or nothing. A transform nothing asks for is not the task, however often ALFRED
    heats a slice that ends in the fridge."""
    before_last = [t for m in r.mentions[:-1] for t in m.types]
    out = []
    for name, places in TRANSFORM_PLACES.items():
        said = f"cue={name}" in cues
        place = any(t in places for t in before_last)
        out.append(f"evidence={name}:" + ("+".join(k for k, v in (("word", said), ("place", place)) if v) or "none"))
    return out


def _context(r: Reading, m: Mention) -> list[str]:
    before = [w for w in r.words[max(0, m.start - 3):m.start] if w not in ("a", "an", "the", "some", "that", "this")]
    prev = before[-1] if before else "<s>"
    nxt = r.words[m.end] if m.end < len(r.words) else "</s>"
    cls = ("place" if prev in PLACE_WORDS else "source" if prev in SOURCE_WORDS else "with" if prev in WITH_WORDS
           else "other")
    return [f"prev={prev}", f"next={nxt}", f"prev_class={cls}"] + [f"before={w}" for w in before]


def candidate_features(r: Reading, head: str) -> tuple[list[str], list[list[str]]]:
    """(candidate types, their features) for an argument head."""
    want = {"object": ("object", "movable"), "parent": ("fixed", "light"), "movable": ("movable",)}[head]
    names, feats = [], []
    same_kind = [m for m in r.mentions if any(kind_of(t) in want for t in m.types)]
    last_sentence = max(r.sentence, default=0)
    sequence = kind_sequence(r)
    for order, m in enumerate(same_kind):
        context = _context(r, m)
        position = [f"order={min(order, 3)}", f"rorder={min(len(same_kind) - 1 - order, 3)}",
                    f"sentence_last={r.sentence[m.start] == last_sentence}",
                    f"sentence_first={r.sentence[m.start] == 0}", f"mention_index={min(r.mentions.index(m), 4)}",
                    f"kinds={sequence}"]
        for t in m.types:
            if kind_of(t) not in want:
                continue
            kind = kind_of(t)
            rank = m.described.index(t) if t in m.described else None
            base = [f"type={t}", f"kind={kind}", f"corrected={m.corrected}", f"ambiguous={len(m.types) > 1}",
                    f"named={m.named}", f"added={t in m.added}",
                    f"desc_rank={'none' if rank is None else min(rank, 2)}",
                    f"desc_rank={'none' if rank is None else min(rank, 2)}|named={m.named}|added={t in m.added}"]
            f = base + position + context + [f"{c}|{kind}" for c in context + position]
            if t in names:  # a second mention of the same type: keep the first, note the repeat
                feats[names.index(t)].append("repeated")
                continue
            names.append(t)
            feats.append(f)
    if head == "movable":
        names.append(NONE)
        feats.append(["none", f"none_movables={len(same_kind)}"])
    return names, feats


class GoalModel:
    """The five heads' weights; `predict` gives each head's distribution."""

    def __init__(self, weights: dict[str, np.ndarray] | None = None, combination: dict[str, float] | None = None,
                 cross_validation: dict | None = None):
        self.weights = weights or {"task_type": np.zeros((len(TASK_TYPE_NAMES), DIMENSION), np.float32),
                                   "sliced": np.zeros(DIMENSION, np.float32),
                                   **{h: np.zeros(DIMENSION, np.float32) for h in ("object", "parent", "movable")}}
        combination = dict(DEFAULT_COMBINATION if combination is None else combination)
        unknown = set(combination) - set(COMBINATION)
        if unknown:
            raise ValueError(f"unknown combination features {sorted(unknown)}: expected some of {', '.join(COMBINATION)}")
        # the weight of each feature of a candidate goal (reader.py); "model" is one over a temperature
        self.combination = {name: float(combination.get(name, 0.0)) for name in COMBINATION}
        self.cross_validation = cross_validation  # the combination's k-fold figures on human_dev (train.py)

    def weight_vector(self) -> np.ndarray:
        """The combination's weights in `COMBINATION`'s order."""
        return np.array([self.combination[name] for name in COMBINATION])

    # --- inference ------------------------------------------------------------------------

    def predict(self, r: Reading) -> dict[str, list[tuple[str, float]]]:
        """Each head's (value, probability) pairs, most likely first."""
        sent = np.array(sorted({_hash(f) for f in sentence_features(r)}), dtype=np.int64)
        out = {"task_type": _ranked(TASK_TYPE_NAMES, self.weights["task_type"][:, sent].sum(axis=1))}
        p = 1.0 / (1.0 + np.exp(-float(self.weights["sliced"][sent].sum())))
        out["sliced"] = sorted([(True, p), (False, 1.0 - p)], key=lambda x: -x[1])
        for head in ("object", "parent", "movable"):
            names, feats = candidate_features(r, head)
            scores = [float(self.weights[head][[_hash(f) for f in fs]].sum()) for fs in feats]
            out[head] = _ranked(names, np.array(scores)) if names else []
        return out

    # --- training -------------------------------------------------------------------------

    def fit(self, pairs: list[tuple[str, TaskGoal]], epochs: int = 4, lr: float = 0.5, seed: int = 0,
            progress=None) -> None:
        rng = np.random.default_rng(seed)
        squares = {h: np.full_like(w, 1e-6) for h, w in self.weights.items()}
        examples = [(read(text), goal) for text, goal in pairs]
        for _ in range(epochs):
            for i in rng.permutation(len(examples)):
                r, goal = examples[i]
                self._update(r, goal, squares, lr, rng)
                if progress is not None:
                    progress.update(1)

    def _update(self, r: Reading, goal: TaskGoal, squares, lr: float, rng: np.random.Generator) -> None:
        sent = np.array(sorted({_hash(f) for f in sentence_features(r, rng)}), dtype=np.int64)
        W = self.weights["task_type"]
        logits = W[:, sent].sum(axis=1)
        grad = _softmax(logits)
        grad[TASK_TYPE_NAMES.index(goal.task_type)] -= 1.0
        _adagrad(W, squares["task_type"], (slice(None), sent), grad[:, None] * np.ones((1, len(sent))), lr)
        w = self.weights["sliced"]
        p = 1.0 / (1.0 + np.exp(-float(w[sent].sum())))
        _adagrad(w, squares["sliced"], sent, np.full(len(sent), p - float(goal.sliced)), lr)
        gold = {"object": goal.object, "parent": goal.parent_receptacle, "movable": goal.movable_receptacle or NONE}
        for head in ("object", "parent", "movable"):
            names, feats = candidate_features(r, head)
            if gold[head] not in names or len(names) < 2:
                continue
            w = self.weights[head]
            idx = [np.array([_hash(f) for f in fs], dtype=np.int64) for fs in feats]
            probs = _softmax(np.array([float(w[ix].sum()) for ix in idx]))
            probs[names.index(gold[head])] -= 1.0
            for ix, g in zip(idx, probs):
                _adagrad(w, squares[head], ix, np.full(len(ix), g), lr)

    # --- files ----------------------------------------------------------------------------

    def save(self, folder: str | Path) -> None:
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / "weights.tmp.npz"
        np.savez_compressed(tmp, **self.weights)
        tmp.replace(folder / "weights.npz")
        write_json_atomic(folder / "config.json", {"format": "errands-goal-model", "format_version": 1,
                                                   "dimension": DIMENSION, "heads": list(HEADS),
                                                   "task_types": list(TASK_TYPE_NAMES),
                                                   "combination": self.combination,
                                                   "human_dev_cv": self.cross_validation})

    @classmethod
    def load(cls, folder: str | Path) -> GoalModel:
        folder = Path(folder)
        try:
            config = json.loads((folder / "config.json").read_text())
            with np.load(folder / "weights.npz", allow_pickle=False) as data:
                weights = {h: data[h] for h in HEADS}
        except (OSError, ValueError, KeyError) as e:
            raise ValueError(f"{folder} is not a goal model (config.json and weights.npz with heads "
                             f"{', '.join(HEADS)}): {e}") from None
        if config.get("format") != "errands-goal-model" or config.get("dimension") != DIMENSION \
                or config.get("task_types") != list(TASK_TYPE_NAMES):
            raise ValueError(f"{folder}/config.json describes another model: {config}")
        combination = config.get("combination")
        if combination is None:  # a model of format 1 before the combination's features: one weight for the rules
            combination = {"model": 1.0 / float(config["temperature"]), "rules_goal": float(config["rules_weight"]),
                           "prior": float(config.get("prior_weight", 0.0))}
        return cls(weights, combination, config.get("human_dev_cv"))


def _softmax(x: np.ndarray) -> np.ndarray:
    e = np.exp(x - x.max())
    return e / e.sum()


def _ranked(names, scores: np.ndarray) -> list[tuple[str, float]]:
    probs = _softmax(np.asarray(scores, dtype=np.float64))
    order = np.argsort(-probs, kind="stable")
    return [(names[i], float(probs[i])) for i in order]


def _adagrad(w: np.ndarray, squares: np.ndarray, index, grad: np.ndarray, lr: float) -> None:
    squares[index] += grad * grad
    w[index] -= lr * grad / np.sqrt(squares[index])
