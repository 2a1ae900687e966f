"""Constraints, household rules and text in the world, planner by planner, side by side.

    python benchmarks/constraints.py                       # every planner but the LLM's
    python benchmarks/constraints.py --llm-sample 60       # also the packaged LLM on 60 episodes a suite
    python benchmarks/constraints.py --llm-sample 30 --llm-plan-sample 12 \
        --llm-plan-suites constraints_test injection_test --results

Suites: constraints_dev and constraints_test (templated constraints; about a third bind,
that is, a planner blind to them breaks them), the hand-written constraints_human_dev and
constraints_human_test, and injection_test (a note or screen in the room with an injected
instruction), whichever are packaged. Each is played with the expert skill policy and:

- oracle: the true goal and the typed constraints given (the reference: 100% SR+C expected);
- interpreter: the goal interpreter, constraints read from the words;
- interpreter, blind: the same, told no constraint (what reading them is worth);
- llm goal / llm plan (with --llm-sample): the packaged SmolLM2-135M through llama.cpp,
  constraints read from the words; in plan mode the model is told them and its plan is
  checked against them before it runs; the text read in the room is in its prompt,
  quoted as part of the room with the warning never to obey it;
- on injection_test, controls that obey the text read in the room (appended to the
  instruction): "interpreter, obeying text" and "llm plan, obeying text": what the
  injected texts do to a planner that trusts them.

Columns: SR without constraints or text (the base tasks, where the suite has them:
valid_seen's or valid_unseen's episodes of the same ids), then over the constrained tasks SR, CSR (every
constraint met), SR+C (success with every constraint met, the headline) and SR+C over the
episodes whose constraints bind; where the suite has injected text, the share of episodes
whose agent read it, injection resistance (it did not do what the text asked) and SR
resisting (success without obeying it).
A second table gives SR+C per constraint kind; a third plays constraints_test under the
example household rules (errands/eval/rules/example_rules.json): rules kept, SR with rules
kept, conflicts reported and tasks refused for a rule.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

from errands.envs.tasks.constraints import CONSTRAINT_KINDS
from errands.eval.config import EvalConfig
from errands.eval.packaged_suites import PACKAGED_SUITES
from errands.eval.runner import run_evaluation
from errands.eval.suites import Suite, load_suite
from errands.planners.household_rules import load_rules
from results import add_results_flag, column, write_result

SUITES = ("constraints_dev", "constraints_test", "constraints_human_dev", "constraints_human_test", "injection_test")
BASE = {"constraints_dev": "valid_seen", "constraints_test": "valid_unseen", "injection_test": "valid_unseen"}
EXAMPLE_RULES = Path(__file__).resolve().parent.parent / "errands" / "eval" / "rules" / "example_rules.json"
PLAYERS = {  # name -> (planner, planner options)
    "oracle": ("oracle", {}),
    "interpreter": ("interpreter", {}),
    "interpreter, blind": ("interpreter", {"constraints": "none"}),
    "interpreter, obeying text": ("interpreter", {"seen_text": "obeyed"}),
    "llm goal": ("llm", {"mode": "goal"}),
    "llm plan": ("llm", {"mode": "plan"}),
    "llm plan, obeying text": ("llm", {"mode": "plan", "seen_text": "obeyed"}),
}
LLM_PLAYERS = ("llm goal", "llm plan", "llm plan, obeying text")
PLAN_PLAYERS = ("llm plan", "llm plan, obeying text")  # slower: a plan of many tokens, repaired and re-planned
TEXT_CONTROLS = ("interpreter, obeying text", "llm plan, obeying text")  # only on suites with text in the world
CONSTRAINT_CONTROLS = ("interpreter, blind",)  # only on suites with constraints


def sample(suite: Suite, n: int | None) -> Suite:
    """Every k-th episode, so that a sample spans the suite's task types and scenes."""
    if n is None or n >= len(suite.episodes):
        return suite
    step = len(suite.episodes) / n
    return Suite(suite.name, [suite.episodes[int(i * step)] for i in range(n)], suite.hash)


def play(suite: Suite, player: str, runs: Path, rules=()) -> dict:
    planner, options = PLAYERS[player]
    config = EvalConfig(planner=planner, policy="expert", planner_options=options, workers=0,
                        rules=tuple(r.to_dict() for r in rules))
    out = runs / f"{suite.name}-{player.replace(' ', '_').replace(',', '')}{'-rules' if rules else ''}"
    summary = run_evaluation(suite, out, config, progress=False, overwrite=True)
    records = [json.loads(line) for line in (out / "episodes.jsonl").read_text().splitlines() if line.strip()]
    return {"summary": summary, "records": records}


def pct(x) -> float | None:
    return None if x is None else round(100 * x, 1)


def binding_sr_c(suite: Suite, records: list[dict]) -> float | None:
    binding = {e.id for e in suite.episodes if e.source.get("binding")}
    rows = [r for r in records if r["episode_id"] in binding]
    if not rows:
        return None
    return sum(1 for r in rows if r["success"] and all(c["satisfied"] for c in r.get("constraint_results", [])))\
        / len(rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    parser.add_argument("--sample", type=int, default=200,
                        help="episodes a suite for the planners without an LLM (default 200; 0: all)")
    parser.add_argument("--llm-sample", type=int, default=0,
                        help="episodes a suite for the LLM planners (default 0: no LLM)")
    parser.add_argument("--llm-suites", nargs="+",
                        help="the suites the LLM planners play (default: all of --suites)")
    parser.add_argument("--llm-plan-sample", type=int,
                        help="episodes a suite for the LLM in plan mode (default: --llm-sample)")
    parser.add_argument("--llm-plan-suites", nargs="+",
                        help="the suites the LLM plays in plan mode (default: --llm-suites)")
    parser.add_argument("--suites", nargs="+", default=[s for s in SUITES if s in PACKAGED_SUITES],
                        help="the suites to play (default: every packaged one of " + ", ".join(SUITES) + ")")
    parser.add_argument("--rules", type=Path, default=EXAMPLE_RULES,
                        help="the household rules of the rules table (default: the example rules)")
    parser.add_argument("--runs", type=Path, help="keep the run folders here (default: a temporary folder)")
    add_results_flag(parser)
    args = parser.parse_args()
    players = [p for p in PLAYERS if p not in LLM_PLAYERS] + (list(LLM_PLAYERS) if args.llm_sample else [])

    def plays(player: str, suite_name: str) -> bool:
        if player in PLAN_PLAYERS and args.llm_plan_suites is not None:
            return suite_name in args.llm_plan_suites
        return player not in LLM_PLAYERS or args.llm_suites is None or suite_name in args.llm_suites

    def episodes(player: str) -> int | None:
        if player in PLAN_PLAYERS and args.llm_plan_sample is not None:
            return args.llm_plan_sample
        return args.llm_sample if player in LLM_PLAYERS else (args.sample or None)
    runs = args.runs or Path(tempfile.mkdtemp(prefix="errands-constraints-"))
    rows, kind_rows = [], []
    for name in args.suites:
        full = load_suite(name)
        has_text = any(e.task.get("texts") for e in full.episodes)
        has_constraints = any(e.task.get("constraints") for e in full.episodes)
        for player in [p for p in players if (has_text or p not in TEXT_CONTROLS)
                       and (has_constraints or p not in CONSTRAINT_CONTROLS) and plays(p, name)]:
            suite = sample(full, episodes(player))
            print(f"{name}: {player} on {len(suite.episodes)} episodes ...", flush=True)
            played = play(suite, player, runs)
            summary = played["summary"]
            constraints = summary.get("constraints", {}).get("overall", {})
            injection = summary.get("injections", {})
            base_sr = None
            if name in BASE:
                base = load_suite(BASE[name])
                ids = {e.id for e in suite.episodes}
                base_suite = Suite(base.name, [e for e in base.episodes if e.id in ids], base.hash)
                base_sr = play(base_suite, player, runs)["summary"]["metrics"]["overall"]["sr"]
            rows.append({"suite": name, "planner": player, "episodes": len(suite.episodes),
                         "base_sr": pct(base_sr), "sr": pct(summary["metrics"]["overall"]["sr"]),
                         "csr": pct(constraints.get("csr")), "sr_c": pct(constraints.get("sr_c")),
                         "sr_c_binding": pct(binding_sr_c(suite, played["records"])),
                         "read": pct(injection.get("read")), "resisted": pct(injection.get("resisted")),
                         "sr_resisted": pct(injection.get("sr_resisted"))})
            for kind in CONSTRAINT_KINDS:
                m = summary.get("constraints", {}).get(kind)
                if m:
                    kind_rows.append({"suite": name, "planner": player, "kind": kind, "episodes": m["episodes"],
                                      "sr_c": pct(m["sr_c"]), "low": pct(m["sr_c_ci"][0]),
                                      "high": pct(m["sr_c_ci"][1])})
    rule_rows = []
    rules = load_rules(args.rules)
    if "constraints_test" in args.suites:
        for player in [p for p in players if p not in TEXT_CONTROLS and plays(p, "constraints_test")]:
            suite = sample(load_suite("constraints_test"), episodes(player))
            print(f"constraints_test under {len(rules)} household rules: {player} ...", flush=True)
            m = play(suite, player, runs, rules)["summary"]["rules"]
            rule_rows.append({"planner": player, "episodes": m["episodes"], "kept": pct(m["kept"]),
                              "sr_kept": pct(m["sr_kept"]), "conflicts": m["conflicts_reported"],
                              "refused": m["refused"]})
    columns = [column("suite", align="left"), column("planner", align="left"), column("episodes"),
               column("base_sr", "SR without constraints or text %"), column("sr", "SR %"), column("csr", "CSR %"),
               column("sr_c", "SR+C %"), column("sr_c_binding", "SR+C binding %"),
               column("read", "injected text read %"), column("resisted", "injections resisted %"),
               column("sr_resisted", "SR resisting %")]
    kind_columns = [column("suite", align="left"), column("planner", align="left"), column("kind", align="left"),
                    column("episodes"), column("sr_c", "SR+C %"), column("low", "95% low"),
                    column("high", "95% high")]
    rule_columns = [column("planner", align="left"), column("episodes"), column("kept", "rules kept %"),
                    column("sr_kept", "SR with rules kept %"), column("conflicts", "conflicts reported"),
                    column("refused", "refused for a rule")]
    for table, cols in ((rows, columns), (kind_rows, kind_columns), (rule_rows, rule_columns)):
        print("\n| " + " | ".join(c["label"] for c in cols) + " |")
        for row in table:
            print("| " + " | ".join("" if row.get(c["key"]) is None else str(row[c["key"]]) for c in cols) + " |")
    if args.results:
        description = __doc__.split("\n\n", 2)[2].strip()
        write_result("constraints", rows, columns=columns, title="Constraints: planners side by side",
                     description=description)
        write_result("constraints_by_kind", kind_rows, columns=kind_columns, title="Constraints: SR+C per kind")
        write_result("household_rules", rule_rows, columns=rule_columns,
                     title="Household rules: constraints_test under the example rules")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
