"""The visuomotor skill policy: demonstrations through the camera with the target's
pixels as labels, its network trained by the same BC and DAgger loops as the symbolic
one, checkpoints told apart by kind, and the policy playing under ALFRED's RGB-only
protocol with interactions aimed at pixels."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="the visuomotor tests need torch (pip install -e '.[test]')")

from errands.envs.actions import parse_pixel_target  # noqa: E402
from errands.envs.household_env import HouseholdEnv  # noqa: E402
from errands.envs.tasks.sampler import TaskSampler  # noqa: E402
from errands.planners.goal_skills import GoalSkillsPlanner  # noqa: E402
from errands.policies import make_policy, policy_kind  # noqa: E402
from errands.policies.agent import Agent  # noqa: E402
from errands.policies.expert import ExpertSkillPolicy  # noqa: E402
from errands.policies.features import POLICY_ACTIONS, SKILL_DONE  # noqa: E402
from errands.policies.network import CheckpointError, load_checkpoint  # noqa: E402
from errands.policies.visuomotor import VisuomotorSkillPolicy  # noqa: E402
from errands.protocols import protocol  # noqa: E402
from errands.train.collect import collect  # noqa: E402
from errands.train.dagger import train_dagger  # noqa: E402
from errands.train.dataset import load_demonstrations, read_manifest  # noqa: E402
from rgb_play import handed_only_the_frame_and_words, play_under_rgb  # noqa: E402
from errands.train.imitation import train  # noqa: E402
from errands.train.imitation_config import TrainConfig  # noqa: E402
from errands.train.recording import RecordingPolicy  # noqa: E402

torch.set_num_threads(1)  # more threads only oversubscribe a small shared CPU
TINY = {"network": "visuomotor", "epochs": 1, "hidden": 32, "channels": 8, "batch_size": 8, "val_fraction": 0.2}


@pytest.fixture(scope="module")
def camera_demos(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("camera-demos")
    collect(out, 4, shard_size=4, seed=3, camera=32, frames=True, planner="goal-skills", progress=False)
    return out


def test_camera_demonstrations_keep_frames_and_the_targets_pixels(camera_demos):
    manifest = read_manifest(camera_demos)
    assert manifest["frames"] == [32, 32, 3] and manifest["source"]["planner"] == "goal-skills"
    data = load_demonstrations([camera_demos])
    assert data.rgb.shape == (data.rows, 32, 32, 3) and data.rgb.dtype == np.uint8
    assert data.target_mask.shape == (data.rows, 128)
    pixels = np.unpackbits(data.target_mask, axis=1)
    aimed = data.target != 0
    assert aimed.any()
    # every interaction label's target is shown (the expert acts on what the frame shows); of the other labels
    # only GotoLocation's have pixels (its destination's, where the frame shows it)
    assert pixels[aimed].any(1).all()
    walking = np.repeat([t.startswith("GotoLocation(") for t in data.texts], data.lengths)
    assert not pixels[~aimed & ~walking].any() and pixels[walking].any()
    # the skills are the goal's, by object type (no furniture the oracle's search would choose)
    assert all("(" in text for text in data.texts)
    assert (data.action[data.starts + data.lengths - 1] == POLICY_ACTIONS.index(SKILL_DONE)).all()


def test_the_recorded_mask_is_the_segmentation_of_the_object_acted_on():
    env = HouseholdEnv(observations=("view", "rgb", "segmentation"), resolution=32)
    task = TaskSampler(split="seen").sample(np.random.default_rng([3, 0]))
    recorder = RecordingPolicy(ExpertSkillPolicy(), frames=True)
    acted = []  # (segmentation, its id table, the target id) of every interaction, as the step saw them
    original = recorder.act

    def act(observation, info, call):
        step = original(observation, info, call)
        if step.action is not None and step.action.is_interaction:
            acted.append((observation["segmentation"], env.segmentation_ids, step.action.target))
        return step

    recorder.act = act
    log = Agent(GoalSkillsPlanner(), recorder).run_episode(env, task)
    assert log.success, log.failure_reason
    interactions = [row for row in recorder.rows if row["target"] != 0]
    assert len(interactions) == len(acted) > 0
    for row, (seg, ids, target) in zip(interactions, acted):
        expected = seg == ids.index(target) + 1
        mask = np.unpackbits(np.frombuffer(row["target_mask"], np.uint8))[:32 * 32].reshape(32, 32).astype(bool)
        assert mask.any() and (mask == expected).all()


def test_bc_trains_the_visuomotor_network_and_its_checkpoint_is_told_apart(camera_demos, tmp_path):
    run = train(TrainConfig(datasets=[str(camera_demos)], out=str(tmp_path / "bc"), **TINY), progress=False)
    training = json.loads((run / "config.json").read_text())
    assert training["network"]["kind"] == "visuomotor" and training["network"]["frame_shape"] == [32, 32, 3]
    assert training["training"]["history"][0]["samples_per_s"] > 0
    assert policy_kind(str(run)) == "visuomotor"
    with pytest.raises(CheckpointError, match="holds a visuomotor network, not a symbolic one"):
        make_policy("learned", checkpoint=str(run))
    model, _ = load_checkpoint(run, expect_kind="visuomotor")
    assert sum(p.numel() for p in model.parameters()) < 400_000
    policy = make_policy(str(run))
    assert isinstance(policy, VisuomotorSkillPolicy)
    protocol("rgb").check(policy, "policy")
    with pytest.raises(KeyError, match="the observation lacks 'rgb'"):
        policy.act({"instruction": "x"}, {}, GoalSkillsPlanner().plan("x", _context()).steps[0])
    with pytest.raises(ValueError, match=r"the camera's frames are \(64, 64, 3\), the visuomotor network was trained on "
                                         r"\(32, 32, 3\)"):
        policy.act({"rgb": np.zeros((64, 64, 3), np.uint8)}, {}, GoalSkillsPlanner().plan("x", _context()).steps[0])
    with pytest.raises(ValueError, match="the visuomotor network learns from camera images"):
        train(TrainConfig(datasets=[str(_plain_demos(tmp_path))], out=str(tmp_path / "none"), **TINY), progress=False)


def _context():
    from errands.envs.tasks.goals import TaskGoal
    from errands.planners.base import PlanningContext

    return PlanningContext(instruction="x", goal=TaskGoal("pick_and_place_simple", "Apple", "Fridge"))


def _plain_demos(tmp_path: Path) -> Path:
    out = tmp_path / "plain"
    collect(out, 1, shard_size=1, seed=3, progress=False)
    return out


def test_dagger_rounds_of_the_visuomotor_policy_keep_frames(camera_demos, tmp_path):
    config = TrainConfig(datasets=[str(camera_demos)], out=str(tmp_path / "dagger"), dagger_rounds=1,
                         dagger_episodes=2, dagger_epochs=1, dagger_planner="goal-skills", **TINY)
    out = train_dagger(config, progress=False)
    round_data = read_manifest(out / "round-1" / "data")
    assert round_data["source"]["camera"] == 32 and round_data["frames"] == [32, 32, 3]
    assert round_data["source"]["actor"] == str(out / "round-0") and round_data["totals"]["rows"] > 0
    assert json.loads((out / "config.json").read_text())["network"]["kind"] == "visuomotor"


def test_a_visuomotor_policy_plays_under_the_rgb_protocol_aiming_at_pixels(camera_demos, tmp_path):
    """Frames, the RGB-only protocol and pixel targets line up in play: the policy is given
    the frame and its own action's success alone, every interaction it takes names a pixel,
    and a refused interaction is aimed elsewhere (never at the same pixel twice in a row)."""
    run = train(TrainConfig(datasets=[str(camera_demos)], out=str(tmp_path / "bc"), **TINY), progress=False)
    policy = make_policy(str(run), max_steps_per_skill=25)
    env = HouseholdEnv(observations=("rgb",), resolution=32)
    task = TaskSampler(split="seen").sample(np.random.default_rng([5, 0]))
    log, given = play_under_rgb(policy, env, task)
    assert handed_only_the_frame_and_words(given)
    aimed = [s.action.split()[1] for s in log.steps if len(s.action.split()) == 2]
    assert all(parse_pixel_target(target) is not None for target in aimed)
    for first, second in zip(log.steps, log.steps[1:]):
        if not first.success and " pixel:" in first.action and first.skill_index == second.skill_index \
                and first.skill == second.skill and first.action.split()[0] == second.action.split()[0]:
            assert first.action != second.action


def test_the_packaged_visuomotor_checkpoint_loads_and_plays_under_rgb():
    policy = make_policy("visuomotor")
    assert policy.frame_shape == (64, 64, 3) and policy.name == "visuomotor"
    protocol("rgb").check(policy, "policy")
    model, config = load_checkpoint(policy.checkpoint, expect_kind="visuomotor")
    assert config["training"]["stage"] == "dagger"
    assert (policy.checkpoint / "model.safetensors").stat().st_size < 2_000_000


def test_the_policy_does_not_repeat_a_refused_move_at_the_same_frame_nor_undo_a_turn(camera_demos, tmp_path):
    """Action head fixed to rank MoveAhead, then RotateLeft, then RotateRight above all else:
    a move refused at a frame is not taken there again (over the episode, across skills),
    and a turn is never undone at once."""
    run = train(TrainConfig(datasets=[str(camera_demos)], out=str(tmp_path / "bc"), **TINY), progress=False)
    policy = make_policy(str(run))
    head = policy.model.action_head
    with torch.no_grad():
        head.weight.zero_()
        head.bias.fill_(-10.0)
        for name, score in (("MoveAhead", 3.0), ("RotateLeft", 2.0), ("RotateRight", 1.0)):
            head.bias[policy.actions.index(name)] = score
    rng = np.random.default_rng(0)
    a, b, c = (rng.integers(0, 255, (32, 32, 3), dtype=np.uint8) for _ in range(3))
    plan = GoalSkillsPlanner().plan("x", _context()).steps
    ok, refused = {"last_action_success": True}, {"last_action_success": False}

    def names(policy, call, steps):
        return [policy.act({"rgb": frame}, info, call).action.name for frame, info in steps]

    assert names(policy, plan[0], [(a, ok), (a, refused), (b, ok), (b, refused), (a, ok), (c, ok)]) == \
        ["MoveAhead", "RotateLeft", "MoveAhead", "RotateLeft", "RotateLeft", "MoveAhead"]
    # (at a again after a turn: MoveAhead was refused there, and RotateRight would undo the turn)
    assert names(policy, plan[1], [(a, ok), (b, ok)]) == ["RotateLeft", "RotateLeft"]  # remembered across skills
    policy.reset(None)
    assert names(policy, plan[0], [(a, ok)]) == ["MoveAhead"]  # a new episode forgets
    plain = make_policy(str(run), retry_refused=True)
    plain.model.load_state_dict(policy.model.state_dict())
    assert names(plain, plan[0], [(a, ok), (a, refused), (a, refused)]) == ["MoveAhead"] * 3
