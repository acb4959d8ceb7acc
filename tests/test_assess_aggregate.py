"""达标率, gender gaps, development index and the district → city roll-up."""

import numpy as np
import pandas as pd
import pytest

from tianping.core.assess import assess, attainment_rate, rollup
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
