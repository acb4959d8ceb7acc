"""Adapting the assessment engine's tables to what the report builders read.

The builders read one frame with the columns in RESULT_COLUMNS. ``prepare``
renames the engine's spellings (ALIASES), fills target details from the targets
table when the results lack them, and adds any missing column as empty, so a
builder never guesses a column name.
"""

from __future__ import annotations

import math
from typing import overload

import numpy as np
import pandas as pd

from tianping.core.assess.aggregate import applicable_targets
from tianping.core.errors import TianpingError

RESULT_COLUMNS = [
    "region", "indicator", "area", "sex", "age", "residence", "headline", "milestone", "kind",
    "status", "latest_value", "latest_year", "previous_value", "previous_year",
    "base_value", "base_year", "op", "target_value", "target_upper", "target_unit", "goal_value", "unit",
    "projection", "projection_low", "projection_high", "progress_ratio", "sentence", "text",
]
ALIASES = {
    "target_year": "milestone", "year": "milestone",
    "latest": "latest_value", "value": "target_value", "target": "target_value",
    "upper": "target_upper", "previous": "previous_value", "prev_value": "previous_value",
    "prev_year": "previous_year", "base": "base_value",
    "projected": "projection", "projected_low": "projection_low", "projected_high": "projection_high",
    "ratio": "progress_ratio", "target_op": "op", "target_unit": "unit", "target_text": "text",
}
TARGET_DETAILS = {"area": "area", "op": "op", "value": "target_value", "upper": "target_upper",
                  "unit": "unit", "kind": "kind", "text": "text"}
DIMENSIONS = ("sex", "age", "residence")
SEX_LABEL = {"": "合计", "女": "女性", "男": "男性"}


def prepare(results: pd.DataFrame, targets: pd.DataFrame | None = None,
            observations: pd.DataFrame | None = None) -> pd.DataFrame:
    """The results with the builders' column names; the index stays the engine's row index."""
    frame = results.rename(columns={k: v for k, v in ALIASES.items()
                                    if k in results.columns and v not in results.columns})
    frame = frame.copy()
    for column in RESULT_COLUMNS:
        if column not in frame.columns:
            frame[column] = np.nan
    if targets is not None and len(targets):
        frame = fill_from_targets(frame, targets)
    for column in ("region", "indicator", "area", "status", "op", "unit", "kind", "sentence", "text",
                   *DIMENSIONS):
        values = frame[column].astype(object)
        frame[column] = values.where(values.notna(), "").astype(str)
    frame["kind"] = np.where((frame["kind"] == "") & (frame["op"] == "qualitative"), "qualitative", frame["kind"])
    for column in ("latest_year", "previous_year", "base_year"):
        years = pd.to_numeric(frame[column], errors="coerce").astype("float64")
        frame[column] = years.where(years > 0)       # the engine writes 0 for "no year"
    frame.loc[frame["latest_year"].isna(), "latest_value"] = np.nan
    if observations is not None and frame["previous_value"].isna().all():
        frame = add_previous(frame, observations)
    return frame


def for_region(frame: pd.DataFrame, region: str) -> pd.DataFrame:
    """The rows of one region; a clear Chinese error when the assessment has none."""
    if not region:
        return frame
    rows = frame[frame["region"].isin([region, ""])]
    if rows.empty:
        known = "、".join(sorted(set(frame["region"]) - {""})[:10]) or "无"
        raise TianpingError(f"评估结果中没有“{region}”的数据（现有地区：{known}）；请检查 --region 或数据文件的地区列")
    return rows


def add_previous(frame: pd.DataFrame, observations: pd.DataFrame) -> pd.DataFrame:
    """The last observed value before the latest year, per result row (for "比上年…")."""
    keys = ["region", "indicator", *DIMENSIONS]
    obs = observations[observations["value"].notna()]
    obs = obs.assign(**{k: obs[k].astype(object).where(obs[k].notna(), "").astype(str)
                        for k in keys if k in obs.columns})
    obs = obs[[k for k in keys if k in obs.columns] + ["year", "value"]]
    left = frame[keys + ["latest_year"]].reset_index(names="_row")
    pairs = left.merge(obs, on=[k for k in keys if k in obs.columns], how="inner")
    pairs = pairs[pairs["year"] < pairs["latest_year"]]
    last = pairs.sort_values("year").drop_duplicates("_row", keep="last").set_index("_row")
    frame["previous_year"] = last["year"].reindex(frame.index).astype(float)
    frame["previous_value"] = last["value"].reindex(frame.index).astype(float)
    return frame


def fill_from_targets(frame: pd.DataFrame, targets: pd.DataFrame) -> pd.DataFrame:
    details = targets.rename(columns={"year": "milestone"})
    details = details.drop_duplicates(["indicator", "milestone"])
    details = details[["indicator", "milestone", *TARGET_DETAILS]].rename(columns=TARGET_DETAILS)
    merged = frame.merge(details, on=["indicator", "milestone"], how="left", suffixes=("", "_t"))
    merged.index = frame.index
    for column in TARGET_DETAILS.values():
        merged[column] = merged[column].where(merged[column].notna() & (merged[column] != ""),
                                              merged[f"{column}_t"])
        merged = merged.drop(columns=f"{column}_t")
    return merged


def totals(frame: pd.DataFrame) -> pd.DataFrame:
    """The row that stands for each indicator: the engine's headline series, else the total."""
    if frame["headline"].notna().any():
        return frame[frame["headline"].fillna(False).astype(bool)]
    mask = np.ones(len(frame), dtype=bool)
    for column in DIMENSIONS:
        mask &= frame[column].isin(["", "合计", "total"]).to_numpy()
    return frame[mask]


def for_milestone(frame: pd.DataFrame, year: int) -> pd.DataFrame:
    """One row per indicator: the target that applies at ``year`` by core's one rule
    (``core.assess.applicable_targets``: the nearest milestone at or after ``year``,
    else the last; the first stated target of that milestone)."""
    return applicable_targets(frame, year, headline=False)


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


@overload
def observations_for(observations: pd.DataFrame, region: str) -> pd.DataFrame: ...


@overload
def observations_for(observations: None, region: str) -> None: ...


def observations_for(observations: pd.DataFrame | None, region: str) -> pd.DataFrame | None:
    """The observations of one region, dimension columns as text ("" = total)."""
    if observations is None:
        return None
    obs = observations
    if region and "region" in obs.columns:
        obs = obs[obs["region"].astype(str).isin([region, ""])]
    obs = obs.copy()
    for column in DIMENSIONS:
        if column in obs.columns:
            obs[column] = obs[column].astype(object).where(obs[column].notna(), "").astype(str)
        else:
            obs[column] = ""
    return obs


MONITORED = "仅监测"


def add_monitored(frame: pd.DataFrame, observations: pd.DataFrame | None, plan, region: str) -> pd.DataFrame:
    """Rows for the plan's indicators that have data but no target (status 仅监测), so a
    report states their values too; the engine assesses only indicators with a target."""
    if plan is None or observations is None or observations.empty:
        return frame
    obs = observations_for(observations, region)
    obs = obs[obs["value"].notna() & (obs["age"] == "") & (obs["residence"] == "")]
    known = set(frame["indicator"])
    rows = []
    for area in plan.areas:
        for goal in area.goals:
            for indicator in goal.indicators:
                if indicator.targets or indicator.name in known:
                    continue
                same = obs[obs["indicator"] == indicator.name]
                if same.empty:
                    continue
                sex = "" if (same["sex"] == "").any() else "女" if (same["sex"] == "女").any() else same["sex"].iloc[0]
                series = same[same["sex"] == sex].sort_values("year")
                last = series.iloc[-1]
                before = series.iloc[:-1]
                rows.append({"region": region, "indicator": indicator.name, "area": area.name, "sex": sex,
                             "age": "", "residence": "", "headline": True, "milestone": np.nan,
                             "kind": "monitored", "status": MONITORED, "op": "", "text": "",
                             "unit": str(last.get("unit", "") or indicator.unit or ""),
                             "goal": goal.number, "latest_value": float(last["value"]),
                             "latest_year": float(last["year"]),
                             "previous_value": float(before["value"].iloc[-1]) if len(before) else np.nan,
                             "previous_year": float(before["year"].iloc[-1]) if len(before) else np.nan})
                known.add(indicator.name)
    if not rows:
        return frame
    extra = pd.DataFrame(rows, index=[f"m{i}" for i in range(len(rows))])
    for column in frame.columns:
        if column not in extra.columns:
            extra[column] = "" if frame[column].dtype == object else np.nan
    return pd.concat([frame, extra[frame.columns]])
