"""Skills (ALFRED's high-level subgoals) and Plans.

Each skill is one class (one module each; the three transforms share one, told its
Transform) that knows the kinds of its arguments, its precondition and its success test
over the world state. A SkillCall names object types as ALFRED's plans do
("PickupObject(Apple)"); a planner that grounded them also gives the exact object ids. A
Plan is a list of SkillCalls and serialises to JSON. Planners, policies and the text
interface all read this registry, so prompts, grammars and validators never drift from
it. Adding a skill is one module with its class and one line in SKILLS.
"""

from __future__ import annotations

from .arg_kinds import ARG_KINDS
from .base import Skill
from .call import PlanError, SkillCall
from .close_object import CloseObject
from .goto_location import GotoLocation
from .open_object import OpenObject
from .pickup_object import PickupObject
from .plan import Plan, check_call
from .put_object import PutObject
from .registry import SKILLS, goto_poses, is_done, precondition_error, precondition_failure, skill_of, start_failure
from .slice_object import SliceObject
from .toggle_object import ToggleObject
from .transform_object import TransformObject

__all__ = ["ARG_KINDS", "SKILLS", "CloseObject", "GotoLocation", "OpenObject", "PickupObject", "Plan", "PlanError",
           "PutObject", "Skill", "SkillCall", "SliceObject", "ToggleObject", "TransformObject", "check_call",
           "goto_poses", "is_done", "precondition_error", "precondition_failure", "skill_of", "start_failure"]
