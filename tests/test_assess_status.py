"""Statuses and their boundaries; projection (Theil–Sen, CAGR fallback, bounds)."""

import numpy as np
import pandas as pd
import pytest

from tianping.core.assess import AssessConfig, assess
from tianping.core.assess.projection import fit_trends, row_nanmedian, theil_sen_slope
from tianping.core.assess.series import one_series
from tianping.core.assess.status import STATUSES, directional_status, numeric_status

AT_LEAST_90 = pd.DataFrame([{"indicator": "参保率", "area": "妇女与社会保障", "year": 2030, "op": ">=",
                             "value": 90.0, "unit": "%"}])


def status_of(values, targets=AT_LEAST_90, **kw):
    result = assess(one_series(values, indicator="参保率", unit="%"), targets, **kw)
    return result.results.iloc[0]


@pytest.mark.parametrize("values,expected", [
    ({2020: 70.0, 2024: 91.0}, "已达标"),
    ({2020: 70.0, 2021: 74.0, 2022: 78.0, 2023: 82.0, 2024: 86.0}, "预计达标"),
    ({2020: 70.0, 2024: 77.0}, "需加快"),          # R ≈ 0.95 yet the projection falls short
    ({2020: 70.0, 2024: 72.0}, "进展缓慢"),        # R ≈ 0.28
    ({2020: 70.0, 2024: 68.0}, "退步"),
    ({2024: 70.0}, "数据不足"),
])
def test_each_numeric_status(values, expected):
    assert status_of(values)["status"] == expected


def test_pending_for_qualitative():
    q = pd.DataFrame([{"indicator": "参保率", "area": "a", "year": 2030, "op": "qualitative"}])
    assert status_of({2024: 1.0}, q)["status"] == "待评估"


def codes(statuses):
    return [STATUSES[c] for c in statuses]


def test_ratio_boundaries_of_numeric_status():
    cfg = AssessConfig()
    ratio = np.array([0.6, 0.6 - 1e-9, 0.0, -1e-9, np.nan])
    n = len(ratio)
    no, yes = np.zeros(n, bool), np.ones(n, bool)
    assert codes(numeric_status(no, yes, yes, no, ratio, cfg)) == ["需加快", "进展缓慢", "进展缓慢", "退步", "数据不足"]
    # attainment outranks everything; a projection that meets the target outranks the ratio
    assert codes(numeric_status(yes, no, yes, no, ratio, cfg)) == ["已达标"] * n
    assert codes(numeric_status(no, yes, yes, yes, ratio, cfg)) == ["预计达标"] * n
    # once the milestone has passed there is no projection to lean on
    assert codes(numeric_status(no, yes, no, yes, ratio, cfg))[:1] == ["需加快"]
    assert codes(numeric_status(no, no, yes, yes, ratio, cfg)) == ["数据不足"] * n


def test_direction_boundaries():
    cfg = AssessConfig()
    s = np.array([0.005, 0.005 - 1e-9, -0.005 + 1e-9, -0.005, 0.02])
    sign = np.array([1, 1, 1, 1, -1])
    count = np.array([5, 5, 5, 5, 1])
    assert codes(directional_status(s, sign, count, cfg)) == ["已达标", "进展缓慢", "进展缓慢", "退步", "数据不足"]


def test_theil_sen_matches_a_plain_reference_with_gaps():
    rng = np.random.default_rng(3)
    values = rng.normal(50, 5, (300, 10)) + np.arange(10) * rng.normal(0, 2, (300, 1))
    values[rng.random(values.shape) < 0.25] = np.nan
    got = theil_sen_slope(values)
    for row, slope in zip(values, got):
        x = np.flatnonzero(~np.isnan(row))
        pairs = [(row[j] - row[i]) / (j - i) for a, i in enumerate(x) for j in x[a + 1:]]
        assert slope == pytest.approx(np.median(pairs)) if pairs else np.isnan(slope)


def test_row_median_matches_numpy_for_every_width_and_gap_pattern():
    rng = np.random.default_rng(5)
    for width in (1, 2, 3, 10, 45):
        a = rng.normal(size=(400, width))
        a[rng.random(a.shape) < 0.3] = np.nan
        with np.errstate(all="ignore"), pytest.warns(RuntimeWarning) if np.isnan(a).all(axis=1).any() else _null():
            expected = np.nanmedian(a, axis=1)
        np.testing.assert_allclose(row_nanmedian(a), expected, equal_nan=True)


class _null:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_projection_interval_comes_from_residual_spread():
    noisy = status_of({2020: 70.0, 2021: 73.0, 2022: 74.0, 2023: 78.0, 2024: 79.0})
    exact = status_of({2020: 70.0, 2021: 72.0, 2022: 74.0, 2023: 76.0, 2024: 78.0})
    assert noisy["trend_method"] == exact["trend_method"] == "theil_sen"
    assert noisy["projected_low"] < noisy["projected"] < noisy["projected_high"]
    assert exact["projected"] == pytest.approx(90.0)
    assert exact["projected_low"] == pytest.approx(exact["projected_high"])


def test_two_points_project_by_compound_growth_and_one_point_not_at_all():
    two = status_of({2020: 70.0, 2024: 77.0})
    assert two["trend_method"] == "cagr"
    assert two["projected"] == pytest.approx(77.0 * (77.0 / 70.0) ** (6 / 4))
    assert np.isnan(two["projected_low"])
    one = status_of({2024: 70.0})
    assert np.isnan(one["projected"]) and one["trend_method"] == ""


def test_shares_stay_within_bounds():
    rising = status_of({2020: 80.0, 2021: 85.0, 2022: 90.0, 2023: 95.0})
    assert rising["projected"] == 100.0 and rising["projected_high"] <= 100.0
    falling = pd.DataFrame([{"indicator": "参保率", "area": "a", "year": 2030, "op": "<=", "value": 1.0, "unit": "%"}])
    low = status_of({2020: 20.0, 2021: 15.0, 2022: 10.0, 2023: 5.0}, falling)
    assert low["projected"] == 0.0 and low["projected_low"] >= 0.0


def test_no_projection_once_the_milestone_has_passed():
    t2022 = pd.DataFrame([{"indicator": "参保率", "area": "a", "year": 2022, "op": ">=", "value": 90.0, "unit": "%"}])
    row = status_of({2020: 70.0, 2021: 75.0, 2022: 80.0, 2023: 85.0}, t2022)
    assert np.isnan(row["projected"])
    assert row["progress_ratio"] == pytest.approx(((85 / 70) ** (1 / 3) - 1) / ((90 / 70) ** (1 / 2) - 1))
    assert row["status"] == "进展缓慢"      # R ≈ 0.50 and no projection to lean on


def test_trend_uses_only_the_period_from_config():
    values = {2015: 95.0, 2016: 95.0, 2017: 95.0, 2020: 70.0, 2022: 74.0, 2024: 78.0}
    whole = status_of(values)
    period = status_of(values, config=AssessConfig.for_plan(2021))
    assert (period["base_year"], period["n_points"]) == (2020, 3)
    assert whole["base_year"] == 2015 and whole["status"] == "退步"
    assert period["projected"] == pytest.approx(90.0) and period["status"] == "预计达标"


def test_fit_trends_counts_and_ends():
    values = np.array([[np.nan, 1.0, 2.0, np.nan], [np.nan] * 4])
    trend = fit_trends(values)
    assert trend.count.tolist() == [2, 0]
    assert (trend.first[0], trend.last[0], trend.last_value[0]) == (1, 2, 2.0)
