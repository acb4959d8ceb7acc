"""A ruled PDF table whose cells wrap inside their columns reads as a table, and Word
bookmark debris cut by a PDF line break is removed (seed 003, 奉化区 表1)."""

from __future__ import annotations

from docgen import write_pdf
from test_plan_formats import plan_signature

from tests.conftest import SEEDS
from tianping.core.normalize import normalize_text
from tianping.core.readers import parse_document, read_document

SEED_003 = next(seed for seed in SEEDS if seed.name.startswith("003"))


def test_003_with_wrapping_table_cells_gives_the_txt_plan(tmp_path):
    pdf = write_pdf(read_document(SEED_003), tmp_path / "奉化区.pdf", wrapped_table=True)
    expected, = parse_document(SEED_003)
    plan, = parse_document(pdf)
    assert len(plan.indicator_table) == len(expected.indicator_table) == 14
    assert plan_signature([plan]) == plan_signature([expected])
    assert plan.indicator_table[1].name == "孕产妇死亡率" and plan.indicator_table[1].unit == "1/10万"


def test_cells_really_wrap(tmp_path):
    """Guards the test above: read line by line, the table's names are split."""
    from tianping.core.errors import Location
    from tianping.core.readers import _pdf_lines

    pdf = write_pdf(read_document(SEED_003), tmp_path / "奉化区.pdf", wrapped_table=True)
    lines, _ = _pdf_lines(pdf.read_bytes(), Location())
    table = next(line.table for line in lines if line.table)
    assert any("\n" in (cell or "") for row in table for cell in row)


def test_bookmark_debris_cut_by_a_line_break_and_field_codes_are_removed():
    text = "[bookmark:\n_Toc15823][bookmark: _Toc2333]表1：重点发展指标\n见 PAGEREF _Toc123 \\h 第二章。"
    assert normalize_text(text) == "表1：重点发展指标\n见第二章。"
