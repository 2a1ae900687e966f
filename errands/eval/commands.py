"""The evaluation subcommands of `errands`: eval, compare, suite (list, show, build) and
import (alfred). `add_eval_commands` registers them on the main parser's subparsers."""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

from ..envs import CAMERA_FLAG_HELP

EVAL_EPILOG = """examples:
  errands eval --suite smoke
  errands eval --suite valid_unseen --planner oracle --policy expert --workers 2
  errands eval --suite valid_seen --ray                      # a local Ray with --workers CPUs
  errands eval --suite valid_seen --ray-address auto         # join a running Ray cluster
  errands eval --suite tasks.jsonl --out runs/eval/mine      # a task file from `errands tasks`
  errands eval --suite valid_unseen --layouts ~/alfred/gen/layouts   # on ALFRED's floor plans
  errands eval --suite valid_unseen --protocol rgb --camera 300 --planner P --policy CKPT   # ALFRED's rule
  errands compare runs/eval/valid_seen-oracle-expert runs/eval/novel_phrasing-oracle-expert
  errands eval --suite babyai:GoToLocal --policy runs/train/gotolocal --episodes 512   # a BabyAI level
  errands eval --suite babyai:BossLevel --policy expert      # the BabyAI bot (L* for PLW is its length)
"""
IMPORT_ALFRED_EPILOG = """examples:
  errands import alfred ~/alfred/data/json_2.1.0/valid_seen --out valid_seen.jsonl
  errands import alfred data/train --layouts ~/alfred/gen/layouts --out train.jsonl --report train.report.json
  errands eval --suite valid_seen.jsonl --layouts ../shared/alfred/layouts   # play what was imported

what is imported: per directive (annotation) one task: the goal from task_type and pddl_params,
the floor plan, task_desc as the instruction and high_descs as the step-by-step ones; the
objects of scene.object_poses, each in the floor plan's receptacle nearest to it, and
scene.init_action as the agent's start. What is not (a test-split file without a goal, an
object type errands does not model, a floor plan missing from --layouts, a goal the floor
plan cannot support) is listed in the report with the reason. The report also compares
each trajectory's plan by the oracle planner with ALFRED's expert's (plan.high_pddl).
"""
DEFAULT_ALFRED_LAYOUTS = Path("../shared/alfred/layouts")


def add_eval_commands(sub) -> None:
    from ..envs.babyai import EVAL_SEED_START
    from ..planners import PLANNERS
    from ..policies import policy_names
    from . import babyai_episodes, household_episodes
    from .config import EvalConfig
    from .packaged_suites import PACKAGED_SUITES
    from ..protocols import DEFAULT_PROTOCOL, PROTOCOLS

    ev = sub.add_parser(
        "eval", help="run an evaluation suite and report SR, GC, PLW with confidence intervals",
        formatter_class=argparse.RawDescriptionHelpFormatter, epilog=EVAL_EPILOG,
        description="Play every episode of a suite with a planner and a skill policy, writing one JSONL line "
                    "per finished episode to OUT/episodes.jsonl, then OUT/summary.json, report.md and "
                    "report.html (with plots). Running the same command again resumes: finished episodes are "
                    "skipped. An episode that raises or runs past --timeout is recorded as failed (crashed, "
                    "episode_timeout) and the run goes on. Results per episode are the same whatever the "
                    "backend and number of workers.")
    ev.add_argument("--suite", required=True,
                    help=f"a packaged suite ({', '.join(PACKAGED_SUITES)}), a suite manifest (.json), a task "
                         f"file (.jsonl, as `errands tasks` writes), or babyai:LEVEL: --episodes fresh seeds of "
                         f"a BabyAI level (needs pip install 'errands[babyai]'; no planner; played in this "
                         f"process unless --workers says otherwise; --policy expert is the BabyAI bot, or give a "
                         f"checkpoint trained on BabyAI demonstrations)")
    ev.add_argument("--planner", default=None,
                    help=f"planner name ({', '.join(PLANNERS)}; default {household_episodes.DEFAULT_PLANNER})")
    ev.add_argument("--policy", default=EvalConfig.policy,
                    help=f"skill policy name ({', '.join(policy_names())}; default {EvalConfig.policy})")
    ev.add_argument("--planner-option", action="append", default=[], metavar="KEY=VALUE",
                    help="an option of the planner's config (errands/planners/config.py), repeatable (VALUE is "
                         "read as JSON when it parses, else as text), e.g. --planner-option mode=goal "
                         "--planner-option k=6; an unknown key or a value of the wrong type is refused")
    ev.add_argument("--policy-option", action="append", default=[], metavar="KEY=VALUE",
                    help="an option of the policy's config (errands/policies/config.py), repeatable, as "
                         "--planner-option")
    ev.add_argument("--protocol", default=DEFAULT_PROTOCOL, choices=list(PROTOCOLS),
                    help=f"what the planner and the policy receive (default {DEFAULT_PROTOCOL}): "
                         + "; ".join(f"{p.name}: {p.description}" for p in PROTOCOLS.values())
                         + ". Under rgb, rgbd and rgb-segmentation the env renders those camera images (at --camera "
                           "RES, default 64) and visibility follows the camera; a planner or policy that declares an "
                           "input the protocol does not give (the oracle planner, the expert, the packaged learned "
                           "policy) is refused before the first episode")
    ev.add_argument("--workers", type=int, default=None,
                    help=f"worker processes (or Ray CPUs); 0 plays the episodes in this process (default "
                         f"{household_episodes.DEFAULT_WORKERS}; {babyai_episodes.DEFAULT_WORKERS} for babyai:LEVEL)")
    ev.add_argument("--ray", action="store_true", help="run on Ray: start a local Ray with --workers CPUs "
                                                       "(needs pip install 'errands[ray]')")
    ev.add_argument("--ray-address", help="join this Ray cluster (e.g. 'auto' or 'ray://head:10001'); implies --ray")
    ev.add_argument("--chunk-size", type=int, default=EvalConfig.chunk_size,
                    help=f"episodes of one scene a worker takes at once (default {EvalConfig.chunk_size}: each "
                         f"line is written as soon as its episode ends); 8 or so runs fast agents quicker")
    ev.add_argument("--timeout", type=float, default=EvalConfig.timeout_s,
                    help=f"seconds one episode may take before it is recorded as episode_timeout "
                         f"(default {EvalConfig.timeout_s:g})")
    ev.add_argument("--layouts", help="ALFRED's gen/layouts folder: play the suite's floor-plan variant "
                                      "(FloorPlanN scenes); or set ERRANDS_ALFRED_LAYOUTS")
    ev.add_argument("--camera", type=int, metavar="RES", help=f"{CAMERA_FLAG_HELP}; PLW's L* stays the suite's")
    ev.add_argument("--rules", type=Path, metavar="FILE",
                    help="household rules for every episode: a JSON list of {\"text\": ..., \"constraint\": {...}} "
                         "(or {\"text\": ...} alone, read from its words); the planner plans within them, a task "
                         "that needs what a rule forbids is refused naming the rule, and the report shows the "
                         "share of episodes that kept every rule (see docs/guide/constraints.md)")
    ev.add_argument("--episodes", type=int, default=None,
                    help=f"babyai:LEVEL suites: how many seeds to play (default {babyai_episodes.DEFAULT_EPISODES}); "
                         f"a household suite plays all its episodes (write a smaller one with `errands tasks`)")
    ev.add_argument("--batch", type=int, default=EvalConfig.batch_size,
                    help=f"babyai:LEVEL suites: episodes a learned policy plays in lockstep, one forward pass a step "
                         f"for all (default {EvalConfig.batch_size}; 1 plays them one by one)")
    ev.add_argument("--first-seed", type=int, default=EVAL_SEED_START,
                    help=f"babyai:LEVEL suites: the first env seed (default {EVAL_SEED_START}; training seeds lie "
                         f"below)")
    ev.add_argument("--out", type=Path, help="run folder (default: runs/eval/SUITE-PLANNER-POLICY, "
                                             "runs/eval/babyai-LEVEL-POLICY for BabyAI)")
    ev.add_argument("--overwrite", action="store_true", help="discard the run folder's results and start again")
    ev.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    ev.set_defaults(handler=cmd_eval)

    cmp = sub.add_parser(
        "compare", help="compare two evaluation runs episode by episode, with significance tests",
        description="Pair the episodes two runs share (by episode id) and show the difference B - A in SR "
                    "(McNemar's exact test), GC, PLW-SR and PLW-GC (paired bootstrap 95% interval and p-value).")
    cmp.add_argument("run_a", type=Path, help="run folder (or its episodes.jsonl): A, the baseline")
    cmp.add_argument("run_b", type=Path, help="run folder (or its episodes.jsonl): B")
    cmp.add_argument("--json", action="store_true", help="print the comparison as JSON")
    cmp.add_argument("--seed", type=int, default=0, help="bootstrap seed (default 0)")
    cmp.set_defaults(handler=cmd_compare)

    suite = sub.add_parser("suite", help="list, show or rebuild the evaluation suites",
                           description="Evaluation suites are pinned episode lists (task, instruction, seed, "
                                       "expert length L*) with a content hash.")
    suite_sub = suite.add_subparsers(dest="suite_command", metavar="ACTION", required=True)
    ls = suite_sub.add_parser("list", help="the packaged suites, their sizes and hashes")
    ls.add_argument("--layouts", action="store_true", help="list the ALFRED floor-plan variants instead")
    ls.set_defaults(handler=cmd_suite_list)
    show = suite_sub.add_parser("show", help="a suite's counts per task type and room type, and its first episodes")
    show.add_argument("suite", help="packaged suite name, manifest (.json) or task file (.jsonl)")
    show.add_argument("--layouts", help="show the floor-plan variant (ALFRED's gen/layouts folder)")
    show.add_argument("--episodes", type=int, default=5, help="episodes to print (default 5)")
    show.set_defaults(handler=cmd_suite_show)
    build = suite_sub.add_parser(
        "build", help="rebuild the packaged suites from ALFRED's split file (or the hand-written ones)",
        description="Build valid_seen and valid_unseen from ALFRED's split file directive by directive (running "
                    "the oracle planner and the expert once per episode for L*), then novel_phrasing and "
                    "smoke, and write them (by default over the packaged manifests). With --human, build "
                    "human_dev, human_dev2 and human_test from the hand-written instruction sets instead; with "
                    "--constraints, constraints_dev and constraints_test from valid_seen and valid_unseen; "
                    "with both, constraints_human_dev, constraints_human_dev2 and constraints_human_test from the "
                    "hand-written instructions with constraints; with --injections, injection_test from "
                    "valid_unseen and the hand-written world texts.")
    build.add_argument("--alfred-splits", type=Path, help="ALFRED's splits-oct21.json (needed without --human)")
    build.add_argument("--human", action="store_true",
                       help="build human_dev, human_dev2 and human_test from errands/eval/instructions/*.jsonl (with "
                            "--constraints: constraints_human_dev, constraints_human_dev2 and "
                            "constraints_human_test)")
    build.add_argument("--constraints", action="store_true",
                       help="build constraints_dev and constraints_test over the packaged valid_seen and "
                            "valid_unseen (procedural scenes)")
    build.add_argument("--injections", action="store_true",
                       help="build injection_test over the packaged valid_unseen with the texts of "
                            "errands/eval/injections/world_text.jsonl (procedural scenes)")
    build.add_argument("--layouts", help="build on ALFRED's floor plans (FloorPlanN scenes) from this gen/layouts "
                                         "folder: the packaged floorplans/ variants")
    build.add_argument("--out", type=Path, help="folder for the manifests (default: the package's suites folder)")
    build.set_defaults(handler=cmd_suite_build)

    imp = sub.add_parser("import", help="import tasks from a dataset's files (ALFRED's trajectories)",
                         description="Turn another dataset's task files into an errands task file (JSONL), "
                                     "which `errands eval --suite FILE` runs.")
    imp_sub = imp.add_subparsers(dest="import_source", metavar="SOURCE", required=True)
    alfred = imp_sub.add_parser(
        "alfred", help="ALFRED's traj_data.json files as tasks on ALFRED's floor plans",
        formatter_class=argparse.RawDescriptionHelpFormatter, epilog=IMPORT_ALFRED_EPILOG,
        description="Read every traj_data.json under TRAJ_DIR and write one task per directive to OUT (JSONL), "
                    "with a report (JSON) of what was imported, what was not and why, how many object poses "
                    "and start poses were used, and how the oracle planner's plans compare with ALFRED's. "
                    "Exits 2 when TRAJ_DIR holds no traj_data.json, 1 when nothing could be imported.")
    alfred.add_argument("traj_dir", type=Path, metavar="TRAJ_DIR",
                        help="a folder of ALFRED's trial folders (searched recursively for traj_data.json), "
                             "e.g. json_2.1.0/valid_seen")
    alfred.add_argument("--layouts", help=f"ALFRED's gen/layouts folder (default: ERRANDS_ALFRED_LAYOUTS, else "
                                          f"{DEFAULT_ALFRED_LAYOUTS} when it exists)")
    alfred.add_argument("--out", type=Path, required=True, help="the task file to write (JSONL)")
    alfred.add_argument("--report", type=Path, help="the report to write (default: OUT with .report.json)")
    alfred.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    alfred.set_defaults(handler=cmd_import_alfred)


def cmd_eval(args) -> int:
    from ..envs.config import HouseholdEnvConfig
    from . import babyai_episodes, players
    from .babyai_episodes import babyai_level, babyai_suite
    from .config import EvalConfig
    from .metrics import Metrics, format_table
    from .report import failure_table, headline
    from ..planners.household_rules import load_rules
    from .runner import run_evaluation
    from .suites import load_suite

    level = babyai_level(args.suite)
    if level is None and args.episodes is not None:
        raise ValueError(f"--episodes is for babyai:LEVEL suites; {args.suite} plays all its episodes (write a "
                         f"smaller task file with `errands tasks`, or a suite with `errands suite build`)")
    if level is not None and args.episodes is None:
        args.episodes = babyai_episodes.DEFAULT_EPISODES
    if level is not None and args.camera is not None:
        raise ValueError("--camera is for household suites: BabyAI levels are seen the way minigrid shows them")
    if level is not None and args.protocol != "privileged":
        raise ValueError("--protocol is for household suites: BabyAI levels are seen the way minigrid shows them")
    config = EvalConfig(planner=args.planner, policy=args.policy, protocol=args.protocol,
                        planner_options=parse_options(args.planner_option, "--planner-option"),
                        policy_options=parse_options(args.policy_option, "--policy-option"),
                        layouts_dir=args.layouts, env_options=HouseholdEnvConfig.seeing_through_camera(args.camera),
                        timeout_s=args.timeout, workers=args.workers,
                        backend="ray" if (args.ray or args.ray_address) else "local", ray_address=args.ray_address,
                        chunk_size=args.chunk_size, batch_size=args.batch,
                        rules=tuple(r.to_dict() for r in load_rules(args.rules)) if args.rules else ())
    suite = babyai_suite(level, args.episodes, args.first_seed) if level else load_suite(args.suite, args.layouts)
    out = args.out or players.default_run_dir(suite, config)
    config = players.resolve(suite, config)
    where = "in this process" if config.workers == 0 and level else f"{config.backend} x{config.workers}"
    if level:
        print(f"BabyAI {level}: {len(suite.episodes)} episodes (seeds {args.first_seed} to "
              f"{args.first_seed + args.episodes - 1}); {args.policy} policy; {where}; run folder {out}")
    else:
        camera = config.env_options
        seeing = (f"; seeing through a {camera.resolution}x{camera.resolution} camera"
                  if camera.visibility == "camera" else "")
        print(f"suite {suite.name}: {len(suite.episodes)} episodes (hash {suite.hash[:12]}); "
              f"{config.planner} planner + {config.policy} policy; protocol {config.protocol}{seeing}; {where}; "
              f"run folder {out}")
    summary = run_evaluation(suite, out, config, progress=not args.no_progress, overwrite=args.overwrite)
    run = summary["run"]
    print(f"\n{headline(summary)}")
    if run["episodes_run"]:
        print(f"ran {run['episodes_run']} episodes in {run['episodes_wall_s']:.1f} s "
              f"({run['episodes_per_s']} episodes/s; backend start {run['backend_start_s']:.1f} s); "
              f"{run['already_done']} were already done")
    else:
        print(f"all {run['already_done']} episodes were already done")
    print()
    print(format_table({k: Metrics(**m) for k, m in summary["metrics"].items()}))
    if summary["failures"]["failed"]:
        print()
        print(failure_table(summary, nonzero_only=True))
    print(f"\nepisodes: {out / 'episodes.jsonl'}\nsummary:  {out / 'summary.json'}\n"
          f"reports:  {out / 'report.md'}, {out / 'report.html'}")
    return 0


def parse_options(pairs: list[str], flag: str) -> dict:
    """KEY=VALUE pairs into plain values (JSON when it parses: numbers, true, null)."""
    options = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise ValueError(f"{flag} takes KEY=VALUE, got {pair!r}")
        try:
            options[key.strip()] = json.loads(value)
        except json.JSONDecodeError:
            options[key.strip()] = value
    return options


def cmd_compare(args) -> int:
    from .compare import compare_runs, comparison_json, format_comparison

    comparison = compare_runs(args.run_a, args.run_b, seed=args.seed)
    print(comparison_json(comparison) if args.json else format_comparison(comparison))
    return 0


def cmd_suite_list(args) -> int:
    from .packaged_suites import PACKAGED_SUITES, packaged_suite_path
    from .suites import describe_suite, load_manifest

    print(f"{'suite':22} {'episodes':>8} {'substituted':>11} {'dropped':>7} {'mean L*':>7}  hash          description")
    for name in PACKAGED_SUITES:
        path = packaged_suite_path(name, floorplans=args.layouts)
        if not path.is_file():
            how = ("errands suite build --constraints --human" if name.startswith("constraints_human_")
                   else "errands suite build --constraints" if name.startswith("constraints_")
                   else "errands suite build --alfred-splits PATH")
            if name.startswith("constraints_") and args.layouts:
                how = "no floor-plan variant yet"
            print(f"{name:22} (not built: {how}{' --layouts DIR' if args.layouts and how.startswith('errands') else ''})")
            continue
        d = describe_suite(load_manifest(path))
        print(f"{name:22} {d['episodes']:8d} {d['substitutions']:11d} {d['dropped']:7d} "
              f"{d['mean_expert_length'] or 0:7.1f}  {d['hash'][:12]}  {d['description']}")
    return 0


def cmd_suite_show(args) -> int:
    from .suites import describe_suite, load_suite

    suite = load_suite(args.suite, args.layouts)
    print(json.dumps(describe_suite(suite), indent=1))
    for e in suite.episodes[:max(args.episodes, 0)]:
        note = f"  (substituted: {e.source['substituted']['reason']})" if "substituted" in e.source else ""
        print(f"{e.id}  {e.task_type}  scene {e.task.get('scene')}  L*={e.expert_length}  "
              f"{e.task.get('instruction', '')!r}{note}")
    dropped = suite.metadata.get("dropped", [])
    if dropped:
        print(f"\ndropped directives ({len(dropped)}): no scene of the split can host them")
        for d in dropped[:10]:
            what = d["id"] if "id" in d else f"{d['alfred_task']} #{d['repeat_idx']}"
            print(f"  {what}: {d['reason']}" + (f" ({d['first_failure']})" if "first_failure" in d else ""))
    return 0


def cmd_suite_build(args) -> int:
    from .suite_building import build_human_suites, build_packaged_suites
    from .suites import describe_suite, load_manifest

    if (args.constraints or args.injections) and args.layouts:
        raise ValueError("constraint and injection suites are built on procedural scenes: drop --layouts")
    if args.constraints:
        from .constraint_suites import build_constraint_human_suites, build_constraint_suites

        build = build_constraint_human_suites if args.human else build_constraint_suites
        written = build(args.out, progress=True)
    elif args.injections:
        from .injection_suites import build_injection_suites

        written = build_injection_suites(args.out, progress=True)
    elif args.human:
        written = build_human_suites(args.out, args.layouts, progress=True)
    elif args.alfred_splits is None:
        raise ValueError("errands suite build needs --alfred-splits PATH/splits-oct21.json (or --human)")
    else:
        written = build_packaged_suites(args.alfred_splits, args.out, args.layouts, progress=True)
    for name, path in written.items():
        d = describe_suite(load_manifest(path))
        print(f"{name:22} {d['episodes']:5d} episodes  {d['substitutions']:3d} substituted  "
              f"{d['dropped']:3d} dropped  hash {d['hash'][:12]}  {path}")
    return 0


def cmd_import_alfred(args) -> int:
    from ..envs.household.scenes import LAYOUTS_ENV
    from .alfred_import import format_summary, import_alfred

    layouts = args.layouts or os.environ.get(LAYOUTS_ENV)
    if not layouts and DEFAULT_ALFRED_LAYOUTS.is_dir():
        layouts = str(DEFAULT_ALFRED_LAYOUTS)
    if not layouts:
        raise ValueError(f"errands import alfred needs --layouts DIR (ALFRED's gen/layouts folder): "
                         f"{LAYOUTS_ENV} is not set and {DEFAULT_ALFRED_LAYOUTS} does not exist")
    report = import_alfred(args.traj_dir, layouts, args.out, args.report, progress=not args.no_progress)
    print(format_summary(report))
    return 0 if report["tasks_written"] else 1
