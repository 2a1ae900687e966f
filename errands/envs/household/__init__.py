"""The built-in household simulator: Python and NumPy (the camera a numba-compiled ray
caster), no GPU, no downloads.

object_types.py (the type catalogue) <- scene.py (the floor plan and its objects) <-
render/ (the 3D renderer: looks, placement, ray casting, shading, the camera) <-
visibility.py (what the agent may see and act on) <- world.py (an episode's state and
rules); scenes come from procedural.py and alfred_floorplans.py (scenes.py loads them),
navigation.py finds paths, topdown.py draws the map. The Gymnasium envs over this
world are errands.envs.household_env and errands.envs.household_text_env."""
