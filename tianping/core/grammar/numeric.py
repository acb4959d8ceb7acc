"""Numeric targets inside one clause: values, their operator and the words around them.

A *group* is one or more values stated together ("2.8‰、3‰和4‰以下") with one
operator. Whether a number is a target at all is decided here: a rate or a share
always is; a count ("1名", "4.5个") needs an operator word, or a building verb
("创建…学校2所" ending the clause, "建设1所…门诊"), and is not one when it only
describes each thing counted ("建设两处1000平方米以上的…中心"); an age ("3岁以下儿童",
"0-6个月婴儿") is a target only in "预期寿命达到80岁" form; a bare number only in a
table cell.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .clauses import MASK
from .lexicon import (
    AGE_UNITS,
    CHANGE_DOWN,
    CHANGE_UP,
    COUNT_UNITS,
    FROM_WORDS,
    LIST_SEP_RE,
    POST_OP_RE,
    POST_OPS,
    PRE_OP_WORDS,
    RATE_UNITS,
    UPPER_BOUND_VERBS,
    VALUE_RE,
)

# Words allowed between an operator and its value: "至少各配备1名", "至少有1家".
_FILLER_RE = re.compile(r"(?:各|均|都|配备|有|建成|建立|设立|拥有|培养|新增|配齐|达到)+$")
_CHANGE_RE = re.compile("(?P<verb>" + "|".join(CHANGE_UP + CHANGE_DOWN) + ")了?$")
_ANNUAL_END_RE = re.compile("(?:年均|每年|年平均|逐年)$")
_POST_OP_OF = {w: op for op, words in POST_OPS.items() for w in words}
# A number and a classifier just before a value: the value describes each thing counted
# ("两处1000平方米以上…养老服务中心"), it is not a target of its own.
# Things a plan says it will build, counted: "创建省级现代化成人学校2所", "建有1家…".
_BUILT_UNITS = {"所", "个", "家", "处", "座"}
_BUILT_RE = re.compile(r"(?:创建|建成|新建|建设|建有|打造|培育)(?P<noun>[^，。；、\d]{0,20})$")
_COUNTED_BEFORE_RE = re.compile(r"(?:\d+|[一二两三四五六七八九十百千]+)(?:处|所|个|家|座|栋|间|批)$")


@dataclass
class Value:
    value: float
    upper: float | None
    unit: str
    is_fraction: bool = False


@dataclass
class Group:
    """Values stated together with one operator, and where they sit in the clause."""

    values: list[Value]
    op: str
    op_start: int          # where the operator word (or the first value) starts
    end: int               # just after the last value and its "以上"/"以下"
    change: str = ""       # "up"/"down" for "提高10%", "下降20%"
    annual: bool = False   # "年均提高6%", "每年下降0.5个百分点"

    def op_for(self, value: Value) -> str:
        """The operator of one value: changes become relative_/annual_ operators."""
        if not self.change:
            return self.op
        kind = "relative_"
        if self.annual:
            kind = "annual_relative_" if value.unit == "%" else "annual_"
        return kind + ("increase" if self.change == "up" else "decrease")


def find_groups(masked: str, *, allow_unitless: bool = False) -> list[Group]:
    """Every target group in a masked clause, left to right."""
    matches = [m for m in VALUE_RE.finditer(masked) if _standalone(masked, m)]
    groups: list[Group] = []
    i = 0
    while i < len(matches):
        members = [matches[i]]
        while i + 1 < len(matches) and LIST_SEP_RE.match(masked[members[-1].end(): matches[i + 1].start()]):
            i += 1
            members.append(matches[i])
        group = _make_group(masked, members, allow_unitless)
        if group:
            groups.append(group)
        i += 1
    return groups


def _standalone(masked: str, m: re.Match) -> bool:
    """A number glued to letters or other digits ("H7N9", "PM2.5", "第1") is not a value."""
    before = masked[m.start() - 1] if m.start() else ""
    after = masked[m.end()] if m.end() < len(masked) else ""
    if before and (before.isascii() and before.isalnum() or before in "第./#"):
        return False
    unit = m.groupdict().get("unit") or ""
    if unit and not unit[-1].isascii():
        return True      # "2处1000平方米": a Chinese unit ends the value whatever follows
    return not (after and after.isascii() and (after.isalnum() or after in "./"))


def _make_group(masked: str, members: list[re.Match], allow_unitless: bool) -> Group | None:
    values = _values(members)
    start = members[0].start()
    end, post_op = _post_op(masked, members[-1].end())
    if masked[:start].rstrip(MASK + " 的").endswith(FROM_WORDS):
        return Group(values, "from", start, end)   # "由2020年的95%": a start, not a target
    if values[-1].unit in COUNT_UNITS and masked[end:end + 1] == "的":
        return None                                # "1万人以上的镇": a condition, not a target
    if values[-1].unit in COUNT_UNITS and _COUNTED_BEFORE_RE.search(masked[:start]):
        return None                                # "建设两处1000平方米以上…的中心": the size of what is counted
    pre_op, op_start, change, annual = _pre_op(masked, start)
    at_end = not masked[end:].strip(MASK + " ")
    if not (pre_op or change or post_op) and values[-1].unit in _BUILT_UNITS:
        # "创建省级现代化成人学校2所" (the count ends the clause), "建设1所省级示范预防接种门诊"
        built = _BUILT_RE.search(masked[:start])
        if built and (at_end or not built.group("noun")):
            pre_op = "="
    if not (pre_op or change or post_op) and values[-1].upper is not None and values[-1].unit in COUNT_UNITS:
        pre_op = "="     # a count stated as a range is a quantity set: "每年接受1-2项实用新技术培训"
    if not _is_target(values[-1], bool(pre_op or change), bool(post_op), at_end, allow_unitless):
        return None
    op = _combine(pre_op, post_op, masked[op_start:start], values[0])
    return Group(values, op, op_start, end, change, annual)


def _values(members: list[re.Match]) -> list[Value]:
    values = [_value(m) for m in members]
    for v in values:  # "2.8、3和4‰": a bare value in a list takes the list's unit
        v.unit = v.unit or values[-1].unit
    return values


def _post_op(masked: str, end: int) -> tuple[int, str]:
    """(end of the group, operator) for "以上", "以下", "左右", "之间" after the last value."""
    post = POST_OP_RE.match(masked[end:])
    if not post:
        return end, ""
    return end + post.end(), _POST_OP_OF[post.group()]


def _value(m: re.Match) -> Value:
    if m.group("fn"):
        den = int(m.group("fd"))
        return Value(int(m.group("fn")) / den if den else 0.0, None, "", True)
    unit = m.group("unit") or ""
    if unit.startswith("/10万"):
        unit = "1" + unit
    upper = float(m.group("v2")) if m.group("v2") else None
    return Value(float(m.group("v")), upper, unit)


def _pre_op(masked: str, start: int) -> tuple[str, int, str, bool]:
    """(operator, where it starts, change direction, annual) for the words before a value."""
    prefix = masked[:start].rstrip(" " + MASK + "的")    # "提高到2020年的85.2%"
    for candidate in (prefix, _FILLER_RE.sub("", prefix)):
        for word, op in PRE_OP_WORDS:
            if candidate.endswith(word):
                return op, len(candidate) - len(word), "", False
    m = _CHANGE_RE.search(prefix)
    if not m:
        return "", start, "", False
    change = "up" if m.group("verb") in CHANGE_UP else "down"
    annual = _ANNUAL_END_RE.search(prefix[: m.start()])
    return "", annual.start() if annual else m.start(), change, bool(annual)


def _is_target(value: Value, has_pre: bool, has_post: bool, at_end: bool, allow_unitless: bool) -> bool:
    unit = value.unit
    if unit in RATE_UNITS:
        return True
    if unit in AGE_UNITS:
        return has_pre and at_end
    if unit in COUNT_UNITS or value.is_fraction:
        return has_pre or has_post
    return allow_unitless


def _combine(pre_op: str, post_op: str, pre_text: str, first: Value) -> str:
    if post_op:
        op = post_op
    elif pre_op == "=" and pre_text.startswith(UPPER_BOUND_VERBS):
        op = "<="
    else:
        op = pre_op or "="
    if first.upper is not None and post_op in ("", "range"):
        return "range"      # "控制在5%~6%", "保持在5%-5.5%之间"
    return "=" if op == "range" else op
