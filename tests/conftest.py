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


# --- lanes --------------------------------------------------------------------------
# `pytest -m "not browser and not slow"` is the day-to-day lane (README, "Tests").
# A test that drives Chromium (the `browser`/`page` fixtures) or serves the app to a
# real client (`live_server`) is marked `browser` here, so no test has to remember it.
BROWSER_FIXTURES = {"browser", "page", "live_server"}


def pytest_collection_modifyitems(config, items):
    for item in items:
        if BROWSER_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.browser)
