"""Shortest action sequences on the grid: from a pose to the nearest of a set of goal
poses, with MoveAhead and rotations found by breadth-first search and the camera
horizon adjusted with LookUp/LookDown (which commute with moving). `blocked` cells (a
forbidden region) are never stepped on."""

from __future__ import annotations

from collections import deque

import numpy as np

from .scene import FLOOR, Pose, Scene, heading_step


def shortest_actions(scene: Scene, start: Pose, goals: list[Pose],
                     blocked: frozenset = frozenset()) -> list[str] | None:
    """The fewest primitive actions that bring the agent from `start` to any goal pose,
    or None if none is reachable."""
    if not goals:
        return None
    look_cost: dict[tuple[int, int, int], tuple[int, int]] = {}
    for g in goals:
        cost = abs(g.horizon - start.horizon) // 15
        key = (g.row, g.col, g.heading)
        if key not in look_cost or cost < look_cost[key][0]:
            look_cost[key] = (cost, g.horizon)
    origin = (start.row, start.col, start.heading)
    parent: dict[tuple[int, int, int], tuple[tuple[int, int, int], str] | None] = {origin: None}
    depth = {origin: 0}
    queue = deque([origin])
    best, best_state = None, None
    while queue:
        state = queue.popleft()
        d = depth[state]
        if best is not None and d >= best:
            break
        if state in look_cost:
            total = d + look_cost[state][0]
            if best is None or total < best:
                best, best_state = total, state
        for nxt, action in _moves(scene, state, blocked):
            if nxt in parent:
                continue
            parent[nxt] = (state, action)
            depth[nxt] = d + 1
            queue.append(nxt)
    if best_state is None:
        return None
    actions = []
    state = best_state
    while parent[state] is not None:
        state, action = parent[state]
        actions.append(action)
    actions.reverse()
    target_horizon = look_cost[best_state][1]
    step = "LookDown" if target_horizon > start.horizon else "LookUp"
    actions.extend([step] * (abs(target_horizon - start.horizon) // 15))
    return actions


def nearest_first(scene: Scene, start: Pose, goals: list[Pose], blocked: frozenset = frozenset()) -> list[Pose]:
    """The reachable goal poses ordered by how many primitive actions lead there from
    `start` (ties keep the goals' order)."""
    depth = {(start.row, start.col, start.heading): 0}
    queue = deque(depth)
    while queue:
        state = queue.popleft()
        for nxt, _ in _moves(scene, state, blocked):
            if nxt not in depth:
                depth[nxt] = depth[state] + 1
                queue.append(nxt)
    cost = {g: depth[g.row, g.col, g.heading] + abs(g.horizon - start.horizon) // 15
            for g in goals if (g.row, g.col, g.heading) in depth}
    return sorted(cost, key=cost.get)


HEADINGS = (0, 90, 180, 270)


def goal_distances(scene: Scene, goals: list[Pose], horizon: int,
                   blocked: frozenset = frozenset()) -> np.ndarray:
    """len(shortest_actions(scene, start, goals, blocked)) for every start at camera
    `horizon` at once: (4, rows, cols) int64 by heading // 90, row, col, -1 where no
    goal is reachable. A breadth-first search backwards from the goals over whole
    arrays, one level at a time, each goal joining at the level of the looks it needs
    from `horizon` (a moved-onto cell must be floor and not blocked, as _moves says)."""
    floor = scene.cells == FLOOR
    onto = floor.copy()
    for row, col in blocked:
        if 0 <= row < onto.shape[0] and 0 <= col < onto.shape[1]:
            onto[row, col] = False
    depth = np.full((4, *floor.shape), -1, np.int64)
    joining: dict[int, list[Pose]] = {}  # goals by the looks they need
    for g in goals:
        joining.setdefault(abs(g.horizon - horizon) // 15, []).append(g)
    frontier = np.zeros(depth.shape, bool)
    d = 0
    while frontier.any() or any(level >= d for level in joining):
        for g in joining.get(d, ()):
            frontier[g.heading // 90, g.row, g.col] |= depth[g.heading // 90, g.row, g.col] < 0
        depth[frontier] = d
        d += 1
        turned = np.roll(frontier, 1, axis=0) | np.roll(frontier, -1, axis=0)  # turned from there
        moved = np.zeros_like(frontier)  # moved ahead onto a frontier cell from there (on floor)
        for k, heading in enumerate(HEADINGS):
            _shift_back(frontier[k] & onto, heading_step(heading), moved[k])
        moved &= floor
        frontier = (turned | moved) & (depth < 0)
    return depth


def _shift_back(arrived: np.ndarray, step: tuple[int, int], out: np.ndarray) -> None:
    """out[r - dr, c - dc] |= arrived[r, c] (within the grid)."""
    dr, dc = step
    rows, cols = arrived.shape
    src = arrived[max(dr, 0):rows + min(dr, 0), max(dc, 0):cols + min(dc, 0)]
    out[max(-dr, 0):rows + min(-dr, 0), max(-dc, 0):cols + min(-dc, 0)] |= src


def _moves(scene: Scene, state: tuple[int, int, int], blocked: frozenset = frozenset()):
    """(next state, action) of each move from (row, col, heading): ahead onto floor that is
    not blocked, turns."""
    r, c, h = state
    dr, dc = heading_step(h)
    if scene.is_floor(r + dr, c + dc) and (r + dr, c + dc) not in blocked:
        yield (r + dr, c + dc, h), "MoveAhead"
    yield (r, c, (h - 90) % 360), "RotateLeft"
    yield (r, c, (h + 90) % 360), "RotateRight"


def grid_distance(scene: Scene, start: tuple[int, int], goal_cells: set[tuple[int, int]]) -> int | None:
    """Fewest MoveAhead steps between a cell and the nearest goal cell (rotations not counted)."""
    if start in goal_cells:
        return 0
    seen = {start}
    queue = deque([(start, 0)])
    while queue:
        (r, c), d = queue.popleft()
        for dr, dc in ((1, 0), (-1, 0), (0, 1), (0, -1)):
            nxt = (r + dr, c + dc)
            if nxt in seen or not scene.is_floor(*nxt):
                continue
            if nxt in goal_cells:
                return d + 1
            seen.add(nxt)
            queue.append((nxt, d + 1))
    return None
