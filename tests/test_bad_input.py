"""Bad plan documents: a clear Chinese error naming the file, never a traceback —
through tianping.core.readers.parse_document and through `tianping plan parse`
(exit code 2, the message on stderr)."""

from __future__ import annotations

import io
import random
import zipfile

import pytest
from click.testing import CliRunner
from docgen import write_docx, write_image_only_pdf, write_pdf, write_unmapped_font_pdf

from tests.conftest import SEEDS
from tianping.cli import main
from tianping.core.errors import DocumentError
from tianping.core.readers import parse_document

SEED_000 = next(seed for seed in SEEDS if seed.name.startswith("000"))


def seed_text() -> str:
    return SEED_000.read_text(encoding="utf-8")


def empty(tmp_path):
    path = tmp_path / "空文件.txt"
    path.write_bytes(b"")
    return path


def binary_garbage(tmp_path):
    path = tmp_path / "规划.txt"
    path.write_bytes(random.Random(2).randbytes(8192))
    return path


def high_byte_garbage(tmp_path):
    # no NUL bytes, so it cannot be told from text by that alone; GB18030 would
    # "decode" much of it into rare characters
    path = tmp_path / "规划.txt"
    path.write_bytes(bytes(random.Random(3).randrange(0x81, 0xFF) for _ in range(8192)))
    return path


def image_only_pdf(tmp_path):
    return write_image_only_pdf(tmp_path / "扫描件.pdf")


def pdf_without_unicode_mapping(tmp_path):
    return write_unmapped_font_pdf(tmp_path / "乱码字体.pdf")


def not_a_plan(tmp_path):
    # a real Chinese document that is no plan: the preface of seed 000 alone
    path = tmp_path / "前言.txt"
    path.write_text("\n".join(seed_text().split("\n")[:8]), encoding="utf-8")
    return path


def fifty_megabytes(tmp_path):
    path = tmp_path / "超大.pdf"
    with path.open("wb") as handle:
        handle.write(b"%PDF-1.7\n")
        handle.truncate(50 * 1024 * 1024)   # sparse: the reader must refuse before reading
    return path


def truncated_docx(tmp_path):
    whole = write_docx(seed_text(), tmp_path / "完整.docx").read_bytes()
    path = tmp_path / "截断.docx"
    path.write_bytes(whole[: len(whole) // 2])
    return path


def docx_with_broken_xml(tmp_path):
    # a complete archive whose main part was damaged: cut off mid-element
    whole = write_docx(seed_text(), tmp_path / "完整.docx")
    path = tmp_path / "内容损坏.docx"
    with zipfile.ZipFile(whole) as source, zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            content = source.read(item)
            target.writestr(item, content[: len(content) // 2] if item.filename == "word/document.xml" else content)
    return path


def zip_that_is_not_word(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("数据.csv", "指标,2025\n孕产妇死亡率,9\n")
    path = tmp_path / "附件.docx"
    path.write_bytes(buffer.getvalue())
    return path


def old_word_document(tmp_path):
    path = tmp_path / "规划.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4088))
    return path


def encrypted_pdf(tmp_path):
    from reportlab.lib import pdfencrypt
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    path = tmp_path / "加密.pdf"
    pdf = canvas.Canvas(str(path), encrypt=pdfencrypt.StandardEncryption("口令", canPrint=0))
    pdf.setFont("STSong-Light", 12)
    pdf.drawString(72, 720, seed_text()[:40])
    pdf.save()
    return path


BAD_FILES = [
    (empty, "文件为空"),
    (binary_garbage, "无法读取"),
    (high_byte_garbage, "编码"),
    pytest.param(image_only_pdf, "PDF中没有可提取的文字，可能是扫描件", marks=pytest.mark.slow(reason="OCR"),
                 id="image_only_pdf"),
    (pdf_without_unicode_mapping, "无法识别的字体编码"),
    (not_a_plan, "规划"),
    (fifty_megabytes, "文件大小为50 MB，超过上限20 MB"),
    (truncated_docx, "文件已损坏"),
    (docx_with_broken_xml, "文件已损坏"),
    (zip_that_is_not_word, "不是Word文档"),
    pytest.param(old_word_document, ".doc", marks=pytest.mark.slow(reason="LibreOffice conversion"),
                 id="old_word_document"),
    (encrypted_pdf, "加密"),
]


def _ids(cases):
    return [None if hasattr(c, "marks") else c[0].__name__ for c in cases]


@pytest.mark.parametrize("make, message", BAD_FILES, ids=_ids(BAD_FILES))
def test_bad_file_gives_a_chinese_error_naming_it(tmp_path, make, message):
    path = make(tmp_path)
    with pytest.raises(DocumentError) as err:
        parse_document(path)
    assert message in str(err.value)
    assert path.name in str(err.value)


@pytest.mark.parametrize("make, message", BAD_FILES, ids=_ids(BAD_FILES))
def test_cli_exits_2_with_the_message_on_stderr(tmp_path, make, message):
    path = make(tmp_path)
    result = CliRunner().invoke(main, ["plan", "parse", str(path)])
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("错误：")
    assert message in result.stderr and path.name in result.stderr
    assert "Traceback" not in result.output and result.stdout == ""


def test_gbk_bytes_in_a_txt_give_the_same_plan_as_utf8(tmp_path):
    path = tmp_path / "西岗区规划.txt"
    path.write_bytes(seed_text().encode("gbk"))
    from_gbk = parse_document(path)
    from_utf8 = parse_document(SEED_000)
    assert [p.to_dict() | {"source_file": "", "source_sha256": ""} for p in from_gbk] == \
           [p.to_dict() | {"source_file": "", "source_sha256": ""} for p in from_utf8]
    assert from_gbk[0].source_sha256 != from_utf8[0].source_sha256


def test_truncated_pdf_never_gives_a_traceback(tmp_path):
    whole = write_pdf(seed_text(), tmp_path / "完整.pdf").read_bytes()
    path = tmp_path / "截断.pdf"
    path.write_bytes(whole[: len(whole) // 3])
    result = CliRunner().invoke(main, ["plan", "parse", str(path)])
    # pdfminer may recover the pages it has (then a partial plan) or give up (a clear error)
    assert result.exit_code in (0, 2), result.output
    assert "Traceback" not in result.output
    if result.exit_code == 2:
        assert result.stderr.startswith("错误：") and path.name in result.stderr


def test_missing_file_and_folder(tmp_path):
    for path, message in ((tmp_path / "没有这个文件.docx", "文件不存在"), (tmp_path, "文件夹")):
        with pytest.raises(DocumentError, match=message):
            parse_document(path)
        result = CliRunner().invoke(main, ["plan", "parse", str(path)])
        assert result.exit_code == 2 and message in result.stderr
