"""The Excel template: written with openpyxl, read back, edited the way people edit Excel."""

import io
import zipfile

import pytest
from openpyxl import load_workbook

from tianping.core.errors import TianpingError
from tianping.core.validation import Cell
from tianping.core.workbook import (
    DATA_SHEET,
    FIRST_ROW,
    HELP_SHEET,
    LETTER,
    META_SHEET,
    TemplateMeta,
    TemplateRow,
    check_upload,
    read_template,
    write_template,
)

META = TemplateMeta(round_id=7, department_id=3, region_code="210203", region_name="西岗区",
                    department_name="卫健局", year=2024, deadline="2025-03-31")


def rows():
    return [
        TemplateRow(11, 1, "孕产妇死亡率", "1/10万", Cell(), has_counts=True, previous=9.1, version=2),
        TemplateRow(12, 2, "参保人数", "人", Cell(), previous=1000),
        TemplateRow(12, 2, "参保人数", "人", Cell("女")),
        TemplateRow(12, 2, "参保人数", "人", Cell("男")),
        TemplateRow(13, 3, "=HYPERLINK(\"x\")", "%", Cell(residence="农村"), note="@cmd"),
        TemplateRow(14, 4, "儿童近视率", "%", Cell(age="7-14岁")),
    ]


def edit(data: bytes, changes: dict) -> bytes:
    wb = load_workbook(io.BytesIO(data))
    ws = wb[DATA_SHEET]
    for ref, value in changes.items():
        ws[ref] = value
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_template_has_instructions_protection_validation_and_hidden_ids():
    wb = load_workbook(io.BytesIO(write_template(META, rows())))
    assert wb.sheetnames == [HELP_SHEET, DATA_SHEET, META_SHEET]
    assert "填报说明" in wb[HELP_SHEET]["A1"].value or "填报模板" in wb[HELP_SHEET]["A1"].value
    ws = wb[DATA_SHEET]
    assert ws.protection.sheet and wb[META_SHEET].sheet_state == "veryHidden"
    assert ws.column_dimensions[LETTER["indicator_id"]].hidden
    assert ws[f"{LETTER['name']}2"].protection.locked
    assert not ws[f"{LETTER['value']}{FIRST_ROW}"].protection.locked
    assert not ws[f"{LETTER['numerator']}{FIRST_ROW}"].protection.locked      # has counts
    assert ws[f"{LETTER['numerator']}{FIRST_ROW + 1}"].protection.locked      # no counts
    kinds = {dv.type for dv in ws.data_validations.dataValidation}
    assert kinds == {"custom", "textLength"}
    assert any(str(r).startswith("D4:D6") for r in ws.merged_cells.ranges)     # names merged over their rows
    assert ws[f"{LETTER['name']}{FIRST_ROW + 4}"].value.startswith("'=")        # no formula injection
    assert ws[f"{LETTER['previous']}{FIRST_ROW}"].value == 9.1


def test_round_trip_with_excel_habits():
    data = edit(write_template(META, rows()), {
        f"{LETTER['numerator']}{FIRST_ROW}": "３", f"{LETTER['denominator']}{FIRST_ROW}": "30000",
        f"{LETTER['value']}{FIRST_ROW + 1}": "1,200", f"{LETTER['value']}{FIRST_ROW + 2}": 600,
        f"{LETTER['value']}{FIRST_ROW + 3}": "—", f"{LETTER['value']}{FIRST_ROW + 4}": "**",
        f"{LETTER['note']}{FIRST_ROW + 3}": "男性数据暂缺", f"{LETTER['value']}{FIRST_ROW + 5}": "35.5",
    })
    result = read_template(data, "卫健局.xlsx")
    assert result.errors == []
    assert result.meta["round_id"] == 7 and result.meta["department_id"] == 3 and result.meta["year"] == 2024
    by_key = {(r.indicator_id, r.cell): r for r in result.rows}
    first = by_key[(11, Cell())]
    assert (first.numerator, first.denominator, first.value, first.version) == (3.0, 30000.0, None, 2)
    assert by_key[(12, Cell())].value == 1200.0 and by_key[(12, Cell("女"))].value == 600.0
    assert by_key[(12, Cell("男"))].value is None and by_key[(12, Cell("男"))].note == "男性数据暂缺"
    assert by_key[(13, Cell(residence="农村"))].value is None
    assert by_key[(12, Cell("女"))].row == FIRST_ROW + 2   # merged names filled down: the key still right
    assert by_key[(14, Cell(age="7-14岁"))].value == 35.5


def test_a_bad_cell_is_named_by_sheet_row_and_column():
    data = edit(write_template(META, rows()), {f"{LETTER['value']}{FIRST_ROW + 1}": "一千二"})
    result = read_template(data, "卫健局.xlsx")
    assert len(result.errors) == 1
    text = str(result.errors[0])
    assert "数据填报" in text and f"第{FIRST_ROW + 1}行" in text and f"{LETTER['value']}列" in text and "一千二" in text


def test_merged_value_cells_and_tampered_ids_are_refused():
    wb = load_workbook(io.BytesIO(write_template(META, rows())))
    ws = wb[DATA_SHEET]
    ws.merge_cells(f"{LETTER['value']}{FIRST_ROW + 1}:{LETTER['value']}{FIRST_ROW + 2}")
    ws[f"{LETTER['indicator_id']}{FIRST_ROW + 4}"] = "abc"
    out = io.BytesIO()
    wb.save(out)
    errors = [str(e) for e in read_template(out.getvalue(), "t.xlsx").errors]
    assert any("跨行合并" in e for e in errors) and any("指标编号" in e for e in errors)


def test_uploads_are_checked(tmp_path):
    good = write_template(META, rows())
    for name, data, words in [
        ("t.xlsm", good, "宏"), ("t.xls", good, ".xls"), ("t.csv", b"a,b", ".xlsx"),
        ("t.xlsx", b"not a zip", "损坏"), ("t.xlsx", good + b"\0" * 200, "超过上限"),
    ]:
        with pytest.raises(TianpingError) as err:
            check_upload(name, data, max_bytes=len(good) + 100)
        assert words in str(err.value), (name, str(err.value))
    # a macro hidden inside a file named .xlsx
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as src, zipfile.ZipFile(buf, "w") as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item))
        dst.writestr("xl/vbaProject.bin", b"\0" * 10)
    with pytest.raises(TianpingError, match="宏"):
        check_upload("t.xlsx", buf.getvalue())
    # an ordinary workbook that is not our template
    from openpyxl import Workbook
    other = io.BytesIO()
    Workbook().save(other)
    with pytest.raises(TianpingError, match="不是天平生成的填报模板"):
        read_template(other.getvalue(), "other.xlsx")


def test_formulas_are_refused_by_cell():
    data = edit(write_template(META, rows()), {f"{LETTER['value']}{FIRST_ROW + 1}": "=1+1",
                                               f"{LETTER['note']}{FIRST_ROW + 2}": "=cmd|' /C calc'!A0"})
    errors = [str(e) for e in read_template(data, "t.xlsx").errors]
    assert len(errors) == 2 and all("含公式" in e for e in errors)
    assert f"{LETTER['value']}列" in errors[0] and f"{LETTER['note']}列" in errors[1]
