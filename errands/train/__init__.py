"""Training skill policies: demonstrations, imitation (BC, DAgger), RL.

Importing this package is cheap (torch and stable-baselines3 load with the modules
that need them), so that `import errands` can register the training envs."""

import gymnasium as gym

HOUSEHOLD_SKILL_ENV_ID = "errands/HouseholdSkill-v0"


def register_training_envs() -> None:
    """Register the envs that training owns: errands/HouseholdSkill-v0, one skill per
    episode for reinforcement learning (skill_env.py)."""
    if HOUSEHOLD_SKILL_ENV_ID not in gym.registry:
        gym.register(id=HOUSEHOLD_SKILL_ENV_ID, entry_point="errands.train.skill_env:HouseholdSkillEnv")
