"""Cutting a goal's text into sentences and clauses, and masking what is not a value.

A target is stated inside one clause ("孕产妇死亡率到2025年控制在9/10万以下"), so
the grammar reads clause by clause. Years and bracketed notes are *masked* (replaced
by MASK characters of the same length) rather than deleted, so every offset still
points into the original text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..normalize import chinese_to_number
from .lexicon import (
    BASE_RE,
    COUNT_CLASSIFIERS,
    COUNT_OPERATORS,
    COUNT_VERBS,
    DEADLINE_RE,
    FIVE_YEAR_END,
    FIVE_YEAR_END_RE,
    FIVE_YEAR_PERIOD_END,
    FROM_YEAR_RE,
    YEAR,
)

MASK = "□"
PERIOD_ENDS = "。！？!?\n"
SENTENCE_ENDS = "；;"
CLAUSE_ENDS = "，,：:"
OPENERS = "（(“‘《【["
CLOSERS = "）)”’》】]"

_DIGIT_RE = re.compile(r"\d")
_BARE_YEAR_RE = re.compile(rf"{YEAR}年")
_BRACKET_RE = re.compile(r"（[^（）]*）|\([^()]*\)")


@dataclass
class Clause:
    text: str                    # as written
    masked: str                  # same length, years and bracket notes masked
    named: str                   # same length, years masked: where names are read
    start: int                   # offset in the whole text
    sentence: str                # the sentence the clause belongs to
    period_no: int
    years: list[int] = field(default_factory=list)       # stated deadlines
    base_years: list[int] = field(default_factory=list)  # "在2019年和2022年基础上"
    leading_deadline: bool = False                       # "到2025年，…" opens the clause
    start_year: int | None = None                         # "由2020年的95%提高到…"


def split_clauses(text: str) -> list[Clause]:
    """Clauses in reading order; commas inside brackets or quotes do not cut.

    A clause cites its sentence (up to "；" or "。"); a deadline opening a period
    ("到2025年，A；B。") governs it up to "。", so clauses also know their period.
    """
    clauses: list[Clause] = []
    for period_no, (p_start, period) in enumerate(_pieces(text, PERIOD_ENDS)):
        for s_start, sentence in _pieces(period, SENTENCE_ENDS):
            for c_start, piece in _pieces(sentence, CLAUSE_ENDS):
                if piece.strip():
                    clauses.append(_make_clause(piece, p_start + s_start + c_start, sentence.strip(),
                                                period_no))
    return clauses


def _pieces(text: str, ends: str):
    """Split at any char of ``ends`` that is outside brackets; yield (offset, piece)."""
    depth, start = 0, 0
    for i, ch in enumerate(text):
        if ch in OPENERS:
            depth += 1
        elif ch in CLOSERS and depth:
            depth -= 1
        elif ch in ends and depth == 0:
            yield start, text[start:i]
            start = i + 1
    if start < len(text):
        yield start, text[start:]


_CN_COUNT_RE = re.compile(
    "(?P<lead>" + "|".join(COUNT_VERBS + COUNT_OPERATORS) + ")(?P<verb>" + "|".join(COUNT_VERBS) + ")?"
    f"(?P<num>[一二两三四五六七八九十]{{1,3}})(?=[{COUNT_CLASSIFIERS}])")


def arabic_counts(text: str) -> str:
    """"建设两处" -> "建设2处", "至少建成一个" -> "至少建成1个": same length (masks pad), so every
    offset still points into the text as written."""
    def arabic(match: re.Match) -> str:
        number = chinese_to_number(match.group("num").replace("两", "二"))
        lead_is_verb = match.group("lead") in COUNT_VERBS and not match.group("verb")
        if number is None or (number == 1 and lead_is_verb):
            return match.group()
        digits = str(int(number))
        width = len(match.group("num"))
        if len(digits) > width:
            return match.group()
        return match.group()[: match.start("num") - match.start()] + MASK * (width - len(digits)) + digits
    return _CN_COUNT_RE.sub(arabic, text) if any(ch in text for ch in COUNT_CLASSIFIERS) else text


def _make_clause(piece: str, start: int, sentence: str, period_no: int) -> Clause:
    written = piece
    piece = arabic_counts(piece)
    if piece is not written:
        clause = _make_clause_of(piece, start, sentence, period_no)
        clause.text = written
        return clause
    return _make_clause_of(piece, start, sentence, period_no)


def _make_clause_of(piece: str, start: int, sentence: str, period_no: int) -> Clause:
    if not _DIGIT_RE.search(piece) and "五”" not in piece and "五末" not in piece:   # most clauses: no year, no value, nothing to mask but notes
        masked = _BRACKET_RE.sub(lambda m: MASK * len(m.group()), piece)
        return Clause(piece, masked, piece, start, sentence, period_no)
    base_years, named = _mask_base_years(piece)
    from_year = FROM_YEAR_RE.search(named)
    named = FROM_YEAR_RE.sub(lambda m: MASK * len(m.group()), named)
    masked = _BRACKET_RE.sub(lambda m: MASK * len(m.group()), named)
    five_year_end = FIVE_YEAR_END_RE.search(masked)
    years: list[int] = [FIVE_YEAR_END] if five_year_end else []
    leading = five_year_end is not None and not masked[: five_year_end.start()].strip(MASK + " 力争")
    masked = FIVE_YEAR_END_RE.sub(lambda m: MASK * len(m.group()), masked)
    named = FIVE_YEAR_END_RE.sub(lambda m: MASK * len(m.group()), named)
    for m in DEADLINE_RE.finditer(masked):
        years += [int(y) for y in (m.group("y1"), m.group("y2")) if y]
        if not masked[: m.start()].strip(MASK + " 力争"):
            leading = True
    masked = DEADLINE_RE.sub(lambda m: MASK * len(m.group()), masked)
    masked = _BARE_YEAR_RE.sub(lambda m: MASK * len(m.group()), masked)
    named = _BARE_YEAR_RE.sub(lambda m: MASK * len(m.group()),
                              DEADLINE_RE.sub(lambda m: MASK * len(m.group()), named))
    return Clause(piece, masked, named, start, sentence, period_no, years, base_years, leading,
                  _start_year(from_year))


def _start_year(match: re.Match | None) -> int | None:
    if match is None:
        return None
    if match.group("y"):
        return int(match.group("y"))
    return FIVE_YEAR_PERIOD_END[match.group("plan")]


def _mask_base_years(masked: str) -> tuple[list[int], str]:
    """Base years: "在2019年和2022年基础上", "以2020年数据为基数", "比2020年"."""
    found: list[int] = []
    out = masked
    for m in BASE_RE.finditer(masked):
        if m.group("tail") or m.group("lead") in "较比":
            found += [int(y) for y in (m.group("b1"), m.group("b2")) if y]
            out = out[: m.start()] + MASK * (m.end() - m.start()) + out[m.end():]
    return found, out
