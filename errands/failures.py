"""Why something failed, as data: a category (which part of an episode failed), a kind
(what exactly went wrong), the argument it is about, and a message for people.

Programs read `category`, `kind` and `argument`; only people read `message`. Nothing in
errands parses a message (the taxonomy reads messages only in logs written before these
records existed). Both enums are `str` enums, so a record serialises to plain JSON and an
EpisodeLog stores the same strings it always has.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class FailureCategory(str, Enum):
    """Why an episode did not succeed (EpisodeLog.failure_category)."""

    PLANNER_ERROR = "planner_error"  # no valid plan (unparsable output, unknown skill or object, ...)
    NAVIGATION_FAILURE = "navigation_failure"  # a GotoLocation could not reach its target
    INTERACTION_FAILURE = "interaction_failure"  # a skill's interaction failed or its success test did not hold
    SKILL_TIMEOUT = "skill_timeout"  # a skill ran past its step budget
    MAX_FAILURES = "max_failures"  # 10 failed actions ended the episode
    MAX_STEPS = "max_steps"  # the step limit ended the episode
    GOAL_NOT_MET = "goal_not_met"  # the plan ran to the end but the goal conditions were not all met
    CRASHED = "crashed"  # an exception, recorded by a runner that went on
    EPISODE_TIMEOUT = "episode_timeout"  # the episode ran past a runner's time limit
    CANNOT_DO = "cannot_do"  # the instruction asks for something impossible, empty or contradictory

    def __str__(self) -> str:
        return self.value


class FailureKind(str, Enum):
    """A finer kind within a category (EpisodeLog.failure_kind)."""

    # A plan that is not well formed (the Embodied Agent Interface's grammar errors).
    UNPARSABLE = "unparsable"
    UNKNOWN_SKILL = "unknown_skill"
    WRONG_ARITY = "wrong_arity"
    HALLUCINATED_OBJECT = "hallucinated_object"
    WRONG_ARGUMENT_TYPE = "wrong_argument_type"
    # No plan at all.
    NO_PLAN = "no_plan"  # the symbolic search found none for the goal read
    BACKEND_ERROR = "backend_error"  # the language model could not be reached
    # A skill that could not start (its precondition).
    NOT_HOLDING = "not_holding"  # argument: the object type the skill needs in hand
    ALREADY_HOLDING = "already_holding"  # argument: the id of the object in hand
    NO_SLICING_TOOL = "no_slicing_tool"  # slicing needs a Knife or ButterKnife in hand
    NOT_IN_REACH = "not_in_reach"  # argument: the object type not visible within reach
    # A skill that started and did not finish.
    POLICY_GAVE_UP = "policy_gave_up"  # the skill policy said it cannot go on
    ENDED_EARLY = "ended_early"  # the policy ended the skill before its success test held
    SKILL_STEP_LIMIT = "skill_step_limit"  # no success within the skill's step budget
    EPISODE_ENDED = "episode_ended"  # the episode's own limits ended it during the skill
    # An episode that ended without success.
    STEP_LIMIT = "step_limit"  # the episode's step limit ran out
    FAILED_ACTION_LIMIT = "failed_action_limit"  # the episode's limit of failed actions was reached
    STOPPED_BEFORE_GOAL = "stopped_before_goal"  # Stop was taken before every goal condition held
    # The instruction itself.
    EMPTY_INSTRUCTION = "empty_instruction"
    NOT_UNDERSTOOD = "not_understood"
    IMPOSSIBLE_GOAL = "impossible_goal"  # no goal the task rules allow, or not in this scene
    CONTRADICTORY = "contradictory"
    # Constraints and household rules.
    BREAKS_CONSTRAINT = "breaks_constraint"  # argument: the constraint's words; the plan or the next action breaks it
    RULE_CONFLICT = "rule_conflict"  # argument: the household rule the instruction conflicts with

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class Failure:
    """One failure: what programs read (category, kind, argument) and what people read."""

    category: FailureCategory
    kind: FailureKind
    message: str
    argument: str | None = None

    def to_dict(self) -> dict:
        return {"category": self.category.value, "kind": self.kind.value, "argument": self.argument,
                "message": self.message}
