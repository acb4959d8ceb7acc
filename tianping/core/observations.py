"""Observations: the long ("tidy") table every assessment reads.

One row per region × indicator × year × sex × age group × residence, with the
value and, for rates built from counts, the numerator and denominator. A blank
dimension means the total. Reporters send CSV (UTF-8 or GBK) or Excel with
Chinese or English headers, long (one row per value) or wide (one column per
year, as department templates are laid out); ``load_observations`` turns any of them into this
table or refuses the whole file with every problem listed (``InputErrors``),
each naming file, sheet, row and column. Nothing is dropped: a cell marked as
"no data" ("—", "**", blank) keeps its row with a missing value and is counted
by ``observations_summary``.
"""

from __future__ import annotations

import io
import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd

from tianping.core import figures
from tianping.core.errors import InputErrors, Location, TianpingError
from tianping.core.normalize import normalize_line
from tianping.core.safezip import check_zip
from tianping.core.sheetbounds import scan_sheets

COLUMNS = ["region", "indicator", "year", "sex", "age", "residence",
           "value", "numerator", "denominator", "unit", "note"]
KEY = ["region", "indicator", "year", "sex", "age", "residence"]
REQUIRED = ["region", "indicator", "year", "value"]

# Header spellings accepted for each column (compared after NFKC, lower case, no spaces).
HEADERS = {
    "region": ["地区", "区域", "行政区划", "地区名称", "region", "area_name"],
    "indicator": ["指标", "指标名称", "监测指标", "indicator"],
    "year": ["年份", "年度", "年", "year"],
    "sex": ["性别", "sex", "gender"],
    "age": ["年龄组", "年龄", "年龄段", "age", "age_group"],
    "residence": ["城乡", "城乡分类", "residence", "urban_rural"],
    "value": ["数值", "值", "指标值", "value"],
    "numerator": ["分子", "numerator"],
    "denominator": ["分母", "denominator"],
    "unit": ["单位", "计量单位", "unit"],
    "note": ["备注", "说明", "note", "notes"],
}
CHINESE_HEADER = {"region": "地区", "indicator": "指标", "year": "年份", "sex": "性别", "age": "年龄组",
                  "residence": "城乡", "value": "数值", "numerator": "分子", "denominator": "分母",
                  "unit": "单位", "note": "备注"}

SEX = {"": "", "合计": "", "总计": "", "全部": "", "total": "", "all": "",
       "女": "女", "女性": "女", "女童": "女", "女生": "女", "f": "女", "female": "女",
       "男": "男", "男性": "男", "男童": "男", "男生": "男", "m": "男", "male": "男"}
RESIDENCE = {"": "", "合计": "", "全部": "", "总计": "", "total": "", "all": "",
             "城镇": "城镇", "城市": "城镇", "urban": "城镇",
             "农村": "农村", "乡村": "农村", "rural": "农村"}
TOTAL_WORDS = {"合计", "总计", "全部", "total", "all"}

# Cell contents that mean "no data reported" (statistical yearbook conventions).
MISSING_MARKS = {"", "—", "——", "-", "--", "–", "…", "...", "..", "*", "**", "***",
                 "/", "无", "暂无", "缺", "缺报", "na", "n/a", "nan", "null", "none"}

# Rates per base: value = numerator / denominator × scale.
SCALE = {"%": 100.0, "‰": 1000.0, "1/万": 1e4, "1/10万": 1e5}
UNIT_SPELLINGS = {"％": "%", "百分比": "%", "千分之": "‰", "‰": "‰", "/10万": "1/10万",
                  "每10万": "1/10万", "1/100000": "1/10万", "/100000": "1/10万",
                  "10万分之": "1/10万", "/万": "1/万", "每万": "1/万"}

MAX_BYTES = 50 * 2**20   # a province's yearly submission is a few MB; more is a mistake or an attack

_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_THOUSANDS = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?")


def normalize_unit(unit) -> str:
    """One spelling per unit: full-width forms, spaces and "/10万" variants folded."""
    if unit is None or (isinstance(unit, float) and math.isnan(unit)):
        return ""
    return _normalized(str(unit))


@lru_cache(maxsize=1024)
def _normalized(unit: str) -> str:
    """(A bulk import asks for the same few units hundreds of thousands of times.)"""
    text = unicodedata.normalize("NFKC", unit).replace(" ", "").strip()
    return UNIT_SPELLINGS.get(text, text)


@lru_cache(maxsize=4096)
def is_signed(indicator: str, unit: str) -> bool:
    """Changes and gaps may be negative and are not shares of a whole."""
    return unit == "个百分点" or any(w in indicator for w in ("增长", "增速", "变化", "差", "变动"))


def is_gross_ratio(indicator: str) -> bool:
    """Gross enrolment ratios (毛入学率) count over-age pupils and may pass 100 %."""
    return "毛入" in indicator


@dataclass
class _Missing:
    mark: str


@dataclass
class _Bad:
    text: str


def parse_number(cell, unit: str = ""):
    """A float, ``_Missing`` for a no-data mark, or ``_Bad`` for text that is not a number.

    Tolerates numbers stored as text, full-width digits, thousands separators and a
    trailing "%"/"‰" that repeats the row's unit.
    """
    if _is_blank(cell):
        return _Missing("")
    if isinstance(cell, (bool, np.bool_)):
        return _Bad(str(cell))
    if isinstance(cell, (int, float, np.integer, np.floating)):
        return _Missing("") if math.isnan(cell) else float(cell)
    text = unicodedata.normalize("NFKC", str(cell)).strip().replace(" ", "")
    if text.lower() in MISSING_MARKS or text in MISSING_MARKS:
        return _Missing(text)
    if unit in ("%", "‰") and text.endswith(unit):
        text = text[:-1]
    if _THOUSANDS.fullmatch(text):
        text = text.replace(",", "")
    if _NUMBER.fullmatch(text):
        return float(text)
    return _Bad(str(cell).strip())


def _is_blank(cell) -> bool:
    if cell is None or cell is pd.NA or cell is pd.NaT:
        return True
    return isinstance(cell, (float, np.floating)) and cell != cell  # NaN


def _text(cell) -> str:
    if _is_blank(cell):
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return unicodedata.normalize("NFKC", str(cell)).strip()


def _each(cells, fn) -> list:
    """``fn`` over every cell, computed once per distinct cell: files repeat the same
    names, units, years and markers on every row, so this keeps large imports fast."""
    cache: dict = {}
    out = []
    for cell in cells:
        try:
            out.append(cache[cell])
        except KeyError:
            cache[cell] = result = fn(cell)
            out.append(result)
        except TypeError:  # unhashable cell
            out.append(fn(cell))
    return out


@lru_cache(maxsize=65536)
def _canonical(text: str) -> str:
    return normalize_line(text).strip()


def canonical_name(cell) -> str:
    """Indicator and region names in the plan parser's spelling (（）, simplified, no stray spaces),
    so observations join the parsed plan's targets."""
    return _canonical(_text(cell))


def _decimals(cell) -> int:
    """Decimal places the reporter wrote, to judge rounding when checking value = num/den."""
    text = _text(cell).replace(",", "").rstrip("%‰")
    if "." not in text:
        return 0
    return len(text.split(".", 1)[1].rstrip("0")) if isinstance(cell, float) else len(text.split(".", 1)[1])


# ---------------------------------------------------------------- reading files


@dataclass
class RawTable:
    """One sheet (or a CSV) as read: text/number cells, canonical column names, source rows."""

    frame: pd.DataFrame          # columns renamed to canonical names; extras kept
    rows: list[int]              # 1-based row number in the file, per frame row
    file: str = ""
    sheet: str = ""
    headers: dict[str, str] | None = None   # canonical name -> how the place is named in errors
    cell_headers: dict[str, list[str]] | None = None  # per-row place names (wide sheets: one per year)


def _header_key(cell) -> str:
    return unicodedata.normalize("NFKC", _text(cell)).lower().replace(" ", "").replace("_", "")


_ALIASES = {a.replace("_", ""): canon for canon, names in HEADERS.items() for a in names}


_YEAR_HEADER = re.compile(r"((19|20)\d{2})年?")


def _header_year(cell) -> int | None:
    """2021, "2021", "2021年" as a column header of a wide sheet (one column per year)."""
    match = _YEAR_HEADER.fullmatch(_text(cell))
    return int(match.group(1)) if match else None


def _find_header(grid: pd.DataFrame, limit: int = 10) -> int | None:
    """The first row among the top ``limit`` naming indicator, year and value (long sheet),
    or indicator and year columns (wide sheet)."""
    for i in range(min(limit, len(grid))):
        cells = grid.iloc[i].tolist()
        names = {_ALIASES.get(_header_key(c)) for c in cells}
        if {"indicator", "year", "value"} <= names:
            return i
        if "indicator" in names and not names & {"year", "value"} and any(_header_year(c) for c in cells):
            return i
    return None


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _table_from_grid(grid: pd.DataFrame, file: str, sheet: str, excel: bool) -> RawTable | None:
    head = _find_header(grid)
    if head is None:
        return None
    names: list[str] = []
    headers: dict[str, str] = {}
    year_columns: dict[str, int] = {}
    wide = "year" not in {_ALIASES.get(_header_key(c)) for c in grid.iloc[head]}
    for j, cell in enumerate(grid.iloc[head]):
        label = _text(cell)
        canon = _ALIASES.get(_header_key(cell), label or f"_col{j}")
        year = _header_year(cell)
        if wide and canon == label and year:
            canon = f"_year{year}"
            year_columns[canon] = year
        if canon in headers:
            raise TianpingError(f"列“{label}”重复出现", Location(file=file, sheet=sheet, row=head + 1))
        names.append(canon)
        headers[canon] = f"{_column_letter(j)}（{label}）" if excel else label
    body = grid.iloc[head + 1:].copy()
    body.columns = names
    body = body[[c for c in names if not c.startswith("_col")]]
    filled = np.zeros(len(body), dtype=bool)
    for column in body.columns:
        filled |= _non_blank(body[column])
    rows = [head + 2 + i for i in range(len(body))]
    body = body[filled].reset_index(drop=True)
    rows = [r for r, keep in zip(rows, filled) if keep]
    if year_columns:
        return _melt_years(RawTable(body, rows, file, sheet, headers), year_columns)
    return RawTable(body, rows, file, sheet, headers)


def _non_blank(cells: pd.Series) -> np.ndarray:
    return (cells.notna() & (cells.astype(str).str.strip() != "")).to_numpy()


def _melt_years(table: RawTable, year_columns: dict[str, int]) -> RawTable:
    """A wide sheet (指标 | 单位 | 2020 | 2021 | …) as long rows, one per indicator and year.

    A blank cell up to the last year anyone reported is a missing value (kept and
    counted); blank columns after it are a template's years not reached yet.
    """
    body = table.frame
    places = table.headers or {}
    reported = [year for column, year in year_columns.items() if _non_blank(body[column]).any()]
    last = max(reported, default=0)
    keep = [c for c in body.columns if c not in year_columns]
    parts = []
    for column, year in year_columns.items():
        if year <= last:
            parts.append(body[keep].assign(year=year, value=body[column].to_numpy(), _row=table.rows,
                                           _place=places[column]))
    if not parts:
        return RawTable(body[keep].iloc[:0].assign(year=[], value=[]), [], table.file, table.sheet, table.headers)
    long = pd.concat(parts, ignore_index=True).sort_values(["_row", "year"], kind="stable", ignore_index=True)
    headers = {**places, "year": "年份（表头）"}
    return RawTable(long.drop(columns=["_row", "_place"]), long["_row"].tolist(), table.file, table.sheet,
                    headers, cell_headers={"value": long["_place"].tolist()})


def _decode(data: bytes, file: str) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise TianpingError("文件编码无法识别，请另存为UTF-8或GBK编码的CSV", Location(file=file))


def _read_csv(path: Path) -> list[RawTable]:
    text = _decode(path.read_bytes(), path.name)
    try:
        grid = pd.read_csv(io.StringIO(text), header=None, dtype=str, keep_default_na=False,
                           skip_blank_lines=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise TianpingError(f"CSV格式无法解析（{exc}）", Location(file=path.name)) from None
    table = _table_from_grid(grid, path.name, "", excel=False)
    if table is None:
        raise TianpingError("找不到表头：前10行中没有同时包含“指标”“年份”“数值”的行", Location(file=path.name))
    return [table]


def _bounded_rows(sheet, extent):
    if extent is None or not extent.max_row:
        return []
    return sheet.iter_rows(max_row=extent.max_row, max_col=extent.max_column, values_only=True)


def _read_excel(path: Path) -> list[RawTable]:
    # openpyxl itself, not pandas.read_excel: pandas turns formula errors (#DIV/0!) into
    # blanks, which would pass a broken cell off as "no data".
    check_zip(path, Location(file=path.name))  # zip bombs are refused before anything is inflated
    extents = scan_sheets(path.read_bytes(), path.name,  # a far-away cell is refused before any row is built
                          broken="Excel文件无法打开，可能已损坏或不是.xlsx格式")
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        sheets = {sheet.title: pd.DataFrame(list(_bounded_rows(sheet, extents.get(sheet.title))), dtype=object)
                  for sheet in book.worksheets}
        book.close()
    except Exception as exc:  # openpyxl raises many kinds for a broken workbook
        raise TianpingError(f"Excel文件无法打开，可能已损坏或不是.xlsx格式（{type(exc).__name__}）",
                            Location(file=path.name)) from None
    tables = [t for name, grid in sheets.items()
              if (t := _table_from_grid(grid, path.name, str(name), excel=True)) is not None]
    if not tables:
        raise TianpingError("所有工作表中都找不到包含“指标”“年份”“数值”的表头", Location(file=path.name))
    return tables


def read_tables(source, max_bytes: int = MAX_BYTES) -> list[RawTable]:
    """Read a path (CSV/XLSX) or a DataFrame into raw tables without judging the cells."""
    if isinstance(source, pd.DataFrame):
        grid = pd.concat([pd.DataFrame([list(source.columns)]), pd.DataFrame(source.to_numpy(dtype=object))],
                         ignore_index=True)
        table = _table_from_grid(grid, "", "", excel=False)
        if table is None:
            raise TianpingError(f"表格缺少必需的列：{'、'.join(CHINESE_HEADER[c] for c in REQUIRED)}")
        return [table]
    path = Path(source)
    if not path.is_file():
        raise TianpingError("文件不存在", Location(file=str(path)))
    size = path.stat().st_size
    if size == 0:
        raise TianpingError("文件是空的", Location(file=path.name))
    if size > max_bytes:
        raise TianpingError(f"文件过大（{size / 2**20:.1f} MB，上限{max_bytes / 2**20:.1f} MB），请按部门或年份拆分后导入",
                            Location(file=path.name))
    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise TianpingError("旧版Excel（.xls）无法读取，请在Excel中另存为.xlsx后导入", Location(file=path.name))
    if suffix in (".csv", ".txt"):
        return _read_csv(path)
    if suffix in (".xlsx", ".xlsm"):
        return _read_excel(path)
    raise TianpingError(f"不支持的文件类型“{suffix}”，请使用CSV或.xlsx", Location(file=path.name))


# ---------------------------------------------------------------- validation


class _Collector:
    def __init__(self, table: RawTable):
        self.table = table
        self.errors: list[TianpingError] = []

    def add(self, i: int | np.integer, column: str, message: str):
        headers = self.table.headers or {}
        place = headers.get(column, CHINESE_HEADER.get(column, column))
        if self.table.cell_headers and column in self.table.cell_headers:
            place = self.table.cell_headers[column][i]
        where = Location(file=self.table.file, sheet=self.table.sheet, row=self.table.rows[i], column=place)
        self.errors.append(TianpingError(message, where))


def _check_columns(table: RawTable, columns) -> list[TianpingError]:
    missing = [CHINESE_HEADER[c] for c in REQUIRED if c not in columns]
    if not missing:
        return []
    where = Location(file=table.file, sheet=table.sheet)
    return [TianpingError(f"缺少必需的列：{'、'.join(missing)}", where)]


def _dimension(raw: pd.Series, allowed: dict, label: str, out: _Collector, column: str) -> list[str]:
    choices = "、".join(sorted({v for v in allowed.values() if v}))
    texts = _each(raw.tolist(), _text)
    for i in [i for i, text in enumerate(texts) if text.lower() not in allowed]:
        out.add(i, column, f"{label}“{texts[i]}”无法识别，应为{choices}或留空（合计）")
    return [allowed.get(text.lower(), text) for text in texts]


def _year(cell) -> int | str:
    """The year, or the text that is not one. A date cell (Excel formatted the column) gives its year."""
    if isinstance(cell, (datetime, date)):
        return cell.year
    text = _text(cell).removesuffix("年")
    return int(text) if re.fullmatch(r"\d{4}", text) else _text(cell)


def _years(raw: pd.Series, plan_years: tuple[int, int], out: _Collector) -> list[int | None]:
    first, last = plan_years
    years = _each(raw.tolist(), _year)
    for i, year in enumerate(years):
        if isinstance(year, str):
            out.add(i, "year", f"年份“{year}”不是四位数年份")
        elif not first <= year <= last:
            out.add(i, "year", f"年份{year}不在规划期{first}—{last}年内")
    return [y if isinstance(y, int) else None for y in years]


def _numbers(raw: pd.Series, units: list[str], column: str, out: _Collector,
             marks: list[str] | None = None) -> np.ndarray:
    # Plain numbers (most cells) in one vectorised pass; the rest cell by cell.
    numbers = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=float, na_value=np.nan, copy=True)
    numbers[~np.isfinite(numbers)] = np.nan
    cells = raw.tolist()
    for i in np.flatnonzero(np.isnan(numbers)):
        parsed = parse_number(cells[i], units[i])
        if isinstance(parsed, _Bad):
            out.add(i, column, f"{CHINESE_HEADER[column]}“{parsed.text}”不是数字")
        elif isinstance(parsed, _Missing):
            if marks is not None:
                marks[i] = parsed.mark
        else:
            numbers[i] = parsed
    return numbers


def _units(frame: pd.DataFrame, names: list[str], indicators: dict[str, str] | None,
           out: _Collector) -> list[str]:
    given = _each(frame["unit"].tolist(), normalize_unit) if "unit" in frame else [""] * len(frame)
    if indicators is None:
        return given
    expected = {canonical_name(name): normalize_unit(unit) for name, unit in indicators.items()}
    units = []
    for i, (name, unit) in enumerate(zip(names, given)):
        if name and name not in expected:
            out.add(i, "indicator", f"指标“{name}”不在指标体系中")
            units.append(unit)
            continue
        want = expected.get(name, unit)
        if unit and want and unit != want:
            out.add(i, "unit", f"单位“{unit}”与指标“{name}”的单位“{want}”不一致")
        units.append(unit or want)
    return units


def _check_unit_consistency(names, units, out: _Collector):
    """Without an indicator list, one indicator must still keep one unit throughout the file."""
    first: dict[str, tuple[str, int]] = {}
    for i, (name, unit) in enumerate(zip(names, units)):
        if not name:
            continue
        seen = first.setdefault(name, (unit, i))
        if seen[0] != unit:
            out.add(i, "unit", f"指标“{name}”的单位“{unit}”与第{out.table.rows[seen[1]]}行的“{seen[0]}”不一致")


def _check_ranges(frame: pd.DataFrame, out: _Collector):
    """Negative counts and rates, shares over 100 %, numerators over denominators (vectorised)."""
    kinds = _each(zip(frame["indicator"].tolist(), frame["unit"].tolist()),
                  lambda p: (is_signed(*p), is_gross_ratio(p[0])))
    signed = np.array([k[0] for k in kinds], dtype=bool)
    gross = np.array([k[1] for k in kinds], dtype=bool)
    unit = frame["unit"].to_numpy()
    value, num, den = (frame[c].to_numpy() for c in ("value", "numerator", "denominator"))
    for column, number in (("value", value), ("numerator", num), ("denominator", den)):
        for i in np.flatnonzero(~signed & (number < 0)):
            out.add(i, column, f"{CHINESE_HEADER[column]}{figures.number(number[i])}为负数，计数和比率不能为负")
    for i in np.flatnonzero((unit == "%") & ~signed & ~gross & (value > 100)):
        out.add(i, "value", f"比例{figures.number(value[i])}%超出0—100%")
    for i in np.flatnonzero((den == 0) & ~np.isnan(num)):
        out.add(i, "denominator", "分母为0")
    for i in np.flatnonzero(np.isin(unit, list(SCALE)) & ~gross & (num > den) & (den != 0)):
        out.add(i, "numerator", f"分子{figures.number(num[i])}大于分母{figures.number(den[i])}")



def _reconcile_rates(frame: pd.DataFrame, raw_values: pd.Series, notes: list[str], out: _Collector):
    """Check value = numerator/denominator × scale; fill a missing value from the counts."""
    unit = frame["unit"].to_numpy()
    value = frame["value"].to_numpy(copy=True)
    num, den = frame["numerator"].to_numpy(), frame["denominator"].to_numpy()
    scale = np.array([SCALE.get(u, np.nan) for u in unit]) if len(unit) else np.zeros(0)
    gross = np.array(_each(frame["indicator"].tolist(), is_gross_ratio), dtype=bool)
    # num > den was already reported; a second message about the same counts adds nothing
    usable = ~np.isnan(scale) & ~np.isnan(num) & (den > 0) & ((num <= den) | gross)
    raw = raw_values.tolist()
    for i in np.flatnonzero(usable):
        implied = num[i] / den[i] * scale[i]
        if np.isnan(value[i]):
            value[i] = implied
            notes[i] = _join_note(notes[i], "数值由分子/分母计算")
            continue
        tolerance = max(0.5 * 10 ** -_decimals(raw[i]), 0.005 * abs(implied))
        if abs(value[i] - implied) > tolerance:
            out.add(i, "value", f"数值{figures.number(value[i])}与分子/分母算得的{implied:.2f}（{unit[i]}）不一致")
    frame["value"] = value


def _join_note(note: str, extra: str) -> str:
    return f"{note}；{extra}" if note else extra


def _check_duplicates(frame: pd.DataFrame, out: _Collector):
    repeated = np.flatnonzero(frame.duplicated(KEY, keep=False).to_numpy())
    first: dict[tuple, int | np.integer] = {}
    keys = frame[KEY].iloc[repeated].itertuples(index=False, name=None)
    for i, key in zip(repeated, keys):
        if key in first:
            out.add(i, "indicator", f"与第{out.table.rows[first[key]]}行重复（同一地区、指标、年份和分组）")
        else:
            first[key] = i


def validate_table(table: RawTable, *, indicators: dict[str, str] | None = None,
                   plan_years: tuple[int, int] = (2020, 2030), region: str | None = None,
                   ) -> tuple[pd.DataFrame, list[TianpingError]]:
    """Turn one raw table into observations; return them with every problem found."""
    raw = table.frame.copy()
    if region is not None and "region" not in raw:
        raw["region"] = region
    problems = _check_columns(table, raw.columns)
    if problems:
        return pd.DataFrame(columns=COLUMNS), problems
    out = _Collector(table)
    names = _each(raw["indicator"].tolist(), canonical_name)
    regions = _each(raw["region"].tolist(), canonical_name)
    for i, (name, place) in enumerate(zip(names, regions)):
        if not name:
            out.add(i, "indicator", "指标名称为空")
        if not place:
            out.add(i, "region", "地区为空")
    units = _units(raw, names, indicators, out)
    if indicators is None:
        _check_unit_consistency(names, units, out)
    marks = [""] * len(raw)
    empty = pd.Series([None] * len(raw))
    frame = pd.DataFrame({
        "region": regions,
        "indicator": names,
        "year": _years(raw["year"], plan_years, out),
        "sex": _dimension(raw.get("sex", empty), SEX, "性别", out, "sex"),
        "age": _each(raw.get("age", empty).tolist(), lambda c: "" if _text(c).lower() in TOTAL_WORDS else _text(c)),
        "residence": _dimension(raw.get("residence", empty), RESIDENCE, "城乡", out, "residence"),
        "value": _numbers(raw["value"], units, "value", out, marks),
        "numerator": _numbers(raw.get("numerator", empty), units, "numerator", out),
        "denominator": _numbers(raw.get("denominator", empty), units, "denominator", out),
        "unit": units,
    })
    notes = _each(raw.get("note", empty).tolist(), lambda c: "" if _is_blank(c) else str(c).strip())  # as written
    _check_ranges(frame, out)
    _reconcile_rates(frame, raw["value"], notes, out)
    for i in np.flatnonzero(frame["value"].isna().to_numpy()).tolist():  # kept, counted, and said so in the note
        notes[i] = _join_note(notes[i], f"无数据（原值“{marks[i]}”）" if marks[i] else "无数据（空白）")
    frame["note"] = notes
    _check_duplicates(frame, out)
    for extra in [c for c in raw.columns if c not in COLUMNS]:
        frame[extra] = raw[extra].to_numpy()
    return frame, sorted(out.errors, key=lambda e: (e.where.row or 0) if e.where else 0)


def finish(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Concatenate validated tables with stable dtypes (year int, numbers float, text str)."""
    frame = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=COLUMNS)
    frame["year"] = frame["year"].astype("int64")
    for column in ("value", "numerator", "denominator"):
        frame[column] = frame[column].astype("float64")
    if "synthetic" in frame:
        frame["synthetic"] = _each(frame["synthetic"].tolist(), lambda x: _text(x).lower() in ("true", "1", "是", "yes"))
    return frame


def load_observations(source, *, indicators: dict[str, str] | None = None,
                      plan_years: tuple[int, int] = (2020, 2030), region: str | None = None,
                      max_bytes: int = MAX_BYTES) -> pd.DataFrame:
    """Load and validate observations from a CSV/XLSX path or a DataFrame.

    ``indicators`` maps each known indicator name to its unit; rows naming another
    indicator or another unit are errors, and a blank unit cell takes the
    indicator's. ``region`` fills a file that has no region column; ``max_bytes``
    caps the file size (50 MB). Raises ``InputErrors`` listing every problem;
    returns nothing half-checked.
    """
    tables = read_tables(source, max_bytes)
    frames, errors = [], []
    for table in tables:
        frame, problems = validate_table(table, indicators=indicators, plan_years=plan_years, region=region)
        frames.append(frame)
        errors.extend(problems)
    if not errors and len(tables) > 1:
        errors = _cross_table_duplicates(tables, frames)
    if errors:
        raise InputErrors(errors)
    return finish(frames)


def _cross_table_duplicates(tables: list[RawTable], frames: list[pd.DataFrame]) -> list[TianpingError]:
    """The same observation on two sheets is as much a duplicate as on one."""
    seen: dict[tuple, tuple[str, int]] = {}
    errors = []
    for table, frame in zip(tables, frames):
        for row, key in zip(table.rows, frame[KEY].itertuples(index=False, name=None)):
            if key in seen:
                sheet, first_row = seen[key]
                where = Location(file=table.file, sheet=table.sheet, row=row)
                errors.append(TianpingError(f"与工作表“{sheet}”第{first_row}行重复（同一地区、指标、年份和分组）", where))
            else:
                seen[key] = (table.sheet, row)
    return errors


def observations_summary(frame: pd.DataFrame) -> dict:
    """Counts an import screen shows: rows, values, missing, years, series per indicator."""
    has_value = frame["value"].notna()
    per_indicator = (frame.assign(has_value=has_value)
                     .groupby("indicator", sort=False)
                     .agg(unit=("unit", "first"), rows=("value", "size"), values=("has_value", "sum"),
                          first_year=("year", "min"), last_year=("year", "max"),
                          sexes=("sex", lambda s: "、".join(sorted({x or "合计" for x in s}))))
                     .reset_index())
    per_indicator["missing"] = per_indicator["rows"] - per_indicator["values"]
    return {
        "rows": len(frame),
        "values": int(has_value.sum()),
        "missing": int((~has_value).sum()),
        "regions": sorted(frame["region"].unique().tolist()),
        "indicators": int(frame["indicator"].nunique()),
        "years": (int(frame["year"].min()), int(frame["year"].max())) if len(frame) else None,
        "sex_disaggregated": sorted(frame.loc[frame["sex"] != "", "indicator"].unique().tolist()),
        "synthetic": bool(frame["synthetic"].any()) if "synthetic" in frame else False,
        "per_indicator": per_indicator,
    }
