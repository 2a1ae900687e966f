"""LLM planner benchmark: valid-plan rate, goal accuracy and seconds per plan.

For each phrasing set (seen: the training templates on new tasks; novel: templates and
synonyms held out of the example pool) and with and without retrieval, it samples tasks,
asks the LLM planner for a plan, executes the plan with the expert skill policy and
records whether the task's goal was reached.

  valid-plan rate  plans that parse and validate (after the planner's repair attempts)
  goal accuracy    episodes whose plan, executed by the expert, achieves the goal
  seconds/plan     wall time of the first plan of each episode (median and p95)

Usage: python benchmarks/llm_planner.py [--tasks 200] [--mode goal] [--backend llama_cpp] [--results]
"""

from __future__ import annotations

import argparse
import platform
import time

import gymnasium as gym
import numpy as np
from tqdm import tqdm

import errands
from errands.envs.tasks.sampler import TaskSampler
from errands.planners import make_planner
from errands.policies.agent import Agent
from errands.policies.expert import ExpertSkillPolicy
from results import add_results_flag, column, write_result


class TimedPlanner:
    """Wraps a planner to time its first plan of each episode."""

    def __init__(self, planner):
        self.planner, self.name = planner, planner.name
        self.seconds: list[float] = []

    def plan(self, instruction, context):
        started = time.perf_counter()
        try:
            return self.planner.plan(instruction, context)
        finally:
            self.seconds.append(time.perf_counter() - started)

    def replan(self, feedback):
        return self.planner.replan(feedback)


def run(phrasing: str, retrieval: bool, args) -> dict:
    planner = TimedPlanner(make_planner("llm", backend=args.backend, mode=args.mode, retrieval=retrieval,
                                        model_path=args.model_path, base_url=args.base_url))
    agent = Agent(planner, ExpertSkillPolicy())
    env = gym.make("errands/Household-v0")
    # Seen phrasing uses seen scenes, novel phrasing unseen ones; the example pool was
    # generated from other tasks (another seed), so no instruction is in the pool.
    sampler = TaskSampler(split="seen" if phrasing == "train" else "unseen", phrasing=phrasing)
    rng = np.random.default_rng(args.seed)
    valid = success = 0
    kinds: dict[str, int] = {}
    for _ in tqdm(range(args.tasks), desc=f"{phrasing} retrieval={retrieval}", unit="task"):
        task = sampler.sample(rng)
        log = agent.run_episode(env, task)
        planner_failed = log.failure_category == "planner_error"
        valid += not planner_failed
        success += log.success
        if planner_failed:
            kind = log.failure_reason.split("[", 1)[-1].split("]", 1)[0] if "[" in log.failure_reason else "other"
            kinds[kind] = kinds.get(kind, 0) + 1
    seconds = np.array(planner.seconds)
    return {"phrasing": "seen" if phrasing == "train" else "novel", "retrieval": retrieval, "tasks": args.tasks,
            "valid": valid / args.tasks, "goal_accuracy": success / args.tasks,
            "median_s": float(np.median(seconds)), "p95_s": float(np.percentile(seconds, 95)), "errors": kinds}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tasks", type=int, default=200, help="tasks per phrasing and retrieval setting")
    parser.add_argument("--mode", default="goal", choices=["goal", "plan"], help="LLM planner mode")
    parser.add_argument("--backend", default="llama_cpp", choices=["llama_cpp", "openai"])
    parser.add_argument("--model-path", help="GGUF model (default: the packaged SmolLM2-135M-Instruct)")
    parser.add_argument("--base-url", help="for --backend openai")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-baseline", action="store_true", help="skip the runs without retrieval")
    add_results_flag(parser)
    args = parser.parse_args()
    print(f"# planner benchmark: mode={args.mode} backend={args.backend} tasks={args.tasks} seed={args.seed}")
    print(f"python {platform.python_version()}  errands {errands.__version__}  {platform.machine()}")
    rows = []
    for phrasing in ("train", "novel"):
        for retrieval in (True, False) if not args.no_baseline else (True,):
            rows.append(run(phrasing, retrieval, args))
    print("\n| phrasing | retrieval | tasks | valid plans | goal accuracy | median s/plan | p95 s/plan | planner errors |")
    print("|---|---|---:|---:|---:|---:|---:|---|")
    for r in rows:
        errors = ", ".join(f"{k} {v}" for k, v in sorted(r["errors"].items())) or "none"
        print(f"| {r['phrasing']} | {'yes' if r['retrieval'] else 'no'} | {r['tasks']} | {100 * r['valid']:.1f}% | "
              f"{100 * r['goal_accuracy']:.1f}% | {r['median_s']:.2f} | {r['p95_s']:.2f} | {errors} |")
    seen = next(r for r in rows if r["phrasing"] == "seen" and r["retrieval"])
    print(f"\nfloors: valid plans >= 95% ({100 * seen['valid']:.1f}%), goal accuracy on seen phrasing >= 70% "
          f"({100 * seen['goal_accuracy']:.1f}%)")
    if args.results:
        write_result("llm_planner", [
            {"phrasing": r["phrasing"], "retrieval": "yes" if r["retrieval"] else "no (fixed examples)",
             "tasks": r["tasks"], "valid_plans_pct": round(100 * r["valid"], 1),
             "goal_accuracy_pct": round(100 * r["goal_accuracy"], 1), "median_s_per_plan": round(r["median_s"], 2),
             "p95_s_per_plan": round(r["p95_s"], 2), "planner_errors": r["errors"]} for r in rows],
            title="LLM planner: valid plans and goal accuracy",
            columns=[column("phrasing", align="left"), column("retrieval", align="left"), column("tasks"),
                     column("valid_plans_pct", "valid plans %", format=".1f"),
                     column("goal_accuracy_pct", "goal accuracy %", format=".1f"),
                     column("median_s_per_plan", "median s/plan", format=".2f"),
                     column("p95_s_per_plan", "p95 s/plan", format=".2f")],
            description=f"Mode {args.mode}, backend {args.backend}, {args.tasks} sampled tasks per row (seed "
                        f"{args.seed}): seen phrasing on seen scenes, novel phrasing on unseen scenes. A plan is "
                        "valid when it parses and validates within the planner's repairs; goal accuracy = the "
                        "plan, executed by the expert, reaches the task's goal.")


if __name__ == "__main__":
    main()
