"""tianping.core.readers on real files: text encodings, Word numbering and tables,
PDF line rejoining. Plan-level equivalence is in test_plan_formats.py, refusals in
test_bad_input.py."""

from __future__ import annotations

import pytest
from docgen import write_docx, write_outline_docx, write_pdf
from docx import Document

from tests.conftest import SEEDS
from tianping.core.errors import DocumentError
from tianping.core.readers import format_number, parse_document, read_document

SEED_000 = next(seed for seed in SEEDS if seed.name.startswith("000"))
SEED_002 = next(seed for seed in SEEDS if seed.name.startswith("002"))


@pytest.fixture(scope="module")
def seed_text() -> str:
    return SEED_002.read_text(encoding="utf-8")


# --- .txt encodings --------------------------------------------------------------------

@pytest.mark.parametrize("encoding, prefix", [
    ("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("gbk", b""), ("gb18030", b""), ("utf-16-le", b"\xff\xfe"),
    ("utf-16-le", b""), ("utf-16-be", b""),
])
def test_every_common_encoding_reads_to_the_same_text(tmp_path, seed_text, encoding, prefix):
    path = tmp_path / "规划.txt"
    path.write_bytes(prefix + seed_text.encode(encoding))
    assert read_document(path) == seed_text


def test_windows_line_ends_become_newlines(tmp_path, seed_text):
    path = tmp_path / "规划.txt"
    path.write_bytes(seed_text.replace("\n", "\r\n").encode("gbk"))
    assert read_document(path) == seed_text


def test_upload_bytes_are_read_without_touching_the_path(seed_text):
    text = read_document("上传的规划.txt", data=seed_text.encode("gb18030"))
    assert text == seed_text


def test_mojibake_is_refused_not_passed_on(tmp_path, seed_text):
    # UTF-8 bytes once misread as Latin-1 and saved again: valid UTF-8, unreadable text
    garbled = seed_text[:3000].encode("utf-8").decode("latin-1").encode("utf-8")
    path = tmp_path / "乱码.txt"
    path.write_bytes(garbled)
    with pytest.raises(DocumentError, match="乱码|编码") as err:
        read_document(path)
    assert "乱码.txt" in str(err.value)


def test_plain_english_text_is_read_and_then_judged_by_the_parser(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("Minutes of the meeting.\nNothing about any plan here.\n", encoding="ascii")
    assert read_document(path).startswith("Minutes")
    with pytest.raises(DocumentError, match="规划"):
        parse_document(path)


def test_type_comes_from_content_not_name(tmp_path, seed_text):
    """A PDF named .docx and GBK text named .docx are still read for what they are."""
    pdf = write_pdf(seed_text[:2000], tmp_path / "real.pdf")
    renamed = tmp_path / "看似Word.docx"
    renamed.write_bytes(pdf.read_bytes())
    assert "妇女" in read_document(renamed)
    text_as_docx = tmp_path / "其实是文本.docx"
    text_as_docx.write_bytes(seed_text.encode("gbk"))
    assert read_document(text_as_docx) == seed_text


# --- .docx --------------------------------------------------------------------------------

def test_multilevel_word_numbering_is_restored_with_restarts(tmp_path):
    items = [(0, "指导思想"), (1, "基本原则"), (2, "坚持党的领导。"), (2, "坚持男女平等。"),
             (1, "总体目标"), (2, "健康水平持续提升。"), (-1, "没有编号的段落。"), (0, "发展领域"),
             (1, "妇女与健康"), (2, "孕产妇死亡率控制在8/10万以下。")]
    path = write_outline_docx(items, tmp_path / "编号.docx")
    # python-docx itself leaves the numbers out
    assert [p.text for p in Document(path).paragraphs][:2] == ["指导思想", "基本原则"]
    assert read_document(path).split("\n") == [
        "一、指导思想", "（一）基本原则", "1.坚持党的领导。", "2.坚持男女平等。", "（二）总体目标",
        "1.健康水平持续提升。", "没有编号的段落。", "二、发展领域", "（一）妇女与健康", "1.孕产妇死亡率控制在8/10万以下。"]


def test_numbering_from_a_paragraph_style_is_restored(tmp_path):
    items = [(1, "妇女与健康"), (2, "孕产妇系统管理率达到95%以上。"), (1, "妇女与教育"), (2, "女性比例逐步提高。")]
    path = write_outline_docx(items, tmp_path / "样式编号.docx", styled_level=1)
    assert read_document(path).split("\n") == [
        "（一）妇女与健康", "1.孕产妇系统管理率达到95%以上。", "（二）妇女与教育", "1.女性比例逐步提高。"]


def test_tables_come_in_document_order_one_cell_per_line(tmp_path):
    document = Document()
    document.add_paragraph("表1：重点发展指标")
    table = document.add_table(rows=3, cols=3)
    table.rows[0].cells[0].merge(table.rows[0].cells[1])
    table.rows[0].cells[0].text = "主要统计指标"
    table.rows[0].cells[2].text = "2025年目标"
    for r, (name, value) in enumerate([("孕产妇死亡率（1/10万）", "＜7"), ("婚前医学检查率（%）", ">80")], 1):
        table.rows[r].cells[0].text = str(r)
        table.rows[r].cells[1].text = name
        table.rows[r].cells[2].text = value
    table.rows[1].cells[2].merge(table.rows[2].cells[2])   # a vertically merged cell
    document.add_paragraph("表后的段落。")
    path = tmp_path / "表格.docx"
    document.save(path)
    assert read_document(path).split("\n") == [
        "表1：重点发展指标",
        "\t主要统计指标", "\t2025年目标", "",
        "\t1", "\t孕产妇死亡率（1/10万）", "\t＜7>80", "",
        "\t2", "\t婚前医学检查率（%）", "",
        "表后的段落。"]


@pytest.mark.parametrize("number, fmt, label", [
    (1, "chineseCounting", "一"), (10, "chineseCounting", "十"), (12, "chineseCounting", "十二"),
    (20, "chineseCountingThousand", "二十"), (35, "chineseCounting", "三十五"), (105, "chineseCounting", "一百零五"),
    (3, "decimal", "3"), (4, "decimalEnclosedCircle", "④"), (2, "upperRoman", "II"), (28, "lowerLetter", "bb"),
    (3, "ideographTraditional", "丙"), (7, "decimalFullWidth", "７"), (2, "chineseLegalSimplified", "贰"),
])
def test_word_number_formats(number, fmt, label):
    assert format_number(number, fmt) == label


# --- .pdf ---------------------------------------------------------------------------------

def test_pdf_lines_broken_inside_a_paragraph_are_rejoined(tmp_path):
    lines = [line for line in SEED_000.read_text(encoding="utf-8").split("\n") if len(line) > 150][:3]
    text = "\n".join(["主要目标：", *lines, "1.孕产妇系统管理率达到95%以上。", "2.妇女常见病防治力度不断加大。"])
    path = write_pdf(text, tmp_path / "段落.pdf")
    assert read_document(path).split("\n") == text.split("\n")


def test_pdf_page_numbers_and_contents_are_dropped_and_pages_joined(tmp_path):
    text = SEED_000.read_text(encoding="utf-8")
    printed = write_pdf(text, tmp_path / "印刷版.pdf", page_numbers=True, contents=True)
    plain = write_pdf(text, tmp_path / "无页码.pdf")
    read = read_document(printed)
    assert "- 2 -" not in read and "……" not in read
    assert read == read_document(plain)


def test_docx_written_from_a_seed_reads_back_line_for_line(tmp_path):
    text = SEED_000.read_text(encoding="utf-8")
    path = write_docx(text, tmp_path / "西岗区.docx")
    assert read_document(path) == text


# --- any bytes at all ----------------------------------------------------------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

FILE_STARTS = [b"", b"PK\x03\x04", b"%PDF-1.4\n", b"\xef\xbb\xbf", b"\xff\xfe", b"\xd0\xcf\x11\xe0"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(start=st.sampled_from(FILE_STARTS), body=st.binary(max_size=3000))
def test_any_bytes_give_text_or_a_document_error(start, body):
    """Whatever arrives, the reader returns text or raises DocumentError naming the file."""
    try:
        text = read_document("上传.bin", data=start + body)
    except DocumentError as err:
        assert "上传.bin" in str(err)
    else:
        assert isinstance(text, str) and text.strip()


def test_short_chinese_text_is_read(tmp_path):
    path = tmp_path / "短.txt"
    path.write_bytes("妇女发展规划\n".encode("gbk"))
    assert read_document(path) == "妇女发展规划\n"


def test_an_excel_workbook_is_named_as_such(tmp_path):
    from openpyxl import Workbook

    path = tmp_path / "指标.docx"
    Workbook().save(path)
    with pytest.raises(DocumentError, match="Excel工作簿"):
        read_document(path)


@pytest.mark.parametrize("restart, second_label", [(False, "3."), (True, "1.")])
def test_lists_sharing_a_definition_continue_unless_restarted(tmp_path, restart, second_label):
    """Word counts per abstract list: a second numbering instance continues the first
    one's count, unless it carries a startOverride."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    document = Document()
    root = document.part.numbering_part.element
    root.insert(0, parse_xml(
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="960"><w:lvl w:ilvl="0"><w:start w:val="1"/>'
        f'<w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl></w:abstractNum>'))
    override = '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride>' if restart else ""
    for num_id, extra in (("961", ""), ("962", override)):
        root.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="{num_id}"><w:abstractNumId w:val="960"/>'
                              f'{extra}</w:num>'))
    for num_id, text in (("961", "甲"), ("961", "乙"), ("962", "丙")):
        paragraph = document.add_paragraph(text)
        paragraph._p.get_or_add_pPr().append(parse_xml(
            f'<w:numPr {nsdecls("w")}><w:ilvl w:val="0"/><w:numId w:val="{num_id}"/></w:numPr>'))
    path = tmp_path / "续编号.docx"
    document.save(path)
    assert read_document(path).split("\n") == ["1.甲", "2.乙", second_label + "丙"]


@pytest.mark.parametrize("contents", ["sdt", "styles"])
def test_table_of_contents_is_left_out(tmp_path, contents):
    """A contents list repeats every heading (with page numbers); read as text it
    would give the structure parser each chapter and area twice."""
    text = SEED_000.read_text(encoding="utf-8")
    path = write_docx(text, tmp_path / "带目录.docx", contents=contents)
    assert "toc" in __import__("zipfile").ZipFile(path).read("word/styles.xml").decode().lower()
    assert read_document(path) == text


def test_tracked_changes_read_as_accepted(tmp_path):
    """A draft with revisions: inserted text counts, deleted text does not."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    document = Document()
    paragraph = document.add_paragraph("孕产妇死亡率控制在")
    paragraph._p.append(parse_xml(
        f'<w:del {nsdecls("w")} w:id="1" w:author="办公室" w:date="2021-12-01T00:00:00Z">'
        f'<w:r><w:delText>10/10万</w:delText></w:r></w:del>'))
    paragraph._p.append(parse_xml(
        f'<w:ins {nsdecls("w")} w:id="2" w:author="办公室" w:date="2021-12-01T00:00:00Z">'
        f'<w:r><w:t>8/10万</w:t></w:r></w:ins>'))
    paragraph.add_run("以下。")
    path = tmp_path / "修订稿.docx"
    document.save(path)
    assert read_document(path) == "孕产妇死亡率控制在8/10万以下。"


@pytest.mark.parametrize("encoding", ["utf-8", "gbk"])
def test_a_character_cut_at_the_end_is_dropped(tmp_path, seed_text, encoding):
    head = seed_text[:seed_text.index("妇女", 500) + 2]       # ends in a Chinese character
    path = tmp_path / "截断.txt"
    path.write_bytes(head.encode(encoding)[:-1])
    assert read_document(path) == head[:-1]


def test_symbols_inserted_in_word_are_read(tmp_path):
    """≥ and ≤ put in with Word's Insert Symbol are w:sym in the Symbol font, not text."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    document = Document()
    for name, code, rest in (("孕产妇系统管理率", "F0B3", "95%"), ("孕产妇死亡率", "F0A3", "8/10万")):
        paragraph = document.add_paragraph(name)
        paragraph._p.append(parse_xml(
            f'<w:r {nsdecls("w")}><w:sym w:font="Symbol" w:char="{code}"/></w:r>'))
        paragraph.add_run(rest)
    document.add_paragraph("注").runs[0]._r.append(parse_xml(f'<w:sym {nsdecls("w")} w:font="Wingdings" w:char="F0FC"/>'))
    path = tmp_path / "符号.docx"
    document.save(path)
    assert read_document(path).split("\n") == ["孕产妇系统管理率≥95%", "孕产妇死亡率≤8/10万", "注"]
