"""How far the geometric visibility rule (the symbolic env's, which renders nothing) and
the camera agree: of the objects info reports as visible, how many show in the
segmentation, and why the others do not. (An env with a camera sees through it, and
there the two agree exactly; this benchmark asks for the geometric rule explicitly.)

The geometric rule counts an object as visible per piece of furniture (the furniture's view box,
which holds everything it draws in any state and what rests on it, meets the camera's
view within reach; what rests on it is visible with it) and has no occlusion; the camera
draws what is really in frame, nearest first. Each reported object that does not show
is put in one class:

  * item_out_of_frame: a small object whose own bounds (as the camera places it) are
    outside the 90 degree view: it lies on a part of its receptacle that is out of frame;
  * item_in_frame_hidden: a small object in frame that no pixel shows: occluded, or
    smaller than a pixel;
  * fixed_hidden: a piece of furniture whose view box meets the view while nothing it
    draws now shows (occluded, or only its other states' parts would be in frame).

Episodes: errands/Household-v0 (split "any"), seeds 0..N-1, a random walk of moves,
turns and looking up and down (no interactions), the segmentation at each resolution.

Run:  python benchmarks/visibility_gap.py [--episodes 12] [--steps 60] [--resolutions 64 300] [--results]
"""

from __future__ import annotations

import argparse
from collections import Counter

import gymnasium as gym
import numpy as np

import errands  # noqa: F401  (registers the envs)
from errands.envs.actions import Action
from errands.envs.household.render.placement import fixed_states, placed_items, scene_geometry
from errands.envs.household.visibility import boxes_in_view
from results import add_results_flag, column, write_result

CLASSES = ("shown", "item_out_of_frame", "item_in_frame_hidden", "fixed_hidden")
WALK = ("MoveAhead", "RotateLeft", "RotateRight", "LookDown", "LookUp")
WALK_P = (0.25, 0.25, 0.25, 0.125, 0.125)


def item_bounds(world) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """The bounds of every small object the camera draws on open furniture, placed as
    the camera places it."""
    placed = placed_items(world, scene_geometry(world.scene), fixed_states(world))
    return {object_id: prims.bounds() for prims, object_id in placed}


def classify(env, obs: dict, info: dict) -> Counter:
    world = env.unwrapped.world
    ids = info["segmentation_ids"]
    shown = {ids[v - 1] for v in np.unique(obs["segmentation"]) if v > 0}
    bounds = item_bounds(world)
    x, z = world.agent_position()
    counts = Counter()
    for object_id in info["visible_objects"]:
        if object_id in shown:
            counts["shown"] += 1
        elif object_id in bounds:
            lo, hi = bounds[object_id]
            in_frame = boxes_in_view(np.array([x]), np.array([z]), lo[None], hi[None], world.agent.heading,
                                     world.agent.horizon)[0]
            counts["item_in_frame_hidden" if in_frame else "item_out_of_frame"] += 1
        else:
            counts["fixed_hidden"] += 1
    return counts


def measure(resolution: int, episodes: int, steps: int) -> Counter:
    env = gym.make("errands/Household-v0", observations=("segmentation",), resolution=resolution, split="any",
                   visibility="geometric")
    rng = np.random.default_rng(0)
    counts = Counter()
    for episode in range(episodes):
        obs, info = env.reset(seed=episode)
        for _ in range(steps):
            counts += classify(env, obs, info)
            obs, _, terminated, truncated, info = env.step(Action(str(rng.choice(WALK, p=WALK_P))))
            if terminated or truncated:
                break
    env.close()
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--episodes", type=int, default=12, help="episodes (seeds 0..N-1; default 12)")
    parser.add_argument("--steps", type=int, default=60, help="random-walk steps per episode (default 60)")
    parser.add_argument("--resolutions", type=int, nargs="+", default=[64, 300], help="square sizes (64 300)")
    add_results_flag(parser)
    args = parser.parse_args(argv)
    rows = []
    print("| resolution | reported visible | " + " | ".join(CLASSES) + " |")
    print("|---:|---:|" + "---:|" * len(CLASSES))
    for resolution in args.resolutions:
        counts = measure(resolution, args.episodes, args.steps)
        total = sum(counts.values())
        cells = " | ".join(f"{counts[c]} ({100 * counts[c] / max(total, 1):.1f}%)" for c in CLASSES)
        print(f"| {resolution}x{resolution} | {total} | {cells} |")
        row = {"resolution": f"{resolution}x{resolution}", "reported_visible": total}
        for c in CLASSES:
            row[c], row[f"{c}_pct"] = counts[c], round(100 * counts[c] / max(total, 1), 1)
        rows.append(row)
    if args.results:
        columns = [column("resolution", align="left"), column("reported_visible", "reported visible", format=",")]
        for c in CLASSES:
            columns += [column(c, c.replace("_", " "), format=","), column(f"{c}_pct", "%", format=".1f")]
        write_result("visibility_gap", rows, columns=columns,
                     title="Geometric visibility against the camera",
                     description=f"Objects the geometric rule reports visible on {args.episodes} random walks of "
                                 f"{args.steps} steps (seeds 0..{args.episodes - 1}, split any), classed by "
                                 "whether the camera's segmentation shows them and, if not, why.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
