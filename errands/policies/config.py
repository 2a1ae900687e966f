"""The options of each skill policy, as `make_policy(name, **options)` and
`--policy-option KEY=VALUE` take them."""

from __future__ import annotations

from dataclasses import dataclass

from ..options import Options
from .learned import MAX_STEPS_PER_SKILL


@dataclass(frozen=True)
class ExpertPolicyConfig(Options):
    """The scripted expert reads the world. With `search`, through a camera it walks to
    GotoLocation's target only once the frame shows it, looking round for it first
    (policies/searching_expert.py: the teacher of camera policies)."""

    search: bool = False


@dataclass(frozen=True)
class LearnedPolicyConfig(Options):
    """A household checkpoint of the skill network (the packaged one when `checkpoint` is None)."""

    checkpoint: str | None = None
    device: str = "cpu"
    max_steps_per_skill: int = MAX_STEPS_PER_SKILL  # steps before a skill is given up
    remember_refusals: bool = True  # never repeat an action refused in the same world state
    avoid_loops: bool = True  # leave a revisited state by the least visited move


@dataclass(frozen=True)
class VisuomotorPolicyConfig(Options):
    """A checkpoint of the visuomotor network (the packaged one when `checkpoint` is None)."""

    checkpoint: str | None = None
    device: str = "cpu"
    max_steps_per_skill: int = MAX_STEPS_PER_SKILL  # steps before a skill is given up
    retry_refused: bool = False  # the network's choice alone (else a refused move is not repeated at once,
    # and a refused interaction is aimed elsewhere)


@dataclass(frozen=True)
class SemanticMapPolicyConfig(Options):
    """The camera policy that maps what it sees and plans on the map
    (policies/semantic_map_policy.py): with `perception` "learned", the perception network
    on the RGB image (the packaged checkpoint when `checkpoint` is None: ALFRED's rule);
    with "ground-truth", the camera's depth and segmentation (privileged: perfect perception)."""

    perception: str = "learned"
    checkpoint: str | None = None
    device: str = "cpu"
    max_steps_per_skill: int = 300

    def __post_init__(self):
        super().__post_init__()
        if self.perception not in ("learned", "ground-truth"):
            raise ValueError(f"perception must be 'learned' or 'ground-truth', got {self.perception!r}")
        if self.perception == "ground-truth" and self.checkpoint is not None:
            raise ValueError("ground-truth perception takes no checkpoint")


@dataclass(frozen=True)
class BabyAIBotPolicyConfig(Options):
    """minigrid's BabyAI bot takes no options: it reads the level's state."""


@dataclass(frozen=True)
class LearnedBabyAIPolicyConfig(Options):
    """A checkpoint of the skill network trained on BabyAI demonstrations."""

    checkpoint: str | None = None
    device: str = "cpu"
