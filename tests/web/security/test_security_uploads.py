"""Upload abuse: zip bombs (a .docx / .xlsx whose entries expand to 2 GiB), macro-enabled
workbooks, path-traversal names, oversized files, formulas in cells — through the core
readers and through the real upload pages, which answer with a Chinese message and
store nothing."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse

from tianping.core.errors import TianpingError

from .zipbomb import CONTENT_TYPES, docx_bomb, xlsx_bomb, zip_archive


@pytest.fixture(scope="module")
def bombs():
    return {"docx": docx_bomb(2048), "xlsx": xlsx_bomb(2048)}


def _limit_memory():
    """The refusals below must not inflate: they run in this process with at most 1 GiB more
    address space than now (a 2 GiB expansion would raise MemoryError)."""


def test_safezip_refuses_bombs_before_inflating(bombs, tmp_path):
    import resource

    from tianping.core.observations import load_observations
    from tianping.core.readers import read_document
    from tianping.core.workbook import read_template

    assert len(bombs["docx"]) < 3 * 2**20   # 2 MB on disk, 2 GiB inside
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    with open("/proc/self/status") as f:
        vm = int(re.search(r"VmSize:\s+(\d+) kB", f.read()).group(1)) * 1024
    resource.setrlimit(resource.RLIMIT_AS, (vm + 2**30, hard))  # 1 GiB headroom: a 2 GiB inflate cannot fit
    try:
        with pytest.raises(TianpingError, match="压缩炸弹|解压后"):
            read_document("规划.docx", data=bombs["docx"])
        with pytest.raises(TianpingError, match="压缩炸弹|解压后"):
            read_template(bombs["xlsx"], "模板.xlsx")
        path = tmp_path / "数据.xlsx"
        path.write_bytes(bombs["xlsx"])
        with pytest.raises(TianpingError, match="压缩炸弹|解压后"):
            load_observations(path)
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def test_safezip_other_limits():
    from tianping.core.safezip import check_zip

    many = zip_archive([(f"x/{i}.xml", b"<a/>") for i in range(10_001)])
    with pytest.raises(TianpingError, match="部件"):
        check_zip(many)
    with pytest.raises(TianpingError, match="非法路径"):
        check_zip(zip_archive([("../../etc/passwd", b"x")]))
    with pytest.raises(TianpingError, match="压缩比"):
        check_zip(zip_archive([("word/document.xml", 5)]))   # 5 MiB of zeros: ratio ~1000
    check_zip(b"PK\x03\x04 not really a zip")  # not a ZIP: left to the reader's own message
    check_zip(zip_archive([("[Content_Types].xml", CONTENT_TYPES)]))  # a normal small archive passes


# ------------------------------------------------------------------------------ through the pages

def _client(user):
    c = Client()
    c.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return c


def _file(name, data):
    f = io.BytesIO(data)
    f.name = name
    return f


@pytest.mark.django_db
def test_plan_import_refuses_abuse(office, regions, bombs, settings):
    from tianping.web.plans.models import Plan

    c = _client(office)
    cases = [
        ("规划.docx", bombs["docx"], "压缩炸弹|解压后"),
        ("../../../etc/规划.docx", bombs["docx"], "压缩炸弹|解压后"),
        ("规划.docm", b"PK\x03\x04", "txt|docx|pdf"),
        ("规划.exe", b"MZ\x90\x00", "txt|docx|pdf"),
        ("规划.txt", b"a" * (settings.UPLOAD_MAX_BYTES + 1), "MB"),
    ]
    for name, data, message in cases:
        r = c.post(reverse("plan_import"), {"region": regions["210203"].pk, "document": _file(name, data)})
        text = r.content.decode()
        assert r.status_code in (200, 400), name
        assert re.search(message, text), (name, text[:2000])
        assert "/etc/" not in text.replace("../../../etc/", "")
    assert Plan.objects.count() == 0


@pytest.fixture
def open_round(imported_plan, regions, office):
    from tianping.web import demo as setup
    from tianping.web.collection import services
    from tianping.web.plans.models import Plan

    plan = imported_plan("000")[0]
    setup.assign_demo_departments(plan)
    plan.status = Plan.Status.CONFIRMED
    plan.save()
    return services.open_round(regions["210203"], 2024, date.today() + timedelta(days=30), office)


def _macro_workbook(template: bytes) -> bytes:
    """The real template with a vbaProject.bin and a macro-enabled content type added."""
    import zipfile

    src = zipfile.ZipFile(io.BytesIO(template))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "[Content_Types].xml":
                data = data.replace(b"spreadsheetml.sheet.main+xml", b"sheet.macroEnabled.main+xml")
            z.writestr(info, data)
        z.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0 fake VBA")
    return out.getvalue()


def _upload(c, sub, name, data):
    return c.post(reverse("collection:upload", args=[sub.pk]), {"workbook": _file(name, data)})


@pytest.mark.django_db
def test_workbook_upload_refuses_abuse(open_round, reporter, bombs, settings):
    from tianping.web.collection.models import Entry, EntryChange

    sub = open_round.submissions.get(department=reporter.department)
    c = _client(reporter)
    template = c.get(reverse("collection:template", args=[sub.pk])).content
    assert template.startswith(b"PK")
    cases = [
        ("模板.xlsx", bombs["xlsx"], "压缩炸弹|解压后"),
        ("模板.xlsm", _macro_workbook(template), "宏"),
        ("模板.xlsx", _macro_workbook(template), "宏"),          # renamed, still refused by content
        ("../../../../tmp/evil.xlsx", bombs["xlsx"], "压缩炸弹|解压后"),
        ("模板.xls", b"\xd0\xcf\x11\xe0", "xls"),
        ("模板.xlsx", b"not a zip at all", "损坏"),
    ]
    for name, data, message in cases:
        r = _upload(c, sub, name, data)
        text = r.content.decode()
        assert r.status_code == 400, (name, r.status_code)
        assert re.search(message, text), (name, re.findall(r"<li[^>]*>(.*?)</li>", text)[:5])
    settings.UPLOAD_MAX_BYTES = 1000
    r = _upload(c, sub, "模板.xlsx", template)
    assert r.status_code == 400 and "超过上限" in r.content.decode()
    assert Entry.objects.filter(submission=sub).count() == 0
    assert EntryChange.objects.count() == 0
    assert not list((settings.VAR_DIR / "uploads").glob("*evil*"))


@pytest.mark.django_db
def test_formulas_in_uploaded_cells_are_not_values(open_round, reporter):
    """A value cell holding a formula (=1+1, a DDE payload) is refused by cell; nothing is saved."""
    import openpyxl

    from tianping.web.collection.models import Entry

    sub = open_round.submissions.get(department=reporter.department)
    c = _client(reporter)
    template = c.get(reverse("collection:template", args=[sub.pk])).content
    book = openpyxl.load_workbook(io.BytesIO(template))
    ws = book["数据填报"]
    header_row = 2
    col = next(c.column for c in ws[header_row] if c.value == "本年数值")
    ws.protection.sheet = False
    ws.cell(row=header_row + 1, column=col).value = "=1+1"
    ws.cell(row=header_row + 2, column=col).value = "=cmd|' /C calc'!A0"
    out = io.BytesIO()
    book.save(out)
    r = _upload(c, sub, "模板.xlsx", out.getvalue())
    assert r.status_code == 400, r.status_code
    assert Entry.objects.filter(submission=sub).count() == 0
    assert "单元格含公式" in r.content.decode()
