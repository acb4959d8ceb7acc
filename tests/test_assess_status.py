"""Statuses and their boundaries; projection (log/logit OLS, t interval, bounds) — issue 13."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from tianping.core.assess import AssessConfig, assess
from tianping.core.assess.projection import (
    IDENTITY,
    LOG,
    LOGIT,
    fit_trends,
    project,
    row_nanmedian,
    t_quantile,
)
from tianping.core.assess.series import one_series
from tianping.core.assess.status import (
    STATUS_TABLE,
    STATUSES,
    Verdict,
    directional_status,
    numeric_status,
)

AT_LEAST_90 = pd.DataFrame([{"indicator": "参保率", "area": "妇女与社会保障", "year": 2030, "op": ">=",
                             "value": 90.0, "unit": "%"}])
FLOOR = np.array([0.02, 0.03, 0.07])


def status_of(values, targets=AT_LEAST_90, **kw):
    result = assess(one_series(values, indicator="参保率", unit="%"), targets, **kw)
    return result.results.iloc[0]


@pytest.mark.parametrize("values,expected", [
    ({2020: 70.0, 2024: 91.0}, "已达标"),
    ({2020: 70.0, 2021: 74.0, 2022: 78.0, 2023: 82.0, 2024: 86.0}, "预计达标"),
    ({2020: 70.0, 2024: 72.0}, "进展缓慢"),
    ({2020: 70.0, 2021: 69.5, 2022: 69.2, 2023: 68.4, 2024: 68.0}, "退步"),
    ({2024: 70.0}, "未达标"),
    ({}, "数据不足"),
])
def test_each_numeric_status(values, expected):
    if not values:
        other = one_series({2024: 1.0}, indicator="其他", unit="%")
        row = assess(other, AT_LEAST_90, year=2024).results.query("indicator == '参保率'").iloc[0]
        assert row["status"] == expected
        return
    assert status_of(values)["status"] == expected


def test_pending_for_qualitative():
    q = pd.DataFrame([{"indicator": "参保率", "area": "a", "year": 2030, "op": "qualitative"}])
    assert status_of({2024: 1.0}, q)["status"] == "待评估"


def test_the_status_table_is_complete_and_consistent():
    assert len({s.label for s in STATUS_TABLE}) == len(STATUS_TABLE) == len(STATUSES)
    assert all(s.assessable for s in STATUS_TABLE if s.attained)
    assert {s.label for s in STATUS_TABLE if s.final} == {"已实现", "未实现"}


def codes(statuses):
    return [STATUSES[c] for c in statuses]


def verdict(**over):
    n = 1
    base = dict(has_data=np.ones(n, bool), final=np.zeros(n, bool), attained=np.zeros(n, bool),
                missed=np.ones(n, bool), single=np.zeros(n, bool), p_attain=np.array([0.5]),
                pace=np.array([0.7]), worse=np.zeros(n, bool))
    base.update({k: np.atleast_1d(v) for k, v in over.items()})
    return Verdict(**base)


@pytest.mark.parametrize("over,expected", [
    ({"has_data": False}, "数据不足"),
    ({"final": True, "attained": True, "missed": False}, "已实现"),
    ({"final": True}, "未实现"),
    ({"attained": True, "missed": False}, "已达标"),
    ({"missed": False}, "例数过少"),                      # neither attained nor missed: the interval holds the target
    ({"single": True}, "未达标"),
    ({"p_attain": 0.8}, "预计达标"),
    ({"p_attain": 0.8 - 1e-9}, "尚难判断"),
    ({"p_attain": 0.2}, "尚难判断"),
    ({"p_attain": 0.2 - 1e-9, "pace": 0.6}, "需加快"),
    ({"p_attain": 0.1, "pace": 0.6 - 1e-9}, "进展缓慢"),
    ({"p_attain": 0.1, "pace": np.nan}, "进展缓慢"),
    ({"p_attain": 0.1, "worse": True}, "退步"),
])
def test_numeric_status_boundaries(over, expected):
    assert codes(numeric_status(verdict(**over), AssessConfig())) == [expected]


def test_direction_boundaries_are_the_t_test():
    cfg = AssessConfig()
    count = np.array([6, 6, 6, 6, 2])
    critical = t_quantile(1 - cfg.trend_alpha / 2, np.array([4.0]))[0]
    t = np.array([critical, critical - 1e-6, -critical + 1e-6, -critical, 9.0])
    assert codes(directional_status(t, count, count - 2.0, cfg)) == ["已达标", "进展缓慢", "进展缓慢", "退步", "数据不足"]


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


def test_rates_are_fitted_on_the_log_scale_as_ordinary_least_squares():
    rng = np.random.default_rng(7)
    values = 20 * np.exp(-0.05 * np.arange(9)) * np.exp(rng.normal(0, 0.05, (50, 9)))
    values[rng.random(values.shape) < 0.2] = np.nan
    trend = fit_trends(values, np.full(50, np.inf), FLOOR, 2.0)
    assert (trend.kind == LOG).all()
    for i, row in enumerate(values):
        x = np.flatnonzero(~np.isnan(row))
        fit = stats.linregress(x, np.log(row[x]))
        assert trend.slope[i] == pytest.approx(fit.slope)
        # the test's spread: residual SD of the line through the years before the latest
        before = stats.linregress(x[:-1], np.log(row[x[:-1]]))
        resid = np.log(row[x[:-1]]) - (before.intercept + before.slope * x[:-1])
        s_before = np.sqrt((resid ** 2).sum() / (len(x) - 3))
        expected = fit.slope / (s_before / np.sqrt(((x - x.mean()) ** 2).sum()))
        if len(x) >= 4:
            assert trend.t_stat()[i] == pytest.approx(expected)
        else:
            assert np.isnan(trend.t_stat()[i])


def test_the_interval_is_t_with_a_shrunk_spread_and_exists_for_two_points():
    values = np.array([[12.0, np.nan, np.nan, 10.5]])
    trend = fit_trends(values, np.array([np.inf]), FLOOR, 2.0)
    assert trend.df[0] == 2.0 and trend.s[0] == pytest.approx(0.03)      # prior alone: floor, prior_df df
    p = project(trend, np.array([0]), np.array([5.0]), 0.8)
    assert p.low[0] < p.point[0] < p.high[0]
    half = np.log(p.high[0]) - np.log(p.point[0])
    assert half == pytest.approx(stats.t.ppf(0.9, 2) * p.se[0])


def test_a_straight_series_still_gets_an_interval():
    exact = status_of({2020: 70.0, 2021: 72.0, 2022: 74.0, 2023: 76.0, 2024: 78.0})
    assert exact["trend_method"] == "logit"
    assert exact["projected_low"] < exact["projected"] < exact["projected_high"]


def test_one_point_has_no_projection():
    one = status_of({2024: 70.0})
    assert np.isnan(one["projected"]) and one["trend_method"] == ""


def test_shares_stay_within_bounds_and_rates_above_zero():
    rising = status_of({2020: 80.0, 2021: 85.0, 2022: 90.0, 2023: 95.0})
    assert 95.0 < rising["projected"] < 100.0 and rising["projected_high"] <= 100.0
    assert rising["projected_low"] < rising["projected_high"]
    falling = pd.DataFrame([{"indicator": "参保率", "area": "a", "year": 2030, "op": "<=", "value": 1.0, "unit": "%"}])
    low = status_of({2020: 20.0, 2021: 15.0, 2022: 10.0, 2023: 5.0}, falling)
    assert 0.0 < low["projected"] < 5.0 and 0.0 <= low["projected_low"] < low["projected"]


def test_no_projection_once_the_milestone_has_passed():
    t2022 = pd.DataFrame([{"indicator": "参保率", "area": "a", "year": 2022, "op": ">=", "value": 90.0, "unit": "%"}])
    row = status_of({2020: 70.0, 2021: 75.0, 2022: 80.0, 2023: 85.0}, t2022)
    assert np.isnan(row["projected"])
    assert row["status"] == "未实现" and row["latest_year"] == 2022 and row["latest_value"] == 80.0


def test_trend_uses_only_the_period_from_config():
    values = {2015: 95.0, 2016: 95.0, 2017: 95.0, 2020: 70.0, 2022: 74.0, 2024: 78.0}
    whole = status_of(values)
    period = status_of(values, config=AssessConfig.for_plan(2021))
    assert (period["base_year"], period["n_points"]) == (2020, 3)
    # the whole run (95, 95, 95, then 70 → 78) has no significant trend either way
    assert whole["base_year"] == 2015 and whole["status"] == "进展缓慢"
    # 70 → 78 in four years on the logit scale reaches ~87 by 2030, short of 90 (a straight line on
    # the level would promise exactly 90): moving the right way, not fast enough
    assert period["status"] == "需加快" and 85.0 < period["projected"] < 90.0


def test_fit_trends_counts_and_ends():
    values = np.array([[np.nan, 1.0, 2.0, np.nan], [np.nan] * 4])
    trend = fit_trends(values, np.array([100.0, 100.0]), FLOOR, 2.0)
    assert trend.count.tolist() == [2, 0]
    assert (trend.first[0], trend.last[0], trend.last_value[0]) == (1, 2, 2.0)
    # a share of 1 % rising leaves its floor: projected on the level (projection._moving_away_from_bound)
    assert trend.kind[0] == IDENTITY
    falling = fit_trends(np.array([[np.nan, 2.0, 1.0, np.nan]]), np.array([100.0]), FLOOR, 2.0)
    assert falling.kind[0] == LOGIT                 # one falling toward 0 saturates: the logit scale
