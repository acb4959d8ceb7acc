"""Early warnings: projected miss, deterioration, falling back, fluctuation (robust z and
Poisson for counts), late and missing data — with their levels and sentences."""

import numpy as np
import pandas as pd
import pytest

from tianping.core.assess import assess
from tianping.core.assess.series import one_series
from tianping.core.assess.warnings import rate_change_p, robust_z_latest


def targets(*rows):
    return pd.DataFrame([{"indicator": "指标", "area": "妇女与健康", "unit": "%", **r} for r in rows])


def warn(values, *rows, year=2024, counts=None, unit="%"):
    obs = one_series(values, indicator="指标", unit=unit, counts=counts)
    return assess(obs, targets(*rows), year=year).warnings


def kinds(warnings):
    return sorted(zip(warnings["kind"].astype(str), warnings["level"].astype(str)))


STEADY = {2018: 60.0, 2019: 62.0, 2020: 64.0, 2021: 66.0, 2022: 68.0, 2023: 70.0, 2024: 72.0}


@pytest.mark.parametrize("values,milestone,goal,level", [
    (STEADY, 2026, 77.0, "yellow"),                  # 需加快 (pace 0.66, P(attain) 8 %), two years to go
    (STEADY, 2025, 76.0, "red"),                     # 进展缓慢 (pace 0.42), a year to go
    ({2020: 70.0, 2024: 72.0}, 2025, 85.0, "red"),   # 进展缓慢, a year to go
    ({2020: 70.0, 2024: 72.0}, 2026, 82.0, "orange"),
])
def test_projected_miss_levels_by_status_and_time_left(values, milestone, goal, level):
    w = warn(values, {"year": milestone, "op": ">=", "value": goal})
    miss = w[w["kind"] == "projected_miss"]
    assert miss["level"].tolist() == [level]
    assert miss["sentence"].iloc[0].startswith(f"【{ {'red': '红色', 'orange': '橙色', 'yellow': '黄色'}[level]}预警】指标按趋势预计")


def test_no_projected_miss_while_it_is_hard_to_say():
    # P(attain) 27 %: 尚难判断 — neither 预计达标 nor warned
    w = warn(STEADY, {"year": 2025, "op": ">=", "value": 74.2})
    assert w.query("kind == 'projected_miss'").empty


def test_no_projected_miss_far_from_the_milestone_or_on_track():
    assert warn({2020: 70.0, 2024: 72.0}, {"year": 2030, "op": ">=", "value": 90.0}).query(
        "kind == 'projected_miss'").empty
    assert warn({2020: 80.0, 2022: 85.0, 2024: 89.0}, {"year": 2025, "op": ">=", "value": 90.0}).query(
        "kind == 'projected_miss'").empty


def test_deterioration_is_orange_and_regression_near_a_milestone_red():
    w = warn({2020: 80.0, 2021: 78.0, 2022: 76.0, 2023: 74.0, 2024: 72.0}, {"year": 2025, "op": ">=", "value": 90.0})
    assert ("deterioration", "orange") in kinds(w)
    assert ("projected_miss", "red") in kinds(w)
    sentence = w.loc[w["kind"] == "deterioration", "sentence"].iloc[0]
    assert sentence == "【橙色预警】指标2020年以来显著向不利方向变化，2024年为72%，与目标方向相反。"


def test_falling_back_below_an_attained_target():
    w = warn({2020: 89.0, 2021: 91.0, 2022: 92.0, 2023: 91.0, 2024: 84.0}, {"year": 2030, "op": ">=", "value": 90.0})
    fell = w[w["kind"] == "fell_back"]
    assert fell["level"].tolist() == ["orange"]
    assert fell["sentence"].iloc[0] == "【橙色预警】指标曾达到“90%以上”的目标，2024年回落至84%。"
    # a district hovering at its target, just below it this year, is not told it fell back
    hovering = warn({2020: 89.5, 2021: 90.6, 2022: 89.8, 2023: 90.4, 2024: 89.6}, {"year": 2030, "op": ">=", "value": 90.0})
    assert hovering.query("kind == 'fell_back'").empty
    steady = warn({2020: 85.0, 2022: 88.0, 2024: 89.0}, {"year": 2030, "op": ">=", "value": 90.0})
    assert steady.query("kind == 'fell_back'").empty


def test_large_fluctuation_by_robust_z():
    calm = {2016 + i: v for i, v in enumerate([50.0, 51.0, 50.5, 51.5, 51.0, 52.0, 51.5, 52.5])}
    jump = {**calm, 2024: 70.0}
    usual = {**calm, 2024: 53.0}
    t = {"year": 2030, "op": ">=", "value": 60.0}
    assert ("fluctuation", "yellow") in kinds(warn(jump, t))
    assert warn(usual, t).query("kind == 'fluctuation'").empty
    drop = {**calm, 2024: 30.0}
    assert ("fluctuation", "orange") in kinds(warn(drop, t))   # the wrong way


def test_one_death_among_three_thousand_births_is_no_alarm():
    years = range(2019, 2025)
    births = {y: (0.0, 3000.0) for y in years}
    quiet = {**births, 2024: (1.0, 3000.0)}
    values = {y: n / d * 1e5 for y, (n, d) in quiet.items()}
    t = {"year": 2030, "op": "<=", "value": 9.0, "unit": "1/10万"}
    assert warn(values, t, counts=quiet, unit="1/10万").query("kind == 'fluctuation'").empty
    # the same rates without counts look like a wild jump
    assert not warn(values, t, unit="1/10万").query("kind == 'fluctuation'").empty
    # five deaths where the earlier rate expected almost none is beyond the Poisson interval
    loud = {**births, 2023: (1.0, 3000.0), 2024: (6.0, 3000.0)}
    values = {y: n / d * 1e5 for y, (n, d) in loud.items()}
    flagged = warn(values, t, counts=loud, unit="1/10万").query("kind == 'fluctuation'")
    assert flagged["level"].tolist() == ["orange"] and flagged["score"].iloc[0] < 0.01


def test_rate_change_p_values_exact_and_approximate():
    # 1 new death after none in 5 × 3,000 births: P(X ≥ 1) with X ~ Bin(1, 1/6)
    p = rate_change_p(np.array([1.0, 6.0, 800.0, 1000.0]), np.array([3000.0, 3000.0, 1e4, 1e4]),
                      np.array([0.0, 1.0, 5000.0, 5000.0]), np.array([15000.0, 15000.0, 5e4, 5e4]))
    assert p[0] == pytest.approx(2 / 6)
    assert p[1] == pytest.approx(2 * (7 * (1 / 6) ** 6 * (5 / 6) + (1 / 6) ** 7))
    assert p[2] < 1e-3 and p[3] > 0.9


def test_robust_z_needs_enough_earlier_changes():
    z, change = robust_z_latest(np.array([[1.0, 2.0, 3.0, 10.0], [1.0, 2.0, 3.0, 4.0, ][:4]]), 3)
    assert np.isnan(z).all()
    z, change = robust_z_latest(np.array([[1.0, 2.0, 3.0, 4.0, 5.0, 12.0]]), 3)
    assert change[0] == 7.0 and z[0] > 100


def test_late_and_missing_data():
    t = {"year": 2030, "op": ">=", "value": 90.0}
    assert ("late_data", "yellow") in kinds(warn({2020: 80.0, 2023: 82.0}, t, year=2024))
    assert ("late_data", "orange") in kinds(warn({2020: 80.0, 2022: 82.0}, t, year=2024))
    obs = one_series({2020: 80.0, 2024: 85.0}, indicator="指标", unit="%")
    both = targets(t, {"indicator": "未报指标", "year": 2030, "op": ">=", "value": 5.0},
                   {"indicator": "定性指标", "year": 2030, "op": "qualitative"},
                   {"indicator": "方向指标", "year": 2030, "op": "increase"})
    w = assess(obs, both).warnings
    missing = w[w["kind"] == "missing_data"]
    assert missing["indicator"].astype(str).tolist() == ["未报指标"]
    assert missing["level"].tolist() == ["red"]
    assert missing["sentence"].iloc[0] == "【红色预警】未报指标无任何监测数据，请牵头单位报送。"


def test_warning_sentences_quote_the_target_as_the_plan_does():
    """The 西岗区 annual report said "曾达到'达到100%'的目标" and, for a target the plan sets
    "在2019年基础上提高10%", "难以实现'比2020年提高10%'的目标" (the engine's first observed year,
    not the plan's base year)."""
    fell = warn({2020: 99.0, 2021: 100.0, 2022: 100.0, 2023: 100.0, 2024: 97.0}, {"year": 2030, "op": "=", "value": 100.0})
    sentence = fell.loc[fell["kind"] == "fell_back", "sentence"].iloc[0]
    assert sentence == "【橙色预警】指标曾达到“100%”的目标，2024年回落至97%。"
    missed = warn({2020: 40.6, 2021: 40.8, 2022: 41.0, 2023: 41.2, 2024: 41.3},
                  {"year": 2025, "op": "relative_increase", "value": 10.0, "base_year": 2019,
                   "text": "在2019年基础上提高10%"})
    said = " ".join(missed["sentence"])
    assert "“在2019年基础上提高10%”" in said and "比2020年" not in said, said


@pytest.mark.parametrize("unit, written", [("‰", "‰"), ("%", "%"), ("1/10万", "/10万")])
def test_projected_miss_sentence_prints_the_projection_in_its_unit(unit, written):
    """A warning has no latest value before the projection to carry the unit: it says it itself
    (a demo report read "婴儿死亡率按趋势预计2025年为4.1（3.4–4.9）", a rate with no unit)."""
    w = warn({2020: 5.0, 2021: 5.2, 2022: 5.1, 2023: 5.3, 2024: 5.4}, {"year": 2025, "op": "<=", "value": 3.0},
             unit=unit)
    sentence = w[w["kind"] == "projected_miss"]["sentence"].iloc[0]
    import re

    projected = re.search(r"按趋势预计2025年为(\d+(?:\.\d+)?)([^（，]*)(（[^）]*）)?", sentence)
    assert projected and projected.group(2) == written, sentence
    assert projected.group(3) is None or projected.group(3).endswith(f"{written}）"), sentence
