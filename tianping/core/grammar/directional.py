"""Direction-only ("逐步提高") and qualitative ("保持均衡", "相适应") targets in a clause."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .clauses import MASK
from .lexicon import (
    DECREASE_WORDS, INCREASE_WORDS, PRECISE_NAME_MARKS, QUALITATIVE_WORDS, VAGUE_NAME_ENDINGS,
)
from .names import clean_name

_VAGUE_VERBS = {"普及", "全面普及", "改善", "明显改善", "持续改善", "消除", "预防和制止", "预防和干预",
                "有效遏制", "遏制", "得到缓解", "进一步优化", "更加丰富", "明显壮大", "降低到最低程度"}
_OP_WORDS = [(w, "increase") for w in INCREASE_WORDS] + [(w, "decrease") for w in DECREASE_WORDS]
_OP_WORDS.sort(key=lambda p: -len(p[0]))
_QUAL_RE = re.compile("|".join(map(re.escape, sorted(QUALITATIVE_WORDS, key=len, reverse=True))))
_MAX_NAME = 40


@dataclass
class Direction:
    name: str
    op: str            # "increase", "decrease" or "qualitative"
    phrase: str        # the words that state it ("逐步提高")
    borderline: bool


def find_direction(masked: str) -> Direction | None:
    """The direction a clause states for its subject, or None.

    The verb may close the clause ("乳腺癌人群筛查率逐步提高") or open it
    ("减少非意愿妊娠"); qualitative words ("保持均衡") may sit anywhere.
    """
    text = masked.rstrip(MASK + " ")
    for word, op in _OP_WORDS:
        if text.endswith(word):
            return _direction(text[: -len(word)], op, word)
    lead = text.lstrip(MASK + " ").removeprefix("力争")
    for word, op in _OP_WORDS:
        if lead.startswith(word):
            return _direction(lead[len(word):], op, word)
    q = _QUAL_RE.search(text)
    if q:
        return _direction(text[: q.start()], "qualitative", text[q.start():])
    return None


def direction_word(text: str) -> str:
    """"increase"/"decrease" when ``text`` ends with a direction word, else ""."""
    text = text.rstrip(MASK + " 。")
    return next((op for word, op in _OP_WORDS if text.endswith(word)), "")


def _direction(raw_name: str, op: str, phrase: str) -> Direction | None:
    name = clean_name(raw_name)
    if not name or len(name) > _MAX_NAME:
        return None
    return Direction(name, op, phrase.replace(MASK, ""), is_vague(name, phrase))


def is_vague(name: str, phrase: str) -> bool:
    """Vague statements (意识提高, 水平提升) a monitoring office may reasonably leave out."""
    if any(mark in name for mark in PRECISE_NAME_MARKS):
        return False
    return name.endswith(VAGUE_NAME_ENDINGS) or phrase in _VAGUE_VERBS
