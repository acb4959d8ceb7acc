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
    trend_slope   Theil–Sen slope per year (NaN below 2 points)
    trend_method  'theil_sen' (≥3 points), 'cagr' (2 points), '' (no projection)
    projected, projected_low, projected_high   value expected at the milestone
    projected_attained
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

from . import aggregate, phrases
from .config import DEFAULT_CONFIG, AssessConfig
from .progress import LABELS, METHODS, progress_labels, progress_ratio
from .projection import Trend, fit_trends, project
from .series import SERIES_KEYS, SeriesMatrix, build_series, next_observed
from .status import (C_ATTAINED, C_NO_DATA, C_PENDING, STATUSES, directional_status, judged_status,
                     numeric_status)
from .targets import (BASE_OPS, DIRECTIONAL, DIRECTIONAL_OPS, NUMERIC, QUALITATIVE, base_bands, meets, normalise_targets,
                      target_arrays)
from .warnings import Fluctuation, find_warnings

RESULT_COLUMNS = [
    *SERIES_KEYS, "headline", "area", "goal", "milestone", "op", "target_value", "target_upper",
    "target_text", "target_unit", "unit", "direction", "tolerance", "goal_value", "n_points",
    "base_year", "base_value", "latest_year", "latest_value", "attained", "previously_attained",
    "cagr_observed", "cagr_required", "progress_ratio", "progress_method", "progress_label",
    "trend_slope", "trend_method", "projected", "projected_low", "projected_high",
    "projected_attained", "status", "progress_index", "judgement", "sentence",
    "pooled_value", "pooled_years", "pooled_events",
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
        return aggregate.gender_gaps(self.results)

    def development_index(self, milestone: int | None = None) -> pd.DataFrame:
        return aggregate.development_index(self.results, milestone=milestone)

    def with_sentences(self, rows: pd.DataFrame | None = None) -> pd.DataFrame:
        """Results (or a subset) with the sentence column written."""
        frame = (self.results if rows is None else rows).copy()
        frame["sentence"] = phrases.status_sentences(frame)
        return frame

    def warnings_with_sentences(self, rows: pd.DataFrame | None = None) -> pd.DataFrame:
        """Warnings (or a subset) with the sentence column written."""
        frame = (self.warnings if rows is None else rows).copy()
        frame["sentence"] = phrases.warning_sentences(frame, self.results)
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
    return targets.assign(target_unit=targets["unit"], unit=measured)


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
    slope, columns, fluctuation = _in_chunks(matrix, targets, s, t, config, judgements)
    results = _results_frame(matrix, targets, s, t, columns)
    warnings = find_warnings(results, slope, fluctuation, s, year, config)
    if config.sentences or (config.sentences is None and len(results) <= config.sentence_row_limit):
        results["sentence"] = phrases.status_sentences(results)
        warnings["sentence"] = phrases.warning_sentences(warnings, results)
    return Assessment(results, warnings, year, config)


CHUNK_SERIES = 100_000
THREADS = min(2, os.cpu_count() or 1)


def _concat(parts: list):
    if isinstance(parts[0], np.ndarray):
        return np.concatenate(parts)
    return type(parts[0])._concat_same_type(parts)


def _in_chunks(matrix: SeriesMatrix, targets, s, t, config, judgements):
    """Trends, result columns and fluctuation statistics, computed over blocks of series
    on every core: numpy releases the GIL, so two threads get twice the CPU (results rows
    of one series are contiguous, so a block of series is a block of rows)."""
    n = len(matrix)
    bounds = np.linspace(0, n, max(1, -(-n // CHUNK_SERIES)) + 1).astype(np.int64)
    row_bounds = np.searchsorted(s, bounds)

    def run(k: int):
        a, b, r0, r1 = bounds[k], bounds[k + 1], row_bounds[k], row_bounds[k + 1]
        block = matrix.rows(a, b)
        trend = fit_trends(block.values)
        columns = _evaluate(block, trend, targets, s[r0:r1] - a, t[r0:r1], config, judgements)
        return trend.slope, columns, Fluctuation.of(block, config)

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        parts = list(pool.map(run, range(len(bounds) - 1)))
    columns = {name: _concat([p[1][name] for p in parts]) for name in parts[0][1]}
    return (np.concatenate([p[0] for p in parts]), columns, Fluctuation.concat([p[2] for p in parts]))


@dataclass
class _Rows:
    """Per result row: what the target asks and where the series stands."""

    t: np.ndarray
    s: np.ndarray
    is_numeric: np.ndarray
    is_directional: np.ndarray
    is_qualitative: np.ndarray
    milestone: np.ndarray
    count: np.ndarray
    has_latest: np.ndarray
    latest_col: np.ndarray
    latest: np.ndarray
    latest_year: np.ndarray
    has_base: np.ndarray
    base_value: np.ndarray
    base_year: np.ndarray
    stated_base: np.ndarray


def _rows(matrix: SeriesMatrix, trend: Trend, ta, s, t, config) -> _Rows:
    y0 = matrix.first_year
    kind = ta.kind[t]
    count = trend.count[s]
    has_latest = count > 0
    latest_col = trend.last[s]
    latest_year = np.where(has_latest, y0 + latest_col, -1)
    base_col, stated_base = _base_columns(matrix, trend, ta, s, t, latest_col, has_latest, config)
    has_base = (base_col >= 0) & has_latest
    return _Rows(
        t=t, s=s, is_numeric=kind == NUMERIC, is_directional=kind == DIRECTIONAL, is_qualitative=kind == QUALITATIVE,
        milestone=ta.milestone[t], count=count, has_latest=has_latest, latest_col=latest_col,
        latest=np.where(has_latest, trend.last_value[s], np.nan), latest_year=latest_year,
        has_base=has_base, base_value=np.where(has_base, matrix.values[s, np.maximum(base_col, 0)], np.nan),
        base_year=np.where(has_base, y0 + base_col, -1), stated_base=stated_base)


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


def _projection(matrix, trend, ta, r: _Rows, config):
    """Projected value and interval at the milestone, only while it is still ahead."""
    y0 = matrix.first_year
    projected, low, high = project(trend, r.s, (r.milestone - y0).astype(np.float64), z=config.interval_z,
                                   upper_bound=ta.upper_bound[r.t], nonnegative=_nonnegative(matrix)[r.s])
    keep = (r.milestone > r.latest_year) & r.is_numeric & ~np.isnan(projected)
    return tuple(np.where(keep, v, np.nan) for v in (projected, low, high))


def _evaluate(matrix: SeriesMatrix, trend: Trend, targets: pd.DataFrame, s, t, config, judgements):
    """Every computed column for the (series s, target t) result rows, as arrays."""
    ta = target_arrays(targets, config)
    r = _rows(matrix, trend, ta, s, t, config)
    lo, hi, lo_now, hi_now = _bands(ta, r)
    lo_strict, hi_strict = ta.lo_strict[t], ta.hi_strict[t]
    sign = _effective_sign(ta.sign[t], r.base_value, r.latest, lo, hi)
    goal = np.where(r.is_numeric, np.where(sign > 0, lo, np.where(sign < 0, hi, np.nan)), np.nan)
    attained = r.is_numeric & meets(r.latest, lo_now, hi_now, lo_strict, hi_strict)
    pooled, pooled_years, pooled_events = _pooled(matrix, trend, config)
    pooled, pooled_years, pooled_events = pooled[s], pooled_years[s], pooled_events[s]
    use_pool = r.is_numeric & (pooled_years > 0)
    single_attained = attained
    attained = np.where(use_pool, meets(pooled, lo_now, hi_now, lo_strict, hi_strict), attained)
    projected, p_low, p_high = _projection(matrix, trend, ta, r, config)
    projected_attained = meets(projected, lo, hi, lo_strict, hi_strict)
    ratio, cagr_o, cagr_r, method = progress_ratio(
        r.base_value, r.base_year.astype(np.float64), r.latest, r.latest_year.astype(np.float64),
        goal, r.milestone.astype(np.float64), sign.astype(np.float64))
    ratio = np.where(r.is_numeric, ratio, np.nan)
    status = numeric_status(attained, r.has_base & (r.count >= 2), r.milestone > r.latest_year,
                            projected_attained, ratio, config)
    status = _directional_status(matrix, trend, r, sign, status, config)
    judgement = _judgement_per_row(matrix.keys, s, r.is_qualitative, judgements)
    status = np.where(r.is_qualitative, judged_status(judgement), status).astype(np.int8)
    attained = np.where(r.is_directional, status == C_ATTAINED, attained)
    assessable = (status != C_NO_DATA) & (status != C_PENDING)
    previously = _previously_met(matrix.values, s, r.latest_col, lo, hi, lo_strict, hi_strict,
                                 r.is_numeric & ~attained & ~single_attained & r.has_latest & ~ta.pace[t])
    return {
        "goal_value": goal, "tolerance": ta.tolerance[t], "direction": np.where(sign > 0, 0, np.where(sign < 0, 1, 2)),
        "n_points": r.count, "base_year": pd.arrays.IntegerArray(r.base_year.astype(np.int64), ~r.has_base),
        "base_value": r.base_value,
        "latest_year": pd.arrays.IntegerArray(r.latest_year.astype(np.int64), ~r.has_latest),
        "latest_value": r.latest,
        "attained": pd.arrays.BooleanArray(attained.astype(bool), ~assessable),
        "previously_attained": previously,
        "cagr_observed": cagr_o, "cagr_required": cagr_r, "progress_ratio": ratio,
        "progress_method": method, "progress_label": progress_labels(ratio, attained & r.is_numeric, config),
        "trend_slope": trend.slope[s],
        "trend_method": np.where(np.isnan(projected), 0, np.where(r.count >= 3, 1, 2)),
        "projected": projected, "projected_low": p_low, "projected_high": p_high,
        "projected_attained": projected_attained, "status": status,
        "progress_index": aggregate.progress_index(status, r.base_value, r.latest, goal, r.is_numeric),
        "judgement": judgement,
        "pooled_value": np.where(use_pool, pooled, np.nan), "pooled_years": np.where(use_pool, pooled_years, 0),
        "pooled_events": np.where(use_pool, pooled_events, np.nan),
    }


def _pooled(matrix: SeriesMatrix, trend: Trend, config) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per series: the pooled rate, years and events of its last ``pool_years`` counted
    years when its latest year has counts with fewer than ``rare_event_count`` events
    (module docstring, "Rare events"); NaN / 0 / NaN elsewhere."""
    n = len(matrix)
    value, years, events = np.full(n, np.nan), np.zeros(n, dtype=np.int64), np.full(n, np.nan)
    num, den = matrix.numerators, matrix.denominators
    if num is None or den is None or config.pool_years < 2 or n == 0:
        return value, years, events
    with np.errstate(invalid="ignore"):
        counted = ~np.isnan(num) & ~np.isnan(den) & (den > 0) & ~np.isnan(matrix.values)
    rows, cols = np.arange(n), np.arange(num.shape[1])
    last = trend.last
    latest_counted = (trend.count > 0) & counted[rows, last]
    rare = latest_counted & (np.where(latest_counted, num[rows, last], np.inf) < config.rare_event_count)
    window = counted & (cols <= last[:, None]) & (cols > last[:, None] - config.pool_years) & rare[:, None]
    k = np.where(window, num, 0.0).sum(axis=1)
    d = np.where(window, den, 0.0).sum(axis=1)
    n_years = window.sum(axis=1)
    # The series' scale (value ÷ rate) from a year with events: 100 for %, 1e5 for 1/10万.
    with_events = counted & (np.nan_to_num(num) > 0)
    c = with_events.argmax(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        raw = matrix.values[rows, c] * den[rows, c] / num[rows, c]
        scale = np.where(with_events.any(axis=1) & (raw > 0), np.power(10.0, np.round(np.log10(raw))), 1.0)
        use = rare & (n_years >= 2)
        value = np.where(use, k / d * scale, np.nan)
    return value, np.where(use, n_years, 0), np.where(use, k, np.nan)


def _directional_status(matrix, trend, r: _Rows, sign, status, config):
    """逐步提高/降低: the Theil–Sen slope relative to the first value in the period."""
    if not r.is_directional.any():
        return status
    with np.errstate(invalid="ignore", divide="ignore"):
        first_value = np.where(r.has_latest, matrix.values[r.s, trend.first[r.s]], np.nan)
        relative_slope = trend.slope[r.s] / np.abs(first_value)
    return np.where(r.is_directional, directional_status(relative_slope, sign, r.count, config), status)


def _base_columns(matrix, trend, ta, s, t, latest_col, has_latest, config):
    """Column of each row's base value: the first observation at or after the stated (or
    configured) base year, as sdg-build does; when there is none before the latest value,
    the first observation — except for targets defined from the base year, which then
    have no base. Returns (base column or −1, stated base year or NaN)."""
    y0, n_cols = matrix.first_year, len(matrix.years)
    stated = ta.base_year[t]
    default_base = np.nan if config.base_year is None else float(config.base_year)
    wanted = np.where(np.isnan(stated), default_base, stated)
    want_col = np.clip(np.nan_to_num(wanted - y0, nan=0.0), 0, n_cols).astype(np.int64)
    base_col = next_observed(matrix.values)[s, want_col]
    fallback = ((base_col < 0) | (base_col >= latest_col)) & ~ta.needs_base[t] & has_latest
    return np.where(fallback, trend.first[s], base_col), stated


def _nonnegative(matrix: SeriesMatrix) -> np.ndarray:
    """Series never observed below zero are projected no lower than zero."""
    return ~(np.nan_to_num(matrix.values, nan=0.0) < 0).any(axis=1)


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
    return pd.Categorical.from_codes(np.asarray(codes, dtype=np.int64), categories=list(categories))


def _results_frame(matrix: SeriesMatrix, targets: pd.DataFrame, s, t, columns) -> pd.DataFrame:
    keys = matrix.keys
    frame = {k: pd.Categorical.from_codes(keys[k].cat.codes.to_numpy()[s], categories=keys[k].cat.categories)
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
    frame["trend_method"] = _categorical(columns["trend_method"], ["", "theil_sen", "cagr"])
    frame["judgement"] = pd.Categorical(columns["judgement"])
    frame["sentence"] = ""
    # copy=False keeps one block per column: consolidating 40 columns × 2.5 M rows costs ~1 s.
    return pd.DataFrame({name: frame[name] for name in RESULT_COLUMNS}, copy=False)
