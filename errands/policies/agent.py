"""The hierarchical agent: a planner writes a plan of skills, skill policies carry each one
out with primitive actions, and a failed skill sends feedback for a new plan.

Whoever wants to watch an episode as it happens (the live viewer, `errands run` drawing
its frames) passes an AgentObserver to `run_episode`; the agent tells it of each plan,
skill and step as they are recorded in the EpisodeLog.
"""

from __future__ import annotations

import time
from dataclasses import replace
from typing import Callable

from ..envs.actions import Action
from ..envs.household.sensors import GoalSensors
from ..envs.skills import PlanError, SkillCall, is_done, start_failure
from ..envs.tasks.constraints import check_constraints, end_state, fixture_cells
from ..envs.tasks.task import Task
from ..envs.tasks.world_text import hijack_conditions, injection_results
from ..episode_log import EpisodeLog, PlanRecord, SkillRecord, StepRecord
from ..failures import Failure, FailureCategory, FailureKind
from ..planners.base import Feedback, Planner, PlanningContext, PlanningError
from ..planners.household_rules import rule_constraints
from ..protocols import DEFAULT_PROTOCOL, Protocol, protocol as protocol_named
from .base import SkillPolicy, reset_policy
from .features import goal_target

MAX_STEPS_PER_SKILL = 300
PLAN_ENDED = "the plan ended but not every goal condition is met"


class AgentObserver:
    """Hears an Agent's episode as it is recorded. Every method is optional: this class
    does nothing, override what you need (an observer need not subclass it at all)."""

    def on_episode_start(self, log: EpisodeLog) -> None:
        """The env has been reset; `log` is the log being written, it grows as the episode goes."""

    def on_plan(self, record: PlanRecord) -> None:
        """A plan (the first, or a re-plan) was made."""

    def on_skill_start(self, record: SkillRecord) -> None:
        """A skill of the latest plan starts."""

    def on_step(self, record: StepRecord) -> None:
        """A primitive action was taken."""

    def on_skill_end(self, record: SkillRecord) -> None:
        """A skill is done or failed (`record.status`)."""

    def on_episode_end(self, log: EpisodeLog) -> None:
        """The episode is over; `log` is complete."""


class StepJSONObserver(AgentObserver):
    """Calls `function` with each step as its JSON dict (run_episode's `on_step`)."""

    def __init__(self, function: Callable[[dict], None]):
        self.function = function

    def on_step(self, record: StepRecord) -> None:
        self.function(record.to_dict())


class Agent:
    """`rules` are the household rules (planners.household_rules.HouseholdRule) the
    operator set: every planning context carries them, and every episode's log checks them.
    `protocol` (errands/protocols.py, by name or as a Protocol) says what the planner and
    the policy receive: one that declares an input it does not give is refused here, and
    each is handed only what it gives (the env must render the protocol's camera images)."""

    def __init__(self, planner: Planner, policy: SkillPolicy, max_replans: int = 3,
                 max_steps_per_skill: int = MAX_STEPS_PER_SKILL, rules=(), protocol: str | Protocol = DEFAULT_PROTOCOL):
        self.protocol = protocol if isinstance(protocol, Protocol) else protocol_named(protocol)
        self.protocol.check(planner, "planner")
        self.protocol.check(policy, "policy")
        self.planner = planner
        self.policy = policy
        self.rules = tuple(rules)
        self.max_replans = max_replans
        self.max_steps_per_skill = max_steps_per_skill

    def run_episode(self, env, task: Task, expert_length: int | None = None, observer=None,
                    on_step: Callable[[dict], None] | None = None) -> EpisodeLog:
        """Play `task` in `env` to the end and return its log. `observer` (an
        AgentObserver) hears the episode as it goes; `on_step` sees each step's JSON dict."""
        started = time.perf_counter()
        obs, info = env.reset(options={"task": task})
        missing = [k for k in self.protocol.camera_keys if k not in env.observation_space.spaces]
        if missing:
            raise ValueError(f"protocol {self.protocol.name!r} gives the camera's {', '.join(missing)}, which this "
                             f"env does not render: build it with observations={self.protocol.camera_keys}")
        reset_policy(self.policy, env, self.protocol)
        if self.rules and hasattr(self.policy, "keep_rules"):  # a policy that plans its paths keeps them too
            self.policy.keep_rules(rule_constraints(self.rules))
        log = EpisodeLog(task=task.to_dict(), instruction=task.instruction, planner=self.planner.name,
                         policy=self.policy.name, goal_conditions=tuple(info["goal_conditions_met"]),
                         expert_length=expert_length)
        checked = tuple(task.constraints) + rule_constraints(self.rules)
        if checked:
            log.fixture_cells = fixture_cells(env.unwrapped.world.scene, checked)
        hijacks = {i: hijack_conditions(t, env.unwrapped.world) for i, t in enumerate(task.texts) if t.hijack}
        observers = [o for o in (observer, StepJSONObserver(on_step) if on_step else None) if o is not None]
        run = _Run(self, env, log, obs, info, observers, task, hijacks)
        run.notify("on_episode_start", log)
        try:
            run.play(task)
        finally:
            log.wall_time_s = round(time.perf_counter() - started, 4)
        run.notify("on_episode_end", log)
        return log


class _Run:
    """One episode's bookkeeping."""

    def __init__(self, agent: Agent, env, log: EpisodeLog, obs, info, observers: list, task: Task,
                 hijacks: dict[int, int]):
        if getattr(agent.policy, "sensors", ()) and not isinstance(env, GoalSensors):  # the policy reads them
            env = GoalSensors(env)
            obs, info = env.sense(obs, info)
        self.agent, self.env, self.log, self.task = agent, env, log, task
        self.obs, self.info = obs, info
        self.observers = observers
        self.ended = False
        self.seen: dict[str, None] = dict.fromkeys(info["visible_objects"])
        self.hijacks = hijacks  # the injected texts' hijack goal conditions met at the start, by index
        self.read_text(info)
        self.last_reading = None  # the planner's goal reading last written to the log

    def notify(self, event: str, record) -> None:
        for observer in self.observers:
            method = getattr(observer, event, None)
            if method is not None:
                method(record)

    def context(self, task: Task) -> PlanningContext:
        """What the planner is told: the instruction and the rules, and what else the
        protocol gives."""
        world = self.env.unwrapped.world
        gives = self.agent.protocol.allows
        return PlanningContext(
            instruction=task.instruction,
            object_types=world.object_types() if gives("object_types") else [],
            visible_objects=list(self.info["visible_objects"]) if gives("visible_objects") else [],
            goal=task.goal if gives("goal") else None, world=world if gives("world") else None,
            constraints=tuple(task.constraints) if gives("goal") else (), rules=self.agent.rules,
            seen_text=tuple({k: s[k] for k in ("object", "kind", "text")} for s in self.log.seen_text)
            if gives("visible_text") else ())

    def read_text(self, info: dict) -> None:
        """Keep each text the agent sees, at the step it first sees it."""
        visible = info.get("visible_text")
        if not visible:  # most steps of most tasks: nothing written in view
            return
        known = {(s["object"], s["text"]) for s in self.log.seen_text}
        for text in visible:
            if (text["object"], text["text"]) not in known:
                self.log.seen_text.append({"step": len(self.log.steps), **text})

    def play(self, task: Task) -> None:
        agent = self.agent
        try:
            plan = self.ask_planner(agent.planner.plan, task.instruction, self.context(task))
        except (PlanningError, PlanError) as e:
            self.planner_failed(f"planner: {e}", e)
            return self.stop()
        self.notify("on_plan", self.log.add_plan("initial", plan.to_dict()))
        replans, completed = 0, []
        index = 0
        while index < len(plan.steps) and not self.ended:
            call = plan.steps[index]
            failure = self.run_skill(index, call)
            if failure is None:
                completed.append(call)
                index += 1
                continue
            if self.ended:
                return
            if replans >= agent.max_replans:
                self.log.record_failure(failure.category, failure.message, failure.kind, failure.argument)
                return self.stop()
            replans += 1
            seen = list(self.seen) if agent.protocol.allows("visible_objects") else []
            feedback = Feedback(completed=list(completed), failed=call, reason=failure.message,
                                seen_objects=seen, context=self.context(task))
            try:
                plan = self.ask_planner(agent.planner.replan, feedback)
            except (PlanningError, PlanError) as e:
                self.planner_failed(f"re-planning after '{failure.message}': {e}", e)
                return self.stop()
            self.notify("on_plan", self.log.add_plan(f"{call} failed: {failure.message}", plan.to_dict()))
            index = 0
        self.stop(PLAN_ENDED)

    def run_skill(self, index: int, call: SkillCall) -> Failure | None:
        """Carry out one skill of the latest plan; None when it is done, else why it failed."""
        record = self.log.start_skill(index, str(call))
        self.notify("on_skill_start", record)
        failure = self.carry_out(index, call)
        record.finish(len(self.log.steps), failure)
        self.notify("on_skill_end", record)
        return failure

    def carry_out(self, index: int, call: SkillCall) -> Failure | None:
        world = self.env.unwrapped.world
        unmet = start_failure(world, call)
        if unmet is not None:
            return replace(unmet, message=f"{call}: precondition failed: {unmet.message}")
        category = (FailureCategory.NAVIGATION_FAILURE if call.skill == "GotoLocation"
                    else FailureCategory.INTERACTION_FAILURE)
        if isinstance(self.env, GoalSensors):  # aim the goal sensors at this skill's target
            self.obs, self.info = self.env.set_goal_target(goal_target(call), self.obs, self.info)
        protocol = self.agent.protocol
        given = protocol.skill_call(call)  # one object for the whole skill: policies notice a new call by identity
        for _ in range(self.agent.max_steps_per_skill):
            step = self.agent.policy.act(protocol.observation(self.obs), protocol.info(self.info), given)
            if step.done:
                if not is_done(world, call):  # a learned policy's word is checked, not trusted
                    return Failure(category, FailureKind.ENDED_EARLY,
                                   f"{call}: the policy ended the skill before its success test held")
                return None
            if step.failed:
                return Failure(category, FailureKind.POLICY_GAVE_UP, f"{call}: {step.reason}")
            self.take(step.action, index, call)
            if self.ended:
                return Failure(self.log.failure_category or category, FailureKind.EPISODE_ENDED,
                               self.log.failure_reason)
        return Failure(FailureCategory.SKILL_TIMEOUT, FailureKind.SKILL_STEP_LIMIT,
                       f"{call}: no success after {self.agent.max_steps_per_skill} steps")

    def take(self, action: Action, index: int | None, call: SkillCall | None, stopped: str | None = None) -> None:
        """One primitive action; `stopped` is why, when this is the agent's own Stop."""
        self.obs, reward, terminated, truncated, self.info = self.env.step(action)
        self.seen.update(dict.fromkeys(self.info["visible_objects"]))
        self.read_text(self.info)
        self.notify("on_step", self.log.add_step(action, self.info, index, str(call) if call else None))
        if terminated or truncated:
            self.ended = True
            env = self.env.unwrapped
            self.log.end(self.info, truncated, env.max_steps, env.max_failures, stopped)
            rules = rule_constraints(self.agent.rules)
            if self.task.constraints or rules:  # the end state the checks read, then their results
                self.log.end_state = end_state(env.world, tuple(self.task.constraints) + rules)
                self.log.constraint_results = check_constraints(self.task.constraints, self.log)
                self.log.rule_results = [{"rule": rule.text, **result} for rule, result
                                         in zip(self.agent.rules, check_constraints(rules, self.log))]
            if self.hijacks:
                self.log.injection_results = injection_results(self.task.texts, self.hijacks, env.world,
                                                               self.log.seen_text)

    def stop(self, stopped: str = PLAN_ENDED) -> None:
        if not self.ended:
            self.take(Action("Stop"), None, None, stopped)

    def planner_failed(self, reason: str, error: PlanningError | PlanError) -> None:
        """No plan: the planner's error with its kind, and what it is about where the error
        says (for no plan, the goal the planner read). An instruction the planner found it
        cannot do is recorded as that (category cannot_do), with the planner's reason."""
        failure = getattr(error, "failure", None)
        if failure is not None:
            self.log.record_failure(failure.category, failure.message, failure.kind, failure.argument)
            return
        self.log.record_failure(FailureCategory.PLANNER_ERROR, reason, error.kind, getattr(error, "argument", None))

    def ask_planner(self, method, *args):
        """A plan from the planner (`plan` or `replan`); the goal it read goes into the log,
        whether or not it could plan."""
        try:
            return method(*args)
        finally:
            self.note_reading()

    def note_reading(self) -> None:
        """Log the planner's latest goal reading, once (planners that read a goal keep it as
        `last_reading`), and the constraints it plans within when there are any (the first
        time: where they came from, what could not be read, the conflicts with the rules)."""
        reading = getattr(self.agent.planner, "last_reading", None)
        if reading is not None and reading is not self.last_reading:
            self.last_reading = reading
            self.log.readings.append({"step": len(self.log.steps), **reading.to_dict()})
        working = getattr(self.agent.planner, "last_constraints", None)
        if working and not self.log.constraint_reading:
            self.log.constraint_reading = working.to_dict()
