"""Documents Python cannot read itself, through programs installed from Debian.

- Old Word (.doc, Word 97–2003) and WPS (.wps) files: LibreOffice's headless Writer
  (``soffice``, package libreoffice-writer-nogui) converts them to .docx, which the .docx
  reader then reads with its tables and numbering; where LibreOffice is absent,
  ``antiword`` gives the plain text.
- Scanned PDFs: ``pdftoppm`` (poppler-utils) renders each page, Tesseract with the
  Simplified Chinese model (tesseract-ocr, tesseract-ocr-chi-sim) reads it. The mean
  word confidence is kept so the office knows how far to trust what was read.

A missing program is a Chinese ``DocumentError`` naming the file and the package; a
program failing on the file is "文件已损坏". Nothing here is imported by Django.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from tianping.core.errors import DocumentError, Location

CONVERT_TIMEOUT = 180        # seconds for LibreOffice on one document (first start makes a profile)
OCR_PAGE_TIMEOUT = 120       # seconds for one page
OCR_MAX_PAGES = 80           # a plan is rarely longer; a 300-page scan would hold the import for an hour
OCR_DPI = 400              # rendering a 300 dpi scan finer helps Tesseract with small Song type

_LIBREOFFICE = ("soffice", "libreoffice")


def _program(*names: str) -> str | None:
    return next((path for name in names if (path := shutil.which(name))), None)


# --- .doc / .wps ---------------------------------------------------------------

def old_word_to_docx(data: bytes, where: Location) -> bytes | None:
    """The .docx LibreOffice makes of an old Word or WPS file; None when LibreOffice is
    absent (the caller then tries antiword)."""
    soffice = _program(*_LIBREOFFICE)
    if soffice is None:
        return None
    with tempfile.TemporaryDirectory(prefix="tianping-doc-") as tmp:
        folder = Path(tmp)
        source = folder / "plan.doc"          # the content decides the filter, not the name
        source.write_bytes(data)
        profile = (folder / "profile").as_uri()  # a private profile: conversions may run side by side
        command = [soffice, f"-env:UserInstallation={profile}", "--headless", "--norestore",
                   "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(folder / "out"), str(source)]
        _run(command, CONVERT_TIMEOUT, where, "LibreOffice")
        converted = folder / "out" / "plan.docx"
        if not converted.exists() or converted.stat().st_size == 0:
            raise DocumentError("文件已损坏：旧版Word（.doc）或WPS文件无法转换，请在Word或WPS中打开后另存为.docx再导入",
                                where)
        return converted.read_bytes()


def old_word_text(data: bytes, where: Location) -> str:
    """Plain text of an old Word file by antiword (no LibreOffice on this machine)."""
    antiword = _program("antiword")
    if antiword is None:
        raise DocumentError(
            "这是旧版Word（.doc）或WPS文件，本机未安装转换程序LibreOffice（Debian软件包libreoffice-writer-nogui）"
            "或antiword，无法读取；请安装后重试，或在Word/WPS中另存为.docx后再导入", where)
    with tempfile.TemporaryDirectory(prefix="tianping-doc-") as tmp:
        source = Path(tmp) / "plan.doc"
        source.write_bytes(data)
        result = _run([antiword, "-m", "UTF-8.txt", "-w", "0", str(source)], CONVERT_TIMEOUT, where, "antiword")
    return result.stdout.decode("utf-8", errors="replace")


# --- scanned PDFs ------------------------------------------------------------------

@dataclass
class OcrResult:
    text: str
    confidence: float        # mean word confidence, 0-100, weighted by characters
    pages: int


def ocr_pdf(data: bytes, where: Location, pages: int | None = None, max_pages: int = OCR_MAX_PAGES) -> OcrResult:
    """Text of a PDF without a text layer, read by Tesseract (Simplified Chinese), pages
    side by side on every core."""
    pdftoppm, tesseract = _program("pdftoppm"), _program("tesseract")
    if pdftoppm is None or tesseract is None or not _has_chinese_model():
        raise DocumentError(
            "PDF中没有可提取的文字，可能是扫描件；本机未安装文字识别程序（Debian软件包tesseract-ocr、"
            "tesseract-ocr-chi-sim和poppler-utils），无法识别；请安装后重试，或提供Word文档或带文字层的PDF", where)
    if pages is not None and pages > max_pages:
        raise DocumentError(f"扫描件共{pages}页，超过此处文字识别的上限{max_pages}页；请提供Word文档或带文字层的PDF"
                            "（扫描件可先在WPS或Word中转换为文字）", where)
    lines: list[str] = []
    weights = confidence_sum = 0.0
    with tempfile.TemporaryDirectory(prefix="tianping-ocr-") as tmp:
        folder = Path(tmp)
        source = folder / "scan.pdf"
        source.write_bytes(data)
        _run([pdftoppm, "-r", str(OCR_DPI), "-gray", "-png", "-l", str(OCR_MAX_PAGES), str(source),
              str(folder / "page")], OCR_PAGE_TIMEOUT * 4, where, "pdftoppm")
        images = sorted(folder.glob("page-*.png"))

        def read_page(image: Path):
            result = _run([tesseract, str(image), "stdout", "-l", "chi_sim", "--psm", "6", "tsv"],
                          OCR_PAGE_TIMEOUT, where, "Tesseract", env={"OMP_THREAD_LIMIT": "1"})
            return _tsv_lines(result.stdout.decode("utf-8", errors="replace"))

        with ThreadPoolExecutor(max_workers=max(1, min(len(images), os.cpu_count() or 1))) as pool:
            for page_lines, page_weight, page_sum in pool.map(read_page, images):   # in page order
                lines.extend(page_lines)
                weights += page_weight
                confidence_sum += page_sum
    confidence = confidence_sum / weights if weights else 0.0
    return OcrResult("\n".join(lines), round(confidence, 1), len(images))


def _tsv_lines(tsv: str) -> tuple[list[str], float, float]:
    """Lines of one page from Tesseract's TSV (level 5 rows are words), with the
    character-weighted sum of word confidences."""
    lines: dict[tuple[str, str, str], list[str]] = {}
    weight = total = 0.0
    for row in tsv.splitlines()[1:]:
        cells = row.split("\t")
        if len(cells) < 12 or cells[0] != "5":
            continue
        word, conf = cells[11].strip(), float(cells[10])
        if not word or conf < 0:
            continue
        lines.setdefault((cells[2], cells[3], cells[4]), []).append(word)
        weight += len(word)
        total += conf * len(word)
    # Tesseract puts a space between Chinese characters; the normaliser removes spaces
    # inside Chinese text and keeps one between ASCII words
    return [_ocr_fixes(" ".join(words)) for words in lines.values()], weight, total


# Shapes Tesseract reads for Chinese brackets; an item number whose dot it lost ("1 妇女…").
_OCR_CHARS = str.maketrans({"〈": "（", "〉": "）", "《": "《", "」": "）", "「": "（"})
_LOST_ITEM_DOT = re.compile(r"^(\d{1,2})[,，]?\s+(?=[\u4e00-\u9fff])")


def _ocr_fixes(line: str) -> str:
    line = line.translate(_OCR_CHARS)
    if re.search("[\u4e00-\u9fff]", line):     # brackets in Chinese text are full-width; OCR mixes both
        line = line.replace("(", "（").replace(")", "）")
    return _LOST_ITEM_DOT.sub(r"\1.", line)


def _has_chinese_model() -> bool:
    tesseract = _program("tesseract")
    if tesseract is None:
        return False
    try:
        listed = subprocess.run([tesseract, "--list-langs"], capture_output=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return "chi_sim" in listed.stdout.decode(errors="replace").split()


def _run(command: list[str], timeout: int, where: Location, name: str,
         env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    try:
        result = subprocess.run(command, capture_output=True, timeout=timeout,
                                env={**os.environ, **(env or {})})
    except subprocess.TimeoutExpired:
        raise DocumentError(f"{name}处理文件超时（超过{timeout}秒），文件可能已损坏或过大", where) from None
    except OSError as exc:
        raise DocumentError(f"无法运行{name}（{exc.strerror}）", where) from None
    if result.returncode != 0:
        raise DocumentError(f"文件已损坏：{name}无法读取这个文件（旧版Word（.doc）、WPS或扫描件），"
                            "请在Word或WPS中另存为.docx后再导入", where)
    return result
