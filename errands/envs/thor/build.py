"""Where the local AI2-THOR Unity build is. errands never downloads one: the `ai2thor`
client would fetch a ~500 MB build at run time when given none, so a build must be named."""

from __future__ import annotations

import os
from pathlib import Path

THOR_BUILD_ENV = "ERRANDS_THOR_BUILD"


class ThorBuildMissing(FileNotFoundError):
    """No usable local build: the message says how to provide one."""


def find_thor_build(path: str | os.PathLike | None = None) -> Path:
    """The Unity executable given (else $ERRANDS_THOR_BUILD), checked to exist and run."""
    given = path if path is not None else os.environ.get(THOR_BUILD_ENV) or None
    if given is None:
        raise ThorBuildMissing(
            f"no local AI2-THOR build given: pass local_executable_path=PATH (errands doctor: --thor-build PATH) "
            f"or set {THOR_BUILD_ENV}=PATH to the Unity executable of a build (e.g. "
            f".../thor-Linux64-<commit>/thor-Linux64-<commit>); errands never downloads one")
    build = Path(given).expanduser()
    if not build.is_file():
        raise ThorBuildMissing(f"AI2-THOR build {str(build)!r} does not exist or is not a file: expected the Unity "
                               f"executable of a local build")
    if not os.access(build, os.X_OK):
        raise ThorBuildMissing(f"AI2-THOR build {str(build)!r} is not executable (chmod +x it)")
    return build
