"""Playing a camera policy through one episode under ALFRED's RGB-only protocol, with the
interpreter planner reading the words alone, and recording what the policy was handed at
every step. tests/ is on the import path through its conftest."""

from __future__ import annotations

from errands.planners.interpreter.planner import InterpreterPlanner
from errands.policies.agent import Agent

GIVEN_OBSERVATION = {"instruction", "rgb"}  # what a policy may be handed under "rgb"
GIVEN_INFO = {"last_action_success", "steps", "failures"}


def play_under_rgb(policy, env, task, **agent_options):
    """(the EpisodeLog, [(observation keys, info keys, call ids)] per act call)."""
    given = []
    original = policy.act

    def act(observation, info, call):
        given.append((set(observation), set(info), call.ids))
        return original(observation, info, call)

    policy.act = act
    planner = InterpreterPlanner(reader="combined", plan_from="words")
    log = Agent(planner, policy, protocol="rgb", **agent_options).run_episode(env, task)
    return log, given


def handed_only_the_frame_and_words(given) -> bool:
    """Every act call got the frame and the words, its own action's success at most, no ids."""
    return bool(given) and all(obs == GIVEN_OBSERVATION and info <= GIVEN_INFO and ids is None
                               for obs, info, ids in given)
