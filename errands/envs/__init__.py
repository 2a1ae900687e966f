"""Simulators behind one Gymnasium contract. Importing errands registers the envs."""

import gymnasium as gym

HOUSEHOLD_ENV_ID = "errands/Household-v0"
HOUSEHOLD_TEXT_ENV_ID = "errands/HouseholdText-v0"


def register_envs() -> None:
    if HOUSEHOLD_ENV_ID not in gym.registry:
        gym.register(id=HOUSEHOLD_ENV_ID, entry_point="errands.envs.household.env:HouseholdEnv")
    if HOUSEHOLD_TEXT_ENV_ID not in gym.registry:
        gym.register(id=HOUSEHOLD_TEXT_ENV_ID, entry_point="errands.envs.household.text_env:HouseholdTextEnv")
