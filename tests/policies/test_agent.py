"""The Agent's observer hook: an observer hears every plan, skill and step as the log
records them, in order; one that implements only some of the methods is fine; `on_step`
still gives each step's JSON."""

import gymnasium as gym

import errands
from errands.envs.tasks.task import Task
from errands.eval.suites import load_suite
from errands.planners import make_planner
from errands.policies import make_policy
from errands.policies.agent import Agent, AgentObserver


class Recorder(AgentObserver):
    def __init__(self):
        self.events = []

    def on_episode_start(self, log):
        self.log = log
        self.events.append(("start", len(log.steps)))

    def on_plan(self, record):
        self.events.append(("plan", record.step))

    def on_skill_start(self, record):
        self.events.append(("skill", record.index, record.start))

    def on_step(self, record):
        self.events.append(("step", record.t))

    def on_skill_end(self, record):
        self.events.append(("end", record.index, record.status, record.end))

    def on_episode_end(self, log):
        self.events.append(("over", len(log.steps)))


class StepsOnly:
    def __init__(self):
        self.actions = []

    def on_step(self, record):
        self.actions.append(record.action)


def test_an_observer_hears_the_episode_as_the_log_records_it():
    episode = max(load_suite("smoke").episodes, key=lambda e: e.expert_length or 0)
    task = Task.from_dict(episode.task)
    env = gym.make(errands.HOUSEHOLD_ENV_ID)
    recorder, steps_only, as_json = Recorder(), StepsOnly(), []
    agent = Agent(make_planner("oracle"), make_policy("expert"))
    log = agent.run_episode(env, task, observer=recorder, on_step=as_json.append)
    assert recorder.log is log and log.success
    expected = [("start", 0)] + [("plan", p.step) for p in log.plans]
    for skill in log.skills:
        expected.append(("skill", skill.index, skill.start))
        expected += [("step", t) for t in range(skill.start + 1, skill.end + 1)]
        expected.append(("end", skill.index, skill.status, skill.end))
    expected += [("step", len(log.steps)), ("over", len(log.steps))]  # the agent's own Stop
    assert recorder.events == expected
    assert as_json == [s.to_dict() for s in log.steps]
    again = agent.run_episode(env, task, observer=steps_only)
    assert steps_only.actions == [s.action for s in log.steps] == [s.action for s in again.steps]
