"""National-scale assessment benchmark (issue 3 part 9).

Synthetic, generated here: 2,800 regions × 150 indicators × 10 years (2015–2024) ×
3 sex series (total, 女, 男) = 12.6 M observations, 300 milestone targets (2025 and
2030 for each indicator, every operator represented), a tenth of the indicators with
numerators and denominators (rare events). Prints the time of ``assess`` end to end
(results + warnings + attainment rate + development index, sentences off as they are
at this size) and peak memory.

    .venv/bin/python bench/assess_national.py [--regions 2800] [--indicators 150]
"""

from __future__ import annotations

import argparse
import resource
import time

import numpy as np
import pandas as pd

from tianping.core.assess import assess

OPS_CYCLE = [">=", "<=", "~", "range", "relative_increase", "relative_decrease", "annual_decrease",
             "annual_relative_increase", "increase", "decrease", ">", "<", "=", "qualitative"]


def synthetic_observations(n_regions: int, n_indicators: int, years=range(2015, 2025), seed: int = 7):
    rng = np.random.default_rng(seed)
    sexes = ["", "女", "男"]
    n_years = len(years)
    n_series = n_regions * n_indicators * len(sexes)
    level = rng.uniform(20, 90, n_series)
    slope = rng.normal(0.3, 0.6, n_series)
    t = np.arange(n_years)
    values = level[:, None] + slope[:, None] * t + rng.normal(0, 1.0, (n_series, n_years))
    values = np.clip(values, 0, 100)
    gaps = rng.random((n_series, n_years)) < 0.03            # 3 % missing cells
    series = np.repeat(np.arange(n_series), n_years)
    year = np.tile(np.asarray(list(years)), n_series)
    keep = ~gaps.ravel()
    series, year, value = series[keep], year[keep], values.ravel()[keep]
    region = series // (n_indicators * 3)
    indicator = (series // 3) % n_indicators
    sex = series % 3
    counted = indicator % 10 == 0                               # rare-event indicators
    denominator = np.where(counted, rng.integers(1_000, 20_000, len(series)), 0).astype(float)
    numerator = np.where(counted, rng.poisson(denominator * 5e-4), 0).astype(float)
    value = np.where(counted, numerator / np.maximum(denominator, 1) * 1e5, value)
    regions = pd.Index([f"R{i:04d}" for i in range(n_regions)])
    indicators = pd.Index([f"指标{i:03d}" for i in range(n_indicators)])
    return pd.DataFrame({
        "region": pd.Categorical.from_codes(region, categories=regions),
        "indicator": pd.Categorical.from_codes(indicator, categories=indicators),
        "year": year.astype(np.int64),
        "sex": pd.Categorical.from_codes(sex, categories=sexes),
        "age": pd.Categorical.from_codes(np.zeros(len(series), np.int64), categories=[""]),
        "residence": pd.Categorical.from_codes(np.zeros(len(series), np.int64), categories=[""]),
        "value": value,
        "numerator": np.where(counted, numerator, np.nan),
        "denominator": np.where(counted, denominator, np.nan),
        "unit": pd.Categorical(np.where(counted, "1/10万", "%")),
    }), indicators


def synthetic_targets(indicators: pd.Index) -> pd.DataFrame:
    rows = []
    for i, name in enumerate(indicators):
        op = OPS_CYCLE[i % len(OPS_CYCLE)]
        counted = i % 10 == 0
        for year, value in ((2025, 60.0), (2030, 70.0)):
            if counted:
                op, value = "<=", 40.0 if year == 2025 else 30.0
            rows.append({"indicator": name, "area": f"领域{i % 8}", "goal": i % 5 + 1, "year": year, "op": op,
                         "value": {"relative_increase": 10.0, "relative_decrease": 5.0, "annual_decrease": 0.5,
                                   "annual_relative_increase": 1.0}.get(op, value),
                         "upper": value + 10 if op == "range" else None,
                         "unit": "1/10万" if counted else "%",
                         "base_year": 2020 if op.startswith(("relative", "annual")) else None})
    return pd.DataFrame(rows)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--regions", type=int, default=2800)
    parser.add_argument("--indicators", type=int, default=150)
    args = parser.parse_args()
    t0 = time.perf_counter()
    obs, indicators = synthetic_observations(args.regions, args.indicators)
    targets = synthetic_targets(indicators)
    t1 = time.perf_counter()
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"observations: {len(obs):,}  series: {args.regions * args.indicators * 3:,}  "
          f"targets: {len(targets)}  (generated in {t1 - t0:.1f} s, peak RSS so far {rss_before:,.0f} MB)")

    t2 = time.perf_counter()
    result = assess(obs, targets, year=2024)
    t3 = time.perf_counter()
    rate = result.attainment_rate(by=("region",))
    index = result.development_index()
    t4 = time.perf_counter()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"results rows: {len(result.results):,}  warnings: {len(result.warnings):,}")
    print("status counts:", result.results["status"].value_counts().to_dict())
    print("warning counts:", result.warnings.groupby(["kind", "level"], observed=True).size().to_dict())
    print(f"assess:               {t3 - t2:6.1f} s")
    print(f"达标率 + 发展指数:    {t4 - t3:6.1f} s  ({len(rate):,} + {len(index):,} rows)")
    print(f"end to end:           {t4 - t2:6.1f} s   (limit 30 s)")
    print(f"peak memory (RSS):    {peak:6,.0f} MB  (limit 4,096 MB; data alone {rss_before:,.0f} MB)")


if __name__ == "__main__":
    main()
