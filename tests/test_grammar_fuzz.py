"""Property tests of the target grammar (hypothesis).

- It never raises, whatever the text.
- It invents nothing: every value it reports is a number written in the text
  (the one exception, 100 for "全覆盖", is stated by the words themselves).
- It is stable: a target's own phrase, parsed again, gives the same target.
- Sentences built from real indicator names (read from shared/expected at test
  time) and the plans' operator words come back exactly as built.
"""

from __future__ import annotations

import csv
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tianping.core.grammar import (
    extract_baselines,
    extract_indicators,
    parse_target_phrase,
)
from tianping.core.grammar.expected import default_shared

FUZZ = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Words the grammar reacts to, mixed with ordinary Chinese and random numbers, so
# generated text reaches the deeper paths (units, operators, lists, years, brackets).
GRAMMAR_WORDS = [
    "孕产妇死亡率", "婴儿", "5岁以下儿童", "参保率", "比例", "女干部", "托位数", "儿童", "妇女",
    "达到", "达", "控制在", "保持在", "稳定在", "不低于", "不少于", "至少", "降至", "提高到", "为",
    "以上", "以下", "以内", "左右", "%", "‰", "/10万", "/10万活产", "个百分点", "名", "个", "岁",
    "个月", "万人", "、", "和", "及", "，", "。", "；", "的", "分别", "均", "力争", "到2025年",
    "到2030年", "到2025年和2030年", "在2019年和2022年基础上", "以2020年数据为基数", "提高",
    "下降", "每年", "年均", "实现", "全覆盖", "“两个全覆盖”", "（", "）", "-", "~", "/", "逐步提高",
    "明显下降", "相适应", "截至2020年底", "2035年", "第",
]
_token = st.one_of(st.sampled_from(GRAMMAR_WORDS), st.integers(0, 3000).map(str),
                   st.decimals(0, 100, places=2, allow_nan=False).map(str))
_number = st.one_of(st.integers(0, 3000).map(str), st.decimals(0, 100, places=2).map(str),
                    st.sampled_from(["0.5-1", "1/2", "35~45", "13-14"]))
_noise = st.lists(_token, max_size=3).map("".join)
# A clause shaped like the plans' ("名称 到2025年 达到 95 % 以上") with noise in between.
_clause = st.tuples(
    _noise, st.sampled_from(["", "到2025年", "到2025年和2030年", "在2020年基础上", "每年"]),
    st.sampled_from(["", "达到", "控制在", "不低于", "至少", "提高", "下降", "为", "分别"]), _number,
    st.sampled_from(["", "%", "‰", "/10万", "个百分点", "名", "个", "岁", "个月"]),
    st.sampled_from(["", "以上", "以下", "左右", "、3%和4%以下", "的"]), _noise,
).map("".join)
grammar_text = st.one_of(
    st.lists(_token, max_size=30).map("".join),
    st.lists(_clause, min_size=1, max_size=4).map("，".join),
)
any_text = st.one_of(st.text(max_size=200), grammar_text)

_NUMBER_RE = re.compile(r"\d+(?:\.\d+)?")


def numbers_in(text: str) -> set[float]:
    found = {float(n) for n in _NUMBER_RE.findall(text)}
    for a, b in re.findall(r"(\d+)/(\d+)", text):   # "1/2" is stated as a fraction
        if int(b):
            found.add(int(a) / int(b))
    return found


def numeric_targets(text: str, end_year: int = 2030):
    return [(i, t) for i in extract_indicators(text, end_year=end_year) for t in i.targets
            if t.kind == "numeric"]


@FUZZ
@given(any_text)
def test_never_raises(text):
    extract_indicators(text, end_year=2030)
    extract_indicators(text, end_year=2025, directional=False)
    parse_target_phrase(text, year=2025, indicator_name=text[:10])
    extract_baselines(text, default_year=2020)


@FUZZ
@given(grammar_text)
def test_nothing_invented(text):
    stated = numbers_in(text)
    for _, t in numeric_targets(text):
        allowed = stated | ({100.0} if "全覆盖" in text else set())
        assert t.value in allowed, (text, t)
        assert t.upper is None or t.upper in stated, (text, t)
        assert t.year == 2030 or float(t.year) in stated, (text, t)
    for _, b in extract_baselines(text, default_year=2020):
        assert b.value in stated, (text, b)


@FUZZ
@given(grammar_text)
def test_phrase_parsed_again_gives_the_same_target(text):
    for _, t in numeric_targets(text):
        if len(_NUMBER_RE.findall(t.text.replace(str(t.year), ""))) != 1:
            continue   # lists and ranges: the phrase states several values
        again = parse_target_phrase(t.text, year=t.year)
        assert again is not None, (text, t)
        assert (again.op, again.value, again.unit) == (t.op, t.value, t.unit), (text, t, again)


def test_extraction_is_deterministic():
    text = "孕产妇死亡率到2025年控制在9/10万以下，到2030年控制在8/10万以下。"
    assert extract_indicators(text, end_year=2030) == extract_indicators(text, end_year=2030)


# --- built sentences --------------------------------------------------------

def _real_names() -> list[str]:
    """Numeric indicator names from the reference files: complete, no digits, no lists."""
    names = set()
    for path in sorted((default_shared() / "expected").glob("*.targets.csv")):
        with open(path, encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                name = row["indicator"]
                if (row["kind"] == "numeric" and name.endswith(("率", "比例")) and not re.search(
                        r"[\d、和及与（(]|达到|以上|以下", name)):
                    names.add(name)
    return sorted(names)


REAL_NAMES = _real_names()
# (verb before the value, word after it, operator the plans mean by them)
OPERATOR_FORMS = [("达到", "以上", ">="), ("控制在", "以下", "<="), ("保持在", "左右", "~"),
                  ("不低于", "", ">="), ("达到", "", "="), ("降至", "以下", "<="),
                  ("稳定在", "以上", ">="), ("控制在", "以内", "<="), ("不超过", "", "<=")]
UNITS = [("%", "%"), ("‰", "‰"), ("/10万", "1/10万")]


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(REAL_NAMES), st.sampled_from(OPERATOR_FORMS), st.sampled_from(UNITS),
       st.integers(1, 999), st.sampled_from([None, 2025, 2030]))
def test_built_sentence_comes_back(name, form, unit, tenths, deadline):
    verb, post, op = form
    written_unit, unit_name = unit
    value = tenths / 10
    deadline_words = f"到{deadline}年" if deadline else ""
    sentence = f"{name}{deadline_words}{verb}{value:g}{written_unit}{post}。"
    got = numeric_targets(sentence, end_year=2030)
    assert [(i.name, t.year, t.op, t.value, t.unit) for i, t in got] == [
        (name, deadline or 2030, op, value, unit_name)], sentence


# --- the whole parser ---------------------------------------------------------------

_plan_like = st.lists(st.one_of(
    st.sampled_from(["主要目标：", "策略措施：", "（一）妇女与健康", "二、发展领域、主要目标和策略措施",
                     "一、指导思想", "1.", "2.", "\n", "\n\n", "表1：", "\t", "（二）儿童与安全"]),
    grammar_text), max_size=25).map("".join)


@FUZZ
@given(st.one_of(st.text(max_size=300), _plan_like))
def test_parser_gives_plans_or_a_chinese_error(text):
    from tianping.core.errors import TianpingError
    from tianping.core.parser import parse_plan_text
    try:
        plans = parse_plan_text(text, "随机.txt")
    except TianpingError as err:
        assert re.search(r"[\u4e00-\u9fff]", str(err))
        return
    assert isinstance(plans, list)
