"""errands: embodied instruction following, from a plain-language instruction to a
measured rollout in a simulated home."""

from .envs import HOUSEHOLD_ENV_ID, register_envs
from .train import register_training_envs

__version__ = "0.1.0"

register_envs()
register_training_envs()

__all__ = ["HOUSEHOLD_ENV_ID", "__version__"]
