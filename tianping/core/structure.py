"""The structure of a plan document: title, region, period, areas, goals, measures, sections.

``parse_structure(text)`` takes text already passed through
``normalize.normalize_text`` (one paragraph per line, ``（一）`` and ``1.`` in
one spelling, table cells as lines starting with a tab) and returns one
``Plan`` per plan in the file (seed 002 holds a women's and a children's plan).

The layout it reads, found in every seed:

    标题（2021—2030年）          optional; else taken from "编制《…规划》" or composed
    前言 + paragraphs
    一、指导思想、基本原则和总体目标  with （一）指导思想 （二）基本原则 （三）总体目标 …
    二、发展领域、主要目标和策略措施  with areas （一）妇女与健康, each with
        主要目标： 1.… 2.…   and   策略措施： 1.… 2.…   (or numbered measures only, seed 003)
    三、组织实施 / 重点实事项目 / 监测评估 …  kept as text
    表1：… followed by one cell per line (seed 003) -> Plan.indicator_table

Nothing here raises on odd input: a missing or unusually numbered part becomes a
Chinese sentence in ``Plan.warnings`` naming the line, and a text that is not a
plan gives an empty list (``looks_like_plan`` tells the reader beforehand).
Goal and measure indicators are left empty: the target grammar fills them.
"""

from __future__ import annotations

import copy
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Literal

from tianping.core.errors import TianpingError
from tianping.core.metadata import (
    NATIONAL,
    area_side,
    find_region,
    plan_period,
    region_in_name,
)
from tianping.core.model import (
    Area,
    Baseline,
    Goal,
    Indicator,
    Measure,
    Plan,
    PlanKind,
    SourceRef,
    Target,
)

__all__ = ["parse_structure", "looks_like_plan", "REQUIRED_SECTIONS"]

CN_NUM = "一二三四五六七八九十"
REQUIRED_SECTIONS = ("指导思想", "基本原则", "总体目标", "组织实施", "监测评估")

_CHAPTER_RE = re.compile(f"^(?:第)?([{CN_NUM}]{{1,3}})(?:、|[章部分]+)\\s*(.{{1,40}})$")
_SUBHEAD_RE = re.compile(f"^（([{CN_NUM}]{{1,3}})）(.*)$")
_ITEM_RE = re.compile(r"^(?:(\d{1,2})[.、](?!\d)|（(\d{1,2})）)\s*(.*)$")
_GOALS_LABEL_RE = re.compile(r"^(?:[（(]?[一二三123][）)、.]?)?主要目标[：:]?$")
_MEASURES_LABEL_RE = re.compile(r"^(?:[（(]?[一二三123][）)、.]?)?(?:策略措施|主要措施|措施)[：:]?$")
_PREFACE_RE = re.compile(r"^(?:前言|序言|引言)$")
_TABLE_RE = re.compile(r"^表\s*(\d+)[：:.\s]?(.*)$")
_SENTENCE_PUNCT_RE = re.compile("[，。；]")
_PLAN_NAME_RE = re.compile(r"(?:妇女|儿童)(?:发展)?[“\"]?(?:十四五)?[”\"]?(?:规划|纲要)")
_PERIOD_RE = re.compile(r"(20\d{2})\s*[—–\-~～至到]{1,2}\s*(20\d{2})\s*年")
_TITLE_LINE_RE = re.compile(r"(?:妇女|儿童).{0,8}(?:规划|纲要)(?:（20\d{2}\D{1,2}20\d{2}年）)?$")
_NAMED_TITLE_RE = re.compile(r"(?:编制|制定|印发)《([^《》]{4,40}(?:妇女|儿童)[^《》]{0,20}(?:规划|纲要)[^《》]{0,16})》")

# Section headings that mean the same thing under other words (seed 003: 统计监测和评估督导).
_SECTION_ALIASES = (
    ("监测评估", ("监测评估", "统计监测", "监测和评估", "评估督导")),
    ("组织实施", ("组织实施", "保障措施", "组织保障", "实施保障")),
    ("指导思想", ("指导思想",)),
    ("基本原则", ("基本原则",)),
    ("总体目标", ("总体目标",)),
    ("总体要求", ("总体要求",)),
    ("重点实事项目", ("重点实事", "重点项目", "重点工程")),
)


# --------------------------------------------------------------- detection

def looks_like_plan(text: str) -> bool:
    """True when the (normalised) text has the marks of a development plan."""
    if not text or not _PLAN_NAME_RE.search(text):
        return False
    lines = text.split("\n")
    areas = sum(1 for line in lines if _is_area_heading(line))
    labels = sum(1 for line in lines if _GOALS_LABEL_RE.match(line) or _MEASURES_LABEL_RE.match(line))
    return areas >= 2 or labels >= 2


def _is_area_heading(line: str) -> bool:
    match = _SUBHEAD_RE.match(line)
    return match is not None and _is_short_heading(match.group(2)) and bool(re.search("妇女|儿童|女性", match.group(2)))


def _is_short_heading(text: str) -> bool:
    return 0 < len(text) <= 30 and not _SENTENCE_PUNCT_RE.search(text)


def _chapter(line: str) -> tuple[int, str] | None:
    match = _CHAPTER_RE.match(line)
    if not match or _SENTENCE_PUNCT_RE.search(match.group(2)):
        return None
    return chinese_ordinal(match.group(1)), match.group(2).strip()


def chinese_ordinal(text: str) -> int:
    """一 -> 1, 十 -> 10, 十二 -> 12, 二十一 -> 21 (headings never go higher)."""
    digits = {ch: i for i, ch in enumerate("一二三四五六七八九", 1)}
    if "十" not in text:
        return digits.get(text, 0)
    tens, _, ones = text.partition("十")
    return digits.get(tens, 1) * 10 + digits.get(ones, 0)


# ---------------------------------------------------------------- the plan

@dataclass
class _Item:
    number: int
    line: int
    parts: list[str] = field(default_factory=list)
    numbered: bool = True

    @property
    def text(self) -> str:
        return "".join(self.parts)


@dataclass
class _Reader:
    """State while walking one plan's lines."""

    plan: Plan
    chapter: str = ""              # canonical name of the current 一、 chapter
    chapter_kind: str = ""         # "areas", "projects", "intro" or "section"
    section: str = ""              # key in plan.sections being filled
    area: Area | None = None
    block: str = ""                # "goals" or "measures" inside an area
    items: list[_Item] = field(default_factory=list)
    project: list[str] | None = None


def parse_structure(text: str, source_file: str = "") -> list[Plan]:
    """Plans found in normalised ``text``; [] when it is not a plan (see ``looks_like_plan``)."""
    if not looks_like_plan(text):
        return []
    lines = _blank_contents(text.split("\n"))
    return [half for start, end in _plan_spans(lines) for half in _parse_plan(lines, start, end, source_file)]


_CONTENTS_RE = re.compile(r"^目\s*录$")
_LEADER_RE = re.compile(r"[.．·…]{2,}\s*\d{1,3}$|\s+\d{1,3}$")


def _blank_contents(lines: list[str]) -> list[str]:
    """A table of contents ("目录" and the headings it lists) becomes blank lines: its
    "一、指导思想…" would open a second, empty plan. Blank, not removed, so line numbers
    still point into the document. The contents end where a heading comes again."""
    lines = list(lines)
    for index, line in enumerate(lines):
        if not _CONTENTS_RE.match(line):
            continue
        seen: set[str] = set()
        end = index + 1
        while end < len(lines):
            entry = _LEADER_RE.sub("", lines[end]).replace(" ", "")
            if entry in seen or not _is_contents_entry(entry):
                break
            seen.add(entry)
            end += 1
        if seen:
            lines[index:end] = [""] * (end - index)
        break
    return lines


def _is_contents_entry(entry: str) -> bool:
    if _PREFACE_RE.match(entry) or _chapter(entry) or entry in ("附件", "附表"):
        return True
    sub = _SUBHEAD_RE.match(entry)
    return sub is not None and _is_short_heading(sub.group(2))


def _plan_spans(lines: list[str]) -> list[tuple[int, int]]:
    """Line ranges of the plans in one file: each plan opens a new 一、指导思想 chapter."""
    firsts = [i for i, line in enumerate(lines) if (ch := _chapter(line)) and ch[0] == 1]
    starts = [0]
    for first in firsts[1:]:
        start = first
        for back in range(first - 1, starts[-1], -1):
            if _PREFACE_RE.match(lines[back]):
                start = back
                break
        while start - 1 > starts[-1] and _TITLE_LINE_RE.search(lines[start - 1]) and _is_short_heading(lines[start - 1]):
            start -= 1
        starts.append(start)
    return list(zip(starts, starts[1:] + [len(lines)]))


def _parse_plan(lines: list[str], start: int, end: int, source_file: str) -> list[Plan]:
    """The plan in lines[start:end]; a combined 妇女儿童 plan gives its two halves."""
    body = lines[start:end]
    title, title_line = _find_title(body)
    kind = _kind(title, body)
    plan = Plan(title=title, kind="women" if kind == "both" else kind, source_file=source_file)
    head = _head(body)
    region = find_region(title, head, body)
    plan.region, plan.region_code, plan.region_level = region.name, region.code, region.level
    plan.start_year, plan.end_year = plan_period(title, body[:40]) or (2021, 2030)
    plan.milestone_years = [2025, plan.end_year] if plan.end_year > 2025 else [plan.end_year]
    if not title:
        plan.title = _compose_title(plan, body)
    elif not _PERIOD_RE.search(title):
        plan.title = f"{title}（{plan.start_year}—{plan.end_year}年）"
    if title and region and not region_in_name(title):
        plan.title = ("中国" if region.name == NATIONAL else region.name) + plan.title   # "妇女发展规划" of 德清县
    reader = _Reader(plan)
    index = 0
    while index < len(body):
        line_no = start + index + 1
        if index == title_line:
            index += 1
            continue
        table = _TABLE_RE.match(body[index])
        if table and index + 1 < len(body) and body[index + 1].startswith("\t"):
            index = _read_table(reader, body, index, start)
            continue
        _read_line(reader, body[index], line_no)
        index += 1
    _close_area(reader)
    _check_sections(plan)
    return _split_combined(plan) if kind == "both" else [plan]


# ------------------------------------------------------------ title, region

def _head(body: list[str]) -> list[str]:
    """The lines before the preface or the first chapter: notice, issuer, title."""
    head = []
    for line in body[:60]:
        if _PREFACE_RE.match(line) or _chapter(line):
            break
        head.append(line)
    return head


def _find_title(body: list[str]) -> tuple[str, int | None]:
    """A title line before the preface (after any notice issuing it), else one named in
    the text ("编制《…》")."""
    for index, line in enumerate(_head(body)[:30]):
        line = _ISSUER_PREFIX_RE.sub("", _DRAFT_RE.sub("", line))
        if _TITLE_LINE_RE.search(line) and len(line) <= 60 and "。" not in line and not _NOTICE_RE.search(line):
            return line, index
    for line in body[:40]:
        if named := _NAMED_TITLE_RE.search(line):
            return named.group(1), None
    return "", None


_NOTICE_RE = re.compile("关于印发|的通知|印发给你们")
# A signature joined to the title line below it ("上海市长宁区人民政府" + "长宁区妇女发展…规划"):
# a plan's name never holds the issuer's.
_ISSUER_PREFIX_RE = re.compile(r"^.{2,40}(?:人民政府|委员会|政府办公室|办公厅)(?=.{2,40}(?:规划|纲要))")
# "（征求意见稿）" after a title marks the draft, not the plan's name
_DRAFT_RE = re.compile(r"[（(](?:征求意见稿|草案|送审稿|讨论稿|修订稿|审议稿|代拟稿)[）)]$")


def _kind(title: str, body: list[str]) -> PlanKind | Literal["both"]:
    """"women", "children" or "both" (妇女儿童发展规划: split after parsing)."""
    if "妇女" in title and "儿童" in title:
        return "both"
    if "儿童" in title:
        return "children"
    if "妇女" in title:
        return "women"
    names = [m.group(2) for line in body if _is_area_heading(line) and (m := _SUBHEAD_RE.match(line))]
    sides = Counter(area_side(name) for name in names)
    if sides["children"] and sides["women"] and not title:
        return "both"
    return "children" if sides["children"] > len(names) / 2 else "women"


def _split_combined(plan: Plan) -> list[Plan]:
    """A combined plan keeps its women's and children's areas apart: two plans, as a
    file holding two plans gives (seed 002). An area naming neither side (家庭建设)
    goes by what its goals speak of, else with the area before it."""
    halves: dict[PlanKind, list[Area]] = {"women": [], "children": []}
    side: PlanKind = "women"
    for area in plan.areas:
        text = "".join(goal.text for goal in area.goals) + "".join(m.text for m in area.measures)
        side = area_side(area.name, text) or side
        halves[side].append(area)
    if not halves["children"] or not halves["women"]:
        plan.kind = "children" if halves["children"] else "women"
        return [plan]
    plans = []
    for kind, areas in halves.items():
        half = copy.deepcopy(plan)
        half.kind, half.combined, half.areas = kind, True, copy.deepcopy(areas)
        half.indicator_table = [row for row in half.indicator_table if _table_side(row.name) == kind]
        plans.append(half)
    return plans


def _table_side(name: str) -> str:
    return area_side(name) or "women"


def _compose_title(plan: Plan, body: list[str]) -> str:
    """Seeds 000 and 004 carry no title: compose the usual one from what the text says."""
    text = "\n".join(body)
    city = ""
    if plan.region and (match := re.search(f"([\u4e00-\u9fff]{{2,3}}市){plan.region}", text)):
        city = match.group(1)
    word = "纲要" if text.count("纲要实施") + text.count("本纲要") > text.count("规划实施") + text.count("本规划") else "规划"
    subject = "儿童" if plan.kind == "children" else "妇女"
    fifth = "“十四五”" if plan.end_year == 2025 else ""
    place = "中国" if plan.region == NATIONAL else plan.region
    return f"{city}{place}{subject}发展{fifth}{word}（{plan.start_year}—{plan.end_year}年）"


# ---------------------------------------------------------------- line walk

def _read_line(reader: _Reader, line: str, line_no: int) -> None:
    if not line:
        return       # a blanked table of contents
    if line.startswith("\t"):
        line = line[1:]
    if _PREFACE_RE.match(line) and not reader.chapter:
        reader.section = "前言"
        return
    if chapter := _chapter(line):
        _open_chapter(reader, chapter[1], line_no)
        return
    if reader.chapter_kind == "areas":
        _read_area_line(reader, line, line_no)
    elif reader.chapter_kind == "projects":
        _read_project_line(reader, line)
    elif reader.chapter_kind == "intro" and (sub := _SUBHEAD_RE.match(line)) and _is_short_heading(sub.group(2)):
        reader.section = _canonical(sub.group(2))
    else:
        _append_section(reader.plan, reader.section or "前言", line)


def _open_chapter(reader: _Reader, name: str, line_no: int) -> None:
    _close_area(reader)
    _close_project(reader)
    reader.chapter = name
    if re.search("发展领域|主要目标|策略措施|目标措施|目标任务", name):
        reader.chapter_kind = "areas"
    elif re.search("重点实事|重点项目|重点工程", name):
        reader.chapter_kind, reader.section = "projects", ""
    elif re.search("指导思想|基本原则|总体目标", name):
        reader.chapter_kind = "intro"
        reader.section = _canonical(re.split("、|和", name)[0])
    else:
        reader.chapter_kind, reader.section = "section", _canonical(name)


def _canonical(name: str) -> str:
    for canonical, words in _SECTION_ALIASES:
        if any(word in name for word in words):
            return canonical
    return name


def _append_section(plan: Plan, key: str, line: str) -> None:
    plan.sections[key] = f"{plan.sections[key]}\n{line}" if key in plan.sections else line


# ------------------------------------------------------------------- areas

def _read_area_line(reader: _Reader, line: str, line_no: int) -> None:
    plan = reader.plan
    if _is_area_heading(line) or _is_next_area_number(reader, line):
        _open_area(reader, line, line_no)
        return
    if _GOALS_LABEL_RE.match(line) or _MEASURES_LABEL_RE.match(line):
        block = "goals" if _GOALS_LABEL_RE.match(line) else "measures"
        area = reader.area
        if area is None or (block == "goals" and (area.goals or area.measures or reader.block)):
            _unnamed_area(reader, line, line_no)
        elif reader.items and not reader.block:
            _drop_intro(reader)
        _flush_items(reader)
        reader.block = block
        return
    if reader.area is None:
        plan.warnings.append(f"第{line_no}行：发展领域部分出现在任何领域标题之前的内容，已忽略：“{_short(line)}”。")
        return
    item = _numbered_item(reader, line)
    if item:
        number, text = item
        _check_number(reader, number, line_no)
        reader.items.append(_Item(number, line_no, [text]))
    elif reader.items and any(i.numbered for i in reader.items):
        reader.items[-1].parts.append(line)      # a further paragraph of the numbered item
    else:
        # unnumbered lines before any numbered one: one item per line
        reader.items.append(_Item(len(reader.items) + 1, line_no, [line], numbered=False))


_DECIMAL_START_RE = re.compile(r"^(\d{1,2})\.(\d)")


def _numbered_item(reader: _Reader, line: str) -> tuple[int, str] | None:
    """(number, text) of a numbered goal or measure. "1.5岁以下儿童死亡率…" where item 1 is
    due is item 1 about 5岁以下儿童, not a paragraph starting with the number 1.5: the
    expected sequence decides."""
    item = _ITEM_RE.match(line)
    if item:
        return int(item.group(1) or item.group(2)), item.group(3)
    decimal = _DECIMAL_START_RE.match(line)
    if decimal and int(decimal.group(1)) == _next_number(reader):
        return int(decimal.group(1)), line[decimal.end(1) + 1:]
    return None


def _next_number(reader: _Reader) -> int:
    numbered = [item for item in reader.items if item.numbered]
    return numbered[-1].number + 1 if numbered else 1


def _drop_intro(reader: _Reader) -> None:
    """Text between an area heading and its first label is neither a goal nor a measure."""
    first = reader.items[0]
    reader.plan.warnings.append(
        f"第{first.line}行：“{_short(first.text)}”在领域标题和“主要目标/策略措施”之间，未计入目标或措施。"
    )
    reader.items = []


def _is_next_area_number(reader: _Reader, line: str) -> bool:
    """A short （N）heading numbered as the next area, even without 妇女/儿童 in its name."""
    sub = _SUBHEAD_RE.match(line)
    expected = len(reader.plan.areas) + (2 if reader.area else 1)
    return sub is not None and len(sub.group(2)) <= 15 and _is_short_heading(sub.group(2)) \
        and chinese_ordinal(sub.group(1)) == expected


def _open_area(reader: _Reader, line: str, line_no: int) -> None:
    _close_area(reader)
    sub = _SUBHEAD_RE.match(line)
    assert sub is not None, "called on a （N） area heading"
    number = chinese_ordinal(sub.group(1))
    expected = len(reader.plan.areas) + 1
    if number != expected:
        reader.plan.warnings.append(f"第{line_no}行：领域“{sub.group(2)}”的序号为（{sub.group(1)}），按顺序应为第{expected}个领域。")
    reader.area = Area(number=number, name=sub.group(2).strip(), source=SourceRef(line_no, line))
    reader.block = ""


def _unnamed_area(reader: _Reader, line: str, line_no: int) -> None:
    """A 主要目标 label with no area heading before it: keep the goals in an unnamed area."""
    _close_area(reader)
    number = len(reader.plan.areas) + 1
    reader.plan.warnings.append(
        f"第{line_no}行：“{line}”前没有领域标题（如“（{_cn(number)}）妇女与健康”），已作为第{number}个领域（未命名）处理。"
    )
    reader.area = Area(number=number, name="", source=SourceRef(line_no, line))


def _check_number(reader: _Reader, number: int, line_no: int) -> None:
    expected = reader.items[-1].number + 1 if reader.items else 1
    if number != expected:
        assert reader.area is not None, "goals and measures are read inside an area"
        area = reader.area.name or f"第{reader.area.number}个领域"
        reader.plan.warnings.append(
            f"第{line_no}行：{area}的{_block_name(reader)}编号为{number}，按顺序应为{expected}。"
        )


def _block_name(reader: _Reader) -> str:
    return "主要目标" if reader.block == "goals" else "策略措施"


def _flush_items(reader: _Reader) -> None:
    area = reader.area
    if area is None or not reader.items:
        reader.items = []
        return
    if not reader.block:
        # seed 003: areas list numbered measures without a 策略措施 label
        reader.block = "measures"
    _warn_unnumbered(reader)
    for item in reader.items:
        text = item.text.strip()
        source = SourceRef(item.line, text)
        if reader.block == "goals":
            area.goals.append(Goal(number=item.number, text=text, source=source))
        else:
            area.measures.append(Measure(number=item.number, title=_first_sentence(text), text=text, source=source))
    reader.items = []


def _warn_unnumbered(reader: _Reader) -> None:
    unnumbered = [item for item in reader.items if not item.numbered]
    if not unnumbered:
        return
    kind = _block_name(reader)
    if len(unnumbered) == len(reader.items) and len(unnumbered) > 1:
        reader.plan.warnings.append(f"第{unnumbered[0].line}行起：{kind}没有编号，已按每行一条处理。")
        return
    for item in unnumbered:
        reader.plan.warnings.append(f"第{item.line}行：“{_short(item.text)}”没有编号，已按一条{kind}处理。")


def _close_area(reader: _Reader) -> None:
    _flush_items(reader)
    area = reader.area
    if area is None:
        return
    reader.plan.areas.append(area)
    line = area.source.line if area.source else 0
    name = area.name or f"第{area.number}个领域"
    if not area.goals and not area.measures:
        reader.plan.warnings.append(f"第{line}行：领域“{name}”下没有找到编号的主要目标或策略措施。")
    elif not area.measures:
        reader.plan.warnings.append(f"第{line}行：领域“{name}”下没有找到“策略措施”。")
    reader.area, reader.block = None, ""


def _first_sentence(text: str) -> str:
    return re.split("[。；！？]", text, maxsplit=1)[0].strip()


# ---------------------------------------------------------------- projects

def _read_project_line(reader: _Reader, line: str) -> None:
    sub = _SUBHEAD_RE.match(line)
    item = _ITEM_RE.match(line)
    # a short （一）heading or a numbered item opens a project (the two patterns never both match)
    head = sub.group(2) if sub and _is_short_heading(sub.group(2)) else item.group(3) if item else None
    if head is not None:
        _close_project(reader)
        reader.project = [head.strip()]
    elif reader.project is not None:
        reader.project.append(line)
    else:
        _append_section(reader.plan, "重点实事项目", line)


def _close_project(reader: _Reader) -> None:
    if reader.project:
        head, *rest = reader.project
        reader.plan.key_projects.append(f"{head}：{''.join(rest)}" if rest else head)
    reader.project = None


# ------------------------------------------------------------------- table

_UNIT_RE = re.compile(r"^(.*?)[（(]([^（）()]{1,12})[）)]\s*$")
_NUMBER_RE = re.compile(r"^[<>≤≥]?\s*(-?\d+(?:\.\d+)?)")


@dataclass
class _Columns:
    name: int = -1
    baseline: int = -1
    target: int = -1
    source: int = -1
    baseline_year: int = 0
    target_year: int = 0
    width: int = 0


def _read_table(reader: _Reader, body: list[str], index: int, offset: int) -> int:
    """Read a table laid out one cell per line (seed 003's 表1); return the index after it."""
    caption_no = offset + index + 1
    cells: list[tuple[int, str]] = []
    index += 1
    while index < len(body) and body[index].startswith("\t"):
        cells.append((offset + index + 1, body[index][1:].strip()))
        index += 1
    header_end = next((i for i, (_, c) in enumerate(cells) if c.isdigit()), len(cells))
    columns = _columns([c for _, c in cells[:header_end]], reader.plan)
    if columns is None:
        reader.plan.warnings.append(f"第{caption_no}行：表格的表头无法识别（需要指标、目标等列），未读取表格。")
        return index
    previous: dict[int, str] = {}      # column -> last non-empty value, for merged cells
    for row in _rows(cells[header_end:], columns.width, reader.plan):
        indicator = _table_indicator(row, columns, previous, reader.plan)
        if indicator:
            reader.plan.indicator_table.append(indicator)
    return index


def _columns(header: list[str], plan: Plan) -> _Columns | None:
    columns = _Columns()
    has_number_column = bool(header) and re.search("序号|编号", header[0]) is not None
    for position, cell in enumerate(header):
        column = position if has_number_column else position + 1
        year = re.search(r"(20\d{2})年", cell)
        if "指标" in cell and columns.name < 0:
            columns.name = column
        elif "目标" in cell:
            columns.target, columns.target_year = column, int(year.group(1)) if year else plan.end_year
        elif re.search("来源|责任|部门|单位", cell):
            columns.source = column
        elif year or re.search("基期|基线|现状|预期|基数", cell):
            columns.baseline, columns.baseline_year = column, int(year.group(1)) if year else plan.start_year - 1
    columns.width = len(header) + (0 if has_number_column else 1)
    if columns.name < 0 or columns.target < 0:
        return None
    return columns


def _rows(cells: list[tuple[int, str]], width: int, plan: Plan) -> list[list[tuple[int, str]]]:
    """Cells grouped into rows. A row starts at its 序号 cell; normally every row has
    ``width`` cells, but a row that lost trailing empty cells ends where the next
    序号 (the next number up) stands."""
    rows: list[list[tuple[int, str]]] = []
    position = 0
    while position < len(cells):
        line_no, first = cells[position]
        if not first.isdigit():
            plan.warnings.append(f"第{line_no}行：表格单元“{_short(first)}”不在任何一行中，已跳过。")
            position += 1
            continue
        end = _row_end(cells, position, width, int(first))
        if end - position != width:
            plan.warnings.append(f"第{line_no}行：表格序号{first}这一行有{end - position}个单元，应有{width}个。")
        rows.append(cells[position:end])
        position = end
    return rows


def _row_end(cells: list[tuple[int, str]], start: int, width: int, number: int) -> int:
    full = min(start + width, len(cells))
    if full == len(cells) or _is_next_row_number(cells[full][1], number):
        return full
    # the row is short: it ends at the next row number within it
    for position in range(start + 2, full):
        if _is_next_row_number(cells[position][1], number):
            return position
    return full


def _is_next_row_number(cell: str, number: int) -> bool:
    return cell.isdigit() and number < int(cell) <= number + 3


def _cell(row: list[tuple[int, str]], column: int) -> str:
    return row[column][1] if 0 <= column < len(row) else ""


def _table_indicator(row, columns: _Columns, previous: dict[int, str], plan: Plan) -> Indicator | None:
    line_no, raw_name = row[min(columns.name, len(row) - 1)]
    if not raw_name:
        return None
    name, unit = _name_and_unit(raw_name)
    source = SourceRef(line_no, "｜".join(cell for _, cell in row))
    target_text = _merged(row, columns.target, previous, f"{name}”的目标值", plan)
    data_source = _merged(row, columns.source, previous, f"{name}”的数据来源", plan)
    indicator = Indicator(name=name, unit=unit, data_source=data_source, source=source)
    baseline = _baseline(_cell(row, columns.baseline), columns.baseline_year, unit, source)
    if baseline:
        indicator.baselines.append(baseline)
    if target_text:
        indicator.targets = _table_targets(target_text, columns.target_year, name, unit, source, plan)
    return indicator


def _merged(row, column: int, previous: dict[int, str], what: str, plan: Plan) -> str:
    """An empty cell under a filled one is a merged cell in the original table: reuse the value."""
    value = _cell(row, column)
    if value:
        previous[column] = value
    elif previous.get(column):
        value = previous[column]
        plan.warnings.append(
            f"第{row[0][0]}行：表格序号{row[0][1]}“{what}为空，按合并单元格沿用上一行的“{_short(value)}”。"
        )
    return value


def _name_and_unit(cell: str) -> tuple[str, str]:
    match = _UNIT_RE.match(cell)
    if not match:
        return cell, ""
    unit = match.group(2).strip()
    return match.group(1).strip(), unit


def _baseline(cell: str, year: int, unit: str, source: SourceRef) -> Baseline | None:
    match = _NUMBER_RE.match(cell)
    if not match or not year:
        return None
    return Baseline(year=year, value=float(match.group(1)), unit=unit, source=source)


def _table_targets(text: str, year: int, name: str, unit: str, source: SourceRef, plan: Plan) -> list[Target]:
    """Every target of the cell: "换届后当年达到100%，平时保持在85%以上" keeps both."""
    try:
        from tianping.core.grammar import parse_target_phrases
    except ImportError:      # the target grammar is not installed yet: keep the row, no targets
        return []
    try:
        targets = parse_target_phrases(text, year=year, indicator_name=name)
    except TianpingError as err:
        plan.warnings.append(f"第{source.line}行：指标“{name}”的目标“{text}”无法识别：{err.message}")
        return []
    for target in targets:
        if target.value is not None and not target.unit:
            target.unit = unit          # "＜7" in the column of 孕产妇死亡率（1/10万）
        if target.source is None:
            target.source = source
    return targets


# ---------------------------------------------------------------- checks

def _check_sections(plan: Plan) -> None:
    if not plan.areas:
        plan.warnings.append("全文没有找到发展领域（如“（一）妇女与健康”）及其主要目标、策略措施。")
    for name in REQUIRED_SECTIONS:
        if name not in plan.sections:
            plan.warnings.append(f"没有找到“{name}”部分（应为一级或二级标题，如“一、{name}”或“（一）{name}”）。")


def _short(text: str, limit: int = 30) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def _cn(number: int) -> str:
    return "十" if number == 10 else (CN_NUM[number - 1] if 1 <= number <= 9 else str(number))
