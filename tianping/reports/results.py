"""Adapting the assessment engine's tables to what the report builders read.

The builders read one frame with the columns in RESULT_COLUMNS. ``prepare``
renames the engine's spellings (ALIASES), fills target details from the targets
table when the results lack them, and adds any missing column as empty, so a
builder never guesses a column name.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

RESULT_COLUMNS = [
    "region", "indicator", "area", "sex", "age", "residence", "milestone", "kind",
    "status", "latest_value", "latest_year", "previous_value", "previous_year",
    "base_value", "base_year", "op", "target_value", "target_upper", "goal_value", "unit",
    "projection", "projection_low", "projection_high", "progress_ratio", "sentence", "text",
]
ALIASES = {
    "target_year": "milestone", "year": "milestone",
    "latest": "latest_value", "value": "target_value", "target": "target_value",
    "upper": "target_upper", "previous": "previous_value", "prev_value": "previous_value",
    "prev_year": "previous_year", "base": "base_value",
    "projected": "projection", "projection_lo": "projection_low", "projection_hi": "projection_high",
    "projection_lower": "projection_low", "projection_upper": "projection_high",
    "ratio": "progress_ratio", "target_op": "op", "target_unit": "unit", "target_text": "text",
}
TARGET_DETAILS = {"area": "area", "op": "op", "value": "target_value", "upper": "target_upper",
                  "unit": "unit", "kind": "kind", "text": "text"}
DIMENSIONS = ("sex", "age", "residence")
SEX_LABEL = {"": "合计", "女": "女性", "男": "男性"}


def prepare(results: pd.DataFrame, targets: pd.DataFrame | None = None) -> pd.DataFrame:
    frame = results.rename(columns={k: v for k, v in ALIASES.items()
                                    if k in results.columns and v not in results.columns})
    for column in RESULT_COLUMNS:
        if column not in frame.columns:
            frame[column] = np.nan
    if targets is not None and len(targets):
        frame = fill_from_targets(frame, targets)
    for column in ("region", "indicator", "area", "status", "op", "unit", "kind", "sentence", "text",
                   *DIMENSIONS):
        frame[column] = frame[column].astype(object).where(frame[column].notna(), "").astype(str)
    return frame


def fill_from_targets(frame: pd.DataFrame, targets: pd.DataFrame) -> pd.DataFrame:
    details = targets.rename(columns={"year": "milestone"})
    details = details.drop_duplicates(["indicator", "milestone"])
    details = details[["indicator", "milestone", *TARGET_DETAILS]].rename(columns=TARGET_DETAILS)
    merged = frame.merge(details, on=["indicator", "milestone"], how="left", suffixes=("", "_t"))
    for column in TARGET_DETAILS.values():
        merged[column] = merged[column].where(merged[column].notna() & (merged[column] != ""),
                                              merged[f"{column}_t"])
        merged = merged.drop(columns=f"{column}_t")
    return merged


def totals(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows of the total series (no sex, age or residence breakdown)."""
    mask = np.ones(len(frame), dtype=bool)
    for column in DIMENSIONS:
        mask &= frame[column].isin(["", "合计", "total"]).to_numpy()
    return frame[mask]


def for_milestone(frame: pd.DataFrame, year: int) -> pd.DataFrame:
    """One row per indicator: the nearest milestone at or after ``year``, else the last one."""
    frame = frame.assign(_ahead=(frame["milestone"] < year).astype(int),
                         _distance=(frame["milestone"] - year).abs())
    frame = frame.sort_values(["_ahead", "_distance"], kind="stable")
    picked = frame.drop_duplicates("indicator", keep="first").drop(columns=["_ahead", "_distance"])
    return picked


def in_plan_order(frame: pd.DataFrame, indicator_order: list[str]) -> pd.DataFrame:
    rank = {name: i for i, name in enumerate(indicator_order)}
    return frame.assign(_rank=frame["indicator"].map(lambda n: rank.get(n, len(rank)))) \
        .sort_values(["_rank", "milestone"], kind="stable").drop(columns="_rank")


def present(value) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value)) \
        and not (isinstance(value, str) and value == "") and not pd.isna(value)


def place_name(region: str) -> str:
    """"西岗区" → "全区": how reports name their own territory."""
    for suffix, word in (("区", "全区"), ("县", "全县"), ("市", "全市"), ("旗", "全旗"), ("省", "全省")):
        if region.endswith(suffix):
            return word
    return region or "全区"
