"""Progress ratio: Open SDG ProgressMeasure method 2, its edge cases, and the worked check."""

import numpy as np
import pandas as pd
import pytest

from tianping.core.assess import assess
from tianping.core.assess.progress import METHODS, progress_ratio


def mmr(values: dict[int, float]) -> pd.DataFrame:
    return pd.DataFrame({"region": "西岗区", "indicator": "孕产妇死亡率", "year": list(values),
                         "sex": "", "age": "", "residence": "", "value": list(values.values()),
                         "numerator": np.nan, "denominator": np.nan, "unit": "1/10万"})


MMR_TARGETS = pd.DataFrame([
    {"indicator": "孕产妇死亡率", "area": "妇女与健康", "year": 2025, "op": "<=", "value": 9, "unit": "1/10万"},
    {"indicator": "孕产妇死亡率", "area": "妇女与健康", "year": 2030, "op": "<=", "value": 8, "unit": "1/10万"},
])


def test_worked_check_maternal_mortality():
    result = assess(mmr({2020: 12.0, 2023: 10.5}), MMR_TARGETS).results.set_index("milestone")
    assert result.loc[2025, "progress_ratio"] == pytest.approx(0.78, abs=0.005)
    assert result.loc[2030, "progress_ratio"] == pytest.approx(1.10, abs=0.006)
    # every component kept for display
    row = result.loc[2025]
    assert (row.base_year, row.base_value, row.latest_year, row.latest_value, row.goal_value) == (2020, 12.0, 2023, 10.5, 9.0)
    assert row.cagr_observed == pytest.approx((10.5 / 12) ** (1 / 3) - 1)
    assert row.cagr_required == pytest.approx((9 / 12) ** (1 / 5) - 1)
    # the label follows the status (one model decides both; Open SDG's ratio is kept beside it)
    assert result.loc[2025, "progress_label"] == "limited_progress"
    assert result.loc[2030, "progress_label"] == "moderate_progress"


def test_worked_check_sentence_and_two_point_projection():
    result = assess(mmr({2020: 12.0, 2023: 10.5}), MMR_TARGETS).results.set_index("milestone")
    assert result.loc[2025, "trend_method"] == "log"
    # log scale, two points: log-linear slope, one year of damping (0.9) to 2025 → 0.9 + 0.81 steps
    slope = np.log(10.5 / 12) / 3
    assert result.loc[2025, "projected"] == pytest.approx(10.5 * np.exp(slope * 1.71))
    # two points get an interval too (prior spread, t with prior_df degrees of freedom)
    assert result.loc[2025, "projected_low"] < result.loc[2025, "projected"] < result.loc[2025, "projected_high"]
    # fitted pace 58 % of what 2025 needs: 进展缓慢; 2030 P(attain) 29 %: between 20 % and 80 %
    assert result.loc[2025, "status"] == "进展缓慢"
    assert result.loc[2030, "status"] == "尚难判断"
    assert result.loc[2025, "sentence"] == (
        "孕产妇死亡率2023年为10.5/10万，较2020年的12/10万进展缓慢，按趋势的进展速度为所需速度的58%，"
        "难以实现2025年“9/10万以下”的目标。")
    assert result.loc[2030, "sentence"] == (
        "孕产妇死亡率2023年为10.5/10万，按趋势预计2030年为8.5/10万（80%预测区间7.1–10.2/10万），达标概率约29%，"
        "能否实现“8/10万以下”的目标尚难判断。")


def test_sentence_with_a_projection_interval():
    four = mmr({2020: 12.0, 2021: 11.2, 2022: 11.1, 2023: 10.5})
    row = assess(four, MMR_TARGETS).results.set_index("milestone").loc[2030]
    low, high = row.projected_low, row.projected_high
    assert low < row.projected < high
    assert row.sentence.startswith("孕产妇死亡率2023年为10.5/10万，按趋势预计2030年为")
    interval = f"（80%预测区间{low:.1f}–{high:.1f}/10万）".replace(".0–", "–").replace(".0/", "/")
    assert interval in row.sentence


def ratio(base, latest, goal, direction, base_year=2020, latest_year=2023, target_year=2025):
    a = lambda v: np.array([v], dtype=float)  # noqa: E731
    return progress_ratio(a(base), a(base_year), a(latest), a(latest_year), a(goal), a(target_year),
                          a(direction))


def test_zero_base_is_replaced_as_sdg_build_does():
    r, observed, _, method = ratio(0.0, 5.0, 10.0, +1)
    assert METHODS[method[0]] == "cagr"
    assert observed[0] == pytest.approx((5 / 0.001) ** (1 / 3) - 1)
    assert r[0] > 1


def test_zero_target_is_replaced_as_sdg_build_does():
    _, _, required, _ = ratio(4.0, 2.0, 0.0, -1)
    assert required[0] == pytest.approx((0.001 / 4) ** (1 / 5) - 1)


def test_wrong_way_base_moving_further_away_is_deterioration():
    # lower is better, target 9; base 8 already met it, latest 10 has moved away
    r, *_ = ratio(8.0, 10.0, 9.0, -1)
    assert r[0] < 0


def test_sign_change_falls_back_to_linear_pace():
    r, observed, _, method = ratio(-2.0, 1.0, 4.0, +1)
    assert np.isnan(observed[0]) and METHODS[method[0]] == "linear"
    assert r[0] == pytest.approx((1 - -2) / (4 - -2) * 5 / 3)


def test_no_ratio_without_a_year_between_base_and_latest():
    r, _, _, method = ratio(5.0, 6.0, 9.0, +1, latest_year=2020)
    assert np.isnan(r[0]) and METHODS[method[0]] == ""


@pytest.mark.parametrize("latest, expected", [(5.0, 1.0), (4.6, 1.0), (5.4, -1.0)])
def test_base_already_at_the_goal_is_on_pace_or_moving_away(latest, expected):
    # 婴儿死亡率 5.0‰ in the base year against ≤5‰: no growth is required, so the
    # compound ratio is undefined (it used to divide by ~0 and print 7e10).
    r, _, required, method = ratio(5.0, latest, 5.0, -1)
    assert np.isnan(required[0]) and METHODS[method[0]] == "linear"
    assert r[0] == expected
