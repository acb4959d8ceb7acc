"""Plan documents (.txt, .docx, .pdf; .doc/.wps and scanned PDFs through the Debian
programs in convert.py) → raw text, one paragraph per line.

The type is decided by the bytes, not the name: offices rename files, save GBK
text as ".txt" and send truncated attachments. Every failure is a
``DocumentError`` in Chinese naming the file; only a bug of our own escapes as such.

``parse_document`` adds the plan parser on top and stamps each plan with the
file's name and sha256, so a stored plan can be traced to the exact bytes.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import logging
import re
import statistics
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from tianping.core.errors import DocumentError, Location, TianpingError
from tianping.core.model import Plan
from tianping.core.safezip import check_zip

if TYPE_CHECKING:
    from pdfplumber.pdf import PDF

MAX_BYTES = 20 * 1024 * 1024

NOT_A_PLAN = "未识别出规划结构（领域、主要目标、策略措施），请确认这是妇女或儿童发展规划文件"


@dataclass
class Reading:
    """How a document was read: its text, and for a scan the OCR confidence."""

    text: str
    kind: str                            # "text", "docx", "pdf", "doc" (old Word or WPS)
    converter: str = ""                  # "LibreOffice", "antiword", "Tesseract"
    ocr_confidence: float | None = None  # mean word confidence 0-100
    ocr_pages: int = 0


def read_document(path: str | Path, data: bytes | None = None, max_bytes: int = MAX_BYTES) -> str:
    """The document's text, one paragraph per line. ``data`` overrides reading ``path``
    (an upload); ``path`` then only names the file in messages."""
    return read_with_details(path, data, max_bytes).text


def read_with_details(path: str | Path, data: bytes | None = None, max_bytes: int = MAX_BYTES,
                      ocr_max_pages: int | None = None) -> Reading:
    """``read_document`` telling also how the text was obtained (converter, OCR confidence).
    ``ocr_max_pages`` bounds the pages of a scan read here (the web request has a time limit)."""
    where = Location(file=Path(path).name)
    if data is None:
        data = _read_bytes(Path(path), where, max_bytes)
    _check_size(len(data), where, max_bytes)
    kind = sniff_kind(data, where)
    reading = (Reading(decode_text(data, where), kind) if kind == "text"
               else _read_binary(kind, data, where, ocr_max_pages))
    if not reading.text.strip():
        raise DocumentError("文件中没有文字", where)
    return reading


def parse_document(path: str | Path, data: bytes | None = None, max_bytes: int = MAX_BYTES,
                   ocr_max_pages: int | None = None) -> list[Plan]:
    """Read a document and parse the plan(s) in it, stamped with file name and sha256."""
    from tianping.core.parser import (
        parse_plan_text,  # the parser is built on top of readers
    )

    name = Path(path).name
    if data is None:
        data = _read_bytes(Path(path), Location(file=name), max_bytes)
    reading = read_with_details(path, data, max_bytes, ocr_max_pages)
    plans = parse_plan_text(reading.text, source_file=name)
    if not any(plan.areas for plan in plans):
        raise DocumentError(NOT_A_PLAN, Location(file=name))
    digest = hashlib.sha256(data).hexdigest()   # of the bytes received, not of the text
    for plan in plans:
        plan.source_file, plan.source_sha256 = name, digest
        if reading.ocr_confidence is not None:
            plan.ocr_confidence = reading.ocr_confidence
            plan.warnings.insert(0, ocr_warning(reading))
    return plans


def ocr_warning(reading: Reading) -> str:
    return (f"本文件是扫描件，共{reading.ocr_pages}页，经文字识别（OCR）读取，平均识别置信度{reading.ocr_confidence:.0f}%；"
            "识别可能有误，请对照原件逐条核对领域、目标和指标数值。")


def _read_binary(kind: str, data: bytes, where: Location, ocr_max_pages: int | None = None) -> Reading:
    reader = {"pdf": _read_pdf, "docx": _docx_reading, "doc": _read_old_word}[kind]
    try:
        return _read_pdf(data, where, ocr_max_pages) if kind == "pdf" else reader(data, where)
    except (TianpingError, NameError):   # our own message; a NameError is our bug, not the file's
        raise
    except Exception as exc:  # python-docx, lxml or pdfminer failing on a malformed file
        raise DocumentError(f"文件已损坏，无法读取（{type(exc).__name__}）", where) from exc


# --- bytes and type ------------------------------------------------------------

def _read_bytes(path: Path, where: Location, max_bytes: int) -> bytes:
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise DocumentError("文件不存在", where) from None
    except OSError as exc:
        raise DocumentError(f"无法读取文件（{exc.strerror}）", where) from None
    if path.is_dir():
        raise DocumentError("这是一个文件夹，不是文件", where)
    _check_size(size, where, max_bytes)  # before reading: never load a huge file
    try:
        return path.read_bytes()
    except OSError as exc:
        raise DocumentError(f"无法读取文件（{exc.strerror}）", where) from None


def _check_size(size: int, where: Location, max_bytes: int) -> None:
    if size == 0:
        raise DocumentError("文件为空", where)
    if size > max_bytes:
        raise DocumentError(
            f"文件大小为{_megabytes(size)}，超过上限{_megabytes(max_bytes)}；"
            "规划文件通常不超过几MB，请确认文件是否正确", where)


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB".replace(".0 MB", " MB")


def sniff_kind(data: bytes, where: Location | None = None) -> str:
    """"pdf", "docx", "doc" (old Word or WPS) or "text", by content. Other binary formats
    are refused here."""
    if b"%PDF-" in data[:1024]:   # a PDF header may follow a little junk
        return "pdf"
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        return "docx"
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "doc"     # an OLE compound file: Word 97–2003 (.doc) or WPS (.wps)
    if data.startswith(b"{\\rtf"):
        raise DocumentError("这是RTF格式，请在Word中另存为.docx后再导入", where)
    return "text"


# --- plain text ----------------------------------------------------------------

_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)

# The most frequent Chinese characters, plus the vocabulary of plan documents. In real
# Chinese text a large share of the Han characters are among these; in bytes decoded
# with the wrong codec (or random bytes read as GB18030) almost none are.
_COMMON_HAN = set(
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说"
    "产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点"
    "从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原"
    "又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革"
    "位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强"
    "放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交"
    "受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八"
    "离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布"
    "复容儿须际商非验连断深难近千周委素技备半办青省列习响约支般史感劳便团往历市克何除消构府称准值号率族"
    "维划选标写存候亲快效院查型按格养易置派层片始却专状育识适属包住调满县局照参细引听该价严妇女童健康环"
    "境障略措施依推普及庭服务促设施保险疗卫婚姻儿童权益护村镇街道创营优完善"
)


def decode_text(data: bytes, where: Location | None = None) -> str:
    """Decode text bytes: BOM, else UTF-8, else GB18030 (a superset of GBK), else what
    charset-normalizer proposes; the result must read as Chinese."""
    where = where or Location()
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return _plausible(data.decode(codec, errors="replace"), codec, where)
    if b"\x00" in data[:4096]:
        # UTF-16 saved without a byte-order mark has NULs too; anything else is binary
        for codec in ("utf-16-le", "utf-16-be"):
            text = _decode_strictly(data, codec)
            if text is not None and _reads_as_text(text):
                return _newlines(text)
        raise DocumentError("文件不是文本、Word（.docx）或PDF格式，无法读取（可能是其他二进制文件）", where)
    for codec in ("utf-8", "gb18030"):
        text = _decode_strictly(data, codec)
        if text is not None and _reads_as_text(text):
            return _newlines(text)
    guess = _charset_normalizer_guess(data)
    if guess and _reads_as_text(guess[1]):
        return _newlines(guess[1])
    raise DocumentError(
        "无法识别文件的文字编码，内容可能是乱码或二进制数据；请用UTF-8或GBK编码另存为文本，或直接导入.docx", where)


def _decode_strictly(data: bytes, codec: str) -> str | None:
    """The text, or None when the bytes are not in ``codec``. A character cut in half
    at the very end (a file truncated in copying) is dropped, not held against it."""
    try:
        return data.decode(codec)
    except UnicodeDecodeError as err:
        cut = err.start
    if cut < len(data) - 3:
        return None
    try:
        return data[:cut].decode(codec)
    except UnicodeDecodeError:
        return None


def _charset_normalizer_guess(data: bytes) -> tuple[str, str] | None:
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200_000]).best()
    if best is None:
        return None
    try:
        return best.encoding, data.decode(best.encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def _plausible(text: str, codec: str, where: Location) -> str:
    if not _reads_as_text(text):
        raise DocumentError(f"按{codec}编码读出的内容是乱码，请检查文件", where)
    return _newlines(text)


def _reads_as_text(text: str) -> bool:
    """True when the decoded text looks like a real (Chinese or plain) document; the
    parser, not the reader, then says whether it is a plan."""
    sample = text[:100_000]
    if not sample:
        return False
    controls = sum(1 for ch in sample if ch < " " and ch not in "\t\r\n\f")
    if (controls + sample.count("\ufffd")) / len(sample) > 0.01:
        return False
    non_ascii = [ch for ch in sample if not ch.isascii()]
    if not non_ascii:
        return True
    # UTF-8 once misread as Latin-1 and saved again ("å¦å¥³"): valid UTF-8, unreadable
    if sum(1 for ch in non_ascii if ch <= "\u00ff") / len(non_ascii) > 0.3:
        return False
    han = [ch for ch in non_ascii if "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"]
    if len(han) < 20:   # too little to judge by frequency: Chinese must at least dominate
        return len(han) >= 0.5 * len(non_ascii)
    return sum(1 for ch in han if ch in _COMMON_HAN) / len(han) >= 0.3


def _newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")


# --- .doc / .wps ------------------------------------------------------------------

def _read_old_word(data: bytes, where: Location) -> Reading:
    """Old Word and WPS files through LibreOffice (to .docx, tables and numbering kept),
    else antiword (plain text)."""
    from tianping.core.convert import old_word_text, old_word_to_docx

    converted = old_word_to_docx(data, where)
    if converted is not None:
        return Reading(_read_docx(converted, where), "doc", "LibreOffice")
    return Reading(old_word_text(data, where), "doc", "antiword")


# --- .docx -----------------------------------------------------------------------

def _docx_reading(data: bytes, where: Location) -> Reading:
    return Reading(_read_docx(data, where), "docx")


def _read_docx(data: bytes, where: Location) -> str:
    check_zip(data, where, DocumentError)  # zip bombs are refused before anything is inflated
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
    except zipfile.BadZipFile:
        raise DocumentError("文件已损坏（Word文档不完整，可能下载或复制时被截断），请重新获取原文件", where) from None
    if "word/document.xml" not in names:
        if "xl/workbook.xml" in names:
            raise DocumentError("这是Excel工作簿，不是规划文档；请导入规划的Word、PDF或文本文件", where)
        raise DocumentError("这是ZIP压缩包，但不是Word文档（.docx）", where)
    if archive.testzip() is not None:
        raise DocumentError("文件已损坏（Word文档内部数据校验失败），请重新获取原文件", where)
    return "\n".join(_docx_lines(data))


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"


def _docx_lines(data: bytes) -> list[str]:
    """Paragraphs and tables in document order. A table gives one line per cell
    ("\t" + text) and a blank line after each row: the layout the seed texts have
    (奉化区 表1), so the structure parser sees a .docx table as it sees the .txt."""
    from docx import Document

    document = Document(io.BytesIO(data))
    numbering = _Numbering(document)
    toc_styles = _toc_style_ids(document)
    lines: list[str] = []
    for block in _blocks(document.element.body):
        if block.tag == _W + "tbl":
            lines.extend(_table_lines(block, numbering))
        elif _style_id(block) not in toc_styles:
            lines.append(numbering.label(block) + _paragraph_text(block))
    return lines


def _blocks(parent):
    """Paragraphs and tables directly in ``parent``, looking through content controls.
    A table of contents is left out: it repeats every heading with a page number."""
    for child in parent:
        if child.tag in (_W + "p", _W + "tbl"):
            yield child
        elif child.tag == _W + "sdt" and not _is_table_of_contents(child):
            content = child.find(_W + "sdtContent")
            if content is not None:
                yield from _blocks(content)


def _is_table_of_contents(sdt) -> bool:
    gallery = sdt.find(f"{_W}sdtPr/{_W}docPartObj/{_W}docPartGallery")
    return gallery is not None and gallery.get(_W + "val", "") == "Table of Contents"


def _toc_style_ids(document) -> set[str]:
    """Word's built-in contents styles are named "toc 1" … "toc 9" in every UI language."""
    ids = set()
    for style in document.styles.element.findall(_W + "style"):
        name = style.find(_W + "name")
        if name is not None and name.get(_W + "val", "").lower().startswith("toc "):
            ids.add(style.get(_W + "styleId"))
    return ids


def _style_id(p) -> str | None:
    style = p.find(f"{_W}pPr/{_W}pStyle")
    return style.get(_W + "val") if style is not None else None


def _paragraph_text(p) -> str:
    # w:t also holds tracked insertions (deletions are w:delText, so skipped);
    # text boxes and compatibility fallbacks would repeat or scatter text, so skip them.
    parts = []
    for node in p.iter(_W + "t", _W + "tab", _W + "br", _W + "cr", _W + "sym"):
        if _inside_skipped(node, p):
            continue
        if node.tag == _W + "t":
            parts.append(node.text or "")
        elif node.tag == _W + "tab":
            parts.append("\t")
        elif node.tag == _W + "sym":
            parts.append(_symbol(node))
        else:
            parts.append("\n")
    return "".join(parts)


# Word's Insert Symbol stores the Symbol font's code, not Unicode: ≥ is F0B3 in Symbol
_SYMBOL_FONT = {0x3C: "<", 0x3E: ">", 0x3D: "=", 0xA3: "≤", 0xB3: "≥", 0xB1: "±", 0xB4: "×", 0xB8: "÷",
                0xB9: "≠", 0xBB: "≈", 0xB0: "°", 0x25: "%", 0xBC: "…"}


def _symbol(sym) -> str:
    try:
        code = int(sym.get(_W + "char", ""), 16)
    except ValueError:
        return ""
    if sym.get(_W + "font", "").lower() == "symbol":
        return _SYMBOL_FONT.get(code & 0xFF, "")
    return chr(code) if code < 0xE000 or code > 0xF8FF else ""   # private-use glyphs (Wingdings) mean nothing here


def _inside_skipped(node, stop) -> bool:
    parent = node.getparent()
    while parent is not None and parent is not stop:
        if parent.tag in (_W + "txbxContent", _MC_FALLBACK):
            return True
        parent = parent.getparent()
    return False


def _table_lines(tbl, numbering: _Numbering) -> list[str]:
    lines = []
    for row in _children(tbl, _W + "tr"):
        for cell in _children(row, _W + "tc"):
            if _continues_vertical_merge(cell):
                continue
            cell_lines = []
            for block in _blocks(cell):
                if block.tag == _W + "p":
                    cell_lines.append(numbering.label(block) + _paragraph_text(block))
                else:
                    cell_lines.extend(_table_lines(block, numbering))
            # a short cell split over paragraphs ("孕产妇死亡率" / "（1/10万）") is one cell
            text = "".join(cell_lines) if sum(map(len, cell_lines)) <= 60 else "\n".join(cell_lines)
            lines.append("\t" + text)
        lines.append("")
    return lines


def _children(parent, tag: str):
    """Direct children with ``tag``, looking through content controls (w:sdt)."""
    for child in parent:
        if child.tag == tag:
            yield child
        elif child.tag == _W + "sdt":
            content = child.find(_W + "sdtContent")
            if content is not None:
                yield from _children(content, tag)


def _continues_vertical_merge(cell) -> bool:
    merge = cell.find(f"{_W}tcPr/{_W}vMerge")
    return merge is not None and merge.get(_W + "val", "continue") == "continue"


class _Numbering:
    """Word's automatic numbering (一、 （一） 1.), which python-docx leaves out of the
    text: the labels are computed from numbering.xml the way Word counts them."""

    def __init__(self, document):
        self.levels: dict[tuple[str, int], tuple[str, str, int]] = {}   # (numId, ilvl) -> fmt, text, start
        self.counters: dict[str, list[int | None]] = {}
        # Word counts per abstract list: numbering instances sharing one continue each
        # other, unless an instance restarts with a startOverride
        self.counter_key: dict[str, str] = {}
        self.style_numbering: dict[str, tuple[str | None, int | None, str | None]] = {}
        self._load_numbering(document)
        self._load_styles(document)

    def _load_numbering(self, document) -> None:
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return
        abstract = {}
        for node in root.findall(_W + "abstractNum"):
            abstract[node.get(_W + "abstractNumId")] = {
                int(lvl.get(_W + "ilvl", "0")): _level_definition(lvl) for lvl in node.findall(_W + "lvl")}
        for num in root.findall(_W + "num"):
            num_id = num.get(_W + "numId")
            ref = num.find(_W + "abstractNumId")
            abstract_id = ref.get(_W + "val") if ref is not None else None
            levels = dict(abstract.get(abstract_id, {}))
            self.counter_key[num_id] = f"abstract:{abstract_id}"
            for override in num.findall(_W + "lvlOverride"):
                ilvl = int(override.get(_W + "ilvl", "0"))
                lvl = override.find(_W + "lvl")
                if lvl is not None:
                    levels[ilvl] = _level_definition(lvl)
                start = override.find(_W + "startOverride")
                if start is not None and ilvl in levels:
                    self.counter_key[num_id] = f"num:{num_id}"
                    fmt, text, _ = levels[ilvl]
                    levels[ilvl] = (fmt, text, int(start.get(_W + "val", "1")))
            for ilvl, definition in levels.items():
                self.levels[(num_id, ilvl)] = definition

    def _load_styles(self, document) -> None:
        for style in document.styles.element.findall(_W + "style"):
            num_pr = style.find(f"{_W}pPr/{_W}numPr")
            based = style.find(_W + "basedOn")
            num_id, ilvl = _num_pr(num_pr)
            self.style_numbering[style.get(_W + "styleId")] = (
                num_id, ilvl, based.get(_W + "val") if based is not None else None)

    def _style_num_pr(self, style_id: str | None) -> tuple[str | None, int | None]:
        seen = set()
        while style_id and style_id not in seen:
            seen.add(style_id)
            num_id, ilvl, based = self.style_numbering.get(style_id, (None, None, None))
            if num_id is not None:
                return num_id, ilvl
            style_id = based
        return None, None

    def label(self, p) -> str:
        num_id, ilvl = _num_pr(p.find(f"{_W}pPr/{_W}numPr"))
        if num_id is None:
            style_num, style_lvl = self._style_num_pr(_style_id(p))
            num_id, ilvl = style_num, ilvl if ilvl is not None else style_lvl
        ilvl = ilvl or 0
        if num_id in (None, "0") or (num_id, ilvl) not in self.levels:
            return ""
        counters = self.counters.setdefault(self.counter_key.get(num_id, num_id), [None] * 10)
        start = self.levels[(num_id, ilvl)][2]
        current = counters[ilvl]
        counters[ilvl] = start if current is None else current + 1
        for deeper in range(ilvl + 1, len(counters)):
            counters[deeper] = None  # a higher level restarts the levels below it
        return self._render(num_id, ilvl, counters)

    def _render(self, num_id: str, ilvl: int, counters: list[int | None]) -> str:
        fmt, text, _ = self.levels[(num_id, ilvl)]
        if fmt == "bullet":
            return ""

        def number(match: re.Match) -> str:
            level = int(match.group(1)) - 1
            level_fmt, _, level_start = self.levels.get((num_id, level), ("decimal", "", 1))
            value = counters[level] if level < len(counters) else None
            return format_number(level_start if value is None else value, level_fmt)

        label = re.sub(r"%(\d)", number, text)
        # a label without closing punctuation ("第%1条") needs a gap before the text
        return label + " " if label and label[-1].isalnum() else label


def _num_pr(num_pr) -> tuple[str | None, int | None]:
    if num_pr is None:
        return None, None
    num_id = num_pr.find(_W + "numId")
    ilvl = num_pr.find(_W + "ilvl")
    return (num_id.get(_W + "val") if num_id is not None else None,
            int(ilvl.get(_W + "val", "0")) if ilvl is not None else None)


def _level_definition(lvl) -> tuple[str, str, int]:
    def val(tag: str, default: str) -> str:
        node = lvl.find(_W + tag)
        return node.get(_W + "val", default) if node is not None else default

    return val("numFmt", "decimal"), val("lvlText", ""), int(val("start", "1"))


_CHINESE_DIGITS = "〇一二三四五六七八九"
_LEGAL_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_HEAVENLY_STEMS = "甲乙丙丁戊己庚辛壬癸"
_EARTHLY_BRANCHES = "子丑寅卯辰巳午未申酉戌亥"


def format_number(n: int, fmt: str) -> str:
    """A list number in one of Word's numFmt styles (those Chinese documents use)."""
    if fmt in ("chineseCounting", "chineseCountingThousand", "taiwaneseCounting", "taiwaneseCountingThousand",
               "japaneseCounting", "ideographLegalTraditional"):   # LibreOffice writes 一、 as taiwaneseCountingThousand
        return _chinese_number(n, _CHINESE_DIGITS, "十百")
    if fmt == "chineseLegalSimplified":
        return _chinese_number(n, _LEGAL_DIGITS, "拾佰")
    if fmt in ("ideographDigital", "taiwaneseDigital"):
        return "".join(_CHINESE_DIGITS[int(d)] for d in str(n))
    if fmt == "ideographTraditional":
        return _HEAVENLY_STEMS[(n - 1) % 10]
    if fmt == "ideographZodiac":
        return _EARTHLY_BRANCHES[(n - 1) % 12]
    if fmt in ("upperLetter", "lowerLetter"):
        letters = chr(ord("A") + (n - 1) % 26) * ((n - 1) // 26 + 1)
        return letters if fmt == "upperLetter" else letters.lower()
    if fmt in ("upperRoman", "lowerRoman"):
        roman = _roman(n)
        return roman if fmt == "upperRoman" else roman.lower()
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese") and 1 <= n <= 20:
        return chr(0x2460 + n - 1)
    if fmt == "decimalEnclosedParen" and 1 <= n <= 20:
        return chr(0x2474 + n - 1)
    if fmt == "decimalEnclosedFullstop" and 1 <= n <= 20:
        return chr(0x2488 + n - 1)
    if fmt in ("decimalFullWidth", "decimalFullWidth2"):
        return "".join(chr(0xFF10 + int(d)) for d in str(n))
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt == "none":
        return ""
    return str(n)


def _chinese_number(n: int, digits: str, units: str) -> str:
    if n < 10:
        return digits[n]
    if n < 20:
        return units[0] + (digits[n % 10] if n % 10 else "")
    if n < 100:
        return digits[n // 10] + units[0] + (digits[n % 10] if n % 10 else "")
    if n < 1000:
        rest = n % 100
        tail = "" if rest == 0 else ("零" + digits[rest] if rest < 10 else
                                     (digits[1] if rest < 20 else "") + _chinese_number(rest, digits, units))
        return digits[n // 100] + units[1] + tail
    return str(n)


def _roman(n: int) -> str:
    out = []
    for value, numeral in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
                           (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        count, n = divmod(n, value)
        out.append(numeral * count)
    return "".join(out)


# --- .pdf ------------------------------------------------------------------------

_NUMBERED_START = re.compile(r"^\s*(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]|\d+[.．、]|第[一二三四五六七八九十]+[章节部分])")
# a contents page: "目  录" and entries with dot leaders and a page number
_CONTENTS_LINE = re.compile(r"^\s*(?:目\s*录|.{1,80}?(?:[.．·…]\s*){4,}\d{1,3})\s*$")
_UNMAPPED_GLYPH = re.compile(r"\(cid:\d+\)")   # pdfminer's mark for a glyph without a Unicode mapping
_PAGE_NUMBER = re.compile(r"^\s*(?:[-—–]\s*\d+\s*[-—–]|第\s*\d+\s*页(?:\s*共\s*\d+\s*页)?)\s*$")


@dataclass
class _PdfLine:
    page: int
    y: float          # top of the line, points from the page bottom
    x0: float
    x1: float
    height: float     # about one character width for CJK text
    text: str
    table: list[list[str | None]] | None = None   # a ruled table found by pdfplumber, in place of its lines


def _read_pdf(data: bytes, where: Location, ocr_max_pages: int | None = None) -> Reading:
    lines, pages = _pdf_lines(data, where)
    lines = [line for line in lines
             if line.table is not None or not _PAGE_NUMBER.match(line.text) and not _CONTENTS_LINE.match(line.text)]
    if _is_scan(lines, pages):
        return _read_scan(data, where, pages, ocr_max_pages)
    text = "\n".join(_pdf_text(lines))
    if len(_UNMAPPED_GLYPH.sub("", text)) < len(text) / 2:
        raise DocumentError("PDF中的文字使用了无法识别的字体编码（复制出来是乱码），"
                            "请提供Word文档或另存为带正确文字层的PDF", where)
    return Reading(text, "pdf")


SCAN_CHARS_PER_PAGE = 20   # fewer characters than this per page: a scan (maybe with a stamp or page numbers)


def _is_scan(lines: list[_PdfLine], pages: int) -> bool:
    chars = sum(len(line.text.strip()) for line in lines if line.table is None)
    return not any(line.table for line in lines) and chars < SCAN_CHARS_PER_PAGE * max(pages, 1)


def _read_scan(data: bytes, where: Location, pages: int, max_pages: int | None) -> Reading:
    from tianping.core.convert import OCR_MAX_PAGES, ocr_pdf

    result = ocr_pdf(data, where, pages, max_pages or OCR_MAX_PAGES)
    if len(re.sub(r"\s", "", result.text)) < SCAN_CHARS_PER_PAGE * max(result.pages, 1):
        raise DocumentError("PDF中没有可提取的文字，可能是扫描件；文字识别（OCR）也未识别出足够的文字，"
                            "请提供Word文档或带文字层的PDF", where)
    return Reading(result.text, "pdf", "Tesseract", result.confidence, result.pages)


def _pdf_lines(data: bytes, where: Location) -> tuple[list[_PdfLine], int]:
    """Every text line, page by page, top to bottom and left to right; a ruled table is
    one block (see _PdfTables)."""
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfminer.psparser import PSException
    from pdfplumber.utils.exceptions import PdfminerException

    logging.getLogger("pdfminer").setLevel(logging.ERROR)   # font warnings mean nothing to the office
    lines: list[_PdfLine] = []
    tables = _PdfTables(data)
    pages = 0
    try:
        for number, page in enumerate(_raw_pages(data)):
            pages += 1
            chars, rules = _chars_and_rules(page)
            page_lines = _page_lines(number, page.height, chars)
            if rules >= _MIN_RULES:
                page_lines = tables.replace_lines(number, page.height, page_lines)
            page_lines.sort(key=lambda line: (-round(line.y), line.x0))
            lines.extend(page_lines)
    except (PDFPasswordIncorrect, PDFEncryptionError):
        raise DocumentError("PDF已加密，请提供未加密的文件", where) from None
    except (PDFSyntaxError, PSException, PdfminerException):
        raise DocumentError("文件已损坏（PDF结构不完整），请重新获取原文件", where) from None
    finally:
        tables.close()
    return lines, pages


def _raw_pages(data: bytes):
    """pdfminer's pages without its layout analysis: characters are clustered into lines
    by _page_lines (faster, and right where the content stream is out of order)."""
    from pdfminer.converter import PDFPageAggregator
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage

    manager = PDFResourceManager()
    device = PDFPageAggregator(manager, laparams=None)
    interpreter = PDFPageInterpreter(manager, device)
    for page in PDFPage.get_pages(io.BytesIO(data)):
        interpreter.process_page(page)
        yield device.get_result()


def _chars_and_rules(container) -> tuple[list[dict], int]:
    """Characters (text, x0, x1, top, bottom, size; top measured from the page top) and the
    number of ruling lines and boxes, looking inside figures (form XObjects)."""
    from pdfminer.layout import LTChar, LTCurve, LTFigure

    height = container.height
    chars: list[dict] = []
    rules = 0
    stack = [container]
    while stack:
        for item in stack.pop():
            if isinstance(item, LTChar):
                chars.append({"text": item.get_text(), "x0": item.x0, "x1": item.x1, "top": height - item.y1,
                              "bottom": height - item.y0, "size": item.size})
            elif isinstance(item, LTFigure):
                stack.append(item)
            elif isinstance(item, LTCurve):      # LTLine and LTRect are curves too
                rules += 1
    return chars, rules


def _page_lines(number: int, height: float, chars: list[dict]) -> list[_PdfLine]:
    """Characters clustered into lines by position, not by their order in the content
    stream: Word and LibreOffice write a line's quotes (“”, a Western font) apart from its
    Chinese characters, which read in stream order scatters them. A gap wider than a
    character ends a line, so neighbouring table cells stay apart."""
    chars = sorted((c for c in chars if c["text"].strip() or c["text"] == " "), key=lambda c: (c["top"], c["x0"]))
    clusters: list[list[dict]] = []
    for char in chars:
        middle = (char["top"] + char["bottom"]) / 2
        last = clusters[-1] if clusters else None
        if last and abs(middle - (last[0]["top"] + last[0]["bottom"]) / 2) < 0.4 * max(char["size"], 1.0):
            last.append(char)
        else:
            clusters.append([char])
    lines = []
    for cluster in clusters:
        cluster.sort(key=lambda c: c["x0"])
        segment: list[dict] = []
        for char in cluster:
            if segment and char["x0"] - segment[-1]["x1"] > 1.0 * max(char["size"], segment[-1]["size"]):
                lines.append(_segment_line(number, height, segment))
                segment = []
            segment.append(char)
        if segment:
            lines.append(_segment_line(number, height, segment))
    return [line for line in lines if line.text.strip()]


def _segment_line(number: int, height: float, chars: list[dict]) -> _PdfLine:
    parts = []
    for previous, char in zip([None, *chars], chars):
        if previous is not None and char["text"] != " " and previous["text"] != " " \
                and char["x0"] - previous["x1"] > 0.25 * char["size"]:
            parts.append(" ")      # a word gap without a space glyph
        parts.append(char["text"])
    text = re.sub(" {2,}", " ", "".join(parts))
    top = min(c["top"] for c in chars)
    bottom = max(c["bottom"] for c in chars)
    return _PdfLine(number, height - top, chars[0]["x0"], max(c["x1"] for c in chars), bottom - top, text)


_MIN_RULES = 4    # ruling lines on a page before pdfplumber looks for a table there


class _PdfTables:
    """Ruled tables, found by pdfplumber (MIT; table extraction on top of pdfminer.six) on
    the pages that have ruling lines. A table's cells wrap inside their column, so read as
    lines they would scatter into running text (奉化区 表1: 34 → 20 indicators)."""

    def __init__(self, data: bytes):
        self.data = data
        self.pdf: PDF | None = None

    def replace_lines(self, number: int, height: float, lines: list[_PdfLine]) -> list[_PdfLine]:
        """``lines`` without those inside a table, and one block per table in their place."""
        found = self._tables(number)
        if not found:
            return lines
        kept = []
        for line in lines:
            top = height - line.y
            if not any(x0 - 1 <= line.x0 and line.x1 <= x1 + 1 and t - 1 <= top <= b + 1
                       for (x0, t, x1, b), _ in found):
                kept.append(line)
        for (x0, top, x1, _), rows in found:
            kept.append(_PdfLine(number, height - top, x0, x1, 0.0, "", table=rows))
        return kept

    def _tables(self, number: int):
        import pdfplumber

        if self.pdf is None:
            self.pdf = pdfplumber.open(io.BytesIO(self.data))
        page = self.pdf.pages[number]
        found = []
        for table in page.find_tables({"vertical_strategy": "lines", "horizontal_strategy": "lines"}):
            rows = table.extract()
            # a frame around a paragraph is not a table; one row of several cells is a table
            # continued from the page before
            columns = max(len(row) for row in rows)
            if columns >= 3 or (columns == 2 and len(rows) >= 2):
                found.append((table.bbox, rows))
        page.close()
        return found

    def close(self) -> None:
        if self.pdf is not None:
            self.pdf.close()


def _pdf_text(lines: list[_PdfLine]) -> list[str]:
    """Body lines rejoined into paragraphs; table rows as in the .docx reader."""
    out: list[str] = []
    run: list[_PdfLine] = []
    for line in lines:
        if line.table is None:
            run.append(line)
            continue
        out.extend(_flow_text(run))
        out.extend(_ruled_table_text(line.table))
        run = []
    return out + _flow_text(run)


def _ruled_table_text(rows: list[list[str | None]]) -> list[str]:
    """Cells ("\t" + text) row by row, a blank line after each row, as the .docx reader
    gives a Word table: a cell covered by a merged one (None) is left out, text wrapped
    inside a cell is one line again."""
    out = []
    for row in rows:
        for cell in row:
            if cell is None:
                continue
            parts = [part.strip() for part in cell.split("\n") if part.strip()]
            text = ""
            for part in parts:
                text = _join(text, part) if text else part
            out.append("\t" + text)
        out.append("")
    return out


def _flow_text(lines: list[_PdfLine]) -> list[str]:
    if not lines:
        return []
    rows = _rows(lines)
    layout = _BodyLayout.measure([row[0] for row in rows if len(row) == 1])
    out: list[str] = []
    previous = None   # the previous body line; None at the start and after a table
    for is_table, group in itertools.groupby(rows, key=lambda row: len(row) > 1):
        if is_table:
            out.extend(_table_text(list(group)))
            previous = None
            continue
        for (line,) in group:
            text = line.text.strip()
            if previous is not None and layout.continues(previous, line, text):
                out[-1] = _join(out[-1], text)
            else:
                out.append(text)
            previous = line
    return out


@dataclass
class _BodyLayout:
    left: float       # the text column's left edge
    right: float      # its right edge
    leading: float    # the usual distance between two lines of one paragraph

    @classmethod
    def measure(cls, body: list[_PdfLine]) -> _BodyLayout:
        if not body:
            return cls(0.0, 0.0, 0.0)
        steps = [a.y - b.y for a, b in zip(body, body[1:]) if a.page == b.page and a.y > b.y]
        return cls(min(line.x0 for line in body), _right_margin([line.x1 for line in body]),
                   statistics.median(steps) if steps else 0.0)

    def continues(self, previous: _PdfLine, line: _PdfLine, text: str) -> bool:
        """Whether ``line`` continues the paragraph of ``previous``: that line stopped where
        this line's first word would not have fitted, no paragraph space lies between
        them, and this line is not indented (a new paragraph), a heading or numbered."""
        char = line.height or 10.0
        spaced = previous.page == line.page and previous.y - line.y > self.leading + 0.4 * char
        wrapped = self.right - previous.x1 < _first_unit_width(text, char) + 1.2 * char
        indented = line.x0 > self.left + 0.8 * char or line.text[:1].isspace()
        heading = text.endswith(("：", ":")) and len(text) <= 12   # 策略措施：
        return wrapped and not spaced and not indented and not heading and not _NUMBERED_START.match(text)


def _rows(lines: list[_PdfLine]) -> list[list[_PdfLine]]:
    """Lines sharing a baseline are the cells of a table row; a lone line is body text.
    (A heading spaced out into single characters, 前  言, is not a table.)"""
    rows: list[list[_PdfLine]] = []
    for line in lines:
        last = rows[-1] if rows else None
        if last and last[0].page == line.page and abs(last[0].y - line.y) < 0.4 * (line.height or 10.0):
            last.append(line)
        else:
            rows.append([line])
    split = []
    for row in rows:
        if len(row) > 1 and all(len(cell.text.strip()) <= 1 for cell in row):
            split.append([_merged(row)])
        else:
            split.append(row)
    return split


def _merged(row: list[_PdfLine]) -> _PdfLine:
    first = row[0]
    return _PdfLine(first.page, first.y, first.x0, row[-1].x1, first.height,
                    " ".join(cell.text.strip() for cell in row))


def _table_text(rows: list[list[_PdfLine]]) -> list[str]:
    """Cells ("\t" + text) row by row with a blank line after each row. An empty cell
    prints nothing in a PDF, so columns are found from where cells start; a cell whose
    text runs past the next column's start spans it (a merged header cell)."""
    columns = _column_starts([cell for row in rows for cell in row])
    out: list[str] = []
    for row in rows:
        cells = [""] * len(columns)
        spanned: set[int] = set()
        for cell in row:
            column = min(range(len(columns)), key=lambda i: abs(columns[i] - cell.x0))
            text = cell.text.strip()
            cells[column] = _join(cells[column], text) if cells[column] else text
            spanned.update(i for i in range(column + 1, len(columns)) if columns[i] < cell.x1)
        out.extend("\t" + text for i, text in enumerate(cells) if i not in spanned)
        out.append("")
    return out


def _column_starts(cells: list[_PdfLine]) -> list[float]:
    starts: list[float] = []
    for cell in sorted(cells, key=lambda c: c.x0):
        if not starts or cell.x0 - starts[-1] > 1.5 * (cell.height or 10.0):
            starts.append(cell.x0)
    return starts


def _right_margin(ends: list[float]) -> float:
    """The text column's right edge: the typical end of the longest lines (a line with
    hanging punctuation may stick out a little)."""
    longest = sorted(ends)[-max(1, len(ends) // 5):]
    return statistics.median(longest)


_FIRST_UNIT = re.compile(r"([“‘《（(「]*)([!-~]*)")  # opening marks, then a Latin word or number
_NO_LINE_START = "、，。；：！？）》”’%‰"


def _first_unit_width(text: str, char: float) -> float:
    """Width of what the typesetter could not split off the start of ``text``: a Latin
    word or number, or one Chinese character (two when line-start punctuation follows)."""
    first = _FIRST_UNIT.match(text)
    assert first is not None, "both groups may be empty: the pattern matches any text"
    opening, latin = first.groups()
    width = len(opening) * char + (len(latin) * 0.55 * char if latin else char)
    rest = text[len(opening) + max(len(latin), 1):]
    return width + (char if rest[:1] in _NO_LINE_START and rest else 0)


def _join(head: str, tail: str) -> str:
    # Chinese needs no space at a line break; English words do
    if head[-1:].isascii() and head[-1:].isalpha() or tail[:1].isascii() and tail[:1].isalpha():
        return head + " " + tail
    return head + tail
