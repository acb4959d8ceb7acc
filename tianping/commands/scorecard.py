"""`tianping scorecard`: the 目标管理责任制 scorecards of a region's member departments for
a year, recomputed from the stored data (the web project's database), as a table, JSON,
Excel or Word."""

from __future__ import annotations

# In-function imports here are deliberate: Django and tianping.web load only after the command has
# configured Django (common.setup_django), and the reports, pandas, openpyxl and cryptography only
# for the commands that use them, so `tianping plan …` starts without them.
import json
import os
from pathlib import Path

import click


@click.command("scorecard")
@click.option("--region", "region_code", default="210203", show_default=True, help="行政区划代码")
@click.option("--year", type=click.IntRange(2000, 2100), required=True, help="考核年度")
@click.option("--plan", "plan_id", type=int, help="只计某一规划（编号）；默认本地区现行全部规划")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "xlsx", "docx"]), default="table",
              show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="输出文件（xlsx/docx 必需）")
def scorecard(region_code, year, plan_id, fmt, output):
    """按存储数据计算各成员单位的目标管理责任制考核得分。"""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tianping.web.settings")
    import django

    django.setup()
    from tianping.web.accountability import exports, services
    from tianping.web.monitoring.services import applicable_plans
    from tianping.web.orgs.models import Region

    region = Region.objects.filter(code=region_code).first()
    if region is None:
        raise click.ClickException(f"找不到行政区划代码为 {region_code} 的地区")
    plan = None
    if plan_id is not None:
        plan = applicable_plans(region).filter(pk=plan_id).first()
        if plan is None:
            raise click.ClickException(f"规划 {plan_id} 不是{region.name}现行的规划")
    if fmt in ("xlsx", "docx") and not output:
        raise click.ClickException(f"--format {fmt} 需要用 --output 指定输出文件")
    board = services.scorecards(region, year, plan)
    if fmt == "xlsx":
        Path(output).write_bytes(exports.to_xlsx(board))
    elif fmt == "docx":
        Path(output).write_bytes(exports.to_docx(board))
    elif fmt == "json":
        _write(json.dumps(_as_json(board), ensure_ascii=False, indent=2), output)
    else:
        _write(_as_table(board), output)
    if output:
        click.echo(f"已写入 {output}（{len(board.cards)}个成员单位）", err=True)


def _write(text: str, output) -> None:
    if output:
        Path(output).write_text(text + "\n", encoding="utf-8")
    else:
        click.echo(text)


def _as_json(board) -> dict:
    return {
        "region": board.region.code, "year": board.year, "plan": board.plan.pk if board.plan else None,
        "as_of": board.as_of.isoformat(), "rule": board.rule.as_dict(), "rule_set_by_office": board.rule_stored,
        "assessment_years": board.source.years, "synthetic": board.source.synthetic,
        "departments": [{
            "rank": place, "department": card.department, "total": card.total, "grade": card.grade,
            "indicators": len(card.indicators), "measures": len(card.measures),
            "overdue_corrections": len(card.overdue_corrections),
            "components": {c.key: {"weight": c.weight, "score": c.score, "detail": c.detail} for c in card.components},
        } for place, card in board.ranked]}


def _as_table(board) -> str:
    from tianping.web.accountability import exports

    head, rows = exports.header(board), exports.rows(board)
    widths = [max(_width(r[i]) for r in [head, *rows]) for i in range(len(head))]
    lines = [exports.title(board), ""]
    for row in [head, *rows]:
        lines.append("  ".join(cell + " " * (w - _width(cell)) for cell, w in zip(row, widths)).rstrip())
    return "\n".join(lines + [""] + exports.notes(board))


def _width(text: str) -> int:
    """Display width: CJK characters take two columns."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)
