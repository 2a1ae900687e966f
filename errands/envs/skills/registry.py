"""The skill registry, and the questions every caller asks of a SkillCall (may it start,
is it done), answered by the call's skill class."""

from __future__ import annotations

from ...failures import Failure, FailureKind
from ..household.scene import Pose
from ..household.world import World
from ..transforms import TRANSFORMS
from .base import Skill
from .call import PlanError, SkillCall
from .close_object import CloseObject
from .goto_location import GotoLocation
from .open_object import OpenObject
from .pickup_object import PickupObject
from .put_object import PutObject
from .slice_object import SliceObject
from .toggle_object import ToggleObject
from .transform_object import TransformObject

# In the order prompts and grammars list them.
SKILLS: dict[str, Skill] = {s.name: s for s in [
    GotoLocation(),
    PickupObject(),
    PutObject(),
    OpenObject(),
    CloseObject(),
    ToggleObject(),
    SliceObject(),
    *(TransformObject(t) for t in TRANSFORMS),
]}


def skill_of(call: SkillCall) -> Skill:
    """The call's skill, or PlanError(unknown_skill)."""
    skill = SKILLS.get(call.skill)
    if skill is None:
        raise PlanError(FailureKind.UNKNOWN_SKILL, f"unknown skill {call.skill!r}: expected one of {', '.join(SKILLS)}")
    return skill


# A plan run as it came may name a skill that does not exist: it starts when its object is
# in reach, and then no policy can carry it out (so the failure names the step).
_UNKNOWN = Skill()


def precondition_failure(world: World, call: SkillCall) -> Failure | None:
    """Why the skill cannot start now, as a typed record (None when it can)."""
    return SKILLS.get(call.skill, _UNKNOWN).precondition(world, call)


def start_failure(world: World, call: SkillCall) -> Failure | None:
    """Why the skill cannot be started now: its precondition, except for the skills that
    open or fetch what they need themselves (may_open_container); None when it can."""
    skill = SKILLS.get(call.skill, _UNKNOWN)
    return None if skill.may_open_container else skill.precondition(world, call)


def precondition_error(world: World, call: SkillCall) -> str:
    """Why the skill cannot start now, for people ("" when it can)."""
    failure = precondition_failure(world, call)
    return failure.message if failure else ""


def is_done(world: World, call: SkillCall) -> bool:
    """The skill's success test over the world state."""
    return skill_of(call).is_done(world, call)


def goto_poses(world: World, call: SkillCall) -> list[Pose]:
    """The interaction poses of GotoLocation's target: where the expert walks to, and the
    skill env measures from."""
    goto = SKILLS[GotoLocation.name]
    assert isinstance(goto, GotoLocation)
    return goto.poses(world, call)
