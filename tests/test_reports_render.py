"""The three renderers on a hand-built report: real files written and read back."""

import re
import subprocess
import zipfile
from html.parser import HTMLParser

import pytest
from docx import Document

from tianping.reports.charts import series_chart
from tianping.reports.document import (
    Chart,
    Heading,
    PageBreak,
    Paragraph,
    Report,
    Table,
)
from tianping.reports.docx import render_docx
from tianping.reports.html import render_html
from tianping.reports.pdf import ReportPDF, break_lines, render_pdf

SENTENCE = "2024年，全区孕产妇系统管理率为96.2%，比上年提高0.8个百分点，已实现2030年目标（目标≥95%）。" \
           "孕产妇死亡率为10.3/10万，先天梅毒报告发病率为14.9/10万活产。"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
HOSTILE = '<script>alert("x")</script> & 妇女'


def sample_report() -> Report:
    report = Report(title="西岗区妇女发展规划（2021—2030年）2024年统计监测报告", subtitle="西岗区统计局",
                    synthetic=True)
    report.add(Paragraph("注：本报告使用系统生成的演示数据。", style="note"))
    report.add(Heading("一、总体情况", 1))
    report.add(Paragraph(SENTENCE * 4))
    report.add(Heading("（一）妇女与健康", 2))
    report.add(Table(["指标", "2023年", "2024年", "目标", "状态"],
                     [["孕产妇系统管理率", "95.4", "96.2", "≥95%", "已达标"],
                      [HOSTILE, "—", "—", "—", "数据不足"]],
                     caption="妇女与健康领域主要指标", widths=[4, 1, 1, 1, 1]))
    png = series_chart("孕产妇系统管理率", {"total": [(2020, 93.1), (2022, 95.2), (2024, 96.2)]},
                       unit="%", target=(">=", 95, 2030))
    report.add(Chart(png, "孕产妇系统管理率变化情况"))
    report.add(PageBreak())
    report.add(Paragraph("（此部分由办公室根据实际情况填写。）", style="placeholder", editable=True))
    return report


def docx_text(path) -> str:
    document = Document(str(path))
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def test_docx_keeps_text_and_uses_official_fonts_with_east_asian_names(tmp_path):
    path = tmp_path / "report.docx"
    render_docx(sample_report(), path)
    document = Document(str(path))
    styles = {p.text: p.style.name for p in document.paragraphs if p.text}
    assert styles["一、总体情况"] == "Heading 1"
    assert styles["（一）妇女与健康"] == "Heading 2"
    assert styles[SENTENCE * 4] == "Normal"
    assert HOSTILE in docx_text(path)
    with zipfile.ZipFile(path) as package:
        styles_xml = package.read("word/styles.xml").decode("utf-8")
        font_table = package.read("word/fontTable.xml").decode("utf-8")
        media = [n for n in package.namelist() if n.startswith("word/media/")]
    east_asian = style_east_asian_fonts(styles_xml)
    assert east_asian["Normal"] == "仿宋_GB2312"
    assert east_asian["Heading1"] == "黑体"
    assert east_asian["Title"] == "宋体"
    assert re.search(r'w:name="仿宋_GB2312"><w:altName w:val="仿宋"/>', font_table)
    assert len(media) == 1                               # the chart
    footer = document.sections[0].footer._element
    assert any(f.get(f"{{{W}}}instr") == "PAGE" for f in footer.iter(f"{{{W}}}fldSimple"))   # page numbers
    header_row = document.tables[0].rows[0]._tr
    assert header_row.find(".//{*}tblHeader") is not None  # header repeats on each page


def style_east_asian_fonts(styles_xml: str) -> dict[str, str]:
    from lxml import etree
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    fonts = {}
    for style in etree.fromstring(styles_xml.encode("utf-8")).iter(f"{w}style"):
        rfonts = style.find(f"{w}rPr/{w}rFonts")
        if rfonts is not None and rfonts.get(f"{w}eastAsia"):
            fonts[style.get(f"{w}styleId")] = rfonts.get(f"{w}eastAsia")
    return fonts


def test_docx_follows_an_office_edited_reference(tmp_path, monkeypatch):
    reference = tmp_path / "reference.docx"
    edited = Document(str(__import__("tianping.reports.docx", fromlist=["x"]).REFERENCE_DOCX))
    edited.styles["Normal"].font.size = __import__("docx.shared", fromlist=["Pt"]).Pt(14)
    edited.save(str(reference))
    monkeypatch.setenv("TIANPING_REPORT_DOCX_TEMPLATE", str(reference))
    path = tmp_path / "report.docx"
    render_docx(sample_report(), path)
    assert Document(str(path)).styles["Normal"].font.size.pt == 14
    assert "样式示例" not in docx_text(path)             # the reference's sample text is dropped


@pytest.mark.slow(reason="renders a PDF with embedded CJK fonts")
def test_pdf_embeds_the_chinese_fonts_and_renders_visible_pages(tmp_path):
    path = tmp_path / "report.pdf"
    render_pdf(sample_report(), path)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    rows = [line.split() for line in fonts.splitlines()[2:]]
    assert rows and all(row[-5] == "yes" for row in rows), fonts      # emb column
    assert any("SC" in row[0] for row in rows)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "96.2%" in text and "孕产妇系统管理率" in text and HOSTILE in text
    subprocess.run(["pdftoppm", "-r", "30", "-png", str(path), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page-*.png"))
    last_page = subprocess.run(["pdftotext", "-f", str(len(pages)), "-l", str(len(pages)), str(path), "-"],
                               capture_output=True, text=True, check=True).stdout
    assert "此部分由办公室" in last_page and "孕产妇" not in last_page   # after the page break, alone
    shares = [ink_share(page) for page in pages]
    assert all(share > 0.0003 for share in shares), shares   # all white would be 0


def ink_share(png_path) -> float:
    import numpy as np
    from PIL import Image
    return float((np.asarray(Image.open(png_path).convert("L")) < 200).mean())


@pytest.mark.slow(reason="renders a PDF with embedded CJK fonts")
def test_pdf_never_splits_a_number_across_lines(tmp_path):
    pdf = ReportPDF(sample_report())
    pdf.add_page()
    pdf.set_font("serif", size=12)
    for width in (40, 57, 73, 101):
        lines = break_lines(pdf, SENTENCE * 3, width)
        assert "".join(lines) == SENTENCE * 3
        for before, after in zip(lines, lines[1:]):
            assert not (re.search(r"[\d./]$", before) and re.match(r"[\d.%/万]", after)), (before, after)
            assert after[0] not in "，。、）" and before[-1] not in "（“"


class Collect(HTMLParser):
    def __init__(self):
        super().__init__()
        self.text, self.tags, self.sources = [], [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.sources += [v for k, v in attrs if k in ("src", "href")]

    def handle_data(self, data):
        self.text.append(data)


def test_html_is_self_contained_and_escapes_text(tmp_path):
    path = tmp_path / "report.html"
    render_html(sample_report(), path)
    html = path.read_text(encoding="utf-8")
    parsed = Collect()
    parsed.feed(html)
    assert "script" not in parsed.tags
    assert HOSTILE in "".join(parsed.text)
    assert parsed.sources and all(s.startswith("data:image/png;base64,") for s in parsed.sources)
    assert SENTENCE in "".join(parsed.text)


@pytest.mark.slow(reason="renders a PDF with embedded CJK fonts")
def test_pdf_falls_back_to_debian_noto_cjk_without_the_font_package(tmp_path, monkeypatch):
    import sys

    from tianping.reports import fonts

    monkeypatch.setitem(sys.modules, "pylopdf_fonts_zh_cn", None)      # import fails as if not installed
    fonts.cjk_font_file.cache_clear()
    try:
        path = tmp_path / "fallback.pdf"
        render_pdf(sample_report(), path)
    finally:
        fonts.cjk_font_file.cache_clear()
    listing = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    assert "NotoSerifCJKSC" in listing and "NotoSansCJKSC" in listing, listing   # SC face of the collection
    assert all(line.split()[-5] == "yes" for line in listing.splitlines()[2:])
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "孕产妇系统管理率" in text
