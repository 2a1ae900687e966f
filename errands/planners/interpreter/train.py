"""Train the packaged goal model on generated data and fit its temperature.

    python -m errands.planners.interpreter.train                 # writes errands/planners/data/goal-model
    python -m errands.planners.interpreter.train --out runs/goal-model --examples 40000

The combination is fitted on the development instructions (human_dev, written by hand):
the weights of each candidate goal's features (the model's log probability, ALFRED's task
prior, and the rule-based reader's opinion field by field: reader.py, `COMBINATION`) that
make the gold goals most likely there (a log-linear fit over each instruction's candidate
goals, the weights kept at zero or above and pulled gently toward the model alone). The
likelihood fit also calibrates the confidence. Before that fit, a k-fold
cross-validation on human_dev says what the fit is worth on instructions it did not see:
for each fold, the combination fitted on the other folds reads the held-out fold; the
pooled accuracy is printed and kept in config.json ("human_dev_cv").
human_test is never read here, nor is the novel phrasing set. The same arguments give
the same weights.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
from tqdm import tqdm

from ...envs.tasks.goals import TaskGoal
from ...envs.tasks.instruction_sets import read_instruction_set
from ..reading import GoalReading
from .model import COMBINATION, GoalModel
from .reader import MODEL_DIR, GoalReader
from .training_data import generate

DEV_PATH = Path(__file__).resolve().parents[2] / "eval" / "instructions" / "human_dev.jsonl"
START = np.array([1.0 if name == "model" else 0.0 for name in COMBINATION])  # the model alone
LOWER = np.array([0.05 if name == "model" else 0.0 for name in COMBINATION])
PULL = 1.0  # the L2 pull toward START, as much as one instruction's log likelihood


def load_instructions(path: str | Path) -> list[tuple[str, TaskGoal]]:
    """(instruction, gold goal) pairs of a hand-written instruction set."""
    return [(row["instruction"], row["goal"]) for row in read_instruction_set(path)]


CandidateSet = tuple[np.ndarray, int]  # the candidates' features (a row each), the gold goal's row (-1: none)


def candidate_sets(model: GoalModel, pairs: list[tuple[str, TaskGoal]]) -> list[CandidateSet]:
    """Each instruction's candidate goals as the combined reader finds them (reading the
    text alone, without a scene), their features, and which one is the gold goal."""
    reader = GoalReader(model)
    out = []
    for text, gold in pairs:
        found = reader.candidates(text)
        if isinstance(found, GoalReading):
            out.append((np.zeros((0, len(COMBINATION))), -1))
        else:
            out.append((found.features, found.goals.index(gold) if gold in found.goals else -1))
    return out


def evaluate(weights: np.ndarray, sets: list[CandidateSet]) -> tuple[float, float]:
    """(goal accuracy, Brier score of the confidence) of reading with `weights`: the
    candidate with the best score, the first on a tie, as the reader takes it."""
    hits, errors = [], []
    for features, gold in sets:
        if not len(features):
            hits.append(False)
            errors.append(0.0)  # a reading that says it cannot has confidence 0
            continue
        scores = features @ weights
        probs = np.exp(scores - scores.max())
        probs /= probs.sum()
        best = int(np.argmax(scores))
        hits.append(best == gold)
        errors.append((probs[best] - float(hits[-1])) ** 2)
    return float(np.mean(hits)), float(np.mean(errors))


def fit_weights(sets: list[CandidateSet], iterations: int = 500) -> np.ndarray:
    """The weights that maximise the gold goals' mean log likelihood among their
    candidates, less PULL times the squared distance from START, with each weight at
    least LOWER: projected gradient ascent with a backtracking step (a concave problem,
    so the answer does not depend on the path)."""
    used = [(f, g) for f, g in sets if g >= 0 and len(f) > 1]
    if not used:
        return START.copy()
    width = max(len(f) for f, _ in used)
    X = np.zeros((len(used), width, len(COMBINATION)))
    mask = np.full((len(used), width), -np.inf)
    for i, (f, _) in enumerate(used):
        X[i, :len(f)], mask[i, :len(f)] = f, 0.0
    gold = X[np.arange(len(used)), [g for _, g in used]]
    pull = PULL / len(used)

    def objective(w):
        scores = X @ w + mask
        top = scores.max(axis=1, keepdims=True)
        log_z = top[:, 0] + np.log(np.exp(scores - top).sum(axis=1))
        return float(np.mean(gold @ w - log_z) - pull * np.sum((w - START) ** 2))

    def gradient(w):
        scores = X @ w + mask
        p = np.exp(scores - scores.max(axis=1, keepdims=True))
        p /= p.sum(axis=1, keepdims=True)
        return np.mean(gold - np.einsum("nc,ncf->nf", p, X), axis=0) - 2 * pull * (w - START)

    w, value, step = START.copy(), objective(START), 1.0
    for _ in range(iterations):
        g = gradient(w)
        while True:
            trial = np.maximum(w + step * g, LOWER)
            trial_value = objective(trial)
            if trial_value >= value + 1e-4 * g @ (trial - w) or step < 1e-10:
                break
            step /= 2
        if trial_value - value < 1e-10:
            break
        w, value, step = trial, trial_value, step * 2
    return w


def fit_combination(model: GoalModel, pairs: list[tuple[str, TaskGoal]],
                    sets: list[CandidateSet] | None = None) -> tuple[dict[str, float], float, float]:
    """(the combination's weights, accuracy, Brier score) fitted on `pairs`."""
    sets = candidate_sets(model, pairs) if sets is None else sets
    weights = fit_weights(sets)
    accuracy, brier = evaluate(weights, sets)
    return {name: round(float(x), 4) for name, x in zip(COMBINATION, weights)}, accuracy, brier


def cross_validate(model: GoalModel, pairs: list[tuple[str, TaskGoal]], folds: int = 5,
                   seed: int = 0) -> dict:
    """k-fold cross-validation of `fit_combination` on `pairs`: each fold read with the
    combination fitted on the others. The pooled held-out accuracy and Brier score, and
    each fold's fitted weights (in `COMBINATION`'s order)."""
    sets = candidate_sets(model, pairs)
    order = np.random.default_rng([seed, 5]).permutation(len(pairs))
    parts = np.array_split(order, folds)
    hits, errors, fitted = [], [], []
    for k, held in enumerate(parts):
        rest = [sets[i] for j, part in enumerate(parts) if j != k for i in part]
        weights = fit_weights(rest)
        fitted.append([round(float(x), 4) for x in weights])
        accuracy, brier = evaluate(weights, [sets[i] for i in held])
        hits.append(accuracy * len(held))
        errors.append(brier * len(held))
    return {"folds": folds, "features": list(COMBINATION), "accuracy": round(sum(hits) / len(pairs), 4),
            "brier": round(sum(errors) / len(pairs), 4), "fitted": fitted}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=MODEL_DIR, help=f"model folder (default {MODEL_DIR})")
    parser.add_argument("--examples", type=int, default=20_000, help="generated training pairs (default 20000)")
    parser.add_argument("--epochs", type=int, default=3, help="passes over them (default 3)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the data and the order (default 0)")
    parser.add_argument("--folds", type=int, default=5, help="cross-validation folds on human_dev (default 5; 0: none)")
    args = parser.parse_args(argv)

    pairs = generate(args.examples, seed=args.seed)
    model = GoalModel()
    with tqdm(total=len(pairs) * args.epochs, desc="goal model", unit="example", mininterval=5) as bar:
        model.fit(pairs, epochs=args.epochs, seed=args.seed, progress=bar)
    dev = load_instructions(DEV_PATH)
    if args.folds:
        model.cross_validation = cross_validate(model, dev, args.folds, args.seed)
        print(f"human_dev, {args.folds}-fold cross-validation of the combination: held-out goal accuracy "
              f"{100 * model.cross_validation['accuracy']:.1f}%, Brier score {model.cross_validation['brier']:.3f}")
    model.combination, accuracy, brier = fit_combination(model, dev)
    model.save(args.out)
    weights = ", ".join(f"{name} {value:g}" for name, value in model.combination.items())
    print(f"wrote {args.out}: combination {weights}; on human_dev (fitted there) goal accuracy "
          f"{100 * accuracy:.1f}%, Brier score {brier:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
