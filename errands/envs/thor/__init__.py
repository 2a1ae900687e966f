"""AI2-THOR behind errands' contract (`errands/Thor-v0`, the `thor` extra).

actions.py (errands' actions as THOR steps, targets by id, type or mask) and state.py
(THOR's metadata as goal state, observation and info) read plain metadata dicts and need
no ai2thor; env.py drives `ai2thor.controller.Controller`, imported only when an env
starts. build.py finds the local Unity build, which errands never downloads.
"""
