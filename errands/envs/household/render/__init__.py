"""The household's renderer, beside the world it draws: primitives (boxes, spheres,
cylinders as arrays), looks (how each object type looks in each state), placement (where
each fixed object's look, view box and contents go in a scene), ray casting (z-buffered
rays against primitives) and shading (colours and light), both done by one compiled
kernel, and the first-person cameras over it: one world's (camera.py) and N worlds' at
once (batch_camera.py).

It imports the scene data model and the type catalogue only. It reads a world (the
camera draws one) without importing world.py, because the world's visibility rule
(visibility.py) builds on placement's view boxes."""
