"""Simulators behind one Gymnasium contract. Importing errands registers the envs."""

import gymnasium as gym

HOUSEHOLD_ENV_ID = "errands/Household-v0"
HOUSEHOLD_VECTOR_ENV_ID = "errands/HouseholdVector-v0"  # N worlds as one batch (make_vec only)
HOUSEHOLD_TEXT_ENV_ID = "errands/HouseholdText-v0"
HOUSEHOLD_SKILL_ENV_ID = "errands/HouseholdSkill-v0"  # registered by errands.train, which owns it
THOR_ENV_ID = "errands/Thor-v0"  # AI2-THOR: needs the thor extra and a local Unity build
HABITAT_ENV_ID = "errands/Habitat-v0"  # habitat-sim (conda) with a local scene file
# Envs over an external simulator: they cannot be made without it (and its build or scene files).
EXTERNAL_SIMULATOR_IDS = (THOR_ENV_ID, HABITAT_ENV_ID)
# What `--camera RES` means in every command that takes it (household_env.camera_options).
CAMERA_FLAG_HELP = ("see through the agent's RES x RES first-person camera: it can see and act on exactly what the "
                    "frame shows within 1.5 m (default: the geometric rule, nothing rendered)")


def register_envs() -> None:
    """Register the simulators' env ids (the training envs are errands.train's)."""
    vector = "errands.envs.household_vector_env:HouseholdVectorEnv"
    if HOUSEHOLD_ENV_ID not in gym.registry:  # make_vec's "vector_entry_point" mode: the batched worlds
        gym.register(id=HOUSEHOLD_ENV_ID, entry_point="errands.envs.household_env:HouseholdEnv",
                     vector_entry_point=vector)
    if HOUSEHOLD_VECTOR_ENV_ID not in gym.registry:
        gym.register(id=HOUSEHOLD_VECTOR_ENV_ID, vector_entry_point=vector)
    if HOUSEHOLD_TEXT_ENV_ID not in gym.registry:
        gym.register(id=HOUSEHOLD_TEXT_ENV_ID, entry_point="errands.envs.household_text_env:HouseholdTextEnv")
    if THOR_ENV_ID not in gym.registry:  # an entry point string: ai2thor is imported when one is made
        gym.register(id=THOR_ENV_ID, entry_point="errands.envs.thor.env:ThorEnv")
    if HABITAT_ENV_ID not in gym.registry:
        gym.register(id=HABITAT_ENV_ID, entry_point="errands.envs.habitat:HabitatEnv")
    from .babyai import LEVELS, env_id  # cheap: minigrid is imported when such an env is made

    for level in LEVELS:
        if env_id(level) not in gym.registry:
            gym.register(id=env_id(level), entry_point="errands.envs.babyai:BabyAIEnv", kwargs={"level": level})
