"""Property tests (hypothesis, small budgets): improving the latest value never worsens
the status; scaling a series with its target leaves the status unchanged; missing years
are tolerated (a reported-but-empty year is the same as an absent one)."""

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from tianping.core.assess import STATUS_RANK, assess
from tianping.core.assess.series import one_series

FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
UP_OPS = [">=", ">", "relative_increase", "annual_increase", "annual_relative_increase", "increase"]
DOWN_OPS = ["<=", "<", "relative_decrease", "annual_decrease", "annual_relative_decrease", "decrease"]


@st.composite
def series_and_target(draw):
    """2–5 observed years in 2020–2024 (always 2024), positive values, one one-sided target."""
    years = sorted(draw(st.sets(st.integers(2020, 2023), min_size=1, max_size=4)) | {2024})
    values = {y: draw(st.integers(10, 2000)) / 10 for y in years}
    op = draw(st.sampled_from(UP_OPS + DOWN_OPS))
    relative = op.startswith(("relative", "annual_relative"))
    value = draw(st.integers(1, 300)) / 10 if relative or op.startswith("annual") else draw(st.integers(10, 2000)) / 10
    target = {"indicator": "指标", "area": "领域", "year": draw(st.sampled_from([2025, 2027, 2030])), "op": op,
              "value": None if op in ("increase", "decrease") else value, "unit": "",
              "base_year": 2020 if op.startswith(("relative", "annual")) else None}
    return values, target


def status(values, target, scale=1.0):
    obs = one_series({y: v * scale for y, v in values.items()}, indicator="指标")
    return str(assess(obs, pd.DataFrame([target]), year=2024).results["status"].iloc[0])


def rank(s):
    return STATUS_RANK.get(s, 0)          # 数据不足 lowest


@FAST
@given(series_and_target(), st.floats(0.01, 0.9))
def test_improving_the_latest_value_never_worsens_the_status(case, step):
    values, target = case
    better = dict(values)
    up = target["op"] in UP_OPS
    better[2024] = values[2024] * (1 + step) if up else values[2024] * (1 - step)
    assert rank(status(better, target)) >= rank(status(values, target))


@FAST
@given(series_and_target(), st.integers(-6, 6))
def test_scaling_a_series_with_its_target_leaves_the_status_unchanged(case, power):
    # Powers of two scale floats exactly, so the invariance is exact, not approximate.
    values, target = case
    scale = 2.0 ** power
    scaled = dict(target)
    if not target["op"].startswith(("relative", "annual_relative")) and target["value"] is not None:
        scaled["value"] = target["value"] * scale
    assert status(values, scaled, scale) == status(values, target)


@FAST
@given(st.lists(st.one_of(st.none(), st.integers(10, 1000)), min_size=2, max_size=10),
       st.sampled_from([">=", "<=", "~", "increase"]))
def test_missing_years_are_tolerated(cells, op):
    assume(any(c is not None for c in cells))     # a region with no value at all is tested elsewhere
    years = list(range(2024 - len(cells) + 1, 2025))
    frame = one_series({y: np.nan if c is None else c / 10 for y, c in zip(years, cells)}, indicator="指标")
    targets = pd.DataFrame([{"indicator": "指标", "area": "领域", "year": 2030, "op": op,
                             "value": None if op == "increase" else 50.0, "unit": ""}])
    with_gaps = assess(frame, targets, year=2024).results
    without = assess(frame.dropna(subset=["value"]), targets, year=2024).results
    assert with_gaps["n_points"].iloc[0] == sum(c is not None for c in cells)
    cols = ["status", "latest_value", "base_value", "progress_ratio", "projected"]
    pd.testing.assert_frame_equal(with_gaps[cols], without[cols])


def test_no_observations_at_all_gives_no_rows_and_no_crash():
    empty = one_series({2024: 1.0}, indicator="指标").iloc[:0]
    targets = pd.DataFrame([{"indicator": "指标", "area": "领域", "year": 2030, "op": ">=", "value": 5.0}])
    result = assess(empty, targets, year=2024)
    assert result.results.empty and result.warnings.empty
