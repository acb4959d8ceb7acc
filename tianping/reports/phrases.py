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
    """"比上年提高0.8个百分点" / "与上年持平" / "比上年增加3名" (core.figures.change_since, which
    also says a headcount's change)."""
    return figures.change_since(round(change, 1), unit, against=against)


def spoken_unit(unit: str) -> str:
    """The unit a change or gap is spoken in: 个百分点 for %, 个十万分点 for 1/10万 (core.figures)."""
    return figures.spoken_unit(unit)


def target_phrase(op: str, value: float | None, unit: str, upper: float | None = None,
                  measured_in: str = "") -> str:
    """The target as the plan says it — "95%以上", "9/10万以下", "45%左右" (core.figures)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return figures.target_phrase(op, value, unit, upper, measured_in=measured_in)


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
    return float(figures.rate(100.0 * attained / assessable)) if assessable else 0.0
