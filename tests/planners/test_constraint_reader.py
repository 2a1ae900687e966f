"""Reading constraints from words: every template phrasing of every kind reads back as the
constraint it says, people's ways of saying them read as written here, the goal part is
what is left, and what looks like a constraint but cannot be read is reported."""

import pytest

from errands.envs.tasks.constraints import (ActionCount, EndPlacement, EndState, Event, FailureBudget,
                                            ForbiddenAction, ForbiddenObject, ForbiddenRegion, Ordering, StepBudget,
                                            constrained_instruction)
from errands.planners.constraint_reader import read_constraints

TEMPLATED = [ForbiddenAction("OpenObject", "Microwave"), ForbiddenAction("PickupObject", "Knife"),
             ForbiddenAction("PutObject", "SinkBasin"), ForbiddenAction("ToggleObjectOn", "StoveBurner"),
             ForbiddenObject("Kettle"), ForbiddenObject("SoapBottle"), ForbiddenRegion("Bed", 1),
             ForbiddenRegion("CoffeeMachine", 2), StepBudget(40), StepBudget(1), FailureBudget(0), FailureBudget(1),
             FailureBudget(3), Ordering(Event("OpenObject", "Drawer"), Event("PickupObject", "Knife")),
             Ordering(Event("PickupObject", "Apple"), Event("CloseObject", "Fridge")),
             EndState("Fridge", "closed"), EndState("Cabinet", "open"), EndState("Faucet", "off"),
             EndPlacement("Apple", "Microwave", inside=False), EndPlacement("TomatoSliced", "Fridge", inside=False),
             ActionCount("OpenObject", "Cabinet", 3), ActionCount("PickupObject", "Mug", 1),
             ActionCount("OpenObject", "Fridge", 2)]


@pytest.mark.parametrize("constraint", TEMPLATED, ids=str)
def test_every_template_phrasing_reads_back(constraint):
    for variant in range(3):
        text = constrained_instruction("Put a washed apple in the fridge.", [constraint], [variant])
        reading = read_constraints(text)
        assert reading.constraints == (constraint,), text
        assert reading.task_text == "Put a washed apple in the fridge."
        assert reading.unread == ()


PEOPLE = [
    ("Put an apple in the fridge, but don't open the microwave.", "Put an apple in the fridge.",
     [ForbiddenAction("OpenObject", "Microwave")]),
    ("Grab the keys from the table and drop them on the sofa. Don't touch the laptop.",
     "Grab the keys from the table and drop them on the sofa.", [ForbiddenObject("Laptop")]),
    ("Heat up a potato please, and never open the fridge", "Heat up a potato please.",
     [ForbiddenAction("OpenObject", "Fridge")]),
    ("chill a tomato and put it on the counter. make sure the fridge is shut when you're done",
     "chill a tomato and put it on the counter.", [EndState("Fridge", "closed")]),
    # a region is around the sink itself; things are put in its basin
    ("Take the mug to the coffee maker. Stay away from the sink.", "Take the mug to the coffee maker.",
     [ForbiddenRegion("Sink", 1)]),
    ("Put the book on the bed. Do it in under 40 moves.", "Put the book on the bed.", [StepBudget(39)]),  # strict
    ("Put the book on the bed. No mistakes this time.", "Put the book on the bed.", [FailureBudget(0)]),
    ("Cool an egg and leave it on the table. Open the drawer before you pick up the egg.",
     "Cool an egg and leave it on the table.", [Ordering(Event("OpenObject", "Drawer"), Event("PickupObject", "Egg"))]),
    ("Wash the fork and put it in the drawer. Don't leave any knives in the sink.",
     "Wash the fork and put it in the drawer.", [EndPlacement("Knife", "SinkBasin", inside=False)]),
    ("Can you put a cold apple on the table? Only open the fridge once.", "Can you put a cold apple on the table?",
     [ActionCount("OpenObject", "Fridge", 1)]),
    ("Put a mug in the cabinet without opening the fridge.", "Put a mug in the cabinet.",
     [ForbiddenAction("OpenObject", "Fridge")]),
    ("Put the pencil on the desk, keep away from the bed and don't touch the phone.", "Put the pencil on the desk.",
     [ForbiddenRegion("Bed", 1), ForbiddenObject("CellPhone")]),
    ("Microwave a cup. The microwave should be closed at the end.", "Microwave a cup.",
     [EndState("Microwave", "closed")]),
    ("Put the remote on the couch. No more than 2 mistakes, please.", "Put the remote on the couch.",
     [FailureBudget(2)]),
    ("Put a slice of bread in the fridge. Leave the fridge closed. Use at most 60 steps.",
     "Put a slice of bread in the fridge.", [EndState("Fridge", "closed"), StepBudget(60)]),
    ("Never open the fridge.", "Never open the fridge.", [ForbiddenAction("OpenObject", "Fridge")]),
]


@pytest.mark.parametrize("text,task_text,expected", PEOPLE, ids=[p[0][:40] for p in PEOPLE])
def test_people_style_constraints(text, task_text, expected):
    reading = read_constraints(text)
    assert list(reading.constraints) == expected
    if text != "Never open the fridge.":
        assert reading.task_text == task_text


def test_goal_words_stay_with_the_goal_and_what_cannot_be_read_is_reported():
    plain = "Put the tomato in the microwave, don't turn it on."
    reading = read_constraints(plain)
    assert reading.constraints == () and reading.task_text == plain  # "it" names nothing: not guessed
    assert reading.unread == ("don't turn it on.",)
    for text in ("Rinse an apple and put it in the fridge.", "", "   ", "asdf qwer", "Put the apple in the fridge "
                 "before dinner."):
        reading = read_constraints(text)
        assert (reading.constraints, reading.task_text) == ((), text)
    vague = read_constraints("Put an apple in the fridge. Don't be too slow about it.")
    assert vague.constraints == () and vague.unread == ("Don't be too slow about it.",)
    with pytest.raises(ValueError, match="an instruction must be text, got int"):
        read_constraints(3)


def test_names_are_grounded_in_the_scene_types_when_given():
    text = "Put the book on the desk. Don't go near the lamp."
    assert read_constraints(text, ["Book", "Desk", "FloorLamp"]).constraints == (ForbiddenRegion("FloorLamp", 1),)
    assert read_constraints(text, ["Book", "Desk", "DeskLamp"]).constraints == (ForbiddenRegion("DeskLamp", 1),)
    # a type the scene does not have is never emitted
    assert read_constraints("Put the book on the desk. Don't touch the kettle.", ["Book", "Desk"]).constraints == ()
