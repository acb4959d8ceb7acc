"""达标率, gender gaps, development index and the district → city roll-up."""

import numpy as np
import pandas as pd
import pytest

from tianping.core.assess import applicable_targets, assess, attainment_rate, rollup
from tianping.core.assess.series import one_series


def district_data():
    rows = [
        one_series({2020: 80.0, 2024: 96.0}, indicator="住院分娩率", region="甲区", unit="%"),   # attained
        one_series({2020: 80.0, 2024: 82.0}, indicator="住院分娩率", region="乙区", unit="%"),   # slow
        one_series({2020: 12.0, 2024: 8.0}, indicator="孕产妇死亡率", region="甲区", unit="1/10万"),
        one_series({2020: 60.0, 2024: 66.0}, indicator="就业比例", region="甲区", sex="女", unit="%"),
        one_series({2020: 70.0, 2024: 72.0}, indicator="就业比例", region="甲区", sex="男", unit="%"),
    ]
    targets = pd.DataFrame([
        {"indicator": "住院分娩率", "area": "妇女与健康", "year": 2030, "op": ">=", "value": 95.0, "unit": "%"},
        {"indicator": "孕产妇死亡率", "area": "妇女与健康", "year": 2030, "op": "<=", "value": 9.0, "unit": "1/10万"},
        {"indicator": "就业比例", "area": "妇女与经济", "year": 2030, "op": ">=", "value": 70.0, "unit": "%"},
        {"indicator": "制度建设", "area": "妇女与经济", "year": 2030, "op": "qualitative"},
    ])
    return pd.concat(rows, ignore_index=True), targets


def test_attainment_rate_per_area_and_overall_counts_headline_series():
    obs, targets = district_data()
    result = assess(obs, targets)
    per_area = result.attainment_rate().set_index(["region", "area"])
    assert per_area.loc[("甲区", "妇女与健康"), ["targets", "assessable", "attained"]].tolist() == [2, 2, 2]
    # 就业比例 has no total: the female series stands for it; 制度建设 is not yet judged
    assert per_area.loc[("甲区", "妇女与经济"), ["targets", "assessable", "attained"]].tolist() == [2, 1, 0]
    assert per_area.loc[("乙区", "妇女与健康"), "rate"] == 0.0
    overall = result.attainment_rate(by=("region",)).set_index("region")
    assert overall.loc["甲区", "rate"] == pytest.approx(2 / 3)
    everyone = attainment_rate(result.results, by=())
    assert everyone[["assessable", "attained"]].values.tolist() == [[4, 2]]


def test_gender_gaps_f_minus_m_and_f_over_m():
    obs, targets = district_data()
    gaps = assess(obs, targets).gender_gaps()
    row = gaps.set_index("indicator").loc["就业比例"]
    assert (row["female"], row["male"], row["gap"]) == (66.0, 72.0, -6.0)
    assert row["ratio"] == pytest.approx(66 / 72)
    assert bool(row["same_year"])
    # women +1.5 a year (60 → 66), men +0.5 (70 → 72): the gap of −6 closes by 1.0 a year, but two
    # points per series allow no test, so the trend is not called
    assert row["gap_change"] == pytest.approx(1.0) and row["trend"] == ""


def test_development_index_is_progress_toward_target_averaged_per_area():
    obs, targets = district_data()
    index = assess(obs, targets).development_index().set_index(["region", "area"])["index"]
    # 甲区 health: both attained → 100; economy: 就业比例(女) covered (66−60)/(70−60) = 60 %
    assert index[("甲区", "妇女与健康")] == 100.0
    assert index[("甲区", "妇女与经济")] == pytest.approx(60.0)
    assert index[("甲区", "全部")] == pytest.approx(80.0)
    assert index[("乙区", "妇女与健康")] == pytest.approx((82 - 80) / (95 - 80) * 100)


def test_rollup_sums_numerators_and_denominators_never_averages_rates():
    small = one_series({2023: 0.0, 2024: 100.0}, indicator="孕产妇死亡率", region="甲区", unit="1/10万",
                       counts={2023: (0.0, 1000.0), 2024: (1.0, 1000.0)})
    large = one_series({2023: 10.0, 2024: 10.0}, indicator="孕产妇死亡率", region="乙区", unit="1/10万",
                       counts={2023: (3.0, 30000.0), 2024: (3.0, 30000.0)})
    share = one_series({2024: 90.0}, indicator="产前检查率", region="甲区", unit="%")
    city = rollup(pd.concat([small, large, share], ignore_index=True), {"甲区": "某市", "乙区": "某市"})
    row = city[city["year"] == 2024].iloc[0]
    assert (row["region"], row["numerator"], row["denominator"]) == ("某市", 4.0, 31000.0)
    assert row["value"] == pytest.approx(4 / 31000 * 1e5)          # not (100 + 10) / 2
    assert bool(row["complete"]) and row["districts"] == 2
    assert city.attrs["not_rollable"] == ["产前检查率"]
    partial = rollup(large, {"甲区": "某市", "乙区": "某市"})
    assert not partial["complete"].any()


def test_rolled_up_city_series_can_be_assessed():
    small = one_series({2020: 0.0, 2024: 0.0}, indicator="孕产妇死亡率", region="甲区", unit="1/10万",
                       counts={2020: (0.0, 1000.0), 2024: (0.0, 1000.0)})
    large = one_series({2020: 12.0, 2024: 10.0}, indicator="孕产妇死亡率", region="乙区", unit="1/10万",
                       counts={2020: (6.0, 50000.0), 2024: (5.0, 50000.0)})
    city = rollup(pd.concat([small, large]), {"甲区": "某市", "乙区": "某市"})
    targets = pd.DataFrame([{"indicator": "孕产妇死亡率", "area": "健康", "year": 2030, "op": "<=", "value": 9.0}])
    row = assess(city, targets).results.iloc[0]
    assert row["latest_value"] == pytest.approx(5 / 51000 * 1e5)
    assert not np.isnan(row["progress_ratio"])


def two_rule_frame():
    """Where the two old rules differed. 住院分娩率 has 2025 and 2030 targets; the others
    only 2030; 保健品抽检合格率 states a binding and an aspirational 2030 target; 制度建设
    is qualitative and judged 达标. Hand count at mid-term (2025): 住院分娩率 96 ≥ 95 yes,
    产前检查率 92 ≥ 90 yes, 母乳喂养率 40 < 50 no, 制度建设 yes, 抽检合格率 99 ≥ 98 yes → 4 of 5.
    At 2030: 住院分娩率 96 < 98 no → 3 of 5. The old per-target count gave 1 of 1 (2025)
    and 3 of 6 (2030: the 力争100% row counted as a sixth target, missed)."""
    obs = pd.concat([
        one_series({2020: 90.0, 2024: 96.0}, indicator="住院分娩率", region="甲区", unit="%"),
        one_series({2020: 85.0, 2024: 92.0}, indicator="产前检查率", region="甲区", unit="%"),
        one_series({2020: 38.0, 2024: 40.0}, indicator="母乳喂养率", region="甲区", unit="%"),
        one_series({2020: 97.0, 2024: 99.0}, indicator="保健品抽检合格率", region="甲区", unit="%"),
    ], ignore_index=True)
    health, other = "妇女与健康", "妇女与环境"
    targets = pd.DataFrame([
        {"indicator": "住院分娩率", "area": health, "year": 2025, "op": ">=", "value": 95.0, "unit": "%"},
        {"indicator": "住院分娩率", "area": health, "year": 2030, "op": ">=", "value": 98.0, "unit": "%"},
        {"indicator": "产前检查率", "area": health, "year": 2030, "op": ">=", "value": 90.0, "unit": "%"},
        {"indicator": "母乳喂养率", "area": health, "year": 2030, "op": ">=", "value": 50.0, "unit": "%"},
        {"indicator": "制度建设", "area": other, "year": 2030, "op": "qualitative"},
        {"indicator": "保健品抽检合格率", "area": other, "year": 2030, "op": ">=", "value": 98.0, "unit": "%"},
        {"indicator": "保健品抽检合格率", "area": other, "year": 2030, "op": "=", "value": 100.0, "unit": "%"},
    ])
    judgements = pd.DataFrame({"indicator": ["制度建设"], "judgement": ["达标"]})
    return assess(obs, targets, judgements=judgements)


def counts(frame, **where):
    for column, value in where.items():
        frame = frame[frame[column] == value]
    assert len(frame) == 1
    return frame[["targets", "assessable", "attained"]].iloc[0].tolist()


def test_attainment_rate_counts_indicators_at_the_milestone_that_applies():
    result = two_rule_frame()
    overall = result.attainment_rate(by=())
    assert counts(overall, milestone=2025) == [5, 5, 4]
    assert counts(overall, milestone=2030) == [5, 5, 3]
    assert overall.set_index("milestone")["rate"].to_dict() == {2025: 0.8, 2030: 0.6}
    per_area = result.attainment_rate(by=("area",), milestone=2025)
    assert counts(per_area, area="妇女与健康") == [3, 3, 2]
    assert counts(per_area, area="妇女与环境") == [2, 2, 2]
    # an evaluation year between milestones (annual report 2024) takes the 2025 targets
    assert counts(result.attainment_rate(by=(), milestone=2024), milestone=2024) == [5, 5, 4]
    # the rows counted: one per indicator, the binding (first stated) target of 抽检合格率
    chosen = applicable_targets(result.results, 2025).set_index("indicator")
    assert chosen["milestone"].to_dict() == {"住院分娩率": 2025, "产前检查率": 2030, "母乳喂养率": 2030,
                                             "保健品抽检合格率": 2030, "制度建设": 2030}
    assert chosen.loc["保健品抽检合格率", "target_value"] == 98.0
    # the per-target variant keeps the old count
    by_target = result.attainment_rate(by=(), per="target")
    assert counts(by_target, milestone=2025) == [1, 1, 1]
    assert counts(by_target, milestone=2030) == [6, 6, 3]


def test_attainment_rate_reads_a_stored_frame_keyed_by_indicator_id():
    """The web stores results without the indicator's name: indicator_id stands in."""
    results = two_rule_frame().results
    ids = {name: k for k, name in enumerate(results["indicator"].astype(object).unique())}
    stored = pd.DataFrame({"area": results["area"].astype(object), "headline": results["headline"],
                           "milestone": results["milestone"], "status": results["status"].astype(object),
                           "judgement": results["judgement"].astype(object),
                           "indicator_id": results["indicator"].astype(object).map(ids)})
    assert counts(attainment_rate(stored, by=()), milestone=2025) == [5, 5, 4]
    with pytest.raises(ValueError, match="indicator"):
        attainment_rate(stored.drop(columns="indicator_id"), by=())


def test_the_trend_of_a_gender_gap_is_a_test_of_the_two_slopes():
    from tianping.core.assess import gender_gaps

    def pair(indicator, female, male, slope_f, slope_m, t=8.0, n=6, pooled=0):
        return [{"region": "甲区", "indicator": indicator, "age": "", "residence": "", "sex": sex, "latest_year": 2024,
                 "latest_value": value, "unit": "%", "trend_slope": slope, "trend_t": t, "n_points": n,
                 "pooled_years": pooled}
                for sex, value, slope in (("女", female, slope_f), ("男", male, slope_m))]

    frame = pd.DataFrame(
        pair("甲", 60.0, 70.0, 0.5, 1.5)                  # se 0.06 and 0.19: a change of 1.0 is real
        + pair("乙", 70.0, 70.0, 0.2, 0.0)                 # no gap: a real change opens one
        + pair("丙", 65.0, 60.0, 1.0, 1.0)                 # equal slopes
        + pair("丁", 65.0, 60.0, None, 1.0)                # one slope unknown
        + pair("戊", 60.0, 70.0, 0.5, 1.5, t=1.5)          # noisy series: se 0.33 and 1.0, not significant
        + pair("己", 65.0, 60.0, 1.2, 1.0, n=3)            # three points: no test possible
        + pair("庚", 60.0, 70.0, 1.5, 0.5, pooled=3))      # rare events judged on pooled counts
    trend = gender_gaps(frame).set_index("indicator")["trend"]
    assert trend.to_dict() == {"甲": "扩大", "乙": "扩大", "丙": "无明显变化", "丁": "", "戊": "无明显变化",
                               "己": "", "庚": "例数过少"}


def test_a_gender_gap_in_noise_is_not_called_widening():
    """Simulated truth: both sexes share one flat rate; the sign of the slope difference is a
    coin toss, so a sign rule calls ~all of them 扩大/缩小. The test must call few."""
    rng = np.random.default_rng(7)
    years = {y: 0 for y in range(2018, 2025)}
    rows = []
    for k in range(200):
        for sex in ("女", "男"):
            for y in years:
                rows.append({"region": "甲区", "indicator": f"指标{k}", "sex": sex, "age": "", "residence": "",
                             "year": y, "value": 80 + rng.normal(0, 1.5)})
    obs = pd.DataFrame(rows)
    targets = pd.DataFrame([{"indicator": f"指标{k}", "year": 2030, "op": ">=", "value": 90.0, "unit": "%"}
                            for k in range(200)])
    gaps = assess(obs, targets, year=2024).gender_gaps()
    called = gaps["trend"].isin(["扩大", "缩小"]).mean()
    assert len(gaps) == 200 and called < 0.1
