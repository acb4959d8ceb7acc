"""Open data of a published report: the indicator values in its snapshot, as CSV (UTF-8
with BOM, opens in Excel), Excel and SDMX-CSV 2.0. Every text cell that a spreadsheet
would run as a formula (= + - @, tab, carriage return) is prefixed with an apostrophe."""

from __future__ import annotations

import csv
import io
import math

from openpyxl import Workbook
from openpyxl.styles import Font

from tianping.core.export import safe_cell

from .services import observations_of

HEADER = ["地区代码", "地区", "指标", "单位", "年份", "性别", "年龄组", "城乡", "数值", "分子", "分母", "数据性质"]
SDMX_SEX = {"": "_T", "女": "F", "男": "M"}
SDMX_URBAN = {"": "_T", "城镇": "U", "农村": "R"}
DATAFLOW = "TIANPING:DF_WCDP({version})"


def rows(snapshot: dict) -> list[list]:
    obs = observations_of(snapshot)
    units = {i["key"]: i["unit"] for i in snapshot["plan"]["indicators"]}
    nature = "合成演示数据" if snapshot["synthetic"] else "统计局审核数据"
    out = []
    for r in obs.to_dict("records"):
        out.append([snapshot["region"]["code"], snapshot["region"]["name"], r["indicator"],
                    units.get(r["indicator"], r.get("unit") or ""), int(r["year"]), r["sex"] or "合计",
                    r["age"] or "合计", r["residence"] or "合计", _num(r["value"]), _num(r["numerator"]),
                    _num(r["denominator"]), nature])
    return out


def _num(value):
    return None if value is None or value != value else float(value)


def to_csv(snapshot: dict) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADER)
    for row in rows(snapshot):
        writer.writerow(["" if v is None else safe_cell(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


# The assessment of the published report (issue 13's statuses and sentences), one row per
# headline series × target, as the report judged it.
RESULT_HEADER = [("indicator", "指标"), ("milestone", "目标年份"), ("target_text", "目标"), ("latest_year", "最新年份"),
                 ("latest_value", "最新值"), ("status", "评估结论"), ("projected", "预测值"),
                 ("projected_low", "预测区间下限"), ("projected_high", "预测区间上限"), ("p_attain", "达标概率"),
                 ("pooled_value", "合并率（例数少）"), ("pooled_low", "合并率95%区间下限"),
                 ("pooled_high", "合并率95%区间上限"), ("pooled_events", "合并例数"), ("sentence", "评估说明")]


def result_rows(snapshot: dict) -> list[list]:
    """The snapshot's results table ({"columns", "rows"}) as rows of RESULT_HEADER; headline series only."""
    table = snapshot.get("results") or {}
    columns = table.get("columns", [])
    out = []
    for values in table.get("rows", []):
        r = dict(zip(columns, values))
        if r.get("headline", True):
            out.append([r.get(key) for key, _ in RESULT_HEADER])
    return out


def to_xlsx(snapshot: dict, title: str = "") -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "指标数据"
    sheet.append(HEADER)
    for row in rows(snapshot):
        sheet.append([safe_cell(v) for v in row])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    assessed = result_rows(snapshot)
    if assessed:
        results = book.create_sheet("评估结果")
        results.append([name for _, name in RESULT_HEADER])
        for row in assessed:
            results.append([None if isinstance(v, float) and math.isnan(v) else safe_cell(v) for v in row])
        for cell in results[1]:
            cell.font = Font(bold=True)
    note = book.create_sheet("说明")
    note.append([safe_cell(title or "天平开放数据")])
    note.append([safe_cell(f"数据快照 SHA-256：{snapshot.get('sha256', '')}")])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def indicator_ids(snapshot: dict) -> dict[str, str]:
    return {i["key"]: f"I{n:03d}" for n, i in enumerate(snapshot["plan"]["indicators"], start=1)}


def to_sdmx_csv(snapshot: dict, version: str = "1.0") -> bytes:
    """SDMX-CSV 2.0: STRUCTURE, STRUCTURE_ID, ACTION, the dimensions, OBS_VALUE, attributes.
    Codes follow SDMX's cross-domain lists (SEX F/M/_T, URBANISATION U/R/_T); the
    indicator and area columns carry "ID: name" labels (the format's labels=both form)."""
    ids = indicator_ids(snapshot)
    units = {i["key"]: i["unit"] for i in snapshot["plan"]["indicators"]}
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["STRUCTURE", "STRUCTURE_ID", "ACTION", "FREQ", "REF_AREA", "INDICATOR", "SEX", "AGE",
                     "URBANISATION", "TIME_PERIOD", "OBS_VALUE", "UNIT_MEASURE", "OBS_STATUS"])
    structure = DATAFLOW.format(version=version)
    status = "S" if snapshot["synthetic"] else "A"   # S: synthetic demo data, A: normal value
    for r in observations_of(snapshot).to_dict("records"):
        area = f"{snapshot['region']['code']}: {snapshot['region']['name']}"
        indicator = f"{ids.get(r['indicator'], '')}: {r['indicator']}"
        writer.writerow([
            "dataflow", structure, "I", "A", safe_cell(area), safe_cell(indicator), SDMX_SEX.get(r["sex"] or "", "_T"),
            safe_cell(r["age"]) if r["age"] else "_T", SDMX_URBAN.get(r["residence"] or "", "_T"), int(r["year"]),
            "" if _num(r["value"]) is None else repr(float(r["value"])),
            safe_cell(units.get(r["indicator"], "")), status])
    return buffer.getvalue().encode("utf-8")
