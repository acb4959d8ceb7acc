"""Number and sentence rules of the report narrative."""

import pytest

from tianping.reports.document import Fact, numbers_in
from tianping.reports.phrases import (
    change_phrase,
    compose,
    fmt_number,
    spoken_unit,
    target_phrase,
    with_unit,
)


@pytest.mark.parametrize("value, shown", [(96.24, "96.2"), (96.25, "96.3"), (96.26, "96.3"), (95.0, "95"),
                                          (0.04, "0.04"), (0.78, "0.78"), (15.65, "15.7"), (38.15, "38.2"),
                                          (0.125, "0.13"), (2024, "2024")])
def test_numbers_are_printed_as_core_figures_shows_them(value, shown):
    """One decimal from 1 up, two below 1 (0.78 was printed 0.8 in reports: issue 11), rounded
    四舍五入 on the digits as written, as yearbooks and Excel do: 96.25 was printed 96.2 (a tie
    to even of the exact binary value) beside 15.65 → 15.7 and 38.15 → 38.1 (binary values
    just below and above the written ones)."""
    assert fmt_number(value) == shown


@pytest.mark.parametrize("change, unit, phrase", [
    (0.8, "%", "比上年提高0.8个百分点"),
    (-1.25, "%", "比上年下降1.2个百分点"),     # round-half-even on the printed value
    (-0.7, "1/10万", "比上年下降0.7个十万分点"),
    (0.6, "1/10万活产", "比上年提高0.6个十万分点"),
    (1.5, "‰", "比上年提高1.5个千分点"),
    (0.3, "岁", "比上年提高0.3岁"),
    (0.04, "%", "与上年持平"),
    (-0.04, "%", "与上年持平"),
])
def test_change_is_spoken_in_the_unit_of_the_change(change, unit, phrase):
    assert change_phrase(change, unit) == phrase


def test_change_against_an_earlier_year_names_it():
    assert change_phrase(3.4, "%", against="2022年") == "比2022年提高3.4个百分点"


def test_spoken_unit_falls_back_to_the_unit_itself():
    assert spoken_unit("名") == "名"
    assert spoken_unit("") == ""


@pytest.mark.parametrize("op, value, unit, upper, phrase", [
    (">=", 95, "%", None, "95%以上"),          # as the plan says it (core.figures)
    ("<=", 9, "1/10万", None, "9/10万以下"),
    ("~", 45, "%", None, "45%左右"),
    ("range", 20, "%", 30, "20%—30%"),
    (">", 82.5, "岁", None, "高于82.5岁"),
    (">=", None, "%", None, ""),
])
def test_target_phrase(op, value, unit, upper, phrase):
    assert target_phrase(op, value, unit, upper) == phrase


def test_unit_per_hundred_thousand_is_written_after_the_value():
    assert with_unit("15.1", "1/10万") == "15.1/10万"
    assert with_unit("96.2", "%") == "96.2%"


def test_compose_prints_facts_and_keeps_them():
    value = Fact("result", "latest_value", 96.24, "96.2", indicator="孕产妇系统管理率")
    year = Fact("result", "latest_year", 2024, "2024", indicator="孕产妇系统管理率")
    text, facts = compose("{year}年，{name}为{value}。", year=year, name="孕产妇系统管理率",
                          value=("96.2%", [value]))
    assert text == "2024年，孕产妇系统管理率为96.2%。"
    assert facts == [year, value]
    assert numbers_in(text) == ["2024", "96.2"]
