"""goal_distances (every start at a horizon at once, searched backwards from the goals)
gives shortest_actions' length (one start, searched forwards) for every pose."""

import numpy as np
import pytest

from errands.envs.household.navigation import goal_distances, shortest_actions
from errands.envs.household.procedural import procedural_scene
from errands.envs.household.scene import FLOOR, HORIZONS, Pose


@pytest.mark.parametrize("scene_id", [1, 205, 312])
def test_backward_distances_equal_the_forward_search_from_every_pose(scene_id):
    scene = procedural_scene(scene_id)
    rng = np.random.default_rng(scene_id)
    floor = [tuple(cell) for cell in np.argwhere(scene.cells == FLOOR).tolist()]
    root = next(iter(scene.interaction_poses))
    goals = [Pose(*p) for p in scene.interaction_poses[root].tolist()]
    goals.append(Pose(*floor[int(rng.integers(len(floor)))], 90, 30))  # another horizon too
    blocked = frozenset(floor[int(k)] for k in rng.choice(len(floor), size=len(floor) // 10, replace=False))
    around = frozenset((g.row + dr, g.col + dc) for g in goals for dr, dc in ((0, 0), (1, 0), (-1, 0), (0, 1), (0, -1)))
    compared = unreachable = 0
    for wall in (frozenset(), blocked, around):  # around the goals: only starts there reach them
        for horizon in (HORIZONS[0], 0, HORIZONS[-1]):
            distances = goal_distances(scene, goals, horizon, wall)
            for row, col in floor[::3]:
                for heading in (0, 90, 180, 270):
                    start = Pose(row, col, heading, horizon)
                    path = shortest_actions(scene, start, goals, wall)
                    assert distances[heading // 90, row, col] == (-1 if path is None else len(path)), start
                    compared += 1
                    unreachable += path is None
    assert compared > 300 and unreachable > 0  # `around` cuts most starts off
    assert (goal_distances(scene, [], 0) == -1).all()
