"""PPO through the camera: the skill env's RGB-only observations and pixel actions, the
visuomotor network as an SB3 policy (acting as the network does, with its memory), a
short real PPO run whose checkpoint the visuomotor policy plays under the rgb protocol,
and the errors for an init checkpoint that does not fit the observations."""

from __future__ import annotations

import json

import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="the RL tests need torch (pip install -e '.[test]')")
pytest.importorskip("stable_baselines3", reason="the RL tests need stable-baselines3 (pip install -e '.[test]')")

import errands  # noqa: E402, F401  (registers the envs)
from errands.envs.actions import parse_pixel_target  # noqa: E402
from errands.envs.household_env import HouseholdEnv  # noqa: E402
from errands.envs.tasks.sampler import TaskSampler  # noqa: E402
from errands.planners.interpreter.planner import InterpreterPlanner  # noqa: E402
from errands.policies import make_policy  # noqa: E402
from errands.policies.agent import Agent  # noqa: E402
from errands.policies.features import POLICY_ACTIONS, household_spec, household_vocabulary  # noqa: E402
from errands.policies.network import NetworkConfig, SkillPolicyNetwork, load_checkpoint, save_checkpoint  # noqa: E402
from errands.policies.visuomotor import default_checkpoint  # noqa: E402
from errands.policies.visuomotor_network import VisuomotorConfig, VisuomotorNetwork  # noqa: E402
from errands.train.ppo_model import build_ppo, make_vec_env  # noqa: E402
from errands.train.rl import train_rl  # noqa: E402
from errands.train.rl_config import RLConfig  # noqa: E402
from errands.train.sb3_policy import with_memory  # noqa: E402
from errands.train.sb3_visuomotor_policy import VisuomotorActorCriticPolicy, VisuomotorFeatures  # noqa: E402
from stable_baselines3 import PPO  # noqa: E402
from errands.train.skill_env import make_sb3_skill_env  # noqa: E402

TINY_PPO = {"envs": 1, "vec_env": "dummy", "n_steps": 128, "batch_size": 64, "n_epochs": 1, "checkpoint_every": 128}
STOP = POLICY_ACTIONS.index("Stop")


def test_the_camera_skill_env_gives_the_frame_the_words_and_the_previous_action_alone():
    env = make_sb3_skill_env(camera=32)
    obs, info = env.reset(seed=3)
    assert set(obs) == {"rgb", "text", "previous"}
    assert obs["rgb"].shape == (32 * 32 * 3,) and obs["rgb"].dtype == np.uint8 and obs["previous"].tolist() == [0]
    assert env.action_space.nvec.tolist() == [len(POLICY_ACTIONS), 32 * 32]
    skill_env = env.unwrapped
    assert skill_env.call.ids is None  # the plan names object types, as the RGB-only planners write them
    assert skill_env._target("PickupObject", 31 * 32 + 5) == "pixel:5,31"
    assert skill_env._target("MoveAhead", 7) is None
    obs, *_ = env.step(np.array([POLICY_ACTIONS.index("RotateLeft"), 0]))
    assert obs["previous"].tolist() == [1 + POLICY_ACTIONS.index("RotateLeft")]  # succeeded: 1 + its index
    with pytest.raises(ValueError, match="camera must be a resolution in pixels, a multiple of 8"):
        make_sb3_skill_env(camera=30)


def test_the_policy_acts_and_remembers_as_the_network_does():
    config = RLConfig(out="unused", init=str(default_checkpoint()), camera=64, **TINY_PPO)
    env = make_vec_env(config)
    model = build_ppo(config, env)
    policy = model.policy
    assert isinstance(policy, VisuomotorActorCriticPolicy)
    packaged, _ = load_checkpoint(default_checkpoint(), expect_kind="visuomotor")
    assert all(torch.equal(a, b) for a, b in zip(policy.network.state_dict().values(),
                                                 packaged.state_dict().values()))
    obs = model.env.reset()
    action, _ = policy.predict(obs, deterministic=True)
    tensors, _ = policy.obs_to_tensor(obs)
    with torch.no_grad():
        logits, pixels, state = packaged(tensors["rgb"].reshape(1, 1, 64, 64, 3), tensors["previous"].long().reshape(1, 1),
                                         tensors["text"].long(), tensors["memory"][None])
        logits[0, 0, STOP] = float("-inf")  # never drawn
        assert action.tolist() == [[int(logits[0, 0].argmax()), int(pixels[0, 0].argmax())]]
        assert torch.allclose(policy.next_memory(tensors), state[0], atol=1e-6)
    env.close()


def test_a_short_ppo_run_through_the_camera_saves_a_checkpoint_the_visuomotor_policy_plays(tmp_path):
    out = tmp_path / "rl-rgb"
    train_rl(RLConfig(out=str(out), init=str(default_checkpoint()), camera=64, total_steps=256, lr=1e-4,
                      **TINY_PPO), progress=False)
    saved = json.loads((out / "config.json").read_text())
    assert saved["network"]["kind"] == "visuomotor" and saved["training"]["protocol"] == "rgb"
    assert [row["timesteps"] for row in saved["training"]["history"]] == [128, 256]
    trained, _ = load_checkpoint(out, expect_kind="visuomotor")
    packaged, _ = load_checkpoint(default_checkpoint(), expect_kind="visuomotor")
    assert any(not torch.equal(a, b) for a, b in zip(trained.state_dict().values(), packaged.state_dict().values()))

    policy = make_policy(str(out), max_steps_per_skill=8)
    env = HouseholdEnv(observations=("rgb",), resolution=64)
    task = TaskSampler(split="unseen").sample(np.random.default_rng([11, 0]))
    log = Agent(InterpreterPlanner(reader="rules", plan_from="words"), policy, protocol="rgb").run_episode(env, task)
    assert log.steps and log.policy == str(out)
    aimed = [s.action.split()[1] for s in log.steps if len(s.action.split()) == 2]
    assert all(parse_pixel_target(target) is not None for target in aimed)


def test_an_init_checkpoint_that_does_not_fit_the_observations_is_refused(tmp_path):
    visuomotor = str(default_checkpoint())
    with pytest.raises(ValueError, match=r"is a visuomotor checkpoint \(it sees 64x64 camera frames\): train it "
                                         r"through the camera \(--camera 64\)"):
        build_ppo(RLConfig(out=str(tmp_path / "a"), init=visuomotor, **TINY_PPO), make_sb3_skill_env())
    with pytest.raises(ValueError, match=r"was trained on 64x64 camera frames, not the 32x32 of --camera 32: "
                                         r"give --camera 64"):
        build_ppo(RLConfig(out=str(tmp_path / "b"), init=visuomotor, camera=32, **TINY_PPO),
                  make_sb3_skill_env(camera=32))
    symbolic = SkillPolicyNetwork(NetworkConfig(household_spec(), household_vocabulary().tokens, hidden=16))
    save_checkpoint(symbolic, tmp_path / "symbolic")
    with pytest.raises(ValueError, match=r"is a symbolic checkpoint \(it reads the symbolic view and the goal "
                                         r"sensors, not the camera\): --camera 64 trains a visuomotor one"):
        build_ppo(RLConfig(out=str(tmp_path / "c"), init=str(tmp_path / "symbolic"), camera=64, **TINY_PPO),
                  make_sb3_skill_env(camera=64))
    fresh = VisuomotorNetwork(VisuomotorConfig(household_spec(), household_vocabulary().tokens,
                                               frame_shape=(32, 32, 3), hidden=16)).config.to_dict()
    with pytest.raises(ValueError, match=r"action space MultiDiscrete\(\[ 14 109\]\) does not match the network: "
                                         r"expected MultiDiscrete\(\[14, 1024\]\)"):
        PPO(VisuomotorActorCriticPolicy, with_memory(make_sb3_skill_env(), 16), policy_kwargs={"network": fresh})
    with pytest.raises(ValueError, match=r"observations lack \['rgb', 'previous', 'memory'\]: the visuomotor policy "
                                         r"takes the camera skill env's"):
        VisuomotorFeatures(make_sb3_skill_env().observation_space, fresh)
    with pytest.raises(ValueError, match=r"observation 'rgb' has shape \(12288,\); the visuomotor network expects "
                                         r"\(3072,\) \(frames of 32x32\)"):
        VisuomotorFeatures(with_memory(make_sb3_skill_env(camera=64), 16).observation_space, fresh)
    with pytest.raises(ValueError, match=r"camera must be a resolution in pixels, a multiple of 8 \(e.g. 64\), "
                                         r"got 65"):
        RLConfig(camera=65).validate()
    with pytest.raises(ValueError, match=r"with camera 64, the visuomotor network trains on scalar envs without an "
                                         r"imitation anchor or validation; drop vector \(4\)"):
        RLConfig(camera=64, vector=4).validate()
