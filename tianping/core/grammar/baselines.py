"""Past figures in a plan's preface: "截至2020年底…孕产妇系统管理率达到95.32%".

They become ``Baseline`` values of the indicator with the same name, giving the
assessment a starting point when no earlier observation is stored.
"""

from __future__ import annotations

import re

from ..model import Baseline, SourceRef
from .clauses import split_clauses
from .lexicon import YEAR
from .names import clean_name
from .numeric import find_groups

_YEAR_RE = re.compile(rf"(?:截至|截止|到|至)?(?P<y>{YEAR})年(?:底|末)?")
_PAST_OPS = {"=", ">=", ">", "~"}        # "达到95.32%", "60%以上": figures reached, not limits
_LEAD_WORDS = re.compile(r"^(?:全区|全市|全县|我区|我市|其中|以及|并且|和|且)+")


def extract_baselines(text: str, *, default_year: int | None = None,
                      line: int | None = None) -> list[tuple[str, Baseline]]:
    """(indicator name, Baseline) for each figure the text reports as reached.

    The year is the last one stated before the figure in the same paragraph
    ("截至2020年底，…"), else ``default_year``; a figure without a year is skipped.
    """
    found: list[tuple[str, Baseline]] = []
    base_line = line or 1
    for n, paragraph in enumerate((text or "").split("\n")):
        year = default_year
        for clause in split_clauses(paragraph):
            year = _last_year(clause.text) or year
            if year is None:
                continue
            found += _clause_baselines(clause, year, SourceRef(base_line + n, clause.sentence))
    return found


def _last_year(text: str) -> int | None:
    years = [int(m.group("y")) for m in _YEAR_RE.finditer(text)]
    return years[-1] if years else None


def _clause_baselines(clause, year: int, source: SourceRef) -> list[tuple[str, Baseline]]:
    out, seg_start, name = [], 0, ""
    for g in find_groups(clause.masked):
        # "占比由“十二五”末的16.3%提升至20.1%": the second figure keeps the first's name
        name = _LEAD_WORDS.sub("", clean_name(clause.named[seg_start: g.op_start])) or name
        seg_start = g.end
        if not name or g.change or len(g.values) != 1:
            continue
        v = g.values[0]
        if g.op == "from" and clause.start_year:       # "由“十二五”末的16.3%": the 2015 figure
            out.append((name, Baseline(year=clause.start_year, value=v.value, unit=v.unit, source=source)))
        elif g.op in _PAST_OPS:
            out.append((name, Baseline(year=year, value=v.value, unit=v.unit, source=source)))
    return out


def same_indicator(baseline_name: str, indicator_name: str) -> bool:
    """Strict on purpose: a baseline attached to the wrong indicator misleads the assessment."""
    a, b = _core(baseline_name), _core(indicator_name)
    return bool(a and b) and (a == b or (len(a) >= 4 and len(b) >= 4 and (a in b or b in a)))


def _core(name: str) -> str:
    return re.sub(r"（[^）]*）|\([^)]*\)", "", _LEAD_WORDS.sub("", name)).strip()
