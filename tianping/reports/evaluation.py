"""中期/终期评估报告: the mid-term (2025) and final (2030) evaluation reports.

Attainment rate (达标率) overall and per area, in the national evaluation's words
("在可监测的33项指标中，有31项…，达标率93.9%"); the attained indicators and the
not-attained ones with their gaps; at mid-term, projections to the final year;
qualitative targets with the evaluation group's judgements; department
self-evaluation summaries given as input; and editable sections for problems and
recommendations, which the office writes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from tianping.reports import results as res
from tianping.reports.annual import (appendix_table, assessable_rows, attained_rows, by_area, ordinal, plan_name,
                                     pooled_part, status_members)
from tianping.reports.document import Fact, Heading, PageBreak, Paragraph, Report, Table, numbers_in
from tianping.reports.facts import (count_fact, plain_fact, rate_fact, result_fact, target_part, value_part,
                                    year_part)
from tianping.reports.phrases import compose, spoken_unit, fmt_number, shown_value, wording

STAGES = {"midterm": ("中期", "已实现目标"), "final": ("终期", "实现目标")}
ON_COURSE = ("已达标", "已实现", "预计达标")


@dataclass
class EvaluationInputs:
    """What people write, not the data: the office's and departments' text."""

    judgements: dict[str, str] = field(default_factory=dict)          # qualitative indicator -> judgement/evidence
    department_reports: dict[str, str] = field(default_factory=dict)  # department -> self-evaluation summary
    problems: str = ""
    recommendations: str = ""


def evaluation_milestone(stage: str, plan) -> int:
    milestones = sorted(getattr(plan, "milestone_years", None) or [2025, 2030])
    end = getattr(plan, "end_year", None) or milestones[-1]
    if stage == "final":
        return end
    return milestones[0] if milestones[0] < end else 2025


def build_evaluation(results: pd.DataFrame, *, stage: str, region: str, plan=None,
                     targets: pd.DataFrame | None = None, inputs: EvaluationInputs | None = None,
                     synthetic: bool = False, config=None) -> Report:
    """``config``: the assessment's AssessConfig (whether 基本达标 counts in 达标率)."""
    if stage not in STAGES:
        raise ValueError(f"评估阶段应为 midterm 或 final，收到 {stage!r}")
    inputs = inputs or EvaluationInputs()
    frame = res.prepare(results, targets)
    frame = res.for_region(frame, region)
    order = [i.name for i in plan.indicators()] if plan is not None else list(frame["indicator"].unique())
    frame = res.in_plan_order(frame, order)
    milestone = evaluation_milestone(stage, plan)
    rows = res.in_plan_order(res.for_milestone(res.totals(frame), milestone), order)
    stage_name, verb = STAGES[stage]

    report = Report(title="", kind=stage, region=region, year=milestone, synthetic=synthetic)
    plan_title = plan_name(plan, region)
    report.title, report.title_facts = compose(wording("eval_title"), plan_title=plan_title, stage=stage_name)
    report.title_facts += [plain_fact("plan", "title", float(n), n) for n in numbers_in(plan_title)]
    if synthetic:
        report.add(Paragraph(wording("synthetic_notice"), style="note"))

    sections = [
        ("总体评估", lambda: overall(rows, plan, verb, config)),
        ("目标实现情况", lambda: attainment(rows, plan, config)),
    ]
    if stage == "midterm":
        final_rows = res.totals(frame)
        final_rows = final_rows[final_rows["milestone"] == evaluation_milestone("final", plan)]
        sections.append(("到规划期末目标实现预测", lambda: projections(final_rows)))
    sections += [
        ("定性目标评估", lambda: qualitative(rows, inputs.judgements)),
        ("成员单位自评情况", lambda: departments(inputs.department_reports)),
        ("存在的主要问题", lambda: [editable(inputs.problems)]),
        ("下一步工作建议", lambda: [editable(inputs.recommendations)]),
    ]
    for number, (title, make) in enumerate(sections, start=1):
        report.add(Heading(f"{ordinal(number)}、{title}", 1))
        for block in make():
            report.add(block)
    report.add(PageBreak())
    report.add(Heading("附录  监测指标及评估结果", 1))
    report.add(appendix_table(res.totals(frame)))
    return report


def overall(rows: pd.DataFrame, plan, verb: str, config=None) -> list:
    """达标率 overall and per area: ``rows`` are core's applicable targets (one per
    indicator), counted with core's masks (annual.assessable_rows / attained_rows)."""
    assessable = assessable_rows(rows)
    attained = attained_rows(assessable, config)
    text, facts = compose(wording("eval_overall"), assessable=count_fact("assessable", assessable),
                          attained=count_fact("status:已达标/已实现", attained), attained_verb=verb,
                          rate=rate_fact(attained, assessable))
    blocks: list = [Paragraph(text, facts, style="lead"), Paragraph(wording("eval_rate_note"), style="note")]
    table = Table(header=["领域", "指标数", "可监测", "达标", "达标率（%）"], rows=[],
                  caption="各领域目标达标情况", widths=[4, 1.5, 1.5, 1.5, 2])
    for area, area_rows in by_area(rows, plan):
        area_assessable = assessable_rows(area_rows)
        area_attained = attained_rows(area_assessable, config)
        counts = [count_fact("indicators", area_rows, area), count_fact("assessable", area_assessable, area),
                  count_fact("status:已达标/已实现", area_attained, area)]
        share = rate_fact(area_attained, area_assessable, area) if len(area_assessable) else None
        table.rows.append([area, *(c.shown for c in counts), share.shown if share else "—"])
        table.facts += counts + ([share] if share else [])
        if len(area_assessable):
            text, facts = compose(wording("eval_area"), area=area, assessable=counts[1], attained=counts[2],
                                  attained_verb=verb, rate=share)
            blocks.append(Paragraph(text, facts))
    blocks.append(table)
    return blocks


def attainment(rows: pd.DataFrame, plan, config=None) -> list:
    blocks: list = [Heading("（一）已实现目标的指标", 2)]
    attained = attained_rows(assessable_rows(rows), config)
    if attained.empty:
        blocks.append(Paragraph("暂无已实现目标的指标。"))
    for area, area_rows in by_area(attained, plan):
        pieces, facts = [], []
        for _, row in area_rows.iterrows():
            piece, piece_facts = attained_piece(row)
            pieces.append(piece)
            facts += piece_facts
        blocks.append(Paragraph(f"{area}：" + "；".join(pieces) + "。", facts))
    blocks.append(Heading("（二）尚未实现目标的指标", 2))
    assessable = assessable_rows(rows)
    missing = assessable.drop(index=attained.index)
    if missing.empty:
        blocks.append(Paragraph("可监测指标均已实现目标。"))
    for _, row in missing.iterrows():
        blocks.append(gap_sentence(row))
    no_data = status_members(rows, ["数据不足"])
    if not no_data.empty:
        text, facts = compose("另有{count}项指标数据不足，暂无法评估：{names}。",
                              count=count_fact("status:数据不足", no_data), names="、".join(no_data["indicator"]))
        blocks.append(Paragraph(text, facts))
    return blocks


def attained_piece(row) -> tuple[str, list[Fact]]:
    """"孕产妇系统管理率2024年为96.2%（目标≥95%）"."""
    if not res.present(row["latest_value"]):
        return row["indicator"], []
    text, facts = compose("{indicator}{year}年为{value}", indicator=row["indicator"],
                          year=year_part(row), value=value_part(row))
    target, target_facts = target_part(row)
    if target:
        text += f"（目标{target}）"
        facts += target_facts
    return text, facts


def gap(row) -> float:
    """Distance from the latest value to the value the target requires (the engine's goal_value:
    the band edge for "~", the resolved value for relative and annual targets)."""
    goal = row["goal_value"] if res.present(row["goal_value"]) else row["target_value"]
    return round(abs(shown_value(goal) - shown_value(judged_value(row))), 1)


def judged_value(row) -> float:
    """The value attainment was judged on: the pooled rate for a rare event (core
    engine.py, "Rare events"), else the latest value."""
    pooled = row.get("pooled_years")
    return row["pooled_value"] if res.present(pooled) and pooled and res.present(row.get("pooled_value")) \
        else row["latest_value"]


def gap_sentence(row) -> Paragraph:
    """"孕产妇死亡率2025年为10.3/10万，目标≤9/10万，差距1.3个十万分点。" """
    if not res.present(row["latest_value"]):
        return Paragraph(f"{row['indicator']}：{row['status']}。")
    if not (res.present(row["goal_value"]) or res.present(row["target_value"])):   # 逐步提高 and the like
        text, facts = attained_piece(row)
        return Paragraph(f"{text}，评估为“{row['status']}”。", facts)
    spoken = spoken_unit(row["unit"])
    gap_fact = result_fact(row, "gap", gap(row), fmt_number(gap(row)))
    gap_text = (gap_fact.shown + spoken, [gap_fact]) if gap(row) >= 0.05 else ("甚微", [])   # rounds to 0: not attained, nearly
    text, facts = compose(wording("eval_gap"), indicator=row["indicator"], year=year_part(row),
                          value=value_part(row), target=target_part(row), gap=gap_text)
    pooled, pooled_facts = pooled_part(row)
    if pooled and "，目标" in text:   # the gap is to the pooled rate: say so before the target
        text = text.replace("，目标", "，" + pooled.rstrip("，") + "，目标", 1)
        facts += pooled_facts
    return Paragraph(text[:-1] + f"，评估为“{row['status']}”。", facts)


def projections(final_rows: pd.DataFrame) -> list:
    blocks = []
    usable = final_rows[final_rows["projection"].map(res.present) & final_rows["latest_value"].map(res.present)
                        & final_rows["target_value"].map(res.present)]
    if usable.empty:
        return [Paragraph("现有数据尚不足以预测规划期末目标实现情况。")]
    for _, row in usable.iterrows():
        outlook = "有望如期实现" if row["status"] in ON_COURSE else "如期实现存在困难，需加大工作力度"
        low, high = interval_parts(row)
        text, facts = compose(
            wording("eval_projection"), indicator=row["indicator"], year=year_part(row), value=value_part(row),
            milestone=result_fact(row, "milestone"), projection=value_part(row, "projection"),
            low=low, high=high, target=target_part(row), outlook=outlook)
        blocks.append(Paragraph(text, facts))
    return blocks


def interval_parts(row):
    if res.present(row["projection_low"]) and res.present(row["projection_high"]):
        low, high = result_fact(row, "projection_low"), result_fact(row, "projection_high")
        return (low.shown, [low]), (high.shown, [high])
    return ("—", []), ("—", [])


def qualitative(rows: pd.DataFrame, judgements: dict[str, str]) -> list:
    marked = rows[(rows["kind"] == "qualitative") | (rows["status"] == "待评估")]
    if marked.empty:
        return [Paragraph("本规划未设定定性目标。")]
    blocks = []
    for _, row in marked.iterrows():
        judged = judgements.get(row["indicator"]) or engine_judgement(row)
        text = f"{row['indicator']}：{judged}" if judged else f"{row['indicator']}：{row['status']}，由评估组依据佐证材料作出判断。"
        blocks.append(Paragraph(text, editable=not judged, style="body" if judged else "placeholder"))
    return blocks


def engine_judgement(row) -> str:
    """The evaluation group's word recorded in the assessment (达标/基本达标/未达标), if any."""
    word = str(row.get("judgement", "") or "")
    return f"评估组评定为“{word}”。" if word and word != "nan" else ""


def departments(reports: dict[str, str]) -> list:
    if not reports:
        return [editable("")]
    return [Paragraph(f"{name}：{summary}") for name, summary in reports.items()]


def editable(text: str) -> Paragraph:
    if text:
        return Paragraph(text, editable=True)
    return Paragraph(wording("placeholder"), style="placeholder", editable=True)
