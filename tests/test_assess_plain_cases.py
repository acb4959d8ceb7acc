"""Issue 13: the plain cases an official reads aloud — each verdict checked against the
numbers by hand."""

import numpy as np
import pandas as pd
import pytest

from tianping.core.assess import assess, attainment_rate, rollup
from tianping.core.assess.rare import garwood
from tianping.core.assess.series import one_series

MMR = "孕产妇死亡率"


def targets(op, value, years=(2025, 2030), unit="1/10万", direction="down", indicator=MMR):
    return pd.DataFrame([{"indicator": indicator, "area": "健康", "year": y, "op": op, "value": value,
                          "unit": unit, "direction": direction} for y in years])


def test_three_deaths_in_fifteen_thousand_births_are_too_few_to_judge():
    deaths = dict(zip(range(2020, 2025), (0, 1, 0, 0, 2)))
    obs = one_series({y: k / 3000 * 1e5 for y, k in deaths.items()}, indicator=MMR, unit="1/10万",
                     counts={y: (k, 3000) for y, k in deaths.items()})
    a = assess(obs, targets("<=", 10), year=2024)
    row = a.results.iloc[0]
    low, high = garwood(np.array([3.0]), 0.95)
    assert row["pooled_value"] == pytest.approx(20.0)
    assert (row["pooled_low"], row["pooled_high"]) == pytest.approx((low[0] / 15000 * 1e5, high[0] / 15000 * 1e5))
    assert row["pooled_low"] == pytest.approx(4.12, abs=0.01) and row["pooled_high"] == pytest.approx(58.4, abs=0.1)
    assert set(a.results["status"]) == {"例数过少"}           # 10 lies inside 4.1–58.4: neither 达标 nor 退步
    assert row["trend_method"] == "pooled" and row["projected"] == pytest.approx(20.0)   # no trend from 3 deaths
    assert "共3例，合计20/10万，95%精确区间4.1–58.4/10万" in row["sentence"]
    assert not a.warnings["level"].isin(["red", "orange"]).any()
    rate = attainment_rate(a.results, by=("region",), milestone=2025)
    assert rate["assessable"].iloc[0] == 0                  # not counted either way in 达标率


def test_one_value_that_misses_is_not_attained_and_counts_in_the_attainment_rate():
    obs = pd.concat([one_series({2024: 80.0}, indicator="参保率", unit="%"),
                     one_series({2024: 96.0}, indicator="覆盖率", unit="%")], ignore_index=True)
    t = pd.concat([targets(">=", 90, (2030,), "%", "up", "参保率"), targets(">=", 95, (2030,), "%", "up", "覆盖率")])
    res = assess(obs, t, year=2024).results.set_index("indicator")
    assert res.loc["参保率", "status"] == "未达标" and res.loc["覆盖率", "status"] == "已达标"
    assert "趋势数据不足" in res.loc["参保率", "sentence"]
    rate = attainment_rate(res.reset_index(), by=("region",), milestone=2030).iloc[0]
    assert (rate["assessable"], rate["attained"], rate["rate"]) == (2, 1, 0.5)


def test_a_passed_milestone_is_final():
    obs = one_series({2020: 80.0, 2022: 83.0, 2024: 86.0, 2025: 87.0, 2026: 92.0}, indicator="参保率", unit="%")
    res = assess(obs, targets(">=", 90, (2025, 2030), "%", "up", "参保率"), year=2026).results.set_index("milestone")
    assert res.loc[2025, "status"] == "未实现"                 # judged on 2025's 87, not 进展缓慢/需加快
    assert res.loc[2025, "latest_year"] == 2025 and res.loc[2025, "latest_value"] == 87.0
    assert np.isnan(res.loc[2025, "projected"])
    assert "2025年“90%以上”的目标未实现" in res.loc[2025, "sentence"]
    assert res.loc[2030, "status"] == "已达标"                # 2026's 92 meets the 2030 target already
    met = assess(obs, targets(">=", 85, (2025,), "%", "up", "参保率"), year=2026).results.iloc[0]
    assert met["status"] == "已实现"


def test_about_target_on_a_lower_is_better_rate_is_met_at_zero():
    obs = one_series({y: 0.0 for y in range(2020, 2025)}, indicator=MMR, unit="1/10万")
    res = assess(obs, targets("~", 10), year=2024).results
    assert set(res["status"]) == {"已达标"}
    assert "高于" not in res["sentence"].iloc[0]
    within = one_series({y: 10.4 for y in range(2020, 2025)}, indicator=MMR, unit="1/10万")
    assert set(assess(within, targets("~", 10), year=2024).results["status"]) == {"已达标"}   # 10 ± 0.5
    # and both ways: far above the band is not attained
    above = one_series({y: 20.0 for y in range(2020, 2025)}, indicator=MMR, unit="1/10万")
    assert not assess(above, targets("~", 10), year=2024).results["status"].isin(["已达标", "预计达标"]).any()


def test_an_unchanged_series_at_zero_is_never_regression():
    obs = one_series({y: 0.0 for y in range(2020, 2025)}, indicator="参保率", unit="%")
    a = assess(obs, targets(">=", 50, (2030,), "%", "up", "参保率"), year=2024)
    row = a.results.iloc[0]
    assert row["status"] == "进展缓慢"
    assert "退步" not in row["sentence"]
    assert row["progress_method"] == "zero_base"              # Open SDG's 0.001 base: its ratio is flagged
    assert "deterioration" not in set(a.warnings["kind"].astype(str))


def test_the_development_index_does_not_score_a_series_that_fell_out_of_its_target_as_100():
    obs = one_series({2020: 8.0, 2022: 9.0, 2024: 12.0}, indicator=MMR, unit="1/10万")
    row = assess(obs, targets("<=", 10, (2030,)), year=2024).results.iloc[0]
    assert row["status"] not in ("已达标", "预计达标")
    assert row["progress_index"] == 0.0


def test_rollup_uses_only_years_every_district_reported():
    obs = pd.DataFrame({"region": ["甲", "乙", "甲", "乙", "甲"], "indicator": MMR, "year": [2022, 2022, 2023, 2023, 2024],
                        "sex": "", "age": "", "residence": "", "value": [10.0, 30.0, 10.0, 30.0, 50.0],
                        "numerator": [1, 3, 1, 3, 5], "denominator": [10000] * 5, "unit": "1/10万"})
    city = rollup(obs, {"甲": "市", "乙": "市"})
    assert sorted(city["year"]) == [2022, 2023]               # 2024: only 甲 reported → left out
    assert city["value"].tolist() == pytest.approx([20.0, 20.0])
    assert city.attrs["incomplete"] == [("市", MMR, 2024, 1, 2)]
    kept = rollup(obs, {"甲": "市", "乙": "市"}, incomplete="keep")
    assert kept.loc[kept["year"] == 2024, "complete"].tolist() == [False]


def test_a_share_at_its_ceiling_does_not_collapse_on_one_dip():
    # 住院分娩率 of a small district: 100 % in most years, one birth outside hospital in 2023.
    # On the logit scale (100 clipped to 99.95) that dip is a fall of 1.6 a year; the
    # projection for 2030 must stay where such a district is, not fall below 97.
    obs = one_series({2020: 100.0, 2021: 100.0, 2022: 100.0, 2023: 99.8, 2024: 100.0}, indicator="住院分娩率", unit="%")
    res = assess(obs, targets(">=", 98, (2030,), "%", "up", "住院分娩率"), year=2024).results.iloc[0]
    assert res["status"] == "已达标"
    assert 99.0 <= res["projected"] <= 100.0
    assert res["projected_low"] < res["projected"] <= res["projected_high"] <= 100.0
    assert res["projected_low"] > 97.0


def test_a_share_rising_to_100_is_projected_at_100_not_beyond():
    obs = one_series({2020: 97.0, 2021: 98.0, 2022: 99.0, 2023: 100.0, 2024: 100.0}, indicator="覆盖率", unit="%")
    res = assess(obs, targets(">=", 99, (2030,), "%", "up", "覆盖率"), year=2024).results.iloc[0]
    assert res["projected"] == pytest.approx(100.0)
    assert res["projected_low"] < 100.0 and res["projected_high"] == pytest.approx(100.0)
