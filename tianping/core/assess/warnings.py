"""Early warnings (预警), red / orange / yellow, vectorised over all series.

kind               level rule
projected_miss     milestone 0–``warning_horizon`` years after the assessment year and the
                   status is 需加快 (yellow; orange within a year), 进展缓慢 (orange; red
                   within a year), 退步 (red) or 未达标 (one value; yellow). The status comes
                   from the projection's P(attain) < 0.2: the same model as the chart band
deterioration      a trend significantly away from the target (t test of the log/logit-scale
                   slope at ``trend_alpha``; rare events: exact two-rate test of the pooled
                   window against the years before), the latest value worse than the base,
                   ≥ ``deterioration_min_points`` years (orange)
fell_back          an earlier year met the target and the latest value misses it by more than
                   ``fell_back_sd`` residual SDs (rare events: the pooled interval excludes
                   the target and the earlier pooled rate met it), ≥ 3 points (orange; red
                   when the milestone is within the horizon)
fluctuation        latest year-on-year change with robust z = (Δ − median Δ) / (1.4826 MAD)
                   beyond ``fluctuation_z`` (≥ 4 earlier changes; MAD floored at 1 % of the
                   level). Series with numerator and denominator use the exact test for
                   two Poisson rates instead (latest year against the earlier years pooled,
                   two-sided at ``poisson_alpha``) — 1 death among 3,000 births after years
                   with none is no alarm. Yellow; orange when the change is the wrong way.
late_data          no value for the assessment year: yellow (1 year late), orange (older)
missing_data       a numeric target's indicator with no value at all in the region (red)

Columns: region, indicator, sex, age, residence, headline, milestone (0 when the warning is
about the series, not a target), kind, level, year, value, score (z, p-value, ratio or
years late), result_row (index into results), sentence.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import special

from .config import AssessConfig
from .projection import row_nanmedian
from .series import SERIES_KEYS, SeriesMatrix
from .status import ACCELERATE, NOT_ATTAINED, REGRESSING, SLOW

WARNING_COLUMNS = [*SERIES_KEYS, "headline", "milestone", "kind", "level", "year", "value",
                   "score", "result_row", "sentence"]
LEVELS = ("red", "orange", "yellow")
LEVEL_NAMES = {"red": "红色", "orange": "橙色", "yellow": "黄色"}
WARNING_KIND_NAMES = {"projected_miss": "预计难以达标", "deterioration": "持续退步", "fell_back": "达标后回落",
                      "fluctuation": "波动较大", "late_data": "数据迟报", "missing_data": "数据缺失"}


def _latest_year(results) -> np.ndarray:
    """Latest year as int64, −1 where the series has no observation (NA in results)."""
    return results["latest_year"].to_numpy(dtype=np.int64, na_value=-1)


def _codes(labels, names, n) -> np.ndarray:
    """Labels (one, or an array) → int8 codes into ``names`` (string compares stay in C)."""
    labels = np.broadcast_to(np.asarray(labels), (n,))
    return np.select([labels == name for name in names], range(len(names)), -1).astype(np.int8)


def _frame(results, rows, kind, level, year, value, score, milestone=None) -> dict:
    """One detector's warnings as arrays; ``find_warnings`` builds the frame once."""
    n = len(rows)
    return {
        "result_row": np.asarray(rows, dtype=np.int64),
        "milestone": results["milestone"].to_numpy()[rows] if milestone is None else np.full(n, milestone),
        "kind": _codes(kind, list(WARNING_KIND_NAMES), n),
        "level": _codes(level, LEVELS, n),
        "year": np.broadcast_to(np.asarray(year), (n,)),
        "value": np.broadcast_to(np.asarray(value, dtype=np.float64), (n,)),
        "score": np.broadcast_to(np.asarray(score, dtype=np.float64), (n,)),
    }


def _projected_miss(results, year, config):
    ahead = results["milestone"].to_numpy() - year
    status = results["status"].astype(object).to_numpy()
    near = (ahead >= 0) & (ahead <= config.warning_horizon)
    soon = ahead <= 1
    level = np.select([status == REGRESSING, (status == SLOW) & soon, status == SLOW,
                       (status == ACCELERATE) & soon, status == ACCELERATE, status == NOT_ATTAINED],
                      ["red", "red", "orange", "orange", "yellow", "yellow"], default="")
    rows = np.flatnonzero(near & (level != ""))
    return _frame(results, rows, "projected_miss", level[rows], _latest_year(results)[rows],
                  results["projected"].to_numpy()[rows], results["progress_ratio"].to_numpy()[rows])


def _series_rows(s):
    """First result row of each series (results are sorted by series)."""
    return np.flatnonzero(np.r_[True, s[1:] != s[:-1]]) if len(s) else np.array([], np.int64)


def _sign(results, rows):
    direction = results["direction"].astype(object).to_numpy()[rows]
    return np.where(direction == "up", 1.0, np.where(direction == "down", -1.0, 0.0))


def _deterioration(results, worse, s, first_rows, config):
    """持续退步: the series' trend is significantly away from the target (the same test that
    makes a status 退步: engine._trend_worse, or for rare events the exact two-rate test on
    pooled counts) and there is enough history to speak of a trend."""
    n_points = results["n_points"].to_numpy()[first_rows]
    hit = worse[first_rows] & (n_points >= config.deterioration_min_points)
    rows = first_rows[hit]
    sign = _sign(results, rows)
    base = results["base_value"].to_numpy()[rows]
    latest = results["latest_value"].to_numpy()[rows]
    with np.errstate(invalid="ignore", divide="ignore"):
        rel = sign * (latest - base) / np.abs(base)
    return _frame(results, rows, "deterioration", "orange", _latest_year(results)[rows],
                  latest, rel, milestone=0)


def _fell_back(results, year, config):
    prev = results["previously_attained"].to_numpy()
    rows = np.flatnonzero(prev)
    near = results["milestone"].to_numpy()[rows] - year <= config.warning_horizon
    return _frame(results, rows, "fell_back", np.where(near, "red", "orange"),
                  _latest_year(results)[rows], results["latest_value"].to_numpy()[rows],
                  np.full(len(rows), np.nan))


def robust_z_latest(values: np.ndarray, min_changes: int) -> tuple[np.ndarray, np.ndarray]:
    """Robust z of each row's last year-on-year change against its earlier changes."""
    n, n_cols = values.shape
    if n_cols < 2:
        return np.full(n, np.nan), np.full(n, np.nan)
    delta = values[:, 1:] - values[:, :-1]
    finite = ~np.isnan(values)
    last = n_cols - 1 - finite[:, ::-1].argmax(axis=1)
    rows = np.arange(n)
    d_last = np.where(last >= 1, delta[rows, np.maximum(last - 1, 0)], np.nan)
    # columns of delta before the latest change (the last column can only be a latest one)
    earlier = np.where(np.arange(n_cols - 2) < (last - 1)[:, None], delta[:, :-1], np.nan)
    enough = (~np.isnan(earlier)).sum(axis=1) >= min_changes
    med = row_nanmedian(earlier)
    mad = row_nanmedian(np.abs(earlier - med[:, None])) * 1.4826
    level = np.abs(values[rows, np.maximum(last - 1, 0)])
    scale = np.maximum(mad, 0.01 * level)
    with np.errstate(invalid="ignore", divide="ignore"):
        z = (d_last - med) / scale
    return np.where(enough, z, np.nan), d_last


def _binomial_two_sided_p(k: np.ndarray, total: np.ndarray, share: np.ndarray) -> np.ndarray:
    """2·min(P(X ≤ k), P(X ≥ k)) for X ~ Binomial(total, share), elementwise, exact at
    every size (scipy's regularised incomplete beta; no normal approximation)."""
    k, total, share = (np.asarray(a, dtype=np.float64) for a in (k, total, share))
    p = np.full(k.shape, np.nan)
    ok = ~(np.isnan(k) | np.isnan(total) | np.isnan(share))
    if ok.any():
        kk, nn, q = k[ok], total[ok], share[ok]
        # bdtr/bdtrc written as the incomplete beta they are: counts pooled or derived from
        # rates need not be whole, and scipy deprecates a non-integer n in bdtr
        with np.errstate(invalid="ignore"):
            le = np.where(kk >= nn, 1.0, special.betainc(np.maximum(nn - kk, 1e-12), kk + 1, 1 - q))
            ge = np.where(kk >= 1, special.betainc(np.maximum(kk, 1e-12), np.maximum(nn - kk + 1, 1e-12), q), 1.0)
        p[ok] = np.minimum(1.0, 2 * np.minimum(le, ge))
    return p


def rate_change_p(k_last, n_last, k_prev, n_prev) -> np.ndarray:
    """p-value that the latest count k_last (of n_last) comes from the same Poisson rate
    as the earlier pooled k_prev (of n_prev): the exact conditional test for two Poisson
    rates — given K = k_last + k_prev events, k_last ~ Binomial(K, n_last / (n_last + n_prev)).
    Unlike a rate estimated from the earlier years alone, zero earlier events do not make
    one new death "impossible"."""
    total = np.round(k_last + k_prev)
    share = n_last / (n_last + n_prev)
    return _binomial_two_sided_p(np.round(k_last), total, share)


def _counted_p(matrix: SeriesMatrix) -> np.ndarray:
    """p-value of each series' latest count against its earlier pooled rate (NaN if no counts)."""
    num, den = matrix.numerators, matrix.denominators
    n = len(matrix)
    if num is None or den is None:
        return np.full(n, np.nan)
    finite = ~np.isnan(num) & ~np.isnan(den) & (den > 0)
    n_cols = num.shape[1]
    last = n_cols - 1 - finite[:, ::-1].argmax(axis=1)
    rows = np.arange(n)
    earlier = finite & (np.arange(n_cols) < last[:, None])
    k_prev = np.where(earlier, num, 0.0).sum(axis=1)
    n_prev = np.where(earlier, den, 0.0).sum(axis=1)
    ok = finite.any(axis=1) & (n_prev > 0)
    p = np.full(n, np.nan)
    p[ok] = rate_change_p(num[rows, last][ok], den[rows, last][ok], k_prev[ok], n_prev[ok])
    return p


@dataclass
class Fluctuation:
    """Per series: robust z and size of the latest year-on-year change, and the two-rate
    Poisson p-value where the series has counts (NaN otherwise)."""

    z: np.ndarray
    change: np.ndarray
    p: np.ndarray

    @staticmethod
    def of(matrix: SeriesMatrix, config: AssessConfig) -> Fluctuation:
        z, change = robust_z_latest(matrix.values, config.fluctuation_min_changes)
        return Fluctuation(z, change, _counted_p(matrix))

    @staticmethod
    def concat(parts: list[Fluctuation]) -> Fluctuation:
        return Fluctuation(*(np.concatenate([getattr(p, f) for p in parts]) for f in ("z", "change", "p")))


def _fluctuation(results, fluctuation: Fluctuation, s, first_rows, config):
    series = s[first_rows]
    z, change, p = fluctuation.z[series], fluctuation.change[series], fluctuation.p[series]
    counted = ~np.isnan(p)
    hit = np.where(counted, p < config.poisson_alpha, np.abs(z) > config.fluctuation_z)
    sign = _sign(results, first_rows)
    wrong_way = sign * change < 0
    rows = first_rows[hit]
    return _frame(results, rows, "fluctuation", np.where(wrong_way[hit], "orange", "yellow"),
                  _latest_year(results)[rows], results["latest_value"].to_numpy()[rows],
                  np.where(counted, p, z)[hit], milestone=0)


def _late_or_missing(results, first_rows, year, config):
    # Only numeric targets call for figures; directional and qualitative ones may be
    # judged on evidence, so their missing data is no alarm.
    op = results["op"].astype(str).to_numpy()[first_rows]
    first_rows = first_rows[~np.isin(op, ["increase", "decrease", "qualitative"])]
    latest_year = _latest_year(results)[first_rows]
    missing = latest_year < 0
    late = ~missing & (year - latest_year >= config.late_years)
    level = np.where(missing, "red", np.where(year - latest_year > config.late_years, "orange", "yellow"))
    hit = missing | late
    rows = first_rows[hit]
    kind = np.where(missing[hit], "missing_data", "late_data")
    return _frame(results, rows, kind, level[hit], np.where(missing[hit], year, latest_year[hit]),
                  results["latest_value"].to_numpy()[rows],
                  np.where(missing[hit], np.nan, year - latest_year[hit]).astype(float), milestone=0)


def find_warnings(results: pd.DataFrame, worse: np.ndarray, fluctuation: Fluctuation, s: np.ndarray,
                  year: int, config: AssessConfig) -> pd.DataFrame:
    """All warnings; ``worse`` is per result row (significant trend away from the target),
    ``fluctuation`` per series, ``s`` maps result rows to series."""
    first_rows = _series_rows(s)
    parts = [_projected_miss(results, year, config), _deterioration(results, worse, s, first_rows, config),
             _fell_back(results, year, config), _fluctuation(results, fluctuation, s, first_rows, config),
             _late_or_missing(results, first_rows, year, config)]
    arrays = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    rows = arrays["result_row"]
    keyed = results[[*SERIES_KEYS, "headline"]].iloc[rows]
    # pandas takes any list-like as categories; pandas-stubs accepts only an Index (the ignores below)
    out = pd.DataFrame({**{k: keyed[k].reset_index(drop=True) for k in (*SERIES_KEYS, "headline")},
                        "milestone": arrays["milestone"].astype(np.int64),
                        "kind": pd.Categorical.from_codes(arrays["kind"], categories=list(WARNING_KIND_NAMES)),  # type: ignore[call-overload]
                        "level": pd.Categorical.from_codes(arrays["level"], categories=list(LEVELS)),  # type: ignore[call-overload]
                        "year": arrays["year"].astype(np.int64), "value": arrays["value"],
                        "score": arrays["score"], "result_row": rows, "sentence": ""}, copy=False)
    return out[WARNING_COLUMNS]
