"""Indicator names: trimming the words around them and splitting compound subjects."""

from __future__ import annotations

import re

from .clauses import MASK
from .lexicon import INDICATOR_HEADS, NAME_LEAD_FILLERS, NAME_TAIL_FILLERS

_EDGE_PUNCT = " \t\u3000，,。；;：:、" + MASK
_LEAD_RE = re.compile(
    "^(?:[-—–·•]+|[一二三四五六七八九十]+是|" + "|".join(map(re.escape, NAME_LEAD_FILLERS)) + ")+")
_TAIL_RE = re.compile("(?:" + "|".join(map(re.escape, NAME_TAIL_FILLERS)) + ")+$")
_STEADY_TAIL_RE = re.compile(r"(?:保持稳定)?并$")
_LIST_SEP = "、和及与"
# "接种率以乡（镇、街道）为单位保持在90%以上": how it is counted, not part of the name.
_UNIT_OF_ACCOUNT_RE = re.compile(r"以[^，。；以]{1,12}为单位$")
# List words that are not separators here ("本科及以上学历", "儿童及其照护人").
_GUARDED = {"及以上": "\x01", "及以下": "\x02", "及其": "\x03", "和平": "\x04"}


def clean_name(raw: str) -> str:
    """Strip masks, punctuation and filler words ("力争", "均", "分别") from both ends."""
    name = _UNIT_OF_ACCOUNT_RE.sub("", raw.replace(MASK, "")).strip(_EDGE_PUNCT)
    for _ in range(3):  # fillers can nest: "力争并均"
        before = name
        name = _LEAD_RE.sub("", name).strip(_EDGE_PUNCT)
        name = _STEADY_TAIL_RE.sub("", name)
        name = _TAIL_RE.sub("", name).strip(_EDGE_PUNCT)
        if name == before:
            break
    return name


def strip_lead(text: str) -> str:
    """Text without leading masks and fillers ("力争", "促进"): where a leading verb would sit."""
    return _LEAD_RE.sub("", text.lstrip(_EDGE_PUNCT)).lstrip(_EDGE_PUNCT)


def has_head(name: str) -> bool:
    """Does the name end like a measurable indicator ("…率", "…比例")?"""
    return name.endswith(INDICATOR_HEADS)


def split_items(name: str) -> list[str]:
    """Split "A、B和C" at top level (not inside brackets); one item if nothing to split."""
    text = name.replace("以及", "、")
    for word, guard in _GUARDED.items():
        text = text.replace(word, guard)
    items, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch in "（(“":
            depth += 1
        elif ch in "）)”" and depth:
            depth -= 1
        elif depth == 0 and ch in _LIST_SEP:
            items.append(text[start:i])
            start = i + 1
    items.append(text[start:])
    return [_unguard(i).strip() for i in items if i.strip()]


def _unguard(text: str) -> str:
    for word, guard in _GUARDED.items():
        text = text.replace(guard, word)
    return text


def head_of(name: str) -> str:
    """The shared head of a compound subject: "5岁以下儿童死亡率" -> "死亡率"."""
    for head in ("比例", "比重", "占比", "人数", "数量", "年限"):
        if name.endswith(head):
            return head
    if name.endswith("率"):
        return name[-3:] if len(name) >= 3 else name
    return ""


def distribute(name: str, count: int) -> list[str]:
    """Names for ``count`` values stated together ("分别控制在2.8‰、3‰和4‰以下").

    Items lacking a head borrow the last item's head, so "新生儿、婴儿和5岁以下儿童死亡率"
    gives "新生儿死亡率", "婴儿死亡率", "5岁以下儿童死亡率". Returns [] when the
    subject does not split into ``count`` items.
    """
    items = split_items(name)
    if len(items) != count:
        return []
    head = head_of(items[-1])
    return [i if has_head(i) or not head else i + head for i in items]


def split_if_complete(name: str) -> list[str]:
    """Split "3岁以下儿童系统管理率和7岁以下儿童健康管理率" only when every item is a
    complete indicator; "孕产妇艾滋病、梅毒和乙肝检测率" stays one indicator."""
    items = split_items(name)
    if len(items) > 1 and all(has_head(i) for i in items):
        return items
    return [name]


_RATE_VERBS = ("入学", "合格", "达标", "参保", "普及", "知晓", "覆盖", "检测", "筛查")
_PEOPLE_UNITS = {"名", "人", "万人", "人次", "万人次"}
_THING_UNITS = {"个", "家", "所", "张", "项", "户", "本", "处", "座"}
_VERB_IN_PHRASE_RE = re.compile("配备|建立|建成|设立|开展|拥有|接受|参加|参与|实行|开设")


def complete_name(name: str, unit: str, *, coverage: bool = False) -> str:
    """Give a name written around its value the head it implies, as the office would
    write it in the indicator list: "…队伍中女干部" + 20% -> "…队伍中女干部比例",
    "至少配备1名女干部" -> "…女干部人数", "实现全覆盖" -> "…覆盖率"."""
    if not name or has_head(name):
        return name
    if coverage:
        return name + "覆盖率"
    if unit in _PEOPLE_UNITS:
        return name + "人数"
    if unit in _THING_UNITS:
        return name + "数量"
    if unit in ("%", ""):
        return name + ("率" if name.endswith(_RATE_VERBS) else "比例")
    return name


def noun_after_value(phrase: str) -> str:
    """"50%的领导班子配备女干部" -> "配备女干部的领导班子": the share is of the noun."""
    m = _VERB_IN_PHRASE_RE.search(phrase)
    if not m or m.start() == 0:
        return phrase
    noun = phrase[: m.start()]
    where = re.match(r"(.+?)在(.+)$", noun)      # "妇女在35~45岁" -> "35~45岁妇女"
    if where:
        noun = where.group(2) + where.group(1)
    return f"{phrase[m.start():]}的{noun}"
