"""The data visualizer's pivot table, in the manner of DHIS2's: indicators × regions × years ×
one breakdown (sex, age group or 城镇/农村), laid out with one dimension across the columns and
the others down the rows, and the chart drawn from the same table.

Pure: the web layer (tianping.web.analysis) loads the values a user may see and calls
``build``; ``to_xlsx`` writes the table. Numbers are never formatted here for a person to
read except through ``tianping.core.figures`` (chart labels), and the workbook keeps them
as numbers.

Rules:
* A breakdown applies to an indicator only when its catalogue entry allows it
  (``IndicatorInfo.breakdowns``); otherwise the indicator shows its total, with a note.
* A women-only indicator never has a male series, whatever the stored data hold.
* A row has the indicator's unit; a region whose indicator is in another unit is left out
  with a note (values in different units are never put side by side).
"""

from __future__ import annotations

import io
from dataclasses import asdict, dataclass, field

from tianping.core.axes import nice, y_limits
from tianping.core.export import safe_cell
from tianping.core.figures import figure
from tianping.core.observations import normalize_unit

BREAKDOWNS = ("", "sex", "age", "residence")
BREAKDOWN_LABELS = {"": "合计（不分组）", "sex": "性别", "age": "年龄组", "residence": "城乡"}
DIMENSIONS = ("indicator", "region", "year", "series")
DIMENSION_LABELS = {"indicator": "指标", "region": "地区", "year": "年份", "series": "分组"}
COLUMN_CHOICES = ("year", "region", "series")
CHARTS = ("line", "bar")
CHART_LABELS = {"line": "折线图", "bar": "柱状图"}
SEX_LABELS = {"": "合计", "女": "女性", "男": "男性"}
RESIDENCE_ORDER = ("", "城镇", "农村")
MAX_INDICATORS, MAX_REGIONS, MAX_YEARS = 20, 60, 30
TOTAL = "合计"


@dataclass(frozen=True)
class IndicatorInfo:
    """What the visualizer knows of a (logical) indicator: its key, name, unit, and the
    breakdowns its catalogue entry allows (sex only when both sexes are counted)."""

    key: str
    name: str
    unit: str
    breakdowns: tuple[str, ...] = ()
    women_only: bool = False


@dataclass(frozen=True)
class Value:
    indicator: str          # IndicatorInfo.key
    region: str             # region code
    year: int
    sex: str = ""
    age: str = ""
    residence: str = ""
    value: float | None = None
    unit: str | None = None     # the unit of the region's indicator (None: the key's)
    synthetic: bool = False


@dataclass
class Choice:
    """What the user picked; kept as JSON in a favourite (``as_dict`` / ``from_dict``)."""

    indicators: list[str] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)
    years: list[int] = field(default_factory=list)
    breakdown: str = ""
    columns: str = "year"
    chart: str = "line"

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: object) -> Choice:
        """A choice from stored or submitted data: unknown values dropped, lists bounded."""
        data = data if isinstance(data, dict) else {}

        def texts(key, limit):
            raw = data.get(key) or []
            raw = raw if isinstance(raw, list) else [raw]
            out: list[str] = []
            for item in raw:
                text = str(item).strip()[:120]
                if text and text not in out:
                    out.append(text)
            return out[:limit]

        years = []
        for item in texts("years", MAX_YEARS):
            try:
                year = int(item)
            except ValueError:
                continue
            if 1949 <= year <= 2100 and year not in years:
                years.append(year)
        breakdown = str(data.get("breakdown")) if data.get("breakdown") in BREAKDOWNS else ""
        columns = str(data.get("columns")) if data.get("columns") in COLUMN_CHOICES else "year"
        chart = str(data.get("chart")) if data.get("chart") in CHARTS else "line"
        return cls(texts("indicators", MAX_INDICATORS), texts("regions", MAX_REGIONS), sorted(years),
                   breakdown, columns, chart)

    @property
    def complete(self) -> bool:
        return bool(self.indicators and self.regions)


@dataclass
class Row:
    labels: list[str]                 # one per row dimension
    unit: str
    cells: list[float | None]
    indicator: str = ""               # key, for the chart's grouping


@dataclass
class Pivot:
    choice: Choice
    row_dimensions: list[str]         # DIMENSIONS minus the column one, in order
    columns: list[str]                # column headers (years as text, region names, series)
    rows: list[Row]
    notes: list[str] = field(default_factory=list)
    synthetic: bool = False

    @property
    def row_headers(self) -> list[str]:
        return [DIMENSION_LABELS[d] for d in self.row_dimensions]

    @property
    def empty(self) -> bool:
        return not self.rows


def breakdown_for(info: IndicatorInfo, breakdown: str) -> str:
    """The breakdown the indicator is shown by: the one asked for if its catalogue allows it."""
    if breakdown == "sex" and info.women_only:
        return ""
    return breakdown if breakdown in info.breakdowns else ""


def series_of(info: IndicatorInfo, v: Value, breakdown: str) -> str | None:
    """The series a stored cell belongs to under ``breakdown`` (None: not shown).

    Only the cells of the one breakdown count (the others at their total), so a value is
    never shown twice; a male cell of a women-only indicator is never shown."""
    if v.sex == "男" and info.women_only:
        return None
    if breakdown == "":
        return TOTAL if not (v.sex or v.age or v.residence) else None
    if breakdown == "sex":
        return SEX_LABELS.get(v.sex) if not (v.age or v.residence) else None
    if breakdown == "age":
        return (v.age or TOTAL) if not (v.sex or v.residence) else None
    if breakdown == "residence":
        return (v.residence or TOTAL) if not (v.sex or v.age) else None
    return None


def _series_order(label: str) -> tuple:
    fixed = [TOTAL, "女性", "男性", "城镇", "农村"]
    if label in fixed:
        return (0, fixed.index(label), "")
    digits = "".join(ch if ch.isdigit() else " " for ch in label).split()
    return (1, int(digits[0]) if digits else 999, label)


def build(choice: Choice, infos: dict[str, IndicatorInfo], region_names: dict[str, str],
          values: list[Value]) -> Pivot:
    """The pivot table of ``values`` (already limited to what the user may see) for ``choice``.

    ``infos`` and ``region_names`` are the indicators and regions the user may pick; anything in
    the choice outside them is left out (and said in a note)."""
    notes: list[str] = []
    indicators = [k for k in choice.indicators if k in infos]
    regions = [c for c in choice.regions if c in region_names]
    if len(indicators) < len(choice.indicators):
        notes.append(f"{len(choice.indicators) - len(indicators)}项所选指标不存在或无权查看，已略去")
    if len(regions) < len(choice.regions):
        notes.append(f"{len(choice.regions) - len(regions)}个所选地区不存在或无权查看，已略去")
    years_wanted = set(choice.years)
    shown_by = {k: breakdown_for(infos[k], choice.breakdown) for k in indicators}
    if choice.breakdown:
        plain = [infos[k].name for k in indicators if shown_by[k] != choice.breakdown]
        if plain:
            what = BREAKDOWN_LABELS[choice.breakdown]
            notes.append(f"按指标目录，以下指标不分{what}，仅显示合计：{'、'.join(plain)}")
    wanted_i, wanted_r = set(indicators), set(regions)
    cells: dict[tuple[str, str, int, str], float] = {}
    units: dict[tuple[str, str], str] = {}
    other_unit: dict[tuple[str, str], str] = {}
    synthetic = False
    for v in values:
        if v.indicator not in wanted_i or v.region not in wanted_r or v.value is None:
            continue
        if years_wanted and v.year not in years_wanted:
            continue
        info = infos[v.indicator]
        series = series_of(info, v, shown_by[v.indicator])
        if series is None:
            continue
        unit = info.unit if v.unit is None else v.unit
        if normalize_unit(unit) != normalize_unit(info.unit):
            other_unit[(v.indicator, v.region)] = unit
            continue
        units[(v.indicator, v.region)] = unit
        cells[(v.indicator, v.region, v.year, series)] = v.value
        synthetic = synthetic or v.synthetic
    for (key, code), unit in sorted(other_unit.items()):
        notes.append(f"{region_names[code]}的“{infos[key].name}”单位为“{unit}”，与“{infos[key].unit}”不同，未列入")
    years = sorted(years_wanted or {k[2] for k in cells})
    series_all = sorted({k[3] for k in cells}, key=_series_order)
    axes: dict[str, list] = {"indicator": indicators, "region": regions, "year": years, "series": series_all}
    col_dim = choice.columns
    row_dims = [d for d in DIMENSIONS if d != col_dim]
    columns = axes[col_dim]
    rows: list[Row] = []

    def label(dim, item) -> str:
        return {"indicator": lambda: infos[item].name, "region": lambda: region_names[item],
                "year": lambda: str(item), "series": lambda: str(item)}[dim]()

    def combos(dims, fixed):
        if not dims:
            yield fixed
            return
        for item in axes[dims[0]]:
            yield from combos(dims[1:], {**fixed, dims[0]: item})

    for combo in combos(row_dims, {}):
        out = []
        for item in columns:
            at = {**combo, col_dim: item}
            out.append(cells.get((at["indicator"], at["region"], at["year"], at["series"])))
        if all(c is None for c in out):
            continue
        rows.append(Row([label(d, combo[d]) for d in row_dims], infos[combo["indicator"]].unit, out,
                        combo["indicator"]))
    if not rows and indicators and regions:
        notes.append("所选范围内没有数据")
    return Pivot(choice, row_dims, [label(col_dim, c) for c in columns], rows, notes, synthetic)


def chart_data(pivot: Pivot, title: str = "") -> dict:
    """The chart of the table: the columns along the x axis, one series per row. Every value
    comes with its label from core.figures (the tooltip shows that, never a raw float)."""
    series = []
    for row in pivot.rows:
        series.append({"name": " · ".join(row.labels) + (f"（{row.unit}）" if row.unit else ""),
                       "data": row.cells, "labels": [figure(v, row.unit) for v in row.cells]})
    units = sorted({row.unit for row in pivot.rows})
    unit = units[0] if len(units) == 1 else ""
    values = [v for row in pivot.rows for v in row.cells if v is not None]
    # one unit: the y axis by the project's one rule (core.axes: shares, rates, counts from zero)
    limits = nice(*y_limits(values, unit)) if values and len(units) == 1 else None
    return {"type": pivot.choice.chart, "title": title, "x": pivot.columns, "series": series, "unit": unit,
            "y": {"min": limits[0], "max": limits[1]} if limits else None, "synthetic": pivot.synthetic}


def to_xlsx(pivot: Pivot, title: str = "透视表") -> bytes:
    """The table as a workbook: sheet 透视表 (dimensions, unit, one column per column header,
    values as numbers) and sheet 说明 (the choice, notes, whether the data are synthetic).
    Text that a spreadsheet would run as a formula is quoted (core.export.safe_cell)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    assert sheet is not None, "a new workbook has one sheet"
    sheet.title = "透视表"
    header = [*pivot.row_headers, "单位", *pivot.columns]
    sheet.append([safe_cell(h) for h in header])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in pivot.rows:
        sheet.append([safe_cell(x) for x in row.labels] + [safe_cell(row.unit)] + list(row.cells))
    for i, h in enumerate(header, 1):
        width = 28 if i == 1 else max(8, min(24, len(str(h)) * 2 + 2))
        sheet.column_dimensions[get_column_letter(i)].width = width
    sheet.freeze_panes = f"{get_column_letter(len(pivot.row_headers) + 2)}2"
    notes = book.create_sheet("说明")
    notes.append(["项目", "内容"])
    notes.append(["标题", safe_cell(title)])
    notes.append(["分组", BREAKDOWN_LABELS[pivot.choice.breakdown]])
    notes.append(["列", DIMENSION_LABELS[pivot.choice.columns]])
    notes.append(["数据性质", "含合成演示数据" if pivot.synthetic else "统计局审核数据及导入的历史数据"])
    for note in pivot.notes:
        notes.append(["说明", safe_cell(note)])
    notes.column_dimensions["A"].width, notes.column_dimensions["B"].width = 12, 80
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
