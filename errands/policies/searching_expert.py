"""The scripted expert that looks before it walks: a teacher whose GotoLocation a camera
policy can imitate.

The scripted expert walks a shortest path to GotoLocation's target even when the target
is out of frame (it reads the world), which nothing in the image explains. This one
walks there only once the camera has shown the target during the skill (any pixel of an
object of the skill's type, or of its grounded object); before, it turns on the spot (RotateLeft)
until it has faced every heading at its cell, and only after such a full look round
without seeing the target does it walk the expert's path on. Every other skill, and
everything through the geometric rule (no camera), is the scripted expert's own.
It replans GotoLocation every step, so it labels the states a learner reaches as well
as it acts (DAgger's teacher, train/recording.py).
"""

from __future__ import annotations

from ..envs.actions import Action
from ..envs.skills import SkillCall, is_done
from .base import PolicyStep
from .expert import ExpertSkillPolicy, SkillImpossible

HEADINGS = 4  # the agent turns by 90 degrees: four headings make a full look round
SEARCH_TURN = "RotateLeft"


class SearchingExpertSkillPolicy(ExpertSkillPolicy):
    name = "searching-expert"

    def __init__(self):
        super().__init__()
        self._search_call: SkillCall | None = None
        self._search_cell: tuple[int, int] | None = None
        self._headings: set[int] = set()
        self._looked_round = False
        self._found = False

    def reset(self, env) -> None:
        super().reset(env)
        self._search_call = None

    def act(self, observation: dict, info: dict, call: SkillCall) -> PolicyStep:
        if call.skill != "GotoLocation" or self.world.sight is None:
            return super().act(observation, info, call)
        if call is self._call and not info.get("last_action_success", True):
            return PolicyStep(failed=True, reason=info.get("error_message", "the last action failed"))
        self._call = call
        try:
            actions = self.actions_for(call)
        except SkillImpossible as e:
            return PolicyStep(failed=True, reason=str(e))
        if actions:
            return PolicyStep(action=actions[0])
        return PolicyStep(done=True)  # actions_for walks nowhere only when the skill is done

    def _goto(self, call: SkillCall) -> list[Action]:
        w = self.world
        if w.sight is None:
            return super()._goto(call)
        if is_done(w, call):
            return []
        self._note_heading(call)
        if not self._found and self.shows_destination(call):
            self._found = True
        if self._looked_round or self._found:
            return super()._goto(call)
        return [Action(SEARCH_TURN)]

    def shows_destination(self, call: SkillCall) -> bool:
        """Whether the camera's frame shows GotoLocation's target now (an object of its
        type, or its grounded object)."""
        w = self.world
        shown = w.sight.shown_ids(w)
        if call.ids and call.ids[0]:
            return call.ids[0] in shown
        return any(o.id in shown for o in w.objects_of_type(call.args[0]))

    def _note_heading(self, call: SkillCall) -> None:
        """Keep the headings faced at the current cell since the skill began (a new skill
        starts the search again, a new cell the count); all four make a full look round."""
        agent = self.world.agent
        if call is not self._search_call:
            self._search_call, self._search_cell, self._headings = call, None, set()
            self._looked_round = self._found = False
        cell = (agent.row, agent.col)
        if cell != self._search_cell:
            self._search_cell, self._headings = cell, set()
        self._headings.add(agent.heading)
        if len(self._headings) >= HEADINGS:
            self._looked_round = True
