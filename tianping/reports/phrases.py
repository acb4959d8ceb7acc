"""Narrative phrases: how numbers, changes, targets and statuses are written.

One place for the rules so the builders stay consistent and the tests can apply
the same rule when they check a rendered number against the stored value.
The sentence patterns themselves live in templates/wording.json, which the
office may edit without touching code.
"""

from __future__ import annotations

import json
import math
import os
from functools import lru_cache
from pathlib import Path
from typing import Any

from tianping.core import figures
from tianping.reports.document import Fact

TEMPLATES = Path(__file__).parent / "templates"

OP_SYMBOL = {">=": "≥", "<=": "≤", ">": ">", "<": "<", "=": "", "~": ""}

# The unit a change is spoken in ("提高0.8个百分点"), by the indicator's unit.
CHANGE_UNIT = {"%": "个百分点", "‰": "个千分点", "1/10万": "个十万分点", "/10万": "个十万分点"}

# Units of things counted: a change is 增加/减少, not 提高/下降.
COUNT_UNITS = {"人", "名", "个", "所", "家", "张", "次", "件", "户", "条", "例"}

STATUS_CLAUSE = {
    "已实现": "{milestone}年目标已实现",
    "未实现": "{milestone}年目标未实现",
    "已达标": "已实现{milestone}年目标",
    "预计达标": "预计可如期实现{milestone}年目标",
    "尚难判断": "能否如期实现{milestone}年目标尚难判断",
    "未达标": "尚未达到{milestone}年目标（仅一个年度数据，趋势尚不能判断）",
    "例数过少": "例数过少，尚不能判断是否达到{milestone}年目标",
    "需加快": "按现有进度难以如期实现{milestone}年目标，需加快推进",
    "进展缓慢": "进展缓慢",
    "退步": "较基期出现退步",
    "数据不足": "数据尚不足以判断进展",
    "待评估": "待评估组评估",
}


@lru_cache(maxsize=4)
def _load_wording(path: str) -> dict[str, Any]:
    """Sentence patterns by key, and tables of phrases (``class_words``)."""
    return json.loads(Path(path).read_text(encoding="utf-8"))


def wording(key: str) -> str:
    """A sentence pattern; TIANPING_REPORT_WORDING points at an office copy."""
    path = os.environ.get("TIANPING_REPORT_WORDING", str(TEMPLATES / "wording.json"))
    return _load_wording(path)[key]


def word_table(key: str) -> dict[str, str]:
    """A table of phrases from the same file (``class_words``: report class → "{n}项…")."""
    path = os.environ.get("TIANPING_REPORT_WORDING", str(TEMPLATES / "wording.json"))
    return _load_wording(path)[key]


def fmt_number(value: float, decimals: int | None = None) -> str:
    """A computed figure at the precision core.figures gives it (0.78, 1.12, 10.5), or to
    ``decimals`` when asked; trailing zeros dropped."""
    return figures.shown(value) if decimals is None else figures.number(value, decimals)


def fmt_count(value: int) -> str:
    return str(int(value))


def with_unit(shown: str, unit: str) -> str:
    """"15.1" + "1/10万" → "15.1/10万" (core.figures.unit_suffix)."""
    return f"{shown}{figures.unit_suffix(unit)}"


def shown_value(value: float) -> float:
    """The value as printed, for arithmetic that must agree with the text."""
    shown = figures.rounded(value)
    if shown is None:
        raise ValueError(f"不是数值：{value!r}")
    return shown


def change_phrase(change: float, unit: str, *, against: str = "上年") -> str:
    """"比上年提高0.8个百分点" / "与上年持平" (core.figures.change_since); a headcount or a
    number of things 增加/减少 rather than 提高/下降."""
    said = figures.change_since(round(change, 1), unit, against=against)
    if (unit or "").lstrip("万亿") in COUNT_UNITS:
        said = said.replace("提高", "增加").replace("下降", "减少")
    return said


def spoken_unit(unit: str) -> str:
    """The unit a change or gap is spoken in: 个百分点 for %, 个十万分点 for 1/10万 (core.figures)."""
    return figures.spoken_unit(unit)


def target_phrase(op: str, value: float | None, unit: str, upper: float | None = None,
                  measured_in: str = "") -> str:
    """The target as the plan says it — "95%以上", "9/10万以下", "45%左右" (core.figures)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return figures.target_phrase(op, value, unit, upper, measured_in=measured_in)


def status_clause(status: str, milestone: int | None) -> str:
    return STATUS_CLAUSE.get(status, status).format(milestone=milestone or "")


def compose(template: str, **parts) -> tuple[str, list[Fact]]:
    """Fill a wording pattern and keep the facts it states.

    A part is plain text, a Fact (printed as its ``shown`` text) or a pair
    (text, facts) when the printed text carries a unit or several numbers.
    """
    facts: list[Fact] = []
    texts: dict[str, str] = {}
    for name, part in parts.items():
        if isinstance(part, Fact):
            texts[name] = part.shown
            facts.append(part)
        elif isinstance(part, tuple):
            texts[name] = part[0]
            facts.extend(part[1])
        else:
            texts[name] = str(part)
    return template.format(**texts), facts


def rate(attained: int, assessable: int) -> float:
    """Attainment rate in percent, as printed (1 decimal)."""
    return round(100.0 * attained / assessable, 1) if assessable else 0.0
