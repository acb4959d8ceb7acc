"""Rare events: rates from few counted events, judged on pooled counts with exact intervals.

A rate built from few events (孕产妇死亡率 in a district with ~3,000 births: one death is
33/10万, none is 0) swings between "attained" and "far off" from one year to the next by
chance alone. Where a series has numerator and denominator and the year being judged
counts fewer than ``config.rare_event_count`` events (20, the usual threshold below which
a rate is flagged unreliable), it is judged on its last ``config.pool_years`` (5) counted
years pooled — Σevents ÷ Σdenominator — with the exact Poisson (Garwood) interval at
``config.poisson_level`` (95 %):

    lower = Γ⁻¹(α/2; k) / D,   upper = Γ⁻¹(1 − α/2; k + 1) / D    (0 when k = 0)

The target is attained when the whole interval meets it, missed when none of it does,
and otherwise there is not enough evidence either way (status 例数过少). So a district
whose true rate is at the target is neither praised nor warned on a lucky or unlucky
year, and one at three times the target is not called attained on a year without deaths.
The sentence quotes the counts: "近5年共3例，合计20/10万，95%精确区间4–58/10万".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import special

from .series import SeriesMatrix


def garwood(k: np.ndarray, level: float) -> tuple[np.ndarray, np.ndarray]:
    """Exact Poisson interval for the mean of a count k (elementwise)."""
    alpha = 1 - level
    k = np.asarray(k, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        lower = np.where(k > 0, special.gammaincinv(np.maximum(k, 1e-300), alpha / 2), 0.0)
        upper = special.gammaincinv(k + 1, 1 - alpha / 2)
    return np.where(np.isnan(k), np.nan, lower), upper


@dataclass
class Pooled:
    """Per result row; NaN / 0 where the row is not judged on pooled counts."""

    used: np.ndarray        # judged on pooled counts
    value: np.ndarray       # pooled rate, on the series' scale
    low: np.ndarray         # exact interval of the pooled rate
    high: np.ndarray
    events: np.ndarray
    denominator: np.ndarray
    years: np.ndarray       # counted years pooled
    first_year: np.ndarray  # first year pooled
    last_year: np.ndarray
    earlier_events: np.ndarray       # counted years before the window, for the trend test
    earlier_denominator: np.ndarray
    scale: np.ndarray       # value ÷ (events ÷ denominator): 1e5 for 1/10万


def counted(matrix: SeriesMatrix) -> np.ndarray | None:
    num, den = matrix.numerators, matrix.denominators
    if num is None or den is None:
        return None
    with np.errstate(invalid="ignore"):
        return ~np.isnan(num) & ~np.isnan(den) & (den > 0) & ~np.isnan(matrix.values)


def series_scale(matrix: SeriesMatrix, ok: np.ndarray) -> np.ndarray:
    """value ÷ (numerator ÷ denominator) per series: 100 for %, 1e5 for 1/10万 (1 if unknown)."""
    num, den = matrix.numerators, matrix.denominators
    assert num is not None and den is not None, "called where counted(matrix) is not None"
    rows = np.arange(len(matrix))
    with_events = ok & (np.nan_to_num(num) > 0)
    c = with_events.argmax(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        raw = matrix.values[rows, c] * den[rows, c] / num[rows, c]
        return np.where(with_events.any(axis=1) & (raw > 0), np.power(10.0, np.round(np.log10(raw))), 1.0)


def pooled(matrix: SeriesMatrix, s: np.ndarray, end_col: np.ndarray, config) -> Pooled:
    """Pool each row's series over its last ``pool_years`` counted years ending at end_col
    (−1: none), when the count at end_col is below ``rare_event_count``."""
    n = len(s)
    nan = np.full(n, np.nan)
    empty = Pooled(np.zeros(n, bool), nan, nan, nan, nan, nan, np.zeros(n, np.int64), nan, nan, nan, nan, nan)
    ok = counted(matrix)
    num, den = matrix.numerators, matrix.denominators
    if ok is None or num is None or den is None or n == 0 or config.pool_years < 1:
        return empty
    e = np.maximum(end_col, 0)
    rare = (end_col >= 0) & ok[s, e] & (np.where(ok[s, e], num[s, e], np.inf) < config.rare_event_count)
    rows = np.flatnonzero(rare)
    if len(rows) == 0:
        return empty
    ss, ee = s[rows], e[rows]
    k = np.zeros(len(rows))
    d = np.zeros(len(rows))
    taken = np.zeros(len(rows), np.int64)
    first = ee.copy()
    k_before = np.zeros(len(rows))
    d_before = np.zeros(len(rows))
    for back in range(num.shape[1]):
        col = ee - back
        inside = col >= 0
        c = np.maximum(col, 0)
        here = inside & ok[ss, c]
        in_window = here & (taken < config.pool_years)
        k += np.where(in_window, num[ss, c], 0.0)
        d += np.where(in_window, den[ss, c], 0.0)
        first = np.where(in_window, c, first)
        taken += in_window
        before = here & ~in_window
        k_before += np.where(before, num[ss, c], 0.0)
        d_before += np.where(before, den[ss, c], 0.0)
    scale = series_scale(matrix, ok)[ss]
    low, high = garwood(k, config.poisson_level)
    out = Pooled(rare.copy(), nan.copy(), nan.copy(), nan.copy(), nan.copy(), nan.copy(), np.zeros(n, np.int64),
                 nan.copy(), nan.copy(), nan.copy(), nan.copy(), nan.copy())
    y0 = matrix.first_year
    out.value[rows], out.low[rows], out.high[rows] = k / d * scale, low / d * scale, high / d * scale
    out.events[rows], out.denominator[rows], out.years[rows] = k, d, taken
    out.first_year[rows], out.last_year[rows] = y0 + first, y0 + ee
    out.earlier_events[rows], out.earlier_denominator[rows] = k_before, d_before
    out.scale[rows] = scale
    return out
