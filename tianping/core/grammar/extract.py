"""From a goal's text to indicators with targets.

Reads clause by clause, remembering across clauses what Chinese leaves unsaid: the
subject ("孕产妇死亡率到2025年控制在9/10万以下，到2030年控制在8/10万以下" -- the
second clause has none) and a deadline that opens a sentence ("到2025年，…").
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

from ..model import Baseline, BetterWay, Indicator, SourceRef, Target, TargetKind
from .clauses import MASK, Clause, split_clauses
from .directional import find_direction, is_vague
from .lexicon import FULL_COVERAGE_RE, LOWER_IS_BETTER_MARKS, RATE_UNITS
from .names import (
    clean_name,
    complete_name,
    distribute,
    has_head,
    head_of,
    noun_after_value,
    split_if_complete,
)
from .numeric import Group, find_groups

_LAST_AND_RE = re.compile("以及|和|与")   # "A以及B实现“两个全覆盖”"
_TRAILING_STOP = ("基础上", "水平", "的水平")
_MAX_TRAILING = 15


@dataclass
class _Reading:
    """What the reader remembers from earlier clauses of the same text."""

    end_year: int
    line: int
    text: str
    directional: bool
    subject: str = ""                  # last subject, for clauses that omit it
    base: str = ""                     # last subject before completion ("每个社区卫生服务中心")
    context: str = ""                  # "区储备的优秀年轻干部队伍中" before "女干部均不少于20%"
    period_no: int = -1
    carried_years: list[int] = field(default_factory=list)
    found: list[tuple[str, Target | Baseline]] = field(default_factory=list)
    newlines: list[int] = field(default_factory=list)   # offsets of "\n", for line numbers


def extract_indicators(text: str, *, end_year: int, line: int | None = None,
                       directional: bool = True) -> list[Indicator]:
    """Every indicator stated in ``text`` with its targets; never raises on odd text.

    ``line`` is the 1-based line of ``text`` in the document (for SourceRef);
    ``directional=False`` keeps only numeric targets (used for measure text, where
    "提高…能力" is an action, not a monitored target).
    """
    reading = _Reading(end_year, line or 1, text or "", directional)
    reading.newlines = [i for i, ch in enumerate(reading.text) if ch == "\n"]
    for clause in split_clauses(reading.text):
        _read_clause(reading, clause)
    return merge(reading.found)


def _read_clause(r: _Reading, clause: Clause) -> None:
    if clause.period_no != r.period_no:
        r.period_no, r.carried_years = clause.period_no, []
    if not r.directional and not clause.years and "全覆盖" not in clause.text and not any(
            c.isdigit() for c in clause.masked):      # masked: counts in Chinese numerals are digits there
        _remember(r, clause, "", False)    # measure text: only numbers and 全覆盖 matter
        return
    groups = find_groups(clause.masked)
    own_subject = ""
    if groups:
        own_subject = _numeric(r, clause, groups)
    elif not _full_coverage(r, clause):
        own_subject = _non_numeric(r, clause)
    if clause.leading_deadline and clause.years and not groups:
        r.carried_years = clause.years
    _remember(r, clause, own_subject, bool(groups))


def _remember(r: _Reading, clause: Clause, own_subject: str, had_targets: bool) -> None:
    bare = clean_name(clause.masked)
    if had_targets or own_subject:
        r.subject, r.context = own_subject or r.subject, ""
    elif bare and not clause.leading_deadline:
        r.subject, r.base = bare, ""
        r.context = bare if bare.endswith(("中", "里")) else ""


def _years(r: _Reading, clause: Clause) -> list[int]:
    return clause.years or r.carried_years or [r.end_year]


def _numeric(r: _Reading, clause: Clause, groups: list[Group]) -> str:
    """Targets of every value group in the clause; returns the clause's subject."""
    seg_start, subject = 0, ""
    for k, g in enumerate(groups):
        next_start = groups[k + 1].op_start if k + 1 < len(groups) else len(clause.masked)
        last = k + 1 == len(groups)
        name = _group_name(r, clause, seg_start, g, next_start, last)
        name = _elliptic(name, subject or r.subject, g) if name else subject or r.subject
        name = _population_first(name)
        if r.context and not name.startswith(r.context):
            name = r.context + name
        if not g.change:
            name = complete_name(name, g.values[-1].unit)
        subject = name
        if g.op == "from":
            _start_value(r, clause, name, g)
        else:
            for ind_name, target in _targets(r, clause, g, name, _phrase(clause, seg_start, g)):
                r.found.append((ind_name, target))
        seg_start = g.end
    return subject


_WHO = r"[^，。；、的]{0,4}(?:学生|生|儿童|幼儿|婴儿|妇女|女性|老人)"
_TOPIC_WHO_RE = re.compile(rf"^(?P<topic>[^，。；]*?(?:时间|时长))(?P<who>{_WHO})$")
_WHO_TOPIC_RE = re.compile(rf"^(?P<who>{_WHO})(?P<topic>[^，。；]*?(?:时间|时长))$")


# "每千名儿童拥有", "每万人口拥有": a rate per population that a list of counts shares.
_PER_RE = re.compile(r"^每[十百千万]?[名个位]?[^，。；、]{1,6}?拥有")


def _population_first(name: str) -> str:
    """"每天睡眠时间小学生达到10小时": the time is the pupils' -> "小学生每天睡眠时间"."""
    m = _TOPIC_WHO_RE.match(name)
    return m.group("who") + m.group("topic") if m else name


def _elliptic(name: str, previous: str, g: Group) -> str:
    """"市区…入园率达到98%以上，县（市）达到30%以上": a short qualifier borrows the rate
    just named ("县（市）入园率"); "小学生…10小时、初中生达到9小时" borrows the time
    ("初中生每天睡眠时间"). Other counts are left alone ("床位增至3.17张")."""
    time = _WHO_TOPIC_RE.match(previous)
    if time and re.fullmatch(_WHO, name):
        return name + time.group("topic")
    per = _PER_RE.match(previous)
    if per and len(name) <= 4 and not has_head(name) and not name.startswith("每"):
        return per.group() + name       # "每千名儿童拥有…医生达1.12名、床位增至3.17张"
    head = head_of(previous)
    shares = head.endswith(("率", "比例", "比重", "占比")) and g.values[-1].unit in RATE_UNITS
    if shares and not has_head(name) and len(name) <= 6:
        return name + head
    return name


def _start_value(r: _Reading, clause: Clause, name: str, g: Group) -> None:
    """"由2020年的95%提高到98%": 95 % is the indicator's 2020 baseline."""
    if clause.start_year and len(g.values) == 1:
        v = g.values[0]
        r.found.append((name, Baseline(year=clause.start_year, value=v.value, unit=v.unit,
                                       source=_source(r, clause))))


def _group_name(r: _Reading, clause: Clause, seg_start: int, g: Group, next_start: int,
                last: bool) -> str:
    name = clean_name(clause.named[seg_start: g.op_start])
    trailing = clause.named[g.end: next_start]
    if not name and trailing.startswith("的"):   # "100%的城市社区建立家长学校"
        return noun_after_value(clean_name(trailing[1:]))
    tail = clean_name(trailing) if last else ""
    if len(tail) > _MAX_TRAILING:        # "1名提供规范儿童基本医疗服务的全科医生" -> 全科医生
        tail = tail.rsplit("的", 1)[-1]
    base = name or r.base or r.subject   # what the words after the value complete
    r.base = base
    if _completes(base, tail):
        return base + tail       # "确保适龄儿童100%入学", "至少配备1名女干部"
    return name


def _completes(subject: str, tail: str) -> bool:
    """Do the words after the value finish the subject ("适龄儿童" + "入学")?"""
    return bool(tail) and len(tail) <= _MAX_TRAILING and not has_head(subject) and not (
        tail.startswith(_TRAILING_STOP) or any(c.isdigit() for c in tail))


def _phrase(clause: Clause, seg_start: int, g: Group) -> str:
    """The words that state the target, deadline included: "到2025年控制在9/10万以下"."""
    start = g.op_start
    while start > seg_start and clause.masked[start - 1] in MASK + "分别均力争":
        start -= 1
    return clause.text[start: g.end].strip()


def _targets(r: _Reading, clause: Clause, g: Group, name: str, phrase: str):
    """(indicator name, Target) pairs for one group: distribute names, values and years."""
    years = _years(r, clause)
    values = g.values
    names = distribute(name, len(values)) if len(values) > 1 else []
    if names:
        pairs = list(zip(names, values))
    elif len(values) > 1 and len(values) == len(years):
        for y, v in zip(years, values):
            yield name, _target(r, clause, g, v, y, None, phrase)
        return
    else:
        pairs = [(n, v) for v in values for n in split_if_complete(name)]
    bases = clause.base_years
    for n, v in pairs:
        for i, y in enumerate(years):
            base = bases[i] if len(bases) == len(years) else (bases[0] if bases else None)
            yield n, _target(r, clause, g, v, y, base, phrase)


def _target(r: _Reading, clause: Clause, g: Group, v, year: int, base: int | None, phrase: str) -> Target:
    op = g.op_for(v)
    return Target(year=year, op=op, value=v.value, upper=v.upper, unit=v.unit,
                  base_year=base if op.startswith("relative_") else None, kind="numeric",
                  text=phrase, source=_source(r, clause))


def _source(r: _Reading, clause: Clause) -> SourceRef:
    return SourceRef(line=r.line + bisect_right(r.newlines, clause.start - 1), text=clause.sentence)


def _full_coverage(r: _Reading, clause: Clause) -> bool:
    """"力争实现全覆盖", "实现“两个全覆盖”": a target of 100 %."""
    m = FULL_COVERAGE_RE.search(clause.masked.rstrip(MASK + " ”’\""))
    if not m:
        return False
    own = clean_name(clause.named[: m.start()])
    names = _coverage_names(own, two="两个" in m.group()) if own else [r.subject]
    for n in names:
        for y in _years(r, clause):
            r.found.append((n, Target(year=y, op=">=", value=100.0, unit="%", kind="numeric",
                                      text=clause.text[m.start(): m.end()].strip(),
                                      source=_source(r, clause))))
    r.subject = names[-1]
    return True


def _coverage_names(subject: str, *, two: bool) -> list[str]:
    """"A以及B实现“两个全覆盖”" covers A and B; each becomes a "…覆盖率"."""
    parts = _LAST_AND_RE.split(subject, maxsplit=1) if two else [subject]
    return [complete_name(p, "%", coverage=True) for p in (parts if len(parts) == 2 else [subject])]


def _non_numeric(r: _Reading, clause: Clause) -> str:
    if not r.directional:
        return ""
    d = find_direction(clause.masked)
    name = (d.name or r.subject) if d else ""
    if d is None or not name:
        return ""
    kind: TargetKind = "qualitative" if d.op == "qualitative" else "directional"
    vague = d.borderline if d.name else is_vague(name, d.phrase)
    for n in [name] if d.op == "qualitative" else split_if_complete(name):
        for y in _years(r, clause):
            r.found.append((n, Target(year=y, op=d.op, kind=kind, text=d.phrase,
                                      source=_source(r, clause), borderline=vague)))
    return name


# --- merging ---------------------------------------------------------------

_DIRECTION_OF: dict[str, BetterWay] = {">=": "up", ">": "up", "increase": "up", "relative_increase": "up",
                 "annual_increase": "up", "annual_relative_increase": "up",
                 "<=": "down", "<": "down", "decrease": "down", "relative_decrease": "down",
                 "annual_decrease": "down", "annual_relative_decrease": "down"}


def merge(found: list[tuple[str, Target | Baseline]]) -> list[Indicator]:
    """One Indicator per name, in order of first mention; duplicate targets dropped.

    "达到X" and "X以上" stated twice for one indicator are the same target, so a
    bare "=" is dropped when ">=" with the same value is present.
    """
    by_name: dict[str, Indicator] = {}
    for name, target in found:
        if not name:
            continue
        ind = by_name.get(name)
        if ind is None:
            ind = by_name[name] = Indicator(name=name, source=target.source)
        if isinstance(target, Baseline):
            ind.baselines.append(target)
        elif not any(_same(t, target) for t in ind.targets):
            ind.targets.append(target)
    by_name = {n: i for n, i in by_name.items() if i.targets}   # a start figure alone is no target
    for name, ind in by_name.items():
        _drop_weaker_duplicates(ind)
        ind.unit = next((t.unit for t in ind.targets if t.unit), "")
        ind.direction = infer_direction(name, ind.targets)
    return list(by_name.values())


def infer_direction(name: str, targets: list[Target]) -> BetterWay:
    """"up"/"down" (which way is better) from the targets' operators, else from the name
    ("…死亡率" is better lower), else "" -- for a bare "达到X" the assessment reads "up"."""
    for t in targets:
        if t.op in _DIRECTION_OF:
            return _DIRECTION_OF[t.op]
    return "down" if any(mark in name for mark in LOWER_IS_BETTER_MARKS) else ""


def _same(a: Target, b: Target) -> bool:
    return (a.year, a.op, a.value, a.upper, a.unit, a.base_year) == (
        b.year, b.op, b.value, b.upper, b.unit, b.base_year)


def _drop_weaker_duplicates(ind: Indicator) -> None:
    keys = {(t.year, t.value, t.unit) for t in ind.targets if t.op == ">="}
    ind.targets = [t for t in ind.targets if not (t.op == "=" and (t.year, t.value, t.unit) in keys)]
