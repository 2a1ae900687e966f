"""The compiled kernel draws the frames the NumPy renderer drew: digests of every frame of
seeded episodes (random actions, interactions aimed at visible objects, so that doors
open and objects are held) at 64x64, 37x37 (odd: rays along an axis), 48x80 and in
ALFRED floor plans, recorded with the NumPy renderer the kernel replaced (at commit
3454af0, the last world with that renderer: the camera at AI2-THOR's height and the
rebuilt floor plans; by running `python tests/envs/household/test_camera_kernel.py
OUT.json` against that checkout). The floor plans' frames were recorded again with that
renderer and the imported floor plans' later geometry (alfred_floorplans.py,
placement.py and furniture_looks.py as they are now, applied to that checkout); the
procedural frames came out the same."""

import hashlib
import json
import sys
from pathlib import Path

import numpy as np

DIGESTS = Path(__file__).parent / "data" / "numpy_renderer_frames.json"
LAYOUTS = Path(__file__).resolve().parents[4] / "shared" / "alfred" / "layouts"
CONFIGS = {"64": (64, {}), "37": (37, {}), "48x80": ((48, 80), {}),
           "floorplans": (64, {"scenes": "alfred_floorplans", "layouts_dir": str(LAYOUTS)})}
EPISODES, STEPS = 2, 60


def episode_digests(name: str) -> list[str]:
    """One digest per step (RGB, depth and segmentation together) of the config's episodes."""
    import gymnasium as gym

    import errands  # noqa: F401 - registers the env
    from errands.envs.actions import ACTIONS, INTERACTION_ACTIONS, NAVIGATION_ACTIONS

    resolution, kwargs = CONFIGS[name]
    env = gym.make("errands/Household-v0", observations=("rgb", "depth", "segmentation"), resolution=resolution,
                   max_failures=STEPS + 1, **kwargs)
    rng = np.random.default_rng(sorted(CONFIGS).index(name))
    out = []
    for episode in range(EPISODES):
        obs, info = env.reset(seed=10 * episode + 3)
        for _ in range(STEPS):
            name_ = ACTIONS[int(rng.integers(len(ACTIONS)))]
            if name_ in INTERACTION_ACTIONS and info["visible_objects"]:
                visible = info["visible_objects"]
                action = f"{name_} {visible[int(rng.integers(len(visible)))]}"
            elif name_ in INTERACTION_ACTIONS or name_ == "Stop":
                action = NAVIGATION_ACTIONS[int(rng.integers(len(NAVIGATION_ACTIONS)))]
            else:
                action = name_
            obs, _, _, _, info = env.step(action)
            h = hashlib.sha256()
            for key in ("rgb", "depth", "segmentation"):
                h.update(np.ascontiguousarray(obs[key]).tobytes())
            out.append(h.hexdigest()[:16] + ("h" if info["held_object"] else ""))
    return out


def test_frames_are_the_numpy_renderers(alfred_dir):
    recorded = json.loads(DIGESTS.read_text())
    assert set(recorded) == set(CONFIGS)
    held = 0
    for name in CONFIGS:
        got = episode_digests(name)
        assert len(got) == len(recorded[name]) == EPISODES * STEPS, name
        differ = [t for t, (a, b) in enumerate(zip(got, recorded[name])) if a != b]
        assert not differ, f"{name}: frames {differ[:10]} differ from the NumPy renderer's"
        held += sum(d.endswith("h") for d in got)
    assert held >= 10  # the held object was drawn, not only rooms and furniture


def test_a_changed_constant_drops_the_compiled_cache():
    """numba checks its cache against kernel.py's time stamp only: a constant changed in
    another module (the camera height in scene.py) must still reach the compiled kernel."""
    from errands.envs.household.render import kernel

    cache = Path(kernel.__file__).parent / "__pycache__"
    stamp = cache / "kernel.constants"
    kernel._drop_stale_cache()
    assert stamp.read_text() == kernel._constants_fingerprint()
    (cache / "kernel.render_frames-0.py311.nbi").write_bytes(b"stale")
    kernel._drop_stale_cache()  # same constants: the cache stays
    assert (cache / "kernel.render_frames-0.py311.nbi").exists()
    stamp.write_text("the digest of other constants")
    kernel._drop_stale_cache()
    assert not list(cache.glob("kernel.*.nbi")) and not list(cache.glob("kernel.*.nbc"))
    assert stamp.read_text() == kernel._constants_fingerprint()


if __name__ == "__main__":
    Path(sys.argv[1]).write_text(json.dumps({name: episode_digests(name) for name in CONFIGS}, indent=0) + "\n")
