"""The targets table and target evaluation for every operator of the grammar.

Targets table columns (one row per indicator × milestone target):

    indicator, area, goal, year, op, value, upper, unit, base_year, tolerance,
    direction ('up' | 'down' | ''), text, kind

A target is *resolved*, per result row, into a band the latest value must fall in:
``lo`` ≤ x ≤ ``hi`` (strict when the operator is > or <), plus ``goal_value``, the
band edge a series has to reach (used by the progress ratio and the sentences).

* ``>= > <= <`` one-sided; ``=`` ("达到X") reads as ≥ X, or ≤ X when lower is better.
* ``~`` X ± tolerance: ±2 percentage points for shares (unit %), ±5 % of X otherwise,
  or the per-indicator ``tolerance`` column; when the indicator has a direction only the
  unfavourable side binds (≤ X + tol where lower is better, ≥ X − tol where higher is).
* ``range`` value ≤ x ≤ upper.
* ``relative_increase/decrease`` v %: from the base-year value, base × (1 ± v/100).
* ``annual_increase/decrease`` v a year from the base-year value; attained while the
  pace is kept (checked at the latest year), goal at the milestone.
* ``annual_relative_increase/decrease`` v % a year, compounded the same way.
* ``increase/decrease`` direction only: judged on the log/logit-scale trend and its t test (status.py).
* ``qualitative`` judged by the evaluation group (a judgements table).
"""

from __future__ import annotations

from dataclasses import dataclass

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
                "op": _assessable_op(t.op, t.value, indicator.direction), "value": t.value, "upper": t.upper, "unit": t.unit or indicator.unit,
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


def _assessable_op(op: str, value, direction: str) -> str:
    """A comparison the parser found without a number ("不低于本地区党员总数中女性比例")
    is judged by its direction, or by the evaluation group when it has none."""
    if op in DIRECTIONAL_OPS | {"qualitative"} or value is not None:
        return op
    way = _infer_direction(op, direction)
    return {"up": "increase", "down": "decrease"}.get(way, "qualitative")


def _infer_direction(op: str, given: str) -> str:
    if given in ("up", "down"):
        return given
    if op in UP_OPS or op == "=":      # "达到X" reads as at least X unless lower is better
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
    op = frame["op"].astype(str)
    value = pd.to_numeric(frame["value"], errors="coerce")
    unknown = ~op.isin(OPS)
    no_value = ~unknown & ~op.isin(list(DIRECTIONAL_OPS | {"qualitative"})) & value.isna()
    no_upper = (op == "range") & pd.to_numeric(frame["upper"], errors="coerce").isna()
    errors = []
    for i in np.flatnonzero(unknown | no_value | no_upper):
        where = Location(row=int(i) + 1, sentence=str(frame.at[i, "indicator"]))
        message = (f"无法识别的目标运算符“{op[i]}”" if unknown[i] else
                   "数值目标缺少目标值" if no_value[i] else "区间目标缺少上限")
        errors.append(TianpingError(message, where))
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


NUMERIC, DIRECTIONAL, QUALITATIVE = 0, 1, 2
OP_CODE = {op: i for i, op in enumerate(OPS)}


@dataclass
class TargetArrays:
    """One entry per targets row; the engine gathers them per result row with ``[t]``.

    lo/hi is the band for operators that need no base value (±inf when open);
    operators that do (relative_*, annual_*) are resolved per row by ``base_bands``.
    """

    op: np.ndarray          # int8 code into model.OPS
    kind: np.ndarray        # NUMERIC / DIRECTIONAL / QUALITATIVE
    sign: np.ndarray        # +1 higher is better, −1 lower is better, 0 unstated (~, range)
    value: np.ndarray
    upper: np.ndarray
    tolerance: np.ndarray   # NaN unless op is ~
    lo: np.ndarray
    hi: np.ndarray
    lo_strict: np.ndarray
    hi_strict: np.ndarray
    needs_base: np.ndarray
    pace: np.ndarray        # annual_* : judged on the pace kept so far
    upper_bound: np.ndarray  # 100 for %, 1000 for ‰, inf otherwise
    milestone: np.ndarray
    base_year: np.ndarray   # stated base year, NaN if none


def target_arrays(targets: pd.DataFrame, config: AssessConfig) -> TargetArrays:
    op = targets["op"].to_numpy(str)
    unit = targets["unit"].to_numpy(str)
    value = targets["value"].to_numpy(np.float64)
    upper = targets["upper"].to_numpy(np.float64)
    direction = targets["direction"].to_numpy(str)
    sign = np.where(direction == "up", 1, np.where(direction == "down", -1, 0)).astype(np.int8)
    given = targets["tolerance"].to_numpy(np.float64)
    tolerance = np.where(op == "~", np.where(np.isnan(given), default_tolerance(unit, value, config), given), np.nan)
    lo = np.full(len(op), -np.inf)
    hi = np.full(len(op), np.inf)
    at_least = np.isin(op, [">=", ">"]) | ((op == "=") & (sign >= 0))
    at_most = np.isin(op, ["<=", "<"]) | ((op == "=") & (sign < 0))
    lo[at_least] = value[at_least]
    hi[at_most] = value[at_most]
    about = op == "~"
    # '左右' of an indicator with a direction binds one way only: "10/10万左右" for a rate
    # where lower is better is met by anything up to 10 + tolerance, 0 included.
    lo[about & (sign >= 0)] = (value - tolerance)[about & (sign >= 0)]
    hi[about & (sign <= 0)] = (value + tolerance)[about & (sign <= 0)]
    rng = op == "range"
    lo[rng] = np.minimum(value[rng], upper[rng])
    hi[rng] = np.maximum(value[rng], upper[rng])
    kind = np.where(np.isin(op, list(DIRECTIONAL_OPS)), DIRECTIONAL,
                    np.where(op == "qualitative", QUALITATIVE, NUMERIC)).astype(np.int8)
    return TargetArrays(
        op=np.array([OP_CODE[o] for o in op], dtype=np.int8), kind=kind, sign=sign, value=value,
        upper=upper, tolerance=tolerance, lo=lo, hi=hi, lo_strict=op == ">", hi_strict=op == "<",
        needs_base=np.isin(op, list(BASE_OPS)), pace=np.isin(op, list(PACE_OPS)),
        upper_bound=upper_bound_for(unit), milestone=targets["year"].to_numpy(np.int64),
        base_year=targets["base_year"].to_numpy(np.float64))


def base_bands(op: np.ndarray, value: np.ndarray, base_value: np.ndarray, years_from_base: np.ndarray,
               pace_years: np.ndarray):
    """Bands of base-relative targets, for those rows only: (lo, hi, lo_now, hi_now).

    ``years_from_base`` = milestone − base year; ``pace_years`` = latest year − base year
    (annual-change targets are judged on the pace reached so far).
    """
    inf = np.full(len(op), np.inf)
    c = {name: op == OP_CODE[name] for name in BASE_OPS}
    step = 1 + value / 100
    down_step = 1 - value / 100
    with np.errstate(invalid="ignore", over="ignore"):
        at = np.select(
            [c["relative_increase"], c["relative_decrease"], c["annual_increase"], c["annual_decrease"],
             c["annual_relative_increase"], c["annual_relative_decrease"]],
            [base_value * step, base_value * down_step, base_value + value * years_from_base,
             base_value - value * years_from_base, base_value * step ** years_from_base,
             base_value * down_step ** years_from_base])
        now = np.select(
            [c["annual_increase"], c["annual_decrease"], c["annual_relative_increase"],
             c["annual_relative_decrease"]],
            [base_value + value * pace_years, base_value - value * pace_years,
             base_value * step ** pace_years, base_value * down_step ** pace_years], default=at)
    up = c["relative_increase"] | c["annual_increase"] | c["annual_relative_increase"]
    lo, lo_now = np.where(up, at, -inf), np.where(up, now, -inf)
    hi, hi_now = np.where(up, inf, at), np.where(up, inf, now)
    return lo, hi, lo_now, hi_now


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


def _namespace(value):
    from types import SimpleNamespace

    if isinstance(value, dict):
        return SimpleNamespace(**{k: _namespace(v) for k, v in value.items()})
    if isinstance(value, list):
        return [_namespace(v) for v in value]
    return value


def plan_namespace(data: dict):
    """A plan's JSON form (``Plan.to_dict``) read back with attribute access, enough for
    the functions here that walk a Plan."""
    plan = _namespace(data)
    plan.start_year = getattr(plan, "start_year", 2021)
    plan.end_year = getattr(plan, "end_year", 2030)
    for key in ("areas", "indicator_table"):
        if not hasattr(plan, key):
            setattr(plan, key, [])
    for area in plan.areas:
        for key in ("goals", "measures"):
            if not hasattr(area, key):
                setattr(area, key, [])

    def indicators():   # as Plan.indicators
        for area in plan.areas:
            for item in (*area.goals, *area.measures):
                yield from item.indicators
        yield from plan.indicator_table

    plan.indicators = indicators
    return plan
