"""Calibration bench of the assessment method (issue 13): districts simulated with a known
truth, assessed in 2024 as the engine assesses real data, then checked against what the
truth did by 2025 and 2030.

Scenarios (each ``--districts`` districts, data 2016–2024, targets for 2025 and 2030 set
near where the truth will be, so that verdicts are contested):
  linear_share        a share rising 0–1.5 points a year; survey noise (binomial, n = 2,000)
  saturating_share    a share approaching 100 % (logistic), binomial noise (n = 3,000)
  falling_rate        a mortality-type rate (‰) falling toward a floor (decelerating), 6 % noise
  small_count_meets   maternal deaths, 1,000–20,000 births a year, true rate 30–100 % of the
                      ≤10/10万 target (flat or falling slowly)
  small_count_3x      the same at three times the target
  pure_noise          a share with no trend (noise SD 0.5–3 points) against 逐步提高
  gaps                linear_share with 40 % of years missing at random (≥ 2 kept)
  worsening_share     a share above its target: half hold steady, half fall 0.3–1.5 points a
                      year (the deterioration and fell-back warnings' false alarms and misses)

Per scenario: the 80 % interval's coverage at 2025 and 2030 (of the value that will be
observed; for the small-count scenarios of the underlying rate, which is what the interval
of a pooled rate states — a single year of a district with 3 expected deaths is a Poisson
draw), zero-width intervals, the relative bias of the 2030 projection, how often each
status comes true, and each warning's false-alarm and miss rates. "Comes true": 已达标 —
the true value at the latest year meets the target; 预计达标 — the 2025/2030 value meets it;
需加快/进展缓慢/退步/未达标 — the milestone value misses it.

    .venv/bin/python bench/calibration.py [--districts 2000] [--seed 13]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

from tianping.core.assess import assess

YEARS = np.arange(2016, 2025)
ALL_YEARS = np.arange(2016, 2031)
SEVERE = ("red", "orange")
MIN_CALLS = 30          # a "comes true" rate is judged only over at least this many calls


def _frame(name, values, unit, counts=None, keep=None):
    """Long observations: one indicator per district (so each has its own targets)."""
    keep = np.ones_like(values, dtype=bool) if keep is None else keep
    d, y = np.nonzero(keep)
    out = pd.DataFrame({"region": "sim", "indicator": [f"{name}{i:05d}" for i in d], "year": YEARS[y],
                        "sex": "", "age": "", "residence": "", "value": values[d, y], "unit": unit})
    if counts is not None:
        out["numerator"], out["denominator"] = counts[0][d, y], counts[1][d, y]
    else:
        out["numerator"] = out["denominator"] = np.nan
    return out


def _targets(name, n, op, v2025, v2030, unit, direction):
    rows = []
    for i in range(n):
        for year, v in ((2025, v2025[i]), (2030, v2030[i])):
            rows.append({"indicator": f"{name}{i:05d}", "area": "sim", "year": year, "op": op,
                         "value": None if op in ("increase", "decrease") else float(v), "unit": unit,
                         "direction": direction})
    return pd.DataFrame(rows)


class Scenario:
    """truth: (n, 15) underlying values 2016–2030; observed: (n, 15) what will be reported."""

    def __init__(self, name, truth, observed, unit, op, direction, targets, counts=None, keep=None,
                 interval_of="observed"):
        self.name, self.truth, self.observed, self.unit = name, truth, observed, unit
        self.op, self.direction, self.targets = op, direction, targets
        self.counts, self.keep, self.interval_of = counts, keep, interval_of


def _binomial_share(rng, p, size):
    return rng.binomial(size, np.clip(p, 0, 1)) / size * 100


def linear_share(rng, n, name="linear_share", gaps=False):
    start = rng.uniform(50, 80, n)[:, None]
    slope = rng.uniform(0, 1.5, n)[:, None]
    truth = np.clip(start + slope * (ALL_YEARS - 2016), 0, 100)
    observed = _binomial_share(rng, truth / 100, 2000)
    keep = None
    if gaps:
        keep = rng.random((n, len(YEARS))) > 0.4
        short = keep.sum(axis=1) < 2
        keep[short, -2:] = True
    return Scenario(name, truth, observed, "%", ">=", "up",
                    (truth[:, 9] + rng.uniform(-2, 2, n), truth[:, 14] + rng.uniform(-3, 3, n)), keep=keep)


def saturating_share(rng, n):
    p0 = rng.uniform(0.80, 0.95, n)[:, None]
    k = rng.uniform(0.05, 0.3, n)[:, None]
    logit0 = np.log(p0 / (1 - p0))
    truth = 100 / (1 + np.exp(-(logit0 + k * (ALL_YEARS - 2016))))
    observed = _binomial_share(rng, truth / 100, 3000)
    t25 = np.minimum(truth[:, 9] + rng.uniform(-1, 1, n), 99.8)
    t30 = np.minimum(truth[:, 14] + rng.uniform(-1, 1, n), 99.8)
    return Scenario("saturating_share", truth, observed, "%", ">=", "up", (t25, t30))


def falling_rate(rng, n):
    r0 = rng.uniform(5, 12, n)[:, None]
    floor = r0 * rng.uniform(0.2, 0.5, n)[:, None]
    g = rng.uniform(0.03, 0.12, n)[:, None]
    truth = floor + (r0 - floor) * np.exp(-g * (ALL_YEARS - 2016))
    observed = truth * np.exp(rng.normal(0, 0.06, truth.shape))
    return Scenario("falling_rate", truth, observed, "‰", "<=", "down",
                    (truth[:, 9] * rng.uniform(0.9, 1.1, n), truth[:, 14] * rng.uniform(0.85, 1.15, n)))


def small_count(rng, n, multiple, name):
    births = rng.uniform(1000, 20000, n)[:, None] * np.exp(rng.normal(0, 0.05, (n, len(ALL_YEARS))))
    target = 10.0
    if multiple == 1:
        level = rng.uniform(0.3, 1.0, n)[:, None] * target
    else:
        level = np.full((n, 1), multiple * target)
    decline = rng.uniform(0, 0.03, n)[:, None]
    truth = level * np.exp(-decline * (ALL_YEARS - 2024))      # at its level in 2024
    if multiple == 1:
        truth = np.minimum(truth, target)                       # meets the target every year
    deaths = rng.poisson(truth / 1e5 * births)
    observed = deaths / births * 1e5
    return Scenario(name, truth, observed, "1/10万", "<=", "down", (np.full(n, target), np.full(n, target)),
                    counts=(deaths[:, :len(YEARS)].astype(float), np.round(births[:, :len(YEARS)])),
                    interval_of="truth")


def worsening_share(rng, n):
    """A share that met its target and now falls 0.3–1.5 points a year (half of the districts)
    or holds steady above it (the other half): what the deterioration and fell-back
    warnings are for, with their false alarms counted on the steady half."""
    start = rng.uniform(80, 90, n)[:, None]
    slope = np.where(rng.random(n) < 0.5, -rng.uniform(0.3, 1.5, n), 0.0)[:, None]
    truth = np.clip(start + slope * (ALL_YEARS - 2016), 0, 100)
    observed = _binomial_share(rng, truth / 100, 2000)
    goal = start[:, 0] - rng.uniform(1, 4, n)
    return Scenario("worsening_share", truth, observed, "%", ">=", "up", (goal, goal))


def worsening_high_share(rng, n):
    """A share near its ceiling that falls 0.3–1.5 points a year (95–99 % in 2016): a trend
    leaving the bound, which the logit scale turns into an accelerating fall."""
    start = rng.uniform(95, 99, n)[:, None]
    slope = -rng.uniform(0.3, 1.5, n)[:, None]
    truth = np.clip(start + slope * (ALL_YEARS - 2016), 0, 100)
    observed = _binomial_share(rng, truth / 100, 2000)
    goal = start[:, 0] - rng.uniform(1, 4, n)
    return Scenario("worsening_high_share", truth, observed, "%", ">=", "up", (goal, goal))


def ceiling_share(rng, n):
    """A share at its ceiling (住院分娩率, 免疫规划疫苗接种率): truly 99–99.9 % and flat, counted
    over 100–1,000 people (births of a small county), so small districts report 100 % in some years and 99.x in others."""
    level = rng.uniform(99.0, 99.9, n)[:, None]
    truth = np.repeat(level, len(ALL_YEARS), axis=1)
    size = rng.integers(100, 1000, n)[:, None]
    observed = rng.binomial(size, truth / 100) / size * 100
    return Scenario("ceiling_share", truth, observed, "%", ">=", "up", (np.full(n, 98.0), np.full(n, 98.0)))


def pure_noise(rng, n):
    level = rng.uniform(60, 95, n)[:, None]
    truth = np.repeat(level, len(ALL_YEARS), axis=1)
    noise = rng.uniform(0.5, 3.0, n)[:, None]          # survey noise from small to large
    observed = np.clip(truth + rng.normal(0, 1.0, truth.shape) * noise, 0, 100)
    return Scenario("pure_noise", truth, observed, "%", "increase", "up", (np.full(n, np.nan), np.full(n, np.nan)))


def run(scenario: Scenario) -> dict:
    n = len(scenario.truth)
    obs = _frame(scenario.name, scenario.observed[:, :len(YEARS)], scenario.unit, scenario.counts, scenario.keep)
    targets = _targets(scenario.name, n, scenario.op, *scenario.targets, scenario.unit, scenario.direction)
    started = time.perf_counter()
    a = assess(obs, targets, year=2024)
    seconds = time.perf_counter() - started
    res = a.results
    district = res["indicator"].astype(str).str[-5:].astype(int).to_numpy()
    milestone = res["milestone"].to_numpy()
    col = np.where(milestone == 2025, 9, 14)
    reference = scenario.truth if scenario.interval_of == "truth" else scenario.observed
    realised = reference[district, col]
    goal = np.where(milestone == 2025, scenario.targets[0][district], scenario.targets[1][district])
    lower_better = scenario.direction == "down"

    def meets(v):
        return v <= goal + 1e-9 if lower_better else v >= goal - 1e-9

    out = {"scenario": scenario.name, "districts": n, "seconds": seconds}
    low, high, point = (res[c].to_numpy(dtype=float) for c in ("projected_low", "projected_high", "projected"))
    for m in (2025, 2030):
        rows = (milestone == m) & ~np.isnan(low)
        out[f"cover{m}"] = np.mean((low[rows] <= realised[rows]) & (realised[rows] <= high[rows])) if rows.any() else np.nan
        out[f"n_int{m}"] = int(rows.sum())
        out[f"zero_width{m}"] = int((high[rows] - low[rows] <= 0).sum())
    rows = (milestone == 2030) & ~np.isnan(point)
    out["below97_2030"] = np.mean(point[rows] < 97) if rows.any() else np.nan
    out["bias2030"] = np.mean(point[rows] / scenario.truth[district[rows], 14] - 1) if rows.any() else np.nan
    status = res["status"].astype(str).to_numpy()
    out["status"] = {}
    if scenario.op in ("increase", "decrease"):
        first = milestone == 2025
        for s in np.unique(status[first]):
            out["status"][s] = (int((status[first] == s).sum()), np.nan)
        out["called_attained_or_regressing"] = np.mean(np.isin(status[first], ["已达标", "退步"]))
    else:
        true_now = meets(scenario.truth[district, 8])
        milestone_met = meets(realised)
        for s in np.unique(status):
            rows = status == s
            if s in ("已达标", "已实现"):
                came = true_now[rows]
            elif s in ("预计达标",):
                came = milestone_met[rows]
            elif s in ("需加快", "进展缓慢", "退步", "未达标", "未实现"):
                came = ~milestone_met[rows]
            else:
                came = milestone_met[rows]          # 尚难判断 / 例数过少: how often the target was met
            out["status"][s] = (int(rows.sum()), float(np.mean(came)))
        out["called_attained_or_on_track"] = np.mean(np.isin(status, ["已达标", "预计达标"]))
        out["called_regressing"] = np.mean(status == "退步")
        _warning_rates(out, a, district, milestone_met, milestone, scenario, meets)
    return out


def _warning_rates(out, a, district, milestone_met, milestone, scenario, meets):
    w = a.warnings
    res = a.results
    n = len(scenario.truth)
    by_kind = {k: set(district[w.loc[w["kind"] == k, "result_row"].to_numpy()]) for k in w["kind"].cat.categories}
    severe = set(district[w.loc[w["level"].isin(SEVERE), "result_row"].to_numpy()])
    regress = set(district[res["status"].astype(str).to_numpy() == "退步"])
    out["severe_or_regressing"] = len(severe | regress) / n
    rates = {}
    # projected miss: raised for the 2025 milestone; should be raised when 2025 is missed
    rows2025 = np.flatnonzero(milestone == 2025)
    miss_2025 = ~milestone_met[rows2025]
    raised = set(w.loc[(w["kind"] == "projected_miss") & (w["milestone"] == 2025), "result_row"].to_numpy())
    flag = np.isin(rows2025, list(raised))
    rates["projected_miss"] = _rates(flag, miss_2025)
    # fell back: should be raised when the truth now misses the target having met it before
    truth = scenario.truth[:, :len(YEARS)]
    goal25 = scenario.targets[0]
    lower_better = scenario.direction == "down"
    met = truth <= goal25[:, None] if lower_better else truth >= goal25[:, None]
    really_fell = met[:, :-1].any(axis=1) & ~met[:, -1]
    rates["fell_back"] = _rates(np.isin(np.arange(n), list(by_kind.get("fell_back", set()))), really_fell)
    # deterioration: should be raised when the truth moves away from the target
    sign = -1 if lower_better else 1
    away = sign * (truth[:, -1] - truth[:, 0]) < 0
    rates["deterioration"] = _rates(np.isin(np.arange(n), list(by_kind.get("deterioration", set()))), away)
    # fluctuation: no simulated series has a data error, so every one is a false alarm
    rates["fluctuation"] = _rates(np.isin(np.arange(n), list(by_kind.get("fluctuation", set()))), np.zeros(n, bool))
    out["warnings"] = rates


def _rates(flag, should):
    """(false-alarm rate among those that should not be warned, miss rate among those that should)."""
    fa = np.mean(flag[~should]) if (~should).any() else np.nan
    miss = np.mean(~flag[should]) if should.any() else np.nan
    return fa, miss, int(should.sum())


def fluctuation_power(rng, n) -> tuple[float, float]:
    """Fluctuation warning on ordinary series and on series whose latest year is a data
    error (shifted by 8 noise SDs): (false-alarm rate, detection rate)."""
    level = rng.uniform(60, 90, n)[:, None]
    slope = rng.uniform(-0.5, 1.0, n)[:, None]
    values = level + slope * (YEARS - 2016) + rng.normal(0, 1.0, (n, len(YEARS)))
    bad = values.copy()
    bad[:, -1] += 8.0 * np.where(rng.random(n) < 0.5, 1, -1)
    rates = []
    for name, v in (("ok", values), ("bad", bad)):
        obs = _frame(f"fl{name}", v, "%")
        targets = _targets(f"fl{name}", n, ">=", np.full(n, 50.0), np.full(n, 50.0), "%", "up")
        w = assess(obs, targets, year=2024).warnings
        rates.append(w.loc[w["kind"] == "fluctuation", "indicator"].nunique() / n)
    return rates[0], rates[1]


def pct(x):
    return "—" if x is None or (isinstance(x, float) and np.isnan(x)) else f"{100 * x:.1f}%"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--districts", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    n = args.districts
    scenarios = [linear_share(rng, n), saturating_share(rng, n), falling_rate(rng, n),
                 small_count(rng, n, 1, "small_count_meets"), small_count(rng, n, 3, "small_count_3x"),
                 pure_noise(rng, n), linear_share(rng, n, "gaps", gaps=True), worsening_share(rng, n),
                 ceiling_share(np.random.default_rng(args.seed + 1), n),   # own streams: the others unchanged
                 worsening_high_share(np.random.default_rng(args.seed + 2), n)]
    results = [run(s) for s in scenarios]
    print(f"calibration bench: {n} districts per scenario, seed {args.seed}, data 2016–2024, assessed 2024\n")
    print("| scenario | 80% cover 2025 | 80% cover 2030 | zero-width | bias 2030 | 已达标/预计达标 | 退步 | red/orange or 退步 |")
    print("|---|---|---|---|---|---|---|---|")
    for r in results:
        print(f"| {r['scenario']} | {pct(r['cover2025'])} (n={r['n_int2025']}) | {pct(r['cover2030'])} (n={r['n_int2030']}) | "
              f"{r['zero_width2025'] + r['zero_width2030']} | {pct(r['bias2030'])} | "
              f"{pct(r.get('called_attained_or_on_track', r.get('called_attained_or_regressing')))} | "
              f"{pct(r.get('called_regressing'))} | {pct(r.get('severe_or_regressing'))} |")
    print("\nHow often each status comes true (count, share true):")
    for r in results:
        cells = ", ".join(f"{s} {c} ({pct(t)})" for s, (c, t) in r["status"].items())
        print(f"  {r['scenario']}: {cells}")
    print("\nWarnings: false-alarm rate (among districts that should not be warned) / miss rate (among those that should; n):")
    for r in results:
        if "warnings" not in r:
            continue
        cells = ", ".join(f"{k} {pct(fa)} / {pct(miss)} (n={k_n})" for k, (fa, miss, k_n) in r["warnings"].items())
        print(f"  {r['scenario']}: {cells}")
    fa, power = fluctuation_power(rng, n)
    print(f"\nFluctuation warning: {pct(fa)} of ordinary series warned; {pct(power)} of series with an "
          f"8-SD data error in the latest year warned")
    checks = _checks(results)
    print("\nDone-when checks:")
    for text, ok in checks:
        print(f"  [{'pass' if ok else 'FAIL'}] {text}")


def _checks(results):
    by = {r["scenario"]: r for r in results}
    checks = []
    for r in results:
        for m in (2025, 2030):
            c = r[f"cover{m}"]
            if not np.isnan(c):
                checks.append((f"{r['scenario']}: 80% coverage {m} {pct(c)} within 72–90%", 0.72 <= c <= 0.90))
    checks.append(("no zero-width interval", all(r["zero_width2025"] + r["zero_width2030"] == 0 for r in results)))
    for r in results:
        if "预计达标" in r["status"]:
            count, true = r["status"]["预计达标"]
            if count < MIN_CALLS:      # a share of 3 calls is no evidence either way: shown, not judged
                print(f"  (not judged: {r['scenario']} called 预计达标 only {count} times, {pct(true)} came true)")
                continue
            checks.append((f"{r['scenario']}: 预计达标 comes true {pct(true)} ≥ 80% (n={count})", true >= 0.8))
    meets = by["small_count_meets"]["severe_or_regressing"]
    checks.append((f"small_count_meets: red/orange warning or 退步 {pct(meets)} < 5%", meets < 0.05))
    three = by["small_count_3x"]["called_attained_or_on_track"]
    checks.append((f"small_count_3x: 已达标/预计达标 {pct(three)} < 5%", three < 0.05))
    ceiling = by["ceiling_share"]["below97_2030"]
    checks.append((f"ceiling_share: 2030 projected below 97% for {pct(ceiling)} of districts at 99–99.9% (< 2%)",
                   ceiling < 0.02))
    noise = by["pure_noise"]["called_attained_or_regressing"]
    checks.append((f"pure_noise: 已达标/退步 {pct(noise)} < 5%", noise < 0.05))
    return checks


if __name__ == "__main__":
    main()
