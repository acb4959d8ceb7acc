"""One target phrase on its own, as found in an indicator table cell ("≥95%", "＜7", "逐步提高")."""

from __future__ import annotations

import re

from ..model import Target
from .clauses import split_clauses
from .directional import direction_word
from .lexicon import QUALITATIVE_WORDS
from .numeric import find_groups

# "孕产妇死亡率（1/10万）" -> "1/10万": a table states the unit once, in the indicator's name.
_UNIT_IN_NAME_RE = re.compile(r"[（(]\s*([^（）()]{1,8}?)\s*[）)]\s*$")
_FULLWIDTH = str.maketrans("０１２３４５６７８９．％／＜＞≤≥～", "0123456789.%/<>≤≥~")
_QUALITATIVE_CELL_RE = re.compile("|".join(map(re.escape, QUALITATIVE_WORDS)) + "|落实|尽保|尽援")


def unit_from_name(indicator_name: str) -> str:
    m = _UNIT_IN_NAME_RE.search(indicator_name or "")
    return m.group(1).strip() if m else ""


def parse_target_phrases(phrase: str, *, year: int, indicator_name: str = "") -> list[Target]:
    """Every target a cell states: "换届后当年达到100%，平时保持在85%以上" gives two, =100
    in the year after an election and the standing level >=85 for the other years, both
    for the column's year. When the targets come from different clauses each one's
    ``text`` is its own clause; otherwise it is the whole cell."""
    text = (phrase or "").translate(_FULLWIDTH).strip()
    if not text:
        return []
    unit = unit_from_name(indicator_name)
    found: list[tuple[str, Target]] = []
    for clause in split_clauses(text):
        for g in find_groups(clause.masked, allow_unitless=True):
            for v in g.values:
                found.append((clause.text.strip(), Target(
                    year=clause.years[0] if clause.years else year, op=g.op_for(v), value=v.value,
                    upper=v.upper, unit=v.unit or unit, kind="numeric", text=text)))
    if len({clause for clause, _ in found}) > 1:
        # several clauses, several targets: each keeps the clause that states it, so its
        # condition stays visible ("换届后当年达到100%" beside the standing "平时保持在85%以上")
        for stated, target in found:
            target.text = stated
    if found:
        return [target for _, target in found]
    return [t for t in [_non_numeric_cell(text, year)] if t]


def parse_target_phrase(phrase: str, *, year: int, indicator_name: str = "") -> Target | None:
    """The target a table cell states, or None for an empty cell, "**" or "—".

    A bare number ("99.99") is read as "=" (the convention treats a bare "达到X" as
    "=" or ">="); the unit comes from the cell, else from "（%）" in the indicator name.
    """
    targets = parse_target_phrases(phrase, year=year, indicator_name=indicator_name)
    return targets[0] if targets else None


def _non_numeric_cell(text: str, year: int) -> Target | None:
    if _QUALITATIVE_CELL_RE.search(text):
        return Target(year=year, op="qualitative", kind="qualitative", text=text)
    op = direction_word(text)
    return Target(year=year, op=op, kind="directional", text=text) if op else None
