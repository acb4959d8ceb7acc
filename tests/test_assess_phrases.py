"""Chinese sentences: numbers and units, the target in the plan's words, one sentence per
status, and when sentences are written."""

import pandas as pd
import pytest

from tianping.core.assess import AssessConfig, assess
from tianping.core.assess.series import one_series
from tianping.core.figures import series_label, shown_figure, target_phrase


@pytest.mark.parametrize("value,unit,text", [
    (10.5, "1/10万", "10.5/10万"), (95.0, "%", "95%"), (3.14, "‰", "3.1‰"), (0.784, "名", "0.78名"),
    (13.81, "1/10万活产", "13.8/10万活产"), (-0.02, "", "-0.02"), (0.0, "", "0"),
])
def test_numbers_with_units(value, unit, text):
    assert shown_figure(value, unit) == text


@pytest.mark.parametrize("op,value,upper,unit,base,text", [
    ("<=", 9, None, "1/10万", None, "9/10万以下"), (">=", 95, None, "%", None, "95%以上"),
    ("~", 45, None, "%", None, "45%左右"), ("range", 103, 107, "", None, "103—107"),
    ("relative_increase", 10, None, "%", 2020, "比2020年提高10%"), ("annual_decrease", 0.5, None, "个百分点", 2020,
                                                                "每年降低0.5个百分点"),
    ("increase", None, None, "", None, "逐步提高"), ("=", 100, None, "%", None, "达到100%"),
])
def test_target_in_the_plans_words(op, value, upper, unit, base, text):
    assert target_phrase(op, value, unit, upper, base) == text


def test_series_label_names_the_group():
    assert series_label("就业人员比例", "女", "", "农村") == "就业人员比例（女性、农村）"
    assert series_label("孕产妇死亡率", "", "", "") == "孕产妇死亡率"


CASES = {   # values → (status, sentence)
    "已达标": ({2020: 70.0, 2024: 91.0}, "参保率2024年为91%，已提前实现2030年“90%以上”的目标。"),
    # a straight 4 points a year, projected on the logit scale: it bends toward 100, never past it
    "预计达标": ({2020: 70.0, 2021: 74.0, 2022: 78.0, 2023: 82.0, 2024: 86.0},
             "参保率2024年为86%，按趋势预计2030年为96.1%（80%预测区间95–96.9%），达标概率超过99%，预计可实现“90%以上”的目标。"),
    "进展缓慢": ({2020: 70.0, 2024: 72.0}, "参保率2024年为72%，较2020年的70%进展缓慢，按趋势的进展速度为所需速度的12%，"
                                      "难以实现2030年“90%以上”的目标。"),
    "退步": ({2020: 70.0, 2021: 69.5, 2022: 69.2, 2023: 68.4, 2024: 68.0},
           "参保率2024年为68%，较2020年的70%有所退步（趋势显著），偏离2030年“90%以上”的目标。"),
    # one value that misses is judged (and counts in 达标率); the missing trend is said separately
    "未达标": ({2024: 70.0}, "参保率2024年为70%，未达到2030年“90%以上”的目标；仅有1个年度数据，趋势数据不足，无法预测。"),
}


def test_two_points_moving_away_are_not_called_regression():
    targets = pd.DataFrame([{"indicator": "参保率", "area": "a", "year": 2030, "op": ">=", "value": 90.0, "unit": "%"}])
    row = assess(one_series({2020: 70.0, 2024: 68.0}, indicator="参保率", unit="%"), targets).results.iloc[0]
    assert row["status"] == "进展缓慢"      # two points carry no evidence of a trend


@pytest.mark.parametrize("status", list(CASES))
def test_one_quotable_sentence_per_status(status):
    values, sentence = CASES[status]
    targets = pd.DataFrame([{"indicator": "参保率", "area": "a", "year": 2030, "op": ">=", "value": 90.0, "unit": "%"}])
    row = assess(one_series(values, indicator="参保率", unit="%"), targets).results.iloc[0]
    assert (row["status"], row["sentence"]) == (status, sentence)


def test_sentences_are_written_below_the_row_limit_and_on_request():
    obs = pd.concat([one_series({2020: 70.0, 2024: 72.0}, indicator="参保率", region=f"区{i}", unit="%")
                     for i in range(3)], ignore_index=True)
    targets = pd.DataFrame([{"indicator": "参保率", "area": "a", "year": 2025, "op": ">=", "value": 90.0}])
    quiet = assess(obs, targets, config=AssessConfig(sentence_row_limit=2))
    assert (quiet.results["sentence"] == "").all() and (quiet.warnings["sentence"] == "").all()
    some = quiet.with_sentences(quiet.results.iloc[:1])
    assert some["sentence"].iloc[0].startswith("参保率2024年为72%")
    warned = quiet.warnings_with_sentences()
    assert len(warned) == 3 and warned["sentence"].str.startswith("【红色预警】参保率按趋势预计2025年").all()
    forced = assess(obs, targets, config=AssessConfig(sentence_row_limit=2, sentences=True))
    assert (forced.results["sentence"] != "").all()
