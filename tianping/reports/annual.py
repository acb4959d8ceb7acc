"""年度统计监测报告: the annual statistical monitoring report, in the shape of the National
Bureau of Statistics' annual reports on the outlines.

一、总体情况 (a judgement the data allow, and counts that add up); 二、各领域 — per area one
headline judgement, then the indicators of one goal said together in one sentence
("2024年，孕产妇死亡率为…，比上年下降…；孕产妇系统管理率为…"), a table and the charts
that matter; 三、分性别统计 findings; 四、监测预警 (each indicator once, its count equal to the
list); 五、存在的主要问题 and 六、对策建议 (drafted from the data for the office to edit);
附注 (data sources and definitions); issuer and date; an appendix of every indicator.

The verdict of each indicator (verdicts.py) is the same in every section.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace

import pandas as pd

from tianping.core import figures
from tianping.core.assess.warnings import LEVEL_NAMES, WARNING_KIND_NAMES
from tianping.reports import results as res
from tianping.reports.context import EvaluationInputs
from tianping.reports.document import (
    Fact,
    Heading,
    PageBreak,
    Paragraph,
    Report,
    Table,
    number_captions,
    numbers_in,
)
from tianping.reports.drafts import draft_problems, draft_recommendations, draft_section
from tianping.reports.evaluation import (
    Evaluation,
    appendix,
    area_charts,
    area_rates,
    by_area,
    data_statement,
    ordinal,
    plan_name,
    signature,
)
from tianping.reports.facts import (
    change_value,
    count_fact,
    plain_fact,
    result_fact,
    table_target,
    target_part,
    value_part,
    year_fact,
)
from tianping.reports.phrases import (
    change_phrase,
    compose,
    fmt_count,
    shown_value,
    spoken_unit,
    word_table,
    wording,
)
from tianping.reports.planner import Openings, counted_names, direction_word, with_place

KIND_PEOPLE = {"women": "妇女", "children": "儿童"}
CHARTS_IN_ALL = 8
Progress = Callable[[float, str], None]


def build_annual(results: pd.DataFrame, *, region: str, year: int, plan=None,
                 warnings: pd.DataFrame | None = None, observations: pd.DataFrame | None = None,
                 targets: pd.DataFrame | None = None, synthetic: bool = False,
                 inputs: EvaluationInputs | None = None, charts_per_area: int = 1,
                 progress: Progress | None = None, today: dt.date | None = None) -> Report:
    """``progress(fraction, message)`` is called as each area is drafted (for a progress bar)."""
    progress = progress or (lambda fraction, message: None)
    ev = Evaluation(results, stage="annual", region=region, plan=plan, targets=targets, inputs=inputs,
                    observations=observations, warnings=warnings, synthetic=synthetic, year=year)
    report = Report(title="", kind="annual", region=region, year=year, synthetic=synthetic)
    plan_title = plan_name(plan, region)
    report.title, report.title_facts = compose(wording("annual_title"), plan_title=plan_title,
                                               year=plain_fact("report", "year", year, fmt_count(year)))
    report.title_facts += [plain_fact("plan", "title", float(n), n) for n in numbers_in(plan_title)]
    report.completeness = ev.completeness.to_dict()
    if synthetic:
        report.add(Paragraph(wording("synthetic_notice"), style="note"))
    report.add(completeness_note(ev))
    number = iter(range(1, 20))
    report.add(Heading(f"{ordinal(next(number))}、总体情况", 1))
    for block in opening(ev):
        report.add(block)
    report.add(Heading(f"{ordinal(next(number))}、各领域监测情况", 1))
    areas = by_area(ev.rows, plan)
    charts_left = CHARTS_IN_ALL
    for n, (area, rows) in enumerate(areas, start=1):
        progress(n / (len(areas) + 1), f"正在撰写：{area}")
        for block in area_section(ev, n, area, rows, charts_per_area if charts_left > 0 else 0):
            charts_left -= type(block).__name__ == "Chart"
            report.add(block)
    sex = sex_findings(ev)
    if sex:
        report.add(Heading(f"{ordinal(next(number))}、分性别统计", 1))
        for block in sex:
            report.add(block)
    report.add(Heading(f"{ordinal(next(number))}、监测预警", 1))
    for block in warning_section(ev):
        report.add(block)
    report.add(Heading(f"{ordinal(next(number))}、存在的主要问题", 1))
    gaps = sex_gaps(ev)
    for block in draft_section(draft_problems(ev.rows, ev.verdicts, final=False, area_rates=area_rates(ev),
                                              completeness=ev.completeness, sex_gaps=gaps), ev.inputs.problems):
        report.add(block)
    report.add(Heading(f"{ordinal(next(number))}、对策建议", 1))
    for block in draft_section(draft_recommendations(ev.rows, ev.verdicts, plan, final=False,
                                                     completeness=ev.completeness, end_year=ev.end),
                               ev.inputs.recommendations):
        report.add(block)
    report.add(Heading("附注", 1))
    for block in notes(ev):
        report.add(block)
    for block in signature(ev, today):
        report.add(block)
    report.add(PageBreak())
    report.add(Heading("附录  监测指标及评估结果", 1))
    report.add(appendix(ev))
    return number_captions(report)


def completeness_note(ev: Evaluation) -> Paragraph:
    """First page: how many indicators have this year's data, which departments reported."""
    blocks = data_statement(ev)
    statement = next((b for b in blocks if b.text.startswith("数据说明")), None)
    return statement or blocks[-1]


# ------------------------------------------------------------------ 总体情况

def changes(ev: Evaluation, rows: pd.DataFrame) -> tuple[list, list, list]:
    """Rows reported this year with a previous value: (better, same, worse), by the target's direction."""
    from tianping.reports.evaluation import good_direction

    better, same, worse = [], [], []
    for index, row in rows.iterrows():
        if row["latest_year"] != ev.year or row["previous_year"] != ev.year - 1:
            continue
        change = change_value(row)
        direction = good_direction(row)
        if abs(change) < 0.05:
            same.append(index)
        elif direction == 0:
            continue
        elif change * direction > 0:
            better.append(index)
        else:
            worse.append(index)
    return better, same, worse


def opening(ev: Evaluation) -> list:
    rows = ev.rows
    better, same, worse = changes(ev, rows)
    tone = direction_word(len(better), len(worse))
    counted = ev.counted(rows)
    targeted = rows[rows["status"] != res.MONITORED]
    words = word_table("class_words")
    said, said_facts = [], []
    for klass in ("attained", "on_track", "uncertain", "accelerate", "slow", "not_attained", "missed", "regress"):
        members = ev.in_classes(targeted, (klass,))
        if len(members):
            c = count_fact(f"class:{klass}:appendix", members)
            said.append(words[klass].format(n=c.shown))
            said_facts.append(c)
    a = count_fact("assessable", counted)
    if len(counted) == len(targeted):
        breakdown = f"{a.shown}项均可评估，其中" + "，".join(said)
    else:
        breakdown = f"可评估的{a.shown}项中，" + "，".join(said) if said else f"可评估的{a.shown}项"
    rest = []
    for klass in ("few_events", "no_data", "pending"):
        members = ev.in_classes(targeted, (klass,))
        if len(members):
            c = count_fact(f"class:{klass}:appendix", members)
            rest.append(words[klass].format(n=c.shown))
            said_facts.append(c)
    if rest:
        breakdown += "；另有" + "，".join(rest)
    text, facts = compose(
        wording("annual_opening"), year=plain_fact("report", "year", ev.year, fmt_count(ev.year)),
        region=ev.region, plan_title=plan_name(ev.plan, ev.region), tone=tone,
        kind_people=KIND_PEOPLE.get(getattr(ev.plan, "kind", ""), "妇女儿童"),
        total=count_fact("indicators", targeted), breakdown=breakdown)
    facts = facts[:1] + [a] + said_facts + facts[1:]
    blocks = [Paragraph(text, facts, style="lead")]
    monitored = rows[rows["status"] == res.MONITORED]
    if len(monitored):
        c = count_fact("monitored", monitored)
        blocks.append(Paragraph(f"此外，另有{c.shown}项未设定量目标的指标纳入监测，只报告其数值和变化。", [c]))
    if better or worse or same:
        b, s, w = (count_fact(f"change:{k}", rows.loc[i]) for k, i in (("better", better), ("same", same),
                                                                       ("worse", worse)))
        n = count_fact("change:compared", rows.loc[better + same + worse])
        blocks.append(Paragraph(f"与上年相比，有可比数据的{n.shown}项指标中，{b.shown}项向目标方向改善，"
                                f"{s.shown}项基本持平，{w.shown}项向不利方向变化。", [n, b, s, w]))
    return blocks


# ------------------------------------------------------------------ 各领域

def area_headline(ev: Evaluation, area: str, rows: pd.DataFrame) -> Paragraph:
    better, same, worse = changes(ev, rows)
    reported = rows[rows["latest_year"] == ev.year]
    total = count_fact("indicators", rows, area)
    if reported.empty:
        return Paragraph(f"{area}领域纳入监测的{total.shown}项指标暂无{ev.year}年数据。", [total, year_fact(ev.year)],
                         style="lead")
    tone = direction_word(len(better), len(worse), len(same))
    r = count_fact("reported", reported, area)
    text = f"{area}领域{tone}。纳入监测的{total.shown}项指标中，{r.shown}项有{ev.year}年数据"
    facts = [total, r, year_fact(ev.year)]
    if better or worse or same:
        b, w = count_fact("change:better", rows.loc[better], area), count_fact("change:worse", rows.loc[worse], area)
        text += f"，其中比上年改善{b.shown}项、回落{w.shown}项"
        facts += [b, w]
    return Paragraph(text + "。", facts, style="lead")


def indicator_clause(ev: Evaluation, index, row, place: str) -> tuple[str, list[Fact]]:
    """"孕产妇系统管理率为96.2%，比上年提高0.8个百分点，已达到2030年目标（≥95%）"."""
    value, facts = value_part(row)
    text = f"{with_place(place, str(row['indicator']))}为{value}"
    if res.present(row["previous_value"]) and res.present(row["previous_year"]):
        change = change_value(row)
        against = "上年" if int(row["previous_year"]) == int(row["latest_year"]) - 1 else f"{int(row['previous_year'])}年"
        if against != "上年":
            facts.append(result_fact(row, "previous_year"))
        phrase = change_phrase(change, row["unit"], against=against)
        if abs(change) >= 0.05:
            facts.append(result_fact(row, "change", change, numbers_in(phrase)[-1]))
        text += "，" + phrase
    pooled, pooled_facts = pooled_part(row)
    if pooled:
        text += "，" + pooled.rstrip("，")
        facts += pooled_facts
    verdict = ev.verdicts[index]
    if pooled and verdict.klass == "few_events":          # "例数较少" is said once, with the pooled rate
        text += "，尚不能判断是否达到目标"
    elif verdict.klass not in ("monitored", "no_data"):
        text += "，" + verdict.phrase()
        if verdict.milestone and str(verdict.milestone) in verdict.phrase():
            facts.append(result_fact(row, "milestone"))
        target, target_facts = target_part(row)
        if target and verdict.klass in ("attained", "on_track", "uncertain", "accelerate", "slow", "not_attained",
                                        "missed"):
            text += f"（目标{target}）"
            facts += target_facts
    return text, facts


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


def goal_groups(rows: pd.DataFrame) -> list[pd.DataFrame]:
    """Indicators of one goal together (related indicators in one sentence), at most four a sentence."""
    groups = []
    key = rows["goal"].fillna(-1).astype(str) if "goal" in rows.columns else pd.Series("", index=rows.index)
    for _, members in rows.groupby(key, sort=False, dropna=False):
        for start in range(0, len(members), 4):
            groups.append(members.iloc[start:start + 4])
    return groups


def area_section(ev: Evaluation, number: int, area: str, rows: pd.DataFrame, charts: int) -> list:
    blocks: list = [Heading(f"（{ordinal(number)}）{area}", 2), area_headline(ev, area, rows)]
    reported = rows[rows["latest_year"] == ev.year]
    openings = Openings()
    openings.next()                        # the first sentence starts with the year instead
    year = plain_fact("report", "year", ev.year, fmt_count(ev.year))
    for n, group in enumerate(goal_groups(reported)):
        place = res.place_name(ev.region) if n == 0 and number == 1 else ""
        clauses: list[str] = []
        facts: list[Fact] = []
        for index, row in group.iterrows():
            clause, clause_facts = indicator_clause(ev, index, row, place if not clauses else "")
            clauses.append(clause)
            facts += clause_facts
        start = f"{year.shown}年，" if n == 0 else openings.next()
        blocks.append(Paragraph(start + "；".join(clauses) + "。", ([year] if n == 0 else []) + facts))
    late = rows[rows["latest_value"].map(res.present) & (rows["latest_year"] < ev.year)]
    if len(late):
        pieces, facts = [], []
        for _, row in late.iterrows():
            y = result_fact(row, "latest_year")
            pieces.append(f"{row['indicator']}（最新为{y.shown}年）")
            facts.append(y)
        c = count_fact("late", late, area)
        blocks.append(Paragraph(f"尚无{ev.year}年数据的{c.shown}项指标：" + "、".join(pieces) + "。",
                                [year_fact(ev.year), c, *facts]))
    missing = ev.in_classes(rows, ("no_data",))
    if len(missing):
        names, c = counted_names(missing, "class:no_data", area)
        if len(missing) > 1:
            blocks.append(Paragraph(f"{names}等{c.shown}项指标尚无监测数据。", [c]))
        else:
            blocks.append(Paragraph(f"{names}尚无监测数据。"))
    with_data = rows[rows["latest_value"].map(res.present)]
    if len(with_data):
        blocks.append(indicator_table(ev, area, with_data))
    if charts:
        blocks += area_charts(ev, rows, charts)
    return blocks


def cell(row, field: str) -> tuple[str, list[Fact]]:
    if not res.present(row[field]):
        return "—", []
    fact = result_fact(row, field)
    return fact.shown, [fact]


def dated_cell(row, field: str, year_field: str, usual: int) -> tuple[str, list[Fact]]:
    """The value, with its year when it is not ``usual`` ("41.2（2022年）")."""
    shown, facts = cell(row, field)
    if facts and int(row[year_field]) != usual:
        year = result_fact(row, year_field)
        return f"{shown}（{year.shown}年）", facts + [year]
    return shown, facts


def indicator_table(ev: Evaluation, area: str, rows: pd.DataFrame) -> Table:
    year = ev.year
    header_facts = [plain_fact("report", "year", year, fmt_count(year))]
    table = Table(header=["指标", "单位", "上期", f"{year}年", "目标", "状态"], rows=[],
                  caption=f"{area}领域主要指标", facts=header_facts, widths=[4.6, 1.1, 2.3, 1.3, 1.7, 1.5])
    for index, row in rows.iterrows():
        this_year: tuple[str, list[Fact]] = ("—", [])
        last_year: tuple[str, list[Fact]] = ("—", [])
        if row["latest_year"] == year:
            this_year = cell(row, "latest_value")
            if res.present(row["previous_year"]):
                last_year = dated_cell(row, "previous_value", "previous_year", year - 1)
        else:
            last_year = dated_cell(row, "latest_value", "latest_year", year - 1)
        target, target_facts = table_target(row)
        table.rows.append([row["indicator"], row["unit"] or "—", last_year[0], this_year[0], target or "—",
                           ev.verdicts[index].short])
        table.facts += last_year[1] + this_year[1] + target_facts
    return table


# ------------------------------------------------------------------ 分性别

def sex_rows(ev: Evaluation, row):
    same = ev.frame[(ev.frame["indicator"] == row["indicator"]) & (ev.frame["age"] == "")
                    & (ev.frame["residence"] == "") & (ev.frame["latest_year"] == ev.year)
                    & ev.frame["latest_value"].map(res.present)]
    if res.present(row["milestone"]):
        same = same[same["milestone"] == row["milestone"]]
    female, male = same[same["sex"] == "女"], same[same["sex"] == "男"]
    if female.empty or male.empty:
        return None
    return female.iloc[0], male.iloc[0]


def sex_pairs(ev: Evaluation) -> list[tuple]:
    pairs = []
    for _, row in ev.rows[ev.rows["latest_year"] == ev.year].iterrows():
        pair = sex_rows(ev, row)
        if pair is not None:
            pairs.append((row, *pair))
    return pairs


def notable_gap(row, female, male) -> bool:
    """A gap worth a sentence: 2 points for shares, else 5 % of the male value."""
    f, m = shown_value(female["latest_value"]), shown_value(male["latest_value"])
    if str(row["unit"]) in ("%", "‰"):
        return abs(f - m) >= 2
    return abs(f - m) >= 0.05 * max(abs(m), 1e-9) and abs(f - m) >= 0.05


def gap_fact(female, male) -> Fact:
    """Female − male in printed precision; the fact names the male row it is measured against."""
    gap = round(shown_value(female["latest_value"]) - shown_value(male["latest_value"]), 1)
    printed = [result_fact(r, "latest_value").shown for r in (female, male)]
    decimals = min(1, max(len(p.split(".")[1]) if "." in p else 0 for p in printed))   # 72.6 − 67.6 = 5.0
    return replace(result_fact(female, "sex_gap", gap, figures.fixed(abs(gap), decimals)), members=(male.name,))


def sex_gaps(ev: Evaluation) -> list[tuple[str, Fact, str]]:
    """The largest notable female–male gaps, for 存在问题."""
    gaps = [(str(row["indicator"]), gap_fact(female, male), spoken_unit(row["unit"]))
            for row, female, male in sex_pairs(ev) if notable_gap(row, female, male)]
    return sorted(gaps, key=lambda g: -abs(g[1].value))[:3]


def sex_findings(ev: Evaluation) -> list:
    pairs = sex_pairs(ev)
    if not pairs:
        return []
    pieces, facts = [], []
    table = Table(header=["指标", "单位", "女性", "男性", "差值（女－男）"], rows=[],
                  caption=f"主要指标分性别情况（{ev.year}年）", widths=[5, 1.3, 1.4, 1.4, 1.9],
                  facts=[plain_fact("report", "year", ev.year, fmt_count(ev.year))])
    for row, female, male in pairs:
        f_fact, m_fact = result_fact(female, "latest_value"), result_fact(male, "latest_value")
        gap = round(shown_value(female["latest_value"]) - shown_value(male["latest_value"]), 1)
        difference = gap_fact(female, male)
        unit = figures.unit_suffix(row["unit"])
        if abs(gap) < 0.05:
            relation = "男女基本持平"
            said = [f_fact, m_fact]
        else:
            relation = f"女性{'高于' if gap > 0 else '低于'}男性{difference.shown}{spoken_unit(row['unit'])}"
            said = [f_fact, m_fact, difference]
        if notable_gap(row, female, male):
            pieces.append(f"{row['indicator']}女性为{f_fact.shown}{unit}，男性为{m_fact.shown}{unit}，{relation}")
            facts += said
        sign = "+" if gap > 0 else "－" if gap < 0 else ""
        table.rows.append([row["indicator"], row["unit"] or "—", f_fact.shown, m_fact.shown, sign + difference.shown])
        table.facts += [f_fact, m_fact, difference]
    c = count_fact("sex:pairs", pd.DataFrame([p[0] for p in pairs]))
    text = f"{ev.year}年有分性别数据的指标{c.shown}项（见下表）。"
    facts = [year_fact(ev.year), *facts]
    if pieces:
        text += "性别差距较明显的有：" + "；".join(pieces) + "。其余指标男女差距较小。"
    else:
        text += "各项指标男女差距均较小。"
    return [Paragraph(text, [c, *facts]), table]


# ------------------------------------------------------------------ 监测预警

def warning_section(ev: Evaluation) -> list:
    """Each indicator with a warning once ("以下N项指标需要关注" lists exactly N), in the
    engine's words, with the verdict used everywhere else."""
    warnings = ev.warnings
    if warnings is not None and len(warnings):
        if "region" in warnings.columns:
            warnings = warnings[warnings["region"].astype(str).isin([ev.region, ""])]
        if "headline" in warnings.columns:
            warnings = warnings[warnings["headline"].astype(bool)]
    if warnings is None or warnings.empty:
        return [Paragraph(wording("warnings_none"))]
    by_indicator: dict[str, list] = {}
    for _, warning in warnings.iterrows():
        by_indicator.setdefault(str(warning["indicator"]), []).append(warning)
    rows = ev.rows[ev.rows["indicator"].isin(list(by_indicator))]
    names = [n for n in rows["indicator"]] + [n for n in by_indicator if n not in set(rows["indicator"])]
    count = plain_fact("warning", "indicators", len(names), fmt_count(len(names)))
    text, facts = compose(wording("warnings_intro"), count=count)
    blocks = [Paragraph(text, facts)]
    verdict_of = {str(ev.rows.loc[i, "indicator"]): ev.verdicts[i] for i in ev.rows.index}
    for n, name in enumerate(names, start=1):
        items = by_indicator[name]
        level = min(items, key=lambda w: ["red", "orange", "yellow"].index(str(w["level"]))
                    if str(w["level"]) in ("red", "orange", "yellow") else 3)["level"]
        sentences = [warning_text(w) for w in items]
        verdict = verdict_of.get(name)
        unique = list(dict.fromkeys(s.rstrip("。") for s in sentences))
        # the indicator is named once: "A…与目标方向相反；曾达到…", not "A…；A曾达到…"
        said = "；".join([unique[0], *(s[len(name):] if s.startswith(name) else s for s in unique[1:])])
        text = f"（{ordinal(n)}）【{LEVEL_NAMES.get(str(level), str(level))}】{said}。"
        if verdict is not None and verdict.klass not in ("no_data",):
            text += f"综合判断：{verdict.short}。"
        facts = []
        for sentence, warning in dict(zip((warning_text(w).rstrip("。") for w in items), items)).items():
            facts += [plain_fact("warning", "sentence", float(x), x, indicator=name, row=warning.name)
                      for x in numbers_in(sentence.replace(name, " "))]
        blocks.append(Paragraph(text, facts))
    return blocks


def warning_text(warning) -> str:
    sentence = str(warning.get("sentence", "") or "")
    if sentence and sentence != "nan":
        return sentence.split("】", 1)[-1]
    kind = WARNING_KIND_NAMES.get(str(warning.get("kind", "")), str(warning.get("kind", "")))
    return wording("warning_item").format(indicator=warning["indicator"], reason=kind)


# ------------------------------------------------------------------ 附注

def notes(ev: Evaluation) -> list:
    c = ev.completeness
    first, last = c.data_first_year or ev.base_year, c.data_last_year or ev.year
    source = ev.inputs.source or wording("source_local").format(first=first, last=last)
    text = wording("data_note").format(source=source, plan_title=plan_name(ev.plan, ev.region), base=ev.base_year)
    meanings = ("已达标：最新数据已达到目标值；预计达标：按近年趋势推算可如期达到目标；需加快：向目标方向变化但速度不足；"
                "进展缓慢：变化不明显；退步：向不利方向变化；数据不足：缺少监测数据；待评估：定性目标，由评估组评定；"
                "仅监测：未设定量目标的指标。")
    facts = [plain_fact("report", "source_text", float(n), n)
             for n in numbers_in(text.replace(plan_name(ev.plan, ev.region), " "))]
    return [Paragraph(text, facts, style="note"), Paragraph("状态说明：" + meanings, style="note")]
