"""Per-series speed of the engine against Open SDG's progress measure, issue 3 part 9 and
issue 13.

Two baselines, both timed per series × target:
* ``sdg-build`` — Open SDG's own code: ``measure_indicator_progress`` from sdg-build's
  sdg/ProgressMeasure.py (vendored unchanged as bench/sdg_build_progress.py), called once
  per series and target with that series as the indicator's data (Year, Value) and the
  target in its metadata, as Open SDG calls it per indicator. This is the comparison the
  README quotes.
* ``re-implementation`` — the steps of sdg-build's methodology 2 written out below
  (duplicate-year check, base-year move, zero base, sign handling), whose ratios are
  compared with the engine's.

The baseline follows sdg-build's steps for each series and target, in a Python loop
over pandas frames as sdg-build does: take the indicator's data, filter the
disaggregation, drop empty values, refuse duplicate years, take the latest year and
value, move the base year to the next year with data, replace a zero base or target
by 0.001, check signs, compute observed and required CAGR, the ratio, the status and
the score. Its data is handed over already split per region × indicator (in its
favour: sdg-build reads one indicator's frame at a time).

The engine is timed end to end on a national subset (it also fits Theil–Sen trends,
projects, checks warnings). Both per-series times and their ratio are printed, and
the two progress ratios are checked to agree on every sampled series.

    .venv/bin/python bench/opensdg_baseline.py [--regions 280] [--sample 1000]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd
from sdg_build_progress import measure_indicator_progress

from tianping.core.assess import AssessConfig, assess
from tianping.core.synthetic import national_synthetic, national_synthetic_targets

THRESHOLDS = {"high": 0.95, "med": 0.6, "low": 0}


def growth(current, base, t_current, t_base):
    return (current / base) ** (1 / (t_current - t_base)) - 1


def status_of(value, achieved):
    if achieved:
        return "target_achieved"
    if value is None:
        return "not_available"
    if value >= THRESHOLDS["high"]:
        return "substantial_progress"
    if value >= THRESHOLDS["med"]:
        return "moderate_progress"
    if value >= THRESHOLDS["low"]:
        return "limited_progress"
    return "deterioration"


def score_of(value, achieved):
    if achieved:
        return 5
    if value is None:
        return None
    if value >= THRESHOLDS["med"]:
        return min(7.1429 * value - 4.2857, 5)
    return max(4.1667 * value - 2.5, -5)


def series_progress(indicator_data: pd.DataFrame, sex: str, *, base_year: int, target: float,
                    target_year: int, positive: bool) -> dict:
    """One series, one target, the sdg-build way."""
    direction = 1 if positive else -1
    if target == 0:
        target = 0.001
    data = indicator_data
    if (data["Sex"] == sex).any():
        data = data.loc[data["Sex"] == sex]
    data = data[["Year", "Value"]]
    data = data[data["Value"].notna()].copy()
    data["Value"] = data["Value"].astype("float")
    if data["Year"].duplicated(False).any():
        raise ValueError("duplicate years")
    if data.shape[0] < 1:
        return {"progress_value": None, "status": "not_available", "score": None}
    years = data["Year"]
    current_year = years.max()
    current_value = data.Value[data.Year == current_year].item()
    if base_year not in years.values:
        base_year = years[years > base_year].min()
    base_value = data.Value[data.Year == base_year].item()
    sign = -1 if base_value < 0 else 1
    achieved = (direction == -1 and current_value <= target) or (direction == 1 and current_value >= target)
    value = None
    if base_value == 0:
        base_value = 0.001
    if not ((base_value > 0 > current_value) or (base_value < 0 < current_value)) \
            and not base_year > current_year and current_year - base_year >= 1:
        observed = growth(current_value, base_value, current_year, base_year)
        required = growth(target, base_value, target_year, base_year)
        value = sign * direction * observed / abs(required)
    return {"progress_value": value, "status": status_of(value, achieved), "score": score_of(value, achieved)}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--regions", type=int, default=280, help="regions for the engine run (× 150 × 3 series)")
    parser.add_argument("--sample", type=int, default=1000, help="series for the re-implementation baseline")
    parser.add_argument("--sdg-sample", type=int, default=10000, help="series for sdg-build's own code")
    args = parser.parse_args()
    obs = national_synthetic(args.regions, 150, first_year=2015)
    targets = national_synthetic_targets(150)
    config = AssessConfig(base_year=2020)

    t0 = time.perf_counter()
    result = assess(obs, targets, year=2024, config=config)
    engine_seconds = time.perf_counter() - t0
    n_series = len(obs.drop_duplicates(["region", "indicator", "sex"]))
    engine_per_series = engine_seconds / n_series

    # The baseline's input: one frame per region × indicator (Year, Value, Sex), prepared untimed.
    frame = obs[["region", "indicator", "sex", "year", "value"]].rename(
        columns={"year": "Year", "value": "Value", "sex": "Sex"})
    frame["Sex"] = frame["Sex"].astype(str)
    groups = frame.groupby(["region", "indicator"], observed=True, sort=True)
    keys = list(groups.groups)[: (args.sample + 2) // 3]
    per_indicator = {k: groups.get_group(k)[["Year", "Value", "Sex"]].reset_index(drop=True) for k in keys}
    by_indicator = {name: rows for name, rows in targets.groupby("indicator")}

    np.seterr(divide="ignore", invalid="ignore")   # a target equal to the base: sdg-build divides by 0 too
    t1 = time.perf_counter()
    baseline = []
    for (region, indicator), data in per_indicator.items():
        for sex in ("", "女", "男"):
            for t in by_indicator[indicator].itertuples():
                out = series_progress(data, sex, base_year=2020, target=t.value, target_year=t.year,
                                      positive=t.op in (">=", ">"))
                baseline.append((region, indicator, sex, t.year, out["progress_value"]))
    baseline_seconds = time.perf_counter() - t1
    sampled = len(per_indicator) * 3
    baseline_per_series = baseline_seconds / sampled

    # sdg-build's own function, per series × target (its input frames prepared untimed)
    series_frames = []
    for key, rows in frame.groupby(["region", "indicator", "Sex"], observed=True, sort=True):
        series_frames.append((key, rows[["Year", "Value"]].reset_index(drop=True)))
        if len(series_frames) >= args.sdg_sample:
            break

    class Indicator:                 # what measure_indicator_progress reads: .data and .meta
        def __init__(self, data, meta):
            self.data, self.meta = data, meta

    calls = []
    for (region, indicator, sex), data in series_frames:
        for t in by_indicator[indicator].itertuples():
            meta = {"auto_progress_calculation": True, "progress_calculation_options": [{
                "base_year": 2020, "target_year": int(t.year), "target": float(t.value),
                "direction": "positive" if t.op in (">=", ">") else "negative"}]}
            calls.append(Indicator(data.copy(), meta))
    t2 = time.perf_counter()
    labels = [measure_indicator_progress(ind) for ind in calls]
    sdg_seconds = time.perf_counter() - t2
    sdg_per_series = sdg_seconds / len(series_frames)

    # the engine on exactly those 10,000 series (its fixed costs are then spread over fewer series)
    chosen = pd.DataFrame([k for k, _ in series_frames], columns=["region", "indicator", "sex"])
    subset = obs.merge(chosen.astype({"region": object, "indicator": object, "sex": object}),
                       on=["region", "indicator", "sex"])
    t3 = time.perf_counter()
    assess(subset, targets, year=2024, config=config)
    same_seconds = time.perf_counter() - t3
    same_per_series = same_seconds / len(series_frames)

    mine = result.results.set_index(["region", "indicator", "sex", "milestone"])["progress_ratio"]
    theirs = pd.DataFrame(baseline, columns=["region", "indicator", "sex", "milestone", "value"])
    joined = theirs.join(mine, on=["region", "indicator", "sex", "milestone"])
    theirs_value = joined["value"].astype(float).to_numpy()
    mine_value = joined["progress_ratio"].to_numpy()
    both = np.isfinite(theirs_value) & np.isfinite(mine_value) & (np.abs(theirs_value) < 1e6)
    worst = float(np.max(np.abs(theirs_value[both] - mine_value[both]), initial=0.0))

    print(f"engine:   {n_series:,} series assessed in {engine_seconds:.2f} s → {engine_per_series * 1e6:8.1f} µs per series "
          f"(2 milestones, progress + projection + status + warnings)")
    print(f"baseline: {sampled:,} series in {baseline_seconds:.2f} s → {baseline_per_series * 1e6:8.1f} µs per series "
          f"(2 milestones, Open SDG method 2 only)")
    print(f"sdg-build: {len(series_frames):,} series ({len(calls):,} calls of its measure_indicator_progress) in "
          f"{sdg_seconds:.2f} s → {sdg_per_series * 1e6:8.1f} µs per series; {sum(l is not None for l in labels):,} labels")
    print(f"engine on the same {len(series_frames):,} series: {same_seconds:.2f} s → {same_per_series * 1e6:8.1f} µs per series")
    print(f"speed-up per series vs sdg-build's own code: {sdg_per_series / same_per_series:,.0f}× on the same series, "
          f"{sdg_per_series / engine_per_series:,.0f}× against the engine's national-subset rate")
    print(f"speed-up per series vs the re-implementation: {baseline_per_series / engine_per_series:,.0f}×")
    print(f"agreement: {int(both.sum()):,} progress ratios compared, largest difference {worst:.2e}")


if __name__ == "__main__":
    main()
