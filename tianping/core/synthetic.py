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

What each indicator measures comes from the indicator catalogue
(``tianping.core.catalogue``): its unit (the plan's, unless missing or contradicting the
kind), its plausible range (no value leaves it), and whether both sexes are counted — only
then does it get 女 and 男 series beside the total; a women-only indicator (孕产妇死亡率,
妇女人均预期寿命, X中女性比例) never has a male series, and an institution-level one
(覆盖率 of communities, counts of 所/家) none at all. Direction-only targets get a series
only for a catalogued indicator, starting from the latest real national figure
(``../shared/data``, NBS monitoring reports) where there is one, else mid-range.
Death rates of children and mothers (a rate per ‰ or 1/10万 with numerator and
denominator in the catalogue) are rare events: deaths drawn as Poisson counts from the
national rate over a district-sized denominator (~3,000 live births, ~60,000 children),
nested so 新生儿 ≤ 婴儿 ≤ 5岁以下 deaths and 溺水, 交通 ≤ 伤害 deaths; the catalogue's
cross-indicator rules hold in every year and cell.

A level target (≥ 95 %, 1.12名 …) on an indicator with a real national series does not follow a
scenario around the plan's goal: the series is the national level in each year (a line through the
real figures on the logit scale for shares, the log scale otherwise) with a district's lasting offset,
a small trend of its own and yearly noise (``NATIONAL``), so its status is what such a district would
show; ``national_comparison`` sets the demo beside the national figures and names what no district
would show (bench/demo_levels.py prints it). A money standard (元/月) is never cut.

``national_synthetic`` builds the national-scale benchmark set (2,800 regions ×
150 indicators × 10 years × 3 sex series) with numpy in a few seconds, and
``national_synthetic_targets`` the matching targets table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from tianping.core.catalogue import (
    Catalogue,
    Entry,
    load_catalogue,
    measure_word,
    name_key,
    unit_decision,
)
from tianping.core.figures import figure, number
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
NATIONAL = "全国水平（区级差异）"   # a level target with a real national series: drawn from it

WHOLE_UNITS = {"人", "名", "个", "家", "所", "张", "次", "件", "户"}
FACILITY_UNITS = {"个", "家", "所", "张", "次", "件"}     # things, not people: never split by sex
LEVEL_OPS = {">=", ">", "<=", "<", "=", "~", "range"}
RELATIVE_OPS = {"relative_increase", "relative_decrease", "annual_increase", "annual_decrease",
                "annual_relative_increase", "annual_relative_decrease"}


def entry_of(indicator: Indicator, catalogue: Catalogue | None = None) -> Entry | None:
    """The catalogue entry of a plan indicator: its stored link, else linked by name now."""
    catalogue = catalogue or load_catalogue()
    link = getattr(indicator, "catalogue", None)   # a dict, or a namespace from plan JSON
    code = link.get("code") if isinstance(link, dict) else getattr(link, "code", None)
    if code:
        return catalogue.get(code)
    return catalogue.link(indicator.name).entry


def is_sex_disaggregated(name: str, unit: str = "") -> bool:
    """Whether demo data has 女 and 男 series: only for catalogued indicators that count both sexes."""
    entry = load_catalogue().link(name).entry
    return bool(entry and entry.sex_disaggregated)


@lru_cache(maxsize=1)
def national_levels() -> dict[str, float]:
    """Latest real national figure per catalogue code (whole-country total series, same unit),
    from the NBS monitoring reports in ``../shared/data``; empty when the file is absent."""
    from tianping.core.national import load_national

    try:
        frame = load_national()
    except Exception:  # noqa: BLE001 - demo data without the shared folder still works
        return {}
    catalogue = load_catalogue()
    frame = frame[(frame["sex"] == "") & (frame["residence"] == "")].sort_values("year")
    levels: dict[str, float] = {}
    for name, value, unit in zip(frame["indicator"], frame["value"], frame["unit"]):
        entry = catalogue.link(name).entry
        if entry and value == value and normalize_unit(unit) == normalize_unit(entry.unit):
            levels[entry.code] = float(value)
    return levels


@lru_cache(maxsize=1)
def national_series() -> dict[str, tuple[tuple[int, float], ...]]:
    """Every real national figure per catalogue code, (year, value) in year order (whole-country
    total series in the catalogue's unit, as ``national_levels``); empty without the file."""
    from tianping.core.national import load_national

    try:
        frame = load_national()
    except Exception:  # noqa: BLE001 - demo data without the shared folder still works
        return {}
    catalogue = load_catalogue()
    frame = frame[(frame["sex"] == "") & (frame["residence"] == "")].sort_values("year")
    series: dict[str, dict[int, float]] = {}
    for name, year, value, unit in zip(frame["indicator"], frame["year"], frame["value"], frame["unit"]):
        entry = catalogue.link(name).entry
        if entry and value == value and normalize_unit(unit) == normalize_unit(entry.unit):
            series.setdefault(entry.code, {})[int(year)] = float(value)
    return {code: tuple(sorted(points.items())) for code, points in series.items()}


def level_unit(indicator: Indicator, target: Target) -> str:
    """The unit the indicator is *measured* in (a relative target's % is a change, not a level):
    the catalogue's when the plan has none or one that contradicts the kind."""
    entry = entry_of(indicator)
    if entry is not None:
        return unit_decision(entry, indicator.unit if indicator.unit != "个百分点" else "")[0]
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
        if (directional and indicator.name not in named and entry_of(indicator) is not None
                and measure_word(name_key(indicator.name))):   # "女性青壮年文盲" names no level to print
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
    low: float = 0.0           # the catalogue's plausible range: no value leaves it
    high: float = np.inf
    whole: bool = False        # a count: whole numbers


def _aim(indicator: Indicator, target: Target, unit: str, first_year: int, rng) -> _Aim:
    aim = _goal_aim(indicator, target, unit, first_year, rng)
    entry = entry_of(indicator)
    low, high = _bounds(entry, unit)
    aim.low, aim.high = max(aim.low, low), min(aim.high, high)
    aim.whole = entry.kind == "count" if entry is not None else unit in WHOLE_UNITS
    return aim


def _goal_aim(indicator: Indicator, target: Target, unit: str, first_year: int, rng) -> _Aim:
    op = target.op
    sign = -1 if op in ("<=", "<") or op.endswith("decrease") or indicator.direction == "down" else 1
    if op in ("increase", "decrease"):  # no goal: start from the national figure, else mid-range
        entry = entry_of(indicator)
        assert entry is not None, "direction-only targets are kept for catalogued indicators only"
        low, high = _bounds(entry, unit)
        top = high if np.isfinite(high) else max(2 * low, 10.0)
        national = national_levels().get(entry.code)
        level = national if national is not None else (low + top) / 2
        level = float(np.clip(level * rng.lognormal(0.0, 0.05), low, top))
        spread = max((top - low) / 10, 0.05)
        room = (top - level) if sign > 0 else (level - low)
        return _Aim(round(level, 1), sign, spread, 0.9 * room, unit, low, high)
    assert target.value is not None, "the other targets are numeric"
    value = float(target.value)
    if op in RELATIVE_OPS:
        entry = entry_of(indicator)
        base = (40.0 if sign > 0 else 60.0) if unit == "%" else 100.0
        if entry is not None and entry.low is not None and entry.high is not None:
            base = entry.low + (entry.high - entry.low) * (0.35 if sign > 0 else 0.65)
        base = national_levels().get(entry.code, base) if entry is not None else base
        years = max(target.year - (target.base_year or first_year), 1)
        change = {"relative_increase": base * value / 100, "relative_decrease": base * value / 100,
                  "annual_increase": value * years, "annual_decrease": value * years,
                  "annual_relative_increase": base * ((1 + value / 100) ** years - 1),
                  "annual_relative_decrease": base * (1 - (1 - value / 100) ** years)}[op]
        goal = base + sign * change
        return _Aim(goal, sign, max(abs(goal - base), 1e-6), abs(goal - base) * 0.5, unit)
    if unit == "%" and not target.unit and not indicator.unit and 0 < value <= 1:
        value *= 100   # "1/2以上" parsed as 0.5 with no unit: half, in %
    goal = (value + float(target.upper)) / 2 if op == "range" and target.upper is not None else value
    entry = entry_of(indicator)
    smallest = 1.0 if (entry.kind == "count" if entry is not None else unit in WHOLE_UNITS) else 0.05
    spread = 2.0 if unit == "岁" else max(abs(goal) * (0.15 if unit == "%" else 0.2), smallest)
    if unit == "%":   # near 100 % a district moves by points, not by a sixth of the level
        spread = max(min(spread, 0.5 * (100 - goal) + 2.0), 1.0)
    upper = 100.0 if unit == "%" else np.inf
    room = (upper - goal) if sign > 0 else goal
    if op == "range" and target.upper is not None:
        room = min(room, (float(target.upper) - value) / 2)
    if op == "~":  # attained means within the engine's default band (±2 points for %, ±5 % otherwise)
        tolerance = 2.0 if unit == "%" else 0.05 * abs(goal)
        spread, room = max(spread, 3 * tolerance), min(room, 0.8 * tolerance / 0.9)
    return _Aim(goal, sign, spread, max(room * 0.9, 0.0), unit)


def _bounds(entry: Entry | None, unit: str) -> tuple[float, float]:
    """The plausible range: the catalogue's, else what the unit allows."""
    low = entry.low if entry is not None and entry.low is not None else 0.0
    high = entry.high if entry is not None and entry.high is not None else np.inf
    return low, min(high, 100.0) if unit == "%" and not (entry and entry.kind == "rate") else high


def _values(aim: _Aim, positions: np.ndarray) -> np.ndarray:
    """Target-space positions → values in the unit, kept within the plausible range, rounded as reported."""
    past_goal = np.minimum(positions * aim.spread, aim.room)
    offset = np.where(positions > 0, past_goal, positions * aim.spread)
    values = aim.goal + aim.sign * offset
    values = np.clip(values, max(aim.low, 0.0), aim.high)
    if aim.whole:  # round away from the goal on the side the scenario puts it, so 1 所 stays a miss
        up = (positions >= 0) == (aim.sign > 0)
        values = np.where(up, np.ceil(values), np.floor(values))
        return np.clip(values, np.ceil(max(aim.low, 0.0)), np.floor(aim.high) if np.isfinite(aim.high) else np.inf)
    decimals = 2 if abs(aim.goal) < 1 else 1
    low = np.ceil(max(aim.low, 0.0) * 10**decimals) / 10**decimals
    high = np.floor(aim.high * 10**decimals) / 10**decimals if np.isfinite(aim.high) else np.inf
    return np.clip(np.round(values, decimals), low, high)


def _positions(scenario: str, years: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    first, ten_years_on, noise = SCENARIOS[scenario]
    trend = first + (ten_years_on - first) * (years - years[0]) / 10.0
    return trend + rng.normal(0.0, noise, len(years))


def _assign_scenarios(pairs, rng) -> dict[str, str]:
    """Rare events (death rates of mothers and children, drawn as counts), one volatile series,
    the rest in rotation; direction-only targets rotate through improving, flat and the wrong way."""
    rare = {ind.name for ind, t in pairs if _counted(ind)}
    national = {ind.name for ind, t in pairs if ind.name not in rare and _anchored(ind, t)}
    numeric = [ind.name for ind, t in pairs if t.value is not None and ind.name not in rare | national]
    directional = [ind.name for ind, t in pairs if t.value is None and ind.name not in rare]
    scenarios = {n: ROTATION[i % len(ROTATION)] for n, i in zip(numeric, rng.permutation(len(numeric)))}
    if len(numeric) >= 5:   # the volatile one takes a scenario another series shows too
        shared = [n for n in numeric if list(scenarios.values()).count(scenarios[n]) > 1] or numeric
        scenarios[shared[int(rng.integers(len(shared)))]] = "波动较大"
    scenarios.update({name: RARE_EVENT for name in rare})
    scenarios.update({name: NATIONAL for name in national})
    order = rng.permutation(len(directional))
    scenarios.update({n: DIRECTIONAL_ROTATION[i % len(DIRECTIONAL_ROTATION)] for n, i in zip(directional, order)})
    return scenarios


# Rare events: deaths over a district-sized denominator. Codes nested in a chain share the
# denominator and add deaths, so every part stays ≤ its whole: (code, part of).
DENOMINATORS = {"活产数": 3000, "0—17岁儿童数": 60000}
NESTED = {"C1-02": "C1-01", "C1-03": "C1-02"}          # infant ⊇ neonatal, under-5 ⊇ infant
INJURY_TOTAL, INJURY_PARTS = "C2-01", ("C2-02", "C2-03")  # drowning and road deaths are injuries
BOY_EXCESS = 1.15          # boys die a little more often than girls at these ages
# Order of magnitude of rates with no national figure in ../shared/data, for demo data only
# (per 10万): child injury, drowning and road-traffic deaths, congenital syphilis per 10万 live births.
TYPICAL_RATES = {"C2-01": 10.0, "C2-02": 2.5, "C2-03": 2.0, "W1-15": 8.0}


def _counted(indicator: Indicator) -> bool:
    entry = entry_of(indicator)
    return bool(entry and entry.kind == "rate" and (entry.multiplier or 0) >= 1000 and "死亡" in entry.numerator
                and entry.denominator in DENOMINATORS)


class _Deaths:
    """Per plan and region: denominators and nested death counts per year and sex, drawn once."""

    def __init__(self, years: np.ndarray, rng):
        self.years, self.rng = years, rng
        self.denominators = {name: rng.poisson(size * rng.uniform(0.8, 1.2), len(years)).astype(float)
                             for name, size in DENOMINATORS.items()}
        self.girls_share = 0.485
        self.drawn: dict[tuple[str, str], np.ndarray] = {}
        self.decline = 0.97 ** (years - years[0])

    def counts(self, entry: Entry, rate: float, sex: str) -> tuple[np.ndarray, np.ndarray]:
        """(deaths, denominator) of one sex series ('' = both sexes, the sum of 女 and 男 when split)."""
        total = self.denominators[entry.denominator]
        if sex == "" and entry.sex_disaggregated:
            girls, boys = (self.counts(entry, rate, s) for s in ("女", "男"))
            return girls[0] + boys[0], total
        share = {"": 1.0, "女": self.girls_share, "男": 1 - self.girls_share}[sex]
        denominator = np.round(total * share)
        key = (entry.code, sex)
        if key not in self.drawn:
            risk = rate * (BOY_EXCESS if sex == "男" else 1 / BOY_EXCESS if sex == "女" else 1.0)
            expected = denominator * risk / entry.multiplier * self.decline
            inner = NESTED.get(entry.code)
            if entry.code == INJURY_TOTAL:   # the named injuries are part of all injuries
                parts = [self.drawn.get((code, sex)) for code in INJURY_PARTS]
                known = sum(p for p in parts if p is not None) if any(p is not None for p in parts) else 0
                self.drawn[key] = known + self.rng.poisson(np.maximum(expected * 0.6, 0))
            elif inner and (inner, sex) in self.drawn:
                self.drawn[key] = self.drawn[(inner, sex)] + self.rng.poisson(expected * 0.4)
            else:
                self.drawn[key] = self.rng.poisson(expected).astype(float)
        return self.drawn[key].astype(float), denominator


def _rare_order(pairs) -> list:
    """Parts before wholes (neonatal before infant, drowning before all injuries)."""
    rank = {"C1-01": 0, "C1-02": 1, "C1-03": 2, "C2-02": 0, "C2-03": 0, "C2-01": 1}
    return sorted(pairs, key=lambda pair: rank.get(getattr(entry_of(pair[0]), "code", ""), 0))


def _rare_event_rows(indicator: Indicator, aim: _Aim, deaths: _Deaths, sex: str) -> dict[str, np.ndarray]:
    """Deaths Poisson around the national rate (else near the goal) over ~3,000 births or ~60,000
    children, so one death moves a district's rate a lot."""
    entry = entry_of(indicator)
    assert entry is not None, "rare-event series are chosen from catalogued rates"
    rate = national_levels().get(entry.code, TYPICAL_RATES.get(entry.code, aim.goal * 0.8))
    numerator, denominator = deaths.counts(entry, rate, sex)
    value = np.round(numerator / np.maximum(denominator, 1) * entry.multiplier, 2)
    return {"value": np.minimum(value, aim.high), "numerator": numerator, "denominator": denominator}


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
    deaths = _Deaths(years, rng)
    blocks = [block for indicator, target in _rare_order(pairs)
              for block in _series(indicator, target, scenarios[indicator.name], region, years, rng, deaths)]
    columns = [*COLUMNS, "synthetic", "scenario"]
    frame = pd.concat(blocks, ignore_index=True) if blocks else pd.DataFrame(columns=columns)
    frame = _respect_rules(frame, {ind.name: entry_of(ind) for ind, _ in pairs})
    if gap:
        missing = (frame["indicator"] == gap) & (frame["year"] == gap_year)
        frame.loc[missing, "value"] = np.nan
        frame.loc[missing, "note"] = GAP_NOTE
    return frame


def _series(indicator: Indicator, target: Target, scenario: str, region: str, years, rng,
            deaths: _Deaths) -> list[pd.DataFrame]:
    """The total series, plus 女 and 男 when the catalogue says both sexes are counted."""
    unit = level_unit(indicator, target)
    aim = _aim(indicator, target, unit, int(years[0]), rng)
    entry = entry_of(indicator)
    split = bool(entry and entry.sex_disaggregated)
    if scenario == RARE_EVENT:
        return [_block(region, indicator.name, years, sex, unit, scenario,
                       **_rare_event_rows(indicator, aim, deaths, sex))
                for sex in (("女", "男", "") if split else ("",))]
    if scenario == NATIONAL and entry is not None:
        total = _national_values(entry, aim, years, rng)
    else:
        total = _values(aim, _positions(scenario, years, rng))
    if entry is not None and entry.kind == "level" and unit.startswith("元"):
        total = np.maximum.accumulate(total) if aim.sign > 0 else total   # a money standard is not cut
    blocks = [_block(region, indicator.name, years, "", unit, scenario, value=total)]
    if split:
        assert entry is not None
        female, male = _sex_parts(aim, total, entry.population, rng)
        blocks += [_block(region, indicator.name, years, "女", unit, scenario, value=female),
                   _block(region, indicator.name, years, "男", unit, scenario, value=male)]
    return blocks


def _anchored(indicator: Indicator, target: Target) -> bool:
    """A level target (≥ 95 %, 1.12名 …) on an indicator with a real national series: its demo
    values come from that series, not from the plan's goal."""
    entry = entry_of(indicator)
    return bool(target.op in LEVEL_OPS and target.value is not None and entry is not None
                and entry.code in national_series())


# District-sized variation around the national level, on the scale the indicator moves on:
# shares on the logit scale, other levels on the log scale (a district is ~25 % off the national
# level at most, a share of 94.9 % lies within about 93–96 %).
DISTRICT_SPREAD = {"logit": 0.25, "log": 0.1}
DISTRICT_DRIFT = {"logit": 0.03, "log": 0.01}      # a district's own trend beside the nation's, a year
YEAR_NOISE = {"logit": 0.04, "log": 0.015}
MAX_SLOPE = {"logit": 0.3, "log": 0.15}             # national trend a year, bounded when extrapolating


def _scale_of(entry: Entry, unit: str) -> str:
    return "logit" if entry.kind == "share" and unit == "%" else "log"


def _to_scale(values: np.ndarray, scale: str) -> np.ndarray:
    if scale == "logit":
        p = np.clip(values / 100.0, 1e-4, 1 - 1e-4)
        return np.log(p / (1 - p))
    return np.log(np.maximum(values, 1e-6))


def _from_scale(values: np.ndarray, scale: str) -> np.ndarray:
    return 100.0 / (1.0 + np.exp(-values)) if scale == "logit" else np.exp(values)


def national_path(entry: Entry, unit: str, years) -> np.ndarray:
    """The national level in each year: a straight line on the indicator's scale through the real
    figures (flat with one figure), its slope bounded, so 2020 is read back from 2021–2024."""
    scale = _scale_of(entry, unit)
    points = national_series()[entry.code]
    x = np.array([p[0] for p in points], dtype=float)
    y = _to_scale(np.array([p[1] for p in points], dtype=float), scale)
    slope = float(np.polyfit(x, y, 1)[0]) if len(set(x)) >= 2 else 0.0
    slope = float(np.clip(slope, -MAX_SLOPE[scale], MAX_SLOPE[scale]))
    years = np.asarray(years, dtype=float)
    return _from_scale(y.mean() + slope * (years - x.mean()), scale)


def _national_values(entry: Entry, aim: _Aim, years: np.ndarray, rng) -> np.ndarray:
    """A district's series around the national path: a lasting offset, a small trend of its own,
    year-to-year noise; within the catalogue's range, rounded as reported."""
    scale = _scale_of(entry, aim.unit)
    base = _to_scale(national_path(entry, aim.unit, years), scale)
    elapsed = years - years[0]
    values = _from_scale(base + rng.normal(0.0, DISTRICT_SPREAD[scale]) + rng.normal(0.0, DISTRICT_DRIFT[scale])
                         * elapsed + rng.normal(0.0, YEAR_NOISE[scale], len(years)), scale)
    low, high = max(aim.low, 0.0), aim.high
    if aim.whole:
        return np.clip(np.round(values), np.ceil(low), np.floor(high) if np.isfinite(high) else np.inf)
    decimals = 2 if values.max() < 10 else 1
    return np.clip(np.round(values, decimals), np.ceil(low * 10**decimals) / 10**decimals,
                   np.floor(high * 10**decimals) / 10**decimals if np.isfinite(high) else np.inf)


# What a statistician would still believe of a district beside the nation: a share within 1 on
# the logit scale of the national level (94.9 % → 87–98 %, 43 % → 31–56 %), another level within
# a factor 1.5, and over four years a change of at most 0.8 (logit) or 35 % beyond the nation's.
PLAUSIBLE_GAP = {"logit": 1.0, "log": float(np.log(1.5))}
PLAUSIBLE_CHANGE = {"logit": 0.8, "log": 0.3}


def national_comparison(plan: Plan, frame: pd.DataFrame) -> tuple[list[dict], list[str]]:
    """Demo series of ``plan`` beside the real national figures: one row per indicator with a
    national series (code, unit, first and last demo value, the national level in those years and
    its latest real figure, the catalogue's range, the scenario), and the problems found — a value
    outside the range, and for series drawn from the national level (level targets, direction-only
    targets; not rare-event rates, whose few deaths make any level) a level or a change no district
    would show (``PLAUSIBLE_GAP``, ``PLAUSIBLE_CHANGE``)."""
    catalogue = load_catalogue()
    rows, problems = [], []
    totals = frame[(frame["sex"] == "") & (frame["age"] == "") & (frame["residence"] == "")]
    units = {ind.name: level_unit(ind, t) for ind, t in _series_indicators(plan)}
    codes = {ind.name: getattr(entry_of(ind, catalogue), "code", None) for ind, _ in _series_indicators(plan)}
    for key, series in totals.groupby("indicator", sort=False):
        name = str(key)
        entry = catalogue.get(codes.get(name) or "")
        if entry is None or entry.code not in national_series() or units.get(name) != entry.unit:
            continue
        series = series.dropna(subset=["value"]).sort_values("year")
        if series.empty:
            continue
        years = series["year"].to_numpy()
        values = series["value"].to_numpy(dtype=float)
        path = national_path(entry, entry.unit, [years[0], years[-1]])
        scenario = str(series["scenario"].iloc[0]) if "scenario" in series else ""
        latest = national_series()[entry.code][-1]
        rows.append({"indicator": name, "code": entry.code, "unit": entry.unit, "scenario": scenario,
                     "first_year": int(years[0]), "first": float(values[0]), "last_year": int(years[-1]),
                     "last": float(values[-1]), "national_first": float(path[0]), "national_last": float(path[1]),
                     "national_year": latest[0], "national": latest[1], "range": entry.range_label})
        where = f"{plan.title} {name}（{entry.code}）"
        outside = [v for v in values if not entry.in_range(v)]
        if outside:
            problems.append(f"{where}：{figure(outside[0], entry.unit)}超出合理范围{entry.range_label}")
        if scenario == RARE_EVENT:
            continue
        scale = _scale_of(entry, entry.unit)
        scaled, national = _to_scale(values[[0, -1]], scale), _to_scale(path, scale)
        gap = float(np.max(np.abs(scaled - national)))
        if gap > PLAUSIBLE_GAP[scale]:
            problems.append(f"{where}：{number(values[0])}—{figure(values[-1], entry.unit)}与全国水平"
                            f"{number(path[0], 2)}—{figure(path[1], entry.unit, 2)}相差过大")
        change = abs(float((scaled[1] - scaled[0]) - (national[1] - national[0])))
        if change > PLAUSIBLE_CHANGE[scale]:
            problems.append(f"{where}：{years[0]}—{years[-1]}年由{figure(values[0], entry.unit)}变为"
                            f"{figure(values[-1], entry.unit)}，变化远超全国趋势")
    return rows, problems


GIRLS_SHARE = {"children": 0.47, "both": 0.5}   # of children (sex ratio at birth ~ 110) and of adults


def _sex_parts(aim: _Aim, total: np.ndarray, population: str, rng) -> tuple[np.ndarray, np.ndarray]:
    """女 and 男 series consistent with the total: counts add up to it, other values average to it
    (weighted by the girls' share), so the total always lies between the two."""
    share = GIRLS_SHARE.get(population, 0.5)
    if aim.whole:
        female = np.round(total * rng.uniform(share - 0.03, share + 0.03, len(total)))
        return female, total - female
    gap = 5.0 if aim.unit == "岁" else rng.uniform(-0.15, 0.15) * aim.spread     # women outlive men
    female = total + (1 - share) * (gap + rng.normal(0.0, 0.02 * aim.spread, len(total)))
    female = np.clip(female, max(aim.low, 0.0), aim.high)
    male = np.clip((total - share * female) / (1 - share), max(aim.low, 0.0), aim.high)
    decimals = 2 if abs(aim.goal) < 1 else 1
    return np.round(female, decimals), np.round(male, decimals)


def _respect_rules(frame: pd.DataFrame, entries: dict[str, Entry | None]) -> pd.DataFrame:
    """The catalogue's cross-indicator rules (新生儿 ≤ 婴儿死亡率 …) hold in every year and cell:
    a value drawn on the wrong side is set to the other's. Counted rates hold by construction."""
    catalogue = load_catalogue()
    name_of = {e.code: name for name, e in entries.items() if e is not None}
    keys = ["year", "sex", "age", "residence"]
    for rule in catalogue.rules:
        if rule.left not in name_of or rule.right not in name_of or rule.op not in ("<=", "<", ">=", ">"):
            continue
        left = frame[frame["indicator"] == name_of[rule.left]]
        right = frame[frame["indicator"] == name_of[rule.right]].set_index(keys)["value"]
        for index, row in left.iterrows():
            other = right.get(tuple(row[k] for k in keys))
            if other is None or other != other or row["value"] != row["value"] or rule.holds(row["value"], other):
                continue
            frame.loc[index, "value"] = other
    return frame


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
    # pandas takes any list-like as categories; pandas-stubs accepts only an Index (the ignores below)
    frame = pd.DataFrame({
        "region": pd.Categorical.from_codes(np.repeat(np.arange(n_regions, dtype=np.int16), per_region),  # type: ignore[call-overload]
                                            [f"合成地区{r + 1:04d}" for r in range(n_regions)]),
        "indicator": pd.Categorical.from_codes(indicator, cat["indicator"]),
        "year": np.tile(np.arange(first_year, first_year + years, dtype=np.int64), n // years),
        "sex": pd.Categorical.from_codes(sex, ["", "女", "男"][:sexes]),  # type: ignore[call-overload]
        "age": pd.Categorical.from_codes(blank, [""]),  # type: ignore[call-overload]
        "residence": pd.Categorical.from_codes(blank, [""]),  # type: ignore[call-overload]
    })
    # numeric columns added one by one: the constructor would copy them into one 2-D block
    frame["value"] = values.reshape(n)
    frame["numerator"] = numerator.reshape(n)
    frame["denominator"] = denominator.reshape(n)
    frame["unit"] = pd.Categorical.from_codes(unit_codes.astype(np.int8)[indicator], unit_names)
    frame["note"] = pd.Categorical.from_codes(blank, [SYNTHETIC_NOTE])  # type: ignore[call-overload]
    frame["synthetic"] = np.ones(n, dtype=bool)
    return frame
