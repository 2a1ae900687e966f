"""The semantic-map camera policy (policies/semantic_map_policy.py): what it reads, the
routines its interaction skills follow, and skills carried out in real scenes through the
camera with ground-truth perception (the learned perception's own tests are in
test_perception.py)."""

import pytest

from errands.envs.household_env import HouseholdEnv
from errands.envs.skills import SkillCall, is_done
from errands.envs.tasks.task import Task
from errands.eval.suites import load_suite
from errands.policies import make_policy
from errands.policies.semantic_map_policy import moved_pixels
from errands.protocols import ProtocolError, protocol
from rgb_play import handed_only_the_frame_and_words, play_under_rgb


def ground_truth_policy():
    return make_policy("semantic-map", perception="ground-truth")


def carry_out(policy, env, observation, info, call, limit=300):
    """Play one skill from the env's present state: (the policy's last step, the actions,
    the observation and info it ended on)."""
    actions = []
    for _ in range(limit):
        step = policy.act(observation, info, call)
        if step.action is None:
            break
        actions.append(str(step.action))
        observation, _, _, _, info = env.step(step.action)
    return step, actions, observation, info


def episode_env(episode_id: str):
    suite = load_suite("valid_seen")
    episode = next(e for e in suite.episodes if e.id == episode_id)
    env = HouseholdEnv(task=episode.task, observations=("rgb", "depth", "segmentation"), visibility="camera")
    observation, info = env.reset(seed=episode.seed)
    return env, observation, info


def test_ground_truth_perception_is_privileged_and_refused_under_the_rgb_protocol():
    policy = ground_truth_policy()
    assert set(policy.inputs) == {"instruction", "action_success", "rgb", "depth", "segmentation", "object_ids"}
    with pytest.raises(ProtocolError, match="depth"):
        protocol("rgb").check(policy, "policy")
    protocol("privileged").check(policy, "policy")


@pytest.mark.parametrize("options, message", [({"perception": "lidar"}, "perception must be 'learned' or "
                                                                         "'ground-truth', got 'lidar'"),
                                              ({"perception": "ground-truth", "checkpoint": "x"},
                                               "ground-truth perception takes no checkpoint")])
def test_bad_options_are_refused_by_name(options, message):
    with pytest.raises(ValueError, match=message):
        make_policy("semantic-map", **options)


@pytest.mark.parametrize("call, routine", [
    (SkillCall("PickupObject", ("Apple",)), [("PickupObject", "Apple")]),
    (SkillCall("PutObject", ("Apple", "CounterTop")), [("PutObject", "CounterTop")]),
    (SkillCall("PutObject", ("Apple", "Fridge")), [("OpenObject", "Fridge"), ("PutObject", "Fridge"),
                                                    ("CloseObject", "Fridge")]),
    (SkillCall("ToggleObject", ("Lamp",)), [("ToggleObjectOn", "Lamp")]),
    (SkillCall("SliceObject", ("Bread",)), [("SliceObject", "Bread")]),
    (SkillCall("CleanObject", ("Mug",)), [("PutObject", "SinkBasin"), ("ToggleObjectOn", "Faucet"),
                                          ("ToggleObjectOff", "Faucet"), ("PickupObject", "Mug")]),
    (SkillCall("HeatObject", ("Egg",)), [("OpenObject", "Microwave"), ("PutObject", "Microwave"),
                                         ("CloseObject", "Microwave"), ("ToggleObjectOn", "Microwave"),
                                         ("ToggleObjectOff", "Microwave"), ("OpenObject", "Microwave"),
                                         ("PickupObject", "Egg"), ("CloseObject", "Microwave")]),
    (SkillCall("CoolObject", ("Apple",)), [("OpenObject", "Fridge"), ("PutObject", "Fridge"),
                                           ("CloseObject", "Fridge"), ("OpenObject", "Fridge"),
                                           ("PickupObject", "Apple"), ("CloseObject", "Fridge")]),
])
def test_interaction_skills_follow_the_routine_of_their_kind(call, routine):
    assert ground_truth_policy()._routine_of(call) == routine


def test_it_walks_to_a_target_it_first_has_to_find():
    """GotoLocation from the start of a procedural episode: it looks round, walks the map
    it builds and ends where the simulator agrees the target is in view and in reach."""
    env, observation, info = episode_env(EPISODE)
    world = env.unwrapped.world
    call = SkillCall("GotoLocation", ("Fridge",))
    assert not is_done(world, call)
    step, actions, _, _ = carry_out(ground_truth_policy(), env, observation, info, call)
    assert step.done and is_done(world, call)
    assert actions[:5] == ["LookDown", "RotateLeft", "RotateLeft", "RotateLeft", "RotateLeft"]
    assert set(actions) <= {"MoveAhead", "RotateLeft", "RotateRight", "LookUp", "LookDown"}


def test_it_opens_containers_to_find_what_is_shut_away():
    """The target is in a closed cabinet: after walking everywhere it can see, it searches
    what may hold it, nearest first, opening what opens (and leaving it open), until one
    shows it."""
    env, observation, info = episode_env(EPISODE)
    world = env.unwrapped.world
    call = SkillCall("GotoLocation", (HIDDEN,))
    bottle = world.objects_of_type(HIDDEN)[0]
    assert not is_done(world, call) and not world.objects[bottle.parent].is_open
    step, actions, _, _ = carry_out(ground_truth_policy(), env, observation, info, call)
    assert step.done and is_done(world, call)
    opened = [a for a in actions if a.startswith("OpenObject pixel:")]
    assert opened and not [a for a in actions if a.startswith("CloseObject")]
    assert world.objects[bottle.parent].is_open


EPISODE = "trial_T20190907_232225_725376:2"  # a kitchen of the procedural seen split
HIDDEN = "WineBottle"  # shut in a cabinet at the start, the only one in the scene


def test_the_packaged_perception_plays_under_the_rgb_protocol_aiming_at_pixels():
    """With the packaged perception network the policy declares and is handed the RGB
    frame, the words and its own action's success alone, and aims every interaction at a
    pixel."""
    policy = make_policy("semantic-map")
    assert set(policy.inputs) == {"instruction", "action_success", "rgb"}
    protocol("rgb").check(policy, "policy")
    episode = next(e for e in load_suite("valid_seen").episodes if e.id == EPISODE)
    log, given = play_under_rgb(policy, HouseholdEnv(observations=("rgb",)), Task.from_dict(episode.task),
                                max_steps_per_skill=40)
    assert handed_only_the_frame_and_words(given)
    aimed = [s.action for s in log.steps if s.action.split()[0].endswith("Object")]
    assert aimed and all(a.split()[1].startswith("pixel:") for a in aimed)


def test_a_retried_goto_does_not_end_where_the_last_one_ended():
    """The planner asks for the same GotoLocation straight after one ended (where it ended
    did not serve): the retry moves on from that pose rather than ending there again; after
    another skill, the same goal ends at once where the last one did."""
    env, observation, info = episode_env(EPISODE)
    policy = ground_truth_policy()
    call = SkillCall("GotoLocation", ("Fridge",))
    step, _, observation, info = carry_out(policy, env, observation, info, call)
    assert step.done
    retry = SkillCall("GotoLocation", ("Fridge",))
    assert not policy.act(observation, info, retry).done
    policy.act(observation, info, SkillCall("PickupObject", ("Apple",)))
    assert policy.act(observation, info, SkillCall("GotoLocation", ("Fridge",))).done


def test_what_moved_as_a_container_opened_counts_as_searched():
    """The frame after a container opened to look in (here the fridge), from the same
    pose: the pixels whose depth changed include its swung door, and every place of those
    showing the container is not to be opened again."""
    policy = ground_truth_policy()
    call = SkillCall("GotoLocation", (HIDDEN,))
    observation, info = search_until_a_container_opens(policy, call)
    opened, before = policy._aimed_type, policy.depth
    policy.act(observation, info, call)
    assert opened == "Fridge"
    swung = policy._reachable_pixels(policy._class_indices(opened)) & moved_pixels(before, policy.depth)
    assert swung.sum() >= 1000
    assert policy._places(swung) <= policy._searched(opened)


def test_a_container_it_opened_is_not_opened_again_when_a_later_skill_searches_it():
    """Containers are left open: when another GotoLocation searches the fridge the last
    one opened, from the same pose, the places of the fridge it opened are not to be
    opened again (only looked into), though none of the fridge is searched for the new
    target yet."""
    policy = ground_truth_policy()
    call = SkillCall("GotoLocation", (HIDDEN,))
    observation, info = search_until_a_container_opens(policy, call)
    assert policy._aimed_type == "Fridge"
    policy.act(observation, info, call)  # it sees the fridge open
    policy.act(observation, info, SkillCall("GotoLocation", ("Apple",)))
    assert not policy._searched("Fridge")
    to_open = policy._unsearched_pixels("Fridge")
    assert not policy._places(to_open) & policy._opened
    opened, policy._opened = policy._opened, set()
    forgotten = policy._unsearched_pixels("Fridge")  # as if it did not remember what it opened
    policy._opened = opened
    assert (to_open <= forgotten).all() and forgotten.sum() - to_open.sum() >= 100


def search_until_a_container_opens(policy, call):
    """Play `call` from the start of EPISODE until an OpenObject succeeds: the observation
    and info after it."""
    env, observation, info = episode_env(EPISODE)
    for _ in range(300):
        step = policy.act(observation, info, call)
        assert step.action is not None, "the search ended before a container opened"
        observation, _, _, _, info = env.step(step.action)
        if step.action.name == "OpenObject" and info["last_action_success"]:
            return observation, info
    raise AssertionError("no container opened within 300 steps")
