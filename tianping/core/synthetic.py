"""Synthetic demo data: plausible, seeded series for a parsed plan, always labelled as such.

``demo_observations(plan, region=…)`` writes one series per indicator with a
numeric target, and per direction-only target (逐步提高) on something measured as a
share, a life expectancy, years of schooling or a head count (read from the end of
the name, ``MEASURED_BY_NAME``): improving, flat or going the wrong way.
Qualitative and vague targets (意识提高) get none: there is nothing to measure.
Each numeric series follows a *scenario* chosen so a demo shows every status: attained,
on track, off track, falling back below an attained target, one volatile series,
and one small-population rare-event series with numerator and denominator
(a maternal or child death rate in a district of ~3,000 births: 0–2 deaths a
year). One series has a year with no report. Every row carries
``synthetic=True``, the note ``合成演示数据`` and its scenario.

Positions are computed in "target space": ``p`` = how far the value is on the
good side of the goal, in units of a spread that suits the unit (shares stay in
0–100, rates and counts stay non-negative, ages move by a couple of years).

Sex-disaggregated series (rule): an indicator gets 女 and 男 series beside the
total when its name says 男女/性别, or names women or girls (妇女/女性/女童/女生/
女职工) for something both sexes have — not a pregnancy or women-only health item
(孕/产/宫颈/乳腺/母婴/生育/妇科/两癌) and not a composition share ("X中女性比例",
"女性占X比重", whose male figure is just the complement), and never for counts of
facilities (所/个/家…). The total follows the
scenario; 女 and 男 sit either side of it.

``national_synthetic`` builds the national-scale benchmark set (2,800 regions ×
150 indicators × 10 years × 3 sex series) with numpy in a few seconds, and
``national_synthetic_targets`` the matching targets table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from tianping.core.model import Indicator, Plan, Target
from tianping.core.observations import COLUMNS, normalize_unit

SYNTHETIC_NOTE = "合成演示数据"
GAP_NOTE = "合成演示数据；该年缺报"

# Scenario: position p (good side of the goal, in spreads) in the first year and ten years on, noise.
SCENARIOS = {
    "已达标": (0.3, 0.6, 0.05),
    "按期可达": (-1.0, 0.15, 0.04),
    "进度滞后": (-1.2, -0.8, 0.04),
    "达标后回落": (0.4, -1.6, 0.04),
    "波动较大": (-0.8, 0.2, 0.45),
    # direction-only targets (逐步提高/降低): p in spreads of 10 percentage points
    "稳步改善": (-0.5, 1.0, 0.03),
    "基本持平": (0.0, 0.0, 0.03),
    "反向变化": (0.0, -1.0, 0.03),
}
DIRECTIONAL_ROTATION = ["稳步改善", "基本持平", "反向变化"]
ROTATION = ["已达标", "按期可达", "进度滞后", "达标后回落"]
RARE_EVENT = "小样本稀有事件"

WHOLE_UNITS = {"人", "名", "个", "家", "所", "张", "次", "件", "户"}
FACILITY_UNITS = {"个", "家", "所", "张", "次", "件"}     # things, not people: never split by sex
LEVEL_OPS = {">=", ">", "<=", "<", "=", "~", "range"}
RELATIVE_OPS = {"relative_increase", "relative_decrease", "annual_increase", "annual_decrease",
                "annual_relative_increase", "annual_relative_decrease"}
SCALE = {"%": 100.0, "‰": 1000.0, "1/万": 1e4, "1/10万": 1e5}

_WOMEN = re.compile(r"妇女|女性|女童|女生|女职工|女干部")
_BOTH = re.compile(r"男女|分性别|性别(?!比)")
_WOMEN_ONLY = re.compile(r"孕|产|宫颈|乳腺|母婴|生育|妇科|两癌|更年期|经期")
_COMPOSITION = re.compile(r"中(的)?女性?(比例|比重|占比)|女性?(占|比例|比重)|女性?.*占.*(比例|比重)")


def is_sex_disaggregated(name: str, unit: str = "") -> bool:
    """The documented rule above: which indicators get 女 and 男 series in demo data."""
    if unit in FACILITY_UNITS:
        return False
    if _BOTH.search(name):
        return True
    return bool(_WOMEN.search(name)) and not _WOMEN_ONLY.search(name) and not _COMPOSITION.search(name)


def level_unit(indicator: Indicator, target: Target) -> str:
    """The unit the indicator is *measured* in (a relative target's % is a change, not a level)."""
    if indicator.unit and indicator.unit != "个百分点":
        return normalize_unit(indicator.unit)
    if target.op in LEVEL_OPS and target.unit:
        return normalize_unit(target.unit)
    measure = measured_by_name(indicator.name)
    return measure[0] if measure else ""


# What a direction-only target is measured in, read from the end of its name:
# unit, plausible range of a district's level, and one 'spread' (how far a scenario moves it).
MEASURED_BY_NAME = [
    (re.compile(r"(率|比例|比重|占比)$"), "%", (30.0, 70.0), 10.0),
    (re.compile(r"素养水平$"), "%", (20.0, 40.0), 5.0),
    (re.compile(r"预期寿命$"), "岁", (78.0, 82.0), 1.0),
    (re.compile(r"受教育年限$"), "年", (10.0, 12.0), 0.3),
    (re.compile(r"人数$"), "人", (2000.0, 8000.0), 500.0),
]


def measured_by_name(name: str) -> tuple[str, tuple[float, float], float] | None:
    for pattern, unit, span, spread in MEASURED_BY_NAME:
        if pattern.search(name):
            return unit, span, spread
    return None


def plan_indicator_units(plan: Plan) -> dict[str, str]:
    """Name → measured unit for every indicator demo data is made for (see ``_series_indicators``).

    Pass it as ``load_observations(…, indicators=…)`` to check data against the plan.
    """
    return {ind.name: level_unit(ind, target) for ind, target in _series_indicators(plan)}


def _series_indicators(plan: Plan) -> list[tuple[Indicator, Target]]:
    """Numeric targets, then direction-only targets on something measurable by its name
    (``MEASURED_BY_NAME``; never the vague ones the grammar marks borderline)."""
    pairs = _numeric_indicators(plan)
    named = {ind.name for ind, _ in pairs}
    for indicator in plan.indicators():
        directional = [t for t in indicator.targets if t.op in ("increase", "decrease") and not t.borderline]
        if directional and indicator.name not in named and measured_by_name(indicator.name):
            pairs.append((indicator, directional[0]))
            named.add(indicator.name)
    return pairs


def _numeric_indicators(plan: Plan) -> list[tuple[Indicator, Target]]:
    """First occurrence of each indicator with a numeric target, paired with its latest such target."""
    chosen: dict[str, tuple[Indicator, Target]] = {}
    for indicator in plan.indicators():
        numeric = [t for t in indicator.targets
                   if t.value is not None and (t.op in LEVEL_OPS or t.op in RELATIVE_OPS)]
        if numeric and indicator.name not in chosen:
            chosen[indicator.name] = (indicator, max(numeric, key=lambda t: t.year))
    return list(chosen.values())


@dataclass
class _Aim:
    """Where a series is heading: goal level, which side is better, and how far a 'spread' is."""

    goal: float
    sign: int          # +1 higher is better, -1 lower is better
    spread: float      # one unit of p below the goal
    room: float        # how far past the goal the value may go (bounds)
    unit: str


def _aim(indicator: Indicator, target: Target, unit: str, first_year: int, rng) -> _Aim:
    op = target.op
    sign = -1 if op in ("<=", "<") or op.endswith("decrease") or indicator.direction == "down" else 1
    if op in ("increase", "decrease"):  # no goal: start somewhere plausible for what the name measures
        _, (low, high), spread = measured_by_name(indicator.name)
        level = round(float(rng.uniform(low, high)), 1)
        room = (100 - level) if unit == "%" and sign > 0 else (level if sign < 0 else np.inf)
        return _Aim(level, sign, spread, 0.9 * room, unit)
    value = float(target.value)
    if op in RELATIVE_OPS:
        base = (40.0 if sign > 0 else 60.0) if unit == "%" else 100.0
        years = max(target.year - (target.base_year or first_year), 1)
        change = {"relative_increase": base * value / 100, "relative_decrease": base * value / 100,
                  "annual_increase": value * years, "annual_decrease": value * years,
                  "annual_relative_increase": base * ((1 + value / 100) ** years - 1),
                  "annual_relative_decrease": base * (1 - (1 - value / 100) ** years)}[op]
        goal = base + sign * change
        return _Aim(goal, sign, max(abs(goal - base), 1e-6), abs(goal - base) * 0.5, unit)
    goal = (value + float(target.upper)) / 2 if op == "range" and target.upper is not None else value
    smallest = 1.0 if unit in WHOLE_UNITS else 0.05
    spread = 2.0 if unit == "岁" else max(abs(goal) * (0.15 if unit == "%" else 0.2), smallest)
    upper = 100.0 if unit == "%" else np.inf
    room = (upper - goal) if sign > 0 else goal
    if op == "range" and target.upper is not None:
        room = min(room, (float(target.upper) - value) / 2)
    if op == "~":  # attained means within the engine's default band (±2 points for %, ±5 % otherwise)
        tolerance = 2.0 if unit == "%" else 0.05 * abs(goal)
        spread, room = max(spread, 3 * tolerance), min(room, 0.8 * tolerance / 0.9)
    return _Aim(goal, sign, spread, max(room * 0.9, 0.0), unit)


def _values(aim: _Aim, positions: np.ndarray) -> np.ndarray:
    """Target-space positions → values in the unit, kept within the unit's bounds, rounded as reported."""
    past_goal = np.minimum(positions * aim.spread, aim.room)
    offset = np.where(positions > 0, past_goal, positions * aim.spread)
    values = aim.goal + aim.sign * offset
    values = np.clip(values, 0.0, 100.0 if aim.unit == "%" else np.inf)
    if aim.unit in WHOLE_UNITS:  # round away from the goal on the side the scenario puts it, so 1 所 stays a miss
        up = (positions >= 0) == (aim.sign > 0)
        return np.where(up, np.ceil(values), np.floor(values))
    return np.round(values, 2 if abs(aim.goal) < 1 else 1)


def _positions(scenario: str, years: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    first, ten_years_on, noise = SCENARIOS[scenario]
    trend = first + (ten_years_on - first) * (years - years[0]) / 10.0
    return trend + rng.normal(0.0, noise, len(years))


def _assign_scenarios(pairs, rng) -> dict[str, str]:
    """One rare-event series (a death rate per 10万 or ‰), one volatile, the rest in rotation;
    direction-only targets rotate through improving, flat and the wrong way."""
    units = {ind.name: level_unit(ind, t) for ind, t in pairs}
    level = [ind.name for ind, t in pairs if t.op in LEVEL_OPS]
    numeric = [ind.name for ind, t in pairs if t.value is not None]
    directional = [ind.name for ind, t in pairs if t.value is None]
    rare = next((n for u in ("1/10万", "‰") for n in level if units[n] == u and "死亡率" in n),
                next((n for n in level if units[n] in ("1/10万", "‰")), None))
    rest = [n for n in numeric if n != rare]
    scenarios = {n: ROTATION[i % len(ROTATION)] for n, i in zip(rest, rng.permutation(len(rest)))}
    if len(rest) >= 5:
        scenarios[rest[int(rng.integers(len(rest)))]] = "波动较大"
    if rare:
        scenarios[rare] = RARE_EVENT
    order = rng.permutation(len(directional))
    scenarios.update({n: DIRECTIONAL_ROTATION[i % len(DIRECTIONAL_ROTATION)] for n, i in zip(directional, order)})
    return scenarios


def _rare_event_rows(aim: _Aim, years: np.ndarray, rng) -> dict[str, np.ndarray]:
    """~3,000 births a year; deaths Poisson around the goal rate, so one death moves the rate a lot."""
    births = rng.poisson(3000, len(years)).astype(float)
    deaths = rng.poisson(births * aim.goal * 0.8 / SCALE[aim.unit]).astype(float)
    return {"value": np.round(deaths / births * SCALE[aim.unit], 2), "numerator": deaths, "denominator": births}


def demo_observations(plan: Plan, *, region: str, years=range(2020, 2025), seed: int = 0) -> pd.DataFrame:
    """Seeded synthetic observations for every indicator of ``plan`` with a numeric or measurable
    direction-only target (see the module docstring); same seed, same frame."""
    rng = np.random.default_rng(seed)
    years = np.asarray(list(years), dtype=np.int64)
    pairs = _series_indicators(plan)
    scenarios = _assign_scenarios(pairs, rng)
    gap_candidates = [n for n, s in scenarios.items() if s in ("按期可达", "进度滞后")]
    gap = gap_candidates[int(rng.integers(len(gap_candidates)))] if gap_candidates and len(years) >= 3 else None
    gap_year = int(rng.choice(years[1:-1])) if gap else None
    blocks = [block for indicator, target in pairs
              for block in _series(indicator, target, scenarios[indicator.name], region, years, rng)]
    columns = [*COLUMNS, "synthetic", "scenario"]
    frame = pd.concat(blocks, ignore_index=True) if blocks else pd.DataFrame(columns=columns)
    if gap:
        missing = (frame["indicator"] == gap) & (frame["year"] == gap_year)
        frame.loc[missing, ["value", "note"]] = [np.nan, GAP_NOTE]
    return frame


def _series(indicator: Indicator, target: Target, scenario: str, region: str, years, rng) -> list[pd.DataFrame]:
    """The total series, plus 女 and 男 when the indicator is sex-disaggregated."""
    unit = level_unit(indicator, target)
    aim = _aim(indicator, target, unit, int(years[0]), rng)
    if scenario == RARE_EVENT:
        return [_block(region, indicator.name, years, "", unit, scenario, **_rare_event_rows(aim, years, rng))]
    blocks = [_block(region, indicator.name, years, "", unit, scenario,
                     value=_values(aim, _positions(scenario, years, rng)))]
    if is_sex_disaggregated(indicator.name, unit):
        half_gap = (5.0 if unit == "岁" else rng.uniform(-0.3, 0.3) * aim.spread) / 2  # women outlive men
        for sex, shift in (("女", half_gap), ("男", -half_gap)):
            blocks.append(_block(region, indicator.name, years, sex, unit, scenario,
                                 value=_values(_shifted(aim, shift), _positions(scenario, years, rng))))
    return blocks


def _shifted(aim: _Aim, shift: float) -> _Aim:
    return _Aim(aim.goal + shift, aim.sign, aim.spread, max(aim.room - aim.sign * shift, 0.0), aim.unit)


def _block(region, name, years, sex, unit, scenario, *, value, numerator=None, denominator=None) -> pd.DataFrame:
    n = len(years)
    nan = np.full(n, np.nan)
    return pd.DataFrame({
        "region": region, "indicator": name, "year": years, "sex": sex, "age": "", "residence": "",
        "value": value, "numerator": nan if numerator is None else numerator,
        "denominator": nan if denominator is None else denominator,
        "unit": unit, "note": SYNTHETIC_NOTE, "synthetic": True, "scenario": scenario,
    })


# ---------------------------------------------------------------- national scale

# Indicator kinds for the benchmark: unit, op, goal range (low, high), spread as a share of the goal.
_KINDS = [
    ("%", ">=", (85.0, 98.0)),
    ("%", "<=", (10.0, 40.0)),
    ("‰", "<=", (3.0, 8.0)),
    ("1/10万", "<=", (8.0, 15.0)),
    ("岁", ">=", (78.0, 82.0)),
    ("人", ">=", (500.0, 5000.0)),
]


def _catalogue(n_indicators: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng([seed, 1])
    kinds = [_KINDS[3]] + [_KINDS[i % len(_KINDS)] for i in range(n_indicators - 1)]  # #0: maternal deaths
    low = np.array([k[2][0] for k in kinds])
    high = np.array([k[2][1] for k in kinds])
    goal = np.round(low + rng.random(n_indicators) * (high - low), 1)
    units = [k[0] for k in kinds]
    spread = np.where(np.array(units) == "岁", 2.0, goal * 0.2)
    return pd.DataFrame({
        "indicator": [f"合成指标{i + 1:03d}" for i in range(n_indicators)],
        "unit": units, "op": [k[1] for k in kinds], "goal": goal,
        "sign": [1 if k[1] == ">=" else -1 for k in kinds], "spread": spread,
    })


def national_synthetic_targets(n_indicators: int = 150, seed: int = 0) -> pd.DataFrame:
    """Targets (2025 and 2030) for ``national_synthetic``'s indicators, as a targets table."""
    cat = _catalogue(n_indicators, seed)
    milestones = []
    for year, ease in ((2025, 1.0), (2030, 0.0)):
        loosened = cat["goal"] - cat["sign"] * cat["spread"] * 0.3 * ease
        milestones.append(pd.DataFrame({
            "indicator": cat["indicator"], "area": "合成领域", "year": year, "op": cat["op"],
            "value": np.round(loosened, 1), "unit": cat["unit"], "text": "合成演示目标", "kind": "numeric"}))
    return pd.concat(milestones, ignore_index=True)


def national_synthetic(n_regions: int = 2800, n_indicators: int = 150, years: int = 10, sexes: int = 3,
                       seed: int = 0, first_year: int = 2020) -> pd.DataFrame:
    """The national-scale synthetic observations, vectorised (12.6 M rows in a few seconds).

    Rows are ordered region, indicator, sex, year. Text columns are categoricals;
    indicator 合成指标001 is a maternal-death-like rate with numerator and denominator
    (births per region-year), the rest carry value only; ~2 % of values are missing.
    """
    rng = np.random.default_rng(seed)
    cat = _catalogue(n_indicators, seed)
    shape = (n_regions, n_indicators, sexes, years)
    values = _benchmark_values(cat, shape, rng)
    numerator, denominator = _maternal_counts(values, rng)
    values[rng.random(shape) < 0.02] = np.nan
    return _benchmark_frame(cat, shape, values, numerator, denominator, first_year)


def _benchmark_values(cat: pd.DataFrame, shape: tuple, rng) -> np.ndarray:
    """Positions (start + pace × year + noise) → values, in place on one array to spare memory."""
    values = rng.normal(0.0, 0.06, shape)
    values += rng.normal(-0.6, 0.6, shape[:3])[..., None]
    values += rng.normal(0.09, 0.06, shape[:3])[..., None] * np.arange(shape[3])
    goal, sign, spread = (cat[c].to_numpy()[None, :, None, None] for c in ("goal", "sign", "spread"))
    values *= sign * spread
    values += goal
    units = cat["unit"].to_numpy()
    np.clip(values, 0.0, np.where(units == "%", 100.0, np.inf)[None, :, None, None], out=values)
    np.round(values, 1, out=values)
    counts = np.flatnonzero(units == "人")
    values[:, counts] = np.round(values[:, counts])
    return values


def _maternal_counts(values: np.ndarray, rng) -> tuple[np.ndarray, np.ndarray]:
    """Indicator #0 becomes deaths ÷ births × 10万 with region sizes from ~100 to ~50,000 births."""
    n_regions, _, sexes, years = values.shape
    numerator = np.full(values.shape, np.nan)
    denominator = np.full(values.shape, np.nan)
    births = rng.poisson(3000 * rng.lognormal(0.0, 1.0, (n_regions, 1, 1)), (n_regions, sexes, years))
    deaths = rng.poisson(births * values[:, 0] / 1e5)
    numerator[:, 0], denominator[:, 0] = deaths, births
    values[:, 0] = np.round(deaths / np.maximum(births, 1) * 1e5, 2)
    return numerator, denominator


def _benchmark_frame(cat, shape, values, numerator, denominator, first_year) -> pd.DataFrame:
    n_regions, n_indicators, sexes, years = shape
    n = values.size
    per_region = n // n_regions
    indicator = np.tile(np.repeat(np.arange(n_indicators, dtype=np.int16), sexes * years), n_regions)
    sex = np.tile(np.repeat(np.arange(sexes, dtype=np.int8), years), n // (sexes * years))
    unit_codes, unit_names = pd.factorize(cat["unit"])
    blank = np.zeros(n, np.int8)
    frame = pd.DataFrame({
        "region": pd.Categorical.from_codes(np.repeat(np.arange(n_regions, dtype=np.int16), per_region),
                                            [f"合成地区{r + 1:04d}" for r in range(n_regions)]),
        "indicator": pd.Categorical.from_codes(indicator, cat["indicator"]),
        "year": np.tile(np.arange(first_year, first_year + years, dtype=np.int64), n // years),
        "sex": pd.Categorical.from_codes(sex, ["", "女", "男"][:sexes]),
        "age": pd.Categorical.from_codes(blank, [""]),
        "residence": pd.Categorical.from_codes(blank, [""]),
    })
    # numeric columns added one by one: the constructor would copy them into one 2-D block
    frame["value"] = values.reshape(n)
    frame["numerator"] = numerator.reshape(n)
    frame["denominator"] = denominator.reshape(n)
    frame["unit"] = pd.Categorical.from_codes(unit_codes.astype(np.int8)[indicator], unit_names)
    frame["note"] = pd.Categorical.from_codes(blank, [SYNTHETIC_NOTE])
    frame["synthetic"] = np.ones(n, dtype=bool)
    return frame
