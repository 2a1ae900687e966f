"""The LLM planner: a language model reads the instruction (with retrieved examples, the
skills and the objects of the scene) and answers with a goal or a plan, constrained to
the plan grammar and validated against the skills and the scene. Invalid output gets a
bounded number of repair attempts with the error fed back, then a clear failure.

mode="goal": the model names the task goal and the symbolic planner writes the skills
  (it reads the world state to do so); best for small models.
mode="plan": the model writes the skill sequence itself; when a skill fails, it is asked
  again with the completed skills, the failure and its reason, and the objects seen.

Constraints and household rules (planners/working_constraints.py): goal mode reads the
goal from the instruction without its constraint clauses and the symbolic planner plans
within them; plan mode is told them in the prompt, and its plan is checked against them
before any of it is carried out (constraint_rules.check_plan, as the expert would carry it
out): a plan that breaks one is a repair, with the step and the constraint fed back.
"""

from __future__ import annotations

import json
import re

from ..envs.household.object_types import OBJECT_TYPES
from ..envs.skills import Plan, PlanError
from ..envs.tasks.goals import TaskGoal
from ..failures import FailureKind
from .base import Feedback, PlanningContext, PlanningError
from .constraint_rules import check_plan
from .examples import Retriever
from .goal_parser import SLICE_WORDS, find_object_mentions
from .household_rules import plan_within_rules
from .llm_backends import LLMError
from .reading import GoalReading
from .prompting import MODES, goal_grammar, goal_messages, goal_schema, plan_grammar, plan_messages, plan_schema
from .seen_text import seen_text_mode, with_seen_text
from .working_constraints import WorkingConstraints, working_constraints

DEFAULT_K = 6


class LLMPlanner:
    def __init__(self, backend, mode: str = "goal", retrieval: bool = True, k: int = DEFAULT_K,
                 max_repairs: int = 2, max_tokens: int | None = None, seed: int = 0, grounding: bool = True,
                 constraints: str = "read", seen_text: str = "quoted"):
        if mode not in MODES:
            raise ValueError(f"unknown LLM planner mode {mode!r}: expected one of {', '.join(MODES)}")
        self.backend = backend
        self.mode = mode
        self.retriever = Retriever(use_embeddings=retrieval)
        self.k = k
        self.max_repairs = max_repairs
        self.max_tokens = max_tokens or (96 if mode == "goal" else 320)
        self.seed = seed
        self.grounding = grounding  # restrict goal arguments to the objects the instruction names
        self.name = f"llm-{mode}"
        # What it reads (errands/protocols.py): goal mode searches over the world's state.
        self.inputs = ("instruction", "object_types", "visible_objects", "visible_text") + (
            ("world",) if mode == "goal" else ())
        self.last_prompt: list[dict] = []
        self.last_goal: TaskGoal | None = None
        self.last_reading: GoalReading | None = None  # goal mode's reading (plan mode reads no goal)
        self.constraints_source = constraints
        self.seen_text = seen_text_mode(seen_text)
        self.last_constraints: WorkingConstraints | None = None
        self.calls = 0

    # --- the Planner contract -------------------------------------------------------------

    def plan(self, instruction: str, context: PlanningContext) -> Plan:
        instruction, context = with_seen_text(instruction, context, self.seen_text)
        working = working_constraints(instruction, context, self.constraints_source)
        self.last_constraints = working
        if self.mode == "goal":
            goal = self.read_goal(working.task_text, context)
            if context.world is None:
                raise PlanningError("goal mode needs the world state for its symbolic planner")
            return plan_within_rules(goal, context.world, working.constraints, working.rules)
        return self._ask_plan(instruction, context, working)

    def read_goal(self, instruction: str, context: PlanningContext) -> TaskGoal:
        """The model's reading of the goal (goal mode's first half), constrained to the
        grammar of goals over the scene's object types."""
        types = scene_types(context)
        examples = self.retriever.top_k(instruction, self.k)
        messages = goal_messages(instruction, types, examples, seen_text=context.seen_text)
        named = find_object_mentions(instruction) if self.grounding else None
        sliced = bool(re.search(SLICE_WORDS, instruction.lower())) if self.grounding else None
        goal = self._ask(messages, goal_grammar(types, named, sliced), goal_schema(types, named, sliced),
                         lambda text: parse_goal_answer(text, types))
        self.last_goal = goal
        self.last_reading = GoalReading(goal, None, "llm")
        return goal

    def replan(self, feedback: Feedback) -> Plan:
        instruction, context = with_seen_text(feedback.context.instruction, feedback.context, self.seen_text)
        working = self.last_constraints or working_constraints(instruction, context, self.constraints_source)
        if self.mode == "goal":
            if self.last_goal is None or context.world is None:
                return self.plan(feedback.context.instruction, feedback.context)
            return plan_within_rules(self.last_goal, context.world, working.constraints, working.rules)
        done = ", ".join(str(c) for c in feedback.completed) or "nothing"
        seen = sorted({o.split("|")[0] for o in feedback.seen_objects})
        note = (f"Done so far: {done}. {feedback.failed} failed: {feedback.reason}. "
                f"Objects seen so far: {', '.join(seen)}. Plan the remaining steps.")
        return self._ask_plan(instruction, context, working, note)

    def _ask_plan(self, instruction: str, context: PlanningContext, working: WorkingConstraints,
                  note: str | None = None) -> Plan:
        """Plan mode: the model's plan, told the constraints and checked against them."""
        types = scene_types(context)
        examples = self.retriever.top_k(instruction, self.k)
        said = [c.describe() for c in working.constraints] + [r.text for r in working.rules]
        messages = plan_messages(instruction, types, examples, feedback=note, constraints=said,
                                 seen_text=context.seen_text)

        def parse(text: str) -> Plan:
            plan = parse_plan_answer(text, types)
            violation = check_plan(plan, context.world, working.all) if context.world is not None else None
            if violation is not None:
                raise PlanError(FailureKind.BREAKS_CONSTRAINT, str(violation))
            return plan

        return self._ask(messages, plan_grammar(types), plan_schema(types), parse)

    # --- asking, checking, repairing ----------------------------------------------------

    def _ask(self, messages: list[dict], grammar: str, schema: dict, parse):
        self.last_prompt = list(messages)
        errors = []
        for attempt in range(self.max_repairs + 1):
            self.calls += 1
            try:
                text = self.backend.complete(messages, grammar=grammar, json_schema=schema,
                                             max_tokens=self.max_tokens, temperature=0.0, seed=self.seed + attempt)
            except LLMError as e:
                raise PlanningError(f"[backend_error] {e}", kind="backend_error") from e
            try:
                return parse(text)
            except PlanError as e:
                errors.append(e)
                messages = messages + [
                    {"role": "assistant", "content": text},
                    {"role": "user", "content": f"That answer is invalid ({e.kind}): {e}. Answer again in the required format."},
                ]
        last = errors[-1]
        raise PlanningError(f"[{last.kind}] no valid answer after {self.max_repairs + 1} attempts; last: {last}",
                            kind=last.kind) from last


def scene_types(context: PlanningContext) -> list[str]:
    """The object types the planner may name: those the agent knows of."""
    types = set(context.object_types) | {o.split("|")[0] for o in context.visible_objects}
    return sorted(t for t in types if t in OBJECT_TYPES)


def parse_goal_answer(text: str, object_types: list[str]) -> TaskGoal:
    """A goal line (or the JSON object a schema-constrained server returns) -> TaskGoal."""
    text = text.strip()
    if text.startswith("{"):
        try:
            data = json.loads(text)
            text = "-".join(str(data[k]) for k in ("task_type", "object", "movable", "parent"))
        except (json.JSONDecodeError, KeyError, TypeError):
            raise PlanError("unparsable", f"expected a goal object, got {text[:120]!r}") from None
    match = re.search(r"([a-z_]+)-([A-Za-z]+)-([A-Za-z]+)-([A-Za-z]+)", text)
    if not match:
        raise PlanError("unparsable", f"expected task_type-Object-Movable-Parent, got {text[:120]!r}")
    task_type, obj, movable, parent = match.groups()
    base = obj[: -len("Sliced")] if obj.endswith("Sliced") else obj
    known = set(object_types)
    for name in (base, parent) + (() if movable == "None" else (movable,)):
        if name not in OBJECT_TYPES or name not in known:
            raise PlanError("hallucinated_object", f"{name!r} is not an object in this room")
    try:
        return TaskGoal.from_alfred_name(f"{task_type}-{obj}-{movable}-{parent}")
    except ValueError as e:
        kind = "unknown_skill" if "unknown task type" in str(e) else "wrong_argument_type"
        raise PlanError(kind, str(e)) from None


def parse_plan_answer(text: str, object_types: list[str]) -> Plan:
    start, end = text.find("["), text.rfind("]")
    if start < 0 or end < start:
        raise PlanError("unparsable", f"expected a JSON list of steps, got {text[:120]!r}")
    plan = Plan.from_json(text[start:end + 1])
    if not plan.steps:
        raise PlanError("unparsable", "the plan has no steps")
    plan.validate(set(object_types))
    return plan
