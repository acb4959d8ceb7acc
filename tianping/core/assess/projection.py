"""Trend and projection, vectorised over every series at once — one model for the
status, the chart band and the projected-miss warning.

Scale. Each series is fitted on the scale where its change is closest to a straight line
and cannot cross its bounds:
    shares (unit %)               logit(v / 100), v clipped to [0.05 %, 99.95 %]
    non-negative values (rates,   log(v + c)
    ‰ and 1/10万 included), c = half the smallest positive value when a
                                  year is 0 (else 0): mortality-type rates fall by a share
                                  a year, which a straight line on the level overstates
    anything else                 the value itself
Fit. Ordinary least squares on that scale (slope, intercept, residual sum of squares), so
the interval has its textbook form. The residual variance is shrunk toward a floor
``spread_floor`` (prior) with ``prior_df`` pseudo-observations:
    s² = (RSS + ν₀·s₀²) / (n − 2 + ν₀),   df = n − 2 + ν₀,
which gives two points an honest (wide) interval and keeps a perfectly straight series from
a zero-width one.
Projection at column x₀: ẑ = a + b·x₀, se = s·√(1 + 1/n + (x₀ − x̄)²/Sxx), the central
``interval_level`` interval ẑ ± t_df·se, back-transformed (so it stays within 0–100 for
shares and above 0 for rates). P(attain) = P(the value at the milestone lies in the target
band) under the same t distribution.
``trend_slope`` (shown, and used for gender-gap trends) is the fitted change per year on the
level scale between the first and the last observed year.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import special

CHUNK_ROWS = 1 << 16
IDENTITY, LOG, LOGIT = 0, 1, 2
SHARE_EPS = 0.0005


def t_quantile(q: float, df: np.ndarray) -> np.ndarray:
    """Student t quantile per element; df takes few distinct values, so per value."""
    df = np.asarray(df, dtype=np.float64)
    out = np.full(df.shape, np.nan)
    ok = df > 0
    if ok.any():
        values, inverse = np.unique(df[ok], return_inverse=True)
        out[ok] = special.stdtrit(values, q)[inverse]
    return out


def t_cdf(x: np.ndarray, df: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore"):
        return special.stdtr(np.maximum(df, 1e-9), x)


@dataclass
class Trend:
    kind: np.ndarray        # IDENTITY / LOG / LOGIT per series
    bound: np.ndarray       # upper bound of a share (100 for %), inf otherwise
    offset: np.ndarray      # c of log(v + c)
    slope: np.ndarray       # per year on the model scale, NaN below 2 points
    intercept: np.ndarray   # model-scale value at column 0
    s: np.ndarray           # shrunk residual standard deviation (model scale)
    df: np.ndarray          # its degrees of freedom
    x_mean: np.ndarray
    sxx: np.ndarray
    count: np.ndarray       # observed points
    first: np.ndarray       # first / last observed column
    last: np.ndarray
    last_value: np.ndarray
    level_slope: np.ndarray  # fitted change per year on the level scale (display)
    noise: np.ndarray       # shares: σ of the year's noise, SD σ·√(p(1 − p))·bound (shrunk); NaN otherwise
    s_ols: np.ndarray       # residual SD without the latest year (n − 3 df), for significance tests
    t: np.ndarray           # the slope's t statistic with s_ols (NaN below 4 points)

    def to_model(self, values: np.ndarray, series: np.ndarray) -> np.ndarray:
        """Level values (one per row, or rows × columns) → model scale of their series."""
        return to_model(values, self.kind[series], self.bound[series], self.offset[series])

    def to_level(self, z: np.ndarray, series: np.ndarray) -> np.ndarray:
        return to_level(z, self.kind[series], self.bound[series], self.offset[series])

    def t_stat(self) -> np.ndarray:
        """t statistic of the slope with the residual SD of the years before the latest
        (n − 3 df; NaN below 4 points, and for an unchanged series: 0 / 0). Not shrunk: a test
        must not borrow precision from the prior. A share projected on the level because it
        leaves its bound is tested on its logit fit."""
        return self.t


def _bcast(a, like):
    return a if a.ndim == like.ndim else a[:, None]


def to_model(v, kind, bound, offset):
    v = np.asarray(v, dtype=np.float64)
    kind, bound, offset = (np.broadcast_to(_bcast(np.asarray(a), v), v.shape) for a in (kind, bound, offset))
    out = v.copy()
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        share = kind == LOGIT
        if share.any():
            p = np.clip(v[share] / bound[share], SHARE_EPS, 1 - SHARE_EPS)
            out[share] = np.log(p / (1 - p))
        rate = kind == LOG
        if rate.any():
            out[rate] = np.log(np.maximum(v[rate] + offset[rate], 0))
    return out


def band_to_model(lo, hi, kind, bound, offset):
    """Target band edges on the model scale: an edge at or beyond a share's bounds (or at
    or below 0 for a log-scale rate) is open."""
    lo_z, hi_z = to_model(lo, kind, bound, offset), to_model(hi, kind, bound, offset)
    with np.errstate(invalid="ignore"):
        open_lo = (lo == -np.inf) | ((kind != IDENTITY) & (lo <= 0))
        open_hi = (hi == np.inf) | (np.isfinite(bound) & (hi >= bound))
    return np.where(open_lo, -np.inf, lo_z), np.where(open_hi, np.inf, hi_z)


def to_level(z, kind, bound, offset):
    z = np.asarray(z, dtype=np.float64)
    kind, bound, offset = (np.broadcast_to(_bcast(np.asarray(a), z), z.shape) for a in (kind, bound, offset))
    out = z.copy()
    with np.errstate(invalid="ignore", over="ignore"):
        share = kind == LOGIT
        if share.any():
            out[share] = bound[share] * special.expit(z[share])
        rate = kind == LOG
        if rate.any():
            out[rate] = np.maximum(np.exp(z[rate]) - offset[rate], 0.0)
    return out


def series_scale(values: np.ndarray, bound: np.ndarray, away_on_level: bool = True):
    """(kind, bound, offset) per series: logit for shares, log for non-negative values.

    A share that touches its bounds (a year at 100 % or at 0) stays on the level scale,
    keeping its bound: clipped to 99.95 %, one year at 100 beside 99.8 is a swing of 1.4 on
    the logit scale, and the fitted line through such swings projected districts at 99.5 %
    to fall below 80 % by 2030 (bench/calibration.py, ceiling_share). So does one whose trend
    leads away from its nearer bound (``_moving_away_from_bound``), unless ``away_on_level``
    is off (its significance test keeps the logit fit)."""
    finite = ~np.isnan(values)
    any_value = finite.any(axis=1)
    nonneg = ~(np.where(finite, values, 0.0) < 0).any(axis=1)
    is_share = np.isfinite(bound)
    with np.errstate(invalid="ignore"):
        at_bounds = (finite & ((values >= bound[:, None]) | (values <= 0))).any(axis=1)
        away = _moving_away_from_bound(values, finite, bound) & away_on_level
    kind = np.where(is_share, LOGIT, np.where(nonneg & any_value, LOG, IDENTITY)).astype(np.int8)
    kind = np.where(is_share & (~nonneg | at_bounds | away), IDENTITY, kind).astype(np.int8)
    positive = np.where(finite & (values > 0), values, np.inf).min(axis=1)
    has_zero = (finite & (values == 0)).any(axis=1)
    offset = np.where(has_zero, np.where(np.isfinite(positive), 0.5 * positive, 1.0), 0.0)
    offset = np.where(kind == LOG, offset, 0.0)
    return kind, np.where(is_share & nonneg, bound, np.inf), offset


def _moving_away_from_bound(values: np.ndarray, finite: np.ndarray, bound: np.ndarray) -> np.ndarray:
    """Shares whose straight-line trend on the level leads away from their nearer bound (a
    rate of 97 % falling, one of 3 % rising). The logit scale bends a trend toward a bound
    into saturation, which is right, but bends one leaving it into an ever steeper fall:
    districts falling about a point a year from 95–99 % were projected 9 % too low by
    2030 and their 80 % interval covered 15 % of them (bench/calibration.py,
    worsening_high_share). Those are projected on the level scale; whether their trend is
    significant (退步) is still tested on the logit fit, whose weights p(1 − p) keep a few
    years near the bound from deciding it."""
    x = np.arange(values.shape[1], dtype=np.float64)
    count = finite.sum(axis=1)
    filled = np.where(finite, values, 0.0)
    x_mean = (finite * x).sum(axis=1) / count
    v_mean = filled.sum(axis=1) / count
    dx = np.where(finite, x - x_mean[:, None], 0.0)
    slope = (dx * (filled - v_mean[:, None])).sum(axis=1) / (dx ** 2).sum(axis=1)
    upper = v_mean > bound / 2
    return np.isfinite(bound) & (count >= 2) & np.where(upper, slope < 0, slope > 0)


def _residual_sd_without(zf, w, keep, x) -> np.ndarray:
    """Residual SD (weighted, n − 2 df over the kept points) of the line through ``keep``."""
    w = np.where(keep, w, 0.0)
    k = keep.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        sw = w.sum(axis=1)
        xm = (w * x).sum(axis=1) / sw
        zm = (w * zf).sum(axis=1) / sw
        dx = np.where(keep, x - xm[:, None], 0.0)
        b = (w * dx * (zf - zm[:, None])).sum(axis=1) / (w * dx ** 2).sum(axis=1)
        r = np.where(keep, zf - (zm[:, None] + b[:, None] * dx), 0.0)
        # weights average 1 over all points; rescale to the kept ones
        return np.sqrt((w * r ** 2).sum(axis=1) / sw * k / (k - 2))


def fit_trends(values: np.ndarray, bound: np.ndarray, floor: np.ndarray, prior_df: float,
               share_noise_floor: float = 0.002, floor_share: float = 0.7, away_on_level: bool = True) -> Trend:
    """OLS on the model scale for every row of ``values`` (n_series × years).

    ``bound``: per series, a share's upper bound or inf; ``floor``: s₀ per model kind
    (indexable by IDENTITY/LOG/LOGIT; for IDENTITY a share of the series' mean level)."""
    n, n_cols = values.shape
    share_bound = bound
    kind, bound, offset = series_scale(values, bound, away_on_level)
    z = to_model(values, kind, bound, offset)
    x = np.arange(n_cols, dtype=np.float64)
    finite = ~np.isnan(values)
    count = finite.sum(axis=1)
    first = np.where(count > 0, finite.argmax(axis=1), 0)
    last = np.where(count > 0, n_cols - 1 - finite[:, ::-1].argmax(axis=1), 0)
    rows = np.arange(n)
    zf = np.where(finite, z, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        # Shares: weighted least squares with weights p(1 − p), the inverse variance on the
        # logit scale of binomial (survey) noise — else the years nearest 100 % (whose logit
        # swings most) decide the trend. Weights average 1 over a series' years.
        w = finite.astype(np.float64)
        shares = np.flatnonzero(kind == LOGIT)
        if len(shares):
            p = np.clip(values[shares] / bound[shares, None], SHARE_EPS, 1 - SHARE_EPS)
            ws = np.where(finite[shares], p * (1 - p), 0.0)
            w[shares] = ws / (ws.sum(axis=1) / count[shares])[:, None]
        x_mean = (w * x).sum(axis=1) / count
        z_mean = (w * zf).sum(axis=1) / count
        dx = np.where(finite, x - x_mean[:, None], 0.0)
        sxx = (w * dx ** 2).sum(axis=1)
        slope = (w * dx * (zf - z_mean[:, None])).sum(axis=1) / sxx
        intercept = z_mean - slope * x_mean
        resid = np.where(finite, zf - (intercept[:, None] + slope[:, None] * x), 0.0)
        rss = (w * resid ** 2).sum(axis=1)
        level_mean = np.abs(np.where(finite, values, 0.0).sum(axis=1) / count)
        # a share held on the level scale gets the logit floor carried to its level, s₀·p(1 − p)
        # (p kept within 2.5–97.5 %): 2 % of its level would give a district at 99.5 % an
        # interval reaching 97, and one at 90 % a floor of 1.8 points
        p_mean = np.clip(level_mean / np.where(np.isfinite(bound), bound, 1.0), 0.025, 0.975)
        level_share = (kind == IDENTITY) & np.isfinite(bound)
        s0 = np.where(kind == IDENTITY, floor[IDENTITY] * np.maximum(level_mean, 1e-9), floor[kind])
        s0 = np.where(level_share, floor[LOGIT] * p_mean * (1 - p_mean) * bound, s0)
        df = np.maximum(count - 2, 0) + prior_df
        # For significance tests: the residual SD of the same fit without the latest year
        # (n − 3 df), so that the test statistic moves one way with the latest value — a worse
        # latest value can never make a series look less like 退步 than a better one would.
        s_ols = _residual_sd_without(zf, w, finite & (x[None, :] != last[:, None]), x)
        s = np.sqrt((np.where(count >= 3, rss, 0.0) + prior_df * s0 ** 2) / df)
        s = np.maximum(s, s0 * floor_share)
        # Shares: the year's noise is binomial-like, SD = σ·√(p(1 − p)) on the level scale: σ
        # is estimated from the level residuals standardised that way (shrunk toward a floor),
        # and the projection applies it at the projected share.
        noise = np.full(n, np.nan)
        sh = np.flatnonzero(np.isfinite(bound) & (kind != LOG))      # shares, on either scale
        if len(sh):
            b = bound[sh, None]
            fitted = to_level(intercept[sh, None] + slope[sh, None] * x, kind[sh], bound[sh], offset[sh])
            pf = np.clip(fitted / b, SHARE_EPS, 1 - SHARE_EPS)
            std_resid = np.where(finite[sh], (values[sh] - fitted) / (b * np.sqrt(pf * (1 - pf))), 0.0)
            n0 = share_noise_floor
            shrunk = np.sqrt((np.where(count[sh] >= 3, (std_resid ** 2).sum(axis=1), 0.0) + prior_df * n0 ** 2)
                             / df[sh])
            noise[sh] = np.maximum(shrunk, n0)
        fitted_first = to_level(intercept + slope * first, kind, bound, offset)
        fitted_last = to_level(intercept + slope * last, kind, bound, offset)
        level_slope = (fitted_last - fitted_first) / (last - first)
    slope[count < 2] = np.nan
    level_slope[count < 2] = np.nan
    intercept = np.where(count == 1, z_mean, intercept)
    with np.errstate(invalid="ignore", divide="ignore"):
        t = np.where(count >= 4, slope / (s_ols / np.sqrt(sxx)), np.nan)
    moved = np.flatnonzero((kind == IDENTITY) & np.isfinite(share_bound) & (series_scale(values, share_bound, False)[0] == LOGIT))
    if away_on_level and len(moved):
        # projected on the level, tested on the logit fit (see _moving_away_from_bound)
        t[moved] = fit_trends(values[moved], share_bound[moved], floor, prior_df, share_noise_floor, floor_share,
                              away_on_level=False).t
    return Trend(kind, bound, offset, slope, intercept, s, df, x_mean, sxx, count, first, last,
                 np.where(count > 0, values[rows, last], np.nan), level_slope, noise, s_ols, t)


@dataclass
class Projection:
    point: np.ndarray
    low: np.ndarray
    high: np.ndarray
    z: np.ndarray           # model-scale point
    se: np.ndarray          # model-scale prediction standard error (trend and, but for shares, noise)
    df: np.ndarray
    noise: np.ndarray       # shares: level-scale noise SD added to the trend's uncertainty


def project(trend: Trend, series: np.ndarray, at_col: np.ndarray, level: float, damping: float = 1.0,
            share_drift: float = 0.0) -> Projection:
    """Projection and central ``level`` interval for result rows (series index, column
    of the milestone, may lie beyond the data). NaN where the series has < 2 points.

    Log-scale series (mortality-type rates) follow a damped trend beyond their last year:
    the h-th year ahead adds ``damping``^h of the fitted yearly change (declines slow down as
    rates approach their floor; a straight line on the log scale was 6 % too optimistic by
    2030 on the calibration bench). Shares: the trend's uncertainty on the logit scale and
    the year's noise on the level scale are combined on the level scale."""
    n = trend.count[series]
    kind = trend.kind[series]
    last = trend.last[series]
    bound = trend.bound[series]
    share = np.isfinite(bound) & (kind != LOG)          # on the logit scale or, leaving a bound, the level
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        ahead = np.maximum(at_col - last, 0)
        damped = damping * (1 - damping ** ahead) / (1 - damping) if damping < 1 else ahead
        steps = np.where(kind == LOG, last + damped, at_col)
        z = trend.intercept[series] + trend.slope[series] * steps
        lever = 1.0 / n + (steps - trend.x_mean[series]) ** 2 / trend.sxx[series]
        se = trend.s[series] * np.sqrt(np.where(share, 0.0, 1.0) + lever)
        # logit shares: a real trend need not stay straight on the logit scale; its drift adds
        # share_drift per year ahead (model error grows with the horizon, noise does not)
        se = np.where(kind == LOGIT, np.hypot(se, share_drift * ahead), se)
        bound_ = np.where(share, bound, 1.0)
    z = np.where(n >= 2, z, np.nan)
    df = trend.df[series]
    q = t_quantile(0.5 + level / 2, df)
    point, low, high = trend.to_level(z, series), trend.to_level(z - q * se, series), trend.to_level(z + q * se, series)
    with np.errstate(invalid="ignore"):
        pp = np.clip(point / bound_, SHARE_EPS, 1 - SHARE_EPS)
        noise = np.where(share, trend.noise[series] * np.sqrt(pp * (1 - pp)) * bound_, np.nan)
    if share.any():
        # the year's noise joins the trend's spread on the level; a share stays within 0 and
        # its bound: a line heading past 100 projects 100, the interval's lower half kept
        # below it (a series at 100 can dip)
        with np.errstate(invalid="ignore"):
            qn = q * noise
            below, above = np.hypot(point - low, qn), np.hypot(high - point, qn)
            point = np.where(share, np.clip(point, 0, bound), point)
            low = np.where(share, np.clip(point - below, 0, bound), low)
            high = np.where(share, np.clip(point + above, 0, bound), high)
    return Projection(point, low, high, z, se, df, noise)


def probability_in_band(p: Projection, lo_z: np.ndarray, hi_z: np.ndarray, lo: np.ndarray, hi: np.ndarray,
                        to_level) -> np.ndarray:
    """P(lo ≤ value at the milestone ≤ hi) under the projection's t distribution. Shares:
    on the level scale, the logit trend's spread (by the delta method, from the points one
    SE either side) combined with the level-scale noise."""
    with np.errstate(invalid="ignore", divide="ignore"):
        upper = np.where(np.isposinf(hi_z), 1.0, t_cdf((hi_z - p.z) / p.se, p.df))
        lower = np.where(np.isneginf(lo_z), 0.0, t_cdf((lo_z - p.z) / p.se, p.df))
        share = ~np.isnan(p.noise)
        if share.any():
            spread = 0.5 * (to_level(p.z + p.se) - to_level(p.z - p.se))
            total = np.hypot(spread, p.noise)
            up_s = np.where(np.isposinf(hi_z), 1.0, t_cdf((hi - p.point) / total, p.df))
            lo_s = np.where(np.isneginf(lo_z), 0.0, t_cdf((lo - p.point) / total, p.df))
            upper, lower = np.where(share, up_s, upper), np.where(share, lo_s, lower)
        return np.where(np.isnan(p.z), np.nan, np.clip(upper - lower, 0.0, 1.0))


def row_nanmedian(a: np.ndarray) -> np.ndarray:
    """Median of each row ignoring NaN (NaN for an all-NaN row), by sorting."""
    n, width = a.shape
    if width == 0:
        return np.full(n, np.nan)
    ordered = np.sort(a, axis=1)
    k = (~np.isnan(ordered)).sum(axis=1)
    lo = np.maximum((k - 1) // 2, 0)[:, None]
    hi = np.minimum(k // 2, width - 1)[:, None]
    med = 0.5 * (np.take_along_axis(ordered, lo, 1) + np.take_along_axis(ordered, hi, 1))[:, 0]
    med[k == 0] = np.nan
    return med
