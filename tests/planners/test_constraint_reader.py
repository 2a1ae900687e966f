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


# How people phrase each kind, and the conventions the reader follows (module docstring).
WORDINGS = {
    "step_budget": [
        ("Toast a slice of bread. You get 35 moves, max.", "Toast a slice of bread.", [StepBudget(35)]),
        ("Put the plate away in fewer than twenty steps.", "Put the plate away.", [StepBudget(19)]),  # strict
        ("Fill the kettle. Don't take more than fifty-five actions.", "Fill the kettle.", [StepBudget(55)]),
        ("Bring me the pen, 12 steps tops.", "Bring me the pen.", [StepBudget(12)]),
        ("Move the bowl to the shelf and get it all done in 30 moves or fewer.", "Move the bowl to the shelf.",
         [StepBudget(30)]),
    ],
    "failure_budget": [
        ("Put the pan on the stove. Don't slip up more than twice.", "Put the pan on the stove.", [FailureBudget(2)]),
        ("Put the pan on the stove, zero errors please.", "Put the pan on the stove.", [FailureBudget(0)]),
        ("Put the pan on the stove. You're allowed four failed actions and no more.", "Put the pan on the stove.",
         [FailureBudget(4)]),
        ("Put the pan on the stove. Keep the mistakes to three or fewer.", "Put the pan on the stove.",
         [FailureBudget(3)]),
    ],
    "count": [
        ("Chill an egg. Open the fridge a single time only.", "Chill an egg.",
         [ActionCount("OpenObject", "Fridge", 1)]),
        ("Put the pillow on the bed; pick the pillow up just once.", "Put the pillow on the bed.",
         [ActionCount("PickupObject", "Pillow", 1)]),
        ("Set the laptop on the desk. It is heavy, so you may lift it twice at most.", "Set the laptop on the desk. "
         "It is heavy.", [ActionCount("PickupObject", "Laptop", 2)]),  # "it": the one thing the task handles
        ("Put the mug in the sink. You can switch the tap on once and that's it.", "Put the mug in the sink.",
         [ActionCount("ToggleObjectOn", "Faucet", 1)]),
    ],
    "ordering": [
        ("Put the spoon in the cup. Rinse the cup first, and only after that pick up the spoon.",
         "Put the spoon in the cup.", [Ordering(Event("CleanObject", "Cup"), Event("PickupObject", "Spoon"))]),
        ("Before you switch on the lamp, pick up the remote. Look at the remote by the lamp.",
         "Look at the remote by the lamp.", [Ordering(Event("PickupObject", "RemoteControl"),
                                                      Event("ToggleObjectOn", "DeskLamp"))]),
        ("Look at the statue under the floor lamp. Have the statue in your hand before the lamp goes on.",
         "Look at the statue under the floor lamp.",  # "the lamp": the floor lamp named before
         [Ordering(Event("PickupObject", "Statue"), Event("ToggleObjectOn", "FloorLamp"))]),
        ("Chill the wine. Don't open the fridge until the wine has been picked up.", "Chill the wine.",
         [Ordering(Event("PickupObject", "WineBottle"), Event("OpenObject", "Fridge"))]),
    ],
    "end_state": [
        ("Warm the bread in the microwave, then shut the microwave.", "Warm the bread in the microwave.",
         [EndState("Microwave", "closed")]),
        ("Put the soap in the cabinet. Leave the cabinet door shut when you're done.", "Put the soap in the cabinet.",
         [EndState("Cabinet", "closed")]),
        ("Wash the fork. Don't leave the water running.", "Wash the fork.", [EndState("Faucet", "off")]),
        ("Read a book by the desk lamp. When you go, the lamp has to be off.", "Read a book by the desk lamp.",
         [EndState("DeskLamp", "off")]),
        ("Put the cup in the drawer. Don't forget to close the drawer.", "Put the cup in the drawer.",
         [EndState("Drawer", "closed")]),
    ],
    "end_placement": [
        ("Heat a potato. I don't want the potato left in the microwave.", "Heat a potato.",
         [EndPlacement("Potato", "Microwave", inside=False)]),
        ("Put a cup in the sink. Check that the cup really is in the sink at the end.", "Put a cup in the sink.",
         [EndPlacement("Cup", "SinkBasin", inside=True)]),  # things are in the sink's basin
        ("Cool some lettuce and put it on the table. It shouldn't stay in the fridge.",
         "Cool some lettuce and put it on the table.", [EndPlacement("Lettuce", "Fridge", inside=False)]),
    ],
    "forbidden_region": [
        ("Without walking near the bathtub, put the soap on the counter.", "Put the soap on the counter.",
         [ForbiddenRegion("Bathtub", 1)]),  # a region is around the tub itself
        ("Put the watch on the dresser and steer well clear of the bed.", "Put the watch on the dresser.",
         [ForbiddenRegion("Bed", 1)]),
        ("Put the cd on the shelf. Keep out of the area around the desk and the bed.", "Put the cd on the shelf.",
         [ForbiddenRegion("Desk", 1), ForbiddenRegion("Bed", 1)]),
    ],
    "forbidden_object": [
        ("Put the apple in the bowl. The knife is off-limits.", "Put the apple in the bowl.",
         [ForbiddenObject("Knife")]),
        ("Put the apple in the bowl. The vase is old, keep your hands off it.", "Put the apple in the bowl.",
         [ForbiddenObject("Vase")]),  # "it": what the clause before names, and that clause goes too
        ("Put the apple in the bowl, and whatever you do don't fiddle with the toaster or the kettle.",
         "Put the apple in the bowl.", [ForbiddenObject("Toaster"), ForbiddenObject("Kettle")]),
    ],
    "forbidden_action": [
        ("Heat a mug. Keep the fridge shut the whole time.", "Heat a mug.",
         [ForbiddenAction("OpenObject", "Fridge")]),  # a state kept throughout forbids changing it
        ("Heat a mug, and no switching the stove on.", "Heat a mug.",
         [ForbiddenAction("ToggleObjectOn", "StoveKnob")]),  # the stove is turned on with its knob
        ("Heat a mug. Nothing goes on the dining table.", "Heat a mug.", [ForbiddenAction("PutObject", "DiningTable")]),
        ("Put the towel on the rack. None of the drawers should be opened.", "Put the towel on the rack.",
         [ForbiddenAction("OpenObject", "Drawer")]),
        ("put the book on the bed dont opne the safe", "put the book on the bed.",
         [ForbiddenAction("OpenObject", "Safe")]),  # a clause without a comma, a verb's letters swapped
    ],
}


@pytest.mark.parametrize("text,task_text,expected", [w for ws in WORDINGS.values() for w in ws],
                         ids=[f"{kind}: {w[0][:40]}" for kind, ws in WORDINGS.items() for w in ws])
def test_wordings_of_every_kind(text, task_text, expected):
    reading = read_constraints(text)
    assert (list(reading.constraints), reading.task_text, reading.unread) == (expected, task_text, ())


def test_goal_words_stay_with_the_goal_and_what_cannot_be_read_is_reported():
    # "it" is the one thing named before that can be turned on: the microwave, not the tomato
    reading = read_constraints("Put the tomato in the microwave, don't turn it on.")
    assert reading.constraints == (ForbiddenAction("ToggleObjectOn", "Microwave"),)
    assert reading.task_text == "Put the tomato in the microwave."
    plain = "Put the tomato in the fridge, don't turn it on."
    reading = read_constraints(plain)
    assert reading.constraints == () and reading.task_text == plain  # "it" names nothing that fits: not guessed
    assert reading.unread == ("don't turn it on.",)
    for text in ("Rinse an apple and put it in the fridge.", "", "   ", "asdf qwer", "Put the apple in the fridge "
                 "before dinner."):
        reading = read_constraints(text)
        assert (reading.constraints, reading.task_text) == ((), text)
    vague = read_constraints("Put an apple in the fridge. Don't be too slow about it.")
    assert vague.constraints == () and vague.unread == ("Don't be too slow about it.",)
    with pytest.raises(ValueError, match="an instruction must be text, got int"):
        read_constraints(3)
    # a count it cannot read is not a prohibition; "it" among two things the task handles is not guessed
    for text, clause in [("Rinse a mug. Don't touch the faucet more than once.",
                          "Don't touch the faucet more than once."),
                         ("Put the fork on the plate. Don't pick it up more than twice.",
                          "Don't pick it up more than twice.")]:
        reading = read_constraints(text)
        assert (reading.constraints, reading.task_text, reading.unread) == ((), text, (clause,))
    # a goal's own sequence is no constraint
    for text in ("Open the fridge, take the apple, and close the fridge.", "Slice the bread, then put a slice on the "
                 "plate.", "Put the knife on a plate and the plate in the sink.", "Chill the wine and leave it in "
                 "the fridge."):
        assert read_constraints(text).constraints == ()


def test_names_are_grounded_in_the_scene_types_when_given():
    text = "Put the book on the desk. Don't go near the lamp."
    assert read_constraints(text, ["Book", "Desk", "FloorLamp"]).constraints == (ForbiddenRegion("FloorLamp", 1),)
    assert read_constraints(text, ["Book", "Desk", "DeskLamp"]).constraints == (ForbiddenRegion("DeskLamp", 1),)
    # a type the scene does not have is never emitted
    assert read_constraints("Put the book on the desk. Don't touch the kettle.", ["Book", "Desk"]).constraints == ()


OTHER_WORDS = [  # (instruction, the task part, the constraints): wordings beyond the dev sets'
    ("Set the vase on the shelf. A couple of slip-ups at most.", "Set the vase on the shelf.", [FailureBudget(2)]),
    ("Put the pan on the stove. Three botched attempts are the limit.", "Put the pan on the stove.",
     [FailureBudget(3)]),
    ("Rinse the plate. Every single move must succeed.", "Rinse the plate.", [FailureBudget(0)]),
    ("Bring me the remote. Sixty moves is all you get.", "Bring me the remote.", [StepBudget(60)]),
    ("Put the soap in the cabinet, 45 steps or under.", "Put the soap in the cabinet.", [StepBudget(45)]),
    ("Put the apple in the bowl. Fingers off the bread!", "Put the apple in the bowl.", [ForbiddenObject("Bread")]),
    ("Put the cup away. Don't mess about with the toaster.", "Put the cup away.", [ForbiddenObject("Toaster")]),
    ("Put the laptop on the bed; give the dresser a wide berth.", "Put the laptop on the bed.",
     [ForbiddenRegion("Dresser", 1)]),
    ("Put the book on the shelf. Keep at least three steps between you and the bed.", "Put the book on the shelf.",
     [ForbiddenRegion("Bed", 2)]),
    ("Put the pan in the sink. The fridge is never to be opened until the pan is in your hands.",
     "Put the pan in the sink.", [Ordering(Event("PickupObject", "Pan"), Event("OpenObject", "Fridge"))]),
    ("The drawer can't be opened before you're holding the spoon. Put the spoon in the drawer.",
     "Put the spoon in the drawer.", [Ordering(Event("PickupObject", "Spoon"), Event("OpenObject", "Drawer"))]),
    ("Put the keys in the box. Don't lift the box until the keys are in.", "Put the keys in the box.",
     [Ordering(Event("PutObject", "Box"), Event("PickupObject", "Box"))]),
    ("Put the mug on the desk. I want the desk lamp left on.", "Put the mug on the desk.",
     [EndState("DeskLamp", "on")]),
    ("Put the bread in the fridge. I don't want the fridge left open.", "Put the bread in the fridge.",
     [EndState("Fridge", "closed")]),
    ("Heat the mug and put it in the cabinet. Make sure the microwave isn't left open.",
     "Heat the mug and put it in the cabinet.", [EndState("Microwave", "closed")]),
    ("Put the bowl in the microwave. Make sure the microwave is shut and switched off when you're done.",
     "Put the bowl in the microwave.", [EndState("Microwave", "closed"), EndState("Microwave", "off")]),
    ("Cool the wine. At the end the wine should be in the cabinet, not in the fridge.", "Cool the wine.",
     [EndPlacement("WineBottle", "Cabinet", True), EndPlacement("WineBottle", "Fridge", False)]),
    ("Rinse the cup. I'd hate to see the cup left in the sink.", "Rinse the cup.",
     [EndPlacement("Cup", "SinkBasin", False)]),
    ("Chill the tomato, but don't let the tomato stay in the fridge.", "Chill the tomato.",
     [EndPlacement("Tomato", "Fridge", False)]),
    ("Put a pen on the desk. Pick up no pencils.", "Put a pen on the desk.",
     [ForbiddenAction("PickupObject", "Pencil")]),
    ("Put the egg on the counter. The teddy bear is my daughter's, so leave it be.", "Put the egg on the counter.",
     [ForbiddenObject("TeddyBear")]),
    ("Put the wine bottle in the fridge and don't pick the bottle up more than once.",
     "Put the wine bottle in the fridge.", [ActionCount("PickupObject", "WineBottle", 1)]),
    ("Put the tomato in the microwave. Don't turn it on and leave the door closed.",
     "Put the tomato in the microwave.",
     [ForbiddenAction("ToggleObjectOn", "Microwave"), EndState("Microwave", "closed")]),
    ("Whatever happens, the TV stays off. Put the remote on the sofa.", "Put the remote on the sofa.",
     [ForbiddenAction("ToggleObjectOn", "Television")]),
    ("Fingers off the phone! Put the keys on the table.", "Put the keys on the table.", [ForbiddenObject("CellPhone")]),
    # the goal stays the goal: a first sentence that could be an ordering, "give it a rinse", "get"
    ("Put the apple in the fridge after washing it. Don't open the microwave.",
     "Put the apple in the fridge after washing it.", [ForbiddenAction("OpenObject", "Microwave")]),
    ("Give the apple a rinse and put it on the table.", "Give the apple a rinse and put it on the table.", []),
    ("Put the pan on the stove. Get the kettle too.", "Put the pan on the stove. Get the kettle too.", []),
]


@pytest.mark.parametrize("text,task_text,expected", OTHER_WORDS, ids=[w[0][:40] for w in OTHER_WORDS])
def test_other_wordings_read_by_the_lexicons_and_the_clause_structure(text, task_text, expected):
    """Wordings written for these tests, none of them in a dev set: new verbs and idioms
    ("a wide berth", "fingers off", "mess about with"), wishes and negated states as end
    states, "X is never to be Y until Z" orderings, a placement with its contrast, the verb
    with "no" on its object, "so leave it be" about what the clause before names, "the
    bottle" after "the wine bottle", "the door" of the thing named before, a constraint
    said before the task; and goal words that stay the goal."""
    reading = read_constraints(text)
    assert (list(reading.constraints), reading.task_text) == (expected, task_text)


MORE_WORDS = [  # (instruction, the constraints it says): more wordings beyond the dev sets'
    ("Put the mug in the sink. Please refrain from using the microwave.", [ForbiddenObject("Microwave")]),
    ("Take the keys to the sofa. You are not allowed to touch the remote.", [ForbiddenObject("RemoteControl")]),
    ("Put the pencil in the mug. Don't you go near the bed!", [ForbiddenRegion("Bed", 1)]),
    ("Put the soap on the counter. I don't want you anywhere near the toilet.", [ForbiddenRegion("Toilet", 1)]),
    ("Cool the apple. Try to keep it to 80 steps.", [StepBudget(80)]),
    ("Heat the egg. 90 steps, no more.", [StepBudget(90)]),
    ("Heat the egg. You can afford two mistakes.", [FailureBudget(2)]),
    ("Put the cd in the safe. Be sure to shut the safe afterwards.", [EndState("Safe", "closed")]),
    ("Put the cup in the microwave. Remember to leave the microwave door open.", [EndState("Microwave", "open")]),
    ("Wash the mug. Don't forget to turn the water off.", [EndState("Faucet", "off")]),
    ("Put the knife in the drawer. Open the drawer no more than twice.", [ActionCount("OpenObject", "Drawer", 2)]),
    ("Put the pillow on the sofa. You may lift the pillow only one time.", [ActionCount("PickupObject", "Pillow", 1)]),
    ("Put the mug on the coffee machine. Wash it before you go to the coffee machine.",
     [Ordering(Event("CleanObject", "Mug"), Event("GotoLocation", "CoffeeMachine"))]),
    ("Put the tomato in the fridge. No touching the knife!", [ForbiddenObject("Knife")]),
    ("Put the vase on the table. No going near the TV.", [ForbiddenRegion("Television", 1)]),
    ("Put the remote on the sofa. No switching on the floor lamp.", [ForbiddenAction("ToggleObjectOn", "FloorLamp")]),
    ("Put the book on the bed. The drawers are not to be opened.", [ForbiddenAction("OpenObject", "Drawer")]),
    ("Put the egg in the fridge. Please do not leave the fridge door open.", [EndState("Fridge", "closed")]),
    ("Put the bread on the counter, and mind you don't touch the butter knife.", [ForbiddenObject("ButterKnife")]),
    ("Put the cloth in the tub. Under 50 steps please!", [StepBudget(49)]),
    ("Put the cloth in the tub. Fifty moves or fewer, and zero mistakes.", [StepBudget(50), FailureBudget(0)]),
    ("Rinse the spoon. Don't let the tap run more than once.", [ActionCount("ToggleObjectOn", "Faucet", 1)]),
    ("Put the phone on the bed. It's important that you stay away from the desk.", [ForbiddenRegion("Desk", 1)]),
    ("Put the keys on the dresser. Make sure you never open the safe.", [ForbiddenAction("OpenObject", "Safe")]),
    ("Put the watch in the box. Careful with the vase, don't touch it.", [ForbiddenObject("Vase")]),
    ("Put the soap in the drawer. When you're finished, the cabinet doors should all be closed.",
     [EndState("Cabinet", "closed")]),
    ("Put a cold apple on the table. The microwave is not to be used.", [ForbiddenObject("Microwave")]),
    ("Put the pen on the desk. Keep out of the way of the bed.", [ForbiddenRegion("Bed", 1)]),
    ("Put the mug on the shelf. Don't get closer than two steps to the stove.", [ForbiddenRegion("StoveBurner", 1)]),
    ("Put the pot on the stove, but don't turn any of the burners on.",
     [ForbiddenAction("ToggleObjectOn", "StoveKnob")]),
    ("Put the apple in the sink. Don't put anything on the dining table or the counter.",
     [ForbiddenAction("PutObject", "DiningTable"), ForbiddenAction("PutObject", "CounterTop")]),
    ("Put two forks in the drawer. Leave the spoons alone and stay away from the sink.",
     [ForbiddenObject("Spoon"), ForbiddenRegion("Sink", 1)]),
    ("Bring the laptop to the desk. It has to stay closed.", [ForbiddenAction("OpenObject", "Laptop")]),
    ("Heat a potato. I'd appreciate it if you didn't open the fridge.", [ForbiddenAction("OpenObject", "Fridge")]),
    ("Put the candle on the toilet. Could you avoid opening the cabinets?", [ForbiddenAction("OpenObject", "Cabinet")]),
    ("Put the towel on the holder. Please don't take more than 40 steps.", [StepBudget(40)]),
    ("Chill the wine. The fridge may be opened twice at most.", [ActionCount("OpenObject", "Fridge", 2)]),
    ("Put the apple in the bowl. Absolutely no mistakes.", [FailureBudget(0)]),
    ("Put the keys on the table without using more than 30 moves.", [StepBudget(30)]),
    ("Put the spatula in the drawer. Keep clear of the stove and don't touch the pan.",
     [ForbiddenRegion("StoveBurner", 1), ForbiddenObject("Pan")]),
    ("Put the egg in the bowl. Two failed actions, tops, and finish within 45 steps.",
     [FailureBudget(2), StepBudget(45)]),
    ("Put the remote on the armchair. The couch is off limits, don't put anything on it.",
     [ForbiddenAction("PutObject", "Sofa")]),
    ("Put the spoon in the sink. The water must not be turned on.", [ForbiddenAction("ToggleObjectOn", "Faucet")]),
    ("Put the bowl in the fridge. Don't leave the bowl on the counter.", [EndPlacement("Bowl", "CounterTop", False)]),
    ("Wash the plate. When you're done, the plate should not be in the sink.",
     [EndPlacement("Plate", "SinkBasin", False)]),
    ("Put the newspaper on the sofa. You mustn't switch the TV on.", [ForbiddenAction("ToggleObjectOn", "Television")]),
    ("Put the apple in the fridge. The microwave door stays closed the whole time, okay?",
     [ForbiddenAction("OpenObject", "Microwave")]),
    ("Put the bowl on the shelf. Don't so much as touch the knife.", [ForbiddenObject("Knife")]),
    ("Put the knife in the sink. Don't even think about opening the fridge.",
     [ForbiddenAction("OpenObject", "Fridge")]),
    ("Put the mug in the cabinet. Keep the number of failed actions under three.", [FailureBudget(2)]),
    ("Put the mug in the cabinet. Keep it under 50 moves total.", [StepBudget(49)]),
    ("Put the pen on the desk. Stay well away from the laundry hamper, please.", [ForbiddenRegion("LaundryHamper", 1)]),
    ("Put the cup on the table. Please avoid the area around the sink.", [ForbiddenRegion("Sink", 1)]),
    ("Cool a mug, but only open the fridge after you've picked the mug up.",
     [Ordering(Event("PickupObject", "Mug"), Event("OpenObject", "Fridge"))]),
    ("Heat the potato. Wait until you've got the potato before opening the microwave.",
     [Ordering(Event("PickupObject", "Potato"), Event("OpenObject", "Microwave"))]),
    ("Put the cd in the drawer. All drawers shut at the end, please.", [EndState("Drawer", "closed")]),
    ("Put the keys on the sofa. Please turn off the TV when you leave.", [EndState("Television", "off")]),
    ("Put the soap in the cabinet. Don't leave any cabinet open.", [EndState("Cabinet", "closed")]),
    ("Put the soap on the toilet. Nothing should be put in the sink.", [ForbiddenAction("PutObject", "SinkBasin")]),
    ("Put the towel in the tub. Don't drop anything into the sink.", [ForbiddenAction("PutObject", "SinkBasin")]),
    ("Put the spoon in the drawer. You're only allowed to open the drawer once.",
     [ActionCount("OpenObject", "Drawer", 1)]),
    ("Put the candle in the drawer and stay out of the tub area.", [ForbiddenRegion("Bathtub", 1)]),
    ("Put the box on the armchair. The sofa is not to be touched.", [ForbiddenObject("Sofa")]),
    ("Put the watch on the table. Do not, under any circumstances, turn on the TV.",
     [ForbiddenAction("ToggleObjectOn", "Television")]),
    ("Put the plate in the cabinet. No more than 60 actions, and make sure the cabinet is closed afterwards.",
     [StepBudget(60), EndState("Cabinet", "closed")]),
    ("Put the fork in the drawer. Avoid touching the spoons.", [ForbiddenObject("Spoon")]),
    ("Put the fork in the drawer. Try not to make more than one mistake.", [FailureBudget(1)]),
    ("Put the mug on the shelf. No opening cabinets and no opening drawers.",
     [ForbiddenAction("OpenObject", "Cabinet"), ForbiddenAction("OpenObject", "Drawer")]),
    ("Put the book on the shelf. Get it done in 35 steps or less.", [StepBudget(35)]),
    ("Put the tomato in the fridge; the fridge can only be opened once.", [ActionCount("OpenObject", "Fridge", 1)]),
    ("Put the newspaper on the table. Don't go within three steps of the TV.", [ForbiddenRegion("Television", 3)]),
    ("Put the bottle in the cabinet. Please, please don't open the fridge.", [ForbiddenAction("OpenObject", "Fridge")]),
    ("Put the keys in the box. Place nothing on the sofa.", [ForbiddenAction("PutObject", "Sofa")]),
    ("Put the mug in the sink and make sure the tap ends up off.", [EndState("Faucet", "off")]),
    ("Put the remote on the sofa. The floor lamp must stay on.", [ForbiddenAction("ToggleObjectOff", "FloorLamp")]),
    ("Put the pan on the stove. Leave the burners off when you go.", [EndState("StoveKnob", "off")]),
    ("Put the cup in the sink. I don't want any forks touched.", [ForbiddenObject("Fork")]),
    ("Put the bread in the fridge; the knife is not for you to use.", [ForbiddenObject("Knife")]),
    ("Put two eggs in the bowl, opening the fridge at most one time.", [ActionCount("OpenObject", "Fridge", 1)]),
    ("Put the phone on the desk. You have room for one failed move.", [FailureBudget(1)]),
    ("Wash the pan. Turn the faucet on just once, and no more than 55 steps.",
     [ActionCount("ToggleObjectOn", "Faucet", 1), StepBudget(55)]),
    ("Put the apple on the counter. Make sure you wash it before you put it on the counter.",
     [Ordering(Event("CleanObject", "Apple"), Event("PutObject", "CounterTop"))]),
    ("Put the apple in the fridge. First grab the apple, and only after that open the fridge.",
     [Ordering(Event("PickupObject", "Apple"), Event("OpenObject", "Fridge"))]),
    ("Put the pen in the mug. Don't pick the mug up until the pen is in it.",
     [Ordering(Event("PutObject", "Mug"), Event("PickupObject", "Mug"))]),
    ("Heat the cup; open the microwave only once you're holding the cup.",
     [Ordering(Event("PickupObject", "Cup"), Event("OpenObject", "Microwave"))]),
    ("Cool the egg. You can open the fridge as soon as you have the egg, not before.",
     [Ordering(Event("PickupObject", "Egg"), Event("OpenObject", "Fridge"))]),
    ("Put two pencils in the drawer. Open the drawer a single time at most.", [ActionCount("OpenObject", "Drawer", 1)]),
    ("Put the keys on the table. The keys should be picked up no more than once.",
     [ActionCount("PickupObject", "KeyChain", 1)]),
    ("Put the pot on the stove. Don't switch the stove on more than once.",
     [ActionCount("ToggleObjectOn", "StoveKnob", 1)]),
    ("Wash the cup. Don't leave the cup in the sink afterwards.", [EndPlacement("Cup", "SinkBasin", False)]),
    ("Chill the apple and put it on the table. I want the apple out of the fridge at the end.",
     [EndPlacement("Apple", "Fridge", False)]),
    ("Put the spoon in the cup and the cup in the sink. Make sure the spoon is still in the cup at the end.",
     [EndPlacement("Spoon", "Cup", True)]),
    ("Put the remote on the sofa. Steer clear of the TV by at least two steps.", [ForbiddenRegion("Television", 1)]),
    ("Put the book on the desk. Never get within two steps of the bed.", [ForbiddenRegion("Bed", 2)]),
    ("Put the vase on the table. Keep a distance of three steps from the sofa.", [ForbiddenRegion("Sofa", 2)]),
    ("put the soap in the cabinet and dont go near the toilet or the tub",
     [ForbiddenRegion("Toilet", 1), ForbiddenRegion("Bathtub", 1)]),
    ("Put the cloth on the counter. Hands off the sponge, the candle and the towel.",
     [ForbiddenObject("DishSponge"), ForbiddenObject("Candle"), ForbiddenObject("Towel")]),
    ("Put the mug on the desk. Please don't use the laptop or the phone.",
     [ForbiddenObject("Laptop"), ForbiddenObject("CellPhone")]),
    ("Put the fork in the drawer. Don't open the fridge, the microwave or the cabinets.",
     [ForbiddenAction("OpenObject", "Fridge"),
      ForbiddenAction("OpenObject", "Microwave"),
      ForbiddenAction("OpenObject", "Cabinet")]),
    ("Wash the plate in under sixty steps.", [StepBudget(59)]),
    ("Put the plate in the cabinet. You've got a hundred moves.", [StepBudget(100)]),
    ("Put the plate in the cabinet with at most one failure.", [FailureBudget(1)]),
    ("Put the plate in the cabinet. If you fail more than twice, you lose.", [FailureBudget(2)]),
    ("Put the candle on the toilet. Zero mistakes please.", [FailureBudget(0)]),
    ("Put the candle on the toilet. No screwing up.", [FailureBudget(0)]),
    ("Heat the bread. Do NOT open the fridge!!", [ForbiddenAction("OpenObject", "Fridge")]),
    ("Heat the bread. dont touch teh knife", [ForbiddenObject("Knife")]),
    ("Put teh apple in teh fridge. Stay away form the stove.", [ForbiddenRegion("StoveBurner", 1)]),
    ("Put the apple in the fridge. Dont opne the microwave.", [ForbiddenAction("OpenObject", "Microwave")]),
    ("Before opening the fridge, grab the apple. Then put the apple in the fridge.",
     [Ordering(Event("PickupObject", "Apple"), Event("OpenObject", "Fridge"))]),
    ("Without touching the stove, put the kettle in the cabinet.", [ForbiddenObject("StoveBurner")]),
    ("In no more than 40 steps, put the watch on the table.", [StepBudget(40)]),
    ("Put the laptop on the bed. Keep the laptop shut.", [ForbiddenAction("OpenObject", "Laptop")]),
    ("Put the egg in the bowl. The fridge should be left closed.", [EndState("Fridge", "closed")]),
    ("Put the mug in the sink. The faucet needs to be off when you're done.", [EndState("Faucet", "off")]),
    ("Put the box on the sofa. Turn off the floor lamp afterwards.", [EndState("FloorLamp", "off")]),
    ("Put the pen on the shelf. Afterwards, shut any drawers you opened.", [EndState("Drawer", "closed")]),
    ("Put the towel in the tub. The toilet is off limits.", [ForbiddenObject("Toilet")]),
    ("Heat the egg and leave it in the sink. Don't you dare leave the microwave running.",
     [EndState("Microwave", "off")]),
    ("Put the bowl in the fridge. Bowl first, fridge second: pick up the bowl before opening the fridge.",
     [Ordering(Event("PickupObject", "Bowl"), Event("OpenObject", "Fridge"))]),
    ("Please don't, whatever you do, open the safe. Put the CD on the shelf.", [ForbiddenAction("OpenObject", "Safe")]),
    ("Put the apple in the fridge, and by the way, don't touch the lettuce.", [ForbiddenObject("Lettuce")]),
    ("Put the egg in the bowl. p.s. stay away from the stove", [ForbiddenRegion("StoveBurner", 1)]),
    ("Put the box on the sofa. Oh and keep off the armchair.", [ForbiddenRegion("ArmChair", 1)]),
    ("Put the knife in the drawer. Use 50 steps or less and don't make more than 2 mistakes.",
     [StepBudget(50), FailureBudget(2)]),
    ("Put a mug on the table. The mug is to be picked up once only.", [ActionCount("PickupObject", "Mug", 1)]),
    ("Put the pan on the stove. Don't go turning the stove on.", [ForbiddenAction("ToggleObjectOn", "StoveKnob")]),
    ("Put the kettle on the stove. Stove stays off!", [ForbiddenAction("ToggleObjectOn", "StoveKnob")]),
    ("Put the lettuce in the sink. Whatever you do, do not run the tap.",
     [ForbiddenAction("ToggleObjectOn", "Faucet")]),
    ("Put the soap in the drawer. Please keep all the cabinets closed.", [ForbiddenAction("OpenObject", "Cabinet")]),
    ("Put the pencil in the mug. You may only pick up the mug one time.", [ActionCount("PickupObject", "Mug", 1)]),
    ("Put the cup in the cabinet. Keep the cabinet door open at the end.", [EndState("Cabinet", "open")]),
    ("Put the cup in the sink. No running water!", [ForbiddenAction("ToggleObjectOn", "Faucet")]),
    ("Put the knife on the plate. Hands off the fork, please, it's dirty.", [ForbiddenObject("Fork")]),
    ("Put the watch on the dresser. I'd rather you not open the drawers.", [ForbiddenAction("OpenObject", "Drawer")]),
    ("Put the phone in the box. Don't carry the box before the phone is in it.",
     [Ordering(Event("PutObject", "Box"), Event("PickupObject", "Box"))]),
    ("Put the potato in the fridge. Not a single mistake, and under 50 moves.", [FailureBudget(0), StepBudget(49)]),
    ("Heat an egg. It's okay to fail twice but no more.", [FailureBudget(2)]),
    ("Put the mug on the shelf. Please close the fridge when you're finished with it.", [EndState("Fridge", "closed")]),
    ("Put the soap on the counter and leave the tap running.", [EndState("Faucet", "on")]),
    ("Put the pillow on the bed. The pillow can be lifted twice, no more.", [ActionCount("PickupObject", "Pillow", 2)]),
    ("Put the keys in the drawer, and make sure no drawer is left open.", [EndState("Drawer", "closed")]),
    ("Move the laptop to the desk without opening it.", [ForbiddenAction("OpenObject", "Laptop")]),
    ("Put the cd on the shelf but do not go anywhere close to the safe.", [ForbiddenRegion("Safe", 1)]),
    ("Put the remote on the table. Absolutely do not switch on the TV.",
     [ForbiddenAction("ToggleObjectOn", "Television")]),
    ("Put the bowl in the cabinet; make sure every cabinet door is shut by the end.", [EndState("Cabinet", "closed")]),
    ("Put the cup on the counter. The coffee machine is not to be switched on.",
     [ForbiddenAction("ToggleObjectOn", "CoffeeMachine")]),
    ("Put the salt on the table. Pepper shaker: don't touch.", [ForbiddenObject("PepperShaker")]),
    # what cannot be a typed constraint is not read ("anything with the microwave", "locked", "the fridge door twice")
    ("Put the cup in the sink. Could you not open the fridge?", [ForbiddenAction("OpenObject", "Fridge")]),
    ("Put the statue on the table. Would you mind not touching the vase?", [ForbiddenObject("Vase")]),
    ("Put the pan in the cabinet. Please try to finish in 50 steps.", [StepBudget(50)]),
    ("Put the pan in the cabinet. Take your time, but no more than 80 steps.", [StepBudget(80)]),
    ("put the fork in the drawer dont open the fridge and dont touch the knife",
     [ForbiddenAction("OpenObject", "Fridge"), ForbiddenObject("Knife")]),
    ("Put the soap on the toilet. Don't open the cabinet or touch the candle.",
     [ForbiddenAction("OpenObject", "Cabinet"), ForbiddenObject("Candle")]),
    ("Before you do anything with the microwave, pick up the mug. Heat the mug and put it on the shelf.", []),
    ("Put the apple in the fridge. Don't open the microwave, and don't go near the stove either.",
     [ForbiddenAction("OpenObject", "Microwave"), ForbiddenRegion("StoveBurner", 1)]),
    ("Put the book on the desk. Also, the safe stays locked.", []),
    ("Put two spoons in the drawer and leave the forks where they are.", [ForbiddenObject("Fork")]),
    ("Put the pen on the desk. It would be great if the desk lamp were off at the end.", [EndState("DeskLamp", "off")]),
    ("Put the keys on the table. The laptop must remain closed.", [ForbiddenAction("OpenObject", "Laptop")]),
    ("Put the mug in the microwave and leave the door open.", [EndState("Microwave", "open")]),
    ("Chill the wine. Only touch the fridge door twice.", []),
    ("Put the tomato in the pot. Cut the tomato before picking up the pot.",
     [Ordering(Event("SliceObject", "Tomato"), Event("PickupObject", "Pot"))]),
    ("Put the egg in the fridge. Never ever open the microwave.", [ForbiddenAction("OpenObject", "Microwave")]),
    ("Put the egg in the fridge. Do not open the microwave at any time.", [ForbiddenAction("OpenObject", "Microwave")]),
    ("Put the egg in the fridge - and no opening the microwave!", [ForbiddenAction("OpenObject", "Microwave")]),
    ("Put the towel on the toilet. Keep the drawers and the cabinets shut.",
     [ForbiddenAction("OpenObject", "Drawer"), ForbiddenAction("OpenObject", "Cabinet")]),
    ("Put the candle on the counter. Stay away from both the tub and the toilet.",
     [ForbiddenRegion("Bathtub", 1), ForbiddenRegion("Toilet", 1)]),
    ("Clean the mug. The tap may be turned on only once.", [ActionCount("ToggleObjectOn", "Faucet", 1)]),
    ("Put the credit card on the desk. Limit yourself to 40 moves and 1 mistake.", [StepBudget(40), FailureBudget(1)]),
    ("Heat the potato. Keep failed actions to a minimum, no more than two.", [FailureBudget(2)]),
    ("Heat the potato but keep away from the sink, the fridge and the dining table.",
     [ForbiddenRegion("Sink", 1), ForbiddenRegion("Fridge", 1), ForbiddenRegion("DiningTable", 1)]),
    ("Cool the bowl. The stove is dangerous - keep your distance.", [ForbiddenRegion("StoveBurner", 1)]),
    ("Heat the bread. You mustn't open the microwave until you're holding the bread.",
     [Ordering(Event("PickupObject", "Bread"), Event("OpenObject", "Microwave"))]),
    ("Wash the plate. Hold the plate first; only then should the tap go on.",
     [Ordering(Event("PickupObject", "Plate"), Event("ToggleObjectOn", "Faucet"))]),
    ("Put the pen in the mug, then the mug on the desk. The pen has to go in the mug before the mug gets picked up.",
     [Ordering(Event("PutObject", "Mug"), Event("PickupObject", "Mug"))]),
    ("Chill an apple. The apple must be in your hand before the fridge is opened.",
     [Ordering(Event("PickupObject", "Apple"), Event("OpenObject", "Fridge"))]),
    ("Put the watch on the table. Steer clear of the tv and the couch.",
     [ForbiddenRegion("Television", 1), ForbiddenRegion("Sofa", 1)]),
    ("Put the soap on the counter. Don't wander over to the bathtub.", [ForbiddenRegion("Bathtub", 1)]),
    ("Put the apple in the fridge. Keep clear of the trash can, it smells.", [ForbiddenRegion("GarbageCan", 1)]),
    ("Put the phone on the bed. Don't come anywhere near the dresser.", [ForbiddenRegion("Dresser", 1)]),
    ("Put the candle in the cabinet. The candle should end up in the cabinet, not on the toilet.",
     [EndPlacement("Candle", "Cabinet", True), EndPlacement("Candle", "Toilet", False)]),
    ("Rinse the lettuce. Don't leave lettuce lying in the sink when you're done.",
     [EndPlacement("Lettuce", "SinkBasin", False)]),
    ("Put the remote in the box. When you're finished, the remote should be sitting in the box.",
     [EndPlacement("RemoteControl", "Box", True)]),
    ("Put the spoon in the drawer. Only open the drawer twice at most.", [ActionCount("OpenObject", "Drawer", 2)]),
    ("Put two cups in the cabinet. Don't open the cabinet more than two times.",
     [ActionCount("OpenObject", "Cabinet", 2)]),
    ("Put the newspaper on the sofa, picking it up no more than once.", [ActionCount("PickupObject", "Newspaper", 1)]),
    ("Put the vase on the table. Pick the vase up one single time.", [ActionCount("PickupObject", "Vase", 1)]),
    ("Heat the mug. I'd like the microwave closed and off at the end.",
     [EndState("Microwave", "closed"), EndState("Microwave", "off")]),
    ("Look at the book under the lamp on the desk. Leave the desk lamp on when you go.", [EndState("DeskLamp", "on")]),
    ("Put the cloth in the tub; the faucet should be turned off by the time you finish.", [EndState("Faucet", "off")]),
    ("Put the plate on the shelf. Don't leave any of the cabinets open.", [EndState("Cabinet", "closed")]),
    ("Put the fork in the cup. Please do not handle the knives.", [ForbiddenObject("Knife")]),
    ("Put the pencil on the desk. Dont mess with the alarm clock ok", [ForbiddenObject("AlarmClock")]),
    ("Put the plunger in the cabinet. Don't touch the toilet paper or the soap bottle.",
     [ForbiddenObject("ToiletPaper"), ForbiddenObject("SoapBottle")]),
    ("Put the box on the chair; the laptop is off limits and so is the phone.",
     [ForbiddenObject("Laptop"), ForbiddenObject("CellPhone")]),
    ("Put the egg in the microwave. Don't turn on the microwave and don't open the fridge.",
     [ForbiddenAction("ToggleObjectOn", "Microwave"), ForbiddenAction("OpenObject", "Fridge")]),
    ("Put the ladle in the drawer. Drawers only, no cabinets: don't open any cabinet.",
     [ForbiddenAction("OpenObject", "Cabinet")]),
    ("Put the cup in the sink. Fewer than 30 steps, and fewer than 2 mistakes.", [StepBudget(29), FailureBudget(1)]),
    ("Put the cup in the sink. Finish it in forty-five steps.", [StepBudget(45)]),
    ("Put the cup in the sink. Take at most thirty five steps.", [StepBudget(35)]),
]


@pytest.mark.parametrize("text,expected", MORE_WORDS, ids=[w[0][:40] for w in MORE_WORDS])
def test_more_wordings_of_each_kind(text, expected):
    """Negations as people soften or stress them ("you're not allowed to", "mind you don't",
    "I'd appreciate it if you didn't", "don't so much as", "Do not, under any circumstances,
    ..."), budgets said loosely ("90 steps, no more", "you have room for one failed move"),
    reminders and wishes as end states, "the X is not for you to use"; and the kinds kept
    apart ("the water must not be turned on" forbids turning it on, "the couch is off limits,
    don't put anything on it" is the prohibition the second clause says); "so is the phone"
    says the prohibition before again; "X first; only then Y" is one ordering."""
    assert list(read_constraints(text).constraints) == expected


def test_it_after_a_thing_the_scene_lacks_is_that_thing_not_another():
    text = "Put the keys on the sofa. The laptop is mine, so don't touch it."
    with_laptop = read_constraints(text, ["KeyChain", "Sofa", "Laptop"])
    assert with_laptop.constraints == (ForbiddenObject("Laptop"),)
    assert with_laptop.task_text == "Put the keys on the sofa."
    # no laptop here: "it" is still the laptop, so nothing is forbidden (not the keys)
    assert read_constraints(text, ["KeyChain", "Sofa"]).constraints == ()
