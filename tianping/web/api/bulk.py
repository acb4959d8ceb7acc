"""The bulk observation payload, checked by hand: ten thousand rows a request would
spend seconds in DRF's per-field machinery. The shape is documented for OpenAPI by
serializers.BulkImportIn; this checks exactly that shape and names every bad row."""

from __future__ import annotations

from tianping.core.validation import Cell, parse_cell
from tianping.web.collection.services import RowIn

MAX_ROWS = 50_000
SEXES = {"", "女", "男"}
RESIDENCES = {"", "城镇", "农村"}
NUMBERS = ("value", "numerator", "denominator")
TEXTS = {"age": 20, "note": 500, "unit": 30}
KNOWN = {"indicator", "sex", "age", "residence", *NUMBERS, "note", "unit", "version"}


def parse_bulk(data) -> tuple[bool, list[RowIn], list[str]]:
    """(dry_run, rows, errors); any error means nothing is imported."""
    if not isinstance(data, dict):
        return False, [], ["请求体须为JSON对象：{\"dry_run\": false, \"observations\": [...]}"]
    dry_run = data.get("dry_run", False)
    errors: list[str] = []
    if not isinstance(dry_run, bool):
        errors.append("dry_run须为true或false")
    items = data.get("observations")
    if not isinstance(items, list) or not items:
        return False, [], errors + ["observations须为非空数组"]
    if len(items) > MAX_ROWS:
        return False, [], errors + [f"一次最多导入{MAX_ROWS}条，收到{len(items)}条，请分批提交"]
    rows = []
    for i, item in enumerate(items, 1):
        where = f"第{i}条"
        if not isinstance(item, dict):
            errors.append(f"{where}：须为JSON对象")
            continue
        if not KNOWN.issuperset(item):
            bad = [k for k in item if k not in KNOWN]
            errors.append(f"{where}：未知字段{'、'.join(map(str, bad))}")
        indicator = item.get("indicator")
        if isinstance(indicator, bool) or not isinstance(indicator, int):
            errors.append(f"{where}：indicator须为指标编号（整数）")
            continue
        sex, residence = item.get("sex") or "", item.get("residence") or ""
        if not isinstance(sex, str) or sex not in SEXES:  # ["x"] or {} is a 400 with the row named, not a 500
            errors.append(f"{where}：sex须为“”“女”或“男”，收到“{str(sex)[:20]}”")
            sex = ""
        if not isinstance(residence, str) or residence not in RESIDENCES:
            errors.append(f"{where}：residence须为“”“城镇”或“农村”，收到“{str(residence)[:20]}”")
            residence = ""
        texts = {}
        for key, limit in TEXTS.items():
            value = item.get(key) or ""
            if value and (not isinstance(value, str) or len(value) > limit):
                errors.append(f"{where}：{key}须为不超过{limit}字的文本")
                value = ""
            texts[key] = value.strip() if value else ""
        numbers = {}
        for key in NUMBERS:
            raw = item.get(key)
            if isinstance(raw, bool):
                errors.append(f"{where}：{key}须为数字")
                continue
            number, err = parse_cell(raw)
            if err:
                errors.append(f"{where}：{key} {err}")
            numbers[key] = number
        version = item.get("version")
        if isinstance(version, bool) or not isinstance(version, int) or version < 0:
            errors.append(f"{where}：version须为所依据的版本号（非负整数，新单元格为0），不可省略")
            version = None
        rows.append(RowIn(indicator, Cell(sex, texts["age"], residence), numbers.get("value"),
                          numbers.get("numerator"), numbers.get("denominator"), texts["note"], version,
                          texts["unit"], where=where))
    return bool(dry_run), rows, errors
