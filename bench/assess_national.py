"""National-scale assessment benchmark (issue 3 part 9).

Data: the team's synthetic national set (tianping.core.synthetic.national_synthetic):
2,800 regions × 150 indicators × 10 years (2015–2024) × 3 sex series (total, 女, 男)
≈ 12.6 M observations, ~2 % missing, one rare-event indicator with numerator and
denominator. Targets: the set's 2025 and 2030 targets, with every third indicator
switched to another operator of the grammar so every code path (relative, annual,
~, range, directional, qualitative) is timed too.

Prints the wall and CPU time of ``assess`` end to end (results, warnings, 达标率,
development index; sentences are not written at this size — they are written per
page or report) and peak memory: the process's peak RSS (getrusage) and the peak
traced by tracemalloc inside ``assess`` alone.

    .venv/bin/python bench/assess_national.py [--regions 2800] [--indicators 150] [--no-trace]
"""

from __future__ import annotations

import argparse
import resource
import time
import tracemalloc

import pandas as pd

from tianping.core.assess import assess
from tianping.core.synthetic import national_synthetic, national_synthetic_targets

OTHER_OPS = [("~", None), ("range", None), ("relative_increase", 5.0), ("relative_decrease", 5.0),
             ("annual_decrease", 0.2), ("annual_relative_increase", 1.0), ("increase", None),
             ("decrease", None), ("qualitative", None), (">", None), ("<", None), ("=", None)]


def mixed_targets(targets: pd.DataFrame) -> pd.DataFrame:
    """Every third indicator gets another operator, so every operator is exercised."""
    out = targets.copy()
    names = sorted(out["indicator"].unique())
    for i, name in enumerate(names[1::3]):
        op, value = OTHER_OPS[i % len(OTHER_OPS)]
        rows = out["indicator"] == name
        out.loc[rows, "op"] = op
        if value is not None:
            out.loc[rows, "value"] = value
            out.loc[rows, "base_year"] = 2020
        if op == "range":
            out.loc[rows, "upper"] = out.loc[rows, "value"] * 1.1
        if op in ("increase", "decrease", "qualitative"):
            out.loc[rows, "value"] = None
    return out


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--regions", type=int, default=2800)
    parser.add_argument("--indicators", type=int, default=150)
    parser.add_argument("--no-trace", action="store_true", help="skip tracemalloc (it slows numpy a little)")
    args = parser.parse_args()
    t0 = time.perf_counter()
    obs = national_synthetic(args.regions, args.indicators, first_year=2015)
    targets = mixed_targets(national_synthetic_targets(args.indicators))
    rss_data = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"observations: {len(obs):,} rows ({obs['value'].notna().sum():,} values), "
          f"{args.regions:,} regions × {args.indicators} indicators × 3 sexes, targets: {len(targets)} "
          f"({targets['op'].nunique()} operators); generated in {time.perf_counter() - t0:.1f} s")

    if not args.no_trace:
        tracemalloc.start()
    cpu0, t1 = cpu_seconds(), time.perf_counter()
    result = assess(obs, targets, year=2024)
    rate = result.attainment_rate(by=("region",))
    index = result.development_index()
    t2, cpu1 = time.perf_counter(), cpu_seconds()
    traced = tracemalloc.get_traced_memory()[1] / 2**20 if not args.no_trace else float("nan")
    tracemalloc.stop()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    n_series = len(result.results.drop_duplicates(["region", "indicator", "sex", "age", "residence"]))

    print(f"results: {len(result.results):,} rows for {n_series:,} series; warnings: {len(result.warnings):,}; "
          f"达标率 rows {len(rate):,}; index rows {len(index):,}")
    print("statuses:", result.results["status"].value_counts().to_dict())
    print(f"assess end to end: {t2 - t1:6.1f} s wall, {cpu1 - cpu0:6.1f} s CPU   (limit 30 s)")
    print(f"per series:        {(t2 - t1) / n_series * 1e6:6.1f} µs")
    print(f"peak memory:       {peak:6,.0f} MB process RSS (data alone {rss_data:,.0f} MB), "
          f"{traced:,.0f} MB traced inside assess   (limit 4,096 MB)")


if __name__ == "__main__":
    main()
