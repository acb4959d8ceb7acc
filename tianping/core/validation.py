"""Entry checks for reported values: the same rules for the online form, the Excel
template and the API. Pure Python, no Django.

Two levels:

* ``error``   blocks saving (a value that cannot be right: text in a number cell,
              a share above 100 %, a negative count, 女+男≠合计 for a count, a unit
              that is not the indicator's, a required cell left blank at submission);
* ``warning`` may be saved but needs an explanation in the cell's note before the
              submission is accepted for review (a year-on-year change far outside the
              indicator's own history, parts of a share not bracketing the total).

Number parsing (numbers as text, full-width digits, "—"/"**"/blank for no data)
reuses ``tianping.core.observations.parse_number``; ranges follow the same rules
as ``tianping.core.observations`` (shares 0–100 except gross ratios and changes,
counts and rates ≥ 0, numerator ≤ denominator).
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, field
from functools import lru_cache

from tianping.core.figures import number as fmt  # a number as typed, in messages
from tianping.core.observations import (
    SCALE,
    _Bad,
    _Missing,
    is_gross_ratio,
    is_signed,
    normalize_unit,
    parse_number,
)

ERROR = "error"
WARNING = "warning"

SEX_LABEL = {"": "合计", "女": "女", "男": "男"}
RES_LABEL = {"": "合计", "城镇": "城镇", "农村": "农村"}

# Units that count things (persons, cases, places): their parts add up to the total.
COUNT_UNITS = {"人", "万人", "个", "所", "家", "例", "件", "次", "户", "名", "张", "人次", "起", "座", "项"}

# A year-on-year change is flagged when its robust z (median/MAD of the indicator's
# earlier changes) passes this, or, with fewer than three earlier changes, when the
# value moves by more than RELATIVE_JUMP of the previous one.
ROBUST_Z = 3.5
RELATIVE_JUMP = 0.5


@dataclass(frozen=True)
class Cell:
    """One value of the disaggregation grid: a blank dimension is the total."""

    sex: str = ""
    age: str = ""
    residence: str = ""

    @property
    def label(self) -> str:
        return _cell_label(self.sex, self.age, self.residence)


@lru_cache(maxsize=4096)
def _cell_label(sex: str, age: str, residence: str) -> str:
    parts = [SEX_LABEL.get(sex, sex) if sex else "", age, RES_LABEL.get(residence, residence) if residence else ""]
    return "·".join(p for p in parts if p) or "合计"


@dataclass
class Issue:
    level: str
    message: str
    indicator: str = ""
    cell: Cell | None = None
    field: str = "value"

    def __str__(self) -> str:
        where = "，".join(p for p in (f"指标“{self.indicator}”" if self.indicator else "",
                                     self.cell.label if self.cell else "") if p)
        return f"{where}：{self.message}" if where else self.message


@dataclass
class IndicatorRule:
    """What the checks need to know about an indicator."""

    name: str
    unit: str = ""
    multiplier: float | None = None      # rate = numerator / denominator × multiplier
    has_counts: bool = False             # numerator and denominator are reported
    required: list[Cell] = field(default_factory=lambda: [Cell()])
    kind: str = ""                       # the catalogue's kind (share, rate, count, mean, level), if linked
    low: float | None = None             # the catalogue's plausible range, if linked
    high: float | None = None
    # the catalogue's breakdowns ("sex", "age", "residence") and its entry ("W1-03 孕产妇死亡率"), if linked:
    # a cell of another breakdown is refused with a message saying why
    breakdowns: tuple[str, ...] | None = None
    entry: str = ""

    @property
    def scale(self) -> float | None:
        if self.multiplier:
            return float(self.multiplier)
        return SCALE.get(normalize_unit(self.unit))

    @property
    def is_share(self) -> bool:
        if self.kind:   # the catalogue knows: a gross ratio is a rate, not a share
            return self.kind == "share" and normalize_unit(self.unit) == "%"
        return normalize_unit(self.unit) == "%" and not is_signed(self.name, self.unit) and not is_gross_ratio(self.name)

    @property
    def is_count(self) -> bool:
        if self.kind:
            return self.kind == "count"
        return normalize_unit(self.unit) in COUNT_UNITS

    @property
    def range_label(self) -> str:
        low = "" if self.low is None else fmt(self.low)
        return f"{low}—{fmt(self.high)}" if self.high is not None else f"不低于{low}"


def parse_cell(raw, unit: str = "") -> tuple[float | None, str | None]:
    """(number or None for no data, Chinese error or None). Accepts what Excel users type."""
    if raw is None:
        return None, None
    if type(raw) is float or type(raw) is int:   # JSON's numbers (the bulk API): no text to read
        try:
            number = float(raw)
        except OverflowError:
            return None, "数值过大，不是有效数字"
        if math.isnan(number):
            return None, None                       # as parse_number reads NaN: no data
        if math.isinf(number):
            return None, f"“{raw}”不是有效数字"
        return number, None
    try:
        result = parse_number(raw, normalize_unit(unit))
    except OverflowError:   # an integer too big for a float (JSON integers have no limit)
        return None, "数值过大，不是有效数字"
    if isinstance(result, _Missing):
        return None, None
    if isinstance(result, _Bad):
        return None, f"“{result.text}”不是数字（无数据请留空或填“—”）"
    if math.isinf(result) or math.isnan(result):
        return None, f"“{raw}”不是有效数字"
    return result, None


def compute_rate(rule: IndicatorRule, numerator: float | None, denominator: float | None) -> float | None:
    """The rate from its counts, or None when it cannot be computed."""
    scale = rule.scale or 1.0
    if numerator is None or denominator is None or denominator <= 0:
        return None
    return numerator / denominator * scale


def check_unit(rule: IndicatorRule, given: str) -> Issue | None:
    if given and normalize_unit(given) != normalize_unit(rule.unit):
        return Issue(ERROR, f"单位“{given}”与指标单位“{rule.unit or '无'}”不一致", rule.name, field="unit")
    return None


def check_value(rule: IndicatorRule, cell: Cell, value: float | None,
                numerator: float | None = None, denominator: float | None = None) -> list[Issue]:
    """Type and range of one cell and its counts."""
    issues: list[Issue] = []

    def add(level, message, fld="value"):
        issues.append(Issue(level, message, rule.name, cell, fld))

    signed = is_signed(rule.name, rule.unit)
    for fld, label, number in (("value", "数值", value), ("numerator", "分子", numerator),
                               ("denominator", "分母", denominator)):
        if number is not None and number < 0 and not (signed and fld == "value"):
            add(ERROR, f"{label}{fmt(number)}为负数，计数和比率不能为负", fld)
    if value is not None and rule.is_share and value > 100:
        add(ERROR, f"比例{fmt(value)}%超出0—100%")
    if denominator is not None and denominator == 0 and numerator is not None:
        add(ERROR, "分母为0", "denominator")
    if (numerator is not None and denominator is not None and denominator > 0 and numerator > denominator
            and rule.scale in (100.0, 1000.0) and not is_gross_ratio(rule.name)):
        add(ERROR, f"分子{fmt(numerator)}大于分母{fmt(denominator)}", "numerator")
    if (numerator is None) != (denominator is None) and rule.has_counts:
        add(ERROR, "分子和分母须同时填写", "numerator" if numerator is None else "denominator")
    return issues


def check_range(rule: IndicatorRule, cell: Cell, value: float | None) -> Issue | None:
    """A warning outside the catalogue's plausible range for a district's annual value."""
    if value is None or (rule.low is None and rule.high is None):
        return None
    if (rule.low is not None and value < rule.low) or (rule.high is not None and value > rule.high):
        return Issue(WARNING, f"数值{fmt(value)}超出该指标的合理范围（{rule.range_label}{rule.unit}），"
                              "请核实并在备注中说明原因", rule.name, cell)
    return None


def check_parts(rule: IndicatorRule, values: dict[Cell, float | None]) -> list[Issue]:
    """Parts against the total, one dimension at a time (女/男, 城镇/农村, age groups).

    Counts: the parts of a complete breakdown add up to the total (blocking).
    Shares and rates: the total lies between the smallest and largest part (warning).
    """
    issues: list[Issue] = []
    total = values.get(Cell())
    if total is None:
        return issues
    groups: dict[str, list[tuple[Cell, float | None]]] = {"sex": [], "age": [], "residence": []}
    for cell, value in values.items():
        dims = [d for d in ("sex", "age", "residence") if getattr(cell, d)]
        if len(dims) == 1:
            groups[dims[0]].append((cell, value))
    labels = {"sex": "女+男", "age": "各年龄组之和", "residence": "城镇+农村"}
    for dim, parts in groups.items():
        numbers = [v for _, v in parts if v is not None]
        if len(parts) < 2 or len(numbers) != len(parts):
            continue
        if rule.is_count:
            total_parts = sum(numbers)
            if abs(total_parts - total) > max(0.5, 1e-6 * abs(total)):
                issues.append(Issue(ERROR, f"{labels[dim]}={fmt(total_parts)}，与合计{fmt(total)}不相等",
                                    rule.name, Cell()))
        elif rule.scale or normalize_unit(rule.unit) == "%":
            low, high = min(numbers), max(numbers)
            slack = 0.05 * max(abs(high), 1.0)
            if not (low - slack <= total <= high + slack):
                issues.append(Issue(WARNING, f"合计{fmt(total)}不在各分组（{fmt(low)}—{fmt(high)}）之间，请核实或说明",
                                    rule.name, Cell()))
    return issues


def year_on_year(rule: IndicatorRule, cell: Cell, history: dict[int, float], year: int,
                 value: float | None) -> Issue | None:
    """A warning when this year's change is unusual for the indicator, with the reason.

    With three or more earlier year-on-year changes: robust z of this change against
    their median and MAD (×1.4826) above ``ROBUST_Z``. With fewer: a change of more
    than ``RELATIVE_JUMP`` of the previous value.
    """
    if value is None:
        return None
    earlier = sorted((y, v) for y, v in history.items() if y < year and v is not None)
    if not earlier:
        return None
    prev_year, prev = earlier[-1]
    change = (value - prev) / (year - prev_year)
    diffs = [(b[1] - a[1]) / (b[0] - a[0]) for a, b in zip(earlier, earlier[1:])]
    if len(diffs) >= 3:
        med = statistics.median(diffs)
        mad = statistics.median(abs(d - med) for d in diffs) * 1.4826
        spread = max(mad, 0.02 * max(abs(prev), 1e-9), 1e-9)
        z = (change - med) / spread
        if abs(z) > ROBUST_Z:
            return Issue(WARNING, f"较{prev_year}年（{fmt(prev)}）变化{change:+.4g}/年，远超以往年度变化"
                                  f"（中位数{med:+.3g}，稳健z={z:.1f}），请核实并在备注中说明原因",
                         rule.name, cell)
        return None
    if prev != 0 and abs(value - prev) / abs(prev) > RELATIVE_JUMP:
        return Issue(WARNING, f"较{prev_year}年（{fmt(prev)}）变化{(value - prev) / abs(prev):+.0%}，"
                              f"波动较大，请核实并在备注中说明原因", rule.name, cell)
    return None


@dataclass
class EntryValue:
    cell: Cell
    value: float | None = None
    numerator: float | None = None
    denominator: float | None = None
    note: str = ""


def validate_indicator(rule: IndicatorRule, entries: list[EntryValue], *, year: int,
                       history: dict[Cell, dict[int, float]] | None = None,
                       final: bool = False) -> list[Issue]:
    """Every check for one indicator's entries. ``final`` adds the required-cell check
    (at submission time) and turns unexplained warnings into errors."""
    issues: list[Issue] = []
    history = history or {}
    values: dict[Cell, float | None] = {}
    for entry in entries:
        value = entry.value
        if rule.has_counts and entry.numerator is not None and entry.denominator is not None:
            computed = compute_rate(rule, entry.numerator, entry.denominator)
            value = computed if computed is not None else value
        issues += check_value(rule, entry.cell, value, entry.numerator, entry.denominator)
        values[entry.cell] = value
        for flag in (check_range(rule, entry.cell, value),
                     year_on_year(rule, entry.cell, history.get(entry.cell, {}), year, value)):
            if not flag:
                continue
            if entry.note.strip():
                continue  # explained
            if final:
                flag.level = ERROR
                flag.message += "（未说明，不能提交）"
            issues.append(flag)
    issues += check_parts(rule, values)
    if final:
        notes = {e.cell: e.note for e in entries}
        for cell in rule.required:
            if values.get(cell) is None and not notes.get(cell, "").strip():
                issues.append(Issue(ERROR, "必填单元格未填写（确无数据请在备注中说明）", rule.name, cell))
    return issues


def blocking(issues: list[Issue]) -> list[Issue]:
    return [i for i in issues if i.level == ERROR]


# ---------------------------------------------------------------- across indicators

@dataclass(frozen=True)
class CrossRule:
    """``left op right`` between two indicators (catalogue codes) of one region, year and cell,
    or ``left op value`` against a constant: the catalogue's rules (新生儿死亡率 ≤ 婴儿死亡率)
    and an office's own (DHIS2 validation rules are the model)."""

    left: str
    op: str
    right: str = ""
    value: float | None = None
    message: str = ""
    name: str = ""              # the rule's name, said in the error


OP_WORDS = {"<=": "不应高于", "<": "应低于", ">=": "不应低于", ">": "应高于", "==": "应等于"}
BROKEN_WORDS = {"<=": "高于", "<": "不低于", ">=": "低于", ">": "不高于", "==": "不等于"}   # what a failure is


def cross_check(rules: list[CrossRule], values: dict[tuple[str, Cell], float], names: dict[str, str],
                touched: set[tuple[str, Cell]] | None = None) -> list[tuple[Issue, tuple[str, Cell]]]:
    """Every rule that fails, as (blocking issue, the (code, cell) it names), for the cells where
    both sides have a value. With ``touched``, only failures involving a touched cell."""
    from tianping.core.catalogue import compare

    failures = []
    for rule in rules:
        for (code, cell), left in values.items():
            if code != rule.left or left is None:
                continue
            right = rule.value if not rule.right else values.get((rule.right, cell))
            if right is None or compare(left, rule.op, right):
                continue
            keys = {(code, cell), (rule.right, cell)}
            if touched is not None and not keys & touched:
                continue
            other = f"指标“{names.get(rule.right, rule.right)}”的{fmt(right)}" if rule.right else fmt(right)
            said = rule.message or f"{names.get(code, code)}{OP_WORDS.get(rule.op, rule.op)}" + (
                names.get(rule.right, rule.right) if rule.right else fmt(right))
            text = f"{fmt(left)}{BROKEN_WORDS.get(rule.op, rule.op)}{other}，不符合" + (
                f"校验规则“{rule.name}”：" if rule.name else "校验规则：") + said
            issue = Issue(ERROR, text, names.get(code, code), cell)
            key = (code, cell) if touched is None or (code, cell) in touched else (rule.right, cell)
            failures.append((issue, key))
    return failures
