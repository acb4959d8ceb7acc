"""A district's 任务分工方案 (task division) spreadsheet: which member department leads each
indicator (and which cooperate). One sheet or several, a header row naming the indicator
column (指标 / 监测指标 / 指标名称) and the lead column (牵头单位 / 责任单位 / 牵头部门),
optionally 配合单位. Rows are read as written; matching them to a plan's indicators and a
region's departments is the caller's (it knows both)."""

from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass, field

from openpyxl import load_workbook

from tianping.core.errors import Location, TianpingError
from tianping.core.observations import canonical_name
from tianping.core.workbook import check_upload

INDICATOR_HEADERS = {"指标", "监测指标", "指标名称", "主要指标", "指标内容"}
LEAD_HEADERS = {"牵头单位", "责任单位", "牵头部门", "责任部门", "牵头"}
COOPERATING_HEADERS = {"配合单位", "配合部门", "协同单位", "参与单位"}
SEPARATORS = re.compile(r"[、，,；;/\s]+")


@dataclass
class DivisionRow:
    indicator: str
    lead: str
    cooperating: list[str] = field(default_factory=list)
    sheet: str = ""
    row: int = 0

    def where(self, column: str = "") -> Location:
        return Location(sheet=self.sheet, row=self.row, column=column)


def _text(cell) -> str:
    return "" if cell is None else unicodedata.normalize("NFKC", str(cell)).strip()


def _key(cell) -> str:
    return _text(cell).replace(" ", "")


def read_division(data: bytes, filename: str) -> list[DivisionRow]:
    """Every row naming an indicator, from every sheet with a recognisable header."""
    check_upload(filename, data)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged file
        raise TianpingError("文件已损坏或不是Excel工作簿", Location(file=filename)) from None
    rows: list[DivisionRow] = []
    found_header = False
    for ws in book.worksheets:
        columns = None
        for n, values in enumerate(ws.iter_rows(values_only=True), start=1):
            keys = [_key(v) for v in values]
            if columns is None:
                ind = next((i for i, k in enumerate(keys) if k in INDICATOR_HEADERS), None)
                lead = next((i for i, k in enumerate(keys) if k in LEAD_HEADERS), None)
                if ind is not None and lead is not None:
                    coop = next((i for i, k in enumerate(keys) if k in COOPERATING_HEADERS), None)
                    columns, found_header = (ind, lead, coop), True
                elif n >= 10:
                    break
                continue
            ind, lead, coop = columns
            name = canonical_name(values[ind]) if ind < len(values) else ""
            if not name:
                continue
            rows.append(DivisionRow(
                indicator=name, lead=_text(values[lead]) if lead < len(values) else "",
                cooperating=[p for p in SEPARATORS.split(_text(values[coop]))
                             if p] if coop is not None and coop < len(values) else [],
                sheet=ws.title, row=n))
    book.close()
    if not found_header:
        raise TianpingError("找不到表头：前10行中没有同时包含“指标”和“牵头单位（责任单位）”的行", Location(file=filename))
    if not rows:
        raise TianpingError("分工方案中没有指标行", Location(file=filename))
    return rows
