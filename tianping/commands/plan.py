"""`tianping plan parse FILE` and `tianping plan summary [FILES...]`: a plan document
(.txt/.docx/.pdf) to a structured plan, for the office to check.

Any input problem exits with code 2 and the Chinese message on stderr; a fault of
Tianping itself exits with code 1, also in Chinese. Neither prints a traceback.
"""

from __future__ import annotations

# In-function imports here are deliberate: Django and tianping.web load only after the command has
# configured Django (common.setup_django), and the reports, pandas, openpyxl and cryptography only
# for the commands that use them, so `tianping plan …` starts without them.
import os
import sys
from pathlib import Path

import click

from tianping.commands.common import (
    InputError,
    display_width,
    pad,
    parse_plan_file,
    write_output,
)

FORMATS = ("json", "xlsx", "md")


def default_seed_files() -> list[Path]:
    """The seed plans: $TIANPING_SEEDS, else ../shared/seeds beside the repository or here."""
    candidates = [os.environ.get("TIANPING_SEEDS")]
    if os.environ.get("TIANPING_SHARED"):
        candidates.append(str(Path(os.environ["TIANPING_SHARED"]) / "seeds"))
    candidates += [str(Path(__file__).resolve().parents[2].parent / "shared" / "seeds"),
                   str(Path.cwd().parent / "shared" / "seeds"), str(Path.cwd() / "shared" / "seeds")]
    for folder in filter(None, candidates):
        files = sorted(Path(folder).glob("*.txt"))
        if files:
            return files
    raise InputError("找不到种子规划文件夹（shared/seeds）；请指定文件，或设置环境变量 TIANPING_SEEDS")


@click.group("plan")
def plan():
    """规划文件：解析为结构化规划（领域、主要目标、策略措施、指标目标）。"""


@plan.command("parse")
@click.argument("file", type=click.Path(path_type=Path))   # the reader explains a missing file or a folder in Chinese
@click.option("--format", "fmt", type=click.Choice(FORMATS),
              help="输出格式：json（见docs/plan-schema.json）、xlsx（逐条核对用）、md；默认按输出文件扩展名，否则json")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="输出文件（默认输出到屏幕；xlsx必须指定）")
def parse(file: Path, fmt: str, output: Path | None):
    """解析规划文件（.txt/.docx/.pdf），输出结构化规划。"""
    from tianping.core import export

    fmt = fmt or _format_of(output)
    if fmt == "xlsx" and output is None:
        raise InputError("xlsx格式需要用 -o 指定输出文件，例如 -o 规划.xlsx")
    plans = parse_plan_file(file)
    if fmt == "json":
        content: str | bytes = export.plans_to_json(plans) + "\n"
    elif fmt == "md":
        content = export.plans_to_markdown(plans)
    else:
        content = export.plans_to_xlsx(plans)
    write_output(content, output)
    for one in plans:
        click.echo(f"{one.title}：{export.summary_line(one)}", err=True)
        for warning in one.warnings:
            click.echo(f"  提示：{warning}", err=True)
    if output is not None:
        click.echo(f"已写入 {output}", err=True)


def _format_of(output: Path | None) -> str:
    suffix = output.suffix.lower().lstrip(".") if output else ""
    return {"xlsx": "xlsx", "md": "md", "markdown": "md"}.get(suffix, "json")


@plan.command("summary")
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
def summary(files: tuple[Path, ...]):
    """列出每个规划文件的领域、主要目标、策略措施和指标目标数（默认：全部种子规划）。"""
    from tianping.core.export import plan_counts

    failures = 0
    for path in files or default_seed_files():
        try:
            plans = parse_plan_file(path)
        except InputError as err:   # report it and go on with the other files
            err.show()
            failures += 1
            continue
        for one in plans:
            click.echo(_summary_table(path.name, one, plan_counts))
    if failures:
        sys.exit(2)


SUMMARY_COLUMNS = ("主要目标", "策略措施", "指标", "数值目标", "方向目标", "定性目标")


def _summary_table(name: str, one, plan_counts) -> str:
    """Per area: goals, measures, indicators and targets by kind, aligned for a terminal."""
    rows = [(area.name, _area_counts(area)) for area in one.areas]
    totals = plan_counts(one)
    rows.append(("合计", [totals["goals"], totals["measures"], totals["indicators"],
                          totals["numeric"], totals["directional"], totals["qualitative"]]))
    width = max(display_width(label) for label, _ in rows) + 2
    lines = [f"{one.title}（{name}）",
             "  " + pad("领域", width) + "".join(pad(column, 10, right=True) for column in SUMMARY_COLUMNS)]
    for label, numbers in rows:
        lines.append("  " + pad(label, width) + "".join(pad(str(n), 10, right=True) for n in numbers))
    if one.indicator_table:
        lines.append(f"  另有指标表{len(one.indicator_table)}项（已计入合计）")
    return "\n".join(lines) + "\n"


def _area_counts(area) -> list[int]:
    indicators = [i for goal in area.goals for i in goal.indicators] + \
                 [i for measure in area.measures for i in measure.indicators]
    targets = [t for indicator in indicators for t in indicator.targets]
    return [len(area.goals), len(area.measures), len(indicators),
            *(sum(t.kind == kind for t in targets) for kind in ("numeric", "directional", "qualitative"))]
