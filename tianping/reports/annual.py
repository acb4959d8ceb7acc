"""年度统计监测报告: the annual statistical monitoring report.

Form of the National Bureau of Statistics' annual reports on the national outlines:
an opening summary, one section per area with a headline judgement and a
value-and-change sentence for every indicator reported this year, an indicator
table and charts; a warnings section; an appendix of all indicators with status.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Callable

import pandas as pd

from tianping.core.assess.aggregate import assessable_mask, attained_mask
from tianping.core.assess.warnings import KIND_NAMES, LEVEL_NAMES
from tianping.reports import results as res
from tianping.reports.charts import series_chart
from tianping.reports.document import (Chart, Fact, Heading, PageBreak, Paragraph, Report, Table,
                                       numbers_in)
from tianping.reports.facts import (change_value, count_fact, plain_fact, result_fact, target_part,
                                    value_part, year_part)
from tianping.reports.phrases import (change_phrase, compose, fmt_count, fmt_number, shown_value,
                                      status_clause, with_unit, wording)

CHINESE_ORDINALS = "一二三四五六七八九十"
STATUS_GROUPS = {"attained": ["已达标"], "on_track": ["预计达标"], "accelerate": ["需加快"],
                 "slow": ["进展缓慢"], "regress": ["退步"], "no_data": ["数据不足"]}
LAGGING = ["需加快", "进展缓慢", "退步"]
KIND_PEOPLE = {"women": "妇女", "children": "儿童"}
Progress = Callable[[float, str], None]


def ordinal(n: int) -> str:
    return CHINESE_ORDINALS[n - 1] if n <= 10 else "十" + CHINESE_ORDINALS[n - 11]


def build_annual(results: pd.DataFrame, *, region: str, year: int, plan=None,
                 warnings: pd.DataFrame | None = None, observations: pd.DataFrame | None = None,
                 targets: pd.DataFrame | None = None, synthetic: bool = False,
                 charts_per_area: int = 1, progress: Progress | None = None) -> Report:
    """``progress(fraction, message)`` is called as each area is drafted (for a progress bar)."""
    progress = progress or (lambda fraction, message: None)
    frame = res.prepare(results, targets, observations)
    frame = res.for_region(frame, region)
    order = [i.name for i in plan.indicators()] if plan is not None else list(frame["indicator"].unique())
    frame = res.in_plan_order(frame, order)
    current = res.in_plan_order(res.for_milestone(res.totals(frame), year), order)
    report = Report(title="", kind="annual", region=region, year=year, synthetic=synthetic)
    set_title(report, plan, region, year)
    if synthetic:
        report.add(Paragraph(wording("synthetic_notice"), style="note"))
    report.add(Heading("一、总体情况", 1))
    report.add(opening(current, plan, region, year))
    report.add(Heading("二、各领域监测情况", 1))
    areas = by_area(current, plan)
    for number, (area, rows) in enumerate(areas, start=1):
        progress(number / (len(areas) + 1), f"正在撰写：{area}")
        add_area(report, number, area, rows, frame, observations, region, year, charts_per_area)
    by_sex = sex_table(current, frame, year)
    if by_sex is not None:
        report.add(Heading("三、分性别统计", 1))
        report.add(Paragraph("纳入分性别统计的指标本年度女性、男性数值及差值如下表。"))
        report.add(by_sex)
    report.add(Heading(f"{'四' if by_sex is not None else '三'}、监测预警", 1))
    add_warnings(report, warnings, region)
    report.add(PageBreak())
    report.add(Heading("附录  监测指标及评估结果", 1))
    report.add(appendix_table(res.totals(frame)))
    return report


def plan_name(plan, region: str) -> str:
    return plan.title if plan is not None else f"{region}妇女儿童发展规划"


def set_title(report: Report, plan, region: str, year: int) -> None:
    plan_title = plan_name(plan, region)
    report.title, report.title_facts = compose(wording("annual_title"), plan_title=plan_title,
                                               year=plain_fact("report", "year", year, fmt_count(year)))
    report.title_facts += [plain_fact("plan", "title", float(n), n) for n in numbers_in(plan_title)]


def status_members(rows: pd.DataFrame, statuses: list[str]) -> pd.DataFrame:
    return rows[rows["status"].isin(statuses)]


def assessable_rows(rows: pd.DataFrame) -> pd.DataFrame:
    """Rows counted in 达标率's denominator by core's rule: not 数据不足, not 待评估."""
    return rows[assessable_mask(rows)]


def attained_rows(rows: pd.DataFrame, config=None) -> pd.DataFrame:
    """Rows counted in 达标率's numerator by core's rule (基本达标 as configured)."""
    return rows[attained_mask(rows, config)]


def opening(current: pd.DataFrame, plan, region: str, year: int) -> Paragraph:
    assessable = assessable_rows(current)
    counts = {key: count_fact(f"status:{'/'.join(s)}", status_members(current, s))
              for key, s in STATUS_GROUPS.items()}
    text, facts = compose(
        wording("annual_opening"),
        year=plain_fact("report", "year", year, fmt_count(year)), region=region,
        plan_title=plan_name(plan, region),
        kind_people=KIND_PEOPLE.get(getattr(plan, "kind", ""), "妇女儿童"),
        total=count_fact("indicators", current),
        assessable=count_fact("assessable", assessable), **counts)
    return Paragraph(text, facts, style="lead")


def by_area(current: pd.DataFrame, plan) -> list[tuple[str, pd.DataFrame]]:
    names = [a.name for a in plan.areas] if plan is not None else []
    names += [a for a in current["area"].unique() if a not in names]
    return [(name or "主要指标", current[current["area"] == name]) for name in names
            if (current["area"] == name).any()]


def add_area(report, number, area, rows, frame, observations, region, year, charts_per_area):
    report.add(Heading(f"（{ordinal(number)}）{area}", 2))
    report.add(area_headline(area, rows))
    reported = rows[rows["latest_year"] == year]
    for _, row in reported.iterrows():
        report.add(value_sentence(row, frame, region, year))
    late = rows[rows["latest_value"].map(res.present) & (rows["latest_year"] < year)]
    if not late.empty:
        report.add(late_note(late, year))
    if rows["latest_value"].map(res.present).any():
        report.add(indicator_table(area, rows, frame, year))
    for chart in area_charts(rows, frame, observations, region, charts_per_area):
        report.add(chart)


def late_note(late: pd.DataFrame, year: int) -> Paragraph:
    """"以下指标尚无2024年数据：A（最新为2023年）、B（最新为2022年）。" """
    pieces, facts = [], []
    for _, row in late.iterrows():
        shown, fact = year_part(row)
        pieces.append(f"{row['indicator']}（最新为{shown}年）")
        facts += fact
    text, head = compose("以下指标尚无{year}年数据：", year=plain_fact("report", "year", year, fmt_count(year)))
    return Paragraph(text + "、".join(pieces) + "。", head + facts)


def area_headline(area: str, rows: pd.DataFrame) -> Paragraph:
    assessable = assessable_rows(rows)
    if assessable.empty:
        text, facts = compose(wording("area_headline_no_data"),
                              total=count_fact("indicators", rows, area))
        return Paragraph(text, facts)
    text, facts = compose(
        wording("area_headline"), total=count_fact("indicators", rows, area),
        assessable=count_fact("assessable", assessable, area),
        attained=count_fact("status:已达标", status_members(rows, ["已达标"]), area),
        on_track=count_fact("status:预计达标", status_members(rows, ["预计达标"]), area),
        lagging=count_fact("status:" + "/".join(LAGGING), status_members(rows, LAGGING), area))
    return Paragraph(text, facts)


def value_sentence(row, frame: pd.DataFrame, region: str, year: int) -> Paragraph:
    """"2024年，全区孕产妇系统管理率为96.2%，比上年提高0.8个百分点，已实现2030年目标（≥95%）。" """
    parts = dict(year=year_part(row), place=res.place_name(region), indicator=row["indicator"],
                 value=value_part(row), status=status_part(row))
    if res.present(row["previous_value"]) and res.present(row["previous_year"]):
        parts["change"] = change_part(row)
        text, facts = compose(wording("value_sentence"), **parts)
    else:
        text, facts = compose(wording("value_sentence_first"), **parts)
    by_sex = sex_clause(row, frame)
    if by_sex[0]:
        text = text[:-1] + "；" + by_sex[0] + "。"
        facts += by_sex[1]
    return Paragraph(text, facts)


def change_part(row) -> tuple[str, list[Fact]]:
    change = change_value(row)
    previous_year = int(row["previous_year"])
    facts: list[Fact] = []
    against = "上年"
    if previous_year != int(row["latest_year"]) - 1:
        against = f"{previous_year}年"
        facts.append(result_fact(row, "previous_year"))
    phrase = change_phrase(change, row["unit"], against=against)
    if abs(change) >= 0.05:
        facts.append(result_fact(row, "change", change, phrase_number(phrase)))
    return phrase, facts


def phrase_number(phrase: str) -> str:
    return numbers_in(phrase)[-1]


def pooled_part(row) -> tuple[str, list[Fact]]:
    """Rare events: "例数较少，按近3年合计2例计算为22/10万，" — the pooled rate the engine
    judged attainment on (core engine.py, "Rare events"); "" for other rows."""
    years = row.get("pooled_years")
    if not res.present(years) or not years:
        return "", []
    text, facts = compose("例数较少，按近{years}年合计{events}例计算为{value}，",
                          years=result_fact(row, "pooled_years", shown=fmt_count(years)),
                          events=result_fact(row, "pooled_events"),
                          value=value_part(row, "pooled_value"))
    return text, facts


def status_part(row) -> tuple[str, list[Fact]]:
    pooled, facts = pooled_part(row)
    clause = status_clause(row["status"], int(row["milestone"]))
    facts += [result_fact(row, "milestone")] if str(int(row["milestone"])) in clause else []
    clause = pooled + clause
    target, target_facts = target_part(row)
    if row["status"] in ("已达标", "预计达标", "需加快") and target:
        clause += f"（目标{target}）"
        facts += target_facts
    return clause, facts


def sex_rows(row, frame: pd.DataFrame):
    """The female and male rows for the same indicator, target and latest year, or None."""
    same = frame[(frame["indicator"] == row["indicator"]) & (frame["milestone"] == row["milestone"])
                 & (frame["age"] == "") & (frame["residence"] == "")
                 & (frame["latest_year"] == row["latest_year"]) & frame["latest_value"].map(res.present)]
    female, male = same[same["sex"] == "女"], same[same["sex"] == "男"]
    if female.empty or male.empty:
        return None
    return female.iloc[0], male.iloc[0]


def sex_clause(row, frame: pd.DataFrame) -> tuple[str, list[Fact]]:
    """"其中女性为…，男性为…" when both sexes are reported for the same year."""
    pair = sex_rows(row, frame)
    if pair is None:
        return "", []
    pieces, facts = [], []
    for sex_row in pair:
        text, fact = value_part(sex_row)
        pieces.append(f"{res.SEX_LABEL[sex_row['sex']]}为{text}")
        facts += fact
    return "其中" + "，".join(pieces), facts


def sex_table(current: pd.DataFrame, frame: pd.DataFrame, year: int) -> Table | None:
    """分性别统计: female and male values this year and the gap (女−男), in printed precision."""
    table = Table(header=["指标", "单位", "女性", "男性", "差值（女－男）"], rows=[],
                  caption=f"主要指标分性别情况（{year}年）", widths=[5, 1.3, 1.4, 1.4, 1.9],
                  facts=[plain_fact("report", "year", year, fmt_count(year))])
    for _, row in current[current["latest_year"] == year].iterrows():
        pair = sex_rows(row, frame)
        if pair is None:
            continue
        female, male = (result_fact(r, "latest_value") for r in pair)
        gap = round(shown_value(pair[0]["latest_value"]) - shown_value(pair[1]["latest_value"]), 1)
        gap_fact = result_fact(pair[0], "sex_gap", gap, fmt_number(abs(gap)))
        gap_fact = replace(gap_fact, members=(pair[1].name,))         # the male row it is measured against
        sign = "+" if gap > 0 else "－" if gap < 0 else ""
        table.rows.append([row["indicator"], row["unit"] or "—", female.shown, male.shown, sign + gap_fact.shown])
        table.facts += [female, male, gap_fact]
    return table if table.rows else None


def cell(row, field: str) -> tuple[str, list[Fact]]:
    if not res.present(row[field]):
        return "—", []
    fact = result_fact(row, field)
    return fact.shown, [fact]


def indicator_table(area: str, rows: pd.DataFrame, frame: pd.DataFrame, year: int) -> Table:
    header_facts = [plain_fact("report", "year", year - 1, fmt_count(year - 1)),
                    plain_fact("report", "year", year, fmt_count(year))]
    table = Table(header=["指标", "单位", f"{year - 1}年", f"{year}年", "目标", "状态"], rows=[],
                  caption=f"{area}领域主要指标", facts=header_facts, widths=[5, 1.3, 1.3, 1.3, 1.8, 1.5])
    for _, row in rows[rows["latest_value"].map(res.present)].iterrows():
        this_year, last_year = ("—", []), ("—", [])
        if row["latest_year"] == year:
            this_year = cell(row, "latest_value")
            if row["previous_year"] == year - 1:
                last_year = cell(row, "previous_value")
        elif row["latest_year"] == year - 1:
            last_year = cell(row, "latest_value")
        target, target_facts = target_cell(row)
        table.rows.append([row["indicator"], row["unit"] or "—", last_year[0], this_year[0], target, row["status"]])
        table.facts += last_year[1] + this_year[1] + target_facts
    return table


def area_charts(rows, frame, observations, region, limit) -> list[Chart]:
    if observations is None or limit <= 0:
        return []
    obs = observations
    if "region" in obs.columns and region:
        obs = obs[obs["region"] == region]
    obs = obs[obs["indicator"].isin(rows["indicator"]) & obs["value"].notna()]
    for column in ("age", "residence"):
        if column in obs.columns:
            obs = obs[obs[column].fillna("") == ""]
    years_seen = obs.groupby("indicator")["year"].nunique()
    chosen = [name for name in rows["indicator"] if years_seen.get(name, 0) >= 3][:limit]
    charts = []
    for name in chosen:
        row = rows[rows["indicator"] == name].iloc[0]
        series = {}
        for sex, points in obs[obs["indicator"] == name].groupby(obs["sex"].fillna("") if "sex" in obs else "", sort=False):
            series[{"": "total", "女": "female", "男": "male"}.get(sex, sex)] = list(
                zip(points["year"].astype(int), points["value"].astype(float)))
        target = (row["op"], float(row["target_value"]), int(row["milestone"])) \
            if res.present(row["target_value"]) and row["op"] in ("<=", ">=", "<", ">", "=", "~") else None
        png = series_chart(name, series, unit=row["unit"], target=target)
        charts.append(Chart(png=png, caption=f"{name}变化情况"))
    return charts


def add_warnings(report: Report, warnings: pd.DataFrame | None, region: str) -> None:
    """The engine's warnings for the headline series, each in its own words."""
    if warnings is not None and region and "region" in warnings.columns:
        warnings = warnings[warnings["region"].astype(str) == region]
    if warnings is not None and "headline" in warnings.columns:
        warnings = warnings[warnings["headline"].astype(bool)]
    if warnings is None or warnings.empty:
        report.add(Paragraph(wording("warnings_none")))
        return
    text, facts = compose(wording("warnings_intro"),
                          count=plain_fact("warning", "count", len(warnings), fmt_count(len(warnings))))
    report.add(Paragraph(text, facts))
    for index, warning in warnings.iterrows():
        text = warning_text(warning)
        name = str(warning["indicator"])
        facts = [plain_fact("warning", "sentence", float(n), n, indicator=name, row=index)
                 for n in numbers_in(text.replace(name, " ").replace("/10万", "/万"))]  # names and units, not values
        report.add(Paragraph(text, facts))


def warning_text(warning) -> str:
    sentence = str(warning.get("sentence", "") or "")
    if sentence and sentence != "nan":
        return sentence
    level = LEVEL_NAMES.get(str(warning.get("level", "")), str(warning.get("level", "")))
    kind = KIND_NAMES.get(str(warning.get("kind", "")), str(warning.get("kind", "")))
    return f"【{level}预警】" + wording("warning_item").format(indicator=warning["indicator"], reason=kind)


def target_cell(row) -> tuple[str, list[Fact]]:
    target, facts = target_part(row)
    if target:
        return target, facts
    return ("定性目标" if row["kind"] == "qualitative" else "—"), []


def appendix_table(frame: pd.DataFrame) -> Table:
    table = Table(header=["领域", "指标", "目标年份", "目标", "最新年份", "最新值", "状态"], rows=[],
                  widths=[2.2, 4.0, 1.7, 1.8, 1.7, 1.4, 1.5])
    for _, row in frame.iterrows():
        milestone = result_fact(row, "milestone")
        latest_year, latest_value = cell(row, "latest_year"), cell(row, "latest_value")
        target, target_facts = target_cell(row)
        table.rows.append([row["area"] or "主要指标", row["indicator"], milestone.shown, target,
                           latest_year[0], with_unit(latest_value[0], row["unit"]) if latest_value[1] else "—",
                           row["status"]])
        table.facts += [milestone, *target_facts, *latest_year[1], *latest_value[1]]
    return table
