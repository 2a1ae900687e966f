"""Why episodes failed, in two kinds: the planner's (the plan was wrong) and the
execution's (the plan was right, carrying it out failed). The planner-side kinds follow
the Embodied Agent Interface: grammar errors (unparsable, hallucinated object or action,
wrong arity or argument type) and runtime errors (wrong order, missing step).

Read from an EpisodeLog record: its failure_category, its failure_kind when the writer
gave one, its reason, and the plan that was running when it failed. "wrong_goal" (the
Embodied Agent Interface's goal-interpretation error) is a plan that ran to its end for
another goal than the task's.
"""

from __future__ import annotations

import re

from ..envs.household.object_types import OBJECT_TYPES
from ..envs.skills import SKILLS
from ..envs.transforms import TRANSFORMS

PLANNER_KINDS = ("unparsable", "hallucinated_object", "hallucinated_action", "wrong_arity", "wrong_argument_type",
                 "wrong_goal", "wrong_order", "missing_step", "no_plan", "backend_error")
EXECUTION_KINDS = ("navigation_timeout", "interaction_failure", "max_failures", "max_steps", "episode_timeout",
                   "crashed")
SIDES = ("planner", "execution")

# A PlanError's kind (errands.envs.skills) -> the taxonomy's kind.
_PLAN_ERROR_KINDS = {"unparsable": "unparsable", "hallucinated_object": "hallucinated_object",
                     "unknown_skill": "hallucinated_action", "wrong_arity": "wrong_arity",
                     "wrong_argument_type": "wrong_argument_type"}
# A kind in brackets in the reason, as the LLM planner writes it: "[unparsable] no valid ...".
_BRACKETED_KIND = re.compile(r"\[(\w+)\]")
# The symbolic planner's message when no plan reaches a goal (errands.planners.symbolic).
_NO_PLAN_FOR = re.compile(r"no plan reaches (\S+)")
# The messages of errands.envs.skills' PlanErrors, for logs written without a kind.
_PLAN_ERROR_TEXT = [
    (re.compile(r"not valid JSON|must be a JSON list|must be an object with|must be a list of strings"), "unparsable"),
    (re.compile(r"which is not an object"), "hallucinated_object"),
    (re.compile(r"unknown skill"), "hallucinated_action"),
    (re.compile(r"takes \d+ argument"), "wrong_arity"),
    (re.compile(r"needs a \w+ object, and"), "wrong_argument_type"),
]
# Precondition messages (errands.envs.skills.precondition_error) -> the step that would
# have made the precondition hold: (skill, argument taken from the message or None).
_PRECONDITION_FIXES = [
    (re.compile(r"does not hold an? (\w+)"), "PickupObject"),
    (re.compile(r"already holds"), "PutObject"),
    (re.compile(r"slicing needs a Knife"), "PickupObject"),
    (re.compile(r"no (\w+) in reach"), "GotoLocation"),
]


def classify_failure(record: dict) -> tuple[str, str] | None:
    """(side, kind) of a failed episode's record (an EpisodeLog dict); None on success."""
    if record.get("success"):
        return None
    category = record.get("failure_category")
    kind = record.get("failure_kind")
    reason = str(record.get("failure_reason", ""))
    if category == "planner_error":
        bracketed = _BRACKETED_KIND.search(reason)
        for candidate in (kind, bracketed.group(1) if bracketed else None):
            if candidate in _PLAN_ERROR_KINDS:
                return "planner", _PLAN_ERROR_KINDS[candidate]
            if candidate == "backend_error":  # the model could not be reached: no plan was judged
                return "planner", "backend_error"
        for pattern, name in _PLAN_ERROR_TEXT:
            if pattern.search(reason):
                return "planner", name
        unreachable = _NO_PLAN_FOR.search(reason)  # the symbolic planner, given a misread goal
        if unreachable and unreachable.group(1) != _alfred_name(record):
            return "planner", "wrong_goal"
        return "planner", "no_plan"
    if category == "goal_not_met":  # every skill succeeded, yet the goal does not hold
        return "planner", "wrong_goal" if _pursues_another_goal(record) else "missing_step"
    hallucinated = _hallucination(record)  # a plan that was never validated, run as it was
    if hallucinated:
        return "planner", hallucinated
    if category == "interaction_failure" and "precondition failed" in reason:
        return _precondition_kind(record, reason)
    if category == "navigation_failure":
        return "execution", "navigation_timeout"
    if category == "skill_timeout":
        return "execution", "navigation_timeout" if reason.startswith("GotoLocation") else "interaction_failure"
    if category in ("max_failures", "max_steps", "episode_timeout", "crashed", "interaction_failure"):
        return "execution", category
    return "execution", "crashed" if category is None else str(category)


def _precondition_kind(record: dict, reason: str) -> tuple[str, str]:
    """A skill that could not start: the plan put a step too early (wrong_order: a later
    step would have made it possible) or lacks one (missing_step). A precondition that an
    earlier step should have made true is the execution's fault."""
    plan, index = _failed_plan_position(record)
    for pattern, fix in _PRECONDITION_FIXES:
        match = pattern.search(reason)
        if not match:
            continue
        arg = match.group(1) if match.groups() else None

        def fixes(step: dict) -> bool:
            if step.get("skill") != fix:
                return False
            args = step.get("args", [])
            if fix == "PickupObject" and "Knife" in pattern.pattern:
                return bool(args) and args[0] in ("Knife", "ButterKnife")
            return arg is None or arg in args

        if plan is not None:
            if any(fixes(s) for s in plan[:index]) and fix == "GotoLocation":
                return "execution", "interaction_failure"
            if any(fixes(s) for s in plan[index + 1:]):
                return "planner", "wrong_order"
        return "planner", "missing_step"
    return "execution", "interaction_failure"


TRANSFORM_SKILL = {t.task_type: t.skill for t in TRANSFORMS}


def _pursues_another_goal(record: dict) -> bool:
    """The plans work towards a goal other than the task's (a goal misread, as a
    goal-interpreting planner does): a transform the task does not ask for, or the
    task's object, receptacle or light named nowhere."""
    goal = (record.get("task") or {}).get("goal") or {}
    steps = [step for plan in record.get("plans") or [] for step in plan.get("plan", [])]
    if not goal or not steps:
        return False
    named = {arg for step in steps for arg in step.get("args", [])}
    skills = {step.get("skill") for step in steps}
    wanted = TRANSFORM_SKILL.get(goal.get("task_type"))
    if any(s in skills and s != wanted for s in TRANSFORM_SKILL.values()):
        return True
    obj = goal.get("object", "")
    if obj not in named and f"{obj}Sliced" not in named:
        return True
    needed = [goal.get("parent_receptacle"), goal.get("movable_receptacle")]
    return any(t and t not in named for t in needed)


def _alfred_name(record: dict) -> str:
    """The task's goal as ALFRED names it (TaskGoal.alfred_name), from a record."""
    goal = (record.get("task") or {}).get("goal") or {}
    obj = goal.get("object", "") + ("Sliced" if goal.get("sliced") else "")
    return "-".join([str(goal.get("task_type")), obj, goal.get("movable_receptacle") or "None",
                     str(goal.get("parent_receptacle"))])


def _hallucination(record: dict) -> str | None:
    """The failed step names a skill or an object type that does not exist."""
    plan, index = _failed_plan_position(record)
    if plan is None or not 0 <= index < len(plan):
        return None
    step = plan[index]
    if step.get("skill") not in SKILLS:
        return "hallucinated_action"
    if any(arg not in OBJECT_TYPES for arg in step.get("args", [])):
        return "hallucinated_object"
    return None


def _failed_plan_position(record: dict) -> tuple[list[dict] | None, int]:
    """The plan (list of step dicts) and index of the last skill that failed."""
    skills = record.get("skills") or []
    plans = record.get("plans") or []
    for skill in reversed(skills):
        if skill.get("status") == "failed" and 0 <= skill.get("plan", -1) < len(plans):
            return plans[skill["plan"]]["plan"], int(skill["index"])
    return None, 0


def failure_breakdown(records: list[dict]) -> dict:
    """{"planner": {kind: n}, "execution": {kind: n}, "failed": n, "episodes": n}, every
    kind listed (zeros included) in a fixed order."""
    result = {"planner": dict.fromkeys(PLANNER_KINDS, 0), "execution": dict.fromkeys(EXECUTION_KINDS, 0),
              "failed": 0, "episodes": len(records)}
    for record in records:
        found = classify_failure(record)
        if found is None:
            continue
        side, kind = found
        result["failed"] += 1
        result[side][kind] = result[side].get(kind, 0) + 1
    return result
