"""The `errands` command.

  errands run "put a washed apple in the fridge"   carry out an instruction
  errands tasks -n 100 --out tasks.jsonl            sample tasks as JSONL
  errands scene 1 --out kitchen.png                 look at a scene's map
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

from .envs import CAMERA_FLAG_HELP
from .planners import PLANNERS, make_planner
from .policies import make_policy, policy_names

HELP_EPILOG = """examples:
  errands run "put a washed apple in the fridge"
  errands run "look at the book under the desk lamp" --scene 301
  errands run --random --split unseen --seed 3
  errands run --task-type pick_heat_then_place_in_recep --object Potato --parent CounterTop --sliced
  errands tasks -n 200 --split unseen --with-expert --out unseen.jsonl
  errands run --tasks unseen.jsonl --index 4
"""


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return 2
    try:
        return args.handler(args)
    except (ValueError, FileNotFoundError) as e:
        print(f"errands {args.command}: error: {e}", file=sys.stderr)
        return 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="errands", formatter_class=argparse.RawDescriptionHelpFormatter, epilog=HELP_EPILOG,
        description="Embodied instruction following: plan an instruction as skills, carry them out "
                    "in a simulated home, and measure the result as ALFRED does.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    run = sub.add_parser("run", help="carry out one instruction in the built-in simulator",
                         formatter_class=argparse.RawDescriptionHelpFormatter, epilog=HELP_EPILOG,
                         description="Run the agent on one task and write its EpisodeLog (JSON) and an "
                                     "animated GIF. The task comes from the instruction (its goal is read "
                                     "from the words), from explicit task parameters, from a JSONL task "
                                     "file, or is sampled at random.")
    run.add_argument("instruction", nargs="?", help="what to do, in plain language")
    _scene_args(run)
    run.add_argument("--random", action="store_true", help="sample a random task (ALFRED's distribution)")
    run.add_argument("--split", default="seen", choices=["seen", "unseen", "any"],
                     help="scenes to draw from when none is given (default: seen)")
    run.add_argument("--task-type", help="ALFRED task type, e.g. pick_clean_then_place_in_recep")
    run.add_argument("--object", help="object type, e.g. Apple")
    run.add_argument("--parent", help="parent receptacle (or light for look_at_obj_in_light), e.g. Fridge")
    run.add_argument("--movable", help="movable receptacle for pick_and_place_with_movable_recep, e.g. Bowl")
    run.add_argument("--sliced", action="store_true", help="the object must be sliced first")
    run.add_argument("--tasks", type=Path, help="a JSONL task file (from `errands tasks`)")
    run.add_argument("--index", type=int, default=0, help="which task of --tasks to run (default 0)")
    run.add_argument("--seed", type=int, default=0, help="seed for sampling and object placement")
    run.add_argument("--planner", default="oracle", choices=PLANNERS,
                     help="planner (default: oracle: the symbolic search towards the task's goal, which for an "
                          "instruction is the goal the goal interpreter read; interpreter reads it again in the "
                          "scene, llm asks the language model)")
    run.add_argument("--ask", action="store_true",
                     help="when the goal interpreter is unsure what the instruction asks for, ask on the terminal "
                          "which of the likely goals was meant (instead of taking the likeliest)")
    run.add_argument("--policy", default="expert",
                     help=f"skill policy: {', '.join(policy_names())} (the packaged learned checkpoint), or a checkpoint "
                          "folder from `errands train` (default: expert)")
    _llm_args(run)
    run.add_argument("--rule", action="append", default=[], metavar="TEXT",
                     help="a household rule the agent must keep whatever the instruction says, in words (e.g. "
                          "--rule \"Never put a knife in the sink.\"), repeatable; a conflict with the instruction "
                          "is reported")
    run.add_argument("--rules", type=Path, metavar="FILE",
                     help="household rules from a JSON file (as errands eval --rules)")
    run.add_argument("--camera", type=int, metavar="RES", help=CAMERA_FLAG_HELP)
    run.add_argument("--out", type=Path, default=Path("runs"), help="folder for the run (default: runs/)")
    run.add_argument("--no-gif", action="store_true", help="do not write the animated GIF")
    run.add_argument("--video", action="store_true",
                     help="also write episode.mp4: the first-person view beside the map, captioned "
                          '(needs OpenCV: pip install "errands[video]")')
    run.set_defaults(handler=cmd_run)

    plan = sub.add_parser("plan", help="print the plan a planner makes for an instruction",
                          description="Plan an instruction in a scene without running it: prints the goal the "
                                      "planner read, the plan, and with --show-prompt the prompt sent to the model.")
    plan.add_argument("instruction", help="what to do, in plain language")
    _scene_args(plan)
    plan.add_argument("--split", default="seen", choices=["seen", "unseen", "any"], help="scenes to draw from")
    plan.add_argument("--seed", type=int, default=0, help="seed for object placement")
    plan.add_argument("--planner", default="llm", choices=PLANNERS, help="planner (default: llm)")
    plan.add_argument("--show-prompt", action="store_true", help="print the prompt sent to the model")
    _llm_args(plan)
    plan.set_defaults(handler=cmd_plan, tasks=None, index=0, random=False, task_type=None, object=None, parent=None,
                      sliced=False, movable=None)

    tasks = sub.add_parser("tasks", help="sample tasks and write them as JSONL",
                           description="Sample tasks from ALFRED's distribution and write one JSON task per "
                                       "line; `errands run --tasks` (and evaluation) read the same format.")
    tasks.add_argument("-n", "--num", type=int, default=20, help="number of tasks (default 20)")
    tasks.add_argument("--split", default="seen", choices=["seen", "unseen", "any"], help="scene split")
    tasks.add_argument("--phrasing", default="train", choices=["train", "novel"],
                       help="instruction phrasing set: train, or novel (held out of training data)")
    _scene_args(tasks)
    tasks.add_argument("--seed", type=int, default=0, help="sampling seed (default 0)")
    tasks.add_argument("--with-expert", action="store_true",
                       help="also run the oracle planner and expert: add the plan, step-by-step "
                            "instructions and the reference length L*")
    tasks.add_argument("--out", type=Path, help="JSONL file to write (default: print to stdout)")
    tasks.set_defaults(handler=cmd_tasks)

    scene = sub.add_parser("scene", help="describe a scene and draw its map",
                           description="Print a scene's room type, size and objects; write its top-down map.")
    scene.add_argument("scene", help="scene id (1-30, 201-230, 301-330, 401-430, any other number) or FloorPlanN")
    scene.add_argument("--layouts", help="ALFRED layouts folder, for FloorPlanN scenes")
    scene.add_argument("--out", type=Path, help="PNG file for the map")
    scene.set_defaults(handler=cmd_scene)
    from .eval.commands import add_eval_commands  # eval, compare, suite
    add_eval_commands(sub)
    from .viewer.commands import add_view_command  # view
    add_view_command(sub)
    from .train.commands import add_train_commands  # collect, train
    add_train_commands(sub)
    from .doctor import add_doctor_command  # doctor
    add_doctor_command(sub)
    return parser


def _llm_args(p: argparse.ArgumentParser) -> None:
    from .options import choices_of
    from .planners.config import LLMPlannerConfig as LLM

    g = p.add_argument_group("LLM planner (--planner llm)")
    g.add_argument("--llm-backend", default=os.environ.get("ERRANDS_LLM_BACKEND", LLM.backend),
                   choices=choices_of(LLM, "backend"),
                   help="llama_cpp: a local GGUF model (default: the packaged SmolLM2-135M-Instruct); openai: any "
                        "OpenAI-compatible server; transformers: a local Hugging Face model folder")
    g.add_argument("--llm-mode", default=LLM.mode, choices=choices_of(LLM, "mode"),
                   help="goal: the model names the goal and the symbolic planner writes the skills (default); "
                        "plan: the model writes the skills")
    g.add_argument("--model-path", help="GGUF file (llama_cpp) or model folder (transformers)")
    g.add_argument("--base-url", help="OpenAI-compatible endpoint, e.g. http://127.0.0.1:8000/v1 (or OPENAI_BASE_URL)")
    g.add_argument("--model", help="model name to ask the server for (or OPENAI_MODEL)")
    g.add_argument("--api-key", help="API key (or OPENAI_API_KEY)")
    g.add_argument("--timeout", type=float, help="seconds per HTTP request (default 60)")
    g.add_argument("--no-retrieval", action="store_true", help="fixed in-context examples instead of retrieved ones")
    g.add_argument("--llm-cache", help="JSONL file that records model answers (and replays them)")
    g.add_argument("--llm-cache-mode", default=LLM.cache_mode, choices=choices_of(LLM, "cache_mode"),
                   help="record: reuse answers and add new ones (default); replay: answers only from the cache")


def planner_options(args) -> dict:
    """The LLM planner's options from the command line; other planners take none."""
    if getattr(args, "planner", "oracle") != "llm":
        return {}
    return {"backend": args.llm_backend, "mode": args.llm_mode, "retrieval": not args.no_retrieval,
            "cache_path": args.llm_cache, "cache_mode": args.llm_cache_mode, "model_path": args.model_path,
            "base_url": args.base_url, "model": args.model, "api_key": args.api_key, "timeout": args.timeout}


def _scene_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--scene", help="scene id (1-30 kitchens, 201-230 living rooms, 301-330 bedrooms, "
                                   "401-430 bathrooms, other numbers new scenes) or FloorPlanN")
    p.add_argument("--layouts", help="ALFRED's gen/layouts folder, for FloorPlanN scenes "
                                     "(or set ERRANDS_ALFRED_LAYOUTS)")


# --- errands run -----------------------------------------------------------------------

def cmd_run(args) -> int:
    import gymnasium as gym

    from .envs import HOUSEHOLD_ENV_ID
    from .envs.household_env import camera_options
    from .eval.metrics import compute_metrics
    from .policies.agent import Agent
    from .viewer.animation import StepFrames, save_gif
    from .task_request import CannotDo
    from .viewer.video import VIDEO_INSTALL_HINT, save_mp4

    if args.video:
        try:
            import cv2  # noqa: F401 - checked before the episode runs
        except ImportError:
            raise ValueError(f"--video needs OpenCV: {VIDEO_INSTALL_HINT}") from None
    request = request_from_args(args)
    reading = None
    if args.instruction is not None and not args.task_type and not args.tasks and not args.random:
        try:
            reading = request.read_goal(ask_on_terminal if args.ask else None)
        except CannotDo as e:
            print(f"instruction: {args.instruction}")
            print(f"outcome:     CANNOT DO ({e.failure.kind}): {e}")
            return 1
    task = request.task(reading)
    env = gym.make(HOUSEHOLD_ENV_ID, layouts_dir=args.layouts, render_mode="rgb_array", **camera_options(args.camera))
    rules = household_rules(args)
    agent = Agent(make_planner(args.planner, **planner_options(args)), make_policy(args.policy), rules=rules)
    frames = StepFrames(env, task.instruction) if args.video or not args.no_gif else None

    print(f"instruction: {task.instruction}")
    print(f"task:        {task.goal.alfred_name} in scene {task.scene} (seed {task.seed})")
    for constraint in task.constraints:
        print(f"constraint:  {constraint.describe()}")
    for rule in rules:
        print(f"rule:        {rule.text}")
    if reading is not None:
        sure = "" if reading.confidence is None else f", confidence {reading.confidence:.2f}"
        print(f"read by:     {reading.source}{sure}")
    log = agent.run_episode(env, task, observer=frames)
    if reading is not None:  # the goal of the task itself was read from the instruction
        log.readings.insert(0, {"step": 0, "stage": "task", **reading.to_dict()})
    if log.success and (args.planner, args.policy) == ("oracle", "expert"):
        log.expert_length = log.num_steps  # the oracle with the expert is the reference
    print("plan:")
    for i, step in enumerate(log.plans[0].plan if log.plans else []):
        print(f"  {i + 1}. {step['skill']}({', '.join(step['args'])})")
    for replan in log.plans[1:]:
        print(f"re-planned at step {replan.step}: {replan.reason}")
    for conflict in log.constraint_reading.get("conflicts", []):
        print(f"conflict:    you asked '{conflict['asked']}', but the household rule says '{conflict['rule']}': "
              f"{conflict['resolution']}")
    for seen in log.seen_text:
        print(f"read:        at step {seen['step']}, the {seen['kind']} on {seen['object'].split('|')[0]}: "
              f"\"{seen['text']}\"")
    for result in log.injection_results:
        print(f"             {'OBEYED' if result['followed'] else 'not obeyed'}: the injected text asked for "
              f"{result['hijack']}")
    met, total = log.goal_conditions
    outcome = "SUCCESS" if log.success else f"FAILED ({log.failure_category}: {log.failure_reason})"
    print(f"outcome:     {outcome}")
    for result in log.constraint_results + log.rule_results:
        print(f"             {'kept' if result['satisfied'] else 'BROKEN'}: {result['reason']}")
    print(f"             {log.num_steps} steps, {log.num_failures} failed actions, goal conditions {met}/{total}")
    if log.expert_length:
        m = compute_metrics([log])
        print(f"metrics:     SR {m.sr:.2f}  GC {m.gc:.2f}  PLW-SR {m.plw_sr:.2f}  PLW-GC {m.plw_gc:.2f}")
    run_dir = args.out / f"run-{time.strftime('%Y%m%d-%H%M%S')}-{task.task_id}"
    log_path = log.save(run_dir / "episode.json")
    print(f"episode log: {log_path}")
    if frames is not None and frames.images and not args.no_gif:
        gif_path = save_gif(frames.images, run_dir / "episode.gif")
        print(f"animation:   {gif_path}")
    if frames is not None and frames.images and args.video:
        video_path = save_mp4(frames.images, run_dir / "episode.mp4")
        print(f"video:       {video_path}")
    env.close()
    return 0 if log.success else 1


def household_rules(args) -> tuple:
    """The rules of `--rules FILE` and each `--rule TEXT`."""
    from .planners.household_rules import load_rules, rule_from_text

    from_file = load_rules(args.rules) if args.rules else ()
    return tuple(from_file) + tuple(rule_from_text(text, "--rule") for text in args.rule)


def ask_on_terminal(question: str, options: list[str]) -> int | None:
    """The clarification question of `errands run --ask`, answered on the terminal."""
    print(question)
    for i, option in enumerate(options, 1):
        print(f"  {i}. {option}")
    answer = input(f"1-{len(options)} (Enter: 1): ").strip()
    if not answer:
        return 0
    if answer.isdigit() and 1 <= int(answer) <= len(options):
        return int(answer) - 1
    print(f"{answer!r} is not one of 1-{len(options)}: keeping 1")
    return 0


def request_from_args(args):
    """The TaskRequest of `errands run` (or `errands plan`)."""
    from .task_request import TaskRequest

    return TaskRequest(instruction=args.instruction, random=args.random, split=args.split, scene=args.scene,
                       seed=args.seed, tasks_file=args.tasks, index=args.index, task_type=args.task_type,
                       object=args.object, parent=args.parent, sliced=args.sliced, movable=args.movable,
                       layouts=args.layouts)


# --- errands plan --------------------------------------------------------------------

def cmd_plan(args) -> int:
    from .envs.household.world import World
    from .planners.base import PlanningContext, PlanningError

    task = request_from_args(args).task()
    world = World(task.build_scene(args.layouts))
    planner = make_planner(args.planner, **planner_options(args))
    context = PlanningContext(instruction=task.instruction, object_types=world.object_types(),
                              visible_objects=world.visible_ids(), goal=None, world=world)
    started = time.perf_counter()
    try:
        plan = planner.plan(task.instruction, context)
    except PlanningError as e:
        print(f"planning failed: {e}")
        plan = None
    seconds = time.perf_counter() - started
    if args.show_prompt and getattr(planner, "last_prompt", None):
        print("prompt:")
        for message in planner.last_prompt:
            print(f"  [{message['role']}] {message['content']}")
    if getattr(planner, "last_goal", None) is not None:
        print(f"goal:  {planner.last_goal.alfred_name}")
    print(f"scene: {task.scene}   planner: {planner.name}   {seconds:.2f} s")
    if plan is None:
        return 1
    print(f"plan:\n{plan}")
    return 0


# --- errands tasks -------------------------------------------------------------------

def cmd_tasks(args) -> int:
    import gymnasium as gym
    from tqdm import tqdm

    from .envs import HOUSEHOLD_ENV_ID
    from .envs.tasks.instructions import describe_plan
    from .envs.tasks.sampler import TaskSampler
    from .files import write_jsonl_atomic
    from .planners.oracle import OraclePlanner
    from .policies.agent import Agent
    from .policies.expert import ExpertSkillPolicy

    if args.num < 1:
        raise ValueError(f"-n must be at least 1, got {args.num}")
    sampler = TaskSampler(split=args.split, scene=args.scene, layouts_dir=args.layouts, phrasing=args.phrasing)
    rng = np.random.default_rng(args.seed)
    env = gym.make(HOUSEHOLD_ENV_ID, layouts_dir=args.layouts) if args.with_expert else None
    agent = Agent(OraclePlanner(), ExpertSkillPolicy())
    rows = []
    for _ in tqdm(range(args.num), desc="sampling tasks", disable=not args.out, unit="task"):
        task = sampler.sample(rng)
        row = task.to_dict()
        if env is not None:
            log = agent.run_episode(env, task)
            plan = log.plans[0].plan if log.plans else []
            from .envs.skills import Plan

            row["step_instructions"] = describe_plan(Plan.from_json(json.dumps(plan)), rng)
            row["expert_plan"] = plan
            row["expert_length"] = log.num_steps if log.success else None
            row["expert_success"] = log.success
        rows.append(row)
    if args.out:
        write_jsonl_atomic(args.out, rows)
        print(f"wrote {len(rows)} tasks to {args.out}")
    else:
        for row in rows:
            print(json.dumps(row))
    return 0


# --- errands scene -------------------------------------------------------------------

def cmd_scene(args) -> int:
    from PIL import Image

    from .envs.household.scenes import load_scene
    from .envs.household.topdown import render_topdown
    from .envs.household.world import World

    scene = load_scene(args.scene, args.layouts)
    rows, cols = scene.cells.shape
    fixed = sorted({o.type for o in scene.fixed})
    small = sorted({o.type for o in scene.objects if o.position is None})
    print(f"{scene.name}: {scene.room_type}, {rows * 0.25:.2f} m x {cols * 0.25:.2f} m, {len(scene.objects)} objects")
    print(f"furniture and fixtures: {', '.join(fixed)}")
    print(f"small objects: {', '.join(small)}")
    if scene.unreachable:
        print(f"unreachable on foot: {', '.join(scene.unreachable)}")
    if args.out:
        from .files import write_bytes_atomic
        import io

        buffer = io.BytesIO()
        Image.fromarray(render_topdown(World(scene), cell_px=16)).save(buffer, format="PNG")
        write_bytes_atomic(args.out, buffer.getvalue())
        print(f"map: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
