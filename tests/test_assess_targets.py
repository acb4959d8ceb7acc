"""Target evaluation for every operator of the grammar, tolerance defaults, relative,
annual-change, directional and qualitative targets."""

import numpy as np
import pandas as pd
import pytest

from tianping.core.assess import AssessConfig, assess, targets_from_plan
from tianping.core.assess.series import one_series
from tianping.core.errors import TianpingError
from tianping.core.model import OPS


def target(op, value=None, *, year=2030, upper=None, unit="%", base_year=None, tolerance=None,
           direction="", indicator="指标"):
    return {"indicator": indicator, "area": "妇女与健康", "year": year, "op": op, "value": value,
            "upper": upper, "unit": unit, "base_year": base_year, "tolerance": tolerance,
            "direction": direction}


def judge(values, *targets_, unit="%", judgements=None, config=None):
    obs = one_series(values, indicator="指标", unit=unit)
    result = assess(obs, pd.DataFrame(list(targets_)), judgements=judgements, config=config)
    return result.results


def attained(values, *targets_, unit="%"):
    return judge(values, *targets_, unit=unit)["attained"].tolist()


LEVEL_CASES = [
    # op, value, upper, latest value → attained?
    (">=", 95, None, 95.0, True), (">=", 95, None, 94.9, False),
    (">", 95, None, 95.0, False), (">", 95, None, 95.1, True),
    ("<=", 9, None, 9.0, True), ("<=", 9, None, 9.1, False),
    ("<", 9, None, 9.0, False), ("<", 9, None, 8.9, True),
    ("=", 100, None, 100.0, True), ("=", 100, None, 99.0, False),
    ("~", 45, None, 43.0, True), ("~", 45, None, 47.0, True), ("~", 45, None, 42.9, False),
    ("~", 45, None, 47.1, False),
    ("range", 1.03, 1.07, 1.05, True), ("range", 1.03, 1.07, 1.08, False), ("range", 1.03, 1.07, 1.02, False),
]


@pytest.mark.parametrize("op,value,upper,latest,expected", LEVEL_CASES)
def test_level_operators(op, value, upper, latest, expected):
    unit = "" if op == "range" else "%"
    assert attained({2020: 50.0, 2024: latest}, target(op, value, upper=upper, unit=unit), unit=unit) == [expected]


def test_about_tolerance_is_five_percent_of_the_value_when_not_a_share():
    t = target("~", 80.0, unit="岁")
    assert attained({2020: 70.0, 2024: 76.0}, t, unit="岁") == [True]    # 80 − 4
    assert attained({2020: 70.0, 2024: 75.9}, t, unit="岁") == [False]


def test_about_tolerance_configurable_per_indicator_and_globally():
    assert attained({2020: 40.0, 2024: 44.0}, target("~", 45, tolerance=0.5)) == [False]
    result = judge({2020: 40.0, 2024: 44.0}, target("~", 45), config=AssessConfig(share_tolerance_pp=0.5))
    assert result["attained"].tolist() == [False]
    assert result["tolerance"].tolist() == [0.5]


def test_equal_reads_as_at_most_when_lower_is_better():
    assert attained({2020: 12.0, 2024: 8.0}, target("=", 9, direction="down")) == [True]


def test_relative_targets_are_resolved_from_the_base_year_value():
    up = target("relative_increase", 10, base_year=2020, unit="%")
    rows = judge({2020: 50.0, 2022: 53.0, 2024: 55.0}, up, unit="%")
    assert rows["goal_value"].iloc[0] == pytest.approx(55.0)
    assert rows["attained"].tolist() == [True]
    down = target("relative_decrease", 20, base_year=2020)
    assert attained({2020: 50.0, 2024: 40.5}, down) == [False]
    assert attained({2020: 50.0, 2024: 40.0}, down) == [True]


def test_relative_target_base_is_the_next_available_year_as_sdg_build_does():
    up = target("relative_increase", 10, base_year=2020)
    rows = judge({2022: 50.0, 2024: 56.0}, up)
    assert (rows["base_year"].iloc[0], rows["goal_value"].iloc[0]) == (2022, pytest.approx(55.0))
    assert rows["status"].tolist() == ["已达标"]
    # a single value is its own base: nothing to judge yet
    assert judge({2024: 60.0}, up)["status"].tolist() == ["数据不足"]


def test_annual_change_targets_are_judged_on_the_pace_kept():
    # fall by 0.5 points a year from 2020: 2024 must be ≤ 18, 2030 goal 15
    t = target("annual_decrease", 0.5, base_year=2020, unit="个百分点", direction="down")
    assert attained({2020: 20.0, 2024: 18.0}, t) == [True]
    assert attained({2020: 20.0, 2024: 18.5}, t) == [False]
    assert judge({2020: 20.0, 2024: 18.0}, t)["goal_value"].iloc[0] == pytest.approx(15.0)
    rel = target("annual_relative_increase", 10, base_year=2020, unit="%")
    assert attained({2020: 100.0, 2022: 121.0}, rel, unit="") == [True]
    assert attained({2020: 100.0, 2022: 120.0}, rel, unit="") == [False]


def test_directional_targets_use_the_robust_trend_sign_and_size():
    up = target("increase", unit="")
    assert judge({2020: 50.0, 2021: 51.0, 2022: 52.0, 2023: 53.0}, up)["status"].tolist() == ["已达标"]
    assert judge({2020: 50.0, 2021: 50.1, 2022: 50.0, 2023: 50.1}, up)["status"].tolist() == ["进展缓慢"]
    assert judge({2020: 50.0, 2021: 49.0, 2022: 48.0, 2023: 47.0}, up)["status"].tolist() == ["退步"]
    # one wild year makes the trend uncertain: no claim either way (the t test, not a robust slope)
    spiky = {2020: 50.0, 2021: 51.0, 2022: 20.0, 2023: 53.0, 2024: 54.0}
    assert judge(spiky, up)["status"].tolist() == ["进展缓慢"]
    assert judge({2020: 50.0}, up)["status"].tolist() == ["数据不足"]


def test_qualitative_targets_wait_for_a_judgement_that_then_counts():
    q = target("qualitative", unit="")
    rows = judge({2020: 1.0}, q)
    assert rows["status"].tolist() == ["待评估"] and rows["attained"].isna().all()
    for word, status, counted in (("达标", "已达标", True), ("基本达标", "已达标", True), ("未达标", "未达标", False)):
        judgements = pd.DataFrame({"indicator": ["指标"], "judgement": [word]})
        obs = one_series({2020: 1.0}, indicator="指标")
        result = assess(obs, pd.DataFrame([q]), judgements=judgements)
        assert result.results["status"].tolist() == [status]
        rate = result.attainment_rate(by=())
        assert rate["assessable"].tolist() == [1] and rate["attained"].tolist() == [int(counted)]
    strict = AssessConfig(basically_attained_counts=False)
    judgements = pd.DataFrame({"indicator": ["指标"], "judgement": ["基本达标"]})
    result = assess(one_series({2020: 1.0}, indicator="指标"), pd.DataFrame([q]), judgements=judgements,
                    config=strict)
    assert result.attainment_rate(by=())["attained"].tolist() == [0]


def test_every_operator_of_the_grammar_is_evaluated():
    specs = {"range": dict(value=40, upper=60), "qualitative": {}, "increase": {}, "decrease": {}}
    rows = [target(op, **specs.get(op, dict(value=5.0)), base_year=2020 if "relative" in op or "annual" in op else None)
            for op in OPS]
    result = judge({2020: 50.0, 2021: 51.0, 2022: 52.5, 2023: 53.0}, *rows)
    assert sorted(result["op"].astype(str)) == sorted(OPS)
    assert not result["status"].isna().any()


def test_unknown_operator_and_missing_value_are_named_errors():
    with pytest.raises(TianpingError, match="无法识别的目标运算符"):
        judge({2020: 1.0}, target("≥", 5))
    with pytest.raises(TianpingError, match="缺少目标值"):
        judge({2020: 1.0}, target(">=", None))


def test_duplicate_observations_are_an_error_naming_the_row():
    obs = one_series({2020: 1.0, 2021: 2.0}, indicator="指标")
    obs = pd.concat([obs, obs.iloc[[1]]], ignore_index=True)
    with pytest.raises(TianpingError, match="第3行.*重复|重复.*2021"):
        assess(obs, pd.DataFrame([target(">=", 5)]))


def test_targets_from_a_parsed_seed_plan(seed_paths):
    from tianping.core.readers import parse_document

    plan = parse_document(seed_paths[0])[0]
    table = targets_from_plan(plan)
    assert len(table) > 20
    assert set(table["op"]) <= set(OPS)
    mmr = table[table["indicator"] == "孕产妇死亡率"]
    assert set(zip(mmr["year"], mmr["op"], mmr["value"])) >= {(2025, "<=", 9.0)}
    assert (table.loc[table["op"].isin([">=", ">"]), "direction"] == "up").all()


def test_leaving_an_about_band_the_wrong_way_is_regression():
    rows = judge({2020: 45.0, 2021: 46.4, 2022: 47.5, 2023: 48.6, 2024: 50.0}, target("~", 45))
    assert rows["direction"].tolist() == ["down"]          # back toward the band from above
    assert rows["goal_value"].tolist() == [47.0]
    assert rows["status"].tolist() == ["退步"]


def test_bare_reach_reads_as_at_least():
    rows = judge({2020: 90.0, 2024: 96.0}, target("=", 95))
    assert rows["direction"].tolist() == ["up"] and rows["attained"].tolist() == [True]


def test_blank_dimensions_may_be_missing_values_or_categoricals():
    obs = one_series({2020: 80.0, 2024: 96.0}, indicator="指标", unit="%")
    as_nan = obs.assign(sex=None, age=np.nan)
    as_cat = obs.assign(sex=pd.Categorical([None, None], categories=["女", "男"]))
    for frame in (as_nan, as_cat):
        rows = assess(frame, pd.DataFrame([target(">=", 95)])).results
        assert rows["sex"].astype(str).tolist() == [""] and rows["attained"].tolist() == [True]


def test_a_comparison_without_a_number_is_judged_by_its_direction():
    from tianping.core.model import Area, Goal, Indicator, Plan, Target

    relative_to_other = Target(year=2030, op=">=", value=None, kind="directional",
                               text="不低于本地区党员总数中女性比例")
    unclear = Target(year=2030, op="~", value=None, text="保持均衡")
    plan = Plan(title="t", kind="women", areas=[Area(number=1, name="妇女参与决策和管理", goals=[Goal(
        number=1, text="", indicators=[Indicator(name="女党员代表比例", direction="up", targets=[relative_to_other]),
                                       Indicator(name="性别比", targets=[unclear])])])])
    table = targets_from_plan(plan).set_index("indicator")
    assert table.loc["女党员代表比例", "op"] == "increase"
    assert table.loc["性别比", "op"] == "qualitative"


def test_a_fraction_target_of_a_share_is_judged_in_percent():
    """"保证1/2以上的领导班子配备女干部" (0.5, no unit) of an indicator the data measure in %:
    47 % misses 50 % (seed 002 women's plan read it as met: 47 ≥ 0.5)."""
    result = judge({2020: 42.4, 2024: 47.0}, target(">=", 0.5, unit=""))
    assert result["attained"].tolist() == [False]
    assert result["target_value"].tolist() == [50.0] and result["target_unit"].tolist() == ["%"]
    assert "50%以上" in result["sentence"].iloc[0]
    assert attained({2020: 42.4, 2024: 51.0}, target(">=", 0.5, unit="")) == [True]
    # a unitless indicator keeps its fraction: 0.47 against 0.5
    assert attained({2020: 0.42, 2024: 0.47}, target(">=", 0.5, unit=""), unit="") == [False]
