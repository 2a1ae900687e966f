"""Live episodes: an agent plays in a background thread while the browser watches,
pauses it, steps it, or takes over with the keyboard.

The thread runs the ordinary Agent loop. Its skill policy is wrapped so that each
primitive action waits for its turn at a gate (playing at a chosen speed, paused, or
allowed one step), and the env is wrapped so that stepping it and drawing it never
overlap. Every step becomes an event (the step, the plans with their skills' timelines,
the goal checklist) that the page receives as Server-Sent Events; the pictures are
drawn on request from the env's current state.

Taking manual control ends the agent's part: the gate raises in the agent's thread, the
log so far is kept, and from then on each action the page sends is one env step, until
Stop, the tenth failed action or the step limit ends the episode.
"""

from __future__ import annotations

import argparse
import itertools
import threading
import time
import traceback

import gymnasium as gym

from ..envs.actions import Action
from ..envs.household.object_types import TYPE_NAMES
from ..envs.household_env import HouseholdEnv
from ..envs.tasks.task import Task
from ..episode_log import EpisodeLog
from ..policies.agent import Agent, _Run
from .checklist import goal_checklist
from .frames import DEFAULT_RESOLUTION, png_bytes, render_view
from .replay import plans_with_timelines

SOURCES = ("instruction", "suite", "random")
MAX_SESSIONS = 4
MANUAL_SKILL = "manual control"


class _TakeOver(Exception):
    """Raised in the agent's thread: manual control replaces the agent."""


class _Closed(Exception):
    """Raised in the agent's thread: the session was closed."""


# --- the task a live episode plays ------------------------------------------------------

def task_from_form(form: dict, layouts_dir: str | None = None) -> tuple[Task, int, int | None]:
    """(task, seed, expert length) from the live form: an instruction (its goal read from
    the words, in a given scene or the first one that can host it), a suite's episode, or
    a random task. The instruction goes through the same function as `errands run`."""
    from ..cli import _task_from_args

    source = form.get("source", "instruction")
    if source not in SOURCES:
        raise ValueError(f"unknown task source {source!r}: expected one of {', '.join(SOURCES)}")
    seed = _integer(form.get("seed", 0), "seed")
    if source == "suite":
        from ..eval.packaged_suites import PACKAGED_SUITES
        from ..eval.suites import load_suite

        name = str(form.get("suite", ""))
        if name not in PACKAGED_SUITES:  # a name only: a request never names a file to read
            raise ValueError(f"unknown suite {name!r}: expected one of {', '.join(PACKAGED_SUITES)}")
        suite = load_suite(name, layouts_dir)
        wanted = str(form.get("episode", ""))
        episode = next((e for e in suite.episodes if e.id == wanted), None)
        if episode is None:
            raise ValueError(f"suite {suite.name!r} has no episode {wanted!r}")
        return Task.from_dict(episode.task), int(episode.seed), episode.expert_length
    instruction = str(form.get("instruction") or "").strip()
    if source == "instruction" and not instruction:
        raise ValueError("type an instruction, e.g. 'put a washed apple in the fridge'")
    scene = str(form.get("scene") or "").strip() or None
    args = argparse.Namespace(tasks=None, index=0, seed=seed, random=source == "random",
                              split=str(form.get("split") or "seen"), scene=scene, layouts=layouts_dir,
                              task_type=None, object=None, parent=None, sliced=False, movable=None,
                              instruction=instruction or None)
    return _task_from_args(args), seed, None


def _integer(value, name: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be an integer, got {value!r}") from None


# --- the pieces around the agent ------------------------------------------------------

class WatchedAgent(Agent):
    """An Agent whose log can be read while it plays. The steps are Agent.run_episode's
    (it plays through the same _Run); only the log is kept on `self.log` as it grows, so
    the live page can show the plans and skill records in progress."""

    log: EpisodeLog | None = None

    def run_episode(self, env, task: Task, expert_length: int | None = None, on_step=None) -> EpisodeLog:
        started = time.perf_counter()
        obs, info = env.reset(options={"task": task})
        self.policy.reset(env)
        self.log = EpisodeLog(task=task.to_dict(), instruction=task.instruction, planner=self.planner.name,
                              policy=self.policy.name, goal_conditions=tuple(info["goal_conditions_met"]),
                              expert_length=expert_length)
        try:
            _Run(self, env, self.log, obs, info, on_step).play(task)
        finally:
            self.log.wall_time_s = round(time.perf_counter() - started, 4)
        return self.log


class _SharedEnv(gym.Wrapper):
    """The env behind a lock: the agent's thread steps it while request threads draw it."""

    def __init__(self, env, lock: threading.Lock):
        super().__init__(env)
        self.lock = lock

    def reset(self, **kwargs):
        with self.lock:
            return self.env.reset(**kwargs)

    def step(self, action):
        with self.lock:
            return self.env.step(action)


class _GatedPolicy:
    """The session's skill policy: each primitive action waits at the session's gate."""

    def __init__(self, policy, session: LiveSession):
        self.policy, self.session = policy, session
        self.name = policy.name

    def reset(self, env) -> None:
        self.policy.reset(env)
        self.session._announce_start()

    def act(self, observation, info, call):
        step = self.policy.act(observation, info, call)
        if step.action is not None:
            self.session._wait_for_turn()
        return step

    def __getattr__(self, name):  # seed() and anything else the policy offers
        return getattr(self.policy, name)


# --- one live episode -----------------------------------------------------------------------

class LiveSession:
    def __init__(self, session_id: str, task: Task, planner: str, policy: str, seed: int = 0,
                 expert_length: int | None = None, layouts_dir: str | None = None, paused: bool = False,
                 speed: float = 0.0, resolution: int = DEFAULT_RESOLUTION):
        from ..planners import make_planner
        from ..policies import make_policy

        self.id, self.task, self.seed, self.expert_length = session_id, task, seed, expert_length
        self.resolution = resolution
        self.env_lock = threading.Lock()
        self.env = _SharedEnv(HouseholdEnv(layouts_dir=layouts_dir), self.env_lock)
        self.agent = WatchedAgent(make_planner(planner), _GatedPolicy(make_policy(policy), self))
        self.cond = threading.Condition()
        self.events: list[dict] = []
        self.status = "starting"  # running, paused, manual, ended, closed, error
        self.paused, self.step_credit, self.speed = paused, 0, self.check_speed(speed)
        self.closed = self.takeover = False
        self._next_turn = 0.0
        self._announced_pause = False
        self.log: EpisodeLog | None = None
        self.error = ""
        self.thread = threading.Thread(target=self._play, name=f"live-{session_id}", daemon=True)

    @staticmethod
    def check_speed(speed) -> float:
        try:
            value = float(speed)
        except (TypeError, ValueError):
            value = -1.0
        if value < 0:
            raise ValueError(f"speed must be steps per second >= 0 (0 = as fast as possible), got {speed!r}")
        return value

    def start(self) -> LiveSession:
        self.thread.start()
        return self

    @property
    def done(self) -> bool:
        return self.status in ("ended", "closed", "error")

    # --- the agent's thread -------------------------------------------------------------

    def _play(self) -> None:
        from ..eval.episode_job import _seed_everything

        try:
            _seed_everything(self.seed, self.env, self.agent)
            log = self.agent.run_episode(self.env, self.task, expert_length=self.expert_length, on_step=self._on_step)
            with self.cond:
                self.log = log
                self.status = "ended"
                self._emit(self._state())
        except _TakeOver:
            with self.cond:
                self._begin_manual()
        except _Closed:
            with self.cond:
                self.status = "closed"
                self._emit({"status": "closed"})
        except Exception as e:  # noqa: BLE001 - the page shows what went wrong
            with self.cond:
                self.error = f"{type(e).__name__}: {e}"
                self.status = "error"
                self._emit({"status": "error", "error": self.error, "traceback": traceback.format_exc(limit=8)})

    def _announce_start(self) -> None:
        """The env has been reset: the page can show step 0."""
        with self.cond:
            self.status = "paused" if self.paused else "running"
            self._emit(self._state())

    def _on_step(self, record: dict) -> None:
        with self.cond:
            self._emit(self._state(record))

    def _wait_for_turn(self) -> None:
        """Block until the next action may be taken (called in the agent's thread)."""
        with self.cond:
            while True:
                if self.closed:
                    raise _Closed()
                if self.takeover:
                    raise _TakeOver()
                if not self.paused:
                    wait = self._next_turn - time.monotonic()
                    if wait <= 0:
                        break
                    self.cond.wait(wait)
                    continue
                if self.step_credit > 0:
                    self.step_credit -= 1
                    break
                if not self._announced_pause:  # show the plan while waiting, also before the first action
                    self._announced_pause = True
                    self.status = "paused"
                    self._emit(self._state())
                self.cond.wait()
            self._announced_pause = False
            self.status = "running"
            self._next_turn = time.monotonic() + (1.0 / self.speed if self.speed else 0.0)

    # --- state and events (callers hold self.cond) ------------------------------------------

    def _state(self, record: dict | None = None) -> dict:
        world = self.env.unwrapped.world
        log = self.log or self.agent.log
        checklist = goal_checklist(self.task.goal, world) if world is not None else []
        state = {"status": self.status, "instruction": self.task.instruction,
                 "t": self.env.unwrapped.steps if world is not None else 0, "step": record,
                 "plans": plans_with_timelines(log.plans, log.skills) if log else [],
                 "checklist": [{"text": text, "met": met} for text, met in checklist],
                 "goal_conditions": list(log.goal_conditions) if log else [0, len(checklist)]}
        if self.done and self.log is not None:
            state["outcome"] = outcome(self.log)
        return state

    def _emit(self, event: dict) -> None:
        event = {"n": len(self.events), "id": self.id, "mode": self.mode(), **event}
        self.events.append(event)
        self.cond.notify_all()

    def mode(self) -> dict:
        return {"paused": self.paused, "speed": self.speed, "manual": self.status == "manual"}

    # --- requests from the page ------------------------------------------------------------

    def control(self, command: str, speed=None) -> None:
        """play, pause, step (one action while paused), speed, takeover, close."""
        with self.cond:
            if command == "close":
                self.closed = True
                if self.status == "manual":
                    self.status = "closed"
                    self._emit({"status": "closed"})
            elif self.done:
                raise ValueError(f"the episode has {self.status}: {command!r} does nothing now")
            elif command == "play":
                self.paused = False
            elif command == "pause":
                self.paused = True
            elif command == "step":
                self.paused = True
                self.step_credit += 1
            elif command == "speed":
                self.speed = self.check_speed(speed)
            elif command == "takeover":
                if self.status == "manual":
                    return
                self.takeover = True
            else:
                raise ValueError(f"unknown command {command!r}: expected play, pause, step, speed, takeover or close")
            if command in ("play", "pause", "speed") and self.status in ("running", "paused"):
                self._emit({"status": self.status})
            self.cond.notify_all()

    def _begin_manual(self) -> None:
        """The agent's thread has stopped: its running skill is marked as interrupted."""
        log = self.agent.log
        for record in log.skills:
            if record["status"] == "running":
                record.update(status="failed", reason="interrupted: manual control took over", end=len(log.steps))
        self.status = "manual"
        self._emit(self._state())

    def manual_action(self, text: str) -> dict:
        """Take one primitive action under manual control; returns its step record."""
        try:
            action = Action.parse(str(text).strip(), TYPE_NAMES)
        except ValueError as e:
            raise ValueError(f"not an action: {e}") from None
        with self.cond:
            if self.status != "manual":
                raise ValueError(f"take manual control first (the episode is {self.status})")
            log = self.agent.log
            _, _, terminated, truncated, info = self.env.step(action)
            record = {"t": len(log.steps) + 1, "action": str(action), "success": info["last_action_success"],
                      "error": info["error_message"], "skill_index": None, "skill": MANUAL_SKILL,
                      "goal_conditions": list(info["goal_conditions_met"])}
            log.steps.append(record)
            log.goal_conditions = tuple(info["goal_conditions_met"])
            if terminated or truncated:
                self._end_manual(log, info, truncated)
            self._emit(self._state(record))
            return record

    def _end_manual(self, log: EpisodeLog, info: dict, truncated: bool) -> None:
        env = self.env.unwrapped
        log.success = bool(info["success"])
        log.failure_category = log.failure_reason = log.failure_kind = None
        if not log.success:
            if truncated:
                log.failure_category, log.failure_reason = "max_steps", f"the episode reached {env.max_steps} steps"
            elif info["failures"] >= env.max_failures:
                log.failure_category = "max_failures"
                log.failure_reason = f"{info['failures']} failed actions; last: {info['error_message']}"
            else:
                log.failure_category = "goal_not_met"
                log.failure_reason = "manual control stopped before every goal condition was met"
        log.failure_reason = log.failure_reason or ""
        self.log = log
        self.status = "ended"

    def events_since(self, since: int, timeout: float) -> list[dict]:
        """The events from number `since` on, waiting up to `timeout` s for one."""
        with self.cond:
            if since >= len(self.events) and not self.done:
                self.cond.wait(timeout)
            return self.events[since:]

    def frame_png(self, view: str) -> tuple[bytes, int]:
        """The current picture, and the step it shows."""
        with self.env_lock:
            env = self.env.unwrapped
            if env.world is None:
                raise LookupError("the episode has not started yet")
            return png_bytes(render_view(env, view, self.resolution)), env.steps

    def final_log(self) -> dict | None:
        with self.cond:
            return self.log.to_dict() if self.log is not None else None


def outcome(log: EpisodeLog) -> dict:
    met, total = log.goal_conditions
    return {"success": log.success, "failure_category": log.failure_category, "failure_reason": log.failure_reason,
            "steps": log.num_steps, "failures": log.num_failures, "goal_conditions": [met, total]}


# --- all live episodes of a server ------------------------------------------------------------

class LiveSessions:
    """The server's live episodes by id; starting one past the limit closes the oldest."""

    def __init__(self, layouts_dir: str | None = None, resolution: int = DEFAULT_RESOLUTION,
                 max_sessions: int = MAX_SESSIONS):
        self.layouts_dir, self.resolution, self.max_sessions = layouts_dir, resolution, max_sessions
        self._sessions: dict[str, LiveSession] = {}
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    def start(self, form: dict) -> LiveSession:
        from ..planners import PLANNERS

        planner = str(form.get("planner") or "oracle")
        if planner not in PLANNERS:
            raise ValueError(f"unknown planner {planner!r}: expected one of {', '.join(PLANNERS)}")
        policy = str(form.get("policy") or "expert")
        task, seed, expert_length = task_from_form(form, self.layouts_dir)
        with self._lock:
            session_id = f"live{next(self._ids)}"
        session = LiveSession(session_id, task, planner, policy, seed=seed, expert_length=expert_length,
                              layouts_dir=self.layouts_dir, paused=bool(form.get("paused")),
                              speed=form.get("speed", 0), resolution=self.resolution)
        with self._lock:
            while len(self._sessions) >= self.max_sessions:
                oldest = min(self._sessions, key=lambda k: (not self._sessions[k].done, int(k[4:])))
                self._sessions.pop(oldest).control("close")
            self._sessions[session_id] = session
        return session.start()

    def get(self, session_id: str) -> LiveSession:
        with self._lock:
            session = self._sessions.get(session_id)
        if session is None:
            raise KeyError(f"no live episode {session_id!r} (it ended long ago, or the server restarted)")
        return session

    def close_all(self, timeout: float = 2.0) -> None:
        with self._lock:
            sessions = list(self._sessions.values())
            self._sessions.clear()
        for session in sessions:
            session.control("close")
        for session in sessions:
            session.thread.join(timeout)
