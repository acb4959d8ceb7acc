"""The per-department Excel template for the annual data collection, written and read
with openpyxl. Pure Python, no Django.

``write_template(meta, rows)`` gives the .xlsx bytes: a Chinese instructions sheet,
the data sheet "数据填报" (one row per indicator × disaggregation cell, headers and
labels locked by sheet protection, only value/numerator/denominator/note cells
unlocked, data validation on them, indicator names merged over their rows) and a
very hidden sheet "_tianping" with the round, department and format version. Two
hidden columns carry each row's indicator id and the value's version at download,
so an upload of an old template cannot silently overwrite a newer value.

``read_template(data, filename)`` checks the file (``check_upload``: .xlsx only, no
macros, size and zip-bomb limits; ``scan_sheets``: every sheet's real and declared extent
bounded before any row is built, then values read only up to that extent) and returns the
rows with every problem as a ``TianpingError`` naming sheet, row and column. It tolerates merged cells, numbers
stored as text, full-width digits, "—"/"**"/blank for no data.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from tianping.core.errors import Location, TianpingError
from tianping.core.export import safe_cell
from tianping.core.safezip import check_zip
from tianping.core.sheetbounds import SheetScan, scan_sheets
from tianping.core.validation import Cell, parse_cell

FORMAT = "tianping-collection-1"
DATA_SHEET = "数据填报"
HELP_SHEET = "填报说明"
META_SHEET = "_tianping"
MAX_BYTES = 10 * 1024 * 1024
MAX_UNPACKED = 100 * 1024 * 1024
NOTE_MAX = 500

# (key, header, width); the first two columns are hidden identifiers.
COLUMNS = [
    ("indicator_id", "指标编号", 8), ("version", "版本", 6), ("number", "序号", 6), ("name", "指标名称", 40),
    ("unit", "单位", 8), ("sex", "性别", 7), ("age", "年龄组", 10), ("residence", "城乡", 7),
    ("previous", "上年数值", 11), ("value", "本年数值", 11), ("numerator", "分子", 11),
    ("denominator", "分母", 11), ("note", "备注/说明", 36),
]
COL = {key: i + 1 for i, (key, _, _) in enumerate(COLUMNS)}
LETTER = {key: get_column_letter(i) for key, i in COL.items()}
HEADER_ROW = 2
FIRST_ROW = 3
EDITABLE = ("value", "numerator", "denominator", "note")
SEX_IN = {"": "", "合计": "", "总计": "", "女": "女", "女性": "女", "男": "男", "男性": "男"}
RES_IN = {"": "", "合计": "", "总计": "", "城镇": "城镇", "城市": "城镇", "农村": "农村", "乡村": "农村"}

INSTRUCTIONS = [
    "填报说明",
    "1. 本表由天平系统为本单位生成，只列出本单位负责的监测指标；请在“数据填报”工作表填写本年数值。",
    "2. 只能填写白色单元格：本年数值、分子、分母、备注/说明；表头、指标名称、单位和分组已锁定，请勿修改。",
    "3. 有分子分母的指标（如比率）请填写分子和分母，系统自动计算本年数值；也可只填本年数值。",
    "4. 无数据请留空或填“—”；数字可按文本输入，全角数字亦可识别；比例填百分数的数值（如95.5，不要填0.955）。",
    "5. 分性别、年龄组、城乡的指标：各分组之和应与合计相等（人数等计数指标）；比例的合计应介于各分组之间。",
    "6. 与上年相比变化较大的数值，请在“备注/说明”中写明原因，否则不能提交审核。",
    "7. 请勿增删行、改动隐藏列或隐藏工作表；上传后系统先显示导入预览（新增、修改、未变、错误），确认后才一次性导入。",
    "8. 若模板下载后数据已被他人在线修改，相应单元格的导入会被拒绝，请重新下载模板。",
]


@dataclass
class TemplateMeta:
    round_id: int
    department_id: int
    region_code: str
    region_name: str
    department_name: str
    year: int
    deadline: str = ""


@dataclass
class TemplateRow:
    indicator_id: int
    number: int
    name: str
    unit: str
    cell: Cell = field(default_factory=Cell)
    has_counts: bool = False
    previous: float | None = None
    value: float | None = None
    numerator: float | None = None
    denominator: float | None = None
    note: str = ""
    version: int = 0


@dataclass
class ReadRow:
    indicator_id: int
    cell: Cell
    value: float | None
    numerator: float | None
    denominator: float | None
    note: str
    version: int | None
    unit: str
    row: int
    sheet: str = DATA_SHEET


@dataclass
class ReadResult:
    meta: dict
    rows: list[ReadRow]
    errors: list[TianpingError]


# ---------------------------------------------------------------- writing

def write_template(meta: TemplateMeta, rows: list[TemplateRow], password: str = "tianping") -> bytes:
    wb = Workbook()
    help_ws = wb.active
    assert help_ws is not None, "a new workbook has one sheet"
    help_ws.title = HELP_SHEET
    help_ws["A1"] = f"{meta.region_name}{meta.year}年度妇女儿童发展规划监测数据填报模板（{meta.department_name}）"
    help_ws["A1"].font = Font(bold=True, size=14)
    for i, line in enumerate(INSTRUCTIONS[1:], start=3):
        help_ws.cell(row=i, column=1, value=line).alignment = Alignment(wrap_text=True)
    if meta.deadline:
        help_ws.cell(row=len(INSTRUCTIONS) + 3, column=1, value=f"报送截止日期：{meta.deadline}").font = Font(bold=True)
    help_ws.column_dimensions["A"].width = 110
    help_ws.protection.sheet = True
    help_ws.protection.password = password

    ws = wb.create_sheet(DATA_SHEET)
    wb.active = 1
    thin = Side(style="thin", color="999999")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    locked_fill = PatternFill("solid", fgColor="EEEEEE")
    header_fill = PatternFill("solid", fgColor="D9E2F3")
    ws.cell(row=1, column=1, value=f"{meta.region_name} {meta.year}年度监测数据 · {meta.department_name}").font = Font(bold=True)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(COLUMNS))
    for col in COL.values():
        header, width = COLUMNS[col - 1][1], COLUMNS[col - 1][2]
        c = ws.cell(row=HEADER_ROW, column=col, value=header)
        c.font, c.fill, c.border = Font(bold=True), header_fill, border
        c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.column_dimensions[LETTER["indicator_id"]].hidden = True
    ws.column_dimensions[LETTER["version"]].hidden = True
    ws.freeze_panes = ws.cell(row=FIRST_ROW, column=COL["previous"])

    # Numbers or a no-data mark in value cells; notes up to NOTE_MAX characters.
    number_rule = DataValidation(type="custom", allow_blank=True, showErrorMessage=True,
                                 errorTitle="请填写数字", error="请填写数字；无数据请留空或填“—”。",
                                 promptTitle="本年数值", prompt="填写数字；无数据留空或填“—”", showInputMessage=True)
    note_rule = DataValidation(type="textLength", operator="lessThanOrEqual", formula1=str(NOTE_MAX),
                               allow_blank=True, showErrorMessage=True, errorTitle="备注过长",
                               error=f"备注不超过{NOTE_MAX}字。")
    ws.add_data_validation(number_rule)
    ws.add_data_validation(note_rule)

    r = FIRST_ROW
    last_row = FIRST_ROW + len(rows) - 1
    if rows:
        first = f"{LETTER['value']}{FIRST_ROW}"
        number_rule.formula1 = f'OR(ISNUMBER({first}),{first}="—",{first}="**",{first}="-")'
        number_rule.add(f"{LETTER['value']}{FIRST_ROW}:{LETTER['denominator']}{last_row}")
        note_rule.add(f"{LETTER['note']}{FIRST_ROW}:{LETTER['note']}{last_row}")
    group_start = FIRST_ROW
    for i, row in enumerate(rows):
        values = {
            "indicator_id": row.indicator_id, "version": row.version, "number": row.number,
            "name": safe_cell(row.name or ""), "unit": safe_cell(row.unit or ""), "sex": row.cell.sex or "合计",
            "age": row.cell.age or "合计", "residence": row.cell.residence or "合计", "previous": row.previous,
            "value": row.value, "numerator": row.numerator, "denominator": row.denominator,
            "note": safe_cell(row.note or ""),
        }
        for key, col in COL.items():
            c = ws.cell(row=r, column=col, value=values[key])
            c.border = border
            editable = key in ("value", "note") or (key in ("numerator", "denominator") and row.has_counts)
            c.protection = Protection(locked=not editable)
            if not editable:
                c.fill = locked_fill
        nxt = rows[i + 1] if i + 1 < len(rows) else None
        if nxt is None or nxt.indicator_id != row.indicator_id:
            if r > group_start:  # the indicator's labels merged over its rows, as people lay out such tables
                for key in ("number", "name", "unit"):
                    ws.merge_cells(start_row=group_start, start_column=COL[key], end_row=r, end_column=COL[key])
                    ws.cell(row=group_start, column=COL[key]).alignment = Alignment(vertical="center", wrap_text=True)
            group_start = r + 1
        r += 1
    ws.protection.sheet = True
    ws.protection.password = password
    ws.protection.formatColumns = False  # widths may be changed
    ws.protection.formatRows = False

    meta_ws = wb.create_sheet(META_SHEET)
    for i, (key, value) in enumerate([("format", FORMAT), ("round_id", meta.round_id),
                                      ("department_id", meta.department_id), ("region_code", meta.region_code),
                                      ("year", meta.year)], start=1):
        meta_ws.cell(row=i, column=1, value=key)
        meta_ws.cell(row=i, column=2, value=value)
    meta_ws.sheet_state = "veryHidden"
    meta_ws.protection.sheet = True
    meta_ws.protection.password = password

    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# ---------------------------------------------------------------- reading

def check_upload(filename: str, data: bytes, max_bytes: int = MAX_BYTES) -> None:
    """Refuse anything that is not a plain .xlsx workbook of reasonable size."""
    name = filename or "上传文件"
    lower = name.lower()
    if lower.endswith((".xlsm", ".xltm", ".xlam", ".xlsb")):
        raise TianpingError("含宏的工作簿（.xlsm 等）不予接收，请另存为 .xlsx 后上传", Location(file=name))
    if lower.endswith(".xls"):
        raise TianpingError("不支持旧版 .xls 格式，请另存为 .xlsx 后上传", Location(file=name))
    if not lower.endswith(".xlsx"):
        raise TianpingError("只接收 .xlsx 格式的填报模板", Location(file=name))
    if len(data) > max_bytes:
        raise TianpingError(f"文件大小{len(data) / 1048576:.1f} MB，超过上限{max_bytes / 1048576:.0f} MB", Location(file=name))
    if not data.startswith(b"PK"):
        raise TianpingError("文件已损坏或不是Excel工作簿", Location(file=name))
    check_zip(data, Location(file=name))  # zip bombs: declared sizes and ratios, nothing inflated
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            infos = z.infolist()
            if sum(i.file_size for i in infos) > MAX_UNPACKED:
                raise TianpingError("文件解压后过大，拒绝读取", Location(file=name))
            names = [i.filename.lower() for i in infos]
            content_types = z.read("[Content_Types].xml") if "[content_types].xml" in names else b""
    except TianpingError:
        raise
    except Exception:  # BadZipFile, zlib.error, NotImplementedError …: a damaged package, not a 500
        raise TianpingError("文件已损坏或不是Excel工作簿", Location(file=name)) from None
    if any(n.endswith("vbaproject.bin") for n in names) or b"macroEnabled" in content_types:
        raise TianpingError("工作簿含有宏，不予接收，请另存为不含宏的 .xlsx 后上传", Location(file=name))


def _sheet_values(data: bytes, scans: dict[str, SheetScan], names: tuple[str, ...]) -> dict[str, dict]:
    """{sheet: {(row, column): value}} of the non-empty cells, read only up to each sheet's real extent."""
    wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        grids = {}
        for name in names:
            scan = scans[name]
            grid: dict[tuple[int, int], object] = {}
            if scan.max_row:
                rows = wb[name].iter_rows(min_row=1, max_row=scan.max_row, max_col=scan.max_column, values_only=True)
                for r, values in enumerate(rows, start=1):
                    grid.update(((r, c), v) for c, v in enumerate(values, start=1) if v is not None)
            grids[name] = grid
        return grids
    finally:
        wb.close()


def _merged_values(grid: dict, merges) -> tuple[dict[tuple[int, int], object], dict[tuple[int, int], str]]:
    """For every cell inside a merged range: the range's top-left value, and the range."""
    fill, ranges = {}, {}
    for min_row, min_col, max_row, max_col in merges:
        top = grid.get((min_row, min_col))
        coord = f"{get_column_letter(min_col)}{min_row}:{get_column_letter(max_col)}{max_row}"
        for row in range(min_row, max_row + 1):
            for col in range(min_col, max_col + 1):
                fill[(row, col)] = top
                if max_row > min_row:
                    ranges[(row, col)] = coord
    return fill, ranges


def _int(cell) -> int | None:
    value, err = parse_cell(cell)
    if err or value is None or not float(value).is_integer():
        return None
    return int(value)


def read_template(data: bytes, filename: str, max_bytes: int = MAX_BYTES) -> ReadResult:
    """Rows of an uploaded template and every problem found (nothing is half-read)."""
    check_upload(filename, data, max_bytes)
    scans = scan_sheets(data, filename)  # refuses an absurd extent before any row is built
    if META_SHEET not in scans or DATA_SHEET not in scans:
        raise TianpingError("这不是天平生成的填报模板（缺少“数据填报”或隐藏的标识工作表），请从系统下载模板后填写",
                            Location(file=filename))
    try:
        grids = _sheet_values(data, scans, (META_SHEET, DATA_SHEET))
    except Exception as exc:  # openpyxl raises many kinds for a broken package
        raise TianpingError(f"无法读取工作簿（{type(exc).__name__}），文件可能已损坏", Location(file=filename)) from None
    meta_grid, grid = grids[META_SHEET], grids[DATA_SHEET]
    meta = {str(meta_grid[(r, 1)]): meta_grid.get((r, 2))
            for r in range(1, scans[META_SHEET].max_row + 1) if meta_grid.get((r, 1))}
    if meta.get("format") != FORMAT:
        raise TianpingError("模板版本不符，请重新下载模板", Location(file=filename, sheet=META_SHEET))
    for key in ("round_id", "department_id", "year"):
        meta[key] = _int(meta.get(key))

    scan = scans[DATA_SHEET]
    errors: list[TianpingError] = []
    headers = {str(grid.get((HEADER_ROW, c)) or "").strip(): c for c in range(1, scan.max_column + 1)}
    col = {}
    for key, header, _ in COLUMNS:
        if header not in headers:
            errors.append(TianpingError(f"缺少表头“{header}”（请勿修改表头）",
                                        Location(file=filename, sheet=DATA_SHEET, row=HEADER_ROW)))
        else:
            col[key] = headers[header]
    if errors:
        return ReadResult(meta, [], errors)
    fill, merged = _merged_values(grid, scan.merges)
    formulas = scan.formulas

    def get(r, key):
        return fill.get((r, col[key]), grid.get((r, col[key])))

    rows: list[ReadRow] = []
    for r in range(FIRST_ROW, scan.max_row + 1):
        raw_id = get(r, "indicator_id")
        entered = [grid.get((r, col[k])) for k in EDITABLE]
        if raw_id in (None, "") and all(v in (None, "") for v in entered):
            continue

        def where(key, r=r):
            return Location(file=filename, sheet=DATA_SHEET, row=r, column=get_column_letter(col[key]))

        for key in EDITABLE:  # a formula is not a reported figure (and never runs here)
            if (r, col[key]) in formulas:
                errors.append(TianpingError("单元格含公式，请直接填写数值（可复制后“选择性粘贴—数值”）", where(key)))
        indicator_id = _int(raw_id)
        if indicator_id is None:
            errors.append(TianpingError("指标编号缺失或被改动（请勿增删行或修改隐藏列）", where("indicator_id")))
            continue
        sex_text = str(get(r, "sex") or "").strip()
        res_text = str(get(r, "residence") or "").strip()
        age_text = str(get(r, "age") or "").strip()
        if sex_text not in SEX_IN:
            errors.append(TianpingError(f"性别“{sex_text}”无法识别", where("sex")))
            continue
        if res_text not in RES_IN:
            errors.append(TianpingError(f"城乡“{res_text}”无法识别", where("residence")))
            continue
        unit = str(get(r, "unit") or "").strip()
        numbers = {}
        bad = False
        for key in ("value", "numerator", "denominator"):
            if (r, col[key]) in merged:
                errors.append(TianpingError(f"数值单元格不能跨行合并（{merged[(r, col[key])]}），请拆分后逐行填写", where(key)))
                bad = True
                continue
            number, err = parse_cell(grid.get((r, col[key])), unit)
            if err:
                errors.append(TianpingError(err, where(key)))
                bad = True
            numbers[key] = number
        note = grid.get((r, col["note"]))
        note = "" if note is None else str(note).strip()
        if note.startswith("'"):
            note = note[1:]
        if len(note) > NOTE_MAX:
            errors.append(TianpingError(f"备注超过{NOTE_MAX}字", where("note")))
            bad = True
        if bad:
            continue
        rows.append(ReadRow(indicator_id=indicator_id,
                            cell=Cell(SEX_IN[sex_text], "" if age_text in ("合计", "总计") else age_text, RES_IN[res_text]),
                            value=numbers["value"], numerator=numbers["numerator"],
                            denominator=numbers["denominator"], note=note, version=_int(get(r, "version")),
                            unit=unit, row=r))
    return ReadResult(meta, rows, errors)
