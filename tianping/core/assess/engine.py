"""``assess``: observations + targets → one results row per region × indicator ×
series × milestone target, and a warnings table. Vectorised end to end.

Results columns (stable; the dashboard and reports read them):

    region, indicator, sex, age, residence   the series ('' = total)
    headline      True for the series that stands for the indicator (the total; the
                  female series when a region reports no total) — 达标率 counts these,
                  one target per indicator (aggregate.applicable_targets)
    area, goal, milestone, op, target_value, target_upper, target_text,
    target_unit   unit of the target's number as stated ('个百分点', '%' of a relative change)
    unit          unit of the observed values (the data's; else the target's for level targets)
    direction     target as stated ('up'/'down'; for ~/range inferred per series)
    tolerance     band half-width used for '~'
    goal_value    absolute value to reach by the milestone (relative/annual targets resolved)
    n_points      observations used (period_start … assessment year)
    base_year, base_value, latest_year, latest_value   (years are nullable Int64: NA = none)
    attained      latest value meets the target (nullable; NA for qualitative/no data)
    previously_attained  an earlier year met the target the latest value now misses
    cagr_observed, cagr_required, progress_ratio, progress_method ('cagr'/'linear'/''),
    progress_label  Open SDG label (target_achieved, substantial_progress, …)
    trend_slope   fitted change per year on the level scale (projection.py; NaN below 2 points)
    trend_t       t statistic of that slope on the model scale, residual SD of the years before
                  the latest (n − 3 df; NaN below 4 points): what a significance test of the
                  trend, or of a gender gap's trend, rests on
    trend_method  'theil_sen' (≥3 points), 'cagr' (2 points), '' (no projection)
    projected, projected_low, projected_high   value expected at the milestone
    projected_attained  P(attain) ≥ on_track_probability
    p_attain      probability that the milestone value meets the target (projection.py)
    pace          fitted yearly change ÷ the change still needed (the model ratio the status,
                  the label and the sentence use; progress_ratio is Open SDG's, for comparison)
    status        已达标/预计达标/需加快/进展缓慢/退步/数据不足/待评估 (status.py)
    progress_index  0–100, share of the way from base to goal (aggregate.py)
    judgement     evaluation group's word for qualitative targets ('' if none)
    sentence      Chinese sentence a report can quote (phrases.py; '' when not written)
    pooled_value, pooled_years, pooled_events   rare events (below): the pooled rate the
                  attainment was judged on, how many years and events it pools (0 / NaN
                  when the latest single-year value was used)

Rare events. A rate built from few events (孕产妇死亡率 in a district with ~3,000 births:
one death is 33/10万, none is 0) swings between "attained" and "far off" from one year
to the next by chance alone. Where a series has numerator and denominator and its latest
year counts fewer than ``config.rare_event_count`` events (20, the usual threshold below
which a rate is flagged unreliable), attainment — and with it the status — is judged on the
pooled rate Σevents ÷ Σdenominator over the last ``config.pool_years`` (3) reported years
up to the latest, scaled as the series' values are (100 for %, 1e5 for 1/10万). Both ways:
a lucky zero year does not make the target attained, an unlucky death does not unmake it.
At least two years must be pooled; otherwise the single year stands. The single-year value
stays in latest_value (reports quote it), trend, projection and progress ratio still use the
annual values, and the status sentence names the pooled figure it relied on.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from tianping.core.figures import as_written

from . import aggregate, phrases, rare
from .config import DEFAULT_CONFIG, AssessConfig
from .progress import LABELS, METHODS, progress_ratio
from .projection import (
    IDENTITY,
    LOG,
    LOGIT,
    Trend,
    band_to_model,
    fit_trends,
    probability_in_band,
    project,
    t_quantile,
)
from .series import (
    SERIES_KEYS,
    SeriesMatrix,
    build_series,
    next_observed,
    previous_observed,
)
from .status import (
    PROGRESS_LABEL_CODE,
    STATUSES,
    Verdict,
    assessable_code,
    attained_code,
    directional_status,
    judged_status,
    numeric_status,
)
from .targets import (
    BASE_OPS,
    DIRECTIONAL,
    DIRECTIONAL_OPS,
    NUMERIC,
    QUALITATIVE,
    base_bands,
    meets,
    normalise_targets,
    target_arrays,
    upper_bound_for,
)
from .warnings import Fluctuation, find_warnings

RESULT_COLUMNS = [
    *SERIES_KEYS, "headline", "area", "goal", "milestone", "op", "target_value", "target_upper",
    "target_text", "target_unit", "unit", "direction", "tolerance", "goal_value", "n_points",
    "base_year", "base_value", "latest_year", "latest_value", "attained", "previously_attained",
    "cagr_observed", "cagr_required", "progress_ratio", "progress_method", "progress_label",
    "trend_slope", "trend_t", "trend_method", "projected", "projected_low", "projected_high",
    "projected_attained", "p_attain", "pace", "status", "progress_index", "judgement", "sentence",
    "pooled_value", "pooled_years", "pooled_events", "pooled_low", "pooled_high", "pooled_first_year",
]


@dataclass
class Assessment:
    results: pd.DataFrame
    warnings: pd.DataFrame
    year: int
    config: AssessConfig = field(default_factory=AssessConfig)

    def attainment_rate(self, by=("region", "area"), milestone: int | None = None,
                        per: str = "indicator") -> pd.DataFrame:
        """达标率 per indicator at each evaluation year (aggregate.py's one rule);
        ``per="target"`` counts every headline series × target row instead."""
        return aggregate.attainment_rate(self.results, by=by, milestone=milestone, config=self.config, per=per)

    def gender_gaps(self) -> pd.DataFrame:
        return aggregate.gender_gaps(self.results, self.config)

    def development_index(self, milestone: int | None = None) -> pd.DataFrame:
        return aggregate.development_index(self.results, milestone=milestone)

    def with_sentences(self, rows: pd.DataFrame | None = None) -> pd.DataFrame:
        """Results (or a subset) with the sentence column written."""
        frame = (self.results if rows is None else rows).copy()
        frame["sentence"] = phrases.status_sentences(frame, self.config.interval_level)
        return frame

    def warnings_with_sentences(self, rows: pd.DataFrame | None = None) -> pd.DataFrame:
        """Warnings (or a subset) with the sentence column written."""
        frame = (self.warnings if rows is None else rows).copy()
        frame["sentence"] = phrases.warning_sentences(frame, self.results, self.config.interval_level)
        return frame


def _with_missing_series(matrix: SeriesMatrix, indicators: list[str]) -> SeriesMatrix:
    """Add an empty total series for each region × target indicator with no data at all,
    so the dashboard shows 数据不足 rather than nothing."""
    keys = matrix.keys
    regions = pd.Index(keys["region"].cat.categories)
    ind_cats = pd.Index(keys["indicator"].cat.categories).union(pd.Index(indicators).unique(), sort=False)
    present = np.zeros((len(regions), len(ind_cats)), dtype=bool)
    ind_codes = ind_cats.get_indexer(keys["indicator"].cat.categories)[keys["indicator"].cat.codes.to_numpy()]
    present[keys["region"].cat.codes.to_numpy(), ind_codes] = True
    wanted = ind_cats.get_indexer(pd.Index(indicators).unique())
    r, i = np.nonzero(~present[:, wanted])
    if len(r) == 0:
        return matrix
    extra = pd.DataFrame({"region": regions[r], "indicator": ind_cats[wanted[i]],
                          "sex": "", "age": "", "residence": ""})
    merged = pd.concat([keys.astype(object), extra], ignore_index=True)
    new_keys = pd.DataFrame({k: pd.Categorical(merged[k].fillna("")) for k in SERIES_KEYS})
    pad = np.full((len(extra), matrix.values.shape[1]), np.nan)

    def grow(a):
        return None if a is None else np.vstack([a, pad])

    return SeriesMatrix(new_keys, matrix.years, np.vstack([matrix.values, pad]),
                        grow(matrix.numerators), grow(matrix.denominators))


def _pair_rows(series_ind: np.ndarray, target_ind: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """All (series, target) pairs sharing an indicator code, without a Python loop."""
    order = np.argsort(series_ind, kind="stable")
    counts = np.bincount(series_ind, minlength=max(target_ind.max(initial=0), series_ind.max(initial=0)) + 1)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    lens = np.where(target_ind >= 0, counts[np.maximum(target_ind, 0)], 0)
    t = np.repeat(np.arange(len(target_ind)), lens)
    offset = np.arange(len(t)) - np.repeat(np.cumsum(lens) - lens, lens)
    s = order[starts[target_ind[t]] + offset]
    rows = np.lexsort((t, s))
    return s[rows], t[rows]


def _headline(keys: pd.DataFrame) -> np.ndarray:
    blank_rest = (keys["age"].astype(object) == "").to_numpy() & (keys["residence"].astype(object) == "").to_numpy()
    sex = keys["sex"].astype(object).to_numpy()
    total = blank_rest & (sex == "")
    group = keys["region"].cat.codes.to_numpy(np.int64) * (len(keys["indicator"].cat.categories) + 1) \
        + keys["indicator"].cat.codes.to_numpy(np.int64)
    has_total = pd.Series(total).groupby(group).transform("any").to_numpy()
    return total | (~has_total & blank_rest & (sex == "女"))


def _indicator_units(observations: pd.DataFrame) -> dict[str, str]:
    if "unit" not in observations:
        return {}
    units = observations[["indicator", "unit"]].drop_duplicates("indicator")
    return dict(zip(units["indicator"].astype(str), units["unit"].fillna("").astype(str)))


def _with_measured_units(targets: pd.DataFrame, data_units: dict[str, str]) -> pd.DataFrame:
    """``target_unit`` keeps the stated unit; ``unit`` becomes the unit values are measured
    in (shares get their tolerance and bounds from it, not from '比2020年提高10%')."""
    level = ~targets["op"].isin(list(BASE_OPS | DIRECTIONAL_OPS | {"qualitative"}))
    measured = [data_units.get(i) or (u if is_level else "")
                for i, u, is_level in zip(targets["indicator"], targets["unit"], level)]
    targets = targets.assign(target_unit=targets["unit"], unit=measured)
    # A fraction without a unit ("1/2以上": 0.5) of an indicator measured in % is 50 %
    # (figures.as_written, as the web's targets_frame reads it); else the data's 47 % would meet it.
    value = pd.to_numeric(targets["value"], errors="coerce")
    fraction = (level & targets["target_unit"].fillna("").eq("") & targets["unit"].eq("%")
                & value.gt(0) & value.le(1)).to_numpy()
    if fraction.any():
        targets = targets.copy()
        for column in ("value", "upper"):
            numbers = pd.to_numeric(targets[column], errors="coerce").astype("float64")
            # pandas takes a list as ``other`` (by position); pandas-stubs types scalars, Series, callables only
            targets[column] = numbers.where(~fraction, [as_written(v, "", "%")[0] for v in numbers])  # type: ignore[arg-type]
        targets.loc[fraction, "target_unit"] = "%"
    return targets


def _judgement_per_row(keys, s, is_qualitative, judgements) -> np.ndarray:
    out = np.full(len(s), "", dtype=object)
    if judgements is None or len(judgements) == 0 or not is_qualitative.any():
        return out
    rows = np.flatnonzero(is_qualitative)
    region = keys["region"].astype(object).to_numpy()[s]
    indicator = keys["indicator"].astype(object).to_numpy()[s]
    table = judgements.copy()
    if "region" not in table:
        table["region"] = ""
    table["region"] = table["region"].fillna("")
    exact = dict(zip(zip(table["region"], table["indicator"]), table["judgement"]))
    anywhere = dict(zip(table.loc[table["region"] == "", "indicator"], table.loc[table["region"] == "", "judgement"]))
    for r in rows:
        out[r] = exact.get((region[r], indicator[r]), anywhere.get(indicator[r], ""))
    return out


def assess(observations: pd.DataFrame, targets: pd.DataFrame, *, year: int | None = None,
           config: AssessConfig | None = None, judgements: pd.DataFrame | None = None) -> Assessment:
    """Assess every series against every target of its indicator (see module docstring).

    ``judgements``: optional table indicator, judgement (达标/基本达标/未达标)[, region,
    evidence] recorded by the evaluation group for qualitative targets.
    """
    config = config or DEFAULT_CONFIG
    targets = normalise_targets(targets)
    if year is None:
        year = int(observations["year"].max()) if len(observations) else max(targets["year"], default=0)
    matrix = build_series(observations, first_year=config.period_start, last_year=year)
    matrix = _with_missing_series(matrix, list(targets["indicator"]))
    targets = _with_measured_units(targets, _indicator_units(observations))
    ind_cats = pd.Index(matrix.keys["indicator"].cat.categories)
    s, t = _pair_rows(matrix.keys["indicator"].cat.codes.to_numpy(np.int64),
                      ind_cats.get_indexer(targets["indicator"]))
    _, columns, fluctuation = _in_chunks(matrix, targets, s, t, year, config, judgements)
    worse = columns.pop("worse")
    results = _results_frame(matrix, targets, s, t, columns)
    warnings = find_warnings(results, worse, fluctuation, s, year, config)
    if config.sentences or (config.sentences is None and len(results) <= config.sentence_row_limit):
        results["sentence"] = phrases.status_sentences(results, config.interval_level)
        warnings["sentence"] = phrases.warning_sentences(warnings, results, config.interval_level)
    return Assessment(results, warnings, year, config)


CHUNK_SERIES = 100_000
# trend_method: the scale the projection was fitted on (projection.py); '' = no projection
TREND_METHODS = ["", "linear", "log", "logit", "pooled"]   # pooled: rare events, the pooled rate (rare.py)
assert (IDENTITY, LOG, LOGIT) == (0, 1, 2)
THREADS = min(2, os.cpu_count() or 1)


def _concat(parts: list):
    if isinstance(parts[0], np.ndarray):
        return np.concatenate(parts)
    return type(parts[0])._concat_same_type(parts)


def _series_bounds(n: int, targets, s, t) -> np.ndarray:
    """Per series: the upper bound of a share (100 for %, 1000 for ‰) from its targets' unit."""
    bound = np.full(n, np.inf)
    unit = targets["unit"].to_numpy(str)
    # only % is fitted as a share: a ‰ figure is a rate (infant mortality 5‰), fitted on the log scale
    bound[s] = np.where(unit == "%", upper_bound_for(unit), np.inf)[t]
    return bound


def _in_chunks(matrix: SeriesMatrix, targets, s, t, year, config, judgements):
    """Trends, result columns and fluctuation statistics, computed over blocks of series
    on every core: numpy releases the GIL, so two threads get twice the CPU (results rows
    of one series are contiguous, so a block of series is a block of rows)."""
    n = len(matrix)
    share_bound = _series_bounds(n, targets, s, t)
    floor = np.array([config.spread_floor_relative, config.spread_floor_log, config.spread_floor_logit])
    bounds = np.linspace(0, n, max(1, -(-n // CHUNK_SERIES)) + 1).astype(np.int64)
    row_bounds = np.searchsorted(s, bounds)

    def run(k: int):
        a, b, r0, r1 = bounds[k], bounds[k + 1], row_bounds[k], row_bounds[k + 1]
        block = matrix.rows(a, b)
        trend = fit_trends(block.values, share_bound[a:b], floor, config.prior_df, config.share_noise_floor,
                           config.floor_share)
        columns = _evaluate(block, trend, targets, s[r0:r1] - a, t[r0:r1], year, config, judgements)
        return trend, columns, Fluctuation.of(block, config)

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        parts = list(pool.map(run, range(len(bounds) - 1)))
    columns = {name: _concat([p[1][name] for p in parts]) for name in parts[0][1]}
    trends = [p[0] for p in parts]
    return (Trend(**{f: np.concatenate([getattr(tr, f) for tr in trends]) for f in Trend.__dataclass_fields__}),
            columns, Fluctuation.concat([p[2] for p in parts]))


@dataclass
class _Rows:
    """Per result row: what the target asks and where the series stands. For a passed
    milestone the "latest" value is the one judged: the milestone year's, else the last before."""

    t: np.ndarray
    s: np.ndarray
    is_numeric: np.ndarray
    is_directional: np.ndarray
    is_qualitative: np.ndarray
    milestone: np.ndarray
    final: np.ndarray
    count: np.ndarray
    has_latest: np.ndarray
    latest_col: np.ndarray
    latest: np.ndarray
    latest_year: np.ndarray
    has_base: np.ndarray
    base_value: np.ndarray
    base_year: np.ndarray
    stated_base: np.ndarray
    base_note: np.ndarray


def _rows(matrix: SeriesMatrix, trend: Trend, ta, s, t, year, config) -> _Rows:
    y0, n_cols = matrix.first_year, matrix.values.shape[1]
    kind = ta.kind[t]
    milestone = ta.milestone[t]
    count = trend.count[s]
    has_any = count > 0
    newest_col = trend.last[s]
    final = (kind == NUMERIC) & has_any & ((year > milestone) | (y0 + newest_col >= milestone))
    at_milestone = np.clip(milestone - y0, -1, n_cols - 1)
    judged_col = np.where(at_milestone >= 0, previous_observed(matrix.values)[s, np.maximum(at_milestone, 0)], -1)
    latest_col = np.where(final, judged_col, newest_col)
    has_latest = has_any & (latest_col >= 0)
    latest_col = np.maximum(latest_col, 0)
    latest_year = np.where(has_latest, y0 + latest_col, -1)
    base_col, stated_base, base_note = _base_columns(matrix, trend, ta, s, t, latest_col, has_latest, config)
    has_base = (base_col >= 0) & has_latest
    return _Rows(
        t=t, s=s, is_numeric=kind == NUMERIC, is_directional=kind == DIRECTIONAL, is_qualitative=kind == QUALITATIVE,
        milestone=milestone, final=final & has_latest, count=count, has_latest=has_latest, latest_col=latest_col,
        latest=np.where(has_latest, matrix.values[s, latest_col], np.nan), latest_year=latest_year,
        has_base=has_base, base_value=np.where(has_base, matrix.values[s, np.maximum(base_col, 0)], np.nan),
        base_year=np.where(has_base, y0 + base_col, -1), stated_base=stated_base, base_note=base_note & has_base)


def _bands(ta, r: _Rows):
    """(lo, hi) at the milestone and (lo_now, hi_now) at the latest year, per row."""
    lo, hi = ta.lo[r.t], ta.hi[r.t]
    lo_now, hi_now = lo.copy(), hi.copy()
    rows = np.flatnonzero(ta.needs_base[r.t])
    if len(rows):
        from_year = np.where(np.isnan(r.stated_base[rows]), r.base_year[rows], r.stated_base[rows])
        lo[rows], hi[rows], lo_now[rows], hi_now[rows] = base_bands(
            ta.op[r.t[rows]], ta.value[r.t[rows]], r.base_value[rows],
            r.milestone[rows] - from_year, r.latest_year[rows] - from_year)
    return lo, hi, lo_now, hi_now


def _evaluate(matrix: SeriesMatrix, trend: Trend, targets: pd.DataFrame, s, t, year, config, judgements):
    """Every computed column for the (series s, target t) result rows, as arrays."""
    ta = target_arrays(targets, config)
    r = _rows(matrix, trend, ta, s, t, year, config)
    lo, hi, lo_now, hi_now = _bands(ta, r)
    lo_strict, hi_strict = ta.lo_strict[t], ta.hi_strict[t]
    sign = _effective_sign(ta.sign[t], r.base_value, r.latest, lo, hi)
    goal = np.where(r.is_numeric, np.where(sign > 0, lo, np.where(sign < 0, hi, np.nan)), np.nan)
    single_attained = r.is_numeric & meets(r.latest, lo_now, hi_now, lo_strict, hi_strict)
    pool = rare.pooled(matrix, s, np.where(r.is_numeric & r.has_latest, r.latest_col, -1), config)
    use_pool = r.is_numeric & pool.used
    with np.errstate(invalid="ignore"):
        pool_attained = meets(pool.low, lo_now, hi_now, lo_strict, hi_strict) & \
            meets(pool.high, lo_now, hi_now, lo_strict, hi_strict)
        pool_missed = (pool.high < lo_now) | (pool.low > hi_now)
    attained = np.where(use_pool, pool_attained, single_attained)
    missed = np.where(use_pool, pool_missed, ~single_attained)
    ahead = r.is_numeric & ~r.final & r.has_latest & (r.count >= 2)
    proj = _projection(matrix, trend, r, ahead, config)
    lo_z, hi_z = band_to_model(lo, hi, trend.kind[s], trend.bound[s], trend.offset[s])
    p_attain = np.where(ahead & ~use_pool, probability_in_band(
        proj, lo_z, hi_z, lo, hi, lambda z: trend.to_level(z, s)), np.nan)
    _pooled_projection(proj, pool, use_pool & r.is_numeric & ~r.final & r.has_latest, config)
    pace = _model_pace(trend, r, sign, lo_z, hi_z)
    worse = np.where(use_pool, _pooled_worse(pool, sign, config), _trend_worse(trend, r, sign, config))
    ratio, cagr_o, cagr_r, method = progress_ratio(
        r.base_value, r.base_year.astype(np.float64), r.latest, r.latest_year.astype(np.float64),
        goal, r.milestone.astype(np.float64), sign.astype(np.float64))
    ratio = np.where(r.is_numeric, ratio, np.nan)
    # a target defined from a base year needs a value after it (one value is its own base)
    has_data = r.has_latest & (r.has_base & (r.latest_year > r.base_year) | ~ta.needs_base[t])
    status = numeric_status(Verdict(has_data=has_data, final=r.final, attained=attained, missed=missed,
                                    single=r.count == 1, p_attain=p_attain, pace=pace, worse=worse), config)
    status = _directional_status(trend, r, sign, status, config)
    judgement = _judgement_per_row(matrix.keys, s, r.is_qualitative, judgements)
    status = np.where(r.is_qualitative, judged_status(judgement), status).astype(np.int8)
    attained = attained_code(status)
    assessable = assessable_code(status)
    previously = _previously_met(matrix.values, s, r.latest_col, lo, hi, lo_strict, hi_strict,
                                 r.is_numeric & missed & r.has_latest & ~ta.pace[t] & ~use_pool)
    previously = _fell_clearly(previously, trend, r, lo_z, hi_z, config)
    with np.errstate(invalid="ignore", divide="ignore"):
        earlier_rate = pool.earlier_events / pool.earlier_denominator * pool.scale
    previously |= use_pool & pool_missed & meets(earlier_rate, lo_now, hi_now, lo_strict, hi_strict)
    return {
        "goal_value": goal, "tolerance": ta.tolerance[t], "direction": np.where(sign > 0, 0, np.where(sign < 0, 1, 2)),
        "n_points": r.count, "base_year": pd.arrays.IntegerArray(r.base_year.astype(np.int64), ~r.has_base),
        "base_value": r.base_value,
        "latest_year": pd.arrays.IntegerArray(r.latest_year.astype(np.int64), ~r.has_latest),
        "latest_value": r.latest,
        "attained": pd.arrays.BooleanArray(attained, ~assessable),
        "previously_attained": previously,
        "cagr_observed": cagr_o, "cagr_required": cagr_r, "progress_ratio": ratio,
        "progress_method": _method_with_notes(method, r, goal),
        "progress_label": PROGRESS_LABEL_CODE[status],
        "trend_slope": trend.level_slope[s], "trend_t": trend.t_stat()[s],
        "trend_method": np.where(np.isnan(proj.point), 0, np.where(use_pool, 4, trend.kind[s] + 1)),
        "projected": proj.point, "projected_low": proj.low, "projected_high": proj.high,
        "projected_attained": p_attain >= config.on_track_probability, "p_attain": p_attain,
        "pace": np.where(ahead & ~use_pool, pace, np.nan),
        "status": status,
        "progress_index": aggregate.progress_index(status, r.base_value, r.latest, goal, r.is_numeric,
                                                   meets(r.base_value, lo, hi, lo_strict, hi_strict)),
        "judgement": judgement, "worse": worse & r.is_numeric,
        "pooled_value": np.where(use_pool, pool.value, np.nan), "pooled_years": np.where(use_pool, pool.years, 0),
        "pooled_events": np.where(use_pool, pool.events, np.nan),
        "pooled_low": np.where(use_pool, pool.low, np.nan), "pooled_high": np.where(use_pool, pool.high, np.nan),
        "pooled_first_year": np.where(use_pool, pool.first_year, np.nan),
    }


def _projection(matrix, trend, r: _Rows, ahead, config):
    """Projected value and interval at the milestone, only while it is still ahead."""
    proj = project(trend, r.s, (r.milestone - matrix.first_year).astype(np.float64), config.interval_level,
                   config.damping, config.share_drift)
    for name in ("point", "low", "high", "z", "se"):
        setattr(proj, name, np.where(ahead, getattr(proj, name), np.nan))
    return proj


def _pooled_projection(proj, pool, rows, config):
    """Rare events: too few events to estimate a trend, so the projection is the pooled rate
    with its exact Poisson interval at ``interval_level`` (the interval of the rate, not of
    one year's count)."""
    if not rows.any():
        return
    low, high = rare.garwood(pool.events, config.interval_level)
    with np.errstate(invalid="ignore", divide="ignore"):
        per = pool.scale / pool.denominator
    proj.point = np.where(rows, pool.value, proj.point)
    proj.low = np.where(rows, low * per, proj.low)
    proj.high = np.where(rows, high * per, proj.high)


def _model_pace(trend: Trend, r: _Rows, sign, lo_z, hi_z) -> np.ndarray:
    """Fitted yearly change ÷ the yearly change still needed, on the model scale, from the
    fitted latest value to the nearer band edge (the ratio 需加快/进展缓慢 is decided on)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        now = trend.intercept[r.s] + trend.slope[r.s] * r.latest_col
        edge = np.where(sign > 0, lo_z, np.where(sign < 0, hi_z, np.where(now < lo_z, lo_z, hi_z)))
        years = np.maximum(r.milestone - r.latest_year, 1)
        needed = (edge - now) / years
        pace = trend.slope[r.s] / needed
    return np.where(np.isfinite(edge) & (np.abs(needed) > 1e-12), pace, np.where(np.isnan(pace), np.nan, 1.0))


def _trend_worse(trend: Trend, r: _Rows, sign, config) -> np.ndarray:
    """A trend significantly away from the target (two-sided ``trend_alpha``) and the latest
    value worse than the base: never for an unchanged series or two points."""
    critical = t_quantile(1 - config.trend_alpha / 2, r.count - 3.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        wrong_way = sign * trend.t_stat()[r.s] <= -critical
        big = sign * trend.level_slope[r.s] / np.abs(r.base_value) <= -config.direction_min_change
        return wrong_way & big & (sign * (r.latest - r.base_value) < 0)


def _pooled_worse(pool, sign, config) -> np.ndarray:
    """Rare events: the pooled window's rate significantly worse than the years before it
    (exact conditional test of two Poisson rates)."""
    from .warnings import rate_change_p
    p = np.full(len(pool.used), np.nan)
    rows = pool.used & (pool.earlier_denominator > 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        p[rows] = rate_change_p(pool.events[rows], pool.denominator[rows], pool.earlier_events[rows],
                                pool.earlier_denominator[rows])
        change = pool.events / pool.denominator - pool.earlier_events / pool.earlier_denominator
        return (p < config.trend_alpha) & (sign * change < 0) & (pool.earlier_denominator > 0)


def _fell_clearly(previously, trend: Trend, r: _Rows, lo_z, hi_z, config) -> np.ndarray:
    """达标后回落 only when the latest value is outside the band by more than the series'
    year-to-year noise (``fell_back_sd`` residual SDs on the model scale): a district
    hovering at its target is not told it fell back."""
    z = trend.to_model(r.latest, r.s)
    margin = config.fell_back_sd * trend.s[r.s]
    with np.errstate(invalid="ignore"):
        clear = (z < lo_z - margin) | (z > hi_z + margin)
    return previously & clear & (r.count >= config.fell_back_min_points)


def _method_with_notes(method, r: _Rows, goal) -> np.ndarray:
    """progress_method codes; 'zero_base' flags a ratio computed with sdg-build's 0.001 in place
    of a zero base or goal (its size means nothing), 'early_base' a base year taken from
    before the stated one because that year has no data (both are deviations we declare)."""
    zero = (method > 0) & ((r.base_value == 0) | (goal == 0))
    method = np.where(zero, 3, method)
    return np.where((method > 0) & ~zero & r.base_note, 4, method).astype(np.int8)


def _directional_status(trend: Trend, r: _Rows, sign, status, config):
    """逐步提高/降低: the model-scale trend's t statistic, signed the wanted way."""
    if not r.is_directional.any():
        return status
    with np.errstate(invalid="ignore", divide="ignore"):
        t_stat = sign * trend.t_stat()[r.s]
        relative = sign * trend.level_slope[r.s] / np.abs(r.base_value)
    # a trend must be both real (t test) and big enough to matter (≥ direction_min_change of the
    # base value a year): with little noise a negligible slope can be "significant"
    big = np.abs(relative) >= config.direction_min_change
    t_stat = np.where(big, t_stat, 0.0)
    return np.where(r.is_directional, directional_status(t_stat, r.count, r.count - 3.0, config), status)


def _base_columns(matrix, trend, ta, s, t, latest_col, has_latest, config):
    """Column of each row's base value: the first observation at or after the stated (or
    configured) base year, as sdg-build does; when there is none before the latest value,
    the first observation — except for targets defined from the base year, which then
    have no base. Returns (base column or −1, stated base year or NaN, whether the base
    came from before the base year wanted — a deviation from sdg-build, declared in
    progress_method 'early_base' and docs/assessment.md)."""
    y0, n_cols = matrix.first_year, len(matrix.years)
    stated = ta.base_year[t]
    default_base = np.nan if config.base_year is None else float(config.base_year)
    wanted = np.where(np.isnan(stated), default_base, stated)
    want_col = np.clip(np.nan_to_num(wanted - y0, nan=0.0), 0, n_cols).astype(np.int64)
    base_col = next_observed(matrix.values)[s, want_col]
    fallback = ((base_col < 0) | (base_col >= latest_col)) & ~ta.needs_base[t] & has_latest
    col = np.where(fallback, trend.first[s], base_col)
    early = fallback & ~np.isnan(wanted) & (col < wanted - y0)
    return col, stated, early


def _previously_met(values, s, latest_col, lo, hi, lo_strict, hi_strict, candidates) -> np.ndarray:
    """True where some year before the latest met the band (checked in chunks)."""
    out = np.zeros(len(s), dtype=bool)
    rows = np.flatnonzero(candidates)
    cols = np.arange(values.shape[1])
    step = 1 << 18
    for start in range(0, len(rows), step):
        r = rows[start:start + step]
        block = values[s[r]]
        hit = meets(block, lo[r, None], hi[r, None], lo_strict[r, None], hi_strict[r, None])
        out[r] = (hit & (cols < latest_col[r, None])).any(axis=1)
    return out


def _effective_sign(stated, base_value, latest, lo, hi) -> np.ndarray:
    """Stated direction (+1/−1), else for ~/range the way toward the band from the latest
    value (a series that left the band the wrong way then shows a negative ratio)."""
    ref = np.where(np.isnan(latest), base_value, latest)
    with np.errstate(invalid="ignore"):
        inferred = np.where(ref < lo, 1, np.where(ref > hi, -1, 0))
    return np.where(stated != 0, stated, inferred).astype(np.int8)


def _categorical(codes, categories) -> pd.Categorical:
    # pandas takes any list-like as categories; pandas-stubs accepts only an Index
    return pd.Categorical.from_codes(np.asarray(codes, dtype=np.int64),
                                     categories=list(categories))  # type: ignore[call-overload]


def _results_frame(matrix: SeriesMatrix, targets: pd.DataFrame, s, t, columns) -> pd.DataFrame:
    keys = matrix.keys
    frame: dict[str, object] = {
        k: pd.Categorical.from_codes(keys[k].cat.codes.to_numpy()[s], categories=keys[k].cat.categories)
        for k in SERIES_KEYS}
    frame["headline"] = _headline(keys)[s]
    for out, src in (("area", "area"), ("op", "op"), ("target_text", "text"), ("target_unit", "target_unit"),
                     ("unit", "unit")):
        cat = pd.Categorical(targets[src].astype(str))
        frame[out] = pd.Categorical.from_codes(cat.codes[t], categories=cat.categories)
    frame["goal"] = targets["goal"].to_numpy()[t]
    frame["milestone"] = targets["year"].to_numpy()[t]
    frame["target_value"] = targets["value"].to_numpy()[t]
    frame["target_upper"] = targets["upper"].to_numpy()[t]
    frame.update(columns)
    frame["direction"] = _categorical(columns["direction"], ["up", "down", ""])
    frame["status"] = _categorical(columns["status"], STATUSES)
    frame["progress_method"] = _categorical(columns["progress_method"], METHODS)
    frame["progress_label"] = _categorical(columns["progress_label"], LABELS)
    frame["trend_method"] = _categorical(columns["trend_method"], TREND_METHODS)
    frame["judgement"] = pd.Categorical(columns["judgement"])
    frame["sentence"] = ""
    # copy=False keeps one block per column: consolidating 40 columns × 2.5 M rows costs ~1 s.
    return pd.DataFrame({name: frame[name] for name in RESULT_COLUMNS}, copy=False)
