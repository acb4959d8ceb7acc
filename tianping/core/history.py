"""Historical values an office loads from its yearbooks and past monitoring reports
(e.g. 2015–2024), so trends exist from the first year a district uses Tianping.

The file is an observations table (``core.observations``: CSV or .xlsx, long or wide,
Chinese headers) with one more column, the source of each value (来源: 统计年鉴,
监测报告 …). Everything ``load_observations`` checks is checked here too, plus: every
value names its source, and rows name this region (or no region at all). Any problem
refuses the whole file (``InputErrors``), each error naming file, sheet, row and column.
"""

from __future__ import annotations

import unicodedata

import pandas as pd

from tianping.core.errors import InputErrors, Location, TianpingError
from tianping.core.observations import (
    MAX_BYTES,
    _cross_table_duplicates,
    _header_key,
    canonical_name,
    finish,
    read_tables,
    validate_table,
)

SOURCE_HEADERS = {"来源", "数据来源", "资料来源", "出处", "source"}
HISTORY_YEARS = (1990, 2035)


def _source_column(frame: pd.DataFrame) -> str | None:
    return next((c for c in frame.columns if _header_key(c) in SOURCE_HEADERS), None)


def load_history(source, *, indicators: dict[str, str], region: str, region_names: tuple[str, ...] = (),
                 years: tuple[int, int] = HISTORY_YEARS, max_bytes: int = MAX_BYTES) -> pd.DataFrame:
    """Validated history rows (observations columns + ``source`` + ``where``, the file/sheet/row
    for later messages) of ``region``.

    ``indicators`` maps the plan's indicator names to their units (rows naming another
    indicator are errors); ``region_names`` are other spellings of this region (its
    full name) accepted in a region column. Raises ``InputErrors`` with every problem.
    """
    accepted = {canonical_name(n) for n in (region, *region_names) if n}
    tables = read_tables(source, max_bytes)
    frames, errors = [], []
    for table in tables:
        where = Location(file=table.file, sheet=table.sheet)
        column = _source_column(table.frame)
        if column is None:
            errors.append(TianpingError("缺少“来源”列：每个历史数值都要注明来源（如统计年鉴、监测报告）", where))
            continue
        frame, problems = validate_table(table, indicators=indicators, plan_years=years, region=region)
        errors.extend(problems)
        place = (table.headers or {}).get(column, column)
        sources = [_clean(s) for s in frame[column].tolist()] if len(frame) else []
        for i, text in enumerate(sources):
            row_where = Location(file=table.file, sheet=table.sheet, row=table.rows[i], column=place)
            if not text:
                errors.append(TianpingError("来源为空：请注明该数值出自哪本年鉴或哪份报告", row_where))
            elif len(text) > 100:
                errors.append(TianpingError("来源过长（最多100字）", row_where))
            if frame["region"].iloc[i] not in accepted:
                errors.append(TianpingError(f"地区“{frame['region'].iloc[i]}”不是本地区（{region}），"
                                            "历史数据只能导入本地区", Location(file=table.file, sheet=table.sheet,
                                                                      row=table.rows[i])))
        frame = frame.drop(columns=[column]).assign(
            source=sources, where=[str(Location(file=table.file, sheet=table.sheet, row=r)) for r in table.rows])
        frames.append(frame)
    if not errors and len(tables) > 1:
        errors = _cross_table_duplicates(tables, frames)
    if errors:
        errors = list({str(e): e for e in errors}.values())  # a wide row repeats its name error per year
        raise InputErrors(sorted(errors, key=lambda e: (e.where.sheet, e.where.row or 0) if e.where else ("", 0)))
    out = finish(frames)
    if out.empty:
        raise InputErrors([TianpingError("文件中没有历史数据行", Location(file=tables[0].file if tables else ""))])
    return out


def _clean(cell) -> str:
    if cell is None or (isinstance(cell, float) and cell != cell):
        return ""
    return unicodedata.normalize("NFKC", str(cell)).strip()
