"""The one place that says a figure: a value with its unit, a target, an operator,
a status and a change. Reports, pages (the ``figures`` template filters), exports,
the CLI and warning sentences all call these; nothing else formats a number with
its unit.

Rules (a statistician's, written down once):

* **Precision.** A number the plan or a department wrote is printed as written:
  1.12名, 99.99%, 82.72岁, 0.78‰ (``number``/``figure`` keep up to 6 decimals and
  drop trailing zeros, so 95.0 → 95). A figure in a sentence or a report (a latest
  value, a projection, a gap, a pooled rate) is printed by ``shown``/``shown_figure``
  at its ``precision``: one decimal, two below 1 (0.78, not 0.8), more when the plan
  writes the indicator's values with more (1.12名 stays 1.12名, not 1.1名); the
  rounding never makes 99.99 into 100. ``rounded`` is the same number for arithmetic
  that must agree with the printed text. Rounding is 四舍五入 on the digits as written
  (38.15 → 38.2, as yearbooks and Excel print it; ``half_up``), not of the float's binary
  value (38.1499…).
* **Units.** A rate unit "1/10万" drops its 1 after the number (9/10万,
  15/10万活产); "1/千" is ‰. 个百分点, 岁, 名, 张, 元 … follow the number as written.
  A target written as a fraction ("1/2以上": value 0.5, no unit) of an indicator
  measured in % reads 50%以上 (``as_written``).
* **Targets** read one way, as the plan says them: "95%以上", "9/10万以下",
  "40%左右", "5%—6%", "比2020年提高10%", "每年降低0.5个百分点", "逐步提高".
  With a year: "2025年95%以上" (``dated_target``).
* **Operators** have one table (``OPERATORS``): the symbol for a table cell (≥),
  the Chinese word (不低于) and an English label for the web's translated forms.
* **Statuses** have one table (``STATUSES``): label and traffic-light colour per
  status code of ``tianping.core.assess.status``. Add a row for a new status.

This module is a leaf: it imports nothing from Tianping, so core, reports, web and
the commands can all use it without an import cycle.
* **Changes** read "提高2.1个百分点" for a share, "下降12.5%" for a relative change.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Context, Decimal

MISSING = "—"
DIRECTION_WORDS_MAX = 12    # a directional target's own words ("稳步提高"); longer text is a sentence
WRITTEN_DECIMALS = 6        # enough for anything typed; removes float noise (0.1 + 0.2)

# Units whose "1/…" form is written differently after a number.
UNIT_WRITTEN = {"1/千": "‰", "1/万": "/万"}
# The unit a change or gap is spoken in ("提高0.8个百分点"), by the figure's unit prefix.
SPOKEN_UNITS = (("%", "个百分点"), ("‰", "个千分点"), ("1/千", "个千分点"), ("1/10万", "个十万分点"),
                ("/10万", "个十万分点"))


def gettext_noop(message: str) -> str:
    """Marks an English label for Django's makemessages; core itself never translates."""
    return message


# ---------------------------------------------------------------- numbers and units

def as_float(value: object) -> float | None:
    """The value as a float, or None for None, NaN, pd.NA, "" and text."""
    if value is None or isinstance(value, str) and not value.strip():
        return None
    try:
        x = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if math.isnan(x) else x


def is_missing(value: object) -> bool:
    return as_float(value) is None


def half_up(x: float, places: int) -> Decimal:
    """x rounded 四舍五入 to ``places`` decimals as written: 38.15 → 38.2, 12.25 → 12.3.
    Formatting the float itself rounds its binary value (38.149999…) down, or a tie to
    even; a statistics bureau rounds the written digits half up."""
    written = Decimal(repr(x))
    # Enough digits for the whole part and the decimals: the default 28 cannot hold 1e185.
    digits = max(written.adjusted(), 0) + places + 2
    return written.quantize(
        Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP, context=Context(prec=max(digits, 28))
    )


def _fixed_text(x: float, places: int) -> str:
    return format(half_up(x, places), "f") if math.isfinite(x) else f"{x:.{places}f}"


def number(value: object, decimals: int | None = None) -> str:
    """96, 94.5, 1.12, 99.99 as written; ``decimals`` rounds a computed figure (8.67).

    Trailing zeros are dropped (95.0 → 95, 10.50 → 10.5); "—" for no value.
    """
    x = as_float(value)
    if x is None:
        return MISSING
    places = WRITTEN_DECIMALS if decimals is None else max(int(decimals), 0)
    text = _fixed_text(x, places)
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def written_decimals(value: object) -> int:
    """Decimals of a value as written: 99.99 → 2, 95 → 0, 10.5 → 1."""
    text = number(value)
    return len(text.split(".")[1]) if "." in text else 0


def precision(value: object, *written: object) -> int:
    """Decimals for a computed figure (a projection, a rate from counts, a mean): one; two
    below 1 (0.78, not 0.8); more when the plan writes the indicator's values with more
    (``written``: its target and base values, 1.12名 → 2)."""
    x = as_float(value)
    small = 2 if x is not None and 0 < abs(x) < 1 else 1
    return max([small] + [written_decimals(v) for v in written if not is_missing(v)])


def rounded(value: object, *written: object) -> float | None:
    """The value as ``shown`` prints it, for arithmetic that must agree with the text."""
    x = as_float(value)
    return None if x is None else _rounded(x, precision(x, *written))


def _rounded(x: float, places: int) -> float:
    return float(half_up(x, places)) if math.isfinite(x) else x


def difference(a: object, b: object, *written: object) -> float | None:
    """a − b as the printed figures say it (a change, a gap, 女−男): each rounded as
    ``shown`` prints it, the difference to the finer of the two precisions."""
    x, y = rounded(a, *written), rounded(b, *written)
    if x is None or y is None:
        return None
    return _rounded(x - y, max(precision(a, *written), precision(b, *written)))


def shown(value: object, *written: object) -> str:
    """A computed figure at its ``precision``: 10.5, 0.78, 1.13."""
    return number(value, precision(value, *written))


def common_decimals(*values: object) -> int:
    """Decimals one indicator's figures are printed with side by side (base, last year, this
    year): each needs at most its ``precision`` and at most the decimals it is written with;
    all take the most of these, so 81.0岁 stands beside 81.1岁 (not 81岁) and 74.0% beside
    73.2%, while 2所 and 0所 stay whole."""
    needed = [min(written_decimals(v), precision(v)) for v in values if not is_missing(v)]
    return max(needed, default=0)


def fixed(value: object, decimals: int) -> str:
    """The value to exactly ``decimals`` places, trailing zeros kept (81.0); "—" for none."""
    x = as_float(value)
    if x is None:
        return MISSING
    text = _fixed_text(x, max(int(decimals), 0))
    return text[1:] if text.startswith("-") and float(text) == 0 else text


def aligned(value: object, together: tuple = (), unit: str | None = "") -> str:
    """``value`` printed with the ``common_decimals`` of itself and ``together`` (the same
    indicator's other figures in the sentence or table row), never more decimals than
    ``rounded`` keeps unless it is written so; a share short of 100 % never prints as 100."""
    x = as_float(value)
    if x is None:
        return MISSING
    decimals = common_decimals(x, *together)
    if written_decimals(x) > min(decimals, precision(x)):     # would need rounding: as ``rounded`` does
        decimals = min(decimals, precision(x))
    return fixed(x, share_precision(x, unit, decimals))


def shown_figure(value: object, unit: str | None, *written: object) -> str:
    """A computed figure with its unit: 10.5/10万, 0.78‰, 1.13名. A share short of 100 %
    keeps the decimals that say so (99.994% → 99.99%, never 100%)."""
    return figure(value, unit, share_precision(value, unit, precision(value, *written)))


def share_precision(value: object, unit: str | None, decimals: int) -> int:
    """``decimals``, or more while a share below 100 % would print as 100."""
    x = as_float(value)
    while unit == "%" and x is not None and x < 100 and _rounded(x, decimals) >= 100 and decimals < WRITTEN_DECIMALS:
        decimals += 1
    return decimals


def unit_suffix(unit: str | None) -> str:
    """What follows the number: "1/10万" → "/10万", "1/千" → "‰", "%" → "%"."""
    unit = unit or ""
    unit = UNIT_WRITTEN.get(unit, unit)
    return unit[1:] if unit.startswith("1/") else unit


def figure(value: object, unit: str | None, decimals: int | None = None) -> str:
    """10.5/10万, 95%, 3.1‰, 82.72岁, 1.12名: the number, then the unit as written."""
    if is_missing(value):
        return MISSING
    return number(value, decimals) + unit_suffix(unit)


def rate(value: object) -> str:
    """达标率 and other per cents of a count: always one decimal (80.0), the way the national
    monitoring reports print them; "—" for none."""
    x = as_float(value)
    return MISSING if x is None else _fixed_text(x, 1)


def spoken_unit(unit: str | None) -> str:
    """The unit a change or gap is spoken in: 个百分点 for %, 个千分点 for ‰, else the unit."""
    unit = unit or ""
    for written, spoken in SPOKEN_UNITS:
        if unit.startswith(written):
            return spoken
    return unit_suffix(unit)


def as_written(value: object, unit: str | None, measured_in: str | None = "") -> tuple[float | None, str]:
    """A target value in the unit its indicator is measured in. A fraction without a unit
    ("1/2以上": 0.5, "") of an indicator measured in % is 50 % (the convention of
    tianping.core.grammar.expected); of an indicator without a unit, whose values are
    fractions too, it stays 0.5. Others are unchanged."""
    x = as_float(value)
    if not unit and measured_in == "%" and x is not None and 0 < x <= 1:
        return round(x * 100, WRITTEN_DECIMALS), "%"
    return x, unit or measured_in or ""


def series_label(indicator: str, sex: str = "", age: str = "", residence: str = "") -> str:
    """"就业人员比例（女性、农村）": an indicator and the group a series is about."""
    parts = [p for p in ({"女": "女性", "男": "男性"}.get(sex, sex), age, residence) if p]
    return indicator + (f"（{'、'.join(parts)}）" if parts else "")


# ---------------------------------------------------------------- operators

@dataclass(frozen=True)
class Operator:
    symbol: str     # in a table cell before the value: "≥"
    words: str      # in Chinese, before the value: "不低于"
    label: str      # English label for the web's forms (translated by Django i18n)


OPERATORS: dict[str, Operator] = {
    ">=": Operator("≥", "不低于", "≥"),
    "<=": Operator("≤", "不高于", "≤"),
    ">": Operator(">", "高于", ">"),
    "<": Operator("<", "低于", "<"),
    "=": Operator("=", "达到", "="),
    "~": Operator("≈", "左右", gettext_noop("about")),
    "range": Operator("—", "区间", gettext_noop("range")),
    "relative_increase": Operator("↑", "较基期提高", gettext_noop("increase on base year by")),
    "relative_decrease": Operator("↓", "较基期降低", gettext_noop("decrease on base year by")),
    "annual_decrease": Operator("↓", "每年降低", gettext_noop("decrease per year by")),
    "annual_increase": Operator("↑", "每年提高", gettext_noop("increase per year by")),
    "annual_relative_increase": Operator("↑", "每年增长", gettext_noop("increase per year by (%)")),
    "annual_relative_decrease": Operator("↓", "每年下降", gettext_noop("decrease per year by (%)")),
    "increase": Operator("↑", "逐步提高", gettext_noop("increase (direction only)")),
    "decrease": Operator("↓", "逐步降低", gettext_noop("decrease (direction only)")),
    "qualitative": Operator("", "定性", gettext_noop("qualitative")),
}


def operator_words(op: str) -> str:
    """不低于, 较基期提高, 逐步降低 … (the op itself when unknown)."""
    return OPERATORS[op].words if op in OPERATORS else op


def operator_symbol(op: str) -> str:
    return OPERATORS[op].symbol if op in OPERATORS else op


# ---------------------------------------------------------------- targets

def target_phrase(op: str, value: float | None, unit: str | None, upper: float | None = None,
                  base_year: object = None, text: str = "", measured_in: str | None = "") -> str:
    """The target as the plan says it: "95%以上", "9/10万以下", "高于80%", "40%左右",
    "5%—6%", "比2020年提高10%", "每年降低0.5个百分点", "年均提高6%", "逐步提高".

    ``unit`` is the target's unit; ``measured_in`` the indicator's, used when the target
    has none (and to read "1/2" as 50 %). ``text`` is said for a qualitative target, and
    for a directional one when it is the plan's short word for the direction.
    """
    value, unit = as_written(value, unit, measured_in)
    if op in ("increase", "decrease"):
        # the plan's own word ("延长", "明显下降", "不断提高"), not a paraphrase of it
        return text if text and len(text) <= DIRECTION_WORDS_MAX else operator_words(op)
    if op == "qualitative" or is_missing(value):
        return text or "定性目标"
    v = figure(value, unit)
    base = as_float(base_year)
    since = f"{int(base)}年" if base else "基期"
    percent = f"{number(value)}%"
    phrases = {
        ">=": f"{v}以上", "<=": f"{v}以下", ">": f"高于{v}", "<": f"低于{v}", "=": f"达到{v}",
        "~": f"{v}左右", "range": f"{v}—{figure(upper, unit)}",
        "relative_increase": f"比{since}提高{percent}", "relative_decrease": f"比{since}降低{percent}",
        "annual_increase": f"每年提高{v}", "annual_decrease": f"每年降低{v}",
        "annual_relative_increase": f"年均提高{percent}", "annual_relative_decrease": f"年均降低{percent}",
    }
    return phrases.get(op, text or "定性目标")


def dated_target(year: int | None, op: str, value: float | None, unit: str | None, upper: float | None = None,
                 base_year: object = None, text: str = "", measured_in: str | None = "") -> str:
    """"2025年95%以上": the target phrase after its deadline."""
    phrase = target_phrase(op, value, unit, upper, base_year, text, measured_in)
    return f"{year}年{phrase}" if year else phrase


# ---------------------------------------------------------------- statuses

@dataclass(frozen=True)
class Status:
    label: str      # what a page or report says
    light: str      # traffic-light colour on the dashboard (a CSS class suffix)


# Keyed by the status codes of tianping.core.assess.status (this module imports nothing
# from core, so every layer can use it; tests/test_figures.py checks every engine status
# has a row). In display order, better first; a status the engine gains gets a row here.
STATUSES: dict[str, Status] = {
    "已实现": Status("已实现", "green"),        # milestone passed, met (final)
    "已达标": Status("已达标", "green"),
    "预计达标": Status("预计达标", "green"),       # P(attain) ≥ 0.8
    "尚难判断": Status("尚难判断", "yellow"),     # 0.2 ≤ P(attain) < 0.8
    "需加快": Status("需加快", "yellow"),
    "进展缓慢": Status("进展缓慢", "orange"),
    "退步": Status("退步", "red"),
    "未达标": Status("未达标", "orange"),    # one value that misses; no trend yet
    "未实现": Status("未实现", "red"),             # milestone passed, missed (final)
    "例数过少": Status("例数过少", "grey"),      # rare events: the exact interval holds the target
    "数据不足": Status("数据不足", "grey"),
    "待评估": Status("待评估", "grey"),
}
STATUS_ORDER: tuple[str, ...] = tuple(STATUSES)
LIGHTS: dict[str, str] = {code: status.light for code, status in STATUSES.items()}


def status_label(code: str) -> str:
    return STATUSES[code].label if code in STATUSES else str(code)


def status_light(code: str) -> str:
    """green / yellow / orange / red / grey (grey for a status without a colour)."""
    return STATUSES[code].light if code in STATUSES else "grey"


# ---------------------------------------------------------------- changes

# Units of things counted (a headcount, a number of facilities): a change of one is
# 增加/减少, not 提高/下降 ("万人" too).
COUNT_UNITS = frozenset({"人", "名", "个", "所", "家", "张", "次", "件", "户", "条", "例", "处", "座", "人次"})


def is_count_unit(unit: str | None) -> bool:
    return (unit or "").lstrip("万亿") in COUNT_UNITS


def change(delta: object, unit: str | None, decimals: int = 1) -> str:
    """"提高2.1个百分点", "下降0.8个千分点", "增加3名" for a count; "持平" when it rounds to zero."""
    x = as_float(delta)
    if x is None:
        return MISSING
    size = number(abs(x), decimals)
    if size == "0":
        return "持平"
    up, down = ("增加", "减少") if is_count_unit(unit) else ("提高", "下降")
    return f"{up if x > 0 else down}{size}{spoken_unit(unit)}"


def change_since(delta: object, unit: str | None, against: str = "上年", decimals: int = 1) -> str:
    """"比上年提高0.8个百分点" / "与上年持平"."""
    said = change(delta, unit, decimals)
    return f"与{against}持平" if said == "持平" else f"比{against}{said}"


def relative_change(old: object, new: object, decimals: int = 1) -> str:
    """"下降12.5%", "提高3%": the change from ``old`` to ``new`` in per cent of ``old``."""
    before, after = as_float(old), as_float(new)
    if before is None or after is None or before == 0:
        return MISSING
    said = change(100.0 * (after - before) / abs(before), "", decimals)
    return said if said == "持平" else said + "%"


def gap(delta: object, unit: str | None) -> str:
    """A signed difference in the unit it is spoken in, for a table cell: "-1个百分点",
    "0.84个千分点" (F−M, or its yearly change); "—" for none."""
    x = as_float(delta)
    return MISSING if x is None else shown(x) + spoken_unit(unit)
