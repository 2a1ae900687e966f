"""Goal readers side by side: goal accuracy, seconds per instruction and end-to-end SR, on
templated and human-written instructions.

    python benchmarks/planner.py                      # every reader but the LLM's, all five sets
    python benchmarks/planner.py --llm-sample 60      # also the packaged LLM, on 60 episodes a set
    python benchmarks/planner.py --sr --results       # end-to-end SR too, and write the JSON

Sets: the templated suites valid_seen and novel_phrasing (held-out templates and verbs),
and the hand-written human_dev (tuned on: the combination's weights are fitted there),
human_dev2 (a second development set, for checking: nothing is fitted on it) and
human_test (never tuned on). Readers:
rules (goal_parser.py), trained (the goal model alone), combined (the trained model with
the rules as a second opinion: the interpreter planner's default), and, on a sample,
llm (the packaged SmolLM2-135M through llama.cpp, goal mode) and combined+llm (the LLM
consulted below the combined reader's confidence of 0.6).

Goal accuracy: the goal read equals the gold goal in every field (type, object, sliced,
movable, parent), reading with the episode's scene object types as the agent does.
Seconds: wall time of one reading (median, p95). Calibration: the combined reader's
expected calibration error over 10 confidence bins. End-to-end SR (--sr): the
interpreter planner (combined) with the expert skill policy on the whole suite, through
`errands eval`.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
from tqdm import tqdm

from errands.envs.household.world import World
from errands.envs.tasks.goals import TaskGoal
from errands.envs.tasks.task import Task
from errands.eval.suites import load_suite
from errands.planners.base import PlanningContext
from errands.planners.interpreter.planner import InterpreterPlanner
from results import add_results_flag, column, write_result

SETS = ("valid_seen", "novel_phrasing", "human_dev", "human_dev2", "human_test")


def episodes_of(name: str) -> list[tuple[str, TaskGoal, list[str], Task]]:
    out = []
    for episode in load_suite(name).episodes:
        task = Task.from_dict(episode.task)
        world = World(task.build_scene())
        types = world.object_types()
        out.append((task.instruction, task.goal, types, task))
    return out


def measure(planner, episodes, desc: str) -> dict:
    correct, seconds, confidences, hits = 0, [], [], []
    for instruction, gold, types, _ in tqdm(episodes, desc=desc, unit="ep", leave=False):
        started = time.perf_counter()
        reading = planner.read(instruction, PlanningContext(instruction=instruction, object_types=types))
        seconds.append(time.perf_counter() - started)
        hit = reading.goal == gold
        correct += hit
        confidences.append(reading.confidence if reading.confidence is not None else float(reading.goal is not None))
        hits.append(hit)
    return {"episodes": len(episodes), "goal_accuracy_pct": round(100 * correct / len(episodes), 1),
            "median_s": round(float(np.median(seconds)), 4), "p95_s": round(float(np.percentile(seconds, 95)), 4),
            "ece": round(expected_calibration_error(confidences, hits), 3)}


def expected_calibration_error(confidences, hits, bins: int = 10) -> float:
    confidences, hits = np.asarray(confidences, float), np.asarray(hits, float)
    edges = np.linspace(0, 1, bins + 1)
    total = 0.0
    for lo, hi in zip(edges[:-1], edges[1:]):
        inside = (confidences > lo) & (confidences <= hi) if lo > 0 else (confidences <= hi)
        if inside.any():
            total += inside.mean() * abs(confidences[inside].mean() - hits[inside].mean())
    return float(total)


def end_to_end_sr(suite: str, runs: Path) -> float:
    out = runs / f"{suite}-interpreter-expert"
    subprocess.run([sys.executable, "-m", "errands.cli", "eval", "--suite", suite, "--planner", "interpreter",
                    "--policy", "expert", "--workers", "2", "--out", str(out), "--overwrite", "--no-progress"],
                   check=True, stdout=subprocess.DEVNULL)
    return round(100 * json.loads((out / "summary.json").read_text())["metrics"]["overall"]["sr"], 1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--llm-sample", type=int, default=0, help="episodes a set for the LLM readers (default 0: none)")
    parser.add_argument("--llm-backend", default="llama_cpp", choices=["llama_cpp", "openai"],
                        help="the LLM readers' backend (default: the packaged SmolLM2 through llama.cpp)")
    parser.add_argument("--llm-base-url", help="with --llm-backend openai: the server, e.g. http://127.0.0.1:8080/v1")
    parser.add_argument("--llm-model", help="with --llm-backend openai: the model name to ask for")
    parser.add_argument("--llm-server-grammar", action="store_true",
                        help="with --llm-backend openai: send llama.cpp's GBNF grammar (a llama-cpp-python server, "
                             "which takes no json_schema response format)")
    parser.add_argument("--llm-name", default="llm", help="the LLM readers' label in the table (default llm)")
    parser.add_argument("--sets", default=",".join(SETS), help="comma-separated sets (default all five)")
    parser.add_argument("--sr", action="store_true", help="also the end-to-end SR of each suite (errands eval)")
    parser.add_argument("--runs", type=Path, default=Path("runs/bench/planner"))
    parser.add_argument("--result-name", default="goal_readers", help="the result's name under benchmarks/results/")
    add_results_flag(parser)
    args = parser.parse_args()

    readers = {"rules": InterpreterPlanner("rules"), "trained": InterpreterPlanner("trained"),
               "combined": InterpreterPlanner("combined")}
    if args.llm_sample:
        from errands.planners import make_planner

        options = {}
        if args.llm_backend == "openai":
            options = {"base_url": args.llm_base_url, "model": args.llm_model}
            if args.llm_server_grammar:
                options.update(send_grammar=True, schema_format="json_object")
        llm = make_planner("llm", mode="goal", backend=args.llm_backend, **options)
        readers[args.llm_name] = LLMReader(llm)
        readers[f"combined+{args.llm_name}"] = InterpreterPlanner("combined", llm=llm)
    rows = []
    for name in args.sets.split(","):
        episodes = episodes_of(name)
        sample = [episodes[i] for i in np.random.default_rng(0).permutation(len(episodes))[:args.llm_sample]]
        row = {"set": name, "episodes": len(episodes)}
        for reader_name, reader in readers.items():
            llm_reader = reader_name in (args.llm_name, f"combined+{args.llm_name}")
            chosen = sample if llm_reader else episodes
            m = measure(reader, chosen, f"{name} {reader_name}")
            row[f"{reader_name}_pct"] = m["goal_accuracy_pct"]
            row[f"{reader_name}_median_s"] = m["median_s"]
            if reader_name == "combined":
                row["combined_p95_s"], row["combined_ece"] = m["p95_s"], m["ece"]
            if llm_reader:
                row["llm_sample"] = len(chosen)
        if args.sr:
            row["sr_combined_expert_pct"] = end_to_end_sr(name, args.runs)
        rows.append(row)
        print(json.dumps(row), flush=True)

    columns = [column("set", align="left"), column("episodes")]
    for reader_name in readers:
        columns += [column(f"{reader_name}_pct", f"{reader_name} goal acc. %", format=".1f"),
                    column(f"{reader_name}_median_s", f"{reader_name} median s", format=".4f")]
    columns += [column("combined_p95_s", "combined p95 s", format=".4f"), column("combined_ece", "combined ECE")]
    if args.llm_sample:
        columns.append(column("llm_sample", "LLM sample"))
    if args.sr:
        columns.append(column("sr_combined_expert_pct", "SR % (combined + expert)", format=".1f"))
    print("\n| " + " | ".join(c["label"] for c in columns) + " |")
    for row in rows:
        print("| " + " | ".join(str(row.get(c["key"], "")) for c in columns) + " |")
    if {r["set"] for r in rows} != set(SETS):
        return 0
    templated = next(r for r in rows if r["set"] == "valid_seen")
    test = next(r for r in rows if r["set"] == "human_test")
    novel = next(r for r in rows if r["set"] == "novel_phrasing")
    print(f"\nfloors: human_test combined {test['combined_pct']}% (>= 85, and within 5 of valid_seen "
          f"{templated['combined_pct']}%); novel_phrasing {novel['combined_pct']}% (>= 90); median "
          f"{test['combined_median_s']} s (< 1)")
    if args.results:
        title = "Goal readers: templated and human instructions"
        if args.llm_sample:
            title += f" (LLM: {args.llm_name}, {args.llm_backend})"
        write_result(args.result_name, rows, columns=columns, title=title,
                     description=__doc__.split("\n\n", 2)[2].strip())
    return 0


class LLMReader:
    """The LLM planner's goal reading, with the interpreter's `read` signature."""

    def __init__(self, llm):
        self.llm = llm

    def read(self, instruction, context):
        from errands.planners.base import PlanningError
        from errands.planners.reading import GoalReading

        try:
            return GoalReading(self.llm.read_goal(instruction, context), None, "llm")
        except PlanningError:
            return GoalReading(None, 0.0, "llm")


if __name__ == "__main__":
    sys.exit(main())
