"""存在问题 and 对策建议 drafted from the data, for the office to edit.

Every point names the indicators (and so the results rows) it rests on; nothing is said
that the data do not show. The office's own text, when given, replaces the draft.
"""

from __future__ import annotations

import pandas as pd

from tianping.reports.document import Fact, Paragraph, numbers_in
from tianping.reports.facts import count_fact, plain_fact, year_fact
from tianping.reports.phrases import wording
from tianping.reports.planner import counted_names
from tianping.reports.results import present
from tianping.reports.verdicts import LAGGING, Verdict

NUMBERED = "一二三四五六七八九十"


LIST_AT_MOST = 8     # a longer list is counted, pointed to the tables, and its worst named


# How bad a verdict is, worst first: a significant move away from the target, a missed
# milestone, then the lagging kinds (reports.verdicts classes).
SEVERITY = {"regress": 0, "missed": 1, "accelerate": 2, "slow": 3, "not_attained": 4, "uncertain": 5}
SIMPLE_OPS = {">=", "<=", ">", "<", "=", "~", "range"}


def relative_gap(row) -> float:
    """How far the latest value is from the value the target requires, as a share of it (0 when
    the target is not a level or a value is missing)."""
    goal = row.get("goal_value")
    goal = goal if present(goal) else row.get("target_value")
    if row.get("op") not in SIMPLE_OPS or not present(goal) or not present(row.get("latest_value")):
        return 0.0
    return abs(float(goal) - float(row["latest_value"])) / max(abs(float(goal)), 1e-9)


def by_severity(rows: pd.DataFrame, verdicts: dict) -> pd.DataFrame:
    """``rows`` worst first: by verdict (退步, 未实现, 需加快, 进展缓慢 …), then the number of
    adverse warnings, then the gap to the target relative to the target; plan order breaks ties."""
    def key(item):
        position, (index, row) = item
        v = verdicts[index]
        return (SEVERITY.get(v.klass, len(SEVERITY)), -len(v.warnings), -relative_gap(row), position)

    ranked = sorted(enumerate(rows.iterrows()), key=key)
    return rows.loc[[index for _, (index, _) in ranked]]


def named_or_pointed(rows: pd.DataFrame, field_name: str, verdicts: dict | None = None) -> tuple[str, Fact]:
    """"A、B、C" with a count of exactly them; for a long list, "（逐项见各领域表）" and the
    five worst named as examples (``by_severity``, not the first five in plan order) — the
    count then refers to the tables, where all are listed."""
    if len(rows) <= LIST_AT_MOST:
        return counted_names(rows, field_name)
    count = count_fact(field_name + ":tables", rows)
    examples = (by_severity(rows, verdicts) if verdicts is not None else rows).head(5)
    return f"（逐项见各领域表），其中包括{'、'.join(examples['indicator'])}", count


FEW_ASSESSABLE = 3      # a 达标率 on fewer indicators says on how many


def few_assessable(share: Fact) -> tuple[str, list[Fact]]:
    """"（可评估指标仅1项）" after a 达标率 that rests on fewer than FEW_ASSESSABLE indicators
    (0.0% of one indicator is not a finding about an area); "" otherwise."""
    if not share.out_of or len(share.out_of) >= FEW_ASSESSABLE:
        return "", []
    n = Fact(source="count", field="assessable", value=float(len(share.out_of)), shown=str(len(share.out_of)),
             area=share.area, members=share.out_of)
    return f"（可评估指标仅{n.shown}项）", [n]


def rows_of(rows: pd.DataFrame, verdicts: dict, test) -> pd.DataFrame:
    return rows.loc[[i for i in rows.index if test(verdicts[i])]]


def bigrams(text: str) -> set[str]:
    return {text[i:i + 2] for i in range(len(text) - 1)}


def closest_measure(plan, area: str, names: list[str]) -> str:
    """The plan's measure (策略措施) of ``area`` whose text shares most with the indicator names."""
    for item in getattr(plan, "areas", None) or []:
        if item.name != area or not item.measures:
            continue
        wanted = set().union(*(bigrams(n) for n in names)) if names else set()
        best = max(item.measures, key=lambda m: len(wanted & bigrams(m.title + m.text[:200])))
        return best.title.strip("。；; ")
    return ""


def area_of_most(rows: pd.DataFrame, limit: int = 2) -> list[str]:
    counts = rows["area"].value_counts()
    return [a for a in counts.index[:limit] if a]


class Numbered:
    def __init__(self):
        self.n = 0

    def next(self) -> str:
        self.n += 1
        return NUMBERED[self.n - 1] + "是" if self.n <= len(NUMBERED) else ""


def draft_problems(rows: pd.DataFrame, verdicts: dict, *, final: bool, area_rates: list[tuple[str, Fact, int]],
                   completeness, sex_gaps: list[tuple[str, Fact, str]] | None = None) -> list[Paragraph]:
    """``area_rates``: (area, 达标率 Fact, counted); ``sex_gaps``: (indicator, F−M, spoken unit)."""
    out, number = [], Numbered()
    lagging = rows_of(rows, verdicts, lambda v: v.klass in LAGGING and v.klass != "regress")
    if len(lagging):
        names, count = named_or_pointed(lagging, "problem:lagging", verdicts)
        areas = "、".join(area_of_most(lagging))
        missed = any(verdicts[i].klass == "missed" for i in lagging.index)
        verb = "未实现目标" if final else "未实现或按现有进度难以如期实现目标" if missed else "按现有进度难以如期实现目标"
        said = f"涉及{names}" if not names.startswith("（") else f"逐项见各领域表，{names.split('），', 1)[1]}"
        out.append(Paragraph(f"{number.next()}部分指标进展滞后。{count.shown}项指标{verb}，主要集中在{areas}领域，"
                             f"{said}。", [count], editable=True))
    worse = rows_of(rows, verdicts, lambda v: v.klass == "regress" or v.watch)
    if len(worse):
        names, count = named_or_pointed(worse, "problem:regress", verdicts)
        if names.startswith("（"):
            text = f"{count.shown}项指标较基期退步或达标后又有回落{names}，需查找原因。"
        else:
            text = f"{names}等{count.shown}项指标较基期退步或达标后又有回落，需查找原因。"
        out.append(Paragraph(f"{number.next()}部分指标出现退步或回落。" + text, [count], editable=True))
    ranked = [a for a in area_rates if a[2] > 0]
    enough = [a for a in ranked if a[2] >= FEW_ASSESSABLE]      # rank areas with enough indicators, if two have
    ranked = enough if len(enough) >= 2 else ranked
    if len(ranked) >= 2:
        best, worst = max(ranked, key=lambda a: a[1].value), min(ranked, key=lambda a: a[1].value)
        if best[1].value - worst[1].value >= 30:
            sides: list[tuple[str, str, str]] = []
            cited: list[Fact] = []
            for area, share, _n in (best, worst):
                base, base_facts = few_assessable(share)
                sides.append((area, share.shown, base))
                cited += [share, *base_facts]
            out.append(Paragraph(f"{number.next()}各领域进展不平衡。{sides[0][0]}领域达标率为{sides[0][1]}%{sides[0][2]}，"
                                 f"{sides[1][0]}领域仅为{sides[1][1]}%{sides[1][2]}。", cited, editable=True))
    if sex_gaps:
        gaps = [f"{name}女性{'高于' if gap.value > 0 else '低于'}男性{gap.shown}{unit}" for name, gap, unit in sex_gaps]
        out.append(Paragraph(f"{number.next()}部分指标存在性别差距。" + "，".join(gaps) + "。",
                             [gap for _, gap, _ in sex_gaps], editable=True))
    data_gaps = rows_of(rows, verdicts, lambda v: v.klass == "no_data")
    pending = rows_of(rows, verdicts, lambda v: v.klass == "pending")
    pieces: list[str] = []
    facts: list[Fact] = []
    if len(data_gaps):
        c = count_fact("problem:no_data:appendix", data_gaps)
        pieces.append(f"{c.shown}项指标缺少监测数据")
        facts.append(c)
    if len(pending):
        c = count_fact("problem:pending:appendix", pending)
        pieces.append(f"{c.shown}项定性目标尚待评估组评定")
        facts.append(c)
    if completeness is not None and completeness.departments_missing:
        pieces.append(f"{'、'.join(completeness.departments_missing)}尚未报送")
    if pieces:
        out.append(Paragraph(f"{number.next()}监测数据不够完整。" + "，".join(pieces)
                             + "，部分目标的实现情况难以作出判断（名单见附录）。", facts, editable=True))
    if not out:
        said = "可评估指标均已实现目标" if final else "可评估指标均已实现目标或按近年变化可如期实现"
        out.append(Paragraph(f"监测数据未显示突出问题：{said}。", editable=True))
    return out


def draft_recommendations(rows: pd.DataFrame, verdicts: dict, plan, *, final: bool, completeness,
                          end_year: int | None) -> list[Paragraph]:
    out, number = [], Numbered()
    lagging = rows_of(rows, verdicts, lambda v: v.klass in LAGGING)
    for area in area_of_most(lagging):
        in_area = lagging[lagging["area"] == area]
        names, count = named_or_pointed(in_area, "advice:lagging", verdicts)
        measure = closest_measure(plan, area, list(in_area["indicator"]))
        against = f"对照规划“{measure}”等策略措施，" if measure else ""
        when = f"{end_year}年目标如期实现" if end_year else "目标如期实现"
        tail = "在下一个规划期予以重点推进" if final else f"确保{when}"
        which = (f"该领域{count.shown}项滞后指标{names}" if names.startswith("（")
                 else f"{names}等{count.shown}项指标" if len(in_area) > 1 else names)
        text = (f"{number.next()}聚焦{area}领域滞后指标。针对{which}，{against}"
                f"明确责任单位，细化年度任务和工作措施，{tail}。")
        years = [year_fact(n) for n in numbers_in(tail)] + \
            [plain_fact("plan", "measure_text", float(n), n) for n in numbers_in(against)]
        out.append(Paragraph(text, ([count] if count.shown in which else []) + years, editable=True))
    worse = rows_of(rows, verdicts, lambda v: v.klass == "regress" or v.watch)
    if len(worse):
        names, count = named_or_pointed(worse, "advice:regress", verdicts)
        which = f"{count.shown}项退步或回落指标{names}" if names.startswith("（") else f"{names}等{count.shown}项退步或回落指标"
        out.append(Paragraph(f"{number.next()}加强监测预警和跟踪分析。对{which}开展专项分析，"
                             "查明原因，由责任单位提出整改措施并跟踪落实。", [count], editable=True))
    data_gaps = rows_of(rows, verdicts, lambda v: v.klass == "no_data")
    if len(data_gaps) or (completeness is not None and completeness.departments_missing):
        parts, facts = [], []
        if len(data_gaps):
            c = count_fact("advice:no_data:appendix", data_gaps)
            parts.append(f"对缺少数据的{c.shown}项指标（名单见附录）逐项明确数据来源、统计口径和报送单位")
            facts.append(c)
        if completeness is not None and completeness.departments_missing:
            parts.append(f"督促{'、'.join(completeness.departments_missing)}按时报送")
        out.append(Paragraph(f"{number.next()}健全分性别统计监测制度。" + "，".join(parts) + "。", facts, editable=True))
    pending = rows_of(rows, verdicts, lambda v: v.klass == "pending")
    if len(pending):
        c = count_fact("advice:pending:appendix", pending)
        out.append(Paragraph(f"{number.next()}组织评估组对{c.shown}项定性目标（名单见附录）依据佐证材料逐项评定，形成评估意见。",
                             [c], editable=True))
    if not out:
        out.append(Paragraph("巩固已取得的成效，保持各项工作力度，持续做好监测评估。", editable=True))
    return out


def draft_section(title_paragraphs: list[Paragraph], office_text: str) -> list[Paragraph]:
    """The office's own text when given (as written), else the draft with its notice."""
    if office_text.strip():
        return [Paragraph(p.strip(), editable=True) for p in office_text.splitlines() if p.strip()]
    return [Paragraph(wording("draft_notice"), style="note", editable=True), *title_paragraphs]


def verdicts_of(rows: pd.DataFrame, verdicts: dict) -> list[Verdict]:
    return [verdicts[i] for i in rows.index]
