"""`tianping catalogue list | show CODE | export FILE`: the indicator catalogue
(tianping/core/catalogue/indicators.toml) for the office and for review."""

from __future__ import annotations

# In-function imports here are deliberate: Django and tianping.web load only after the command has
# configured Django (common.setup_django), and the reports, pandas, openpyxl and cryptography only
# for the commands that use them, so `tianping plan …` starts without them.
import csv
import io
from pathlib import Path

import click

from tianping.core.catalogue import (
    DISAGGREGATION_LABELS,
    KIND_LABELS,
    POPULATION_LABELS,
    Entry,
    load_catalogue,
)
from tianping.core.figures import dated_target, number

COLUMNS = ["编码", "名称", "别名", "纲要", "领域", "类型", "单位", "倍数", "分子", "分母", "人群", "年龄段", "分组",
           "合理范围", "方向", "牵头单位", "配合单位", "数据来源", "定义", "国家目标", "国家目标出处"]
WIDTHS = [8, 30, 40, 8, 14, 6, 8, 8, 24, 20, 14, 10, 12, 12, 6, 12, 20, 20, 40, 24, 40]


def national_label(entry: Entry, target) -> str:
    """"2030年3‰以下", "2030年比2020年降低20%": a national target as the outline says it."""
    unit = "%" if target.op.startswith("relative_") else entry.unit
    return dated_target(target.year, target.op, target.value, unit, base_year=target.base_year)


def entry_row(entry: Entry) -> list:
    """One row per entry in COLUMNS order (for CSV, Excel and the web page's export)."""
    national = "；".join(national_label(entry, t) for t in entry.national)
    return [entry.code, entry.name, "、".join(entry.aliases), "妇女" if entry.outline == "women" else "儿童",
            entry.area, KIND_LABELS[entry.kind], entry.unit, "" if entry.multiplier is None else number(entry.multiplier),
            entry.numerator, entry.denominator, POPULATION_LABELS[entry.population], entry.age_band,
            "、".join(DISAGGREGATION_LABELS[d] for d in entry.disaggregations), entry.range_label,
            "越高越好" if entry.direction == "up" else "越低越好", entry.lead, "、".join(entry.cooperating),
            entry.source, entry.definition, national, "；".join(dict.fromkeys(t.document for t in entry.national))]


def to_csv(entries) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    writer.writerows(entry_row(e) for e in entries)
    return buffer.getvalue()


def to_xlsx(entries) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    from tianping.core.export import safe_cell

    book = Workbook()
    sheet = book.active
    sheet.title = "指标目录"
    sheet.append(COLUMNS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for entry in entries:
        sheet.append([safe_cell(v) for v in entry_row(entry)])
    sheet.freeze_panes = "C2"
    sheet.auto_filter.ref = sheet.dimensions
    for i, width in enumerate(WIDTHS, 1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@click.group("catalogue")
def catalogue():
    """指标目录：每个指标的定义、单位、人群、分组、合理范围、责任单位和国家目标。"""


@catalogue.command("list")
@click.option("--outline", type=click.Choice(["women", "children"]), help="只列出妇女（women）或儿童（children）纲要的指标")
def list_entries(outline: str | None):
    """列出指标目录：编码、名称、单位、人群、分组、牵头单位。"""
    cat = load_catalogue()
    entries = [e for e in cat if not outline or e.outline == outline]
    for e in entries:
        groups = "、".join(DISAGGREGATION_LABELS[d] for d in e.disaggregations) or "不分组"
        click.echo(f"{e.code}\t{e.name}\t{e.unit}\t{POPULATION_LABELS[e.population]}\t{groups}\t{e.lead}")
    with_target = sum(1 for e in entries if e.national)
    click.echo(f"共{len(entries)}个指标，其中{with_target}个有国家目标（目录版本 {cat.version}）", err=True)


@catalogue.command("show")
@click.argument("code")
def show(code: str):
    """显示一个指标的全部信息。"""
    entry = load_catalogue().get(code.strip().upper())
    if entry is None:
        raise click.ClickException(f"指标目录中没有编码“{code}”（用 tianping catalogue list 查看全部编码）")
    for label, value in zip(COLUMNS, entry_row(entry)):
        if value not in ("", None):
            click.echo(f"{label}：{value}")
    for target in entry.national:
        click.echo(f"  国家目标原文：{target.text}（{target.document}）")


@catalogue.command("export")
@click.argument("output", type=click.Path(dir_okay=False, path_type=Path))
def export(output: Path):
    """导出指标目录为 Excel（.xlsx）或 CSV（.csv）文件。"""
    entries = list(load_catalogue())
    suffix = output.suffix.lower()
    if suffix == ".xlsx":
        output.write_bytes(to_xlsx(entries))
    elif suffix == ".csv":
        output.write_text(to_csv(entries), encoding="utf-8-sig")
    else:
        raise click.ClickException("导出文件须以 .xlsx 或 .csv 结尾")
    click.echo(f"已导出{len(entries)}个指标到 {output}", err=True)
