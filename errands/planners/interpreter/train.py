"""Train the packaged goal model on generated data and fit its temperature.

    python -m errands.planners.interpreter.train                 # writes errands/planners/data/goal-model
    python -m errands.planners.interpreter.train --out runs/goal-model --examples 40000

The combination is fitted on the development instructions (human_dev, written by hand):
the weights of the rule-based reader's opinion and of ALFRED's task prior that read most
goals right there, then the temperature that makes the confidence closest to the
accuracy (Brier score). Before that fit, a k-fold cross-validation on human_dev says what
the fit is worth on instructions it did not see: for each fold, the combination fitted
on the other folds reads the held-out fold; the pooled accuracy is printed and kept in
config.json ("human_dev_cv").
human_test is never read here. The same arguments give the same weights.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
from tqdm import tqdm

from ...envs.tasks.goals import TaskGoal
from ...envs.tasks.instruction_sets import read_instruction_set
from .model import GoalModel
from .reader import MODEL_DIR, GoalReader
from .training_data import generate

DEV_PATH = Path(__file__).resolve().parents[2] / "eval" / "instructions" / "human_dev.jsonl"
TEMPERATURES = (0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 2.5, 3.0, 4.0)
RULES_WEIGHTS = (0.0, 0.5, 1.0, 1.5, 2.0, 3.0)
PRIOR_WEIGHTS = (0.0, 0.25, 0.5, 1.0)


def load_instructions(path: str | Path) -> list[tuple[str, TaskGoal]]:
    """(instruction, gold goal) pairs of a hand-written instruction set."""
    return [(row["instruction"], row["goal"]) for row in read_instruction_set(path)]


def fit_combination(model: GoalModel, pairs: list[tuple[str, TaskGoal]]) -> tuple[float, float, float, float, float]:
    """(rules weight, prior weight, temperature, accuracy, Brier score) on `pairs`: the
    weights of the rules' opinion and of the task prior with the best accuracy (on a tie,
    the better Brier score), then the temperature with the best Brier score."""
    def run(weight: float, prior: float, temperature: float) -> tuple[float, float]:
        model.temperature, model.rules_weight, model.prior_weight = temperature, weight, prior
        reader = GoalReader(model)
        hits, errors = [], []
        for text, gold in pairs:
            reading = reader.read(text)
            hits.append(reading.goal == gold)
            errors.append((reading.confidence - float(hits[-1])) ** 2)
        return float(np.mean(hits)), float(np.mean(errors))

    def score(wp):
        accuracy, brier = run(*wp, 1.0)
        return accuracy, -brier

    weight, prior = max(((w, p) for w in RULES_WEIGHTS for p in PRIOR_WEIGHTS), key=score)
    temperature = min(TEMPERATURES, key=lambda t: run(weight, prior, t)[1])
    accuracy, brier = run(weight, prior, temperature)
    return weight, prior, temperature, accuracy, brier


def cross_validate(model: GoalModel, pairs: list[tuple[str, TaskGoal]], folds: int = 5,
                   seed: int = 0) -> dict:
    """k-fold cross-validation of `fit_combination` on `pairs`: each fold read with the
    combination fitted on the others. The pooled held-out accuracy and Brier score, and
    each fold's fitted (rules weight, prior weight, temperature)."""
    order = np.random.default_rng([seed, 5]).permutation(len(pairs))
    parts = np.array_split(order, folds)
    hits, errors, fitted = [], [], []
    for k, held in enumerate(parts):
        rest = [pairs[i] for j, part in enumerate(parts) if j != k for i in part]
        weight, prior, temperature, _, _ = fit_combination(model, rest)
        fitted.append([weight, prior, temperature])
        model.rules_weight, model.prior_weight, model.temperature = weight, prior, temperature
        reader = GoalReader(model)
        for i in held:
            text, gold = pairs[i]
            reading = reader.read(text)
            hits.append(reading.goal == gold)
            errors.append((reading.confidence - float(hits[-1])) ** 2)
    return {"folds": folds, "accuracy": round(float(np.mean(hits)), 4), "brier": round(float(np.mean(errors)), 4),
            "fitted": fitted}


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
    weight, prior, temperature, accuracy, brier = fit_combination(model, dev)
    model.save(args.out)
    print(f"wrote {args.out}: rules weight {weight:g}, prior weight {prior:g}, temperature {temperature:g}; on "
          f"human_dev (fitted there) goal accuracy {100 * accuracy:.1f}%, Brier score {brier:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
