"""How well the constraint reader reads constraints from the words of an instruction.

    python benchmarks/constraint_reader.py            # print the table
    python benchmarks/constraint_reader.py --results  # also write benchmarks/results/constraint_reader.json

Sets: the templated constraints_dev and constraints_test, and the hand-written
constraints_human_dev (the reader's rules were first written against it),
constraints_human_dev2 (a second development set in other people's words, written to
measure whether the rules carry over, then tuned on too) and constraints_human_test
(never tuned on). Each episode's instruction is read with its
scene's object types, as the agent reads it (errands/planners/working_constraints.py),
and compared with the constraints the task carries. A constraint that names an object
type the scene lacks ("don't touch the pot" where there is none) cannot be broken: it is
left out of both sides, since the agent's reader drops it too.

Columns: exact (the set of constraints read equals the task's), precision and recall over
single constraints (a constraint counts when it equals one of the task's in every field),
the episodes where some constraint was missed and where one was read that the task does
not carry, and the median seconds of one reading.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import Counter
from dataclasses import asdict
from pathlib import Path

from tqdm import tqdm

sys.path.insert(0, str(Path(__file__).resolve().parent))

from results import add_results_flag, column, command_line, write_result  # noqa: E402

from errands.envs.household.object_types import OBJECT_TYPES  # noqa: E402
from errands.envs.household.world import World  # noqa: E402
from errands.envs.tasks.task import Task  # noqa: E402
from errands.eval.suites import load_suite  # noqa: E402
from errands.planners.constraint_reader import read_constraints  # noqa: E402

SETS = ("constraints_dev", "constraints_test", "constraints_human_dev", "constraints_human_dev2",
        "constraints_human_test")


def binding(constraints, scene_types) -> set:
    """The constraints that name only object types the scene has."""
    return {c for c in constraints
            if all(v in scene_types for v in asdict(c).values() if isinstance(v, str) and v in OBJECT_TYPES)}


def measure(suite: str) -> dict:
    exact = missed = extra = gold_total = read_total = hits = 0
    seconds, missed_kinds = [], Counter()
    episodes = load_suite(suite).episodes
    for episode in tqdm(episodes, desc=suite, unit="ep", leave=False):
        task = Task.from_dict(episode.task)
        types = World(task.build_scene()).object_types()
        start = time.perf_counter()
        read = binding(read_constraints(task.instruction, types).constraints, types)
        seconds.append(time.perf_counter() - start)
        gold = binding(task.constraints, types)
        exact += read == gold
        missed += bool(gold - read)
        extra += bool(read - gold)
        gold_total, read_total, hits = gold_total + len(gold), read_total + len(read), hits + len(read & gold)
        missed_kinds.update(c.kind for c in gold - read)
    n = len(episodes)
    return {
        "set": suite, "episodes": n, "constraints": gold_total,
        "exact": 100 * exact / n,
        "precision": 100 * hits / read_total if read_total else 0.0,
        "recall": 100 * hits / gold_total if gold_total else 0.0,
        "missed": missed, "extra": extra,
        "missed_kinds": ", ".join(f"{k} {c}" for k, c in missed_kinds.most_common()) or "-",
        "median_s": statistics.median(seconds),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sets", nargs="+", default=list(SETS), choices=SETS, help="which suites to read")
    add_results_flag(parser)
    args = parser.parse_args()
    rows = [measure(s) for s in args.sets]
    columns = [column("set", align="left"), column("episodes"), column("constraints"),
               column("exact", "exact %", format=".1f"), column("precision", "precision %", format=".1f"),
               column("recall", "recall %", format=".1f"), column("missed", "episodes missing one"),
               column("extra", "episodes with one extra"), column("missed_kinds", "missed, by kind", "left"),
               column("median_s", "median s", format=".5f")]
    for row in rows:
        print(f'{row["set"]:24} exact {row["exact"]:5.1f}%  precision {row["precision"]:5.1f}%  '
              f'recall {row["recall"]:5.1f}%  missed {row["missed"]}  extra {row["extra"]}  '
              f'median {row["median_s"]:.5f} s  [{row["missed_kinds"]}]')
    if args.results:
        write_result("constraint_reader", rows, columns=columns, command=command_line(),
                     title="Reading constraints from the words",
                     description=__doc__.split("\n\n", 2)[2].strip())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
