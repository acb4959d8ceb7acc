"""中期/终期评估报告: the mid-term and final evaluation reports, in the shape of a local
government's evaluation of its plan.

Mid-term: 2025 for a 2021–2030 plan, 2023 for a 十四五 (2021–2025) plan; final: the plan's
last year. Sections: 数据说明 (first page: where the data stop, what is missing), 总体评价
(达标率 overall and per area; counts that add up), per area a headline judgement, the
indicators said in groups and the table 指标 | 基期值 | 目标 | 实际 | 差距 | 状态 | 责任单位
with charts; (mid-term) the outlook to the final year; 重点工程 progress; qualitative
targets; departments and reasons for lagging; drafted 存在问题 and 对策建议; issuer and date;
an appendix with every indicator.

One verdict per indicator (verdicts.py) is used in every section. A final report
judges only what happened: 已实现 or 未实现, never a projection.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable

import pandas as pd

from tianping.core import figures
from tianping.reports import results as res
from tianping.reports.charts import (
    ChartSpec,
    ChartTarget,
    Projection,
    indicator_chart,
    pick_for_charts,
)
from tianping.reports.context import (
    Completeness,
    EvaluationInputs,
    completeness_of,
    responsible_for,
)
from tianping.reports.document import (
    Chart,
    Fact,
    Heading,
    PageBreak,
    Paragraph,
    Report,
    Table,
    number_captions,
    numbers_in,
)
from tianping.reports.drafts import (
    FEW_ASSESSABLE,
    bigrams,
    draft_problems,
    draft_recommendations,
    draft_section,
    few_assessable,
)
from tianping.reports.facts import (
    ALIGNED,
    count_fact,
    plain_fact,
    rate_fact,
    result_fact,
    table_target,
    value_part,
    year_fact,
)
from tianping.reports.phrases import (
    compose,
    fmt_count,
    fmt_number,
    rate,
    shown_value,
    spoken_unit,
    with_unit,
    wording,
)
from tianping.reports.planner import Openings, counted_names, group_sentence, listing
from tianping.reports.verdicts import (
    CLASSES,
    LAGGING,
    Verdict,
    verdicts_for,
    warning_kinds_by_indicator,
)

STAGE_NAMES = {"midterm": "中期", "final": "终期", "annual": "年度"}
CLASS_ORDER = list(CLASSES)
CHARTS_PER_AREA = 2
CHARTS_IN_ALL = 10
SIMPLE_OPS = {">=", "<=", ">", "<", "=", "~", "range"}

__all__ = ["EvaluationInputs", "build_evaluation", "evaluation_year", "evaluation_milestone"]


def evaluation_year(stage: str, plan) -> int:
    """Final: the plan's last year. Mid-term: the middle of a five-year (十四五) plan
    (2023 for 2021–2025), else its first milestone before the end (2025)."""
    start = getattr(plan, "start_year", None) or 2021
    end = getattr(plan, "end_year", None) or 2030
    if stage == "final":
        return end
    if end - start <= 5:
        return start + (end - start) // 2
    earlier = sorted(m for m in (getattr(plan, "milestone_years", None) or []) if m < end)
    return earlier[0] if earlier else min(2025, end)


evaluation_milestone = evaluation_year      # the older name


def plan_name(plan, region: str) -> str:
    return plan.title if plan is not None else f"{region}妇女儿童发展规划"


def ordinal(n: int) -> str:
    """一 … 十, 十一 … 九十九, 一百 …: Chinese numerals for section and list numbers."""
    digits = "一二三四五六七八九"
    if n >= 100:
        hundreds, rest = divmod(n, 100)
        tail = "" if rest == 0 else "零" + ordinal(rest) if rest < 10 else "一" + ordinal(rest) if rest < 20 else ordinal(rest)
        return digits[hundreds - 1] + "百" + tail
    tens, units = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else digits[tens - 1] + "十")
    return head + (digits[units - 1] if units else "")


def by_area(rows: pd.DataFrame, plan) -> list[tuple[str, pd.DataFrame]]:
    names = [a.name for a in plan.areas] if plan is not None else []
    names += [a for a in rows["area"].unique() if a not in names]
    return [(name or "主要指标", rows[rows["area"] == name]) for name in names if (rows["area"] == name).any()]


class Evaluation:
    """Everything the sections share: rows, verdicts, inputs, years."""

    def __init__(self, results, *, stage, region, plan, targets, inputs, observations, warnings, synthetic,
                 year: int | None = None):
        if stage not in STAGE_NAMES:
            raise ValueError(f"评估阶段应为 midterm 或 final，收到 {stage!r}")
        self.stage, self.region, self.plan = stage, region, plan
        self.final = stage == "final"
        self.inputs = inputs or EvaluationInputs()
        self.observations = res.observations_for(observations, region)
        frame = res.for_region(res.prepare(results, targets, observations), region)
        frame = res.add_monitored(frame, observations, plan, region)
        self.order = [i.name for i in plan.indicators()] if plan is not None else list(frame["indicator"].unique())
        self.frame = res.in_plan_order(frame, self.order)
        if stage != "annual":
            year = evaluation_year(stage, plan)
        elif year is None:
            raise ValueError("年度报告需要年份（year）")
        self.year: int = year
        self.end = getattr(plan, "end_year", None) or 2030
        self.base_year = (getattr(plan, "start_year", None) or 2021) - 1
        headline = res.totals(self.frame)
        monitored = headline[headline["status"] == res.MONITORED]
        self.all_targets = headline[headline["milestone"].map(res.present)]
        self.rows = res.in_plan_order(pd.concat([res.for_milestone(self.all_targets, self.year), monitored]),
                                      self.order)
        latest = self.rows["latest_year"].dropna()
        self.data_year: int | None = int(min(latest.max(), self.year)) if len(latest) else None
        self.verdicts: dict[Hashable, Verdict] = verdicts_for(self.rows, stage=stage, data_year=self.data_year,
                                                              warnings=warnings, region=region)
        self.warnings: pd.DataFrame | None = warnings
        self.milestones: list[int] = sorted({int(m) for m in self.all_targets["milestone"].dropna()})
        self.completeness: Completeness = completeness_of(self.rows, self.year, self.observations, self.inputs)
        self.synthetic = synthetic

    def in_classes(self, rows: pd.DataFrame, classes) -> pd.DataFrame:
        return rows.loc[[i for i in rows.index if self.verdicts[i].klass in classes]]

    def counted(self, rows):
        return rows.loc[[i for i in rows.index if self.verdicts[i].counted]]

    def attained(self, rows):
        return rows.loc[[i for i in rows.index if self.verdicts[i].attained]]

    @property
    def attained_word(self) -> str:
        return "已实现目标" if self.final else "已达到目标"


def build_evaluation(results: pd.DataFrame, *, stage: str, region: str, plan=None,
                     targets: pd.DataFrame | None = None, inputs: EvaluationInputs | None = None,
                     synthetic: bool = False, config=None, observations: pd.DataFrame | None = None,
                     warnings: pd.DataFrame | None = None, today: dt.date | None = None) -> Report:
    ev = Evaluation(results, stage=stage, region=region, plan=plan, targets=targets, inputs=inputs,
                    observations=observations, warnings=warnings, synthetic=synthetic)
    report = Report(title="", kind=stage, region=region, year=ev.year, synthetic=synthetic)
    plan_title = plan_name(plan, region)
    report.title, report.title_facts = compose(wording("eval_title"), plan_title=plan_title,
                                               stage=STAGE_NAMES[stage])
    report.title_facts += [plain_fact("plan", "title", float(n), n) for n in numbers_in(plan_title)]
    report.completeness = ev.completeness.to_dict()
    if synthetic:
        report.add(Paragraph(wording("synthetic_notice"), style="note"))
    for block in data_statement(ev):
        report.add(block)
    sections = [("总体评价", overall), ("各领域目标实现情况", areas)]
    if not ev.final and any(m > ev.year for m in ev.milestones):
        sections.append((f"到{ev.end}年目标实现展望", outlook))
    if getattr(plan, "key_projects", None) or ev.inputs.projects:
        sections.append(("重点工程（实事项目）推进情况", key_projects))
    if (ev.rows["kind"] == "qualitative").any() or (ev.rows["status"] == "待评估").any():
        sections.append(("定性目标评估情况", qualitative))
    sections += [("成员单位履职及滞后原因分析", departments), ("存在的主要问题", problems),
                 ("对策建议", recommendations)]
    for number, (title, make) in enumerate(sections, start=1):
        report.add(Heading(f"{ordinal(number)}、{title}", 1, [year_fact(n) for n in numbers_in(title)]))
        for block in make(ev):
            report.add(block)
    for block in signature(ev, today):
        report.add(block)
    report.add(PageBreak())
    report.add(Heading("附录  全部监测指标评估结果", 1))
    report.add(appendix(ev))
    report.add(Paragraph(wording("eval_rate_note"), style="note"))
    return number_captions(report)


# ------------------------------------------------------------------ page one

def data_statement(ev: Evaluation) -> list:
    """Where the data stop and what is missing, said plainly on the first page."""
    c: Completeness = ev.completeness
    plan_title = plan_name(ev.plan, ev.region)
    issuer = ev.inputs.issuer or wording("issuer_default").format(region=ev.region)
    first = c.data_first_year or ev.base_year
    last = c.data_last_year
    blocks = []
    if last is None:
        blocks.append(Paragraph("数据说明：截至本报告生成时，尚未收到任何监测数据，以下各项指标均无法评估。",
                                style="warning"))
        return blocks
    intro, facts = compose(wording("eval_intro"), plan_title=plan_title, issuer=issuer,
                           stage=STAGE_NAMES[ev.stage],
                           first=plain_fact("report", "year", first, fmt_count(first)),
                           last=plain_fact("report", "year", last, fmt_count(last)))
    blocks.append(Paragraph(intro, facts, style="lead"))
    pieces, facts = [], []
    if last < ev.year:
        verb = "目标实现情况按各指标截至该年的最新数据评判" if ev.final else "各项判断依据截至该年的最新数据"
        last_fact = plain_fact("report", "year", last, fmt_count(last))
        year_fact = plain_fact("report", "year", ev.year, fmt_count(ev.year))
        pieces.append(f"本报告数据截至{last_fact.shown}年，{year_fact.shown}年数据尚未报送，{verb}")
        facts += [last_fact, year_fact]
    quantitative, with_data = quantitative_rows(ev)
    total, have = count_fact("completeness:quantitative", quantitative), count_fact("completeness:with_data", with_data)
    year_fact = plain_fact("report", "year", ev.year, fmt_count(ev.year))
    pieces.append(f"规划设定的{total.shown}项定量指标中，{have.shown}项有{year_fact.shown}年数据")
    facts += [total, have, year_fact]
    if c.departments_expected:
        reported = [d for d in c.departments_expected if d in c.departments_reported]
        expected_fact = plain_fact("completeness", "departments_expected", len(c.departments_expected))
        reported_fact = plain_fact("completeness", "departments_reported", len(reported))
        text = f"{expected_fact.shown}个成员单位中{reported_fact.shown}个已报送"
        if c.departments_missing:
            text += "，" + "、".join(c.departments_missing) + "尚未报送"
        pieces.append(text)
        facts += [expected_fact, reported_fact]
    style = "note" if c.complete else "warning"
    blocks.append(Paragraph("数据说明：" + "；".join(pieces) + "。", facts, style=style))
    return blocks


def quantitative_rows(ev: Evaluation) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(indicators with a quantitative target or monitored, … with a value for the report year)."""
    rows = ev.rows
    quantitative = rows[(rows["kind"] != "qualitative") & (rows["status"] != "待评估")]
    with_data = quantitative[quantitative["latest_year"] == ev.year]
    return quantitative, with_data


# ------------------------------------------------------------------ 总体评价

def overall(ev: Evaluation) -> list:
    rows = ev.rows
    counted, attained = ev.counted(rows), ev.attained(rows)
    missed = counted.drop(index=attained.index)
    no_data = ev.in_classes(rows, ("no_data",))
    few_events = ev.in_classes(rows, ("few_events",))
    monitored = ev.in_classes(rows, ("monitored",))
    pending = ev.in_classes(rows, ("pending",))
    qualitative = rows[rows["kind"] == "qualitative"]
    judged_qualitative = ev.counted(qualitative)
    total = count_fact("indicators", rows)
    parts = dict(total=total, counted=count_fact("assessable", counted), attained=count_fact("attained", attained),
                 missed=count_fact("missed", missed), rate=rate_fact(attained, counted))
    early = attained[attained["milestone"] > (ev.data_year or ev.year)] if not ev.final else attained.iloc[0:0]
    if ev.final:
        head = "规划设定的{total}项指标中，可评估{counted}项，已实现目标{attained}项，未实现{missed}项，达标率{rate}%"
    else:
        head = "规划设定的{total}项指标中，可评估{counted}项，已达到目标{attained}项，尚未达到{missed}项，达标率{rate}%"
    if counted.empty:
        head = "规划设定的{total}项指标中，暂无可评估的指标"
        parts = dict(total=total)
    text, facts = compose(head, **parts)
    tail = []
    if len(early) and not ev.final:
        e = count_fact("attained:early", early)
        tail.append((f"已达到目标的指标中，{e.shown}项为提前实现{ev.end}年目标", [e, year_fact(ev.end)]))
    if len(qualitative):
        q = count_fact("qualitative", qualitative)
        if len(judged_qualitative):
            jq = count_fact("qualitative:judged", judged_qualitative)
            tail.append((f"定性指标{q.shown}项中已评定{jq.shown}项，计入达标率", [q, jq]))
    if len(no_data):
        c = count_fact("no_data", no_data)
        tail.append((f"另有{c.shown}项指标缺少监测数据", [c]))
    if len(few_events):
        c = count_fact("no_data", few_events)
        tail.append((f"{c.shown}项指标例数较少，尚不能判断", [c]))
    if len(monitored):
        c = count_fact("no_data", monitored)
        tail.append((f"{c.shown}项指标未设定量目标，仅作监测", [c]))
    if len(pending):
        c = count_fact("pending", pending)
        tail.append((f"{c.shown}项定性指标尚待评估组评定", [c]))
    for piece, piece_facts in tail:
        text += "；" + piece
        facts += piece_facts
    blocks: list = [Paragraph(text + "。", facts, style="lead")]
    blocks.append(base_comparison(ev))
    blocks += area_overview(ev)
    return [b for b in blocks if b is not None]


def base_comparison(ev: Evaluation) -> Paragraph | None:
    """"与2020年相比，有基期数据的N项指标中，X项向目标方向改善，Y项退步。" """
    better: list[Hashable] = []
    worse: list[Hashable] = []
    for index, row in ev.rows.iterrows():
        base = base_value(ev, row)
        direction = good_direction(row)
        if base is None or direction == 0 or not res.present(row["latest_value"]):
            continue
        change = shown_value(row["latest_value"]) - shown_value(base)
        if abs(change) < 0.05:
            continue
        (better if change * direction > 0 else worse).append(index)
    if not better and not worse:
        return None
    b, w = count_fact("base:better", ev.rows.loc[better]), count_fact("base:worse", ev.rows.loc[worse])
    n = count_fact("base:compared", ev.rows.loc[better + worse])
    base = plain_fact("report", "year", ev.base_year, fmt_count(ev.base_year))
    text = (f"与{base.shown}年基期相比，有基期数据且发生变化的{n.shown}项指标中，{b.shown}项向目标方向改善，"
            f"{w.shown}项向不利方向变化。")
    return Paragraph(text, [base, n, b, w])


def good_direction(row) -> int:
    """+1 when a higher value is better, −1 when lower is, 0 unknown."""
    op = row["op"]
    if op in (">=", ">", "increase", "relative_increase", "annual_increase", "annual_relative_increase"):
        return 1
    if op in ("<=", "<", "decrease", "relative_decrease", "annual_decrease", "annual_relative_decrease"):
        return -1
    direction = str(row.get("direction", "") or "")
    return 1 if direction == "up" else -1 if direction == "down" else 0


def area_overview(ev: Evaluation) -> list:
    yes, no = ("已实现", "未实现") if ev.final else ("已达标", "未达标")
    with_monitored = (ev.rows["status"] == res.MONITORED).any()
    # 例数过少 has its own column: the text counts it apart from 缺少监测数据, so must the table.
    with_few = bool(len(ev.in_classes(ev.rows, ("few_events",))))
    table = Table(header=["领域", "指标数", "可评估", yes, no, "缺少数据", *(["例数过少"] if with_few else []), "待评估",
                          *(["仅监测"] if with_monitored else []), "达标率（%）"], rows=[],
                  caption="各领域目标实现情况",
                  widths=[3.6, 1.3, 1.3, 1.3, 1.3, 1.5, *([1.3] if with_few else []), 1.3,
                          *([1.3] if with_monitored else []), 2.2])
    sayings = []
    for area, rows in by_area(ev.rows, ev.plan):
        counted, attained = ev.counted(rows), ev.attained(rows)
        cells = [count_fact("indicators", rows, area), count_fact("assessable", counted, area),
                 count_fact("attained", attained, area), count_fact("missed", counted.drop(index=attained.index), area),
                 count_fact("no_data", ev.in_classes(rows, ("no_data",)), area)]
        if with_few:
            cells.append(count_fact("no_data", ev.in_classes(rows, ("few_events",)), area))
        cells.append(count_fact("pending", ev.in_classes(rows, ("pending",)), area))
        if with_monitored:
            cells.append(count_fact("no_data", ev.in_classes(rows, ("monitored",)), area))
        share = rate_fact(attained, counted, area) if len(counted) else None
        table.rows.append([area, *(c.shown for c in cells), share.shown if share else "—"])
        table.facts += cells + ([share] if share else [])
        if share:
            sayings.append((area, share))
    blocks: list = []
    # highest and lowest among areas with enough indicators to rank (100% of one indicator is not "最高")
    enough = [x for x in sayings if len(x[1].out_of) >= FEW_ASSESSABLE]
    sayings = enough if len(enough) >= 2 else sayings
    if len(sayings) >= 2:
        ranked = sorted(sayings, key=lambda s: -s[1].value)
        best, worst = ranked[0], ranked[-1]
        (best_note, best_facts), (worst_note, worst_facts) = few_assessable(best[1]), few_assessable(worst[1])
        text = (f"分领域看，{best[0]}领域达标率最高，为{best[1].shown}%{best_note}；{worst[0]}领域最低，"
                f"为{worst[1].shown}%{worst_note}。"
                if best[1].value != worst[1].value else f"分领域看，各领域达标率均为{best[1].shown}%。")
        facts = [best[1], *best_facts, worst[1], *worst_facts] if best[1].value != worst[1].value else [best[1], worst[1]]
        blocks.append(Paragraph(text, facts))
    blocks.append(table)
    blocks.append(Paragraph(wording("eval_rate_note"), style="note"))
    return blocks


# ------------------------------------------------------------------ 各领域

def area_judgement(ev: Evaluation, area: str, rows: pd.DataFrame) -> Paragraph:
    counted, attained = ev.counted(rows), ev.attained(rows)
    if counted.empty:
        total = count_fact("indicators", rows, area)
        if (rows["status"] == res.MONITORED).all():
            return Paragraph(f"{area}领域的{total.shown}项指标未设定量目标，以下报告其监测数值。", [total], style="lead")
        return Paragraph(f"{area}领域的{total.shown}项指标暂无可评估的数据，本次不作量化评价。", [total], style="lead")
    share = rate(len(attained), len(counted))
    on_course = len(attained) + len(ev.in_classes(counted, ("on_track",)))
    regress = ev.in_classes(rows, ("regress",))
    if share >= 80 and regress.empty:
        verdict = "目标实现情况良好"
    elif share >= 50:
        verdict = "目标实现情况总体较好"
    elif not ev.final and on_course * 2 >= len(counted):
        verdict = "总体进展平稳，部分指标仍有差距"
    else:           # a final report judges what happened; it does not urge the plan it closes
        verdict = "目标实现存在较大差距" + ("" if ev.final else "，需加大推进力度")
    parts = dict(counted=count_fact("assessable", counted, area), attained=count_fact("attained", attained, area),
                 rate=rate_fact(attained, counted, area))
    if attained.empty:          # never "已达到目标0项": say that none has
        none = ("未实现目标" if ev.final else "尚未达到目标") if len(counted) == 1 else \
            ("均未实现目标" if ev.final else "均尚未达到目标")
        parts.pop("attained")
        text, facts = compose(f"{area}领域{verdict}。可评估的{{counted}}项指标{none}，达标率{{rate}}%", **parts)
    else:
        text, facts = compose(f"{area}领域{verdict}。可评估的{{counted}}项指标中，{ev.attained_word}{{attained}}项，"
                              "达标率{rate}%", **parts)
    if len(regress):
        r = count_fact("regress", regress, area)
        text += f"；{r.shown}项指标出现退步"
        facts.append(r)
    return Paragraph(text + "。", facts, style="lead")


def grouped_sentences(ev: Evaluation, area: str, rows: pd.DataFrame) -> list[Paragraph]:
    """The area's indicators said in groups of one verdict (and milestone)."""
    openings = Openings()
    groups: dict[tuple, list] = {}
    for index in rows.index:
        v = ev.verdicts[index]
        groups.setdefault((CLASS_ORDER.index(v.klass), v.milestone or 0, v.watch), []).append(index)
    out = []
    for key in sorted(groups):
        members = rows.loc[groups[key]]
        verdict = ev.verdicts[groups[key][0]]
        if verdict.klass in ("no_data", "few_events", "monitored", "pending"):
            names, count = counted_names(members, f"class:{verdict.klass}", area)
            what = {"no_data": "缺少监测数据，本次未作评估", "few_events": "例数较少，尚不能判断",
                    "monitored": "未设定量目标，仅作监测", "pending": "为定性指标，尚待评估组评定"}[verdict.klass]
            if len(members) == 1:
                out.append(Paragraph(f"{names}{what}。"))
            else:
                out.append(Paragraph(f"{names}等{count.shown}项指标{what}。", [count]))
            continue
        sentence = group_sentence(members, verdict, area, opening=openings.next(),
                                  target=verdict.klass in LAGGING or verdict.klass == "uncertain")
        if sentence is not None:
            out.append(sentence)
    return out


def areas(ev: Evaluation) -> list:
    blocks: list = []
    table_number = 2
    charts_left = CHARTS_IN_ALL
    for number, (area, rows) in enumerate(by_area(ev.rows, ev.plan), start=1):
        blocks.append(Heading(f"（{ordinal(number)}）{area}", 2))
        blocks.append(area_judgement(ev, area, rows))
        blocks += grouped_sentences(ev, area, rows)
        quantitative = rows[(rows["kind"] != "qualitative") & rows["latest_value"].map(res.present)]
        if len(quantitative):
            blocks.append(indicator_table(ev, area, quantitative, table_number))
            table_number += 1
        charts = area_charts(ev, rows, min(CHARTS_PER_AREA, charts_left))
        charts_left -= len(charts)
        blocks += charts
    if blocks:
        blocks.append(Paragraph(wording("responsible_note"), style="note"))
    return blocks


def base_value(ev: Evaluation, row):
    """The headline series' value in the plan's base year (2020), if observed."""
    if res.present(row.get("base_year")) and int(row["base_year"]) == ev.base_year and res.present(row["base_value"]):
        return float(row["base_value"])
    obs = ev.observations
    if obs is None or obs.empty:
        return None
    same = obs[(obs["indicator"] == row["indicator"]) & (obs["year"] == ev.base_year)]
    for column in res.DIMENSIONS:
        if column in same.columns:
            same = same[same[column].fillna("").astype(str) == str(row[column])]
    same = same[same["value"].notna()]
    return float(same["value"].iloc[0]) if len(same) else None


def target_cell(row) -> tuple[str, list]:
    target, facts = table_target(row)
    if target:
        return target, facts
    return ("定性目标" if row["kind"] == "qualitative" else "—"), []


def targets_by_milestone(ev: Evaluation, indicator: str) -> dict[int, pd.Series]:
    rows = ev.all_targets[ev.all_targets["indicator"] == indicator]
    out: dict[int, pd.Series] = {}
    for _, row in rows.iterrows():
        out.setdefault(int(row["milestone"]), row)      # the first stated target of each milestone
    return out


def gap_cell(ev: Evaluation, index, row) -> tuple[str, list]:
    verdict = ev.verdicts[index]
    if verdict.attained or not verdict.counted or row["op"] not in SIMPLE_OPS:
        return "—", []
    if not (res.present(row["goal_value"]) or res.present(row["target_value"])) or not res.present(row["latest_value"]):
        return "—", []
    goal = row["goal_value"] if res.present(row["goal_value"]) else row["target_value"]
    judged = row["latest_value"]
    if res.present(row.get("pooled_years")) and row.get("pooled_years") and res.present(row.get("pooled_value")):
        judged = row["pooled_value"]          # a rare event is judged on its pooled rate (core engine)
    value = round(abs(shown_value(goal) - shown_value(judged)), 1)
    # one decimal when the figures have one (3.0个百分点 beside 2.9个百分点, not 3个百分点)
    decimals = min(1, figures.common_decimals(judged, *(row[f] for f in ALIGNED if res.present(row[f]))))
    shown = figures.fixed(value, decimals) if figures.written_decimals(value) <= decimals else fmt_number(value)
    fact = result_fact(row, "gap", value, shown)
    return fact.shown + spoken_unit(row["unit"]), [fact]


def actual_year(ev: Evaluation) -> int:
    """The year the table's 实际 column is headed with: the report year, or the year the data
    stop in when they stop before it (the national figures end in 2024: "2024年实际", not
    "2025年实际" with "（2024年）" in every cell)."""
    return ev.data_year if ev.data_year is not None and ev.data_year < ev.year else ev.year


def actual_cell(ev: Evaluation, row) -> tuple[str, list]:
    if not res.present(row["latest_value"]):
        return "—", []
    value, facts = value_part(row)
    if int(row["latest_year"]) != actual_year(ev):
        year = result_fact(row, "latest_year")
        value, facts = f"{value}（{year.shown}年）", facts + [year]
    if res.present(row.get("pooled_years")) and row.get("pooled_years") and res.present(row.get("pooled_value")):
        # a rare event is judged on its pooled rate: the cell says which, so "0.0/10万" beside
        # 未实现 and a gap of 20 is not read as a contradiction
        first, last = result_fact(row, "pooled_first_year"), result_fact(row, "latest_year")
        pooled = result_fact(row, "pooled_value")
        value = f"{value}（{first.shown}—{last.shown}年合计{with_unit(pooled.shown, row['unit'])}）"
        facts = facts + [first, last, pooled]
    return value, facts


def indicator_table(ev: Evaluation, area: str, rows: pd.DataFrame, number: int) -> Table:
    before = [m for m in ev.milestones if m <= ev.year]
    after = [m for m in ev.milestones if m > ev.year]
    header = ["指标", f"基期值（{ev.base_year}）", *[f"{m}年目标" for m in before], f"{actual_year(ev)}年实际",
              *[f"{m}年目标" for m in after], "差距", "状态", "责任单位"]
    widths = [3.6, 1.7, *[1.6] * len(before), 1.7, *[1.6] * len(after), 1.9, 1.8, 2.3]
    years = [ev.base_year, *before, actual_year(ev), *after]
    table = Table(header=header, rows=[], caption=f"{area}领域主要指标实现情况", widths=widths,
                  facts=[plain_fact("report", "table_number", number, str(number)),
                         *(plain_fact("report", "year", y, fmt_count(y)) for y in years)])
    for index, row in rows.iterrows():
        base = base_value(ev, row)
        base_text = "—"
        if base is not None:
            row = row.copy()
            row["base_value"] = base          # the base the table shows, printed alike with the actual value
            together = tuple(row[f] for f in ALIGNED if f in row.index and res.present(row[f]))
            shown = figures.aligned(base, together, row["unit"])     # as value_part prints the actual
            fact = plain_fact("observation", "base_value", base, shown, indicator=row["indicator"])
            base_text = with_unit(fact.shown, row["unit"])
            table.facts.append(fact)
        by_milestone = targets_by_milestone(ev, row["indicator"])
        target_cells = {}
        for m in before + after:
            stated = by_milestone.get(m)
            text, facts = target_cell(stated) if stated is not None else ("—", [])
            target_cells[m] = text
            table.facts += facts
        actual, facts = actual_cell(ev, row)
        gap, gap_facts = gap_cell(ev, index, row)
        table.facts += facts + gap_facts
        department, assigned = responsible_for(str(row["indicator"]), ev.inputs, ev.plan)
        table.rows.append([row["indicator"], base_text, *[target_cells[m] for m in before], actual,
                           *[target_cells[m] for m in after], gap, ev.verdicts[index].short,
                           (department + ("" if assigned else "*")) if department else "—"])
    return table


def chart_spec(ev: Evaluation, row, verdict) -> ChartSpec | None:
    obs = ev.observations
    if obs is None or obs.empty:
        return None
    same = obs[(obs["indicator"] == row["indicator"]) & obs["value"].notna()]
    for column in ("age", "residence"):
        if column in same.columns:
            same = same[same[column].fillna("").astype(str) == ""]
    series = {}
    for sex, points in same.groupby(same["sex"].fillna("").astype(str) if "sex" in same else "", sort=False):
        series[{"": "total", "女": "female", "男": "male"}.get(sex, sex)] = list(
            zip(points["year"].astype(int), points["value"].astype(float)))
    if not series:
        return None
    targets = []
    for m, stated in sorted(targets_by_milestone(ev, row["indicator"]).items()):
        if stated["op"] in SIMPLE_OPS and res.present(stated["target_value"]):
            upper = float(stated["target_upper"]) if res.present(stated["target_upper"]) else None
            targets.append(ChartTarget(stated["op"], float(stated["target_value"]), m, upper))
    base = base_value(ev, row)
    projection = None
    if not ev.final:
        final_row = targets_by_milestone(ev, row["indicator"]).get(ev.end)
        if final_row is not None and res.present(final_row["projection"]) and ev.end > (ev.data_year or ev.end):
            low = final_row["projection_low"] if res.present(final_row["projection_low"]) else None
            high = final_row["projection_high"] if res.present(final_row["projection_high"]) else None
            projection = Projection(ev.end, float(final_row["projection"]), low, high)
    return ChartSpec(str(row["indicator"]), series, str(row["unit"]), targets,
                     (ev.base_year, base) if base is not None else None, projection)


def years_observed(ev: Evaluation, indicator: str) -> int:
    obs = ev.observations
    if obs is None or obs.empty:
        return 0
    return int(obs.loc[(obs["indicator"] == indicator) & obs["value"].notna(), "year"].nunique())


def area_charts(ev: Evaluation, rows: pd.DataFrame, limit: int = CHARTS_PER_AREA) -> list:
    candidates = [(str(row["indicator"]), ev.verdicts[i].klass, ev.verdicts[i].watch,
                   years_observed(ev, str(row["indicator"]))) for i, row in rows.iterrows()]
    charts = []
    for name in pick_for_charts(candidates, max(limit, 0)):
        index = rows.index[rows["indicator"] == name][0]
        spec = chart_spec(ev, rows.loc[index], ev.verdicts[index])
        if spec is None:
            continue
        verdict = ev.verdicts[index]
        charts.append(Chart(png=indicator_chart(spec), caption=f"{name}变化情况（{verdict.short}）"))
    return charts


# ------------------------------------------------------------------ 展望 (mid-term only)

def outlook(ev: Evaluation) -> list:
    final_rows = ev.all_targets[ev.all_targets["milestone"] == ev.end]
    final_rows = final_rows[~final_rows["indicator"].duplicated()]
    final_rows = res.in_plan_order(final_rows, ev.order)
    verdicts = verdicts_for(final_rows, stage="midterm", data_year=ev.data_year, warnings=ev.warnings,
                            region=ev.region)
    counted = final_rows.loc[[i for i in final_rows.index if verdicts[i].counted]]
    if counted.empty:
        return [Paragraph(f"现有数据尚不足以判断{ev.end}年目标的实现前景。", [year_fact(ev.end)])]
    blocks: list = []
    groups = [("attained", f"已提前实现{ev.end}年目标"), ("on_track", "按近年趋势有望如期实现"),
              ("uncertain", "能否如期实现尚难判断"),
              ("lagging", "按现有进度难以如期实现，需加大工作力度")]
    pieces, facts = [], []
    for klass, words in groups:
        wanted = LAGGING if klass == "lagging" else (klass,)
        members = counted.loc[[i for i in counted.index if verdicts[i].klass in wanted]]
        if members.empty:
            continue
        c = count_fact(f"outlook:{klass}", members)
        pieces.append(f"{c.shown}项{words}")
        facts.append(c)
    total = count_fact("outlook:counted", counted)
    said = f"对设有{ev.end}年目标且可评估的{total.shown}项指标按近年趋势推算：" + "，".join(pieces) + "。"
    blocks.append(Paragraph(said, [total, *facts, *[year_fact(ev.end)] * (said.count(str(ev.end)))], style="lead"))
    lagging = counted.loc[[i for i in counted.index if verdicts[i].klass in LAGGING + ("uncertain",)
                           and res.present(counted.loc[i, "projection"])]]
    if len(lagging):
        table = Table(header=["指标", f"{ev.end}年目标", "最新值", f"预计{ev.end}年（区间）", f"{ev.end}年目标判断"], rows=[],
                      caption=f"难以如期实现{ev.end}年目标的指标", widths=[4.5, 1.8, 2.0, 2.8, 2.2],
                      facts=[year_fact(ev.end)] * 4)
        for index, row in lagging.iterrows():
            target, t_facts = target_cell(row)
            latest, l_facts = actual_cell(ev, row)
            projected = result_fact(row, "projection")
            unit = figures.unit_suffix(row["unit"])
            interval = ""
            p_facts = [projected]
            if res.present(row["projection_low"]) and res.present(row["projection_high"]):
                low, high = result_fact(row, "projection_low"), result_fact(row, "projection_high")
                interval = f"（{low.shown}—{high.shown}）"
                p_facts += [low, high]
            table.rows.append([row["indicator"], target, latest, projected.shown + unit + interval, verdicts[index].short])
            table.facts += t_facts + l_facts + p_facts
        blocks.append(table)
    return blocks


# ------------------------------------------------------------------ 重点工程

def project_name(text: str) -> str:
    for mark in ("：", ":", "。"):
        if mark in text:
            return text.split(mark, 1)[0].strip()
    return text[:30]


def related_indicators(ev: Evaluation, text: str, limit: int = 3) -> pd.DataFrame:
    words = bigrams(text)
    scored = [(len(words & bigrams(str(row["indicator"]))), i) for i, row in ev.rows.iterrows()]
    chosen = [i for score, i in sorted(scored, key=lambda s: -s[0]) if score >= 3][:limit]
    return ev.rows.loc[chosen]


def key_projects(ev: Evaluation) -> list:
    projects = {project_name(t): t for t in (getattr(ev.plan, "key_projects", None) or [])}
    for name in ev.inputs.projects:
        projects.setdefault(name, name)
    count = plain_fact("plan", "key_projects", len(projects), fmt_count(len(projects)))
    blocks: list = [Paragraph(f"规划确定重点工程（实事项目）{count.shown}项，推进情况如下。", [count])]
    for n, (name, text) in enumerate(projects.items(), start=1):
        reported = ev.inputs.projects.get(name, "").strip()
        sentence = f"（{ordinal(n)}）{name}。"
        sentence += reported if reported else "牵头单位尚未报送项目推进材料。"
        related = related_indicators(ev, text)
        facts = []
        if len(related):
            said = []
            for index, row in related.iterrows():
                value = value_part(row) if res.present(row["latest_value"]) else ("暂无数据", [])
                said.append(f"{row['indicator']}{'为' + value[0] if value[1] else value[0]}，{ev.verdicts[index].short}")
                facts += value[1]
            sentence += "相关指标：" + "；".join(said) + "。"
        facts += [plain_fact("plan", "project_text", float(x), x) for x in numbers_in(name + reported)]
        blocks.append(Paragraph(sentence, facts))
    return blocks


# ------------------------------------------------------------------ 定性目标

def qualitative(ev: Evaluation) -> list:
    marked = ev.rows[(ev.rows["kind"] == "qualitative") | (ev.rows["status"] == "待评估")]
    judged = ev.counted(marked)
    waiting = marked.drop(index=judged.index)
    total, done = count_fact("qualitative", marked), count_fact("qualitative:judged", judged)
    if len(judged):
        lead = Paragraph(f"规划设定定性目标{total.shown}项，评估组已评定{done.shown}项，已评定的计入达标率。", [total, done])
    else:
        lead = Paragraph(f"规划设定定性目标{total.shown}项，评估组尚未评定，暂不计入达标率。", [total])
    blocks: list = [lead]
    table = Table(header=["指标", "目标（规划原文）", "评定结果", "依据"], rows=[], caption="定性目标评定情况",
                  widths=[3.5, 5.0, 1.6, 4.5])
    for index, row in marked.iterrows():
        evidence = ev.inputs.judgements.get(row["indicator"], "")
        word = str(row.get("judgement", "") or "")
        word = "" if word == "nan" else word
        result = ev.verdicts[index].short
        table.rows.append([row["indicator"], row["text"] or "—", word or result,
                           evidence or ("评估组尚未提交评定意见" if not word else "—")])
        table.facts += [plain_fact("plan", "target_text", float(n), n, indicator=row["indicator"])
                        for n in numbers_in(row["text"] or "")]
    blocks.append(table)
    if len(waiting):
        names, c = counted_names(waiting, "qualitative:waiting")
        blocks.append(Paragraph(f"尚待评定的{c.shown}项为：{names}。请评估组依据佐证材料评定后重新生成本报告。", [c]))
    return blocks


# ------------------------------------------------------------------ 成员单位

def departments(ev: Evaluation) -> list:
    """Per responsible department: its lagging indicators and the reasons given (its
    self-evaluation, the engine's warnings); plainly what is missing."""
    by_department: dict[str, list] = {}
    for index, row in ev.rows.iterrows():
        department, _ = responsible_for(str(row["indicator"]), ev.inputs, ev.plan)
        by_department.setdefault(department or "未明确责任单位", []).append(index)
    reports = dict(ev.inputs.department_reports)
    kinds = warning_kinds_by_indicator(ev.warnings, ev.region) if not ev.final else {}
    inspections = Inspections(ev.inputs.inspections)
    blocks: list = []
    if inspections.sentence:
        blocks.append(inspections.lead())
    silent = []              # departments with lagging indicators and no self-evaluation: said once
    for department, indices in by_department.items():
        lagging = [i for i in indices if ev.verdicts[i].lagging or ev.verdicts[i].watch]
        summary = pick_report(reports, department)
        checked = inspections.for_department(department)
        if not lagging and not summary and not checked:
            continue
        rows = ev.rows.loc[indices]
        attained = ev.attained(rows)
        total, done = count_fact("department:indicators", rows), count_fact("department:attained", attained)
        who = f"{department}：负责的" if department != "未明确责任单位" else "未明确责任单位的"
        if attained.empty:          # never "0项已达到目标"
            text, facts = f"{who}{total.shown}项指标中尚无{ev.attained_word}的", [total]
        else:
            text, facts = f"{who}{total.shown}项指标中{done.shown}项{ev.attained_word}", [total, done]
        behind = "未实现目标" if ev.final else "进展滞后或出现回落"
        if lagging:
            names, c = counted_names(ev.rows.loc[lagging], "department:lagging")
            if len(lagging) > 1:
                text += f"，{names}等{c.shown}项{behind}"
                facts.append(c)
            else:
                text += f"，{names}{behind}"
        text += "。"
        if summary:
            text += f"单位自评：{summary.rstrip('。')}。"
        elif lagging and department != "未明确责任单位":
            silent.append(department)
        elif lagging:
            text += "请办公室明确这些指标的责任单位。"
        reasons, reason_facts = warning_reasons(ev, lagging, kinds)
        if reasons:
            text += f"监测预警显示：{reasons}。"
            facts += reason_facts
        for said, said_facts in checked:
            text += said
            facts += said_facts
        blocks.append(Paragraph(text, facts))
    for name, summary in reports.items():        # self-evaluations of departments without indicators here
        blocks.append(Paragraph(f"{name}：单位自评：{summary.rstrip('。')}。"))
    if silent:
        joined = ("，" if any("、" in d for d in silent) else "、").join(silent)
        blocks.append(Paragraph(f"{joined}尚未提交自评报告，上述指标{'未实现' if ev.final else '滞后'}的原因有待其说明。"))
    if not blocks:
        blocks.append(Paragraph("各责任单位负责的指标均无滞后，尚未收到成员单位自评报告。"))
    return blocks


# What adverse warnings say about an indicator, grouped: one clause per combination of
# kinds (each indicator once), not one sentence per warning repeating "…以来显著向不利方向
# 变化，…与目标方向相反" and the same indicator again for "曾达到…的目标".
REASON_KINDS = ("fell_back", "deterioration", "fluctuation")
REASON_WORDS = {("deterioration",): "近年显著向不利方向变化", ("fell_back",): "曾达到目标，近期又有回落",
                ("fell_back", "deterioration"): "曾达到目标，近年又显著向不利方向变化",
                ("fluctuation",): "年度间波动异常，需核实数据"}


def warning_reasons(ev: Evaluation, lagging: list, kinds: dict[str, list[str]]) -> tuple[str, list]:
    groups: dict[tuple, list] = {}
    for i in lagging:
        said = kinds.get(str(ev.rows.loc[i, "indicator"]), [])
        key = tuple(k for k in REASON_KINDS if k in said)
        if key and key not in REASON_WORDS:
            key = key[:1]
        if key:
            groups.setdefault(key, []).append(i)
    pieces, facts = [], []
    for key, members in sorted(groups.items(), key=lambda g: list(REASON_WORDS).index(g[0])):
        words = REASON_WORDS[key]
        names = listing(ev.rows.loc[members], "department:warning:" + "+".join(key))
        if len(members) > 1:
            pieces.append(f"{names.text}等{names.count.shown}项指标{words}")
            facts += [*names.facts, names.count]
        else:
            pieces.append(f"{names.text}{words}")
            facts += names.facts
    return "；".join(pieces), facts


class Inspections:
    """督导检查 findings for the report (the plain dict web.accountability.citations.
    inspections_for_report gives, passed in EvaluationInputs.inspections; the reports layer
    never imports the web)."""

    def __init__(self, data: dict | None):
        data = data or {}
        self.items = list(data.get("inspections") or [])
        self.sentence = str(data.get("sentence") or "") if self.items else ""
        self.year = data.get("year")

    def lead(self) -> Paragraph:
        return Paragraph(self.sentence, [plain_fact("inspection", "sentence", float(n), n)
                                         for n in numbers_in(self.sentence)])

    def for_department(self, department: str) -> list[tuple[str, list]]:
        """"督导检查（2025年10月15日）指出：…。整改要求：…（逾期未整改）。" for the inspections
        that visited ``department`` or asked it to correct something."""
        core = department_core(department)

        def same(name: str) -> bool:
            other = department_core(name)
            return name == department or bool(core and other and (core in other or other in core))

        out = []
        for item in self.items:
            corrections = [c for c in item.get("corrections", []) if same(str(c.get("department", "")))]
            if not corrections and not any(same(str(d)) for d in item.get("departments", [])):
                continue
            when = spoken_date(str(item.get("date", "")))
            text = f"督导检查（{when}）指出：{str(item.get('findings', '')).strip().rstrip('。')}。" \
                if str(item.get("findings", "")).strip() else f"{when}接受督导检查。"
            if corrections:
                text += "整改要求：" + "；".join(f"{str(c.get('requirement', '')).rstrip('。')}（{c.get('state', '')}）"
                                            for c in corrections) + "。"
            out.append((text, [plain_fact("inspection", "text", float(n), n) for n in numbers_in(text)]))
        return out


def spoken_date(iso: str) -> str:
    """"2025-10-15" → "2025年10月15日"."""
    try:
        day = dt.date.fromisoformat(iso)
    except ValueError:
        return iso
    return f"{day.year}年{day.month}月{day.day}日"


SHORT_NAMES = (("卫生健康", "卫健"), ("人力资源和社会保障", "人社"), ("人力资源社会保障", "人社"),
               ("医疗保障", "医保"), ("市场监督管理", "市场监管"), ("住房和城乡建设", "住建"), ("司法行政", "司法"))


def department_core(name: str) -> str:
    """"区卫生健康局" and "卫健部门" both → "卫健": how departments are matched by name."""
    for long, short in SHORT_NAMES:
        name = name.replace(long, short)
    for word in ("部门", "分局", "局", "委员会", "委", "区", "县", "市"):
        name = name.replace(word, "")
    return name


def pick_report(reports: dict, department: str) -> str:
    """The self-evaluation of ``department`` (same name, or the same core name), removed from ``reports``."""
    core = department_core(department)
    for name in list(reports):
        other = department_core(name)
        if name == department or (core and other and (core in other or other in core)):
            return reports.pop(name)
    return ""


# ------------------------------------------------------------------ 问题与建议

def area_rates(ev: Evaluation) -> list[tuple[str, Fact, int]]:
    """(area, 达标率 Fact, assessable count) for areas with something assessable."""
    out = []
    for area, rows in by_area(ev.rows, ev.plan):
        counted = ev.counted(rows)
        if len(counted):
            out.append((area, rate_fact(ev.attained(counted), counted, area), len(counted)))
    return out


def problems(ev: Evaluation) -> list:
    drafted = draft_problems(ev.rows, ev.verdicts, final=ev.final, area_rates=area_rates(ev),
                             completeness=ev.completeness)
    return draft_section(drafted, ev.inputs.problems)


def recommendations(ev: Evaluation) -> list:
    drafted = draft_recommendations(ev.rows, ev.verdicts, ev.plan, final=ev.final, completeness=ev.completeness,
                                    end_year=ev.end)
    return draft_section(drafted, ev.inputs.recommendations)


def signature(ev: Evaluation, today: dt.date | None) -> list:
    issuer = ev.inputs.issuer or wording("issuer_default").format(region=ev.region)
    today = today or dt.date.today()
    date = [plain_fact("report", "date", today.year), plain_fact("report", "date", today.month),
            plain_fact("report", "date", today.day)]
    return [Paragraph(issuer, style="signature"),
            Paragraph(f"{today.year}年{today.month}月{today.day}日", date, style="signature")]


# ------------------------------------------------------------------ 附录

def appendix(ev: Evaluation) -> Table:
    table = Table(header=["领域", "指标", "目标年份", "目标", "最新年份", "最新值", "状态"], rows=[],
                  widths=[2.2, 4.0, 1.5, 2.2, 1.5, 1.6, 1.6], caption="附表  全部监测指标评估结果")
    for index, row in ev.rows.iterrows():
        milestone = result_fact(row, "milestone") if res.present(row["milestone"]) else None
        target, target_facts = target_cell(row)
        latest_year = result_fact(row, "latest_year") if res.present(row["latest_value"]) else None
        value = value_part(row) if res.present(row["latest_value"]) else ("—", [])
        table.rows.append([row["area"] or "主要指标", row["indicator"], milestone.shown if milestone else "—", target,
                           latest_year.shown if latest_year else "—", value[0], ev.verdicts[index].short])
        table.facts += [*([milestone] if milestone else []), *target_facts, *([latest_year] if latest_year else []),
                        *value[1]]
    return table
