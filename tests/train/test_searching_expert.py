"""The searching expert (the teacher of camera policies) and what the visuomotor network
learns from its labels: GotoLocation walks to a target only once the frame has shown it,
after looking round for it; GotoLocation's rows record its destination's pixels; the
view head learns from them and the grey-frame accuracy says how much the image explains."""

from __future__ import annotations

import json

import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="the visuomotor tests need torch (pip install -e '.[test]')")

from errands.envs.household_env import HouseholdEnv  # noqa: E402
from errands.envs.skills import is_done  # noqa: E402
from errands.envs.tasks.sampler import TaskSampler  # noqa: E402
from errands.planners.goal_skills import GoalSkillsPlanner  # noqa: E402
from errands.policies import make_policy  # noqa: E402
from errands.policies.agent import Agent  # noqa: E402
from errands.policies.expert import ExpertSkillPolicy  # noqa: E402
from errands.policies.features import POLICY_ACTIONS, SKILL_DONE, household_spec  # noqa: E402
from errands.policies.network import load_checkpoint  # noqa: E402
from errands.policies.searching_expert import SEARCH_TURN, SearchingExpertSkillPolicy  # noqa: E402
from errands.policies.visuomotor_network import VisuomotorConfig, VisuomotorNetwork  # noqa: E402
from errands.train.collect import CollectConfig, collect  # noqa: E402
from errands.train.dataset import DatasetError, read_manifest  # noqa: E402
from errands.train.imitation import train  # noqa: E402
from errands.train.imitation_config import TrainConfig  # noqa: E402
from errands.train.recording import RecordingPolicy  # noqa: E402

torch.set_num_threads(1)
TINY = {"network": "visuomotor", "epochs": 1, "hidden": 32, "channels": 8, "batch_size": 8, "val_fraction": 0.2}


def _play(policy, seed: int):
    """(episode log, recorded rows, per GotoLocation step: (the frame shows the target or
    the skill is done (its closed container in view), heading, cell)) of one
    goal-skills episode through a 32-pixel camera, `policy` acting."""
    env = HouseholdEnv(observations=("view", "rgb", "segmentation"), resolution=32)
    task = TaskSampler(split="seen").sample(np.random.default_rng([seed, 0]))
    recorder = RecordingPolicy(policy, frames=True)
    seen = []
    original = recorder.act

    def act(observation, info, call):
        if call.skill == "GotoLocation":
            world = env.unwrapped.world
            shown = {env.segmentation_ids[v - 1] for v in np.unique(observation["segmentation"]) if v}
            wanted = {o.id for o in world.objects_of_type(call.args[0])}
            seen.append((bool(shown & wanted) or is_done(world, call), world.agent.heading,
                         (world.agent.row, world.agent.col)))
        return original(observation, info, call)

    recorder.act = act
    log = Agent(GoalSkillsPlanner(), recorder).run_episode(env, task)
    return log, recorder.rows, seen


def test_the_searching_expert_looks_round_before_it_walks_to_a_target_out_of_frame():
    looked = 0
    for seed in range(4):
        _, rows, seen = _play(SearchingExpertSkillPolicy(), seed)
        walks = [(row, s) for row, s in zip([r for r in rows if r["skill"].startswith("GotoLocation(")], seen)]
        for segment in sorted({row["segment"] for row, _ in walks}):
            steps = [(POLICY_ACTIONS[row["action"]], s) for row, s in walks if row["segment"] == segment]
            assert steps[-1][0] == SKILL_DONE  # every walk of these episodes arrives
            first_shown = next((i for i, (_, s) in enumerate(steps) if s[0]), len(steps))
            # until the frame shows the target (or the skill is done): turn on the spot, at most three times
            # (four headings)
            before = [name for name, _ in steps[:first_shown]]
            turns = min(first_shown, 3)
            assert before[:turns] == [SEARCH_TURN] * turns
            assert len({s[2] for _, s in steps[:turns + 1]}) == 1  # no step taken while looking round
            looked += first_shown > 0
    assert looked > 0  # some target started out of frame


def test_with_the_target_in_frame_it_walks_as_the_scripted_expert():
    """From a skill whose target the first frame shows, the two experts take the same steps."""
    compared = 0
    for seed in range(4):
        _, rows, seen = _play(SearchingExpertSkillPolicy(), seed)
        _, plain_rows, plain_seen = _play(ExpertSkillPolicy(), seed)
        searching = _walk_segments(rows, seen)
        plain = _walk_segments(plain_rows, plain_seen)
        for (skill, shown_first, actions), (plain_skill, _, plain_actions) in zip(searching, plain):
            if skill != plain_skill:
                break  # the experts' worlds differ from here on
            if not shown_first:
                break
            assert actions == plain_actions
            compared += 1
    assert compared > 0


def _walk_segments(rows, seen):
    walks = [row for row in rows if row["skill"].startswith("GotoLocation(")]
    out = []
    for segment in sorted({row["segment"] for row in walks}):
        these = [i for i, row in enumerate(walks) if row["segment"] == segment]
        out.append((walks[these[0]]["skill"], seen[these[0]][0], [walks[i]["action"] for i in these]))
    return out


def test_walking_rows_record_the_destinations_pixels():
    env = HouseholdEnv(observations=("view", "rgb", "segmentation"), resolution=32)
    task = TaskSampler(split="seen").sample(np.random.default_rng([1, 0]))
    recorder = RecordingPolicy(SearchingExpertSkillPolicy(), frames=True)
    expected = []
    original = recorder.act

    def act(observation, info, call):
        step = original(observation, info, call)
        if call.skill == "GotoLocation":
            world = env.unwrapped.world
            values = [env.segmentation_ids.index(o.id) + 1 for o in world.objects_of_type(call.args[0])
                      if o.id in env.segmentation_ids]
            expected.append(np.isin(observation["segmentation"], values))
        return step

    recorder.act = act
    assert Agent(GoalSkillsPlanner(), recorder).run_episode(env, task).success
    walks = [row for row in recorder.rows if row["skill"].startswith("GotoLocation(")]
    assert len(walks) == len(expected) > 0
    for row, mask in zip(walks, expected):
        recorded = np.unpackbits(np.frombuffer(row["target_mask"], np.uint8))[:32 * 32].reshape(32, 32)
        assert (recorded.astype(bool) == mask).all()
    assert any(mask.any() for mask in expected) and not all(mask.any() for mask in expected)


def test_the_search_option_is_checked():
    assert isinstance(make_policy("expert", search=True), SearchingExpertSkillPolicy)
    assert type(make_policy("expert")) is ExpertSkillPolicy
    with pytest.raises(ValueError, match="ExpertPolicyConfig: search must be true or false, got 'yes'"):
        make_policy("expert", search="yes")
    with pytest.raises(ValueError, match=r"search looks round through the camera: give a camera resolution"):
        CollectConfig(search=True)


@pytest.fixture(scope="module")
def searching_demos(tmp_path_factory):
    out = tmp_path_factory.mktemp("searching-demos")
    collect(out, 4, shard_size=4, seed=3, camera=32, frames=True, planner="goal-skills", search=True,
            progress=False)
    return out


def test_searching_demonstrations_and_the_view_head(searching_demos, tmp_path):
    assert read_manifest(searching_demos)["source"]["search"] is True
    with pytest.raises(DatasetError, match="search: True there, False now"):
        collect(searching_demos, 4, shard_size=4, seed=3, camera=32, frames=True, planner="goal-skills",
                progress=False)
    run = train(TrainConfig(datasets=[str(searching_demos)], out=str(tmp_path / "bc"), view_weight=1.0, **TINY),
                progress=False)
    saved = json.loads((run / "config.json").read_text())
    assert saved["network"]["view"] is True
    record = saved["training"]["history"][0]
    assert 0 <= record["val_accuracy_grey_frames"] <= 1
    model, _ = load_checkpoint(run)
    assert model.view_head is not None
    plain = train(TrainConfig(datasets=[str(searching_demos)], out=str(tmp_path / "plain"), **TINY), progress=False)
    assert json.loads((plain / "config.json").read_text())["network"]["view"] is False


def test_the_destination_map_reads_the_frame_and_the_words_alone():
    config = VisuomotorConfig(household_spec(), ["<pad>", "a", "b"], frame_shape=(16, 16, 3), channels=4, hidden=8,
                              text_hidden=8, view=True)
    torch.manual_seed(0)
    net = VisuomotorNetwork(config).eval()
    rgb = torch.randint(0, 255, (1, 3, 16, 16, 3), dtype=torch.uint8)
    text = torch.tensor([[1, 2]])
    actions, _, _, view, maps = net(rgb, torch.tensor([[0, 1, 2]]), text, view=True)
    assert view.shape == (1, 3) and maps.shape == (1, 3, 4 * 4)  # a quarter of the frame's side
    _, _, _, other_view, other_maps = net(rgb, torch.tensor([[5, 9, 20]]), text, view=True)
    assert torch.equal(view, other_view) and torch.equal(maps, other_maps)  # the previous action does not reach them
    _, _, _, flipped_view, flipped_maps = net(rgb.flip(1), torch.tensor([[0, 1, 2]]), text, view=True)
    assert torch.allclose(flipped_view, view.flip(1)) and torch.allclose(flipped_maps, maps.flip(1))  # nor the memory
    _, _, _, _, other_words = net(rgb, torch.tensor([[0, 1, 2]]), torch.tensor([[2, 1]]), view=True)
    assert not torch.allclose(other_words, maps)  # the words choose what the map looks for
    plain = net(rgb, torch.tensor([[0, 1, 2]]), text)
    assert len(plain) == 3 and torch.equal(plain[0], actions)
    legacy = config.to_dict()
    del legacy["view"]
    assert VisuomotorConfig.from_dict(legacy).view is False  # checkpoints from before the map
    with pytest.raises(ValueError, match="made without the view head"):
        VisuomotorNetwork(VisuomotorConfig.from_dict(legacy))(rgb, torch.tensor([[0, 1, 2]]), text, view=True)


def test_the_destination_cells_are_the_coarse_cells_holding_its_pixels():
    from errands.train.segment_batches import _coarse_cells

    pixels = torch.zeros(2, 8, 8, dtype=torch.bool)
    pixels[0, 0, 0] = True  # top left cell
    pixels[0, 5, 6] = True  # row 2, column 3 of the 4x4 cells
    cells = _coarse_cells(pixels.view(2, 64), (8, 8), 16)
    assert cells.shape == (2, 16)
    assert cells[0].nonzero().flatten().tolist() == [0, 2 * 4 + 3] and not cells[1].any()
