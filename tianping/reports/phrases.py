"""Narrative phrases: how statuses are written in a report, and the sentence patterns.

Numbers, units, changes and targets are said by tianping.core.figures (the one place
for those rules, shared with the pages). The sentence patterns themselves live in
templates/wording.json, which the office may edit without touching code.
"""

from __future__ import annotations

import json
import os
from functools import lru_cache
from pathlib import Path

from tianping.reports.document import Fact

TEMPLATES = Path(__file__).parent / "templates"

STATUS_CLAUSE = {
    "已达标": "已实现{milestone}年目标",
    "预计达标": "预计可如期实现{milestone}年目标",
    "需加快": "按现有进度难以如期实现{milestone}年目标，需加快推进",
    "进展缓慢": "进展缓慢",
    "退步": "较基期出现退步",
    "数据不足": "数据尚不足以判断进展",
    "待评估": "待评估组评估",
}


@lru_cache(maxsize=4)
def _load_wording(path: str) -> dict[str, str]:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def wording(key: str) -> str:
    """A sentence pattern; TIANPING_REPORT_WORDING points at an office copy."""
    path = os.environ.get("TIANPING_REPORT_WORDING", str(TEMPLATES / "wording.json"))
    return _load_wording(path)[key]


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
