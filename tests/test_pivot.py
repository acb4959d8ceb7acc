"""The visualizer's pivot (tianping.core.pivot): layout, breakdowns the catalogue allows, no male
series for women-only indicators, units never mixed, the chart from the table, the workbook."""

import io

from openpyxl import load_workbook

from tianping.core import pivot as p

MMR = p.IndicatorInfo("W1-01", "孕产妇死亡率", "1/10万", breakdowns=("residence",), women_only=True)
EMP = p.IndicatorInfo("W3-02", "就业人员中女性比例", "%", breakdowns=(), women_only=True)
U5 = p.IndicatorInfo("C1-03", "5岁以下儿童死亡率", "‰", breakdowns=("sex", "residence"))
INFOS = {i.key: i for i in (MMR, EMP, U5)}
REGIONS = {"210203": "西岗区", "210202": "中山区（演示）"}


def v(ind, region, year, value, sex="", age="", residence="", unit=None, synthetic=False):
    return p.Value(ind, region, year, sex, age, residence, value, INFOS[ind].unit if unit is None else unit, synthetic)


VALUES = [
    v("C1-03", "210203", 2022, 3.1), v("C1-03", "210203", 2023, 2.9), v("C1-03", "210203", 2024, 2.5),
    v("C1-03", "210203", 2023, 3.2, sex="男"), v("C1-03", "210203", 2023, 2.6, sex="女"),
    v("C1-03", "210203", 2023, 2.4, residence="城镇"), v("C1-03", "210203", 2023, 3.5, residence="农村"),
    v("C1-03", "210202", 2023, 4.0), v("C1-03", "210202", 2024, 3.8),
    v("W1-01", "210203", 2023, 9.5), v("W1-01", "210203", 2023, 12.0, sex="男"),   # a stray male cell
    v("W1-01", "210203", 2023, 8.0, sex="女"),
    v("W3-02", "210203", 2023, 45.1), v("W3-02", "210202", 2023, 0.44, unit=""),
]


def test_years_across_indicator_region_down():
    choice = p.Choice(["C1-03"], ["210203", "210202"], [2022, 2023, 2024])
    table = p.build(choice, INFOS, REGIONS, VALUES)
    assert table.columns == ["2022", "2023", "2024"]
    assert table.row_headers == ["指标", "地区", "分组"]
    assert [(r.labels, r.cells) for r in table.rows] == [
        (["5岁以下儿童死亡率", "西岗区", "合计"], [3.1, 2.9, 2.5]),
        (["5岁以下儿童死亡率", "中山区（演示）", "合计"], [None, 4.0, 3.8]),
    ]
    assert all(r.unit == "‰" for r in table.rows) and not table.notes


def test_regions_across_and_sex_breakdown():
    choice = p.Choice(["C1-03"], ["210203", "210202"], [2023], breakdown="sex", columns="region", chart="bar")
    table = p.build(choice, INFOS, REGIONS, VALUES)
    assert table.columns == ["西岗区", "中山区（演示）"]
    assert [(r.labels[-1], r.cells) for r in table.rows] == [("合计", [2.9, 4.0]), ("女性", [2.6, None]),
                                                             ("男性", [3.2, None])]
    chart = p.chart_data(table, "五岁以下")
    assert chart["type"] == "bar" and chart["x"] == ["西岗区", "中山区（演示）"]
    assert chart["series"][0]["labels"] == ["2.9‰", "4‰"] and chart["unit"] == "‰"
    assert chart["y"] == {"min": 0.0, "max": 5.0}     # core.axes: a rate from zero, whole steps


def test_women_only_never_shows_a_male_series():
    # asked by sex: the catalogue does not allow it for a women-only indicator → the total, with a note
    table = p.build(p.Choice(["W1-01"], ["210203"], [2023], breakdown="sex"), INFOS, REGIONS, VALUES)
    assert [r.labels[-1] for r in table.rows] == ["合计"]
    assert any("不分性别" in n and "孕产妇死亡率" in n for n in table.notes)
    # whatever the breakdown, a male cell is never a series
    info = p.IndicatorInfo("X", "某妇女指标", "%", breakdowns=("sex",), women_only=True)
    values = [p.Value("X", "210203", 2023, "男", "", "", 5.0, "%"), p.Value("X", "210203", 2023, "女", "", "", 6.0, "%")]
    table = p.build(p.Choice(["X"], ["210203"], breakdown="sex"), {"X": info}, REGIONS, values)
    assert all("男" not in " ".join(r.labels) for r in table.rows)
    assert p.series_of(info, values[0], "sex") is None


def test_residence_breakdown_and_ordering():
    table = p.build(p.Choice(["C1-03"], ["210203"], [2023], breakdown="residence", columns="series"),
                    INFOS, REGIONS, VALUES)
    assert table.columns == ["合计", "城镇", "农村"]
    assert [r.cells for r in table.rows] == [[2.9, 2.4, 3.5]]


def test_units_never_mixed_and_unknown_choices_dropped():
    choice = p.Choice(["W3-02", "nope"], ["210203", "210202", "999999"], [2023])
    table = p.build(choice, INFOS, REGIONS, VALUES)
    assert [r.labels[1] for r in table.rows] == ["西岗区"]
    assert any("中山区（演示）" in n and "单位" in n for n in table.notes)
    assert any("1项所选指标" in n for n in table.notes) and any("1个所选地区" in n for n in table.notes)


def test_choice_from_untrusted_dict():
    c = p.Choice.from_dict({"indicators": ["A", "A", "B"], "regions": "210203", "years": ["2023", "x", "1800"],
                            "breakdown": "<script>", "columns": "drop table", "chart": "pie"})
    assert (c.indicators, c.regions, c.years, c.breakdown, c.columns, c.chart) == \
        (["A", "B"], ["210203"], [2023], "", "year", "line")
    assert p.Choice.from_dict(c.as_dict()) == c and p.Choice.from_dict(None) == p.Choice()


def test_workbook_has_numbers_and_no_formulas():
    info = p.IndicatorInfo("=cmd", "=HYPERLINK(\"x\")", "%")
    values = [p.Value("=cmd", "210203", 2023, "", "", "", 45.5, "%")]
    table = p.build(p.Choice(["=cmd"], ["210203"]), {"=cmd": info}, REGIONS, values)
    book = load_workbook(io.BytesIO(p.to_xlsx(table, "@title")))
    sheet = book["透视表"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("指标", "地区", "分组", "单位", "2023")
    assert rows[1] == ("'=HYPERLINK(\"x\")", "西岗区", "合计", "%", 45.5)
    assert book["说明"]["B2"].value == "'@title"
