"""The skill env, its SB3 wrapper, the SB3 policy on the skill network, and PPO runs."""

from __future__ import annotations

import json
import warnings
from functools import partial
from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="the RL tests need torch (pip install -e '.[test]')")
pytest.importorskip("stable_baselines3", reason="the RL tests need stable-baselines3 (pip install -e '.[test]')")

import gymnasium as gym  # noqa: E402

import errands  # noqa: E402, F401  (registers the envs)
from errands.envs.household_env import HouseholdEnv  # noqa: E402
from errands.envs.household.navigation import shortest_actions  # noqa: E402
from errands.train.skill_env import (EARLY_DONE_PENALTY, END_PENALTY, FAILED_ACTION_PENALTY,  # noqa: E402
                                    PROGRESS_REWARD, STEP_PENALTY, SUCCESS_BONUS, HouseholdSkillEnv,
                                    make_sb3_skill_env)
from errands.envs.skills import goto_poses, is_done  # noqa: E402
from errands.envs.tasks.sampler import TaskSampler  # noqa: E402
from errands.planners.oracle import OraclePlanner  # noqa: E402
from errands.policies import make_policy  # noqa: E402
from errands.policies.agent import Agent  # noqa: E402
from errands.policies.expert import ExpertSkillPolicy  # noqa: E402
from errands.policies.features import POLICY_ACTIONS, SKILL_DONE, action_label, household_spec  # noqa: E402
from errands.policies.features import household_vocabulary  # noqa: E402
from errands.policies.network import NetworkConfig, SkillPolicyNetwork, load_checkpoint, save_checkpoint  # noqa: E402
from errands.train.collect import collect  # noqa: E402
from errands.train.imitation import train  # noqa: E402
from errands.train.imitation_config import TrainConfig  # noqa: E402
from errands.train.ppo_model import build_ppo  # noqa: E402
from errands.train.rl import train_rl  # noqa: E402
from errands.train.rl_config import RLConfig  # noqa: E402
from errands.train.skill_evaluation import evaluate_skill  # noqa: E402

DONE = POLICY_ACTIONS.index(SKILL_DONE)
TINY_PPO = {"envs": 1, "vec_env": "dummy", "n_steps": 128, "batch_size": 64, "n_epochs": 1, "checkpoint_every": 128}


@pytest.fixture(scope="module")
def imitation_checkpoint(tmp_path_factory) -> Path:
    """A tiny behaviour-cloning checkpoint for the current features (its demonstrations
    are in the sibling folder demos/)."""
    root = tmp_path_factory.mktemp("rl-imitation")
    torch.set_num_threads(1)  # as train_rl does: more threads only oversubscribe a small CPU
    collect(root / "demos", 2, shard_size=2, seed=7, progress=False)
    return train(TrainConfig(datasets=[str(root / "demos")], out=str(root / "bc"), epochs=1, hidden=32, embed=8,
                             batch_size=8, val_fraction=0.0), progress=False)


def _goto_episode(env: HouseholdSkillEnv, min_actions: int = 2) -> list:
    """Reset to a GotoLocation episode whose target is not yet in view; the expert's actions."""
    expert = ExpertSkillPolicy()
    for seed in range(50):
        env.reset(seed=seed)
        expert.reset(env.household)
        actions = expert.actions_for(env.call)
        if len(actions) >= min_actions and not is_done(env.world, env.call):
            return actions
    raise AssertionError("no GotoLocation episode with a walk in 50 seeds")


def test_check_env_passes_on_the_sb3_wrapper_and_gymnasium_on_the_env():
    from gymnasium.utils.env_checker import check_env as gym_check_env
    from stable_baselines3.common.env_checker import check_env

    env = make_sb3_skill_env()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        check_env(env)
    assert [str(w.message) for w in caught] == []
    obs, _ = env.reset(seed=0)
    assert set(obs) == {"grid", "extras", "text"}
    assert obs["text"][0] == household_vocabulary().index["gotolocation"]
    gym_check_env(gym.make("errands/HouseholdSkill-v0").unwrapped, skip_render_check=True)


def test_subproc_vec_env_steps_two_skill_envs():
    from stable_baselines3.common.vec_env import SubprocVecEnv

    venv = SubprocVecEnv([partial(make_sb3_skill_env, skills="any")] * 2, start_method="spawn")
    try:
        venv.seed(3)
        obs = venv.reset()
        assert obs["grid"].shape == (2, 9 * 9 * 4) and obs["text"].shape == (2, 8)
        rng = np.random.default_rng(0)
        for _ in range(20):
            actions = np.stack([[rng.integers(5), 0], [rng.integers(DONE + 1), rng.integers(1, 10)]])
            obs, rewards, dones, infos = venv.step(actions)
            assert rewards.shape == (2,) and len(infos) == 2
    finally:
        venv.close()


def test_the_expert_earns_progress_then_the_success_bonus():
    env = HouseholdSkillEnv()
    actions = _goto_episode(env)
    for action in actions:
        before = env._left
        _, reward, terminated, truncated, info = env.step(np.array(action_label(action)))
        assert info["actions_left"] == before - 1
        assert reward == pytest.approx(PROGRESS_REWARD - STEP_PENALTY)  # +0.09 an expert action
        assert not (terminated or truncated) and "is_success" not in info
    _, reward, terminated, _, info = env.step(np.array([DONE, 0]))
    assert reward == pytest.approx(SUCCESS_BONUS - STEP_PENALTY) and terminated and info["is_success"] is True


def test_failed_actions_turning_away_and_an_early_done_cost_what_the_docs_say():
    env = HouseholdSkillEnv()
    _goto_episode(env)
    left = env._left
    assert left == len(shortest_actions(env.world.scene, env.world.agent, goto_poses(env.world, env.call)))
    _, reward, *_ = env.step(np.array([POLICY_ACTIONS.index("PickupObject"), 0]))  # no target: refused
    assert reward == pytest.approx(-STEP_PENALTY - FAILED_ACTION_PENALTY)
    _, reward, _, _, info = env.step(np.array([POLICY_ACTIONS.index("RotateLeft"), 0]))
    assert reward == pytest.approx(-STEP_PENALTY + PROGRESS_REWARD * (left - info["actions_left"]))
    _, reward, terminated, _, info = env.step(np.array([DONE, 0]))  # too early: penalised, and it goes on
    assert reward == pytest.approx(-STEP_PENALTY - EARLY_DONE_PENALTY) and not terminated
    assert "is_success" not in info
    env.reset(seed=0)
    _, reward, terminated, _, info = env.step(np.array([POLICY_ACTIONS.index("Stop"), 0]))
    assert reward == pytest.approx(-STEP_PENALTY - END_PENALTY) and terminated and info["is_success"] is False


def test_episodes_are_seeded_cut_at_the_step_budget_and_bad_input_is_named():
    a, b = HouseholdSkillEnv(max_steps=3), HouseholdSkillEnv(max_steps=3)
    assert str(a.reset(seed=5)[1]["task_id"]) == str(b.reset(seed=5)[1]["task_id"]) and a.call == b.call
    for _ in range(3):
        _, _, terminated, truncated, info = a.step(np.array([POLICY_ACTIONS.index("RotateLeft"), 0]))
    assert truncated and not terminated and info["is_success"] is False
    with pytest.raises(ValueError, match="out of range"):
        a.step(np.array([DONE + 1, 0]))
    with pytest.raises(ValueError, match="unknown skills"):
        HouseholdSkillEnv(skills="Teleport")
    for skill in ("PickupObject", "PutObject"):
        env = HouseholdSkillEnv(skills=skill)
        env.reset(seed=1)
        assert env.call.skill == skill


def test_perturbed_starts_leave_the_expert_path_the_same_way_for_the_same_seed():
    plain, a, b = HouseholdSkillEnv(), HouseholdSkillEnv(detour_steps=6), HouseholdSkillEnv(detour_steps=6)
    moved = 0
    for seed in range(8):
        plain.reset(seed=seed)
        a.reset(seed=seed)
        b.reset(seed=seed)
        assert a.call == plain.call and a.world.agent == b.world.agent  # the same skill, the same detour
        assert a._left == len(shortest_actions(a.world.scene, a.world.agent, goto_poses(a.world, a.call)))
        moved += a.world.agent != plain.world.agent
    assert moved >= 4  # 0 to 6 random moves and turns: most starts are elsewhere
    with pytest.raises(ValueError, match="detour_steps must be a non-negative integer, got -1"):
        HouseholdSkillEnv(detour_steps=-1)


def test_skill_episodes_in_alfreds_floor_plans(alfred_dir):
    from errands.envs.household.procedural import SEEN_SCENE_IDS

    env = HouseholdSkillEnv(skills="any", layouts_dir=str(alfred_dir / "layouts"))
    scenes = set()
    for seed in range(6):
        env.reset(seed=seed)
        scenes.add(env.task.scene)
        assert env.world.scene.name == env.task.scene
    assert scenes <= {f"FloorPlan{i}" for i in SEEN_SCENE_IDS} and len(scenes) >= 3
    assert RLConfig(layouts="L").env_kwargs()["layouts_dir"] == "L"


def test_the_policy_starts_with_the_checkpoint_weights_and_acts_like_the_network(imitation_checkpoint, tmp_path):
    config = RLConfig(out=str(tmp_path / "rl"), init=str(imitation_checkpoint), **TINY_PPO)
    model = build_ppo(config, make_sb3_skill_env())
    reference, _ = load_checkpoint(imitation_checkpoint)
    ours = model.policy.network.state_dict()
    assert set(ours) == set(reference.state_dict())
    for key, value in reference.state_dict().items():
        assert torch.equal(ours[key], value), key
    # three steps of the policy, each from the memory in its observation, are the network's
    # three steps over the episode with its recurrent memory
    env = model.get_env()
    env.seed(2)
    obs = env.reset()
    assert obs["memory"].shape == (1, reference.config.hidden) and not obs["memory"].any()
    seen, logits = [], []
    for _ in range(3):
        tensors, _ = model.policy.obs_to_tensor(obs)
        with torch.no_grad():
            logits.append(model.policy.action_net(model.policy.extract_features(tensors))[0])
        seen.append(obs)
        obs, _, dones, _ = env.step(np.array([[POLICY_ACTIONS.index("RotateLeft"), 0]]))
        assert not dones[0]
    assert obs["memory"].any()
    grid = torch.as_tensor(np.stack([o["grid"][0] for o in seen])).reshape(1, 3, *household_spec().grid_shape)
    extras = torch.as_tensor(np.stack([o["extras"][0] for o in seen]))[None]
    words = torch.as_tensor(seen[0]["text"][0][seen[0]["text"][0] > 0])[None]
    with torch.no_grad():
        action_logits, target_logits, _ = reference(grid, extras, words)
    expected = torch.cat([action_logits[0], target_logits[0]], dim=1)
    assert torch.allclose(torch.stack(logits), expected, atol=1e-5)


def test_the_memory_restarts_with_each_episode_and_goes_with_the_terminal_observation(imitation_checkpoint,
                                                                                     tmp_path):
    config = RLConfig(out=str(tmp_path / "rl"), init=str(imitation_checkpoint), **TINY_PPO)
    model = build_ppo(config, make_sb3_skill_env(max_steps=2))
    env = model.get_env()
    env.reset()
    rotate = np.array([[POLICY_ACTIONS.index("RotateLeft"), 0]])
    obs, _, dones, _ = env.step(rotate)
    first_memory = obs["memory"][0].copy()
    assert not dones[0] and first_memory.any()
    obs, _, dones, infos = env.step(rotate)  # the step budget: truncated, and the env starts a new episode
    terminal = infos[0]["terminal_observation"]
    assert dones[0] and infos[0]["TimeLimit.truncated"]
    assert terminal["memory"].any() and not np.array_equal(terminal["memory"], first_memory)
    assert not obs["memory"].any()


def test_the_action_distribution_counts_the_target_only_for_interactions():
    from errands.train.sb3_policy import SkillActionDistribution

    interaction = torch.tensor([name in ("PickupObject", "PutObject") for name in POLICY_ACTIONS])
    excluded = torch.tensor([name == "Stop" for name in POLICY_ACTIONS])
    dist = SkillActionDistribution([len(POLICY_ACTIONS), 5], interaction, excluded)
    dist.proba_distribution(torch.randn(3, len(POLICY_ACTIONS) + 5))
    move, pick = POLICY_ACTIONS.index("MoveAhead"), POLICY_ACTIONS.index("PickupObject")
    lp = dist.log_prob(torch.tensor([[move, 1], [move, 4], [pick, 2]]))
    assert lp[0] == pytest.approx(float(dist.distribution[0].log_prob(torch.tensor(move))[0]))
    assert dist.log_prob(torch.tensor([[move, 4]] * 3))[0] == pytest.approx(float(lp[0]))
    assert lp[2] == pytest.approx(float(dist.distribution[0].log_prob(torch.tensor(pick))[2]
                                        + dist.distribution[1].log_prob(torch.tensor(2))[2]))
    assert (dist.sample()[:, 1] != 0).all() and (dist.mode()[:, 1] != 0).all()  # "none" is never drawn
    assert dist.distribution[0].probs[:, POLICY_ACTIONS.index("Stop")].max() == 0  # nor is Stop
    p_aim = dist.distribution[0].probs[:, interaction].sum(1)
    assert torch.allclose(dist.entropy(), dist.distribution[0].entropy() + p_aim * dist.distribution[1].entropy())


def test_a_tiny_ppo_run_writes_a_checkpoint_the_agent_plays_and_resumes(imitation_checkpoint, tmp_path):
    out = tmp_path / "rl"
    demos = str(imitation_checkpoint.parent / "demos")
    config = RLConfig(out=str(out), init=str(imitation_checkpoint), total_steps=256, lr=1e-5, anchor_data=[demos],
                      **TINY_PPO)
    train_rl(config, progress=False)
    training = json.loads((out / "config.json").read_text())["training"]
    assert training["stage"] == "ppo" and training["skills"] == ["GotoLocation"]
    assert [row["timesteps"] for row in training["history"]] == [128, 256]
    assert all(row["anchor_bc_loss"] > 0 for row in training["history"])  # imitation steps after each update
    assert (out / "checkpoints" / "last" / "ppo.zip").is_file() and (out / "checkpoints" / "step-0000256").is_dir()
    assert any(p.is_file() for p in (out / "tensorboard").rglob("events.*"))

    policy = make_policy(str(out))
    task = TaskSampler(split="unseen").sample(np.random.default_rng([11, 0]))
    log = Agent(OraclePlanner(), policy).run_episode(HouseholdEnv(split="unseen"), task)
    assert log.steps and log.policy == str(out)
    result = evaluate_skill(out, episodes=2)
    assert result["episodes"] == 2 and 0 <= result["success_rate"] <= 1

    train_rl(RLConfig(out=str(out), init=str(imitation_checkpoint), total_steps=384, lr=1e-5, anchor_data=[demos],
                      **TINY_PPO), progress=False)  # resumes from checkpoints/last
    training = json.loads((out / "config.json").read_text())["training"]
    assert [row["timesteps"] for row in training["history"]] == [128, 256, 384]
    with pytest.raises(ValueError, match="lr: 1e-05 there, 0.001 now"):
        train_rl(RLConfig(out=str(out), init=str(imitation_checkpoint), total_steps=512, lr=1e-3,
                          anchor_data=[demos], **TINY_PPO), progress=False)


def test_with_validation_the_run_exports_the_checkpoint_that_solved_most_held_out_episodes(imitation_checkpoint,
                                                                                          tmp_path):
    from safetensors.torch import load_file

    from errands.train.skill_evaluation import VALIDATION_SEED

    out = tmp_path / "rl"
    config = RLConfig(out=str(out), init=str(imitation_checkpoint), total_steps=256, lr=1e-3, validation_episodes=3,
                      **TINY_PPO)
    train_rl(config, progress=False)
    training = json.loads((out / "config.json").read_text())["training"]
    validation = training["validation"]
    assert [v["timesteps"] for v in validation] == [0, 128, 256]  # the starting network first
    for v in validation:  # what each checkpoint solves of the same held-out episodes, replayed here
        replay = evaluate_skill(out / "checkpoints" / f"step-{v['timesteps']:07d}", episodes=3, split="seen",
                                skills="any", seed=VALIDATION_SEED)
        assert (v["successes"], v["episodes"]) == (replay["successes"], 3)
    best = max(validation, key=lambda v: (v["successes"], -v["timesteps"]))
    assert training["selected"] == best
    exported = load_file(out / "model.safetensors")
    chosen = load_file(out / "checkpoints" / f"step-{best['timesteps']:07d}" / "model.safetensors")
    assert exported.keys() == chosen.keys() and all(torch.equal(exported[k], chosen[k]) for k in exported)
    start = load_file(out / "checkpoints" / "step-0000000" / "model.safetensors")
    assert not all(torch.equal(start[k], chosen[k]) for k in start) or best["timesteps"] == 0
    with pytest.raises(ValueError, match="validation_episodes must be a non-negative integer, got -1"):
        RLConfig(validation_episodes=-1).validate()


def test_during_the_value_warm_up_only_the_value_head_learns(imitation_checkpoint, tmp_path):
    config = RLConfig(out=str(tmp_path / "rl"), init=str(imitation_checkpoint), total_steps=128, lr=1e-3,
                      value_warmup_steps=128, **TINY_PPO)
    train_rl(config, progress=False)
    reference = load_checkpoint(imitation_checkpoint)[0].state_dict()
    warmed = load_checkpoint(tmp_path / "rl")[0].state_dict()
    assert all(torch.equal(warmed[key], value) for key, value in reference.items())
    train_rl(RLConfig(**{**config.__dict__, "total_steps": 256}), progress=False)  # resumes past the warm-up
    tuned = load_checkpoint(tmp_path / "rl")[0].state_dict()
    assert not all(torch.equal(tuned[key], value) for key, value in reference.items())


def test_the_anchor_imitates_the_other_skills_or_with_anchor_trained_skills_every_skill(imitation_checkpoint):
    from errands.train.dataset import load_demonstrations
    from errands.train.imitation_anchor import ImitationAnchor

    demos = str(imitation_checkpoint.parent / "demos")
    network = load_checkpoint(imitation_checkpoint)[0]
    texts = load_demonstrations([demos]).texts
    others = [t for t in texts if not t.startswith("GotoLocation(")]
    assert 0 < len(others) < len(texts)
    for every, expected in ((False, others), (True, texts)):
        config = RLConfig(init=str(imitation_checkpoint), anchor_data=[demos], anchor_trained_skills=every)
        anchor = ImitationAnchor(config, network)
        assert [texts[i] for i in anchor.batches.segments] == expected


def test_a_checkpoint_for_other_observations_is_refused(tmp_path):
    other = SkillPolicyNetwork(NetworkConfig(household_spec(view_size=7), household_vocabulary().tokens, hidden=16))
    save_checkpoint(other, tmp_path / "seven")
    with pytest.raises(ValueError, match="other observations than the skill env gives"):
        build_ppo(RLConfig(out=str(tmp_path / "rl"), init=str(tmp_path / "seven"), **TINY_PPO), make_sb3_skill_env())
    with pytest.raises(ValueError, match="config envs must be a positive integer"):
        RLConfig.from_file(None, envs=0)
    with pytest.raises(ValueError, match="give init too"):
        RLConfig.from_file(None, anchor_data=["demos"])
    with pytest.raises(ValueError, match="value_warmup_steps must be a non-negative integer, got -1"):
        RLConfig.from_file(None, value_warmup_steps=-1)
