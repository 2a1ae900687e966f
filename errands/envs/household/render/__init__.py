"""The household's renderer, beside the world it draws: primitives (boxes, spheres,
cylinders as arrays), looks (how each object type looks in each state), placement (where
each fixed object's look, view box and contents go in a scene), ray casting (z-buffered
rays against primitives), shading (colours and light), the first-person camera (frames
and their caches) and the top-down map. It reads the scene and the world; neither
imports it (the world's visibility rule asks it for view boxes through visibility.py)."""
