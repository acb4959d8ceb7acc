"""Loading observations from real CSV and Excel files, and refusing bad ones with the place named."""

import math

import openpyxl
import pandas as pd
import pytest

from tianping.core.errors import InputErrors, TianpingError
from tianping.core.observations import COLUMNS, load_observations, observations_summary

HEADER_ZH = "地区,指标,年份,性别,年龄组,城乡,数值,分子,分母,单位,备注"
INDICATORS = {"孕产妇死亡率": "1/10万", "女性就业人员占比": "%", "妇女人均预期寿命": "岁",
              "初中阶段毛入学率": "%", "就业人员性别差": "%", "托育机构数": "家"}


def write_csv(path, lines, encoding="utf-8"):
    path.write_text("\n".join(lines) + "\n", encoding=encoding)
    return path


def write_xlsx(path, sheets):
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def messages(excinfo) -> list[str]:
    return [str(e) for e in excinfo.value.errors]


def test_gbk_csv_with_chinese_headers_tolerates_text_numbers_and_keeps_missing_rows(tmp_path):
    path = write_csv(tmp_path / "卫健局.csv", [
        HEADER_ZH,
        "西岗区,孕产妇死亡率,2021,,,,３３.３３,1,3000,1/10万,",
        "西岗区,孕产妇死亡率,2022,,,,—,,,1/10万,",
        "西岗区,孕产妇死亡率,2023,,,,**,,,1/10万,未公布",
        "西岗区,孕产妇死亡率,2024,,,,,,,1/10万,",
        "西岗区,托育机构数,2024,,,,\"1,234\",,,家,",
        "西岗区,女性就业人员占比,2024,女性,,城市,45.2%,,,％,",
    ], encoding="gbk")
    frame = load_observations(path, indicators=INDICATORS)
    assert list(frame.columns) == COLUMNS
    assert len(frame) == 6, "rows with no data are kept, not dropped"
    assert frame["value"].iloc[0] == pytest.approx(33.33)
    assert frame["value"].iloc[4] == 1234
    assert frame["value"].iloc[5] == pytest.approx(45.2)
    assert frame[["sex", "residence"]].iloc[5].tolist() == ["女", "城镇"]
    notes = frame["note"].tolist()
    assert "原值“—”" in notes[1] and "未公布；无数据（原值“**”）" == notes[2] and "空白" in notes[3]
    summary = observations_summary(frame)
    assert (summary["rows"], summary["values"], summary["missing"]) == (6, 3, 3)
    maternal = summary["per_indicator"].set_index("indicator").loc["孕产妇死亡率"]
    assert (maternal["rows"], maternal["missing"]) == (4, 3)


def test_excel_with_english_headers_below_a_title_row(tmp_path):
    path = write_xlsx(tmp_path / "template.xlsx", {
        "填表说明": [["请在“数据”表中填写"], ["单位为指标体系中的单位"]],
        "数据": [
            ["西岗区2024年妇女发展规划监测数据"],
            ["region", "indicator", "year", "sex", "value", "unit"],
            ["西岗区", "妇女人均预期寿命", 2024, "F", "82.1", "岁"],
            ["西岗区", "妇女人均预期寿命", "2023年", "female", 81.9, None],
            ["西岗区", "妇女人均预期寿命", 2022, "男童", 75.0, "岁"],
        ],
    })
    frame = load_observations(path, indicators=INDICATORS)
    assert frame["year"].tolist() == [2024, 2023, 2022]
    assert frame["value"].tolist() == [82.1, 81.9, 75.0]
    assert frame["unit"].tolist() == ["岁", "岁", "岁"], "a blank unit takes the indicator's"
    assert frame["sex"].tolist() == ["女", "女", "男"]


def test_every_problem_in_a_csv_is_reported_with_row_and_column(tmp_path):
    path = write_csv(tmp_path / "bad.csv", [
        HEADER_ZH,
        "西岗区,孕产妇死亡率,2021,,,,abc,,,1/10万,",          # 2 text in value
        "西岗区,孕产妇死亡率,2035,,,,10,,,1/10万,",           # 3 year outside plan
        "西岗区,孕产妇死亡率,2022,,,,10,,,‰,",                # 4 unit differs
        "西岗区,出生缺陷发生率,2022,,,,10,,,‰,",              # 5 unknown indicator
        "西岗区,托育机构数,2022,,,,-3,,,家,",                 # 6 negative count
        "西岗区,女性就业人员占比,2022,,,,120,,,%,",           # 7 share above 100
        "西岗区,女性就业人员占比,2023,,,,50,60,40,%,",        # 8 numerator > denominator
        "西岗区,孕产妇死亡率,2023,,,,50,1,3000,1/10万,",      # 9 value ≠ num/den
        "西岗区,托育机构数,2022,,,,4,,,家,",                  # 10 duplicate of row 6
        "西岗区,女性就业人员占比,2024,未知,,,50,,,%,",         # 11 unknown sex
    ])
    with pytest.raises(InputErrors) as excinfo:
        load_observations(path, indicators=INDICATORS)
    found = messages(excinfo)
    expected = [
        ("第2行，数值列", "“abc”不是数字"),
        ("第3行，年份列", "2035不在规划期2020—2030年内"),
        ("第4行，单位列", "单位“‰”与指标“孕产妇死亡率”的单位“1/10万”不一致"),
        ("第5行，指标列", "“出生缺陷发生率”不在指标体系中"),
        ("第6行，数值列", "为负数"),
        ("第7行，数值列", "超出0—100%"),
        ("第8行，分子列", "分子60大于分母40"),
        ("第9行，数值列", "与分子/分母算得的33.33"),
        ("第10行，指标列", "与第6行重复"),
        ("第11行，性别列", "性别“未知”无法识别"),
    ]
    for place, text in expected:
        assert any(place in m and text in m and "文件“bad.csv”" in m for m in found), (place, text, found)
    assert len(found) == len(expected)
    assert "未导入任何数据" in str(excinfo.value)


def test_excel_errors_name_sheet_and_cell_column(tmp_path):
    path = write_xlsx(tmp_path / "妇联.xlsx", {"2024年": [
        ["地区", "指标", "年份", "数值", "单位"],
        ["西岗区", "女性就业人员占比", 2024, "四十五", "%"],
    ]})
    with pytest.raises(InputErrors) as excinfo:
        load_observations(path, indicators=INDICATORS)
    assert messages(excinfo) == ["文件“妇联.xlsx”，工作表“2024年”，第2行，D（数值）列：数值“四十五”不是数字"]


def test_duplicate_across_two_sheets_is_an_error(tmp_path):
    rows = [["地区", "指标", "年份", "数值", "单位"], ["西岗区", "托育机构数", 2024, 12, "家"]]
    path = write_xlsx(tmp_path / "two.xlsx", {"一": rows, "二": rows})
    with pytest.raises(InputErrors) as excinfo:
        load_observations(path)
    assert "工作表“二”，第2行" in messages(excinfo)[0] and "与工作表“一”第2行重复" in messages(excinfo)[0]


def test_value_is_computed_from_counts_and_said_so(tmp_path):
    path = write_csv(tmp_path / "counts.csv", [
        "地区,指标,年份,数值,分子,分母,单位",
        "西岗区,孕产妇死亡率,2024,,2,2950,1/10万",
    ])
    frame = load_observations(path)
    assert frame["value"].iloc[0] == pytest.approx(2 / 2950 * 1e5)
    assert frame["note"].iloc[0] == "数值由分子/分母计算"
    assert observations_summary(frame)["missing"] == 0


def test_gross_ratio_above_100_and_negative_gap_are_legitimate(tmp_path):
    path = write_csv(tmp_path / "edge.csv", [
        "地区,指标,年份,数值,单位",
        "全国,初中阶段毛入学率,2024,102.5,%",
        "全国,就业人员性别差,2024,-2.4,%",
    ])
    assert load_observations(path, indicators=INDICATORS)["value"].tolist() == [102.5, -2.4]


def test_indicator_keeps_one_unit_even_without_an_indicator_list(tmp_path):
    path = write_csv(tmp_path / "units.csv", [
        "地区,指标,年份,数值,单位",
        "西岗区,婴儿死亡率,2023,4.1,‰",
        "西岗区,婴儿死亡率,2024,3.9,%",
    ])
    with pytest.raises(InputErrors) as excinfo:
        load_observations(path)
    assert "第3行，单位列" in messages(excinfo)[0] and "与第2行的“‰”不一致" in messages(excinfo)[0]


def test_dataframe_input_and_region_default():
    source = pd.DataFrame({"指标": ["婴儿死亡率", "婴儿死亡率"], "年份": [2023, 2024],
                           "数值": [4.1, math.nan], "单位": ["‰", "‰"]})
    frame = load_observations(source, region="九台区")
    assert frame["region"].unique().tolist() == ["九台区"]
    assert observations_summary(frame)["missing"] == 1


def test_missing_columns_and_unreadable_files_give_chinese_errors(tmp_path):
    with pytest.raises(InputErrors, match="缺少必需的列：地区"):
        load_observations(write_csv(tmp_path / "noregion.csv", ["指标,年份,数值", "婴儿死亡率,2024,4"]))
    with pytest.raises(TianpingError, match="找不到表头"):
        load_observations(write_csv(tmp_path / "nohead.csv", ["a,b,c", "1,2,3"]))
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a workbook")
    with pytest.raises(TianpingError, match="Excel文件无法打开"):
        load_observations(broken)
    garbled = tmp_path / "garbled.csv"
    garbled.write_bytes("指标,年份,数值\n".encode() + b"\xff\xfe\xff\n")
    with pytest.raises(TianpingError, match="文件编码无法识别"):
        load_observations(garbled)
    with pytest.raises(TianpingError, match="不支持的文件类型"):
        load_observations(write_csv(tmp_path / "data.json", ["{}"]))
    with pytest.raises(TianpingError, match="另存为.xlsx"):
        load_observations(write_csv(tmp_path / "old.xls", ["x"]))
    (tmp_path / "empty.csv").write_bytes(b"")
    with pytest.raises(TianpingError, match="文件“empty.csv”：文件是空的"):
        load_observations(tmp_path / "empty.csv")


def test_oversized_file_is_refused_before_reading(tmp_path):
    path = write_csv(tmp_path / "big.csv", ["地区,指标,年份,数值", *["西岗区,婴儿死亡率,2024,4"] * 2000])
    with pytest.raises(TianpingError, match="文件过大"):
        load_observations(path, max_bytes=10_000)  # the 50 MB default would slow the suite


def test_excel_error_cells_and_date_formatted_years(tmp_path):
    import datetime

    path = write_xlsx(tmp_path / "公式.xlsx", {"数据": [
        ["地区", "指标", "年份", "数值", "单位"],
        ["西岗区", "孕产妇系统管理率", datetime.datetime(2023, 1, 1), 96.5, "%"],
        ["西岗区", "孕产妇系统管理率", 2024, "#DIV/0!", "%"],
    ]})
    with pytest.raises(InputErrors) as excinfo:
        load_observations(path)
    assert messages(excinfo) == ["文件“公式.xlsx”，工作表“数据”，第3行，D（数值）列：数值“#DIV/0!”不是数字"]


def test_wide_sheet_with_one_column_per_year(tmp_path):
    path = write_xlsx(tmp_path / "卫健局填报.xlsx", {"填报": [
        ["西岗区妇女发展规划监测指标（卫健局）"],
        ["指标", "单位", "2020年", "2021年", "2022年", "2023年", "2024年", "2025年", "2030年"],
        ["孕产妇死亡率", "1/10万", 10.2, 9.8, "—", 9.1, None, None, None],
        ["婴儿死亡率", "‰", 4.1, "4.0", 3.9, 3.8, 3.6, None, None],
    ]})
    frame = load_observations(path, region="西岗区", indicators=INDICATORS | {"婴儿死亡率": "‰"})
    assert len(frame) == 10, "2020–2024 for both; 2025 and 2030 are template columns nobody reached"
    maternal = frame[frame["indicator"] == "孕产妇死亡率"].set_index("year")["value"]
    assert maternal.index.tolist() == [2020, 2021, 2022, 2023, 2024]
    assert maternal[[2022, 2024]].isna().all() and maternal[2023] == 9.1
    assert observations_summary(frame)["missing"] == 2


def test_wide_sheet_errors_name_the_year_column(tmp_path):
    path = write_xlsx(tmp_path / "wide.xlsx", {"填报": [
        ["地区", "指标", "单位", "2023", "2024"],
        ["西岗区", "孕产妇死亡率", "1/10万", "abc", 9.0],
    ]})
    with pytest.raises(InputErrors) as excinfo:
        load_observations(path)
    assert messages(excinfo) == ["文件“wide.xlsx”，工作表“填报”，第2行，D（2023）列：数值“abc”不是数字"]
