"""HouseholdVectorEnv(start_pool=P) against the scalar env: a world that starts from pool
slot k plays the task HouseholdEnv samples for seed pool_seed + k, so scalar envs reset
with those seeds must give identical observations, rewards, terminations, truncations
and info (goal conditions included) step by step, across autoresets; and the
refusals the batch decides in NumPy are the scalar rules' (messages included)."""

import gymnasium as gym
import numpy as np
import pytest

import errands  # noqa: F401  (registers the envs)
from errands.envs.actions import ACTIONS, INTERACTION_ACTIONS
from errands.envs.household.object_types import TYPE_NAMES
from errands.envs.household_env import HouseholdEnv
from errands.envs.household_vector_env import HouseholdVectorEnv

from test_household_vector_env import AnyAction, assert_same_step, expert_actions, per_env


class SeededResets(gym.Wrapper):
    """A HouseholdEnv whose next reset without a seed uses `next_seed` (the seed of the
    pool slot its batch twin starts from)."""

    def __init__(self, env):
        super().__init__(env)
        self.next_seed = None

    def reset(self, *, seed=None, options=None):
        return self.env.reset(seed=self.next_seed if seed is None else seed, options=options)


def slot_twins(n: int, **kwargs):
    envs = gym.vector.SyncVectorEnv([lambda: SeededResets(HouseholdEnv(**kwargs)) for _ in range(n)])
    envs.action_space = gym.spaces.Tuple([AnyAction()] * n)
    return envs


def play_from_pool(vector, scalar, choose, steps: int, seed: int) -> dict:
    """Both from reset(seed) (world i from slot i mod P, its twin reset with that slot's
    seed) through `steps` steps; each world that starts again draws a slot, and its
    twin resets with the slot's seed."""
    result = vector.reset(seed=seed)
    pool_seed = vector._pool.seed
    assert list(vector.start_slots) == [i % vector.start_pool for i in range(vector.num_envs)]
    assert_same_step(result, scalar.reset(seed=[pool_seed + int(k) for k in vector.start_slots]), -1)
    obs, info = result
    slots, ends, rewards, acted = set(), 0, 0, 0
    for t in range(steps):
        actions = choose(info)
        result = vector.step(actions)
        for twin, slot in zip(scalar.envs, vector.start_slots):
            twin.next_seed = pool_seed + int(slot)
        assert_same_step(result, scalar.step(per_env(actions)), t)
        obs, reward, terminated, truncated, info = result
        slots.update(vector.start_slots.tolist())
        ends += int((terminated | truncated).sum())
        rewards += int(reward.sum())
        acted += sum(obj is not None for obj in info["last_action_object"])
    return {"slots": len(slots), "ends": ends, "rewards": rewards, "acted": acted}


def aimed_or_random(vector, rng, aimed: float):
    """Dict batches: each interaction aimed, with probability `aimed`, at the type of a
    random visible object, else at a random type (or none); other actions uniform."""
    n = vector.num_envs
    interactions = [ACTIONS.index(a) for a in INTERACTION_ACTIONS]

    def choose(info):
        action = rng.integers(len(ACTIONS), size=n)
        target = rng.integers(len(TYPE_NAMES) + 1, size=n)
        for i, visible in enumerate(info["visible_objects"]):
            if visible and rng.random() < aimed:
                action[i] = interactions[int(rng.integers(len(interactions)))]
                target[i] = TYPE_NAMES.index(visible[int(rng.integers(len(visible)))].split("|", 1)[0]) + 1
        return {"action": action, "target": target}

    return choose


def test_pooled_starts_play_as_the_scalar_env_plays_their_slots_task():
    n, pool = 6, 4  # slots repeat, and world 4 and 5 start from slots 0 and 1
    vector = HouseholdVectorEnv(num_envs=n, full_info=True, start_pool=pool)
    counts = play_from_pool(vector, slot_twins(n), aimed_or_random(vector, np.random.default_rng(2), 0.5), 400,
                            seed=30)
    assert counts["slots"] == pool and counts["ends"] >= 3 * n
    assert counts["acted"] >= 20  # interactions the rules carried out (the worlds changed), not only refusals


def test_expert_episodes_from_pooled_starts_play_as_in_the_scalar_env():
    """Each world plays the expert's episode of its slot's task (as strings, with object
    ids or types as the expert names them), episode after episode: rewarded ends."""
    n, pool = 5, 3
    vector = HouseholdVectorEnv(num_envs=n, full_info=True, start_pool=pool)
    vector.reset(seed=50)
    runs = expert_actions(list(vector._pool.fields["tasks"]))

    def choose(info):
        return [runs[slot][step] if step < len(runs[slot]) else "Stop"
                for slot, step in zip(vector.start_slots, info["steps"])]

    counts = play_from_pool(vector, slot_twins(n), choose, 3 * max(map(len, runs)), seed=50)
    assert counts["rewards"] >= 2 * n and counts["slots"] == pool


def test_pooled_starts_with_the_camera_play_as_the_scalar_env():
    n, kwargs = 3, {"observations": ("view", "rgb", "depth", "segmentation"), "resolution": 16}
    vector = HouseholdVectorEnv(num_envs=n, full_info=True, start_pool=2, **kwargs)
    counts = play_from_pool(vector, slot_twins(n, **kwargs), aimed_or_random(vector, np.random.default_rng(4), 0.6),
                            40, seed=12)
    assert counts["ends"] >= 1


def test_batched_refusals_give_the_rules_messages():
    """Without the pool too: refusals of every kind (nothing held, no target, no
    visible object of the type) with exactly the scalar rules' messages."""
    n = 5
    vector = HouseholdVectorEnv(num_envs=n, full_info=True)
    scalar = gym.vector.SyncVectorEnv([lambda: HouseholdEnv() for _ in range(n)])
    scalar.action_space = gym.spaces.Tuple([AnyAction()] * n)
    assert_same_step(vector.reset(seed=3), scalar.reset(seed=3), -1)
    put, pickup = ACTIONS.index("PutObject"), ACTIONS.index("PickupObject")
    actions = {"action": np.array([put, put, pickup, pickup, ACTIONS.index("OpenObject")]),
               "target": np.array([0, TYPE_NAMES.index("Fridge") + 1, 0, TYPE_NAMES.index("Toaster") + 1,
                                   TYPE_NAMES.index("Tomato") + 1])}
    result = vector.step(actions)
    assert_same_step(result, scalar.step(per_env(actions)), 0)
    errors = list(result[4]["error_message"])
    assert errors[:4] == ["PutObject failed: the agent holds nothing to put"] * 2 + [
        "PickupObject needs a target: an object type (such as 'Apple'), an object id or a pixel",
        "PickupObject failed: no Toaster is visible within 1.5 m"]
    assert not result[4]["last_action_success"].any()


def test_a_seeded_reset_rebuilds_the_pool_and_the_same_seed_gives_the_same_batch():
    def trace(env, seed):
        obs, info = env.reset(seed=seed)
        env.action_space.seed(seed)
        out = [obs["view"].tobytes(), obs["instruction"], tuple(info["task_id"])]
        for _ in range(40):
            obs, reward, terminated, truncated, info = env.step(env.action_space.sample())
            out.append((obs["view"].tobytes(), reward.tobytes(), tuple(info["task_id"]), env.start_slots.tobytes()))
        return out

    env = HouseholdVectorEnv(num_envs=4, start_pool=8)
    first = trace(env, 4)
    assert env._pool.seed == 4
    other = trace(env, 5)
    assert env._pool.seed == 5 and other != first
    assert trace(env, 4) == first == trace(HouseholdVectorEnv(num_envs=4, start_pool=8), 4)
    # World i's first task after reset(seed=s) is the scalar env's for seed s + i, as without the pool.
    plain = HouseholdVectorEnv(num_envs=4)
    assert tuple(plain.reset(seed=4)[1]["task_id"]) == first[0 + 2]


@pytest.mark.parametrize("size", [-1, 1.5, "8"])
def test_a_bad_pool_size_is_refused(size):
    with pytest.raises(ValueError, match=f"start_pool must be an integer >= 0 \\(0: no pool\\), got {size!r}"):
        HouseholdVectorEnv(num_envs=2, start_pool=size)


def test_pooled_starts_on_floor_plans_play_as_the_scalar_env(alfred_dir):
    """ALFRED's floor plans (whose walkable grid may be split, so that some cells are in
    no pose table) from the pool, interactions aimed and random."""
    n, kwargs = 4, {"scenes": "alfred_floorplans", "layouts_dir": str(alfred_dir / "layouts")}
    vector = HouseholdVectorEnv(num_envs=n, full_info=True, start_pool=3, **kwargs)
    counts = play_from_pool(vector, slot_twins(n, **kwargs), aimed_or_random(vector, np.random.default_rng(6), 0.5),
                            200, seed=8)
    assert counts["ends"] >= n and counts["acted"] >= 5
