"""A task's constraints as the symbolic search applies them: to the primitive interactions
each skill will cause (what the scripted expert does for it), in plan order.

A skill is ruled out when one of its interactions is a forbidden action, acts on a
forbidden object, goes past a count, or comes before what an ordering says must come
first; the search carries each plan's progress (the orderings whose first event has
happened, the counts so far) in its state. Budgets of steps and failures are not
planned for: they count primitive actions, which the search does not see (its plans are
short by construction; suite building checks the reference run against them).
"""

from __future__ import annotations

from ..envs.actions import INTERACTION_ACTIONS
from ..envs.tasks.constraints import (ActionCount, EndPlacement, EndState, ForbiddenAction, ForbiddenObject,
                                      ForbiddenRegion, Ordering)

# The orderings whose first event has happened (indexes), and each count so far.
Progress = tuple[frozenset, tuple[int, ...]]


class ConstraintRules:
    def __init__(self, constraints):
        self.constraints = tuple(constraints)
        self.forbidden_actions = {(c.action, c.object_type) for c in self.constraints if isinstance(c, ForbiddenAction)}
        self.forbidden_objects = {c.object_type for c in self.constraints if isinstance(c, ForbiddenObject)}
        self.orderings = [c for c in self.constraints if isinstance(c, Ordering)]
        self.counts = [c for c in self.constraints if isinstance(c, ActionCount)]
        self.end_states = [c for c in self.constraints if isinstance(c, EndState)]
        self.placements = [c for c in self.constraints if isinstance(c, EndPlacement)]
        self.regions = [c for c in self.constraints if isinstance(c, ForbiddenRegion)]
        self.start: Progress = (frozenset(), (0,) * len(self.counts))

    def __bool__(self) -> bool:
        return bool(self.constraints)

    def describe(self) -> str:
        return "; ".join(c.describe() for c in self.constraints)

    def may_put(self, held_type: str, receptacle_type: str) -> bool:
        """Whether a PutObject skill may leave the held object there (an end placement
        that forbids it; a transform's put, taken back at once, is not one)."""
        return not any(not c.inside and (c.object_type, c.receptacle) == (held_type, receptacle_type)
                       for c in self.placements)

    def broken_by(self, progress: Progress, events) -> tuple[Progress | None, object]:
        """The progress after `events` ((action, type) pairs, in order), or None and the
        constraint the first offending event breaks."""
        done, counts = set(progress[0]), list(progress[1])
        for action, type_name in events:
            if (action, type_name) in self.forbidden_actions:
                return None, next(c for c in self.constraints if isinstance(c, ForbiddenAction)
                                  and (c.action, c.object_type) == (action, type_name))
            if action in INTERACTION_ACTIONS and type_name in self.forbidden_objects:
                return None, next(c for c in self.constraints if isinstance(c, ForbiddenObject)
                                  and c.object_type == type_name)
            for i, ordering in enumerate(self.orderings):
                if (ordering.then.action, ordering.then.object_type) == (action, type_name) and i not in done:
                    return None, ordering
                if (ordering.first.action, ordering.first.object_type) == (action, type_name):
                    done.add(i)
            for i, count in enumerate(self.counts):
                if (count.action, count.object_type) == (action, type_name):
                    counts[i] += 1
                    if counts[i] > count.max_count:
                        return None, count
        return (frozenset(done), tuple(counts)), None

    def advance(self, progress: Progress, events) -> Progress | None:
        return self.broken_by(progress, events)[0]
