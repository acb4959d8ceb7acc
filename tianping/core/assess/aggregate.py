"""Aggregates over assessment results, and the city roll-up of district data.

* 达标率 attainment rate = attained ÷ assessable, counting each headline series ×
  target once; assessable = every status but 数据不足 and 待评估 (a qualitative
  target counts once the evaluation group has judged it).
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

from typing import Iterable, Mapping

import numpy as np
import pandas as pd

from .config import AssessConfig
from .status import ATTAINED, C_ATTAINED, C_NO_DATA, C_PENDING, C_SLOW, NO_DATA, PENDING

OVERALL = "全部"


def progress_index(status, base, latest, goal, is_numeric):
    """Per result row, from status codes: see the module docstring."""
    with np.errstate(invalid="ignore", divide="ignore"):
        covered = np.clip((latest - base) / (goal - base), 0.0, 1.0) * 100.0
    covered = np.where(goal == base, 0.0, covered)
    out = np.where(is_numeric, covered, np.nan)
    out = np.where(~is_numeric & (status == C_SLOW), 50.0, out)
    out = np.where(~is_numeric & (status != C_SLOW), 0.0, out)   # 退步, judged 未达标
    out = np.where(status == C_ATTAINED, 100.0, out)
    return np.where((status == C_NO_DATA) | (status == C_PENDING), np.nan, out)


def _counted_attained(results: pd.DataFrame, config: AssessConfig) -> pd.Series:
    attained = results["status"] == ATTAINED
    if not config.basically_attained_counts:
        attained &= results["judgement"].astype(object) != "基本达标"
    return attained


def attainment_rate(results: pd.DataFrame, by: Iterable[str] = ("region", "area"),
                    milestone: int | None = None, config: AssessConfig | None = None) -> pd.DataFrame:
    """Columns: *by, milestone, targets, assessable, attained, rate (NaN when none assessable)."""
    config = config or AssessConfig()
    rows = results[results["headline"]]
    if milestone is not None:
        rows = rows[rows["milestone"] == milestone]
    frame = pd.DataFrame({k: rows[k] for k in by})
    frame["milestone"] = rows["milestone"].to_numpy()
    frame["targets"] = 1
    frame["assessable"] = ~rows["status"].isin([NO_DATA, PENDING])
    frame["attained"] = _counted_attained(rows, config)
    # Grouping on the categoricals themselves (observed only) is ~10× faster than on strings.
    out = frame.groupby([*by, "milestone"], sort=True, observed=True).sum().reset_index()
    out = out.astype({k: object for k in by})
    out["rate"] = out["attained"] / out["assessable"].where(out["assessable"] > 0)
    return out


def gender_gaps(results: pd.DataFrame) -> pd.DataFrame:
    """Latest female and male values per region × indicator (× age × residence)."""
    keys = ["region", "indicator", "age", "residence"]
    series = results.drop_duplicates([*keys, "sex"])
    series = series[series["sex"].isin(["女", "男"]) & series["latest_value"].notna()]
    cols = [*keys, "latest_year", "latest_value", "unit"]
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
    return out.reset_index(drop=True)


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


def rollup(observations: pd.DataFrame, parents: Mapping[str, str]) -> pd.DataFrame:
    """District observations → parent-region observations by summing counts.

    ``parents`` maps a district to its city. Returns observation columns plus
    ``districts`` (how many reported) and ``complete`` (all the city's districts did).
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
    out = grouped.rename(columns={"parent": "region"})[
        ["region", "indicator", "year", "sex", "age", "residence", "value", "numerator",
         "denominator", "unit", "districts", "complete"]]
    out.attrs["not_rollable"] = not_rollable
    return out
