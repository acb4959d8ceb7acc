"""The plan parser: document text in, structured plans with indicators and targets out.

``parse_plan_text`` is the one entry point the readers, the CLI and the web call:

    raw text -> normalize_text -> parse_structure -> target grammar on every goal
    and measure -> preface figures attached as baselines.
"""

from __future__ import annotations

import hashlib

from .errors import DocumentError, Location
from .grammar import extract_indicators, infer_direction
from .grammar.baselines import extract_baselines, same_indicator
from .model import Indicator, Plan
from .normalize import normalize_text
from .structure import parse_structure

# Sections whose past figures are baselines (the preface reports the previous period).
PREFACE_KEYS = ("前言", "序言", "引言")


def parse_plan_text(raw_text: str, source_file: str = "") -> list[Plan]:
    """Every plan in the document (seed 002 holds two), fully parsed.

    Raises ``DocumentError`` (Chinese, naming the file) when the text is empty or is
    not a development plan; odd parts of a real plan become ``Plan.warnings``.
    """
    where = Location(file=source_file)
    if not isinstance(raw_text, str) or not raw_text.strip():
        raise DocumentError("文档没有可读的文字内容。", where)
    plans = parse_structure(normalize_text(raw_text), source_file=source_file)
    if not plans:
        raise DocumentError("没有找到规划的主要目标或策略措施，文档似乎不是妇女或儿童发展规划。", where)
    digest = hashlib.sha256(raw_text.encode("utf-8", "surrogatepass")).hexdigest()
    for plan in plans:
        plan.source_sha256 = plan.source_sha256 or digest
        fill_targets(plan)
        attach_baselines(plan)
    return plans


def fill_targets(plan: Plan) -> None:
    """Run the target grammar on every goal (all targets) and measure (numeric only);
    give indicator-table rows the direction their name or operators imply."""
    for area in plan.areas:
        for goal in area.goals:
            goal.indicators = extract_indicators(goal.text, end_year=plan.end_year, line=_line(goal))
        for measure in area.measures:
            measure.indicators = extract_indicators(measure.text, end_year=plan.end_year,
                                                    line=_line(measure), directional=False)
    for ind in plan.indicator_table:      # rows of a table such as 奉化区's 表1
        ind.direction = ind.direction or infer_direction(ind.name, ind.targets)


def _line(item) -> int | None:
    return item.source.line if item.source else None


def attach_baselines(plan: Plan) -> None:
    """Figures the preface reports ("截至2020年底…达到95.32%") become baselines of the
    matching goal or table indicator; a figure matching no indicator is left out."""
    preface = "\n".join(plan.sections.get(k, "") for k in PREFACE_KEYS)
    if not preface.strip():
        return
    indicators = _goal_and_table_indicators(plan)
    for name, baseline in extract_baselines(preface, default_year=plan.start_year - 1):
        for ind in indicators:
            if same_indicator(name, ind.name) and not any(
                    b.year == baseline.year for b in ind.baselines):
                ind.baselines.append(baseline)


def _goal_and_table_indicators(plan: Plan) -> list[Indicator]:
    found = [ind for area in plan.areas for goal in area.goals for ind in goal.indicators]
    return found + list(plan.indicator_table)


__all__ = ["parse_plan_text", "fill_targets", "attach_baselines"]
