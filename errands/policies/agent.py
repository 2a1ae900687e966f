"""The hierarchical agent: a planner writes a plan of skills, skill policies carry each one
out with primitive actions, and a failed skill sends feedback for a new plan."""

from __future__ import annotations

import time
from typing import Callable

from ..envs.actions import Action
from ..envs.household.sensors import GoalSensors
from ..envs.skills import PlanError, SkillCall, is_done, precondition_error
from ..envs.tasks.task import Task
from ..episode_log import EpisodeLog
from ..planners.base import Feedback, Planner, PlanningContext, PlanningError
from .base import SkillPolicy, reset_policy
from .features import goal_target

MAX_STEPS_PER_SKILL = 300


class Agent:
    def __init__(self, planner: Planner, policy: SkillPolicy, max_replans: int = 3,
                 max_steps_per_skill: int = MAX_STEPS_PER_SKILL):
        self.planner = planner
        self.policy = policy
        self.max_replans = max_replans
        self.max_steps_per_skill = max_steps_per_skill

    def run_episode(self, env, task: Task, expert_length: int | None = None,
                    on_step: Callable[[dict], None] | None = None) -> EpisodeLog:
        """Play `task` in `env` to the end and return its log. `on_step` sees each step
        record as it happens (the CLI draws frames with it)."""
        started = time.perf_counter()
        obs, info = env.reset(options={"task": task})
        reset_policy(self.policy, env)
        log = EpisodeLog(task=task.to_dict(), instruction=task.instruction, planner=self.planner.name,
                         policy=self.policy.name, goal_conditions=tuple(info["goal_conditions_met"]),
                         expert_length=expert_length)
        run = _Run(self, env, log, obs, info, on_step)
        run.play(task)
        log.wall_time_s = round(time.perf_counter() - started, 4)
        return log


class _Run:
    """One episode's bookkeeping."""

    def __init__(self, agent: Agent, env, log: EpisodeLog, obs, info, on_step):
        if getattr(agent.policy, "sensors", ()) and not isinstance(env, GoalSensors):  # the policy reads them
            env = GoalSensors(env)
            obs, info = env.sense(obs, info)
        self.agent, self.env, self.log = agent, env, log
        self.obs, self.info = obs, info
        self.on_step = on_step
        self.ended = False
        self.seen: dict[str, None] = dict.fromkeys(info["visible_objects"])

    def context(self, task: Task) -> PlanningContext:
        world = self.env.unwrapped.world
        return PlanningContext(instruction=task.instruction,
                               object_types=sorted({o.type.name for o in world.objects.values()}),
                               visible_objects=list(self.info["visible_objects"]), goal=task.goal, world=world)

    def play(self, task: Task) -> None:
        agent = self.agent
        try:
            plan = agent.planner.plan(task.instruction, self.context(task))
        except (PlanningError, PlanError) as e:
            self.fail("planner_error", f"planner: {e}", getattr(e, "kind", None))
            return self.stop()
        self.log.plans.append({"step": 0, "reason": "initial", "plan": plan.to_dict()})
        replans, completed = 0, []
        index = 0
        while index < len(plan.steps) and not self.ended:
            call = plan.steps[index]
            status, category, reason = self.run_skill(len(self.log.plans) - 1, index, call)
            if status == "done":
                completed.append(call)
                index += 1
                continue
            if self.ended:
                return
            if replans >= agent.max_replans:
                self.fail(category, reason)
                return self.stop()
            replans += 1
            feedback = Feedback(completed=list(completed), failed=call, reason=reason,
                                seen_objects=list(self.seen), context=self.context(task))
            try:
                plan = agent.planner.replan(feedback)
            except (PlanningError, PlanError) as e:
                self.fail("planner_error", f"re-planning after '{reason}': {e}", getattr(e, "kind", None))
                return self.stop()
            self.log.plans.append({"step": len(self.log.steps), "reason": f"{call} failed: {reason}",
                                   "plan": plan.to_dict()})
            index = 0
        if not self.ended:
            self.stop()
            if not self.log.success and self.log.failure_category is None:
                self.fail("goal_not_met", "the plan ended but not every goal condition is met")

    def run_skill(self, plan_index: int, index: int, call: SkillCall) -> tuple[str, str, str]:
        record = {"plan": plan_index, "index": index, "skill": str(call), "status": "running",
                  "reason": "", "start": len(self.log.steps), "end": None}
        self.log.skills.append(record)
        result = self._run_skill(index, call)
        record["status"], record["reason"], record["end"] = result[0], result[2], len(self.log.steps)
        return result

    def _run_skill(self, index: int, call: SkillCall) -> tuple[str, str, str]:
        world = self.env.unwrapped.world
        error = precondition_error(world, call)
        if error and call.skill not in ("PickupObject", "SliceObject", "PutObject"):
            return "failed", "interaction_failure", f"{call}: precondition failed: {error}"
        category = "navigation_failure" if call.skill == "GotoLocation" else "interaction_failure"
        if isinstance(self.env, GoalSensors):  # aim the goal sensors at this skill's target
            self.obs, self.info = self.env.set_goal_target(goal_target(call), self.obs, self.info)
        for _ in range(self.agent.max_steps_per_skill):
            step = self.agent.policy.act(self.obs, self.info, call)
            if step.done:
                if not is_done(world, call):  # a learned policy's word is checked, not trusted
                    return "failed", category, f"{call}: the policy ended the skill before its success test held"
                return "done", "", ""
            if step.failed:
                return "failed", category, f"{call}: {step.reason}"
            self.take(step.action, index, call)
            if self.ended:
                return "failed", self.log.failure_category or category, self.log.failure_reason
        return "failed", "skill_timeout", f"{call}: no success after {self.agent.max_steps_per_skill} steps"

    def take(self, action: Action, index: int | None, call: SkillCall | None) -> None:
        self.obs, reward, terminated, truncated, self.info = self.env.step(action)
        self.seen.update(dict.fromkeys(self.info["visible_objects"]))
        record = {"t": len(self.log.steps) + 1, "action": str(action), "success": self.info["last_action_success"],
                  "error": self.info["error_message"], "skill_index": index, "skill": str(call) if call else None,
                  "goal_conditions": list(self.info["goal_conditions_met"])}
        self.log.steps.append(record)
        self.log.goal_conditions = tuple(self.info["goal_conditions_met"])
        if self.on_step is not None:
            self.on_step(record)
        if terminated or truncated:
            self.ended = True
            self.log.success = bool(self.info["success"])
            if not self.log.success:
                if truncated:
                    self.fail("max_steps", f"the episode reached {self.env.unwrapped.max_steps} steps")
                elif self.info["failures"] >= self.env.unwrapped.max_failures:
                    self.fail("max_failures", f"{self.info['failures']} failed actions; last: {self.info['error_message']}")

    def stop(self) -> None:
        if not self.ended:
            self.take(Action("Stop"), None, None)

    def fail(self, category: str, reason: str, kind: str | None = None) -> None:
        if self.log.failure_category is None:
            self.log.failure_category, self.log.failure_reason, self.log.failure_kind = category, reason, kind
