"""Shared fixtures. ALFRED's real floor plans are read from ../shared/alfred (beside the
repository, as in CI); tests that need them say so when it is missing."""

from pathlib import Path

import pytest

ALFRED_DIR = Path(__file__).resolve().parents[2] / "shared" / "alfred"


@pytest.fixture(scope="session")
def alfred_dir() -> Path:
    if not (ALFRED_DIR / "layouts").is_dir():
        pytest.fail(f"ALFRED data not found at {ALFRED_DIR}: CI provides ../shared beside the repository")
    return ALFRED_DIR
