"""Building suites of tasks with constraints (constraints_dev from valid_seen,
constraints_test from valid_unseen): each base episode's task with one or two constraints
that bear on it, drawn deterministically from the episode's id, the instruction with their
words after it.

The kinds take turns by episode (so every kind is represented), a second constraint is
added to about half; each is drawn from what the task's own reference run (oracle planner
and expert, without constraints) did: forbid opening an openable it never opened, touching
an object or nearing a fixture it never used; leave the appliance it used closed (or off);
keep the object out of the appliance at the end; open or pick up no more often than it
did; do two of its interactions in the order it did them; a budget of twice its steps.

Half the tasks (drawn by episode) are given a binding constraint instead where their
kind allows one: a constraint the reference run itself breaks, so that a planner blind to
constraints breaks it too and one that reads them must find another way: don't open
the cabinet or fridge it took the object from, don't touch the tool it used (when
another kind of tool exists), don't go near a fixture it walked past, leave open the
furniture it closed. A binding draw that cannot be met falls back to the kind's
ordinary draw. Which constraints bind is recorded per episode (`source["binding"]`): those
the unconstrained reference run breaks.

Every task is then checked at build time: the oracle and the expert must succeed with every
constraint met, or the task is dropped, with the reason, and counted.

constraints_human_dev, constraints_human_dev2 and constraints_human_test are not drawn: people
wrote them (errands/eval/instructions/constraints_human_*.jsonl), each row an instruction with its
gold goal and its typed constraints. They are built as the human suites are (a scene of
the row's room type and split that hosts it), a scene hosting a row only when the oracle,
given the constraints, and the expert succeed there with every constraint met.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .. import __version__
from ..envs import HOUSEHOLD_ENV_ID
from ..envs.actions import INTERACTION_ACTIONS
from ..envs.household.object_types import OBJECT_TYPES, SLICING_TOOLS
from ..envs.household.object_types import type_of_id as type_of
from ..envs.tasks.constraints import (CONSTRAINT_KINDS, ActionCount, EndPlacement, EndState, Event,
                                      FailureBudget, ForbiddenAction, ForbiddenObject, ForbiddenRegion, Ordering,
                                      StepBudget, check_constraints, constrained_instruction,
                                      end_state, fixture_cells, forbidden_cells)
from ..envs.tasks.task import Task
from ..envs.transforms import transform_of_task_type
from ..files import write_text_atomic
from .packaged_suites import SUITES_DIR
from .suite_building import host_instruction_rows, stable_seed, suite_manifest
from .suites import MANIFEST_FORMAT, MANIFEST_VERSION, Episode, check_unique, load_suite, manifest_hash, manifest_text

CONSTRAINT_SUITES = {
    "constraints_dev": {"base": "valid_seen",
                        "description": "valid_seen's tasks, each with one or two constraints that bear on it "
                                       "(every kind in turn), checked solvable within them by the oracle and "
                                       "the expert: the development set"},
    "constraints_test": {"base": "valid_unseen",
                         "description": "valid_unseen's tasks with constraints drawn as constraints_dev's, in "
                                        "unseen scenes"},
}
# Instructions with constraints people wrote (errands/eval/instructions/), each with its gold
# goal, room and typed constraints: built as the human suites, each row checked within its
# constraints.
CONSTRAINT_HUMAN_SUITES = {
    "constraints_human_dev": {"file": "constraints_human_dev.jsonl", "split": "seen",
                              "description": "instructions with constraints written by hand, with their gold "
                                             "goals and typed constraints, in seen scenes, checked solvable "
                                             "within them by the oracle and the expert: the development set"},
    "constraints_human_dev2": {"file": "constraints_human_dev2.jsonl", "split": "seen",
                               "description": "a second development set of instructions with constraints "
                                              "written by hand, in other people's words (new verbs, idioms, "
                                              "reasons, wishes, lists), in seen scenes, checked solvable "
                                              "within them by the oracle and the expert"},
    "constraints_human_test": {"file": "constraints_human_test.jsonl", "split": "unseen",
                               "description": "hand-written instructions with constraints held out of all "
                                              "tuning, in unseen scenes"},
}
SECOND_CONSTRAINT = 0.5  # the share of tasks given a second constraint
BINDING = 0.5  # the share of tasks whose first constraint is drawn to bind, where its kind allows


class ReferenceRun:
    """The oracle planner with the expert on one env: the run a task is checked with."""

    def __init__(self):
        import gymnasium as gym

        from ..planners import make_planner
        from ..policies import make_policy
        from ..policies.agent import Agent

        self.env = gym.make(HOUSEHOLD_ENV_ID)
        self.agent = Agent(make_planner("oracle"), make_policy("expert"))

    def run(self, task: Task):
        return self.agent.run_episode(self.env, task)

    @property
    def world(self):
        return self.env.unwrapped.world


# --- what the reference run did ----------------------------------------------------------

def interactions(log) -> list[tuple[str, str]]:
    """(action, object type) of each successful interaction of the run, in order."""
    out = []
    for step in log.steps:
        name, _, target = step.action.partition(" ")
        if step.success and name in INTERACTION_ACTIONS and target:
            out.append((name, type_of(step.object or target)))
    return out


def _choose(rng, options: list):
    return options[int(rng.integers(len(options)))] if options else None


# --- one drawer per kind: a constraint that bears on the task, or None ------------------------

def _forbidden_action(task, world, log, rng):
    done = set(interactions(log))
    openables = sorted({o.type.name for o in world.objects.values()
                        if o.position is not None and o.type.openable and ("OpenObject", o.type.name) not in done})
    kind = _choose(rng, openables)
    return ForbiddenAction("OpenObject", kind) if kind else None


def _forbidden_object(task, world, log, rng):
    used = {t for _, t in interactions(log)} | {task.goal.object, task.goal.parent_receptacle,
                                                task.goal.movable_receptacle}
    present = sorted({o.type.name for o in world.objects.values() if o.type.pickupable} - used)
    kind = _choose(rng, present)
    return ForbiddenObject(kind) if kind else None


def _forbidden_region(task, world, log, rng):
    used = {t for _, t in interactions(log)} | {task.goal.parent_receptacle}
    start = (world.agent.row, world.agent.col)
    fixtures = []
    for kind in sorted({o.type.name for o in world.objects.values() if o.position is not None} - used):
        if any(kind.startswith(u) or u.startswith(kind) for u in used):
            continue  # a Sink around the SinkBasin it used, a Bathtub around its basin
        if start not in forbidden_cells(world.scene, [ForbiddenRegion(kind, 1)]):
            fixtures.append(kind)
    kind = _choose(rng, fixtures)
    return ForbiddenRegion(kind, 1) if kind else None


def _step_budget(task, world, log, rng):
    return StepBudget(2 * log.num_steps)


def _failure_budget(task, world, log, rng):
    return FailureBudget(int(rng.integers(3)))


def _ordering(task, world, log, rng):
    events = list(dict.fromkeys(interactions(log)))  # first occurrences, in order
    pairs = [(a, b) for i, a in enumerate(events) for b in events[i + 1:] if a[1] != b[1]]
    pair = _choose(rng, pairs)
    return Ordering(Event(*pair[0]), Event(*pair[1])) if pair else None


def _end_state(task, world, log, rng):
    transform = transform_of_task_type(task.goal.task_type)
    used = [t for _, t in interactions(log)]
    candidates = [t for t in ([transform.appliance] if transform else []) + [task.goal.parent_receptacle] + used
                  if OBJECT_TYPES[t].openable]
    if candidates:
        return EndState(candidates[0], "closed")
    if transform and transform.needs_control:
        return EndState(transform.switch, "off")
    return None


def _end_placement(task, world, log, rng):
    transform = transform_of_task_type(task.goal.task_type)
    if transform is None or transform.appliance == task.goal.parent_receptacle:
        return None
    return EndPlacement(task.goal.object_type_name, transform.appliance, inside=False)


def _count(task, world, log, rng):
    counts: dict[tuple[str, str], int] = {}
    for event in interactions(log):
        if event[0] in ("OpenObject", "PickupObject"):
            counts[event] = counts.get(event, 0) + 1
    if not counts:
        return None
    (action, kind), n = max(counts.items(), key=lambda kv: (kv[1], kv[0]))
    return ActionCount(action, kind, n)


# --- binding drawers: a constraint the reference run breaks, or None --------------------------

def _needed(task) -> set:
    """The types the goal cannot do without."""
    transform = transform_of_task_type(task.goal.task_type)
    return {task.goal.object, task.goal.parent_receptacle, task.goal.movable_receptacle,
            transform.appliance if transform else None, transform.switch if transform else None}


def _binding_forbidden_action(task, world, log, rng):
    opened = sorted({t for a, t in interactions(log) if a == "OpenObject"} - _needed(task))
    kind = _choose(rng, opened)
    return ForbiddenAction("OpenObject", kind) if kind else None


def _binding_forbidden_object(task, world, log, rng):
    present = {o.type.name for o in world.objects.values()}
    tools = sorted(t for _, t in interactions(log) if t in SLICING_TOOLS and set(SLICING_TOOLS) - {t} & present)
    kind = _choose(rng, tools)
    return ForbiddenObject(kind) if kind else None


def _binding_forbidden_region(task, world, log, rng):
    used = {t for _, t in interactions(log)} | _needed(task)
    cells = {tuple(step.cell) for step in log.steps if step.cell is not None}
    start = (world.agent.row, world.agent.col)
    passed = []
    for kind in sorted({o.type.name for o in world.objects.values() if o.position is not None} - used):
        if any(kind.startswith(u) or u.startswith(kind) for u in used if u):
            continue
        region = forbidden_cells(world.scene, [ForbiddenRegion(kind, 1)])
        if start not in region and region & cells:
            passed.append(kind)
    kind = _choose(rng, passed)
    return ForbiddenRegion(kind, 1) if kind else None


def _binding_end_state(task, world, log, rng):
    closed = sorted({t for a, t in interactions(log) if a == "CloseObject"} - {task.goal.parent_receptacle})
    kind = _choose(rng, closed)
    return EndState(kind, "open") if kind else None


BINDING_DRAWERS = {"forbidden_action": _binding_forbidden_action, "forbidden_object": _binding_forbidden_object,
                   "forbidden_region": _binding_forbidden_region, "end_state": _binding_end_state}

DRAWERS = {"forbidden_action": _forbidden_action, "forbidden_object": _forbidden_object,
           "forbidden_region": _forbidden_region, "step_budget": _step_budget, "failure_budget": _failure_budget,
           "ordering": _ordering, "end_state": _end_state, "end_placement": _end_placement, "count": _count}
assert list(DRAWERS) == list(CONSTRAINT_KINDS)


def draw_constraints(index: int, task: Task, world, log, rng, binding: bool = False) -> tuple:
    """One or two constraints for the task: the first of the kind whose turn it is (or the
    next kind that bears on the task; with `binding`, the next kind that has a binding
    draw), a second of another kind for about half."""
    kinds = list(DRAWERS)
    chosen = []
    for k in range(len(kinds)):
        kind = kinds[(index + k) % len(kinds)]
        drawer = BINDING_DRAWERS.get(kind) if binding else DRAWERS[kind]
        constraint = drawer(task, world, log, rng) if drawer else None
        if constraint is not None:
            chosen.append(constraint)
            break
    if chosen and rng.random() < SECOND_CONSTRAINT:
        others = [kind for kind in kinds if kind != chosen[0].kind]
        for k in rng.permutation(len(others)):
            constraint = DRAWERS[others[k]](task, world, log, rng)
            if constraint is not None:
                chosen.append(constraint)
                break
    return tuple(chosen)


# --- the suite -----------------------------------------------------------------------------

def constrained_episode(index: int, base: Episode, reference: ReferenceRun) -> tuple[Episode | None, str]:
    """The base episode's task with its constraints, checked; or None and why it has none."""
    task = Task.from_dict(base.task)
    rng = np.random.default_rng(stable_seed(f"constraints:{base.id}"))
    log = reference.run(task)
    if not log.success:
        return None, f"the reference run fails without constraints: {log.failure_reason}"
    binding = rng.random() < BINDING
    why = ""
    for draw_binding in ((True, False) if binding else (False,)):
        # the world as the episode starts (the reference run has moved things since)
        reference.env.reset(options={"task": task})
        constraints = draw_constraints(index, task, reference.world, log, np.random.default_rng(rng.integers(2**32)),
                                       binding=draw_binding)
        if not constraints:
            why = "no constraint bears on the task"
            continue
        episode, why = _checked_episode(base, task, constraints, rng, reference)
        if episode is not None:
            episode.source["binding"] = binding_kinds(task, constraints, reference)
            return episode, ""
    return None, why


def binding_kinds(task: Task, constraints, reference: ReferenceRun) -> list[str]:
    """The kinds of the constraints the reference run breaks when it does not know them."""
    log = reference.run(task)
    log.fixture_cells = fixture_cells(reference.world.scene, constraints)
    log.end_state = end_state(reference.world, constraints)
    return [r["kind"] for r in check_constraints(constraints, log) if not r["satisfied"]]


def _checked_episode(base: Episode, task: Task, constraints, rng, reference: ReferenceRun):
    """The episode with the constraints when the oracle and the expert meet them all, else
    None and why not."""
    variants = [int(rng.integers(len(type(c).phrasings))) for c in constraints]
    constrained = Task(task.goal, task.scene, seed=task.seed, phrasing=task.phrasing, constraints=constraints,
                       instruction=constrained_instruction(task.instruction, constraints, variants))
    checked, why = meets_constraints(constrained, reference)
    if checked is None:
        return None, why
    source = {"base_episode": base.id, "constraint_kinds": [c.kind for c in constraints]}
    return Episode(id=base.id, seed=base.seed, task=constrained.to_dict(), expert_length=checked.num_steps,
                   source=source), ""


def meets_constraints(task: Task, reference):
    """The reference run (the oracle, given the task's constraints, with the expert) when it
    succeeds with every constraint met, else None and why not."""
    checked = reference.run(task)
    if not checked.success:
        return None, f"the oracle and the expert fail within {_kinds(task.constraints)}: {checked.failure_reason}"
    broken = [r for r in checked.constraint_results if not r["satisfied"]]
    if broken:
        return None, f"the oracle and the expert break its {broken[0]['kind']} constraint: {broken[0]['reason']}"
    return checked, ""


def _kinds(constraints) -> str:
    return ", ".join(c.kind for c in constraints)


def derived_episodes(name: str, kind: str, base_suite, episode_for, limit: int | None = None,
                     progress: bool = False):
    """The episodes of the suite `name` (a `kind` suite: constraint, injection) derived one
    by one from a procedural `base_suite` (its first `limit` episodes): `episode_for(index,
    base)` gives each one, or None and why not, and those are listed as dropped. Returns
    the base episodes used, the episodes (checked unique) and the dropped."""
    if base_suite.scenes != "procedural":
        raise ValueError(f"{kind} suites are built on procedural scenes, and {base_suite.name} has "
                         f"{base_suite.scenes}")
    from tqdm import tqdm

    base_episodes = base_suite.episodes[:limit] if limit is not None else base_suite.episodes
    episodes, dropped = [], []
    for index, base in enumerate(tqdm(base_episodes, desc=f"building {name}", unit="ep", disable=not progress)):
        episode, why = episode_for(index, base)
        if episode is None:
            dropped.append({"id": base.id, "reason": why})
        else:
            episodes.append(episode)
    check_unique([e.id for e in episodes], name)
    return base_episodes, episodes, dropped


def build_constraint_suite(name: str, base_suite, limit: int | None = None, progress: bool = False) -> dict:
    """The manifest of a constraint suite over `base_suite` (a Suite; its first `limit`
    episodes when given)."""
    if name not in CONSTRAINT_SUITES:
        raise ValueError(f"unknown constraint suite {name!r}: expected one of {', '.join(CONSTRAINT_SUITES)}")
    reference = ReferenceRun()
    base_episodes, episodes, dropped = derived_episodes(
        name, "constraint", base_suite, lambda index, base: constrained_episode(index, base, reference), limit,
        progress)
    manifest = {
        "format": MANIFEST_FORMAT, "format_version": MANIFEST_VERSION, "name": name,
        "description": CONSTRAINT_SUITES[name]["description"], "phrasing": "train", "scenes": "procedural",
        "simulator": {"env": HOUSEHOLD_ENV_ID, "errands_version": __version__}, "errands_version": __version__,
        "source": {"base_suite": base_suite.name, "base_hash": base_suite.hash, "base_episodes": len(base_episodes)},
        "dropped": dropped,
        "constraint_kinds": {kind: sum(1 for e in episodes for c in e.task["constraints"] if c["kind"] == kind)
                             for kind in CONSTRAINT_KINDS},
        "episodes": [e.to_dict() for e in episodes],
    }
    manifest["hash"] = manifest_hash(manifest)
    return manifest


def build_constraint_suites(out_dir: str | Path | None = None, progress: bool = False) -> dict[str, Path]:
    """Build constraints_dev and constraints_test over the packaged base suites and write
    them (atomically) to `out_dir` (default: the package's suites folder)."""
    out = Path(out_dir) if out_dir else SUITES_DIR
    written = {}
    for name, spec in CONSTRAINT_SUITES.items():
        manifest = build_constraint_suite(name, load_suite(spec["base"]), progress=progress)
        written[name] = write_text_atomic(out / f"{name}.json", manifest_text(manifest))
    return written


# --- suites of hand-written instructions with constraints -------------------------------------

def build_constraint_human_suite(name: str, progress: bool = False) -> dict:
    """The manifest of constraints_human_dev, constraints_human_dev2 or constraints_human_test:
    each hand-written instruction with its gold goal and constraints, hosted as the human suites host theirs
    (suite_building.host_instruction_rows: a scene of its room type and of the suite's split,
    seen for the dev sets and unseen for test, tried in an order seeded by the row's id), the first
    scene where the oracle, given the constraints, and the expert succeed with every
    constraint met; a row no scene hosts so is listed as dropped, with why its first scene
    failed. Each episode records which of its constraints bind (`source["binding"]`), as
    constraints_dev's do. Procedural scenes only."""
    if name not in CONSTRAINT_HUMAN_SUITES:
        raise ValueError(f"unknown hand-written constraint suite {name!r}: expected one of "
                         f"{', '.join(CONSTRAINT_HUMAN_SUITES)}")
    spec = CONSTRAINT_HUMAN_SUITES[name]
    reference = ReferenceRun()
    episodes, dropped, source = host_instruction_rows(
        name, spec, reference, meets_constraints,
        "with the oracle and the expert succeeding within its constraints", progress=progress)
    for episode in episodes:  # which constraints bind: those the run blind to them breaks
        task = Task.from_dict(episode.task)
        blind = Task(task.goal, task.scene, seed=task.seed, instruction=task.instruction, phrasing=task.phrasing)
        episode.source["binding"] = binding_kinds(blind, task.constraints, reference)
    kinds = {kind: sum(1 for e in episodes for c in e.task["constraints"] if c["kind"] == kind)
             for kind in CONSTRAINT_KINDS}
    return suite_manifest(name, spec["description"], "human", "procedural", episodes, source, dropped,
                     extra={"constraint_kinds": kinds})


def build_constraint_human_suites(out_dir: str | Path | None = None, progress: bool = False) -> dict[str, Path]:
    """Build constraints_human_dev, constraints_human_dev2 and constraints_human_test and write
    them (atomically) to `out_dir` (default: the package's suites folder)."""
    out = Path(out_dir) if out_dir else SUITES_DIR
    return {name: write_text_atomic(out / f"{name}.json", manifest_text(build_constraint_human_suite(name, progress)))
            for name in CONSTRAINT_HUMAN_SUITES}
