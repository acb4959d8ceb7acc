"""Formula injection: one guard (core.export.safe_cell) for every workbook and CSV Tianping writes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tianping.core.export import safe_cell

PACKAGE = Path(__file__).resolve().parents[1] / "tianping"


@pytest.mark.parametrize(("value", "written"), [
    ("=1+1", "'=1+1"), ("+86 411", "'+86 411"), ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=cmd", "'\t=cmd"), ("\r=cmd", "'\r=cmd"), ("\n=cmd", "'\n=cmd"),
    ("-", "-"), ("—", "—"), ("卫健局", "卫健局"), ("", ""), (12.5, 12.5), (-3, -3), (None, None),
])
def test_text_that_a_spreadsheet_would_run_is_quoted(value, written):
    assert safe_cell(value) == written


def test_no_module_writes_its_own_guard():
    """A second copy drifts (one forgot the tab, another the lone dash): call safe_cell."""
    quoting = re.compile(r"""(?<![\w'])["']'["']\s*\+""")     # "'" + text (not a filename*=UTF-8'' header)
    copies = [str(p.relative_to(PACKAGE)) for p in PACKAGE.rglob("*.py")
              if "migrations" not in p.parts and quoting.search(p.read_text(encoding="utf-8"))]
    assert copies == ["core/export.py"]
