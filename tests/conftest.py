import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("TIANPING_SHARED", REPO.parent / "shared"))
SEEDS = sorted((SHARED / "seeds").glob("*.txt"))


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    return SHARED


@pytest.fixture(scope="session")
def seed_paths() -> list[Path]:
    assert SEEDS, f"no seed plans found under {SHARED / 'seeds'}"
    return SEEDS
