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
# `pytest -m "not browser and not slow"` is the day-to-day lane (README, "Tests"); the
# full suite (CI, ./test.sh) runs everything.
# A test that drives Chromium (the `browser`/`page` fixtures) or serves the app to a
# real client (`live_server`) is marked `browser` here, so no test has to remember it.
BROWSER_FIXTURES = {"browser", "page", "live_server"}
# Files whose tests take seconds each: real instances and worker subprocesses, fuzzing
# and property tests, the API schema fuzzer, the whole role × URL matrix, whole-seed
# report round trips. Marked `slow` here (a test may also say @pytest.mark.slow itself).
SLOW_PATHS = (
    "tests/ops/", "tests/fuzz/", "tests/test_grammar_fuzz.py", "tests/test_normalize_fuzz.py",
    "tests/test_assess_properties.py", "tests/test_reports_end_to_end.py",
    "tests/test_reports_evaluation_seeds.py", "tests/web/security/test_security_schemathesis.py",
    "tests/web/security/test_security_matrix.py", "tests/web/security/test_security_web.py",
    "tests/web/publishing/test_publishing_worker.py",
    # the demo commands build whole districts (six plans, synthetic data, assessments, history)
    "tests/web/test_web_demo.py", "tests/web/test_web_city_demo.py", "tests/web/test_catalogue_demo.py",
)
# Tests using these fixtures render a report in every format (PDF with embedded CJK fonts,
# .docx, charts at print resolution): seconds each, so `slow` too.
SLOW_FIXTURES = {"generated", "published", "authored_by_root"}


def pytest_collection_modifyitems(config, items):
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        if BROWSER_FIXTURES & fixtures:
            item.add_marker(pytest.mark.browser)
        if SLOW_FIXTURES & fixtures:
            item.add_marker(pytest.mark.slow)
        where = Path(str(item.fspath)).resolve().relative_to(REPO).as_posix()
        if where.startswith(SLOW_PATHS):
            item.add_marker(pytest.mark.slow)
