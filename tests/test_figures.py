"""tianping.core.figures: every unit and precision the seed plans write, printed as written.

The seeds are read through the real parser; ``WRITTEN`` is the table of (unit, precision)
→ how one such value reads. A seed bringing a unit or a precision without a row fails
``test_table_covers_every_unit_and_precision_in_the_seeds``.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from tests.conftest import SEEDS
from tianping.core import figures
from tianping.core.assess.status import STATUSES as ENGINE_STATUSES
from tianping.core.model import OPS
from tianping.core.readers import parse_document

# (unit as parsed, decimals as written) → (value, how a figure reads, how ">=" reads)
WRITTEN = {
    ("%", 0): (95.0, "95%", "95%以上"),
    ("%", 1): (94.3, "94.3%", "94.3%以上"),
    ("%", 2): (99.99, "99.99%", "99.99%以上"),
    ("", 1): (0.5, "0.5", "0.5以上"),              # "1/2以上" of an indicator without a unit
    ("1/10万", 0): (9.0, "9/10万", "9/10万以上"),
    ("1/10万活产", 0): (15.0, "15/10万活产", "15/10万活产以上"),
    ("‰", 0): (3.0, "3‰", "3‰以上"),
    ("‰", 1): (2.8, "2.8‰", "2.8‰以上"),
    ("个", 0): (5.0, "5个", "5个以上"),
    ("个", 1): (4.5, "4.5个", "4.5个以上"),
    ("个百分点", 0): (1.0, "1个百分点", "1个百分点以上"),
    ("个百分点", 1): (0.5, "0.5个百分点", "0.5个百分点以上"),
    ("名", 0): (2.0, "2名", "2名以上"),
    ("名", 2): (1.12, "1.12名", "1.12名以上"),
    ("家", 0): (1.0, "1家", "1家以上"),
    ("小时", 0): (8.0, "8小时", "8小时以上"),
    ("岁", 2): (82.72, "82.72岁", "82.72岁以上"),
    ("平方米", 1): (2.7, "2.7平方米", "2.7平方米以上"),
    ("张", 1): (4.5, "4.5张", "4.5张以上"),
    ("张", 2): (3.17, "3.17张", "3.17张以上"),
    ("所", 0): (2.0, "2所", "2所以上"),
    ("项", 0): (1.0, "1项", "1项以上"),
    ("处", 0): (2.0, "2处", "2处以上"),         # "建设两处…": a count written in Chinese numerals
}
# Units the plans' indicators use that the seeds happen not to state a value in.
NOT_IN_SEEDS = {
    ("元", 0): (12000.0, "12000元", "12000元以上"),
    ("元", 2): (1234567.89, "1234567.89元", "1234567.89元以上"),
    ("1/千", 1): (3.5, "3.5‰", "3.5‰以上"),
    ("1/万", 1): (1.5, "1.5/万", "1.5/万以上"),
}


def _seed_values():
    """(unit, value, indicator unit, sentence) of every target and baseline value in the seeds."""
    for path in SEEDS:
        for plan in parse_document(path):
            for indicator in plan.indicators():
                for t in indicator.targets:
                    for value in (t.value, t.upper):
                        if value is not None:
                            yield t.unit, value, indicator.unit, t.text
                for b in indicator.baselines:
                    yield b.unit, b.value, indicator.unit, b.source.text if b.source else ""


SEED_VALUES = list(_seed_values())


def test_the_six_seed_plans_were_read():
    assert sum(len(parse_document(path)) for path in SEEDS) == 6
    assert len(SEED_VALUES) > 150


def test_table_covers_every_unit_and_precision_in_the_seeds():
    found = {(unit, figures.written_decimals(value)) for unit, value, _, _ in SEED_VALUES}
    assert found - set(WRITTEN) == set(), "add a row to WRITTEN for each"
    assert set(WRITTEN) - found == set(), "a row no seed needs belongs in NOT_IN_SEEDS"


@pytest.mark.parametrize(("unit", "decimals"), sorted({**WRITTEN, **NOT_IN_SEEDS}))
def test_a_value_reads_as_written(unit, decimals):
    value, said, at_least = {**WRITTEN, **NOT_IN_SEEDS}[(unit, decimals)]
    assert figures.written_decimals(value) == decimals
    assert figures.figure(value, unit) == said
    assert figures.target_phrase(">=", value, unit) == at_least


def _in_chinese_numerals(sentence: str) -> set[float]:
    """Counts the plan wrote in words ("建设两处"): the grammar reads them as numbers."""
    import re

    from tianping.core.normalize import chinese_to_number

    return {chinese_to_number(w.replace("两", "二")) for w in re.findall("[一二两三四五六七八九十]+", sentence)}


def test_every_seed_number_is_printed_as_the_plan_writes_it():
    """The printed number is in the plan's own sentence (unless the plan wrote words or a fraction)."""
    unprinted = []
    for unit, value, measured_in, sentence in SEED_VALUES:
        shown, _ = figures.as_written(value, unit, measured_in)
        text = figures.number(value)
        if text not in sentence and not ("1/2" in sentence and figures.number(shown) in ("0.5", "50")) \
                and value not in _in_chinese_numerals(sentence):
            unprinted.append((text, unit, sentence))
    # "实现全覆盖" / "全部" state 100 in words; nothing else may be missing
    assert all(text == "100" for text, _, _ in unprinted), unprinted


def test_the_reported_defects_are_fixed():
    assert figures.number(0.78) == "0.78"                       # not 0.8
    assert figures.target_phrase(">=", 0.5, "", measured_in="%") == "50%以上"   # not ≥0.5%
    assert figures.figure(1.12, "名") == "1.12名"               # not 1.1名
    assert figures.figure(99.99, "%") == "99.99%"               # not 100%


@pytest.mark.parametrize(("value", "decimals", "said"), [
    (0.1 + 0.2, None, "0.3"), (95.0, None, "95"), (-0.0, None, "0"), (10.50, None, "10.5"),
    (8.666666, 1, "8.7"), (8.666666, 2, "8.67"), (-0.04, 1, "0"), (1234567, None, "1234567"),
    (None, None, "—"), (math.nan, None, "—"), ("", None, "—"), (pd.NA, None, "—"),
])
def test_number(value, decimals, said):
    assert figures.number(value, decimals) == said


@pytest.mark.parametrize(("value", "written", "said"), [
    (10.53, (9,), "10.5/10万"), (3.14, (), "3.1‰"), (0.784, (), "0.78名"), (0.78, (1,), "0.78‰"),
    (1.12, (1.12,), "1.12名"), (1.1349, (1.12, 1), "1.13名"), (99.99, (99.99,), "99.99%"),
    (99.994, (95,), "99.99%"), (-0.02, (), "-0.02"), (0.0, (), "0"), (None, (), "—"),
])
def test_computed_figures_keep_the_plans_precision(value, written, said):
    unit = said.lstrip("-0123456789.") if value is not None else ""
    assert figures.shown_figure(value, unit, *written) == said


@pytest.mark.parametrize(("op", "value", "upper", "unit", "base_year", "said"), [
    (">=", 95, None, "%", None, "95%以上"), ("<=", 9, None, "1/10万", None, "9/10万以下"),
    (">", 80, None, "%", None, "高于80%"), ("<", 7, None, "1/10万", None, "低于7/10万"),
    ("=", 100, None, "%", None, "达到100%"), ("~", 45, None, "%", None, "45%左右"),
    ("range", 5, 6, "%", None, "5%—6%"),
    ("relative_increase", 10, None, "%", 2020, "比2020年提高10%"),
    ("relative_decrease", 20, None, "%", None, "比基期降低20%"),
    ("annual_decrease", 0.5, None, "个百分点", None, "每年降低0.5个百分点"),
    ("annual_increase", 1, None, "个百分点", None, "每年提高1个百分点"),
    ("annual_relative_increase", 6, None, "%", None, "年均提高6%"),
    ("annual_relative_decrease", 3, None, "%", None, "年均降低3%"),
    ("increase", None, None, "", None, "逐步提高"), ("decrease", None, None, "", None, "逐步降低"),
])
def test_target_phrase(op, value, upper, unit, base_year, said):
    assert figures.target_phrase(op, value, unit, upper, base_year) == said


def test_target_phrase_uses_the_indicators_unit_and_says_qualitative_targets():
    assert figures.target_phrase("<=", 9, "", measured_in="1/10万") == "9/10万以下"
    assert figures.target_phrase("qualitative", None, "", text="与经济社会发展相适应") == "与经济社会发展相适应"
    assert figures.target_phrase("qualitative", None, "") == "定性目标"
    assert figures.dated_target(2025, ">=", 95, "%") == "2025年95%以上"


def test_every_operator_has_one_label():
    assert set(figures.OPERATORS) == set(OPS)
    assert figures.operator_words(">=") == "不低于" and figures.operator_symbol("<=") == "≤"


def test_every_engine_status_has_a_label_and_a_colour():
    assert set(ENGINE_STATUSES) <= set(figures.STATUSES)
    assert [figures.status_light(s) for s in ("已达标", "需加快", "进展缓慢", "退步", "数据不足")] == [
        "green", "yellow", "orange", "red", "grey"]
    assert figures.status_light("某个新状态") == "grey" and figures.status_label("某个新状态") == "某个新状态"


@pytest.mark.parametrize(("delta", "unit", "said"), [
    (2.1, "%", "提高2.1个百分点"), (-0.8, "‰", "下降0.8个千分点"), (-1.26, "1/10万", "下降1.3个十万分点"),
    (3, "岁", "提高3岁"), (0.04, "%", "持平"), (None, "%", "—"),
    # a headcount or a number of things: 增加/减少 (the rule lived in reports.phrases only)
    (-8436, "人", "减少8436人"), (1, "所", "增加1所"), (2.5, "万人", "增加2.5万人"),
])
def test_change(delta, unit, said):
    assert figures.change(delta, unit) == said


def test_change_since_and_relative_change():
    assert figures.change_since(0.8, "%") == "比上年提高0.8个百分点"
    assert figures.change_since(0.01, "%", against="基期") == "与基期持平"
    assert figures.relative_change(8, 7) == "下降12.5%"
    assert figures.relative_change(100, 103) == "提高3%"
    assert figures.relative_change(0, 3) == "—"


def test_a_difference_agrees_with_the_printed_figures():
    assert figures.difference(96.24, 95.36) == 0.8                 # 96.2 − 95.4
    assert figures.difference(0.784, 0.7) == 0.08                  # 0.78 − 0.7
    assert figures.difference(1.13, 1.0, 1.12) == 0.13
    assert figures.difference(None, 1) is None


def test_attainment_rate_always_has_one_decimal():
    assert [figures.rate(v) for v in (80, 66.666, 0, None)] == ["80.0", "66.7", "0.0", "—"]


def test_figures_side_by_side_share_their_decimals():
    """The 西岗区 mid-term printed 妇女人均预期寿命 base 81.1岁 beside 2025年实际 81岁, and
    74% beside 73.2%: one indicator's figures print with one number of decimals."""
    assert figures.aligned(81.0, (81.1, 81.0)) == "81.0"
    assert figures.aligned(74.0, (73.2,), "%") == "74.0"
    assert figures.aligned(2.0, (0.0, 2.0)) == "2" and figures.aligned(0.0, (2.0,)) == "0"
    assert figures.aligned(0.78, (1.0,)) == "0.78" and figures.aligned(1.0, (0.78,)) == "1.00"
    assert figures.aligned(4.21, (0.78,)) == "4.2"                  # never more than ``rounded`` keeps
    assert figures.aligned(33.33333, (31.25,)) == "33.3"           # a computed rate: precision, not 5 decimals
    assert figures.aligned(99.996, (98.0,), "%") == "99.996"       # a share short of 100 never prints as 100
    assert figures.fixed(-0.01, 1) == "0.0" and figures.common_decimals() == 0


def test_a_gap_is_said_in_its_spoken_unit():
    assert figures.gap(-1.0, "%") == "-1个百分点"
    assert figures.gap(0.84, "‰") == "0.84个千分点"
    assert figures.gap(3.95, "1/10万") == "4个十万分点"
    assert figures.gap(None, "%") == "—"


def test_a_directional_target_is_said_in_the_plans_own_word():
    assert figures.target_phrase("increase", None, "", text="延长") == "延长"
    assert figures.target_phrase("decrease", None, "", text="明显下降") == "明显下降"
    assert figures.target_phrase("increase", None, "") == "逐步提高"
    long_text = "妇女全生命周期享有良好的卫生健康服务，妇女人均预期寿命延长"
    assert figures.target_phrase("increase", None, "", text=long_text) == "逐步提高"


@pytest.mark.parametrize("value, places, text", [(38.15, 1, "38.2"), (96.25, 1, "96.3"), (2.675, 2, "2.68"),
                                                 (12.25, 1, "12.3"), (-38.15, 1, "-38.2"), (0.125, 2, "0.13")])
def test_every_figure_rounds_half_up_on_the_written_digits(value, places, text):
    """四舍五入 as yearbooks and Excel print: the written 38.15 is 38.2 in the table, the
    sentence, the 达标率 and the arithmetic alike (the float 38.15 is 38.1499…)."""
    assert figures.number(value, places) == text
    assert figures.fixed(value, places) == text
    assert figures.rounded(value, 10 ** -places) == float(text)
    if places == 1:
        assert figures.rate(value) == text


@pytest.mark.parametrize("value", [-3.187291237522478e185, 1e300, 5e-324, -1e-20])
def test_any_finite_float_is_written_out(value):
    """A value pasted into a return can be any float; its error message must still say it
    (the fuzzer's -3.19e185 once broke the half-up rounding's 28-digit context)."""
    text = figures.number(value, 6)
    assert float(text) == pytest.approx(value, rel=1e-12, abs=1e-6)
