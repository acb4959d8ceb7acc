"""``assess``: observations + targets → one results row per region × indicator ×
series × milestone target, and a warnings table. Vectorised end to end.

Results columns (stable; the dashboard and reports read them):

    region, indicator, sex, age, residence   the series ('' = total)
    headline      True for the series that stands for the indicator (the total; the
                  female series when a region reports no total) — 达标率 counts these
    area, goal, milestone, op, target_value, target_upper, target_text, unit,
    direction     target as stated ('up'/'down'; for ~/range inferred per series)
    tolerance     band half-width used for '~'
    goal_value    absolute value to reach by the milestone (relative/annual targets resolved)
    n_points      observations used (period_start … assessment year)
    base_year, base_value, latest_year, latest_value
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
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from . import aggregate, phrases
from .config import DEFAULT_CONFIG, AssessConfig
from .progress import progress_labels, progress_ratio
from .projection import Trend, fit_trends, project
from .series import SERIES_KEYS, SeriesMatrix, build_series, next_observed
from .status import NO_DATA, PENDING, STATUSES, directional_status, judged_status, numeric_status
from .targets import (BASE_OPS, DIRECTIONAL_OPS, PACE_OPS, default_tolerance, meets,
                      normalise_targets, resolve_bands, upper_bound_for)
from .warnings import WARNING_COLUMNS, find_warnings

RESULT_COLUMNS = [
    *SERIES_KEYS, "headline", "area", "goal", "milestone", "op", "target_value", "target_upper",
    "target_text", "unit", "direction", "tolerance", "goal_value", "n_points",
    "base_year", "base_value", "latest_year", "latest_value", "attained", "previously_attained",
    "cagr_observed", "cagr_required", "progress_ratio", "progress_method", "progress_label",
    "trend_slope", "trend_method", "projected", "projected_low", "projected_high",
    "projected_attained", "status", "progress_index", "judgement", "sentence",
]


@dataclass
class Assessment:
    results: pd.DataFrame
    warnings: pd.DataFrame
    year: int
    config: AssessConfig = field(default_factory=AssessConfig)

    def attainment_rate(self, by=("region", "area"), milestone: int | None = None) -> pd.DataFrame:
        return aggregate.attainment_rate(self.results, by=by, milestone=milestone, config=self.config)

    def gender_gaps(self) -> pd.DataFrame:
        return aggregate.gender_gaps(self.results)

    def development_index(self, milestone: int | None = None) -> pd.DataFrame:
        return aggregate.development_index(self.results, milestone=milestone)

    def with_sentences(self, rows: pd.DataFrame | None = None) -> pd.DataFrame:
        """Results (or a subset) with the sentence column written."""
        frame = (self.results if rows is None else rows).copy()
        frame["sentence"] = phrases.status_sentences(frame)
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
    counts = np.bincount(series_ind, minlength=max(target_ind.max(initial=-1), series_ind.max(initial=-1)) + 1)
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


def _judgement_per_row(region, indicator, is_qualitative, judgements) -> np.ndarray:
    out = np.full(len(region), "", dtype=object)
    if judgements is None or len(judgements) == 0 or not is_qualitative.any():
        return out
    rows = np.flatnonzero(is_qualitative)
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
    trend = fit_trends(matrix.values)
    units = _indicator_units(observations)
    targets = targets.assign(unit=[u or units.get(i, "") for u, i in zip(targets["unit"], targets["indicator"])])
    ind_cats = pd.Index(matrix.keys["indicator"].cat.categories)
    s, t = _pair_rows(matrix.keys["indicator"].cat.codes.to_numpy(np.int64),
                      ind_cats.get_indexer(targets["indicator"]))
    columns = _evaluate(matrix, trend, targets, s, t, year, config, judgements)
    results = _results_frame(matrix, targets, s, t, columns)
    warnings = find_warnings(results, matrix, trend, s, year, config)
    if config.sentences or (config.sentences is None and len(results) <= config.sentence_row_limit):
        results["sentence"] = phrases.status_sentences(results)
        warnings["sentence"] = phrases.warning_sentences(warnings, results)
    return Assessment(results, warnings, year, config)


def _evaluate(matrix: SeriesMatrix, trend: Trend, targets: pd.DataFrame, s, t, year, config, judgements):
    """Every computed column for the (series s, target t) result rows, as numpy arrays."""
    y0, n_cols = matrix.first_year, len(matrix.years)
    op = targets["op"].to_numpy("U32")[t]
    unit = targets["unit"].to_numpy("U16")[t]
    stated_dir = targets["direction"].to_numpy("U4")[t]
    value = targets["value"].to_numpy(np.float64)[t]
    upper = targets["upper"].to_numpy(np.float64)[t]
    milestone = targets["year"].to_numpy(np.int64)[t]
    tol_given = targets["tolerance"].to_numpy(np.float64)[t]
    tolerance = np.where(np.isnan(tol_given), default_tolerance(unit, value, config), tol_given)
    stated_base = targets["base_year"].to_numpy(np.float64)[t]
    default_base = np.nan if config.base_year is None else float(config.base_year)
    base_year_wanted = np.where(np.isnan(stated_base), default_base, stated_base)

    count = trend.count[s]
    has_latest = count > 0
    latest_col = trend.last[s]
    latest = np.where(has_latest, trend.last_value[s], np.nan)
    latest_year = np.where(has_latest, y0 + latest_col, -1)

    # Base: first observation at/after the wanted base year (sdg-build); else the first one.
    nx = next_observed(matrix.values)
    want_col = np.clip(np.nan_to_num(base_year_wanted - y0, nan=0.0), 0, n_cols).astype(np.int64)
    base_col = nx[s, want_col]
    needs_stated_base = np.isin(op, list(BASE_OPS))
    fallback = (base_col < 0) | (base_col >= latest_col)
    base_col = np.where(fallback & ~needs_stated_base & has_latest, trend.first[s], base_col)
    has_base = (base_col >= 0) & has_latest
    base_value = np.where(has_base, matrix.values[s, np.maximum(base_col, 0)], np.nan)
    base_year = np.where(has_base, y0 + base_col, -1)
    years_from = milestone - np.where(np.isnan(stated_base), base_year, stated_base)
    pace_years = latest_year - np.where(np.isnan(stated_base), base_year, stated_base)

    lo, hi, lo_strict, hi_strict, goal, lo_now, hi_now = resolve_bands(
        op, value, upper, tolerance, stated_dir, base_value, years_from, pace_years)
    direction = _effective_direction(stated_dir, base_value, latest, lo, hi)
    goal = np.where(np.isnan(goal), np.where(direction == "up", lo, np.where(direction == "down", hi, np.nan)), goal)
    is_directional = np.isin(op, list(DIRECTIONAL_OPS))
    is_qualitative = op == "qualitative"
    is_numeric = ~is_directional & ~is_qualitative
    attained = is_numeric & meets(latest, lo_now, hi_now, lo_strict, hi_strict)

    bounded = upper_bound_for(unit)
    nonneg = np.nan_to_num(np.nanmin(np.where(np.isnan(matrix.values), np.inf, matrix.values), axis=1), nan=0.0)[s] >= 0
    projected, p_low, p_high = project(trend, s, (milestone - y0).astype(np.float64), z=config.interval_z,
                                       upper_bound=bounded, nonnegative=nonneg)
    milestone_ahead = milestone > latest_year
    projected = np.where(milestone_ahead & is_numeric, projected, np.nan)
    p_low = np.where(np.isnan(projected), np.nan, p_low)
    p_high = np.where(np.isnan(projected), np.nan, p_high)
    projected_attained = meets(projected, lo, hi, lo_strict, hi_strict)

    sign_dir = np.where(direction == "up", 1.0, np.where(direction == "down", -1.0, 0.0))
    ratio, cagr_o, cagr_r, method = progress_ratio(
        base_value, base_year.astype(np.float64), latest, latest_year.astype(np.float64),
        goal, milestone.astype(np.float64), sign_dir)
    ratio = np.where(is_numeric, ratio, np.nan)
    enough = has_base & (count >= 2)
    status = numeric_status(attained, enough, milestone_ahead, projected_attained, ratio, config)

    with np.errstate(invalid="ignore", divide="ignore"):
        first_value = np.where(has_latest, matrix.values[s, trend.first[s]], np.nan)
        relative_slope = trend.slope[s] / np.abs(first_value)
    dir_status = directional_status(relative_slope, sign_dir, count, config)
    status = np.where(is_directional, dir_status, status)
    judgement = _judgement_per_row(matrix.keys["region"].astype(object).to_numpy()[s],
                                   matrix.keys["indicator"].astype(object).to_numpy()[s],
                                   is_qualitative, judgements)
    status = np.where(is_qualitative, judged_status(judgement), status)
    previously = _previously_met(matrix.values, s, latest_col, lo, hi, lo_strict, hi_strict,
                                 is_numeric & ~attained & has_latest & ~np.isin(op, list(PACE_OPS)))
    attained_final = np.where(is_directional, status == "已达标", attained)
    assessable = (status != NO_DATA) & (status != PENDING)

    trend_method = np.where(~np.isnan(projected) & (count >= 3), "theil_sen",
                            np.where(~np.isnan(projected) & (count == 2), "cagr", ""))
    return {
        "goal_value": np.where(is_numeric, goal, np.nan), "tolerance": np.where(op == "~", tolerance, np.nan),
        "direction": direction, "n_points": count, "base_year": base_year, "base_value": base_value,
        "latest_year": latest_year, "latest_value": latest,
        "attained": pd.arrays.BooleanArray(attained_final.astype(bool), ~assessable),
        "previously_attained": previously,
        "cagr_observed": cagr_o, "cagr_required": cagr_r, "progress_ratio": ratio,
        "progress_method": method, "progress_label": progress_labels(ratio, attained_final & is_numeric, config),
        "trend_slope": trend.slope[s], "trend_method": trend_method,
        "projected": projected, "projected_low": p_low, "projected_high": p_high,
        "projected_attained": projected_attained, "status": status,
        "progress_index": aggregate.progress_index(status, base_value, latest, goal, sign_dir, judgement,
                                                   is_numeric, config),
        "judgement": judgement,
    }


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


def _effective_direction(stated, base_value, latest, lo, hi) -> np.ndarray:
    """Stated direction, else for ~/range the way toward the band from the base."""
    ref = np.where(np.isnan(base_value), latest, base_value)
    with np.errstate(invalid="ignore"):
        inferred = np.where(ref < lo, "up", np.where(ref > hi, "down", ""))
    return np.where(stated != "", stated, inferred)


def _results_frame(matrix: SeriesMatrix, targets: pd.DataFrame, s, t, columns) -> pd.DataFrame:
    keys = matrix.keys
    frame = {k: pd.Categorical.from_codes(keys[k].cat.codes.to_numpy()[s], categories=keys[k].cat.categories)
             for k in SERIES_KEYS}
    frame["headline"] = _headline(keys)[s]
    for out, src in (("area", "area"), ("op", "op"), ("target_text", "text"), ("unit", "unit")):
        cat = pd.Categorical(targets[src].astype(str))
        frame[out] = pd.Categorical.from_codes(cat.codes[t], categories=cat.categories)
    frame["goal"] = targets["goal"].to_numpy()[t]
    frame["milestone"] = targets["year"].to_numpy()[t]
    frame["target_value"] = targets["value"].to_numpy()[t]
    frame["target_upper"] = targets["upper"].to_numpy()[t]
    frame.update(columns)
    frame["direction"] = pd.Categorical(columns["direction"], categories=["up", "down", ""])
    frame["status"] = pd.Categorical(columns["status"], categories=list(STATUSES))
    for name in ("progress_method", "progress_label", "trend_method", "judgement"):
        frame[name] = pd.Categorical(columns[name])
    frame["sentence"] = ""
    return pd.DataFrame(frame)[RESULT_COLUMNS]
