"""HouseholdVectorEnv(start_pool=P) against the scalar env: a world that starts from pool
slot k plays the task HouseholdEnv samples for the slot's seed (pool_seed + k, or with
pool_refresh the later seed that rebuilt it), so scalar envs reset with those seeds must give identical observations, rewards, terminations, truncations
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
    assert list(vector.start_slots) == [i % vector.start_pool for i in range(vector.num_envs)]
    assert list(vector.start_seeds) == [seed + int(k) for k in vector.start_slots]
    assert_same_step(result, scalar.reset(seed=vector.start_seeds.tolist()), -1)
    obs, info = result
    slots, seeds, ends, rewards, acted = set(), set(), 0, 0, 0
    for t in range(steps):
        actions = choose(info)
        result = vector.step(actions)
        for twin, start_seed in zip(scalar.envs, vector.start_seeds):
            twin.next_seed = int(start_seed)
        assert_same_step(result, scalar.step(per_env(actions)), t)
        obs, reward, terminated, truncated, info = result
        slots.update(vector.start_slots.tolist())
        seeds.update(vector.start_seeds.tolist())
        ends += int((terminated | truncated).sum())
        rewards += int(reward.sum())
        acted += sum(obj is not None for obj in info["last_action_object"])
    return {"slots": len(slots), "seeds": seeds, "ends": ends, "rewards": rewards, "acted": acted}


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


def test_a_refreshed_pool_rebuilds_its_oldest_slot_every_r_starts_with_the_next_seeds_task():
    """pool_refresh=2: every second start from the pool rebuilds the oldest slot with the
    task of seed 20 + 3, 20 + 4, ... in turn, and worlds started from rebuilt slots play
    as the scalar env plays those seeds."""
    n, pool, seed = 4, 3, 20
    vector = HouseholdVectorEnv(num_envs=n, full_info=True, start_pool=pool, pool_refresh=2)
    counts = play_from_pool(vector, slot_twins(n), aimed_or_random(vector, np.random.default_rng(5), 0.5), 300,
                            seed=seed)
    rebuilt = vector._pool.refreshed
    assert counts["ends"] >= 3 * n and rebuilt >= 2 * pool
    # Every start from the pool (the first n of reset(seed) included) counted once.
    assert rebuilt == (n + counts["ends"]) // 2
    assert vector._pool.next_seed == seed + pool + rebuilt
    assert sorted(vector._pool.seeds) == list(range(seed + rebuilt, seed + pool + rebuilt))
    assert [task.task_id for task in vector._pool.fields["tasks"]] == [
        HouseholdEnv().reset(seed=int(s))[1]["task_id"] for s in vector._pool.seeds]
    assert len(counts["seeds"]) > pool  # worlds played tasks of rebuilt slots
    # The same seed gives the same episodes: a seeded reset builds the refreshed pool again.
    # The first n starts rebuilt slots 0 and 1 already.
    vector.reset(seed=seed)
    assert list(vector.start_seeds) == [20, 21, 22, 20]
    assert vector._pool.refreshed == 2 and list(vector._pool.seeds) == [23, 24, 22]


@pytest.mark.parametrize("refresh, error", [
    (-1, "pool_refresh must be an integer >= 0 \\(0: the pool's tasks stay\\), got -1"),
    (2.0, "pool_refresh must be an integer >= 0 \\(0: the pool's tasks stay\\), got 2.0"),
])
def test_a_bad_pool_refresh_is_refused(refresh, error):
    with pytest.raises(ValueError, match=error):
        HouseholdVectorEnv(num_envs=2, start_pool=4, pool_refresh=refresh)


def test_a_refresh_without_a_pool_is_refused():
    with pytest.raises(ValueError, match="pool_refresh=3 rebuilds slots of a start pool: give start_pool > 0 too"):
        HouseholdVectorEnv(num_envs=2, pool_refresh=3)


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
