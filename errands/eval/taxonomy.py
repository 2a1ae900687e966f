"""Why episodes failed, in two kinds: the planner's (the plan was wrong) and the
execution's (the plan was right, carrying it out failed). The planner-side kinds follow
the Embodied Agent Interface: grammar errors (unparsable, hallucinated object or action,
wrong arity or argument type) and runtime errors (wrong order, missing step).

Read from an EpisodeLog record: its failure category and kind (errands.failures), the
failed skill's record (its kind and argument), and the plans. "wrong_goal" (the Embodied
Agent Interface's goal-interpretation error) is a plan that ran to its end for another
goal than the task's, or no plan for a goal other than the task's.

A log that records no failure kind (version 1, written before kinds were recorded) is
read from its reason text instead, by the patterns under "Version-1 logs" below: the only
place where errands reads a message.
"""

from __future__ import annotations

import re

from ..envs.household.object_types import OBJECT_TYPES, SLICING_TOOLS
from ..envs.skills import SKILLS
from ..envs.transforms import TRANSFORMS
from ..failures import FailureKind

PLANNER_KINDS = ("unparsable", "hallucinated_object", "hallucinated_action", "wrong_arity", "wrong_argument_type",
                 "wrong_goal", "wrong_order", "missing_step", "no_plan", "backend_error", "cannot_do")
EXECUTION_KINDS = ("navigation_timeout", "interaction_failure", "max_failures", "max_steps", "episode_timeout",
                   "crashed")
SIDES = ("planner", "execution")

# A plan's grammar error (PlanError's kind, errands.envs.skills) -> the taxonomy's kind.
PLAN_ERROR_KINDS = {FailureKind.UNPARSABLE: "unparsable", FailureKind.HALLUCINATED_OBJECT: "hallucinated_object",
                    FailureKind.UNKNOWN_SKILL: "hallucinated_action", FailureKind.WRONG_ARITY: "wrong_arity",
                    FailureKind.WRONG_ARGUMENT_TYPE: "wrong_argument_type"}
# A skill that could not start (errands.envs.skills.precondition_failure) -> the skill that
# would have made its precondition hold.
PRECONDITION_FIXES = {FailureKind.NOT_HOLDING: "PickupObject", FailureKind.ALREADY_HOLDING: "PutObject",
                      FailureKind.NO_SLICING_TOOL: "PickupObject", FailureKind.NOT_IN_REACH: "GotoLocation"}


def classify_failure(record: dict) -> tuple[str, str] | None:
    """(side, kind) of a failed episode's record (an EpisodeLog dict); None on success."""
    if record.get("success"):
        return None
    category = record.get("failure_category")
    if category == "planner_error":
        kind, argument = _episode_kind(record)
        if kind in PLAN_ERROR_KINDS:
            return "planner", PLAN_ERROR_KINDS[kind]
        if kind == FailureKind.BACKEND_ERROR:  # the model could not be reached: no plan was judged
            return "planner", "backend_error"
        if kind == FailureKind.NO_PLAN and argument and argument != _alfred_name(record):
            return "planner", "wrong_goal"  # the symbolic planner, given a misread goal
        return "planner", "no_plan"
    if category == "cannot_do":  # the planner judged a task of the suite impossible to read or do
        return "planner", "cannot_do"
    if category == "goal_not_met":  # every skill succeeded, yet the goal does not hold
        return "planner", "wrong_goal" if _pursues_another_goal(record) else "missing_step"
    hallucinated = _hallucination(record)  # a plan that was never validated, run as it was
    if hallucinated:
        return "planner", hallucinated
    if category == "interaction_failure":
        kind, argument = _failed_skill_kind(record)
        if kind in PRECONDITION_FIXES:
            return _precondition_kind(record, kind, argument)
    if category == "navigation_failure":
        return "execution", "navigation_timeout"
    if category == "skill_timeout":
        return "execution", "navigation_timeout" if _failed_skill_navigates(record) else "interaction_failure"
    if category in ("max_failures", "max_steps", "episode_timeout", "crashed", "interaction_failure"):
        return "execution", category
    return "execution", "crashed" if category is None else str(category)


def _episode_kind(record: dict) -> tuple[str | None, str | None]:
    """The episode's failure kind and argument, as recorded or, in a version-1 log, as
    its reason says."""
    if record.get("failure_kind") is not None:
        return record["failure_kind"], record.get("failure_argument")
    return planner_kind_from_reason(str(record.get("failure_reason", "")))


def _failed_skill_kind(record: dict) -> tuple[str | None, str | None]:
    """The failed skill's kind and argument, as recorded or, in a version-1 log, as the
    episode's reason says."""
    skill = _failed_skill(record)
    if skill is not None and skill.get("failure_kind") is not None:
        return skill["failure_kind"], skill.get("failure_argument")
    if record.get("failure_kind") is not None:
        return record["failure_kind"], record.get("failure_argument")
    return precondition_kind_from_reason(str(record.get("failure_reason", "")))


def _failed_skill_navigates(record: dict) -> bool:
    """The skill that failed is a GotoLocation (read from the reason in a record that
    lacks its skills)."""
    plan, index = _failed_plan_position(record)
    if plan is not None and 0 <= index < len(plan):
        return plan[index].get("skill") == "GotoLocation"
    return str(record.get("failure_reason", "")).startswith("GotoLocation")


def _precondition_kind(record: dict, kind: str, argument: str | None) -> tuple[str, str]:
    """A skill that could not start: the plan put a step too early (wrong_order: a later
    step would have made it possible) or lacks one (missing_step). A precondition that an
    earlier step should have made true is the execution's fault."""
    fix = PRECONDITION_FIXES[kind]
    wanted = None if kind == FailureKind.ALREADY_HOLDING else argument  # any PutObject frees the hand

    def fixes(step: dict) -> bool:
        if step.get("skill") != fix:
            return False
        args = step.get("args", [])
        if kind == FailureKind.NO_SLICING_TOOL:
            return bool(args) and args[0] in SLICING_TOOLS
        return wanted is None or wanted in args

    plan, index = _failed_plan_position(record)
    if plan is not None:
        if any(fixes(s) for s in plan[:index]) and fix == "GotoLocation":
            return "execution", "interaction_failure"
        if any(fixes(s) for s in plan[index + 1:]):
            return "planner", "wrong_order"
    return "planner", "missing_step"


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


def _failed_skill(record: dict) -> dict | None:
    """The record of the last skill that failed."""
    for skill in reversed(record.get("skills") or []):
        if skill.get("status") == "failed":
            return skill
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


# --- Version-1 logs: no failure kind recorded, the reason text says it -----------------------

# A kind in brackets in the reason, as the LLM planner writes it: "[unparsable] no valid ...".
_BRACKETED_KIND = re.compile(r"\[(\w+)\]")
# The messages of errands.envs.skills' PlanErrors.
_PLAN_ERROR_TEXT = [
    (re.compile(r"not valid JSON|must be a JSON list|must be an object with|must be a list of strings"),
     FailureKind.UNPARSABLE),
    (re.compile(r"which is not an object"), FailureKind.HALLUCINATED_OBJECT),
    (re.compile(r"unknown skill"), FailureKind.UNKNOWN_SKILL),
    (re.compile(r"takes \d+ argument"), FailureKind.WRONG_ARITY),
    (re.compile(r"needs a \w+ object, and"), FailureKind.WRONG_ARGUMENT_TYPE),
]
# The symbolic planner's message when no plan reaches a goal (errands.planners.symbolic).
_NO_PLAN_FOR = re.compile(r"no plan reaches (\S+)")
# The precondition messages of errands.envs.skills.precondition_error, with the argument
# the fix needs where the message names it.
_PRECONDITION_TEXT = [
    (re.compile(r"does not hold an? (\w+)"), FailureKind.NOT_HOLDING),
    (re.compile(r"already holds"), FailureKind.ALREADY_HOLDING),
    (re.compile(r"slicing needs a Knife"), FailureKind.NO_SLICING_TOOL),
    (re.compile(r"no (\w+) in reach"), FailureKind.NOT_IN_REACH),
]


def planner_kind_from_reason(reason: str) -> tuple[FailureKind | None, str | None]:
    """A planner error's kind (and, for no plan, the goal the planner read), from a
    version-1 log's reason."""
    bracketed = _BRACKETED_KIND.search(reason)
    if bracketed and (bracketed.group(1) in {k.value for k in PLAN_ERROR_KINDS}
                      or bracketed.group(1) == FailureKind.BACKEND_ERROR):
        return FailureKind(bracketed.group(1)), None
    for pattern, kind in _PLAN_ERROR_TEXT:
        if pattern.search(reason):
            return kind, None
    unreachable = _NO_PLAN_FOR.search(reason)
    return FailureKind.NO_PLAN, unreachable.group(1) if unreachable else None


def precondition_kind_from_reason(reason: str) -> tuple[FailureKind | None, str | None]:
    """A skill's unmet precondition (kind and argument), from a version-1 log's reason."""
    if "precondition failed" not in reason:
        return None, None
    for pattern, kind in _PRECONDITION_TEXT:
        match = pattern.search(reason)
        if match:
            return kind, match.group(1) if match.groups() else None
    return None, None
