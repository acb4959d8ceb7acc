"""Write a seed's text to a real .docx and a real .pdf inside a test.

The .docx uses Word automatic numbering (numbering.xml) for the headings and goal
numbers 一、 （一） 1. — the labels are removed from the paragraph text, as Word
stores them — and a real Word table for the cell-per-line table of seed 003.
The .pdf is typeset by reportlab with the built-in CJK font STSong-Light, paragraphs
indented and long lines wrapped, so the reader's line rejoining is exercised.
"""

from __future__ import annotations

import re
from pathlib import Path
from xml.sax.saxutils import escape

from docx import Document
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn

# label pattern -> (Word numFmt, lvlText); the number is group 1
_LIST_KINDS = {
    "chapter": (re.compile(r"^([一二三四五六七八九十]+)、"), "chineseCounting", "%1、"),
    "area": (re.compile(r"^（([一二三四五六七八九十]+)）"), "chineseCounting", "（%1）"),
    "item": (re.compile(r"^(\d{1,2})\.(?!\d)"), "decimal", "%1."),
}
_CHINESE_VALUES = {c: i for i, c in enumerate("一二三四五六七八九", 1)}


def chinese_to_int(text: str) -> int:
    """一..九十九, as list labels use them."""
    if "十" not in text:
        return _CHINESE_VALUES[text]
    tens, _, ones = text.partition("十")
    return (_CHINESE_VALUES[tens] if tens else 1) * 10 + (_CHINESE_VALUES[ones] if ones else 0)


class _WordLists:
    """Adds abstract numbering definitions once, then one w:num per list run."""

    def __init__(self, document):
        self.root = document.part.numbering_part.element
        self.abstract_ids = {}
        self.current = {}   # kind -> (numId, last number)
        for index, (kind, (_, fmt, text)) in enumerate(_LIST_KINDS.items()):
            abstract_id = str(900 + index)
            self.abstract_ids[kind] = abstract_id
            self.root.insert(0, parse_xml(
                f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{abstract_id}">'
                f'<w:multiLevelType w:val="singleLevel"/>'
                f'<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
                f'<w:lvlText w:val="{text}"/><w:suff w:val="nothing"/></w:lvl></w:abstractNum>'))

    def number(self, kind: str, value: int) -> str | None:
        """The numId to use for list item ``value``, or None to keep the label as text."""
        num_id, last = self.current.get(kind, (None, 0))
        if num_id is not None and value == last + 1:
            self.current[kind] = (num_id, value)
            return num_id
        if value != 1:
            return None
        num_id = str(900 + len(self.root.findall(qn("w:num"))) + 1)
        self.root.append(parse_xml(
            f'<w:num {nsdecls("w")} w:numId="{num_id}"><w:abstractNumId w:val="{self.abstract_ids[kind]}"/>'
            f'<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>'))
        self.current[kind] = (num_id, 1)
        return num_id


def _numbered(lists: _WordLists, line: str) -> tuple[str | None, str]:
    for kind, (pattern, fmt, _) in _LIST_KINDS.items():
        match = pattern.match(line)
        if match:
            value = int(match.group(1)) if fmt == "decimal" else chinese_to_int(match.group(1))
            num_id = lists.number(kind, value)
            if num_id is not None:
                return num_id, line[match.end():]
    return None, line


def _set_numbering(paragraph, num_id: str) -> None:
    paragraph._p.get_or_add_pPr().append(parse_xml(
        f'<w:numPr {nsdecls("w")}><w:ilvl w:val="0"/><w:numId w:val="{num_id}"/></w:numPr>'))


def _table_rows(lines: list[str], start: int) -> tuple[list[list[str]], int]:
    """Cell-per-line rows ("\\t" + cell, blank line after a row) starting at ``start``."""
    rows, row, i = [], [], start
    while i < len(lines) and (lines[i].startswith("\t") or (lines[i] == "" and row)):
        if lines[i] == "":
            rows.append(row)
            row = []
        else:
            row.append(lines[i][1:])
        i += 1
    if row:
        rows.append(row)
    return rows, i


def _add_table(document, rows: list[list[str]]) -> None:
    width = max(map(len, rows))
    table = document.add_table(rows=len(rows), cols=width)
    table.style = document.styles["Table Grid"]    # ruled, as plan tables are printed
    for r, cells in enumerate(rows):
        row = table.rows[r]
        span = width - len(cells) + 1   # a short row (the header) spans its first cell
        if span > 1:
            row.cells[0].merge(row.cells[span - 1])
        targets = [row.cells[0]] + [row.cells[c] for c in range(span, width)]
        for cell, text in zip(targets, cells):
            cell.paragraphs[0].text = text


def _text_blocks(text: str):
    """("table", rows) for a cell-per-line table, else ("line", line)."""
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        if lines[i].startswith("\t"):
            rows, i = _table_rows(lines, i)
            yield "table", rows
        else:
            yield "line", lines[i]
            i += 1


def write_docx(text: str, path: Path, contents: str | None = None, numbering: bool = True) -> Path:
    """``contents`` puts a table of contents first, as Word makes it: "sdt" (a contents
    control with a title) or "styles" (bare paragraphs in the toc 1 / toc 2 styles).
    ``numbering=False`` keeps the labels (一、 1.) as typed text, as many offices write them."""
    document = Document()
    lists = _WordLists(document)
    if contents:
        _add_contents(document, text, in_control=contents == "sdt")
    for kind, content in _text_blocks(text):
        if kind == "table":
            _add_table(document, content)
            continue
        num_id, rest = _numbered(lists, content) if numbering else (None, content)
        paragraph = document.add_paragraph(rest)
        if num_id is not None:
            _set_numbering(paragraph, num_id)
    document.save(path)
    return path


def _is_heading(line: str) -> bool:
    """A chapter or area heading (一、… （一）…), as a contents page lists them."""
    return len(line) <= 30 and bool(_LIST_KINDS["chapter"][0].match(line) or _LIST_KINDS["area"][0].match(line))


def _add_contents(document, text: str, in_control: bool) -> None:
    from docx.enum.style import WD_STYLE_TYPE

    styles = {level: document.styles.add_style(f"toc {level}", WD_STYLE_TYPE.PARAGRAPH) for level in (1, 2)}
    entries = [document.add_paragraph("目  录")] if in_control else []
    for page, line in enumerate(text.split("\n"), 1):
        if _is_heading(line):
            level = 1 if _LIST_KINDS["chapter"][0].match(line) else 2
            entries.append(document.add_paragraph(f"{line}\t{page // 20 + 1}", style=styles[level]))
    if in_control:
        control = parse_xml(
            f'<w:sdt {nsdecls("w")}><w:sdtPr><w:docPartObj><w:docPartGallery w:val="Table of Contents"/>'
            f'<w:docPartUnique/></w:docPartObj></w:sdtPr><w:sdtContent/></w:sdt>')
        entries[0]._p.addprevious(control)
        for entry in entries:
            control.find(qn("w:sdtContent")).append(entry._p)


# paragraph layouts: Chinese paragraphs usually start indented by two characters; some
# documents are justified, others mark paragraphs by space instead of an indent
PDF_LAYOUTS = {
    "indented": {"firstLineIndent": 21},
    "justified": {"firstLineIndent": 21, "alignment": 4},   # TA_JUSTIFY
    "spaced": {"spaceAfter": 6},
}


def write_pdf(text: str, path: Path, page_numbers: bool = False, contents: bool = False,
              layout: str = "indented", font_size: float = 10.5, wrapped_table: bool = False) -> Path:
    """``page_numbers`` adds a "- N -" footer, as printed plans have; ``contents`` a
    contents page with dot leaders; ``layout`` one of PDF_LAYOUTS."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    body = ParagraphStyle("body", fontName="STSong-Light", fontSize=font_size, leading=font_size * 1.5, wordWrap="CJK",
                          **PDF_LAYOUTS[layout])
    story = []
    if contents:
        story.append(Paragraph("目  录", body))
        for page, line in enumerate(text.split("\n"), 1):
            if _is_heading(line):
                story.append(Paragraph(escape(f"{line}{'…' * 6}{page // 20 + 1}"), body))
        story.append(PageBreak())
    for kind, content in _text_blocks(text):
        if kind == "table":
            story.append(_pdf_table(content, wrapped=wrapped_table))
        elif content.strip():
            story.append(Paragraph(escape(content.strip()), body))
        else:
            story.append(Spacer(1, 6))

    def footer(canvas, document):
        canvas.setFont("STSong-Light", 9)
        canvas.drawCentredString(A4[0] / 2, 30, f"- {document.page} -")

    extra = {"onFirstPage": footer, "onLaterPages": footer} if page_numbers else {}
    SimpleDocTemplate(str(path), pagesize=A4, leftMargin=50, rightMargin=50).build(story, **extra)
    return path


def _pdf_table(rows: list[list[str]], wrapped: bool = False):
    """A ruled table, one line per cell; a short row (the header) spans its first cells.
    ``wrapped``: columns of a printed page's width, long cells wrapping onto several lines."""
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, Table, TableStyle

    width = max(map(len, rows))
    if wrapped:
        cell = ParagraphStyle("cell", fontName="STSong-Light", fontSize=9, leading=12, wordWrap="CJK")
        padded, spans = [], []
        for r, cells in enumerate(rows):
            span = width - len(cells) + 1
            padded.append([Paragraph(escape(c), cell) for c in [cells[0]] + [""] * (span - 1) + cells[1:]])
            if span > 1:
                spans.append(("SPAN", (0, r), (span - 1, r)))
        table = Table(padded, colWidths=[30] + [(495 - 30) / (width - 1)] * (width - 1) if width > 2 else None)
        table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, "black"), *spans]))
        return table
    padded, spans = [], []
    for r, cells in enumerate(rows):
        span = width - len(cells) + 1
        padded.append([cells[0]] + [""] * (span - 1) + cells[1:])
        if span > 1:
            spans.append(("SPAN", (0, r), (span - 1, r)))
    widths = [max(len(row[c]) for row in rows if len(row) == width) * 7.5 + 14 for c in range(width)]
    table = Table(padded, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), "STSong-Light", 7.5),
                               ("GRID", (0, 0), (-1, -1), 0.5, "black"), *spans]))
    return table


def write_image_only_pdf(path: Path) -> Path:
    """A 'scanned' PDF: shapes only, no text layer."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(path), pagesize=A4)
    for page in range(2):
        for row in range(30):
            pdf.rect(60, 760 - row * 22, 300 + (row * 37 + page * 11) % 180, 9, fill=1, stroke=0)
        pdf.showPage()
    pdf.save()
    return path


# (numFmt, lvlText) per level of the multi-level list below; %N is level N's counter
OUTLINE_LEVELS = [("chineseCounting", "%1、"), ("chineseCounting", "（%2）"), ("decimal", "%3.")]


def write_outline_docx(items: list[tuple[int, str]], path: Path, styled_level: int | None = None) -> Path:
    """Paragraphs (level, text) in one Word multi-level list (一、 / （一） / 1.).
    Paragraphs at ``styled_level`` take their numbering from a paragraph style
    instead of their own w:numPr, as Word's heading styles do."""
    from docx.enum.style import WD_STYLE_TYPE

    document = Document()
    root = document.part.numbering_part.element
    levels = "".join(
        f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
        f'<w:lvlText w:val="{text}"/><w:suff w:val="nothing"/></w:lvl>'
        for i, (fmt, text) in enumerate(OUTLINE_LEVELS))
    root.insert(0, parse_xml(f'<w:abstractNum {nsdecls("w")} w:abstractNumId="950">'
                             f'<w:multiLevelType w:val="multilevel"/>{levels}</w:abstractNum>'))
    root.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="950"><w:abstractNumId w:val="950"/></w:num>'))
    style = None
    if styled_level is not None:
        style = document.styles.add_style("规划标题", WD_STYLE_TYPE.PARAGRAPH)
        style.element.get_or_add_pPr().append(parse_xml(
            f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{styled_level}"/><w:numId w:val="950"/></w:numPr>'))
    for level, text in items:
        if level == styled_level:
            document.add_paragraph(text, style=style)
            continue
        paragraph = document.add_paragraph(text)
        if level >= 0:
            paragraph._p.get_or_add_pPr().append(parse_xml(
                f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/><w:numId w:val="950"/></w:numPr>'))
    document.save(path)
    return path


def write_unmapped_font_pdf(path: Path, glyphs: int = 300) -> Path:
    """A PDF whose CJK font has no Unicode mapping (Identity-H, no ToUnicode), as some
    office tools produce: the page shows text, but copying it gives "(cid:1234)"."""
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> "
        "/Contents 6 0 R >>",
        "<< /Type /Font /Subtype /Type0 /BaseFont /SimSun /Encoding /Identity-H /DescendantFonts [5 0 R] >>",
        "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /SimSun "
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /DW 1000 >>",
    ]
    rows = []
    for row in range(glyphs // 30):
        cids = "".join(f"{(row * 30 + i) % 7000 + 1000:04X}" for i in range(30))
        rows.append(f"BT /F1 12 Tf 50 {780 - row * 16} Td <{cids}> Tj ET")
    stream = "\n".join(rows)
    objects.append(f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{offset:010d} 00000 n \n" for offset in offsets).encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    path.write_bytes(bytes(out))
    return path


def write_scanned_pdf(text: str, path: Path, dpi: int = 300) -> Path:
    """A scan: the text typeset as in write_pdf in 16 pt (三号, the size of official
    documents), each page rasterised (pdftoppm) and put back as an image only, with no
    text layer, as a plan scanned at 300 dpi arrives."""
    import subprocess
    import tempfile

    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    with tempfile.TemporaryDirectory() as tmp:
        typeset = write_pdf(text, Path(tmp) / "typeset.pdf", font_size=16)
        subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-png", str(typeset), f"{tmp}/page"], check=True)
        pdf = canvas.Canvas(str(path), pagesize=A4)
        for image in sorted(Path(tmp).glob("page-*.png")):
            pdf.drawImage(str(image), 0, 0, width=A4[0], height=A4[1])
            pdf.showPage()
        pdf.save()
    return path


def convert_with_libreoffice(source: Path, fmt: str, outdir: Path) -> Path:
    """``source`` converted by LibreOffice headless ("doc" = Word 97–2003, "pdf")."""
    import subprocess

    profile = (outdir / "lo-profile").as_uri()
    subprocess.run(["soffice", f"-env:UserInstallation={profile}", "--headless", "--norestore",
                    "--convert-to", fmt, "--outdir", str(outdir), str(source)],
                   check=True, capture_output=True, timeout=300)
    converted = outdir / f"{source.stem}.{fmt}"
    assert converted.exists(), f"LibreOffice did not write {converted.name}"
    return converted
