"""Direction-only ("逐步提高") and qualitative ("保持均衡", "相适应") targets in a clause."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .clauses import MASK
from .lexicon import (
    COMPARE_OPS,
    COMPARE_RE,
    DECREASE_WORDS,
    INCREASE_WORDS,
    PRECISE_NAME_MARKS,
    QUALITATIVE_WORDS,
    VAGUE_NAME_ENDINGS,
)
from .names import clean_name, strip_lead

_VAGUE_VERBS = {"普及", "全面普及", "改善", "明显改善", "持续改善", "全面改善", "消除", "预防和制止", "预防和干预",
                "有效遏制", "遏制", "得到缓解", "进一步优化", "更加丰富", "明显壮大", "降低到最低程度",
                "有一定数量"}
_OP_WORDS = [(w, "increase") for w in INCREASE_WORDS] + [(w, "decrease") for w in DECREASE_WORDS]
_OP_WORDS.sort(key=lambda p: -len(p[0]))
_QUAL_RE = re.compile("|".join(map(re.escape, sorted(QUALITATIVE_WORDS, key=len, reverse=True))))
_MAX_NAME = 40
_OBJECT_HEADS = ("水平", "率", "比例", "素养", "意识", "能力")


@dataclass
class Direction:
    name: str
    op: str            # "increase", "decrease", "qualitative", or ">=" etc. for a bound without a number
    phrase: str        # the words that state it ("逐步提高")
    borderline: bool


def find_direction(masked: str) -> Direction | None:
    """The direction a clause states for its subject, or None.

    The verb may close the clause ("乳腺癌人群筛查率逐步提高") or open it
    ("减少非意愿妊娠"); qualitative words ("保持均衡") may sit anywhere.
    """
    text = masked.rstrip(MASK + " ")
    compared = COMPARE_RE.search(text)
    if compared:     # "一般不低于本地区党员总数中女性比例": a bound without a number
        return _direction(text[: compared.start()], COMPARE_OPS[compared.group("word")], compared.group())
    for word, op in _OP_WORDS:
        if text.endswith(word):
            return _direction(text[: -len(word)], op, word)
    lead = strip_lead(text)
    for word, op in _OP_WORDS:
        if lead.startswith(word):
            return _direction(lead[len(word):], op, word)
    q = _QUAL_RE.search(text)
    if q:
        after = text[q.end():]
        raw = text[: q.start()]
        if after.startswith("的") and clean_name(raw):    # "建成与…相适应的…体系": a description
            return None
        if after.startswith("的"):                         # "其中有一定数量的党政正职"
            raw = after[1:]
        elif q.group() == "相适应" and "与" in raw:        # "女性比例与女职工比例相适应"
            raw = raw[: raw.rfind("与")]
        return _direction(raw, "qualitative", q.group())
    return _verb_inside(lead)


def _verb_inside(text: str) -> Direction | None:
    """"女性劳动者提升职业技能水平": subject, verb, then what is raised."""
    for word, op in _OP_WORDS:
        at = text.find(word)
        after = text[at + len(word):] if at > 0 else ""
        if after.endswith(_OBJECT_HEADS) and len(after) >= 3:
            return _direction(text[:at] + after, op, word)
    return None


def direction_word(text: str) -> str:
    """"increase"/"decrease" when ``text`` ends with a direction word, else ""."""
    text = text.rstrip(MASK + " 。")
    return next((op for word, op in _OP_WORDS if text.endswith(word)), "")


def _direction(raw_name: str, op: str, phrase: str) -> Direction | None:
    """A name left empty ("并持续提高") is the caller's to fill from the previous clause."""
    name = clean_name(raw_name)
    if len(name) > _MAX_NAME:
        return None
    return Direction(name, op, phrase.replace(MASK, ""), is_vague(name, phrase))


def is_vague(name: str, phrase: str) -> bool:
    """Vague statements (意识提高, 水平提升) a monitoring office may reasonably leave out."""
    if any(mark in name for mark in PRECISE_NAME_MARKS):
        return False
    return name.endswith(VAGUE_NAME_ENDINGS) or phrase in _VAGUE_VERBS
