"""The interpreter planner: reads the goal from the instruction (reader.py), asks the
user when it is unsure, and hands the goal to the symbolic search over skills.

- `reader="combined"` (default): the trained goal model with the rule-based reader as a
  second opinion; below `llm_below` confidence, and when an LLM backend is given, the
  LLM's reading of the goal is a third opinion (the packaged SmolLM2 through llama.cpp,
  or any OpenAI-compatible server). `reader="rules"` is the rule-based reader alone.
- `ask(question, options) -> int | None`: called when the confidence is below
  `ask_below`, with the likely goals described in words; the answer's index picks one,
  None keeps the reading. The CLI's `errands run --ask` prompts on the terminal.

`plan_from="words"` plans without the world: the goal's skills by object type
(planners/goal_skills.py: another object than the first for a pick-two task's second, and
any lamp unless the words name its type), so that the planner reads the instruction alone and plays under
ALFRED's RGB-and-language rule (errands/protocols.py); it then reads no object types,
no text seen in the home and no constraints (a constraint clause is refused: keeping one
needs the world's state), and a re-plan retries the plan from the skill that failed.

`last_reading` is the GoalReading of the last instruction: the Agent writes it into the
EpisodeLog (which component read the goal, and its confidence). The goal is read from the
instruction without its constraint clauses, and the search plans within the constraints
and the household rules (`last_constraints`, planners/working_constraints.py).
"""

from __future__ import annotations

import math
from typing import Callable

from ...envs.skills import Plan
from ...envs.tasks.instructions import describe_goal
from ...failures import FailureKind
from ..base import Feedback, PlanningContext, PlanningError
from ..goal_parser import parse_goal
from ..goal_skills import goal_skills, resume, words_light
from ..household_rules import plan_within_rules
from ..seen_text import seen_text_mode, with_seen_text
from ..working_constraints import WorkingConstraints, working_constraints
from .model import GoalModel
from ..reading import GoalReading
from .reader import GoalReader, cannot

READERS = ("combined", "trained", "rules")
PLAN_SOURCES = ("world", "words")  # the symbolic search over the world's state; the goal's skills alone
DEFAULT_ASK_BELOW = 0.5
DEFAULT_LLM_BELOW = 0.6
LLM_WEIGHT = 1.5  # log-space weight of the LLM's agreement, as RULES_WEIGHT for the rules

Ask = Callable[[str, list[str]], "int | None"]


class InterpreterPlanner:
    def __init__(self, reader: str = "combined", ask: Ask | None = None, ask_below: float = DEFAULT_ASK_BELOW,
                 llm=None, llm_below: float = DEFAULT_LLM_BELOW, model_path: str | None = None,
                 constraints: str = "read", seen_text: str = "ignored", plan_from: str = "world"):
        if reader not in READERS:
            raise ValueError(f"unknown goal reader {reader!r}: expected one of {', '.join(READERS)}")
        if plan_from not in PLAN_SOURCES:
            raise ValueError(f"unknown plan_from {plan_from!r}: expected one of {', '.join(PLAN_SOURCES)}")
        if plan_from == "words" and (constraints == "given" or seen_text != "ignored" or llm is not None):
            raise ValueError(f"plan_from='words' reads the instruction alone: it takes constraints 'read' or "
                             f"'none' (got {constraints!r}), seen_text 'ignored' (got {seen_text!r}) and no LLM "
                             f"backend (whose prompt lists the scene's objects)")
        self.plan_from = plan_from
        # What it reads (errands/protocols.py): the words alone, or the words and the world's state.
        self.inputs = ("instruction",) if plan_from == "words" else ("instruction", "object_types", "visible_text",
                                                                      "world")
        self._plan = None  # with plan_from="words": the plan made, which a re-plan resumes
        self.reader_name = reader
        model = GoalModel.load(model_path) if model_path else None
        self.reader = None if reader == "rules" else GoalReader(model, use_rules=reader == "combined")
        self.ask, self.ask_below = ask, ask_below
        self.llm, self.llm_below = llm, llm_below
        self.name = f"interpreter-{reader}"
        self.last_reading: GoalReading | None = None
        self.constraints_source = constraints
        self.seen_text = seen_text_mode(seen_text)
        self.last_constraints: WorkingConstraints | None = None

    def read(self, instruction: str, context: PlanningContext) -> GoalReading:
        """The goal reading of an instruction, grounded in the context's object types."""
        types = set(context.object_types) or None
        if self.reader is None:
            try:
                return GoalReading(parse_goal(instruction), None, "rules")
            except ValueError as e:
                return cannot(FailureKind.NOT_UNDERSTOOD, str(e))
        reading = self.reader.read(instruction, types)
        if reading.goal is not None and reading.confidence < self.llm_below and self.llm is not None:
            reading = self._with_llm(instruction, context, reading)
        if reading.goal is not None and reading.confidence < self.ask_below and self.ask is not None:
            reading = self._clarify(reading)
        return reading

    def _with_llm(self, instruction: str, context: PlanningContext, reading: GoalReading) -> GoalReading:
        """The LLM's goal as a third opinion among the reader's candidates."""
        try:
            llm_goal = self.llm.read_goal(instruction, context)
        except (PlanningError, ValueError):
            return reading
        options = [(reading.goal, reading.confidence), *reading.alternatives]
        weights = [p * (math.exp(LLM_WEIGHT) if g == llm_goal else 1.0) for g, p in options]
        if all(g != llm_goal for g, _ in options):
            return reading
        total = sum(weights)
        ranked = sorted(zip((g for g, _ in options), (w / total for w in weights)), key=lambda x: -x[1])
        source = reading.source + "+llm" if ranked[0][0] == llm_goal else reading.source
        return GoalReading(ranked[0][0], ranked[0][1], source, tuple(ranked[1:]))

    def _clarify(self, reading: GoalReading) -> GoalReading:
        options = [reading.goal] + [g for g, _ in reading.alternatives[:2]]
        described = [describe_goal(g) for g in options]
        choice = self.ask("Which of these did you mean?", described)
        if choice is None or not 0 <= choice < len(options):
            return reading
        return GoalReading(options[choice], 1.0, "user", reading.alternatives, None)

    # --- the Planner contract -------------------------------------------------------------

    def plan(self, instruction: str, context: PlanningContext) -> Plan:
        instruction, context = with_seen_text(instruction, context, self.seen_text)
        working = working_constraints(instruction, context, self.constraints_source)
        self.last_constraints = working
        reading = self.read(working.task_text, context)
        self.last_reading = reading
        if reading.goal is None:
            failure = reading.failure
            raise PlanningError(failure.message, kind=failure.kind.value, failure=failure)
        if self.plan_from == "words":
            if working.constraints or working.rules:
                raise PlanningError(f"the instruction asks to keep {len(working.constraints) + len(working.rules)} "
                                    f"constraint(s), which a plan made without the world's state cannot keep "
                                    f"(use plan_from='world')")
            self._plan = goal_skills(reading.goal, light=words_light(working.task_text, reading.goal))
            return self._plan
        if context.world is None:
            raise PlanningError("the interpreter planner needs the world state for its symbolic search")
        return plan_within_rules(reading.goal, context.world, working.constraints, working.rules)

    def replan(self, feedback: Feedback) -> Plan:
        """The same goal, searched again from the state the world is in now (without the
        world: the plan again from the skill that failed)."""
        if self.plan_from == "words":
            if self._plan is None:
                return self.plan(feedback.context.instruction, feedback.context)
            return resume(self._plan, feedback.completed)
        context = feedback.context
        if (self.last_reading is None or self.last_reading.goal is None or context.world is None
                or self.last_constraints is None):
            return self.plan(context.instruction, context)
        working = self.last_constraints
        return plan_within_rules(self.last_reading.goal, context.world, working.constraints, working.rules)
