"""The goal sensors of the household env: what a skill policy may know about the target
of the skill it runs, measured by the simulator and handed over in the observation,
declared in its space (habitat-lab's separation: sensors are pieces of their own that
read the simulator and say what they return; the policy reads only what they return).

- "point_goal", Box int64 (3,): the point-goal sensor, as Habitat's PointNav gives: where
  the furniture holding the target lies, ahead and to the right of the agent in grid
  cells (-16..16, clipped, stored + 17) and its height (0.5 m buckets, stored + 1); all
  three 0 while the sensor is off: no grounded target, or the target in hand.
- "goal_visible", Discrete(3): whether the target is among the objects the env reports
  visible and in reach (info["visible_objects"], an object detector's output): 0 no
  target (or it is in hand), 1 not visible, 2 visible; by id when the target is an
  object, else by type.
- info["goal_holders"]: for each object the skill is grounded to, that object and what
  holds it, innermost first (an apple in a closed fridge: the apple, then the fridge),
  so that a policy can aim an interaction at the skill's own object or its container.

The target is the running skill's. Whoever starts a skill tells the env, with
`GoalSensors.set_goal_target(target, observation, info)`, which returns the observation
and info in hand (made for the previous target) with this target's readings; from then
on every step reads it, until the next skill or a reset (which turns the sensors off).
A `GoalTarget` is an object id or a type: how a skill call maps to one is the policy's
business (policies/features.goal_target), not the simulator's.

`GoalSensors(env)` wraps any household env (a `HouseholdEnv`, or one from
`gym.make("errands/Household-v0")`), so an env built elsewhere gains the sensors when a
policy asks for them (the Agent wraps its env for a policy that declares `sensors`);
the env alone keeps its observation space.
"""

from __future__ import annotations

from dataclasses import dataclass

import gymnasium as gym
import numpy as np
from gymnasium import spaces

from .object_types import types_named
from .scene import heading_step

GOAL_RANGE = 16  # the point-goal sensor reads offsets in -16..16 cells (clipped)
GOAL_HEIGHTS = 5  # height buckets of 0.5 m
GOAL_SENSOR_KEYS = ("point_goal", "goal_visible")
NOT_VISIBLE, VISIBLE = 1, 2
OFF = (0, 0, 0)


@dataclass(frozen=True)
class GoalTarget:
    """What the sensors measure: the object `object_id` when the skill is grounded, else
    the nearest visible object of type `type_name`; `grounded_ids` are all the objects the
    skill is grounded to (info["goal_holders"] follows each). Neither field set: no
    target (the sensors read 0)."""

    object_id: str | None = None
    type_name: str | None = None
    grounded_ids: tuple[str, ...] = ()

    def __post_init__(self):
        if self.object_id is not None and self.type_name is not None:
            raise ValueError(f"a goal target is an object id or a type, not both: got {self.object_id!r} "
                             f"and {self.type_name!r}")


def point_goal(world, target: GoalTarget | None) -> tuple[int, int, int]:
    """(ahead, right, height) codes of the point-goal sensor, (0, 0, 0) when it is off."""
    oid = target.object_id if target is not None else None
    if not oid or oid not in world.objects or oid == world.held:
        return OFF
    root = world.root_fixed(oid)
    if root is None:
        return OFF
    x, y, z = root.position
    row, col = world.scene.xz_cell(x, z)
    a = world.agent
    dr, dc = row - a.row, col - a.col
    fr, fc = heading_step(a.heading)
    rr, rc = heading_step((a.heading + 90) % 360)
    ahead = int(np.clip(dr * fr + dc * fc, -GOAL_RANGE, GOAL_RANGE))
    right = int(np.clip(dr * rr + dc * rc, -GOAL_RANGE, GOAL_RANGE))
    height = int(np.clip(y // 0.5, 0, GOAL_HEIGHTS - 1))
    return ahead + GOAL_RANGE + 1, right + GOAL_RANGE + 1, height + 1


def goal_visible(world, target: GoalTarget | None) -> int:
    """0: no target or it is in hand, 1: not in view, 2: in view."""
    if target is None:
        return 0
    if target.object_id is not None:
        oid = target.object_id
        if oid not in world.objects or oid == world.held:
            return 0
        return VISIBLE if oid in world.visible_ids() else NOT_VISIBLE
    if target.type_name is None:
        return 0
    names = types_named(target.type_name)
    held = world.objects[world.held].type.name if world.held else None
    if held in names:
        return 0
    shown = any(world.objects[o].type.name in names for o in world.visible_ids())
    return VISIBLE if shown else NOT_VISIBLE


def goal_holders(world, target: GoalTarget | None) -> tuple[tuple[str, ...], ...]:
    """For each grounded object of the target, its id and the ids of what holds it,
    innermost first (empty for an object that no longer exists)."""
    chains = []
    for oid in target.grounded_ids if target is not None else ():
        chain = []
        while oid and oid in world.objects:
            chain.append(oid)
            oid = world.objects[oid].parent
        chains.append(tuple(chain))
    return tuple(chains)


SENSOR_SPACES = {
    "point_goal": spaces.Box(0, np.array([2 * GOAL_RANGE + 1, 2 * GOAL_RANGE + 1, GOAL_HEIGHTS]), (3,),
                             dtype=np.int64),
    "goal_visible": spaces.Discrete(3),
}


class GoalSensors(gym.Wrapper):
    """A household env whose observation also holds the goal sensors' readings (and
    whose info holds "goal_holders") for the target set with `set_goal_target`."""

    def __init__(self, env: gym.Env):
        super().__init__(env)
        base = env.observation_space
        if not isinstance(base, spaces.Dict) or "pose" not in base.spaces:
            raise ValueError(f"GoalSensors wraps a household env (a Dict observation with 'pose'), got {base}")
        clash = [key for key in GOAL_SENSOR_KEYS if key in base.spaces]
        if clash:
            raise ValueError(f"the env already observes {clash}: wrap it with GoalSensors once")
        self.observation_space = spaces.Dict({**base.spaces, **SENSOR_SPACES})
        self.target: GoalTarget | None = None

    def reset(self, **kwargs):
        observation, info = self.env.reset(**kwargs)
        self.target = None
        return self.sense(observation, info)

    def step(self, action):
        observation, reward, terminated, truncated, info = self.env.step(action)
        observation, info = self.sense(observation, info)
        return observation, reward, terminated, truncated, info

    def set_goal_target(self, target: GoalTarget | None, observation: dict, info: dict) -> tuple[dict, dict]:
        """Measure `target` from now on (None: the sensors off); returns `observation`
        and `info` of the current state with its readings."""
        if target is not None and not isinstance(target, GoalTarget):
            raise TypeError(f"a goal target is a GoalTarget or None, got {target!r}")
        self.target = target
        return self.sense(observation, info)

    def sense(self, observation: dict, info: dict) -> tuple[dict, dict]:
        """`observation` and `info` of the current state with the sensors' readings added."""
        world = self.env.unwrapped.world
        readings = {"point_goal": np.array(point_goal(world, self.target), dtype=np.int64),
                    "goal_visible": goal_visible(world, self.target)}
        return {**observation, **readings}, {**info, "goal_holders": goal_holders(world, self.target)}
