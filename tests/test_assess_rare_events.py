"""Rare events: attainment of a rate on few events is judged on the last three years pooled
(engine.py, "Rare events"). Worked by hand for a district of ~3,000 births a year."""

import numpy as np
import pandas as pd
import pytest

from tianping.core.assess import AssessConfig, assess
from tianping.core.assess.series import one_series

TARGET = pd.DataFrame([{"indicator": "孕产妇死亡率", "area": "妇女与健康", "year": 2025, "op": "<=",
                        "value": 12.0, "unit": "1/10万"}])


def mmr(counts: dict[int, tuple[float, float]]) -> pd.DataFrame:
    values = {y: k / n * 1e5 for y, (k, n) in counts.items()}
    return one_series(values, indicator="孕产妇死亡率", region="甲区", unit="1/10万", counts=counts)


def row(counts, config=None):
    return assess(mmr(counts), TARGET, config=config).results.iloc[0]


def test_a_lucky_zero_year_does_not_attain_the_target():
    # 2024 alone: 0 deaths → 0/10万 ≤ 12; pooled 2020–2024: 3 deaths / 15,100 births = 19.9/10万,
    # exact 95 % interval 4.1–58.1/10万 contains 12: not enough evidence either way
    counts = {2020: (1, 3000), 2021: (0, 3000), 2022: (1, 3100), 2023: (1, 3000), 2024: (0, 3000)}
    r = row(counts)
    assert r["latest_value"] == 0.0
    assert r["pooled_years"] == 5 and r["pooled_events"] == 3
    assert r["pooled_value"] == pytest.approx(3 / 15100 * 1e5)
    assert r["status"] == "例数过少" and pd.isna(r["attained"])
    assert "共3例，合计19.9/10万，95%精确区间4.1–58.1/10万" in r["sentence"]
    # pooling off: the single zero year counts as attained, as before
    assert row(counts, AssessConfig(pool_years=0))["status"] == "已达标"


def test_one_death_after_clean_years_does_not_unmake_it():
    # 2024 alone: 1 death / 3,000 = 33.3/10万 > 12; pooled 2 / 12,000: interval 2–93/10万 → no verdict
    r = row({2020: (1, 3000), 2022: (0, 3000), 2023: (0, 3000), 2024: (1, 3000)})
    assert r["latest_value"] == pytest.approx(33.33, abs=0.01)
    assert r["pooled_value"] == pytest.approx(2 / 12000 * 1e5) and r["pooled_years"] == 4
    assert r["status"] == "例数过少"


def test_a_large_population_below_the_target_is_attained_on_its_interval():
    # 60,000 births a year, 4 deaths a year: 20 / 300,000 = 6.7/10万, interval 4.1–10.3 ... ≤ 12
    r = row({y: (4, 60000) for y in range(2020, 2025)})
    assert r["pooled_high"] < 12 and r["status"] == "已达标"


def test_enough_events_keep_the_single_year():
    # 100× the births: 100 deaths in 2024 is not rare; the single year decides
    r = row({2020: (100, 300_000), 2022: (0, 300_000), 2023: (0, 300_000), 2024: (100, 300_000)})
    assert r["pooled_years"] == 0 and np.isnan(r["pooled_value"])
    assert not r["attained"]
    assert "合计" not in r["sentence"]


def test_a_series_without_counts_is_not_pooled():
    r = assess(one_series({2020: 30.0, 2024: 0.0}, indicator="孕产妇死亡率", region="甲区", unit="1/10万"),
               TARGET).results.iloc[0]
    assert r["pooled_years"] == 0 and r["status"] == "已达标"


def test_a_lucky_zero_year_is_not_reported_as_falling_back():
    counts = {2020: (1, 3000), 2021: (0, 3000), 2022: (1, 3100), 2023: (1, 3000), 2024: (0, 3000)}
    result = assess(mmr(counts), TARGET, year=2024)
    assert not result.results.iloc[0]["previously_attained"]
    assert "fell_back" not in set(result.warnings["kind"].astype(str))


def test_a_rate_judged_on_pooled_counts_is_not_said_to_have_a_trend():
    """52 infant deaths in five years of ~2,600 births: the pooled rate misses the target
    clearly, but no trend, growth or pace exists for it, so neither the status sentence nor
    the warning may speak of one ("按趋势预计", "进展缓慢", "较2020年")."""
    rows = [{"region": "甲区", "indicator": "婴儿死亡率", "year": y, "value": 1000 * d / n, "numerator": d,
             "denominator": n, "unit": "‰"}
            for y, d, n in ((2020, 7, 2541), (2021, 12, 2577), (2022, 10, 2570), (2023, 14, 2518), (2024, 9, 2597))]
    targets = pd.DataFrame([{"indicator": "婴儿死亡率", "year": 2025, "op": "<=", "value": 3.0, "unit": "‰"}])
    result = assess(pd.DataFrame(rows), targets, year=2024)
    row = result.results.iloc[0]
    assert row["pooled_years"] == 5 and row["status"] in ("需加快", "进展缓慢", "退步")
    for sentence in [row["sentence"], *result.warnings["sentence"]]:
        assert "趋势" not in sentence and "进展缓慢" not in sentence and "较2020年" not in sentence, sentence
    assert "高于2025年“3‰以下”的目标" in row["sentence"]
    warning = result.warnings[result.warnings["kind"] == "projected_miss"]["sentence"]
    assert len(warning) == 1 and "2020–2024年合计为4.1‰（95%精确区间" in warning.iloc[0], list(warning)
