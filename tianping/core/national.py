"""Real national figures: the NBS annual monitoring reports on the 2021–2030 outlines.

``load_national`` reads ``shared/data/nbs-national-2021-2030.csv`` (one row per
figure, the report named on each row) into observations for region 全国, keeping
the report and the outline area. Two real-world wrinkles are handled here, not
in the general loader:

* the same figure printed in both the women's and the children's report (婚前医学检查率
  2022) becomes one observation naming both reports; two different values for one
  figure stay two rows and are refused as a duplicate, naming both rows;
* figures the reports print as separate names for one indicator's groups
  (城市/农村孕产妇死亡率, 小学学龄女童/男童净入学率) become that indicator's
  residence or sex series, with the printed name kept in the note. The reports
  say 城市 where the table's residence groups are 城镇/农村; the note keeps that.

``national_targets`` gives the targets national documents state, from the indicator catalogue
(``tianping/core/catalogue/indicators.toml``: the outlines' own targets, each with its document
and wording; none is guessed);
``weaker_than`` tells whether a local one-sided target asks less than one of those
(or a higher region's) for the same indicator and year.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from tianping.core.errors import InputErrors, Location, TianpingError
from tianping.core.observations import (
    canonical_name,
    finish,
    normalize_unit,
    read_tables,
    validate_table,
)

NATIONAL_FILE = "nbs-national-2021-2030.csv"
REGION = "全国"

# Printed name -> (indicator, sex, residence)
GROUP_NAMES = {
    "城市孕产妇死亡率": ("孕产妇死亡率", "", "城镇"),
    "农村孕产妇死亡率": ("孕产妇死亡率", "", "农村"),
    "小学学龄女童净入学率": ("小学学龄儿童净入学率", "女", ""),
    "小学学龄男童净入学率": ("小学学龄儿童净入学率", "男", ""),
}
NATIONAL_COLUMNS = ["report", "year", "area", "indicator", "value", "unit"]


def default_national_path() -> Path:
    """``$TIANPING_SHARED/data/…``, else the ``shared`` folder beside the repository."""
    shared = os.environ.get("TIANPING_SHARED")
    root = Path(shared) if shared else Path(__file__).resolve().parents[3] / "shared"
    return root / "data" / NATIONAL_FILE


def load_national(path: str | Path | None = None) -> pd.DataFrame:
    """The national figures as observations (region 全国) with ``report`` and ``area`` columns."""
    path = Path(path) if path else default_national_path()
    (table,) = read_tables(path)
    missing = [c for c in NATIONAL_COLUMNS if c not in table.frame.columns]
    if missing:
        raise TianpingError(f"国家统计监测数据缺少列：{'、'.join(missing)}", Location(file=path.name))
    frame = table.frame.copy()
    frame["region"] = REGION
    _split_group_names(frame)
    table.frame, table.rows = _merge_reprinted_figures(frame, table.rows)
    observations, errors = validate_table(table, indicators=_units_by_indicator(table), plan_years=(2020, 2030))
    if errors:
        raise InputErrors(errors)
    return finish([observations])


def _split_group_names(frame: pd.DataFrame) -> None:
    frame["indicator"] = frame["indicator"].map(canonical_name)
    sexes, residences, notes = [], [], []
    for name in frame["indicator"]:
        indicator, sex, residence = GROUP_NAMES.get(name, (name, "", ""))
        sexes.append(sex)
        residences.append(residence)
        notes.append(f"报告原指标名：{name}" if name in GROUP_NAMES else "")
    frame["indicator"] = [GROUP_NAMES.get(n, (n,))[0] for n in frame["indicator"]]
    frame["sex"], frame["residence"], frame["note"] = sexes, residences, notes


def _join_distinct(texts: pd.Series) -> str:
    return "；".join(dict.fromkeys(texts))


def _merge_reprinted_figures(frame: pd.DataFrame, rows: list[int]) -> tuple[pd.DataFrame, list[int]]:
    """One figure printed in several reports becomes one row naming every report."""
    frame = frame.assign(_row=rows, _value=frame["value"].map(lambda v: str(v).strip()))
    key = ["indicator", "year", "sex", "residence", "_value"]
    joined = ("report", "area")
    merged = (frame.groupby(key, sort=False, dropna=False)
              .agg({**{c: "first" for c in frame.columns if c not in key and c not in joined},
                    **{c: _join_distinct for c in joined}})
              .reset_index())
    merged = merged.sort_values("_row", kind="stable").reset_index(drop=True)
    return merged.drop(columns=["_row", "_value"])[list(frame.columns.drop(["_row", "_value"]))], \
        merged["_row"].tolist()


def _units_by_indicator(table) -> dict[str, str]:
    """Each indicator's unit as first printed; a later row printing another unit is an error."""
    units: dict[str, str] = {}
    for name, unit in zip(table.frame["indicator"], table.frame["unit"]):
        units.setdefault(canonical_name(name), normalize_unit(unit))
    return units


def national_targets() -> pd.DataFrame:
    """Targets set by national documents (中国妇女/儿童发展纲要 2021—2030, and where an outline
    names none, the 14th Five-Year Plan), one row per target from the indicator catalogue:
    kind (women|children), outline (the document), area, indicator (canonical name), code, year,
    op, value, unit, base_year, text (the document's wording)."""
    from tianping.core.catalogue import load_catalogue

    rows = [{"kind": entry.outline, "outline": target.document, "area": entry.area, "indicator": entry.name,
             "code": entry.code, "year": target.year, "op": target.op, "value": target.value,
             "unit": "%" if target.op.startswith("relative_") else normalize_unit(entry.unit),
             "base_year": target.base_year, "text": target.text}
            for entry in load_catalogue() for target in entry.national]
    return pd.DataFrame(rows, columns=["kind", "outline", "area", "indicator", "code", "year", "op", "value", "unit",
                                       "base_year", "text"])


UP = frozenset({">=", ">"})
DOWN = frozenset({"<=", "<"})


def weaker_than(op: str, value: float | None, ref_op: str, ref_value: float | None) -> bool | None:
    """True when a one-sided target (``op value``) asks less than the reference target:
    "≥90%" against "≥95%", "≤15/10万" against "≤12/10万". None when they cannot be
    compared (a value missing, or not both rising or both falling targets)."""
    if value is None or ref_value is None:
        return None
    if op in UP and ref_op in UP:
        return bool(value < ref_value)
    if op in DOWN and ref_op in DOWN:
        return bool(value > ref_value)
    return None
