"""How well a skill policy does on skill-env episodes: evaluate_skill (what `errands
train rl` reports and benchmarks compare) and the validation of a PPO run's checkpoints."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .rl_config import RLConfig

VALIDATION_SEED = 2_000_000  # skill-env seeds of the validation episodes (evaluation uses 1e6 + i)


def evaluate_skill(policy: str | Path, episodes: int = 100, split: str = "unseen",
                   skills: str | tuple[str, ...] = "GotoLocation", seed: int = 1_000_000,
                   max_steps: int = 100, layouts_dir: str | None = None) -> dict:
    """Success of a skill policy (a checkpoint folder, "learned" or "expert") on skill-env
    episodes seeded seed, seed + 1, ...: it acts through the SkillPolicy contract, as in
    the Agent, and a skill succeeds when it first says done and the success test then
    holds. `outcomes` lists each episode's success, for paired comparisons. With
    `layouts_dir` the episodes are in ALFRED's floor plans of the split."""
    from .skill_env import HouseholdSkillEnv
    from ..policies import make_policy
    from ..policies.base import reset_policy
    from ..policies.features import SKILL_DONE, action_label

    env = HouseholdSkillEnv(skills=skills, split=split, max_steps=max_steps, layouts_dir=layouts_dir)
    agent = make_policy(str(policy))
    done_index = env.action_names.index(SKILL_DONE)
    outcomes, lengths, returns = [], [], []
    for i in range(episodes):
        obs, info = env.reset(seed=seed + i)
        reset_policy(agent, env.household)
        total, ended = 0.0, False
        while not ended:
            step = agent.act(obs, info, env.call)
            if step.failed:  # the policy gave up (or hit its own step limit)
                break
            action = (done_index, 0) if step.done else action_label(step.action)
            obs, reward, terminated, truncated, info = env.step(np.array(action))
            total += reward
            ended = terminated or truncated or step.done  # the first done decides, as in the Agent
        outcomes.append(bool(info.get("is_success", False)))
        lengths.append(env.steps)
        returns.append(total)
    successes = sum(outcomes)
    return {"episodes": episodes, "successes": successes, "success_rate": successes / max(episodes, 1),
            "outcomes": outcomes,
            "mean_steps": float(np.mean(lengths)) if lengths else 0.0,
            "mean_return": float(np.mean(returns)) if returns else 0.0}


def validate_checkpoint(folder: Path, config: RLConfig, timesteps: int) -> dict:
    """The checkpoint's success on a PPO run's validation episodes (seeds VALIDATION_SEED
    + i, every skill, the training split)."""
    from .skill_env import ANY_SKILL

    r = evaluate_skill(folder, episodes=config.validation_episodes, split=config.split, skills=ANY_SKILL,
                       seed=VALIDATION_SEED, max_steps=config.max_skill_steps, layouts_dir=config.layouts)
    return {"timesteps": int(timesteps), "successes": r["successes"], "episodes": r["episodes"],
            "success_rate": round(r["success_rate"], 4)}
