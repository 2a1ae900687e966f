"""Clean, heat and cool: ALFRED's three state changes, in one table.

Each transform is done by one skill at one appliance, is asked for by one task type, and
is recorded by one flag of the object. The task types, the skills, the planners, the
instruction templates, the goal parser, the prompts, the text env and the viewer all read
this table, so adding a transform is one row here (and its task type and skill register
themselves from it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .actions import Action

if TYPE_CHECKING:
    from .household.world import WorldObject


@dataclass(frozen=True)
class Words:
    """How instructions say a transform in one phrasing set."""

    verbs: tuple[str, ...]  # "wash the apple"
    states: tuple[str, ...]  # "a washed apple"


@dataclass(frozen=True)
class Transform:
    name: str  # also the text env's command: "clean apple 1 with sinkbasin 1"
    skill: str  # the skill that does it
    task_type: str  # the ALFRED task type that asks for it
    appliance: str  # the object type it is done in
    flag: str  # the WorldObject attribute that records it (and the word for "cannot be ...")
    affordance: str  # the ObjectType attribute that allows it (and the skill's argument kind)
    # What is switched on and off to do it: the appliance itself, the control over it
    # (a Faucet over the SinkBasin), or None (closing the Fridge is enough).
    switch: str | None
    train_words: Words  # what training data and in-context examples may say
    novel_words: Words  # held out of them, for the novel_phrasing split
    parser_words: tuple[str, ...]  # further forms the goal parser reads ("cleaned")
    prompt_verb: str  # the prompt's note on the task type: "wash an object, then put it somewhere"
    skill_description: str  # the skill's line in prompts
    step_templates: tuple[str, ...]  # step-by-step instructions, as ALFRED's annotators wrote them

    def words(self, phrasing: str) -> Words:
        if phrasing not in ("train", "novel"):
            raise ValueError(f"unknown phrasing set {phrasing!r}: expected train or novel")
        return self.train_words if phrasing == "train" else self.novel_words

    @property
    def state_word(self) -> str:
        """The state as the checklist says it: 'an Apple is hot'."""
        return self.train_words.states[0]

    @property
    def needs_control(self) -> bool:
        """The appliance is switched by another object (a Faucet), which the scene must have."""
        return self.switch is not None and self.switch != self.appliance

    def all_words(self) -> tuple[str, ...]:
        """Every word that asks for this transform, for the goal parser."""
        return tuple(dict.fromkeys(self.train_words.verbs + self.train_words.states + self.novel_words.verbs
                                   + self.novel_words.states + self.parser_words))

    def actions(self, appliance: WorldObject, held_id: str, control_id: str | None = None) -> list[Action]:
        """The primitive actions that do it with the held object at the appliance: put it
        in (opening the appliance first and closing it after, when it opens), switch it
        (or its control, `control_id`) on and off when it needs that, and take it back."""
        a = appliance.id
        openable = appliance.type.openable
        opening = [Action("OpenObject", a)] if openable and not appliance.is_open else []
        close = [Action("CloseObject", a)] if openable else []
        reopen = [Action("OpenObject", a)] if openable else []
        switch_id = control_id if self.needs_control else a
        switching = [Action("ToggleObjectOn", switch_id), Action("ToggleObjectOff", switch_id)] if self.switch else []
        return [*opening, Action("PutObject", a), *close, *switching, *reopen, Action("PickupObject", held_id), *close]


TRANSFORMS: tuple[Transform, ...] = (
    Transform(
        name="clean", skill="CleanObject", task_type="pick_clean_then_place_in_recep", appliance="SinkBasin",
        flag="cleaned", affordance="washable", switch="Faucet",
        train_words=Words(("clean", "rinse", "wash"), ("clean", "rinsed", "washed")),
        novel_words=Words(("scrub",), ("scrubbed",)),
        parser_words=("cleaned",), prompt_verb="wash",
        skill_description="wash the held object in a sink under running water",
        step_templates=("Rinse the {0} in the sink.", "Wash the {0} in the sink."),
    ),
    Transform(
        name="heat", skill="HeatObject", task_type="pick_heat_then_place_in_recep", appliance="Microwave",
        flag="heated", affordance="heatable", switch="Microwave",
        train_words=Words(("heat", "warm", "microwave"), ("hot", "heated", "warm")),
        novel_words=Words(("cook",), ("cooked",)),
        parser_words=("warmed", "microwaved"), prompt_verb="heat",
        skill_description="heat the held object in a microwave",
        step_templates=("Heat the {0} in the microwave.", "Warm the {0} up in the microwave."),
    ),
    Transform(
        name="cool", skill="CoolObject", task_type="pick_cool_then_place_in_recep", appliance="Fridge",
        flag="cooled", affordance="coolable", switch=None,
        train_words=Words(("cool", "chill"), ("cold", "chilled", "cool")),
        novel_words=Words(("refrigerate",), ("refrigerated",)),
        parser_words=("cooled",), prompt_verb="chill",
        skill_description="cool the held object in a fridge",
        step_templates=("Chill the {0} in the fridge.", "Cool the {0} in the fridge."),
    ),
)
FLAGS: tuple[str, ...] = tuple(t.flag for t in TRANSFORMS)

_BY_NAME = {t.name: t for t in TRANSFORMS}
_BY_SKILL = {t.skill: t for t in TRANSFORMS}
_BY_TASK_TYPE = {t.task_type: t for t in TRANSFORMS}


def transform_named(name: str) -> Transform:
    if name not in _BY_NAME:
        raise ValueError(f"unknown transform {name!r}: expected one of {', '.join(_BY_NAME)}")
    return _BY_NAME[name]


def transform_of_skill(skill: str) -> Transform | None:
    """The transform a skill does (None for the other skills)."""
    return _BY_SKILL.get(skill)


def transform_of_task_type(task_type: str) -> Transform | None:
    """The transform a task type asks for (None for the other task types)."""
    return _BY_TASK_TYPE.get(task_type)
