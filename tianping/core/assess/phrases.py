"""Chinese sentences for statuses and warnings, quotable in a report as they stand.

    孕产妇死亡率2023年为10.5/10万，按趋势预计2025年为9.6/10万（80%预测区间8.9–10.3/10万），
    高于“9/10万以下”的目标，需加快进度。

Every projected figure carries its unit and its interval says its level, so a warning read
alone (on the dashboard, in a notification) still says what was measured.
"""

from __future__ import annotations

import pandas as pd

from tianping.core.figures import series_label, shown, shown_figure, target_phrase

from .config import AssessConfig
from .status import (
    ACCELERATE,
    ACHIEVED,
    ATTAINED,
    FEW_EVENTS,
    MISSED,
    NO_DATA,
    NOT_ATTAINED,
    ON_TRACK,
    PENDING,
    REGRESSING,
    SLOW,
    UNCERTAIN,
)
from .warnings import LEVEL_NAMES


def _nan(v) -> bool:
    """NaN, None or pd.NA."""
    return v is None or bool(pd.isna(v))


def _value(v: float, r) -> str:
    """A figure of the series ``r`` with its unit, at the precision the plan writes (core.figures)."""
    return shown_figure(v, r.unit, r.target_value, r.target_upper)


def _number(v: float, r) -> str:
    return shown(v, r.target_value, r.target_upper)


# Targets stated against a base year: quoted in the plan's own words, since the base the
# engine measured from (the first observed year) may differ from the plan's ("在2019年基础上").
STATED_BASE_OPS = {"relative_increase", "relative_decrease"}


def _goal(r, *, after: str = "") -> str:
    """The target as the plan says it, in Chinese quotes: “9/10万以下”. ``after`` is the verb
    before it ("达到"), not repeated inside the quote ("曾达到“100%”的目标", not “达到100%”)."""
    text = str(getattr(r, "target_text", "") or "")
    if r.op in STATED_BASE_OPS and text and text != "nan":
        phrase = text
    else:
        phrase = target_phrase(r.op, r.target_value, r.target_unit, r.target_upper, r.base_year, r.target_text,
                               r.unit)
    if after and phrase.startswith(after):
        phrase = phrase[len(after):]
    return f"“{phrase}”"


def _projection(r, level: float) -> str:
    text = f"按趋势预计{r.milestone}年为{_value(r.projected, r)}"
    if not _nan(r.projected_low) and r.projected_high > r.projected_low:
        text += f"（{level:.0%}预测区间{_number(r.projected_low, r)}–{_value(r.projected_high, r)}）"
    return text


def _chance(r) -> str:
    """The probability of attaining, never a certainty: 超过99%, 不足1%."""
    p = getattr(r, "p_attain", float("nan"))
    if _nan(p):
        return ""
    if p > 0.99:
        return "，达标概率超过99%"
    if p < 0.01:
        return "，达标概率不足1%"
    return f"，达标概率约{p:.0%}"


def _side(r) -> str:
    return "高于" if r.direction == "down" else "低于"


def _pooled(r) -> bool:
    """Judged on rare events' pooled counts (engine.py): no trend, growth rate or pace exists."""
    years = getattr(r, "pooled_years", 0)
    return not _nan(years) and years > 0


def _pooled_rate(r) -> str:
    """"2020–2024年合计为4.1‰（95%精确区间3–5.3‰）": what a rare-event verdict rests on."""
    return (f"{int(r.pooled_first_year)}–{r.latest_year}年合计为{_value(r.pooled_value, r)}"
            f"（95%精确区间{_number(r.pooled_low, r)}–{_value(r.pooled_high, r)}）")


def _pooled_note(r) -> str:
    """Rare events: the pooled counts the verdict rests on (rare.py)."""
    if not _pooled(r):
        return ""
    return (f"（例数少，按{int(r.pooled_first_year)}–{r.latest_year}年{int(r.pooled_years)}个年度合计评判："
            f"共{_number(r.pooled_events, r)}例，合计{_value(r.pooled_value, r)}，"
            f"95%精确区间{_number(r.pooled_low, r)}–{_value(r.pooled_high, r)}）")


def _method_note(r) -> str:
    """Deviations from Open SDG's progress measure, said where they apply."""
    method = getattr(r, "progress_method", "")
    if method == "zero_base":
        return "（基期值为0，进度比仅供参考）"
    if method == "early_base":
        return f"（规划基期无数据，以{r.base_year}年为基期）"
    return ""


def status_sentence(r, level: float = AssessConfig.interval_level) -> str:
    """``level``: the projection interval's level (AssessConfig.interval_level)."""
    label = series_label(str(r.indicator), str(r.sex), str(r.age), str(r.residence))
    goal = _goal(r)
    now = f"{label}{r.latest_year}年为{_value(r.latest_value, r)}" + _pooled_note(r)
    since = f"较{r.base_year}年的{_value(r.base_value, r)}"
    pace = getattr(r, "pace", float("nan"))
    ratio = "" if _nan(pace) else f"，按趋势的进展速度为所需速度的{max(pace, 0):.0%}"
    directional = r.op in ("increase", "decrease")
    status = r.status
    if status == PENDING:
        return f"{label}为定性目标（{r.target_text or goal}），待专家评估组评判。"
    if r.op == "qualitative":
        return f"{label}经专家评估组评判为{r.judgement}（{r.target_text or '定性目标'}）。"
    if status == NO_DATA:
        return f"{label}数据不足（{r.n_points}个年度数据），暂无法评估{r.milestone}年{goal}的目标。"
    if directional:
        trend = {ATTAINED: f"呈{'上升' if r.trend_slope > 0 else '下降'}趋势，符合{goal}的要求",
                 SLOW: f"变化不显著，{goal}的进展不明显", REGRESSING: f"与{goal}的要求相反，出现退步"}[status]
        return f"{label}{r.latest_year}年为{_value(r.latest_value, r)}，{since}{trend}。"
    if status == ACHIEVED:
        return f"{now}，{r.milestone}年{goal}的目标已实现。"
    if status == MISSED:
        return f"{now}，{r.milestone}年{goal}的目标未实现。"
    if status == FEW_EVENTS:
        return f"{now}，区间包含目标值，例数过少，尚不能判断是否达到{r.milestone}年{goal}的目标。"
    if status == ATTAINED:
        early = "提前" if r.latest_year < r.milestone else ""
        return f"{now}，已{early}实现{r.milestone}年{goal}的目标。"
    if status == NOT_ATTAINED:
        return f"{now}，未达到{r.milestone}年{goal}的目标；仅有1个年度数据，趋势数据不足，无法预测。"
    chance = _chance(r)
    if status == ON_TRACK:
        return f"{now}，{_projection(r, level)}{chance}，预计可实现{goal}的目标。"
    if status == UNCERTAIN:
        return f"{now}，{_projection(r, level)}{chance}，能否实现{goal}的目标尚难判断。"
    if _pooled(r) and status in (ACCELERATE, SLOW):
        return f"{now}，{_side(r)}{r.milestone}年{goal}的目标，需加快进度。"
    if _pooled(r) and status == REGRESSING:
        return f"{now}，明显差于此前年份（按例数精确检验），偏离{r.milestone}年{goal}的目标。"
    note = _method_note(r)
    if status == ACCELERATE:
        if _nan(r.projected):
            return f"{now}，未实现{r.milestone}年{goal}的目标{ratio}{note}，需加快进度。"
        return f"{now}，{_projection(r, level)}{chance}，{_side(r)}{goal}的目标，需加快进度。"
    if status == SLOW:
        return f"{now}，{since}进展缓慢{ratio}{note}，难以实现{r.milestone}年{goal}的目标。"
    return f"{now}，{since}有所退步（趋势显著），偏离{r.milestone}年{goal}的目标。"


def status_sentences(results: pd.DataFrame, level: float = AssessConfig.interval_level) -> list[str]:
    return [status_sentence(r, level) for r in results.itertuples(index=False)]


def warning_sentence(w, r, level: float = AssessConfig.interval_level) -> str:
    """w: a warnings row; r: its results row."""
    label = series_label(str(w.indicator), str(w.sex), str(w.age), str(w.residence))
    head = f"【{LEVEL_NAMES[w.level]}预警】"
    goal = _goal(r)
    value = _value(w.value, r)
    if w.kind == "projected_miss":
        if _pooled(r):      # no trend to project: the pooled rate's interval already misses
            return f"{head}{label}{_pooled_rate(r)}，{_side(r)}{r.milestone}年{goal}的目标，须采取措施加快进度。"
        if _nan(r.projected):
            return f"{head}{label}{r.latest_year}年为{_value(r.latest_value, r)}，未实现{r.milestone}年{goal}的目标。"
        return f"{head}{label}{_projection(r, level)}，难以实现{goal}的目标，须采取措施加快进度。"
    if w.kind == "deterioration":
        return f"{head}{label}{r.base_year}年以来显著向不利方向变化，{w.year}年为{value}，与目标方向相反。"
    if w.kind == "fell_back":
        return f"{head}{label}曾达到{_goal(r, after='达到')}的目标，{w.year}年回落至{value}。"
    if w.kind == "fluctuation":
        # score is a Poisson p-value (< 1) for counted series, a robust z (> 3.5) otherwise
        test = "超出按往年水平可预期的随机波动范围" if 0 <= w.score < 1 else "波动异常"
        return f"{head}{label}{w.year}年为{value}，与往年变化相比{test}，请核实数据。"
    if w.kind == "late_data":
        return f"{head}{label}最新数据为{w.year}年，此后数据尚未报送。"
    return f"{head}{label}无任何监测数据，请牵头单位报送。"


def warning_sentences(warnings: pd.DataFrame, results: pd.DataFrame,
                      level: float = AssessConfig.interval_level) -> list[str]:
    rows = results.iloc[warnings["result_row"].to_numpy()] if len(warnings) else results.iloc[:0]
    return [warning_sentence(w, r, level)
            for w, r in zip(warnings.itertuples(index=False), rows.itertuples(index=False))]
