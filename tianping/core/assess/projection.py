"""Robust trend and projection, vectorised over every series at once.

* ≥ 3 points: Theil–Sen. The slope is the median of all pairwise slopes, computed
  as an (n_series, T·(T−1)/2) array (45 pairs for 10 years) and a row-wise median
  by sorting (NaN sorts last), in chunks so memory stays bounded. The intercept is
  the median of y − b·x. The interval is ± z × residual standard error, widened as
  for a regression prediction (1 + 1/n + (x − x̄)²/Sxx).
* 2 points: compound annual growth from the first to the last point (the Open SDG
  way of moving), no interval.
* 1 point: no trend, no projection.
Non-negative series are projected no lower than 0 and shares no higher than 100 %
(1000 ‰).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

CHUNK_ROWS = 1 << 16


@dataclass
class Trend:
    slope: np.ndarray       # per year, NaN below 2 points
    intercept: np.ndarray   # value at column 0 (year = first column year)
    resid_se: np.ndarray    # residual standard error, NaN below 3 points
    x_mean: np.ndarray      # mean observed column
    sxx: np.ndarray         # Σ (x − x̄)²
    count: np.ndarray       # observed points
    cagr: np.ndarray        # first → last compound growth (used for 2-point series)
    first: np.ndarray       # first / last observed column
    last: np.ndarray
    last_value: np.ndarray


def _median_complete(a: np.ndarray) -> np.ndarray:
    """Row medians of a NaN-free array by selection (np.partition), ~10× faster than sorting."""
    c = a.shape[1] // 2
    part = np.partition(a, c, axis=1)
    if a.shape[1] % 2:
        return part[:, c]
    return 0.5 * (part[:, :c].max(axis=1) + part[:, c])


def _median_sorted(a: np.ndarray) -> np.ndarray:
    """Row medians ignoring NaN, by sorting (NaN sorts last)."""
    ordered = np.sort(a, axis=1)
    k = (~np.isnan(ordered)).sum(axis=1)
    lo = np.maximum((k - 1) // 2, 0)[:, None]
    hi = np.minimum(k // 2, a.shape[1] - 1)[:, None]
    med = 0.5 * (np.take_along_axis(ordered, lo, 1) + np.take_along_axis(ordered, hi, 1))[:, 0]
    med[k == 0] = np.nan
    return med


def row_nanmedian(a: np.ndarray) -> np.ndarray:
    """Median of each row ignoring NaN (NaN for an all-NaN row); exact.

    Complete rows (most series) take the selection path, rows with gaps the sort path.
    """
    n, width = a.shape
    if width == 0:
        return np.full(n, np.nan)
    gappy = np.isnan(a).any(axis=1)
    if not gappy.any():
        return _median_complete(a)
    out = np.empty(n)
    out[gappy] = _median_sorted(a[gappy])
    out[~gappy] = _median_complete(a[~gappy])
    return out


def _pairs(n_cols: int) -> tuple[np.ndarray, np.ndarray]:
    i, j = np.triu_indices(n_cols, k=1)
    return i, j


def theil_sen_slope(values: np.ndarray) -> np.ndarray:
    """Median pairwise slope per row (per column step = per year)."""
    n, n_cols = values.shape
    if n_cols < 2:
        return np.full(n, np.nan)
    i, j = _pairs(n_cols)
    gaps = (j - i).astype(np.float64)
    out = np.empty(n)

    for start in range(0, n, CHUNK_ROWS):      # bounded memory: (chunk, T(T−1)/2) slopes at a time
        block = values[start:start + CHUNK_ROWS]
        out[start:start + CHUNK_ROWS] = row_nanmedian((block[:, j] - block[:, i]) / gaps)
    return out


def fit_trends(values: np.ndarray) -> Trend:
    n, n_cols = values.shape
    x = np.arange(n_cols, dtype=np.float64)
    finite = ~np.isnan(values)
    count = finite.sum(axis=1)
    first = np.where(count > 0, finite.argmax(axis=1), 0)
    last = np.where(count > 0, n_cols - 1 - finite[:, ::-1].argmax(axis=1), 0)
    rows = np.arange(n)
    first_value = values[rows, first]
    last_value = values[rows, last]

    slope = theil_sen_slope(values)
    intercept = row_nanmedian(values - slope[:, None] * x)
    with np.errstate(invalid="ignore", divide="ignore"):
        fitted = intercept[:, None] + slope[:, None] * x
        resid = np.where(finite, values - fitted, 0.0)
        resid_se = np.sqrt((resid ** 2).sum(axis=1) / (count - 2))
        x_mean = np.where(finite, x, 0.0).sum(axis=1) / count
        sxx = np.where(finite, (x - x_mean[:, None]) ** 2, 0.0).sum(axis=1)
        span = (last - first).astype(np.float64)
        cagr = np.where((first_value > 0) & (last_value >= 0) & (span > 0),
                        (last_value / first_value) ** (1.0 / span) - 1.0, np.nan)
    resid_se[count < 3] = np.nan
    return Trend(slope, intercept, resid_se, x_mean, sxx, count, cagr, first, last,
                 np.where(count > 0, last_value, np.nan))


def project(trend: Trend, series: np.ndarray, at_col: np.ndarray, *, z: float,
            upper_bound: np.ndarray, nonnegative: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Projected value and interval for result rows (series index, target column).

    ``at_col`` is the milestone as a column index (may lie beyond the data).
    Returns (point, low, high); NaN where the series has fewer than 2 points.
    """
    n = trend.count[series]
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        linear = trend.intercept[series] + trend.slope[series] * at_col
        steps = at_col - trend.last[series]
        compound = trend.last_value[series] * (1.0 + trend.cagr[series]) ** steps
        two_point = np.where(np.isnan(compound), linear, compound)
        point = np.where(n >= 3, linear, np.where(n == 2, two_point, np.nan))
        spread = trend.resid_se[series] * np.sqrt(
            1.0 + 1.0 / n + (at_col - trend.x_mean[series]) ** 2 / trend.sxx[series])
    half = z * spread
    low, high = point - half, point + half
    floor = np.where(nonnegative, 0.0, -np.inf)
    return tuple(np.clip(v, floor, upper_bound) for v in (point, low, high))
