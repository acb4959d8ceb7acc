"""A parsed plan out of Tianping: JSON (docs/plan-schema.json), Excel for the office to
check target by target, and Markdown for reading.

A document can hold several plans (seed 002 holds a women's and a children's plan),
so the list forms are the primary ones; the single-plan forms wrap them.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Iterator

from tianping.core.figures import dated_target, operator_words
from tianping.core.model import Area, Indicator, Plan, Target
from tianping.core.readers import format_number

PLAN_KIND_NAMES = {"women": "妇女", "children": "儿童"}

TARGET_KIND_NAMES = {"numeric": "数值", "directional": "方向", "qualitative": "定性"}


# --- JSON ---------------------------------------------------------------------------

def plans_to_json(plans: Iterable[Plan]) -> str:
    """The JSON array the schema's root describes: every plan of one document."""
    return json.dumps([plan.to_dict() for plan in plans], ensure_ascii=False, indent=2)


def plan_to_json(plan: Plan) -> str:
    """One plan as the schema's ``$defs/plan`` object."""
    return json.dumps(plan.to_dict(), ensure_ascii=False, indent=2)


# --- rows shared by Excel and Markdown ----------------------------------------------

def _indicator_places(plan: Plan) -> Iterator[tuple[Area | None, str, int | None, Indicator]]:
    """(area, where in the plan, item number, indicator) for every indicator, in document order."""
    for area in plan.areas:
        for goal in area.goals:
            for indicator in goal.indicators:
                yield area, "主要目标", goal.number, indicator
        for measure in area.measures:
            for indicator in measure.indicators:
                yield area, "策略措施", measure.number, indicator
    for indicator in plan.indicator_table:
        yield None, "指标表", None, indicator


def target_rows(plan: Plan) -> Iterator[list]:
    """One row per target, in TARGET_HEADERS order."""
    for area, place, number, indicator in _indicator_places(plan):
        for target in indicator.targets:
            source = target.source or indicator.source
            yield [
                plan.title, area.number if area else None, area.name if area else "", place, number,
                indicator.name, target.year, target.op, operator_words(target.op),
                target.value, target.upper, target.unit or indicator.unit, target.base_year,
                TARGET_KIND_NAMES.get(target.kind, target.kind), "是" if target.borderline else "",
                target.text, source.text if source else "", source.line if source else None,
            ]


TARGET_HEADERS = ["规划", "领域序号", "领域", "出处", "条目序号", "指标", "目标年份", "运算符", "含义",
                  "目标值", "上限值", "单位", "基期年份", "类型", "表述模糊", "目标表述", "原文句子", "行号"]
TARGET_WIDTHS = [24, 8, 14, 9, 8, 30, 9, 9, 10, 9, 8, 10, 9, 7, 8, 30, 60, 7]

ITEM_HEADERS = ["规划", "领域序号", "领域", "类别", "序号", "标题", "全文", "指标数", "行号"]
ITEM_WIDTHS = [24, 8, 14, 9, 6, 40, 80, 8, 7]

BASELINE_HEADERS = ["规划", "指标", "基期年份", "基期值", "单位", "原文句子", "行号"]
BASELINE_WIDTHS = [24, 30, 9, 10, 10, 60, 7]


def item_rows(plan: Plan) -> Iterator[list]:
    for area in plan.areas:
        for goal in area.goals:
            yield [plan.title, area.number, area.name, "主要目标", goal.number, _first_sentence(goal.text),
                   goal.text, len(goal.indicators), goal.source.line if goal.source else None]
        for measure in area.measures:
            yield [plan.title, area.number, area.name, "策略措施", measure.number, measure.title,
                   measure.text, len(measure.indicators), measure.source.line if measure.source else None]


def baseline_rows(plan: Plan) -> Iterator[list]:
    for _, _, _, indicator in _indicator_places(plan):
        for baseline in indicator.baselines:
            yield [plan.title, indicator.name, baseline.year, baseline.value, baseline.unit or indicator.unit,
                   baseline.source.text if baseline.source else "",
                   baseline.source.line if baseline.source else None]


def _first_sentence(text: str) -> str:
    end = text.find("。")
    return text if end < 0 else text[:end + 1]


# --- Excel ----------------------------------------------------------------------------

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
NO_VALUE_MARKS = ("-", "—")


def safe_cell(value):
    """The one guard against formula injection, for every workbook and CSV Tianping writes:
    text starting with = + - @ or a control character must not become a live formula when
    the office opens the file, so it gets a leading apostrophe. Numbers stay numbers, and a
    lone dash (the "no value" mark) stays a dash."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and value not in NO_VALUE_MARKS:
        return "'" + value
    return value


def plans_to_xlsx(plans: list[Plan]) -> bytes:
    """A workbook for checking the extraction: 指标目标 (one row per target), 目标与措施,
    基线, 规划信息 (period, source file, warnings)."""
    from openpyxl import Workbook

    workbook = Workbook()
    targets = workbook.active
    assert targets is not None, "a new workbook has one sheet"
    targets.title = "指标目标"
    _fill(targets, TARGET_HEADERS, TARGET_WIDTHS, (row for plan in plans for row in target_rows(plan)))
    _fill(workbook.create_sheet("目标与措施"), ITEM_HEADERS, ITEM_WIDTHS,
          (row for plan in plans for row in item_rows(plan)))
    _fill(workbook.create_sheet("基线"), BASELINE_HEADERS, BASELINE_WIDTHS,
          (row for plan in plans for row in baseline_rows(plan)))
    _fill(workbook.create_sheet("规划信息"), ["规划", "项目", "内容"], [24, 14, 80],
          (row for plan in plans for row in _info_rows(plan)))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def plan_to_xlsx(plan: Plan) -> bytes:
    return plans_to_xlsx([plan])


def _fill(sheet, headers: list[str], widths: list[int], rows: Iterable[list]) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(vertical="center")
    for row in rows:
        sheet.append([safe_cell(value) for value in row])
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    for index, width in enumerate(widths, 1):
        sheet.column_dimensions[get_column_letter(index)].width = width


def _info_rows(plan: Plan) -> Iterator[list]:
    yield [plan.title, "类型", PLAN_KIND_NAMES.get(plan.kind, plan.kind) + "发展规划"]
    yield [plan.title, "地区", plan.region]
    yield [plan.title, "规划期", f"{plan.start_year}—{plan.end_year}年"]
    yield [plan.title, "评估节点", "、".join(f"{year}年" for year in plan.milestone_years)]
    yield [plan.title, "源文件", plan.source_file]
    yield [plan.title, "SHA-256", plan.source_sha256]
    for project in plan.key_projects:
        yield [plan.title, "重点实事项目", project]
    for warning in plan.warnings:
        yield [plan.title, "提示", warning]


# --- Markdown ---------------------------------------------------------------------------

def plans_to_markdown(plans: Iterable[Plan]) -> str:
    return "\n\n".join(plan_to_markdown(plan) for plan in plans)


def plan_to_markdown(plan: Plan) -> str:
    lines = [f"# {plan.title}", ""]
    lines.append(f"- 类型：{PLAN_KIND_NAMES.get(plan.kind, plan.kind)}发展规划")
    if plan.region:
        lines.append(f"- 地区：{plan.region}")
    lines.append(f"- 规划期：{plan.start_year}—{plan.end_year}年")
    if plan.source_file:
        lines.append(f"- 源文件：{plan.source_file}" + (f"（SHA-256 {plan.source_sha256[:12]}…）"
                                                       if plan.source_sha256 else ""))
    lines.append(f"- 统计：{summary_line(plan)}")
    if plan.warnings:
        lines += ["", "## 提示", ""] + [f"- {_md(warning)}" for warning in plan.warnings]
    for area in plan.areas:
        lines += _area_markdown(area)
    if plan.indicator_table:
        lines += ["", "## 指标表", ""] + _indicator_lines(plan.indicator_table, "")
    if plan.key_projects:
        lines += ["", "## 重点实事项目", ""] + [f"- {_md(project)}" for project in plan.key_projects]
    return "\n".join(lines) + "\n"


def _area_markdown(area: Area) -> list[str]:
    lines = ["", f"## （{format_number(area.number, 'chineseCounting')}）{_md(area.name)}", ""]
    if area.goals:
        lines += ["### 主要目标", ""]
        for goal in area.goals:
            lines.append(f"{goal.number}. {_md(goal.text)}")
            lines += _indicator_lines(goal.indicators, "   ")
    if area.measures:
        lines += (["", "### 策略措施", ""] if area.goals else ["### 策略措施", ""])
        for measure in area.measures:
            lines.append(f"{measure.number}. {_md(measure.title)}")
            lines += _indicator_lines(measure.indicators, "   ")
    return lines


def _indicator_lines(indicators: list[Indicator], indent: str) -> list[str]:
    return [f"{indent}- {_md(indicator.name)}：{'；'.join(_targets_in_words(indicator))}"
            for indicator in indicators if indicator.targets]


def _targets_in_words(indicator: Indicator) -> list[str]:
    """Each target in words; two targets for one year also say which is which by their
    phrase ("2025年达到100%（换届后当年达到100%）；2025年85%以上（平时保持在85%以上）")."""
    years = [t.year for t in indicator.targets]
    words = []
    for t in indicator.targets:
        said = describe_target(t, indicator)
        if years.count(t.year) > 1 and t.text and len(t.text) <= 40:
            said += f"（{_md(t.text)}）"
        words.append(said)
    return words


def describe_target(target: Target, indicator: Indicator | None = None) -> str:
    """A target in words: "2025年9/10万以下", "2030年比2020年提高10%"."""
    return dated_target(target.year, target.op, target.value, target.unit, target.upper, target.base_year,
                        target.text, indicator.unit if indicator else "")


def _md(text: str) -> str:
    # keep a sentence from turning into Markdown markup
    return text.replace("\n", " ").replace("*", "\\*").replace("_", "\\_").replace("#", "\\#")


# --- summary ------------------------------------------------------------------------------

def plan_counts(plan: Plan) -> dict[str, int]:
    targets = [t for indicator in plan.indicators() for t in indicator.targets]
    return {
        "areas": len(plan.areas),
        "goals": sum(len(area.goals) for area in plan.areas),
        "measures": sum(len(area.measures) for area in plan.areas),
        "indicators": sum(1 for _ in plan.indicators()),
        "targets": len(targets),
        "numeric": sum(1 for t in targets if t.kind == "numeric"),
        "directional": sum(1 for t in targets if t.kind == "directional"),
        "qualitative": sum(1 for t in targets if t.kind == "qualitative"),
    }


def summary_line(plan: Plan) -> str:
    c = plan_counts(plan)
    return (f"{c['areas']}个领域，{c['goals']}条主要目标，{c['measures']}条策略措施，"
            f"{c['indicators']}个指标，{c['targets']}个目标值（数值{c['numeric']}、方向{c['directional']}、"
            f"定性{c['qualitative']}）")
