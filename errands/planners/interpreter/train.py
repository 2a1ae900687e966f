"""Train the packaged goal model on generated data and fit its temperature.

    python -m errands.planners.interpreter.train                 # writes errands/planners/data/goal-model
    python -m errands.planners.interpreter.train --out runs/goal-model --examples 40000

The temperature is fitted on the development instructions (human_dev, written by hand):
the one that makes the reader's confidence closest to its accuracy there (Brier score).
human_test is never read here. The same arguments give the same weights.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
from tqdm import tqdm

from ...envs.tasks.goals import TaskGoal
from .model import GoalModel
from .reader import MODEL_DIR, GoalReader
from .training_data import generate

DEV_PATH = Path(__file__).resolve().parents[2] / "eval" / "instructions" / "human_dev.jsonl"
TEMPERATURES = (0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 2.5, 3.0, 4.0)


def load_instructions(path: str | Path) -> list[tuple[str, TaskGoal]]:
    """(instruction, gold goal) pairs of a hand-written instruction set (JSONL)."""
    pairs = []
    for number, line in enumerate(Path(path).read_text().splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            pairs.append((row["instruction"], TaskGoal(**row["goal"])))
        except (json.JSONDecodeError, KeyError, TypeError, ValueError) as e:
            raise ValueError(f"{path}:{number}: expected an object with 'instruction' and a valid 'goal': {e}") from None
    return pairs


def fit_temperature(model: GoalModel, pairs: list[tuple[str, TaskGoal]]) -> tuple[float, float]:
    """(temperature, Brier score) minimising the Brier score of the confidence on `pairs`."""
    best = (1.0, float("inf"))
    for temperature in TEMPERATURES:
        model.temperature = temperature
        reader = GoalReader(model)
        errors = []
        for text, gold in pairs:
            reading = reader.read(text)
            errors.append((reading.confidence - float(reading.goal == gold)) ** 2)
        score = float(np.mean(errors))
        if score < best[1]:
            best = (temperature, score)
    model.temperature = best[0]
    return best


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=MODEL_DIR, help=f"model folder (default {MODEL_DIR})")
    parser.add_argument("--examples", type=int, default=20_000, help="generated training pairs (default 20000)")
    parser.add_argument("--epochs", type=int, default=3, help="passes over them (default 3)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the data and the order (default 0)")
    args = parser.parse_args(argv)

    pairs = generate(args.examples, seed=args.seed)
    model = GoalModel()
    with tqdm(total=len(pairs) * args.epochs, desc="goal model", unit="example") as bar:
        model.fit(pairs, epochs=args.epochs, seed=args.seed, progress=bar)
    temperature, brier = fit_temperature(model, load_instructions(DEV_PATH))
    model.save(args.out)
    print(f"wrote {args.out} (temperature {temperature:g}, Brier score on human_dev {brier:.3f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
