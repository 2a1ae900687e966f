"""Shortest action sequences on the grid: from a pose to the nearest of a set of goal
poses, with MoveAhead and rotations found by breadth-first search and the camera
horizon adjusted with LookUp/LookDown (which commute with moving). `blocked` cells (a
forbidden region) are never stepped on."""

from __future__ import annotations

from collections import deque

from .scene import Pose, Scene, heading_step


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
