"""Chinese sentences for statuses and warnings, quotable in a report as they stand.

    孕产妇死亡率2023年为10.5/10万，按趋势预计2025年为9.6（8.9–10.3），高于'9/10万以下'的目标，需加快进度。
"""

from __future__ import annotations

import pandas as pd

from tianping.core.figures import series_label, shown, shown_figure, target_phrase

from .status import ACCELERATE, ATTAINED, NO_DATA, ON_TRACK, PENDING, REGRESSING, SLOW
from .warnings import LEVEL_NAMES



def _nan(v) -> bool:
    """NaN, None or pd.NA."""
    return v is None or bool(pd.isna(v))


def _value(v: float, r) -> str:
    """A figure of the series ``r`` with its unit, at the precision the plan writes."""
    return shown_figure(v, r.unit, r.target_value, r.target_upper)


def _number(v: float, r) -> str:
    return shown(v, r.target_value, r.target_upper)


def _goal(r) -> str:
    return f"'{target_phrase(r.op, r.target_value, r.target_unit, r.target_upper, r.base_year, r.target_text, r.unit)}'"


def _projection(r) -> str:
    text = f"按趋势预计{r.milestone}年为{_number(r.projected, r)}"     # unit already given with the latest value
    if not _nan(r.projected_low) and r.projected_high > r.projected_low:
        text += f"（{_number(r.projected_low, r)}–{_number(r.projected_high, r)}）"
    return text


def _side(r) -> str:
    return "高于" if r.direction == "down" else "低于"


def _pooled_note(r) -> str:
    """Rare events: the pooled rate attainment was judged on (engine.py, "Rare events")."""
    years = getattr(r, "pooled_years", 0)
    if _nan(years) or not years:
        return ""
    return (f"（例数少，单年数值波动大；按近{int(years)}年合计{shown(r.pooled_events)}例计算为"
            f"{_value(r.pooled_value, r)}，据此评判是否达标）")


def status_sentence(r) -> str:
    label = series_label(str(r.indicator), str(r.sex), str(r.age), str(r.residence))
    goal = _goal(r)
    now = f"{label}{r.latest_year}年为{_value(r.latest_value, r)}" + _pooled_note(r)
    since = f"较{r.base_year}年的{_value(r.base_value, r)}"
    ratio = "" if _nan(r.progress_ratio) else f"，进展速度为所需速度的{r.progress_ratio:.0%}"
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
                 SLOW: f"基本持平，{goal}的进展不明显", REGRESSING: f"与{goal}的要求相反，出现退步"}[status]
        return f"{label}{r.latest_year}年为{_value(r.latest_value, r)}，{since}{trend}。"
    if status == ATTAINED:
        early = "提前" if r.latest_year < r.milestone else ""
        return f"{now}，已{early}实现{r.milestone}年{goal}的目标。"
    if status == ON_TRACK:
        return f"{now}，{_projection(r)}，可实现{goal}的目标。"
    if status == ACCELERATE:
        if _nan(r.projected):
            return f"{now}，未实现{r.milestone}年{goal}的目标{ratio}，需加快进度。"
        return f"{now}，{_projection(r)}，{_side(r)}{goal}的目标，需加快进度。"
    if status == SLOW:
        return f"{now}，{since}进展缓慢{ratio}，难以实现{r.milestone}年{goal}的目标。"
    return f"{now}，{since}有所退步，偏离{r.milestone}年{goal}的目标。"


def status_sentences(results: pd.DataFrame) -> list[str]:
    return [status_sentence(r) for r in results.itertuples(index=False)]


def warning_sentence(w, r) -> str:
    """w: a warnings row; r: its results row."""
    label = series_label(str(w.indicator), str(w.sex), str(w.age), str(w.residence))
    head = f"【{LEVEL_NAMES[w.level]}预警】"
    goal = _goal(r)
    value = _value(w.value, r)
    if w.kind == "projected_miss":
        if _nan(r.projected):
            return f"{head}{label}{r.latest_year}年为{_value(r.latest_value, r)}，未实现{r.milestone}年{goal}的目标。"
        return f"{head}{label}{_projection(r)}，难以实现{goal}的目标，须采取措施加快进度。"
    if w.kind == "deterioration":
        return f"{head}{label}{r.base_year}年以来持续向不利方向变化，{w.year}年为{value}，与目标方向相反。"
    if w.kind == "fell_back":
        return f"{head}{label}曾达到{goal}的目标，{w.year}年回落至{value}。"
    if w.kind == "fluctuation":
        # score is a Poisson p-value (< 1) for counted series, a robust z (> 3.5) otherwise
        test = "超出按往年水平可预期的随机波动范围" if 0 <= w.score < 1 else "波动异常"
        return f"{head}{label}{w.year}年为{value}，与往年变化相比{test}，请核实数据。"
    if w.kind == "late_data":
        return f"{head}{label}最新数据为{w.year}年，此后数据尚未报送。"
    return f"{head}{label}无任何监测数据，请牵头单位报送。"


def warning_sentences(warnings: pd.DataFrame, results: pd.DataFrame) -> list[str]:
    rows = results.iloc[warnings["result_row"].to_numpy()] if len(warnings) else results.iloc[:0]
    return [warning_sentence(w, r) for w, r in zip(warnings.itertuples(index=False), rows.itertuples(index=False))]
