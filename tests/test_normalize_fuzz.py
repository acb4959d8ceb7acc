"""Property tests for normalize_text: any input, never an exception, stable, meaning kept."""

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from tianping.core.normalize import normalize_text, to_simplified

NUMERAL_WORDS = set("零〇一二两三四五六七八九十百千万成半")
# Common simplified characters from the seeds' vocabulary, without numeral words.
PLAN_CHARS = "".join(sorted(set(
    "妇女儿童发展规划纲要指导思想基本原则总体目标组织实施监测评估健康教育经济参与决策管理社会保障家庭建设环境法律"
    "孕产妇死亡率控制在以下达到以上保持稳定提高降低逐步左右年平均预期寿命覆盖筛查宫颈癌乳腺癌女性比例领导班子干部"
    "区县市省人民政府委员会统计局卫健教育人社民政司法公安财政共青团妇联残联著乾余后于里台面发干"
) - NUMERAL_WORDS))
CN_PUNCT = "，。、；：（）“”《》"
FULLWIDTH_DIGITS = "０１２３４５６７８９"

any_text = st.text(max_size=300)
plan_like = st.text(
    alphabet=st.sampled_from(list(PLAN_CHARS + CN_PUNCT + "0123456789" + FULLWIDTH_DIGITS + " \n\t%％/／.．<>≥≤")),
    max_size=300,
)
chinese_line = st.text(alphabet=st.sampled_from(list(PLAN_CHARS + CN_PUNCT)), min_size=1, max_size=200)


@settings(max_examples=300, deadline=None)
@given(any_text)
def test_never_raises_and_is_idempotent_on_any_text(text):
    once = normalize_text(text)
    assert normalize_text(once) == once


@settings(max_examples=300, deadline=None)
@given(plan_like)
def test_idempotent_and_tidy_on_plan_like_text(text):
    once = normalize_text(text)
    assert normalize_text(once) == once
    assert "\r" not in once and "\n\n" not in once
    assert not re.search(f"[{FULLWIDTH_DIGITS}％／]", once)
    assert len(once) <= len(text)


@settings(max_examples=300, deadline=None)
@given(plan_like)
def test_digits_are_never_lost_or_invented(text):
    # every line starts with a word, so none is a page number ("— 5 —"), which is dropped
    text = "\n".join("妇" + line for line in text.split("\n"))
    ascii_digits = re.sub(r"\D", "", text.translate(str.maketrans(FULLWIDTH_DIGITS, "0123456789")))
    assert re.sub(r"\D", "", normalize_text(text)) == ascii_digits


@settings(max_examples=300, deadline=None)
@given(chinese_line)
def test_chinese_text_without_numbers_is_unchanged(text):
    assert normalize_text(text) == text


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("學監護權兒為對實國強規網絡說開關門時")), max_size=50),
       chinese_line)
def test_only_traditional_characters_change(traditional, simplified):
    text = simplified + traditional + simplified
    assert normalize_text(text) == simplified + to_simplified(traditional) + simplified


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80), st.text(max_size=80))
def test_length_stays_in_proportion(a, b):
    text = a + "百分之九十六" + b
    out = normalize_text(text)
    assert len(out) <= 2 * len(text) + 2
