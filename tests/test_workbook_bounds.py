"""An absurd sheet extent is refused before any row is built (outside review, finding 1).

One cell at XFD1048576 in an 11 KB template used to make the reader walk 1,048,576 × 16,384
cells: 3.7 GB and a 500 after 53 s. The reading runs here in a child process under an address
space limit, so a regression fails fast instead of eating the shared machine, and the child
reports its own peak resident memory (imports included) and time."""

import io
import json
import re
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tianping.core.errors import TianpingError
from tianping.core.validation import Cell
from tianping.core.workbook import (
    DATA_SHEET,
    HELP_SHEET,
    TemplateMeta,
    TemplateRow,
    read_template,
    write_template,
)

META = TemplateMeta(round_id=7, department_id=3, region_code="210203", region_name="西岗区",
                    department_name="卫健局", year=2024)
ROOT = Path(__file__).resolve().parents[1]
CHILD = textwrap.dedent("""
    import json, resource, sys, time
    resource.setrlimit(resource.RLIMIT_AS, (1536 * 2**20, 1536 * 2**20))
    from tianping.core.errors import TianpingError
    from tianping.core.workbook import read_template
    data = open(sys.argv[1], "rb").read()
    start = time.perf_counter()
    try:
        read_template(data, "模板.xlsx")
        outcome = "read"
    except TianpingError as exc:
        outcome = str(exc)
    except MemoryError:
        outcome = "MemoryError"
    seconds = time.perf_counter() - start
    # VmHWM is this process image's own peak (ru_maxrss would carry the forking pytest's size over exec)
    status = open("/proc/self/status").read()
    peak_mb = int(status.split("VmHWM:")[1].split()[0]) / 1024
    print(json.dumps({"outcome": outcome, "seconds": seconds, "peak_mb": peak_mb, "bytes": len(data)}))
""")


def template() -> bytes:
    rows = [TemplateRow(11, 1, "孕产妇死亡率", "1/10万", Cell(), has_counts=True, version=2),
            TemplateRow(12, 2, "参保人数", "人", Cell())]
    return write_template(META, rows)


def with_cells(data: bytes, sheet: str, cells: dict) -> bytes:
    wb = load_workbook(io.BytesIO(data))
    for ref, value in cells.items():
        wb[sheet][ref] = value
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def with_xml(data: bytes, part: str, change) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info)
            dst.writestr(info.filename, change(body) if info.filename == part else body)
    return out.getvalue()


def read_in_child(tmp_path, data: bytes) -> dict:
    path = tmp_path / "far.xlsx"
    path.write_bytes(data)
    done = subprocess.run([sys.executable, "-c", CHILD, str(path)], capture_output=True, text=True, timeout=120,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)


@pytest.mark.parametrize("value", ["x", "=1+1"], ids=["value", "formula"])
def test_far_away_cell_is_refused_quickly_in_little_memory(tmp_path, value):
    data = with_cells(template(), DATA_SHEET, {"XFD1048576": value})
    assert len(data) < 20_000
    result = read_in_child(tmp_path, data)
    assert "XFD1048576" in result["outcome"] and "数据填报" in result["outcome"], result
    assert "请删除远处多余的单元格" in result["outcome"]
    assert result["peak_mb"] < 200, result
    assert result["seconds"] < 2, result   # the finding's bar; the refusal itself takes milliseconds
    print(f"far cell ({value}): {result['bytes']} bytes refused in {result['seconds'] * 1000:.0f} ms, "
          f"peak RSS {result['peak_mb']:.0f} MB")


def test_declared_extent_alone_is_refused():
    data = with_xml(template(), "xl/worksheets/sheet2.xml",
                    lambda xml: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', xml))
    with pytest.raises(TianpingError, match="声明的范围A1:XFD1048576"):
        read_template(data, "模板.xlsx")


def test_far_merged_range_and_far_row_are_refused():
    merged = with_xml(template(), "xl/worksheets/sheet2.xml",
                      lambda xml: xml.replace(b"</mergeCells>", b'<mergeCell ref="N3:ZZ900000"/></mergeCells>'))
    with pytest.raises(TianpingError, match="合并单元格N3:ZZ900000"):
        read_template(merged, "模板.xlsx")
    far_row = with_xml(template(), "xl/worksheets/sheet2.xml",
                       lambda xml: xml.replace(b"</sheetData>", b'<row r="1048576" ht="20" customHeight="1"/></sheetData>'))
    with pytest.raises(TianpingError, match="第1048576行"):
        read_template(far_row, "模板.xlsx")
    far_cell = with_xml(template(), "xl/worksheets/sheet2.xml",  # a truthful <dimension>, a far real cell
                        lambda xml: xml.replace(b"</sheetData>", b'<row r="30"><c r="XFD30"><v>1</v></c></row></sheetData>'))
    with pytest.raises(TianpingError, match="单元格XFD30位于第30行、第16384列"):
        read_template(far_cell, "模板.xlsx")


def test_history_workbook_import_is_bounded_too(tmp_path):
    from tianping.core.observations import read_tables
    path = tmp_path / "历史数据.xlsx"
    path.write_bytes(with_cells(template(), DATA_SHEET, {"XFD1048576": "x"}))
    with pytest.raises(TianpingError, match="XFD1048576"):
        read_tables(path)


def test_far_cell_on_the_help_sheet_is_refused_too():
    data = with_cells(template(), HELP_SHEET, {"XFD1048576": "x"})
    with pytest.raises(TianpingError, match="填报说明"):
        read_template(data, "模板.xlsx")


def test_ordinary_template_still_reads_with_formula_check_and_merges():
    data = with_cells(template(), DATA_SHEET, {"J3": 9.5, "J4": "=1+1"})
    result = read_template(data, "模板.xlsx")
    assert result.rows[0].value == 9.5
    assert [e.where.column for e in result.errors] == ["J"] and "公式" in result.errors[0].message
