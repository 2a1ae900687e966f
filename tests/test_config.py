"""Typed configuration: configs cross process boundaries as dicts and come back equal,
unknown options and wrong types are refused by name, and the command-line help shows
the defaults the config classes hold."""

import json
import re

import pytest

from errands.cli import main
from errands.envs.config import HouseholdEnvConfig
from errands.envs.household_env import HouseholdEnv
from errands.eval.config import EvalConfig
from errands.options import default_of
from errands.planners import PLANNERS, make_planner, planner_config
from errands.planners.config import LLMPlannerConfig, OraclePlannerConfig
from errands.policies import POLICIES, make_policy, policy_config, policy_names
from errands.policies.config import ExpertPolicyConfig, LearnedPolicyConfig
from errands.train.collect import CollectConfig


def test_configs_round_trip_through_plain_dicts():
    configs = [
        HouseholdEnvConfig(split="unseen", observations=("view", "rgb"), resolution=(48, 64), visibility="camera"),
        LLMPlannerConfig(backend="openai", mode="plan", k=3, base_url="http://127.0.0.1:1/v1", timeout=5),
        LearnedPolicyConfig(remember_refusals=False, max_steps_per_skill=40),
        EvalConfig(planner="llm", planner_options={"mode": "plan"}, policy="learned",
                   policy_options={"avoid_loops": False}, env_options={"visibility": "camera", "resolution": 48},
                   workers=2, backend="ray", chunk_size=4, timeout_s=None),
    ]
    for config in configs:
        data = json.loads(json.dumps(config.to_dict()))  # as it crosses to a worker, or sits in config.json
        assert type(config).from_dict(data) == config
    evaluation = configs[-1]
    assert evaluation.planner_options == LLMPlannerConfig(mode="plan")
    assert evaluation.to_dict()["planner_options"] == {"mode": "plan"}  # the options chosen, not every default
    assert evaluation.to_dict()["env_options"] == {"visibility": "camera", "resolution": 48}
    assert HouseholdEnvConfig.from_dict({"observations": ["view"]}).observations == ("view",)  # JSON list -> tuple


def test_an_unknown_option_is_refused_by_name_with_the_accepted_ones():
    with pytest.raises(ValueError, match=r"unknown LLMPlannerConfig option 'temperature': expected some of "
                                         r"backend, mode, retrieval, k, max_repairs, grounding, constraints, seen_text, cache_path"):
        make_planner("llm", temperature=0.5)
    with pytest.raises(ValueError, match="unknown OraclePlannerConfig option 'k': it takes no options"):
        planner_config("oracle", {"k": 6})
    with pytest.raises(ValueError, match=r"unknown LearnedPolicyConfig option 'remember': expected some of "
                                         r"checkpoint, device, max_steps_per_skill, remember_refusals, avoid_loops"):
        make_policy("learned", remember=True)
    with pytest.raises(ValueError, match="unknown EvalConfig option 'wokers'.*workers"):
        EvalConfig.from_dict({"wokers": 2})
    with pytest.raises(ValueError, match="unknown planner 'gpt-9': expected one of oracle, goal-skills, llm, interpreter"):
        EvalConfig(planner="gpt-9")
    with pytest.raises(ValueError, match="unknown policy 'nobody': expected one of expert, learned"):
        policy_config("nobody")


def test_a_wrong_type_is_refused_naming_the_key_the_value_and_what_was_expected():
    with pytest.raises(ValueError, match="LLMPlannerConfig: k must be a whole number, got '6'"):
        planner_config("llm", {"k": "6"})
    with pytest.raises(ValueError, match="LLMPlannerConfig: mode must be one of 'goal', 'plan', got 'dream'"):
        planner_config("llm", {"mode": "dream"})
    with pytest.raises(ValueError, match="LearnedPolicyConfig: avoid_loops must be true or false, got 1"):
        policy_config("learned", {"avoid_loops": 1})
    with pytest.raises(ValueError, match=r"HouseholdEnvConfig: resolution must be a whole number or a list of 2: "
                                         r"a whole number, a whole number, got 'big'"):
        HouseholdEnvConfig(resolution="big")
    with pytest.raises(ValueError, match="EvalConfig: timeout_s must be a number or null, got 'soon'"):
        EvalConfig.from_dict({"timeout_s": "soon"})
    with pytest.raises(ValueError, match="LLMPlannerConfig: retrieval must be true or false, got 'no'"):
        EvalConfig(planner="llm", planner_options={"retrieval": "no"})
    with pytest.raises(ValueError, match="workers must be at least 1, got 0"):
        EvalConfig(workers=0, backend="ray")


def test_planners_and_policies_are_registered_with_their_config_classes():
    assert (PLANNERS["oracle"].config, PLANNERS["llm"].config) == (OraclePlannerConfig, LLMPlannerConfig)
    assert (POLICIES["expert"].config, POLICIES["learned"].config) == (ExpertPolicyConfig, LearnedPolicyConfig)
    assert policy_names() == ["expert", "learned", "visuomotor", "semantic-map"] and policy_names("babyai") == ["babyai-bot", "babyai-learned"]
    assert make_planner("oracle", OraclePlannerConfig()).name == "oracle"
    with pytest.raises(ValueError, match="takes a config or options, not both"):
        make_policy("expert", ExpertPolicyConfig(), device="cpu")


def test_the_constructors_defaults_are_the_configs():
    """HouseholdEnv, LLMPlanner and LearnedSkillPolicy keep defaults of their own; they
    must be the ones their config classes hold."""
    import inspect

    from errands.planners.llm import LLMPlanner
    from errands.policies.learned import LearnedSkillPolicy

    for built, config in ((HouseholdEnv, HouseholdEnvConfig()), (LLMPlanner, LLMPlannerConfig()),
                          (LearnedSkillPolicy, LearnedPolicyConfig())):
        parameters = inspect.signature(built).parameters
        shared = [name for name in config.kwargs()
                  if name in parameters and parameters[name].default is not inspect.Parameter.empty]
        assert len(shared) >= 4, built
        for name in shared:
            assert parameters[name].default == getattr(config, name), (built.__name__, name)


def help_default(capsys, command: list[str], flag: str) -> str:
    """The default that `errands COMMAND --help` prints for `flag` ("(... default X)")."""
    with pytest.raises(SystemExit):
        main([*command, "--help"])
    text = " ".join(capsys.readouterr().out.split())
    match = re.search(re.escape(flag) + r" [A-Z_]+ .*?\((?:[^()]*?; )?default ([^;:)]+)", text)
    assert match, f"no default for {flag} in {text}"
    return match.group(1).strip()


def test_the_cli_help_shows_the_config_defaults(capsys):
    from errands.eval.household_episodes import DEFAULT_WORKERS
    from errands.train.rl import RLConfig

    assert help_default(capsys, ["eval"], "--timeout") == f"{EvalConfig.timeout_s:g}"
    assert help_default(capsys, ["eval"], "--chunk-size") == str(EvalConfig.chunk_size)
    assert help_default(capsys, ["eval"], "--batch") == str(EvalConfig.batch_size)
    assert help_default(capsys, ["eval"], "--policy") == default_of(EvalConfig, "policy")
    assert help_default(capsys, ["eval"], "--workers") == str(DEFAULT_WORKERS)
    assert help_default(capsys, ["collect"], "--shard-size") == str(default_of(CollectConfig, "shard_size"))
    assert help_default(capsys, ["train", "rl"], "--total-steps") == str(RLConfig.total_steps)


def test_eval_options_are_checked_against_the_config_classes_before_anything_runs(tmp_path, capsys):
    out = tmp_path / "never"
    assert main(["eval", "--suite", "smoke", "--planner", "llm", "--planner-option", "temprature=0",
                 "--out", str(out)]) == 2
    assert "unknown LLMPlannerConfig option 'temprature': expected some of backend, mode" in capsys.readouterr().err
    assert main(["eval", "--suite", "smoke", "--policy", "learned", "--policy-option", "avoid_loops=maybe",
                 "--out", str(out)]) == 2
    assert "avoid_loops must be true or false, got 'maybe'" in capsys.readouterr().err
    assert main(["eval", "--suite", "smoke", "--policy-option", "device=cpu", "--out", str(out)]) == 2
    assert "unknown ExpertPolicyConfig option 'device': expected some of search" in capsys.readouterr().err
    assert not out.exists()
