"""The targets table and target evaluation for every operator of the grammar.

Targets table columns (one row per indicator × milestone target):

    indicator, area, goal, year, op, value, upper, unit, base_year, tolerance,
    direction ('up' | 'down' | ''), text, kind

A target is *resolved*, per result row, into a band the latest value must fall in:
``lo`` ≤ x ≤ ``hi`` (strict when the operator is > or <), plus ``goal_value``, the
band edge a series has to reach (used by the progress ratio and the sentences).

* ``>= > <= <`` one-sided; ``=`` ("达到X") reads as ≥ X, or ≤ X when lower is better.
* ``~`` X ± tolerance: ±2 percentage points for shares (unit %), ±5 % of X otherwise,
  or the per-indicator ``tolerance`` column.
* ``range`` value ≤ x ≤ upper.
* ``relative_increase/decrease`` v %: from the base-year value, base × (1 ± v/100).
* ``annual_increase/decrease`` v a year from the base-year value; attained while the
  pace is kept (checked at the latest year), goal at the milestone.
* ``annual_relative_increase/decrease`` v % a year, compounded the same way.
* ``increase/decrease`` direction only: judged on the Theil–Sen trend (status.py).
* ``qualitative`` judged by the evaluation group (a judgements table).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tianping.core.errors import InputErrors, Location, TianpingError
from tianping.core.model import OPS, Plan

from .config import SHARE_UNITS, AssessConfig

TARGET_COLUMNS = ["indicator", "area", "goal", "year", "op", "value", "upper", "unit",
                  "base_year", "tolerance", "direction", "text", "kind"]

UP_OPS = {">=", ">", "relative_increase", "annual_increase", "annual_relative_increase", "increase"}
DOWN_OPS = {"<=", "<", "relative_decrease", "annual_decrease", "annual_relative_decrease", "decrease"}
DIRECTIONAL_OPS = {"increase", "decrease"}
BASE_OPS = {"relative_increase", "relative_decrease", "annual_increase", "annual_decrease",
            "annual_relative_increase", "annual_relative_decrease"}
PACE_OPS = {"annual_increase", "annual_decrease", "annual_relative_increase", "annual_relative_decrease"}


def targets_from_plan(plan: Plan) -> pd.DataFrame:
    """Every target of a parsed plan as a targets table (duplicates stated twice dropped)."""
    rows = []

    def add(indicator, area, goal):
        for t in indicator.targets:
            rows.append({
                "indicator": indicator.name, "area": area, "goal": goal, "year": t.year,
                "op": t.op, "value": t.value, "upper": t.upper, "unit": t.unit or indicator.unit,
                "base_year": t.base_year, "tolerance": None, "direction": indicator.direction,
                "text": t.text, "kind": t.kind,
            })

    for area in plan.areas:
        for goal in area.goals:
            for ind in goal.indicators:
                add(ind, area.name, goal.number)
        for measure in area.measures:
            for ind in measure.indicators:
                add(ind, area.name, None)
    for ind in plan.indicator_table:
        add(ind, "", None)
    frame = pd.DataFrame(rows, columns=TARGET_COLUMNS)
    return normalise_targets(frame.drop_duplicates(["indicator", "year", "op", "value", "upper"]))


def _infer_direction(op: str, given: str) -> str:
    if given in ("up", "down"):
        return given
    if op in UP_OPS:
        return "up"
    if op in DOWN_OPS:
        return "down"
    return ""


def normalise_targets(targets: pd.DataFrame) -> pd.DataFrame:
    """Fill defaults, check operators and numbers; errors name the target row."""
    frame = targets.copy().reset_index(drop=True)
    for column in TARGET_COLUMNS:
        if column not in frame:
            frame[column] = None
    errors = []
    for i, row in frame.iterrows():
        where = Location(row=i + 1, sentence=str(row["indicator"]))
        if row["op"] not in OPS:
            errors.append(TianpingError(f"无法识别的目标运算符“{row['op']}”", where))
        elif row["op"] not in DIRECTIONAL_OPS | {"qualitative"} and pd.isna(row["value"]):
            errors.append(TianpingError("数值目标缺少目标值", where))
        elif row["op"] == "range" and pd.isna(row["upper"]):
            errors.append(TianpingError("区间目标缺少上限", where))
    if errors:
        raise InputErrors(errors)
    frame["direction"] = [_infer_direction(o, d if isinstance(d, str) else "")
                          for o, d in zip(frame["op"], frame["direction"])]
    for column in ("value", "upper", "tolerance", "base_year", "goal"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype(np.float64)
    frame["year"] = frame["year"].astype(np.int64)
    for column in ("area", "unit", "text", "kind"):
        frame[column] = frame[column].fillna("").astype(str)
    frame["indicator"] = frame["indicator"].astype(str)
    return frame[TARGET_COLUMNS]


def default_tolerance(unit: np.ndarray, value: np.ndarray, config: AssessConfig) -> np.ndarray:
    """±2 percentage points for shares in %, ±5 % of the target value otherwise."""
    is_pct = unit == "%"
    return np.where(is_pct, config.share_tolerance_pp, np.abs(value) * config.relative_tolerance)


def upper_bound_for(unit: np.ndarray) -> np.ndarray:
    out = np.full(len(unit), np.inf)
    for u, bound in SHARE_UNITS.items():
        out[unit == u] = bound
    return out


def resolve_bands(op: np.ndarray, value: np.ndarray, upper: np.ndarray, tolerance: np.ndarray,
                  direction: np.ndarray, base_value: np.ndarray, years_from_base: np.ndarray,
                  pace_years: np.ndarray):
    """Per result row: (lo, hi, lo_strict, hi_strict, goal_at_milestone, hi_now, lo_now).

    ``years_from_base`` is milestone − base year; ``pace_years`` latest year − base year
    (annual-change targets are judged on the pace reached so far). lo_now/hi_now are the
    band at the latest year; lo/hi at the milestone.
    """
    n = len(op)
    lo = np.full(n, -np.inf)
    hi = np.full(n, np.inf)
    lo_strict = op == ">"
    hi_strict = op == "<"
    v = value
    down = direction == "down"
    at_least = np.isin(op, [">=", ">"]) | ((op == "=") & ~down)
    at_most = np.isin(op, ["<=", "<"]) | ((op == "=") & down)
    lo[at_least] = v[at_least]
    hi[at_most] = v[at_most]
    about = op == "~"
    lo[about] = v[about] - tolerance[about]
    hi[about] = v[about] + tolerance[about]
    rng = op == "range"
    lo[rng] = np.minimum(v[rng], upper[rng])
    hi[rng] = np.maximum(v[rng], upper[rng])
    with np.errstate(invalid="ignore", over="ignore"):
        rel_up = base_value * (1 + v / 100)
        rel_down = base_value * (1 - v / 100)
        lo = np.where(op == "relative_increase", rel_up, lo)
        hi = np.where(op == "relative_decrease", rel_down, hi)
        lo_now, hi_now = lo.copy(), hi.copy()
        for name, sign, relative in (("annual_increase", 1, False), ("annual_decrease", -1, False),
                                     ("annual_relative_increase", 1, True),
                                     ("annual_relative_decrease", -1, True)):
            rows = op == name
            if not rows.any():
                continue
            if relative:
                at = base_value * (1 + sign * v / 100) ** years_from_base
                now = base_value * (1 + sign * v / 100) ** pace_years
            else:
                at = base_value + sign * v * years_from_base
                now = base_value + sign * v * pace_years
            (lo if sign > 0 else hi)[rows] = at[rows]
            (lo_now if sign > 0 else hi_now)[rows] = now[rows]
    goal = np.where(direction == "down", hi, np.where(direction == "up", lo, np.nan))
    return lo, hi, lo_strict, hi_strict, goal, lo_now, hi_now


def meets(x: np.ndarray, lo: np.ndarray, hi: np.ndarray, lo_strict: np.ndarray,
          hi_strict: np.ndarray) -> np.ndarray:
    """True where x lies in the band (False for NaN x)."""
    # Inclusive edges forgive float noise (95 − 2 must still include 93).
    with np.errstate(invalid="ignore"):
        slack_lo = 1e-9 * np.maximum(1.0, np.abs(np.where(np.isfinite(lo), lo, 0.0)))
        slack_hi = 1e-9 * np.maximum(1.0, np.abs(np.where(np.isfinite(hi), hi, 0.0)))
        above = np.where(lo_strict, x > lo, x >= lo - slack_lo)
        below = np.where(hi_strict, x < hi, x <= hi + slack_hi)
    return above & below & ~np.isnan(x)
