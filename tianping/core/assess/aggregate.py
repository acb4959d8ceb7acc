"""Aggregates over assessment results, and the city roll-up of district data.

* 达标率 attainment rate = attained ÷ assessable, counted over INDICATORS, as the
  national evaluations do ("在可监测的33项指标中，有31项提前实现目标，总达标率93.9%").
  The one rule (``applicable_targets``), at an evaluation year Y, per region ×
  indicator, on the headline series only:
    - the target that applies is the one at the nearest milestone at or after Y;
      when the indicator has none (Y after its last milestone), its last one.
      Mid-term (Y = 2025): the 2025 target where the plan sets one, otherwise the
      2030 target — attained then means "提前实现目标", which is how the national
      mid-term evaluations of the outlines (whose targets are all final-year
      targets) count; an indicator not yet at its 2030 target stays in the
      denominator (可监测) but not in the numerator. Final (Y = 2030): the 2030 target.
    - when the plan states several targets for that milestone (a restatement in
      the indicator table, "不低于98%" with "力争实现100%"), the first stated one
      counts (results keep plan order: goal text before the indicator table), so
      an aspiration never replaces the binding target and nothing is counted twice;
    - assessable (可监测) = every status but 数据不足 and 待评估, so a qualitative
      target counts once the evaluation group has judged it (达标 and, unless
      ``AssessConfig.basically_attained_counts`` is False, 基本达标 are attained);
    - numerator / denominator / rate per area and overall (``by``).
  ``attainment_rate(..., per="target")`` keeps the older count over every headline
  series × target row of a milestone, for anyone who needs target-level counts.
* Gender gaps on the latest values of the female and male series: F − M and F / M.
* Development index (发展指数), 0–100, transparent on purpose: each target scores
  its ``progress_index`` — 100 when attained; otherwise the share of the way from
  the base value to the goal covered so far, clipped to 0–100; directional targets
  score 50 when flat and 0 when going backwards; judged qualitative targets 100
  (达标/基本达标) or 0 (未达标). The index of an area is the mean over its scored
  headline targets; a region's overall index is the mean of its area indices, so
  every area weighs the same whatever its number of indicators.
* Roll-up: a city's series are the sums of its districts' numerators and
  denominators (value = Σnumerator / Σdenominator × the indicator's scale); rates
  without numerator and denominator are never averaged and are reported as not
  rollable.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from .config import DEFAULT_CONFIG, AssessConfig
from .projection import t_quantile
from .status import (
    ATTAINED_STATUSES,
    C_SLOW,
    UNASSESSABLE_STATUSES,
    assessable_code,
    attained_code,
)

OVERALL = "全部"


def progress_index(status, base, latest, goal, is_numeric, base_met):
    """Per result row, from status codes: see the module docstring. A series whose base
    already met the target and that has fallen out of it scores 0, not the 100 the clipped
    share of the way would give; anything not attained scores below 100."""
    with np.errstate(invalid="ignore", divide="ignore"):
        covered = np.clip((latest - base) / (goal - base), 0.0, 0.99) * 100.0
    covered = np.where((goal == base) | base_met, 0.0, covered)
    out = np.where(is_numeric, covered, np.nan)
    out = np.where(~is_numeric & (status == C_SLOW), 50.0, out)
    out = np.where(~is_numeric & (status != C_SLOW), 0.0, out)   # 退步, judged 未达标
    out = np.where(attained_code(status), 100.0, out)
    return np.where(~assessable_code(status), np.nan, out)


def attained_mask(results: pd.DataFrame, config: AssessConfig | None = None) -> pd.Series:
    """Rows counted as attained in 达标率 (已达标, 已实现; 基本达标 only if configured)."""
    config = config or DEFAULT_CONFIG
    attained = results["status"].astype(object).isin(ATTAINED_STATUSES)
    if not config.basically_attained_counts and "judgement" in results:
        attained &= results["judgement"].astype(object) != "基本达标"
    return attained


def assessable_mask(results: pd.DataFrame) -> pd.Series:
    """Rows counted in the denominator of 达标率 (可监测): not 数据不足, 例数过少 or 待评估."""
    return ~results["status"].astype(object).isin(UNASSESSABLE_STATUSES)


_counted_attained = attained_mask


def _indicator_key(results: pd.DataFrame) -> np.ndarray:
    """One integer per region × indicator ('indicator_id' stands in for a frame without
    an 'indicator' column, such as the web's stored results; no 'region': one region)."""
    columns = [c for c in ("region", "indicator") if c in results]
    if "indicator" not in results:
        if "indicator_id" not in results:
            raise ValueError("达标率按指标计算，结果表需要 indicator（或 indicator_id）列")
        columns.append("indicator_id")
    key = np.zeros(len(results), dtype=np.int64)
    for column in columns:
        codes, uniques = pd.factorize(results[column], use_na_sentinel=False)
        key = key * (len(uniques) + 1) + codes
    return key


def applicable_targets(results: pd.DataFrame, year: int, *, headline: bool = True) -> pd.DataFrame:
    """The rows 达标率 counts at evaluation year ``year``: one per region × indicator
    (see the module docstring). The results' index and row order are kept.
    ``headline=False``: the caller has already chosen the series (one per indicator)."""
    rows = results[results["headline"].fillna(False).astype(bool)] if headline else results
    if rows.empty:
        return rows
    key = _indicator_key(rows)
    milestone = pd.to_numeric(rows["milestone"]).to_numpy(np.float64)
    ahead = pd.Series(np.where(milestone >= year, milestone, np.inf)).groupby(key).transform("min").to_numpy()
    last = pd.Series(milestone).groupby(key).transform("max").to_numpy()
    chosen = np.where(np.isinf(ahead), last, ahead)
    candidates = np.flatnonzero(milestone == chosen)
    _, first = np.unique(key[candidates], return_index=True)   # first stated at that milestone
    return rows.iloc[np.sort(candidates[first])]


def attainment_rate(results: pd.DataFrame, by: Iterable[str] = ("region", "area"),
                    milestone: int | None = None, config: AssessConfig | None = None,
                    per: str = "indicator") -> pd.DataFrame:
    """Columns: *by, milestone, targets, assessable, attained, rate (NaN when none assessable).

    ``per="indicator"`` (default, the national rule): ``milestone`` is the evaluation
    year (None: each milestone in the results in turn), ``targets`` the indicators
    counted, one applicable target each (``applicable_targets``).
    ``per="target"``: every headline series × target of that milestone, as before.
    """
    config = config or DEFAULT_CONFIG
    by = list(by)
    if per == "target":
        rows = results[results["headline"].fillna(False).astype(bool)]
        if milestone is not None:
            rows = rows[rows["milestone"] == milestone]
        return _counts(rows, by, rows["milestone"].to_numpy(), config)
    if per != "indicator":
        raise ValueError(f"per 应为 'indicator' 或 'target'，收到 {per!r}")
    head = results[results["headline"].fillna(False).astype(bool)]
    years = [milestone] if milestone is not None else sorted(pd.unique(head["milestone"]))
    parts = []
    for year in years:
        rows = applicable_targets(head, int(year), headline=False)
        parts.append(_counts(rows, by, np.full(len(rows), year), config))
    if not parts:
        return _counts(head, by, head["milestone"].to_numpy(), config)
    return pd.concat(parts, ignore_index=True)


def _counts(rows: pd.DataFrame, by: list[str], milestone: np.ndarray, config: AssessConfig) -> pd.DataFrame:
    frame = pd.DataFrame({k: rows[k] for k in by}, index=rows.index)
    frame["milestone"] = milestone
    frame["targets"] = 1
    frame["assessable"] = assessable_mask(rows)
    frame["attained"] = attained_mask(rows, config)
    # Grouping on the categoricals themselves (observed only) is ~10× faster than on strings.
    out = frame.groupby([*by, "milestone"], sort=True, observed=True).sum().reset_index()
    out = out.astype({k: object for k in by})
    out["rate"] = out["attained"] / out["assessable"].where(out["assessable"] > 0)
    return out


def gender_gaps(results: pd.DataFrame, config: AssessConfig = DEFAULT_CONFIG) -> pd.DataFrame:
    """Latest female and male values per region × indicator (× age × residence), the gap
    F−M and ratio F/M; with a ``trend_slope`` column also ``gap_change`` (the yearly change
    of F−M: female slope − male slope) and ``trend`` (``gap_trend``)."""
    keys = ["region", "indicator", "age", "residence"]
    series = results.drop_duplicates([*keys, "sex"])
    series = series[series["sex"].isin(["女", "男"]) & series["latest_value"].notna()]
    slopes = "trend_slope" in series.columns
    tests = [c for c in ("trend_t", "n_points", "pooled_years") if c in series.columns] if slopes else []
    cols = [*keys, "latest_year", "latest_value", "unit"] + (["trend_slope", *tests] if slopes else [])
    female = series[series["sex"] == "女"][cols].astype({k: object for k in keys})
    male = series[series["sex"] == "男"][cols].astype({k: object for k in keys})
    both = female.merge(male, on=keys, suffixes=("_f", "_m"))
    out = both[keys].copy()
    out["unit"] = both["unit_f"].astype(object)
    out["year"] = both["latest_year_f"]
    out["female"] = both["latest_value_f"]
    out["male"] = both["latest_value_m"]
    out["gap"] = out["female"] - out["male"]
    out["ratio"] = out["female"] / out["male"].where(out["male"] != 0)
    out["same_year"] = both["latest_year_f"] == both["latest_year_m"]
    if slopes:
        def column(name: str) -> pd.Series:
            return pd.to_numeric(both[name], errors="coerce") if name in both.columns else pd.Series(
                np.nan, index=both.index)
        change = column("trend_slope_f") - column("trend_slope_m")
        out["gap_change"] = change
        out["trend"] = gap_trend(out["gap"], change, column("trend_slope_f"), column("trend_t_f"),
                                 column("trend_slope_m"), column("trend_t_m"),
                                 np.fmin(column("n_points_f"), column("n_points_m")),
                                 (column("pooled_years_f") > 0) | (column("pooled_years_m") > 0), config)
    return out.reset_index(drop=True)


GAP_WIDER, GAP_NARROWER, GAP_STEADY, GAP_FEW_EVENTS = "扩大", "缩小", "无明显变化", "例数过少"


def gap_trend(gap, change, slope_f, t_f, slope_m, t_m, n_points, rare, config: AssessConfig = DEFAULT_CONFIG):
    """Whether a gender gap is widening, as a test, not a sign: the gap's yearly change
    (female slope − male slope) against its standard error sqrt(se_f² + se_m²), each se the
    slope ÷ its t statistic, two-sided at ``config.trend_alpha`` with n − 3 degrees of
    freedom (the engine's trend test). 扩大/缩小 only when significant; 无明显变化 otherwise;
    例数过少 when either series is a rare-event rate judged on pooled counts (a death or two
    moves it); "" when either series has fewer than 4 points (no test possible)."""
    gap, change = (pd.to_numeric(pd.Series(v), errors="coerce").to_numpy(np.float64) for v in (gap, change))
    slope_f, t_f, slope_m, t_m, n = (np.asarray(v, dtype=np.float64) for v in (slope_f, t_f, slope_m, t_m, n_points))
    with np.errstate(invalid="ignore", divide="ignore"):
        # an unchanged series has slope 0 and t 0/0: its slope is exactly known
        se_f = np.where(slope_f == 0, 0.0, np.abs(slope_f / t_f))
        se_m = np.where(slope_m == 0, 0.0, np.abs(slope_m / t_m))
        se = np.hypot(se_f, se_m)
        critical = t_quantile(1 - config.trend_alpha / 2, np.maximum(n - 3, 1))
        real = np.abs(change) > critical * se
    wider = real & ((gap * change > 0) | (gap == 0))
    trend = np.select([wider, real], [GAP_WIDER, GAP_NARROWER], default=GAP_STEADY).astype(object)
    trend[np.isnan(se) | np.isnan(change) | np.isnan(gap) | ~(n >= 4)] = ""
    trend[np.asarray(rare, dtype=bool)] = GAP_FEW_EVENTS
    return trend


def development_index(results: pd.DataFrame, milestone: int | None = None) -> pd.DataFrame:
    """Columns: region, area, milestone, index (0–100), scored; area 全部 = mean of areas."""
    rows = results[results["headline"] & results["progress_index"].notna()]
    if milestone is not None:
        rows = rows[rows["milestone"] == milestone]
    frame = pd.DataFrame({"region": rows["region"], "area": rows["area"],
                          "milestone": rows["milestone"], "index": rows["progress_index"]})
    per_area = frame.groupby(["region", "milestone", "area"], observed=True).agg(
        index=("index", "mean"), scored=("index", "size")).reset_index().astype({"region": object, "area": object})
    overall = per_area.groupby(["region", "milestone"]).agg(
        index=("index", "mean"), scored=("scored", "sum")).reset_index()
    overall["area"] = OVERALL
    out = pd.concat([per_area, overall], ignore_index=True)
    return out.sort_values(["region", "milestone", "area"]).reset_index(drop=True)[
        ["region", "area", "milestone", "index", "scored"]]


def _scale_per_indicator(obs: pd.DataFrame) -> pd.Series:
    """The factor turning numerator/denominator into the stated value (100 for %, 1e5 for 1/10万)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        raw = obs["value"] / (obs["numerator"] / obs["denominator"])
    raw = raw.replace([np.inf, -np.inf], np.nan)
    median = raw.groupby(obs["indicator"].astype(object)).median()
    return np.power(10.0, np.round(np.log10(median))).fillna(1.0)


def rollup(observations: pd.DataFrame, parents: Mapping[str, str], incomplete: str = "drop") -> pd.DataFrame:
    """District observations → parent-region observations by summing counts.

    ``parents`` maps a district to its city. Returns observation columns plus
    ``districts`` (how many reported) and ``complete`` (all the city's districts did).
    A city year that some district did not report is not the city's figure (a sum over
    different districts each year makes jumps that are not changes): ``incomplete="drop"``
    (default) leaves it out and lists it in ``.attrs['incomplete']`` as (city, indicator,
    year, districts reported, districts); ``"keep"`` keeps it with ``complete`` False, for a
    page that says so.
    ``.attrs['not_rollable']`` lists indicators without numerator and denominator.
    """
    obs = observations[observations["region"].astype(object).isin(list(parents))].copy()
    obs["parent"] = obs["region"].astype(object).map(parents)
    counted = obs["numerator"].notna() & obs["denominator"].notna()
    not_rollable = sorted(set(obs.loc[~counted, "indicator"].astype(object)))
    obs = obs[counted & ~obs["indicator"].astype(object).isin(not_rollable)]
    scale = _scale_per_indicator(obs)
    keys = ["parent", "indicator", "year", "sex", "age", "residence", "unit"]
    grouped = obs.astype({k: object for k in keys if k != "year"}).groupby(keys, dropna=False).agg(
        numerator=("numerator", "sum"), denominator=("denominator", "sum"),
        districts=("region", "nunique")).reset_index()
    children = pd.Series(list(parents.values())).value_counts()
    grouped["value"] = grouped["numerator"] / grouped["denominator"] * grouped["indicator"].map(scale)
    grouped["complete"] = grouped["districts"] == grouped["parent"].map(children)
    partial = grouped[~grouped["complete"]]
    incomplete_rows = [(p, i, int(y), int(d), int(children[p])) for p, i, y, d in
                       zip(partial["parent"], partial["indicator"], partial["year"], partial["districts"])]
    if incomplete == "drop":
        grouped = grouped[grouped["complete"]]
    elif incomplete != "keep":
        raise ValueError(f"incomplete 应为 'drop' 或 'keep'，收到 {incomplete!r}")
    out = grouped.rename(columns={"parent": "region"})[
        ["region", "indicator", "year", "sex", "age", "residence", "value", "numerator",
         "denominator", "unit", "districts", "complete"]]
    out.attrs["not_rollable"] = not_rollable
    out.attrs["incomplete"] = incomplete_rows
    return out.reset_index(drop=True)
