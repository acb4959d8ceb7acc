"""Entry checks: type and range, parts vs total, year-on-year flags, units, required cells."""

from tianping.core.validation import (
    ERROR,
    WARNING,
    Cell,
    EntryValue,
    IndicatorRule,
    blocking,
    check_unit,
    compute_rate,
    parse_cell,
    validate_indicator,
    year_on_year,
)

F, M, T = Cell("女"), Cell("男"), Cell()


def test_parse_cell_tolerates_excel_habits():
    assert parse_cell("１２．５") == (12.5, None)
    assert parse_cell(" 95 ") == (95.0, None)
    assert parse_cell("95%", "%") == (95.0, None)
    for mark in ("—", "**", "", None, "-"):
        assert parse_cell(mark) == (None, None)
    value, err = parse_cell("约九十")
    assert value is None and "不是数字" in err and "约九十" in err
    for huge in (10**400, -10**400, "1e400", float("inf")):   # a number too big for a float is an error, not a crash
        value, err = parse_cell(huge)
        assert value is None and "不是有效数字" in err


def test_shares_are_0_to_100_and_counts_not_negative():
    share = IndicatorRule("住院分娩率", "%")
    issues = validate_indicator(share, [EntryValue(T, 101.0)], year=2024)
    assert [i.level for i in issues] == [ERROR] and "超出0—100%" in issues[0].message
    gross = IndicatorRule("高中阶段毛入学率", "%")
    assert validate_indicator(gross, [EntryValue(T, 103.0)], year=2024) == []
    count = IndicatorRule("儿童福利机构数", "个")
    assert "负数" in validate_indicator(count, [EntryValue(T, -1.0)], year=2024)[0].message


def test_parts_must_add_up_for_counts_and_bracket_for_shares():
    count = IndicatorRule("参保人数", "人")
    issues = validate_indicator(count, [EntryValue(T, 100.0), EntryValue(F, 40.0), EntryValue(M, 50.0)], year=2024)
    assert blocking(issues) and "女+男=90" in issues[0].message
    assert validate_indicator(count, [EntryValue(T, 90.0), EntryValue(F, 40.0), EntryValue(M, 50.0)], year=2024) == []
    share = IndicatorRule("参保率", "%")
    issues = validate_indicator(share, [EntryValue(T, 99.0), EntryValue(F, 80.0), EntryValue(M, 82.0)], year=2024)
    assert [i.level for i in issues] == [WARNING]


def test_counts_compute_the_rate_and_are_checked():
    rule = IndicatorRule("孕产妇死亡率", "1/10万", has_counts=True)
    assert compute_rate(rule, 3, 30000) == 10.0
    issues = validate_indicator(rule, [EntryValue(T, None, 3.0, None)], year=2024)
    assert "同时填写" in issues[0].message
    issues = validate_indicator(IndicatorRule("住院分娩率", "%", has_counts=True),
                                [EntryValue(T, None, 120.0, 100.0)], year=2024)
    assert any("分子120大于分母100" in i.message for i in issues)


def test_year_on_year_is_robust_and_explained():
    rule = IndicatorRule("孕产妇死亡率", "1/10万")
    steady = {2019: 10.0, 2020: 9.8, 2021: 9.5, 2022: 9.4, 2023: 9.1}
    assert year_on_year(rule, T, steady, 2024, 8.9) is None
    flag = year_on_year(rule, T, steady, 2024, 20.0)
    assert flag.level == WARNING and "稳健z" in flag.message and "2023" in flag.message
    assert year_on_year(rule, T, {2023: 10.0}, 2024, 16.0).level == WARNING
    # unexplained at submission time: blocking; explained: passes
    final = validate_indicator(rule, [EntryValue(T, 20.0)], year=2024, history={T: steady}, final=True)
    assert blocking(final) and "未说明" in final[0].message
    assert validate_indicator(rule, [EntryValue(T, 20.0, note="出生人数骤减，口径不变")], year=2024,
                              history={T: steady}, final=True) == []


def test_required_cells_and_units():
    rule = IndicatorRule("参保率", "%", required=[T, F, M])
    issues = validate_indicator(rule, [EntryValue(T, 90.0), EntryValue(F, 91.0)], year=2024, final=True)
    assert len(issues) == 1 and "必填" in issues[0].message and issues[0].cell == M
    assert "合计" in str(validate_indicator(rule, [EntryValue(F, 1.0), EntryValue(M, 1.0)], year=2024, final=True)[0])
    assert check_unit(rule, "％") is None
    assert "不一致" in check_unit(rule, "‰").message
