"""Evaluation protocols (errands/protocols.py): ALFRED's RGB-only rule and its declared
extensions. A planner or policy that needs more than a protocol gives is refused before
the first episode, naming the input and the protocol; one that fits receives exactly
what the protocol gives; the run folder, the summary and the reports say which."""

import dataclasses
import json

import pytest

from errands.cli import main
from errands.envs.actions import Action
from errands.envs.skills import Plan, SkillCall
from errands.eval.runner import read_records, run_evaluation
from errands.eval.suites import load_suite
from errands.planners import PLANNERS, register_planner
from errands.planners.config import OraclePlannerConfig
from errands.planners.oracle import OraclePlanner
from errands.policies import POLICIES, register_policy
from errands.policies.agent import Agent
from errands.policies.base import PolicyStep
from errands.policies.config import ExpertPolicyConfig
from errands.policies.expert import ExpertSkillPolicy
from errands.protocols import PROTOCOLS, ProtocolError, protocol

RECEIVED: list[dict] = []  # what the policies and planners below were handed, in order


class WordsOnlyPlanner:
    """Plans from the instruction alone: one GotoLocation of the fridge, grounded to an id
    it makes up, so that the test sees the protocol take ids away from the policy."""

    name = "words-only"
    inputs = ("instruction",)

    def plan(self, instruction, context):
        RECEIVED.append({"planner": {"instruction": context.instruction, "world": context.world,
                                     "goal": context.goal, "object_types": context.object_types,
                                     "visible_objects": context.visible_objects,
                                     "constraints": context.constraints}})
        return Plan([SkillCall("GotoLocation", ("Fridge",), ("Fridge|+00.00|+00.00|+00.00",))])

    def replan(self, feedback):
        RECEIVED.append({"replan": {"seen_objects": feedback.seen_objects, "world": feedback.context.world}})
        return self.plan(feedback.context.instruction, feedback.context)


class TurningPolicy:
    """Reads the camera and its own last action's outcome: turns left twice, then says the
    skill is done (the agent checks that, and it is not: the fridge is not in view)."""

    name = "turning"
    inputs = ("rgb", "action_success")

    def __init__(self, extra=()):
        self.inputs = TurningPolicy.inputs + tuple(extra)
        self.turns = 0
        self.call = None

    def reset(self, env):
        RECEIVED.append({"spaces": sorted(env.observation_space.spaces)})

    def act(self, observation, info, call):
        if call is not self.call:
            self.call, self.turns = call, 0
            RECEIVED.append({"observation": {k: getattr(v, "shape", v) for k, v in observation.items()},
                             "info": sorted(info), "ids": call.ids})
        if self.turns == 2:
            return PolicyStep(done=True)
        self.turns += 1
        return PolicyStep(action=Action("RotateLeft"))


class SilentPolicy(TurningPolicy):
    """A policy that does not say what it reads."""

    name = "silent"

    def __init__(self):
        super().__init__()
        self.inputs = None


TEST_POLICIES = {"turning": lambda c: TurningPolicy(), "turning-depth": lambda c: TurningPolicy(("depth",)),
                 "turning-segmentation": lambda c: TurningPolicy(("segmentation",)), "silent": lambda c: SilentPolicy()}


@pytest.fixture(autouse=True, scope="module")
def registered():
    """This file's planner and policies, registered while its tests run and taken out
    after them, so that other tests see only the packaged ones."""
    for name, factory in TEST_POLICIES.items():
        register_policy(name, ExpertPolicyConfig, factory)
    register_planner("words-only", OraclePlannerConfig, lambda c: WordsOnlyPlanner())
    yield
    for name in TEST_POLICIES:
        POLICIES.pop(name)
    PLANNERS.pop("words-only")


@pytest.fixture(scope="module")
def one_episode():
    smoke = load_suite("smoke")
    return dataclasses.replace(smoke, name="smoke-first", episodes=smoke.episodes[:1])


def test_the_protocols_and_what_each_gives():
    assert list(PROTOCOLS) == ["privileged", "rgb", "rgbd", "rgb-segmentation"]
    assert protocol("privileged").to_dict()["privileged"] is True
    assert protocol("rgb").to_dict() == {"name": "rgb", "privileged": False,
                                         "inputs": ["instruction", "rgb", "action_success"]}
    assert protocol("rgbd").to_dict()["inputs"] == ["instruction", "rgb", "depth", "action_success"]
    assert protocol("rgb-segmentation").to_dict()["inputs"] == ["instruction", "rgb", "segmentation",
                                                                "action_success"]
    assert protocol("rgbd").camera_keys == ("rgb", "depth") and protocol("privileged").camera_keys == ()
    with pytest.raises(ValueError, match=r"unknown protocol 'rgb-only': expected one of privileged, rgb, rgbd, "
                                         r"rgb-segmentation"):
        protocol("rgb-only")


def test_the_expert_and_the_oracle_are_refused_under_alfreds_rule():
    with pytest.raises(ProtocolError) as refused:
        Agent(OraclePlanner(), TurningPolicy(), protocol="rgb")
    assert str(refused.value) == (
        "planner 'oracle' needs goal (the task's goal, its typed constraints and its goal conditions); world (the "
        "simulator's state), which protocol 'rgb' does not give: it gives instruction, rgb, action_success only")
    with pytest.raises(ProtocolError) as refused:
        Agent(WordsOnlyPlanner(), ExpertSkillPolicy(), protocol="rgbd")
    assert str(refused.value) == (
        "policy 'expert' needs world (the simulator's state); object_ids (object ids (grounded skill calls, error "
        "messages, the segmentation's id table)), which protocol 'rgbd' does not give: it gives instruction, rgb, "
        "depth, action_success only")
    with pytest.raises(ProtocolError, match=r"policy 'silent' declares no inputs \(an `inputs` attribute naming "
                                            r"what it reads\), so protocol 'rgb' cannot tell"):
        Agent(WordsOnlyPlanner(), SilentPolicy(), protocol="rgb")
    Agent(OraclePlanner(), SilentPolicy())  # privileged (the default) takes anyone


def test_the_packaged_learned_policy_is_refused_naming_its_symbolic_inputs(one_episode, tmp_path):
    pytest.importorskip("torch")
    with pytest.raises(ProtocolError) as refused:
        run_evaluation(one_episode, tmp_path / "run", planner="words-only", policy="learned", protocol="rgb",
                       workers=0, progress=False)
    message = str(refused.value)
    assert message.startswith("policy 'learned' needs view (the symbolic egocentric grid); pose (the agent's pose "
                              "on the grid); held (the type of the object in hand); point_goal (")
    assert "visible_objects (the env's list of the objects in view (an ideal object detector))" in message
    assert message.endswith("which protocol 'rgb' does not give: it gives instruction, rgb, action_success only")
    assert not (tmp_path / "run").exists()  # refused before the run folder was made


def test_an_rgb_only_agent_receives_the_image_and_the_words_alone(one_episode, tmp_path):
    RECEIVED.clear()
    out = tmp_path / "rgb"
    summary = run_evaluation(one_episode, out, planner="words-only", policy="turning", protocol="rgb",
                             env_options={"resolution": 32}, workers=0, progress=False)
    episode = one_episode.episodes[0]
    spaces, first_plan, first_skill = RECEIVED[0], RECEIVED[1], RECEIVED[2]
    assert spaces == {"spaces": ["instruction", "rgb"]}
    assert first_plan["planner"] == {"instruction": episode.task["instruction"], "world": None, "goal": None,
                                     "object_types": [], "visible_objects": [], "constraints": ()}
    assert first_skill == {"observation": {"instruction": episode.task["instruction"], "rgb": (32, 32, 3)},
                           "info": ["failures", "last_action_success", "steps"], "ids": None}
    assert RECEIVED[3] == {"replan": {"seen_objects": [], "world": None}}
    # 3 re-plans after the first plan, each skill 2 turns and an early "done": 8 turns, then Stop
    record = read_records(out / "episodes.jsonl")[0]
    assert [s["action"] for s in record["steps"]] == ["RotateLeft"] * 8 + ["Stop"]
    assert not record["success"]
    config = json.loads((out / "config.json").read_text())
    assert config["protocol"] == "rgb"
    assert config["env_options"] == {"observations": ["rgb"], "visibility": "camera", "resolution": 32}
    assert summary["protocol"] == {"name": "rgb", "privileged": False,
                                   "inputs": ["instruction", "rgb", "action_success"], "visibility": "camera 32x32"}
    report = (out / "report.md").read_text()
    assert "## Metrics (%, with 95% confidence intervals; protocol rgb, camera 32x32)" in report
    assert "## Failures (protocol rgb, camera 32x32)" in report
    assert "(1/1 episodes; protocol rgb, camera 32x32)**" in report
    assert "Metrics (%, 95% confidence intervals; protocol rgb, camera 32x32)</h2>" in (out / "report.html").read_text()


@pytest.mark.parametrize("name, policy, image", [("rgbd", "turning-depth", "depth"),
                                                 ("rgb-segmentation", "turning-segmentation", "segmentation")])
def test_depth_and_segmentation_are_protocols_of_their_own(one_episode, tmp_path, name, policy, image):
    with pytest.raises(ProtocolError, match=f"policy 'turning' needs {image} "):
        run_evaluation(one_episode, tmp_path / "refused", planner="words-only", policy=policy, protocol="rgb",
                       env_options={"resolution": 16}, workers=0, progress=False)
    RECEIVED.clear()
    run_evaluation(one_episode, tmp_path / name, planner="words-only", policy=policy, protocol=name,
                   env_options={"resolution": 16}, workers=0, progress=False)
    assert RECEIVED[2]["observation"] == {"instruction": one_episode.episodes[0].task["instruction"],
                                          "rgb": (16, 16, 3), image: (16, 16)}
    assert "segmentation_ids" not in RECEIVED[2]["info"]  # the values, never the ids they stand for


def test_the_privileged_protocol_is_recorded_and_old_run_folders_resume(one_episode, tmp_path):
    out = tmp_path / "privileged"
    summary = run_evaluation(one_episode, out, workers=0, progress=False)
    assert summary["protocol"]["name"] == "privileged" and summary["protocol"]["visibility"] == "geometric"
    assert "(1/1 episodes; protocol privileged, geometric)" in (out / "report.md").read_text()
    config = json.loads((out / "config.json").read_text())
    del config["protocol"]  # a run folder written before there were protocols
    (out / "config.json").write_text(json.dumps(config))
    again = run_evaluation(one_episode, out, workers=0, progress=False)
    assert again["run"]["already_done"] == 1
    with pytest.raises(ValueError, match=r"other settings \(planner: 'oracle', policy: 'expert', "
                                         r"protocol: 'privileged', env_options: \{\}\)"):
        run_evaluation(one_episode, out, planner="words-only", policy="turning", protocol="rgb", workers=0,
                       progress=False)


def test_the_command_line_refuses_the_expert_under_rgb(tmp_path, capsys):
    code = main(["eval", "--suite", "smoke", "--protocol", "rgb", "--workers", "0", "--no-progress",
                 "--out", str(tmp_path / "cli")])
    assert code == 2
    assert ("planner 'oracle' needs goal (the task's goal, its typed constraints and its goal conditions); world "
            "(the simulator's state), which protocol 'rgb' does not give") in capsys.readouterr().err
    code = main(["eval", "--suite", "babyai:GoToLocal", "--protocol", "rgb", "--no-progress"])
    assert code == 2
    assert "--protocol is for household suites" in capsys.readouterr().err
    with pytest.raises(ValueError, match="protocol 'rgb' sees through the camera: it cannot be played with "
                                         "visibility 'geometric'"):
        run_evaluation(load_suite("smoke"), tmp_path / "geo", protocol="rgb", env_options={"visibility": "geometric"},
                       workers=0, progress=False)
