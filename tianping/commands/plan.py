"""`tianping plan parse FILE` and `tianping plan summary [FILES...]`: a plan document
(.txt/.docx/.pdf) to a structured plan, for the office to check.

Any input problem exits with code 2 and the Chinese message on stderr, never a traceback.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from tianping.core.errors import TianpingError

FORMATS = ("json", "xlsx", "md")


class PlanInputError(click.ClickException):
    """A TianpingError shown as click shows errors: "错误：…" on stderr, exit code 2."""

    exit_code = 2

    def format_message(self) -> str:
        return self.message

    def show(self, file=None) -> None:
        click.echo(f"错误：{self.format_message()}", err=True)


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
    raise PlanInputError("找不到种子规划文件夹（shared/seeds）；请指定文件，或设置环境变量 TIANPING_SEEDS")


def _parse(path: Path):
    from tianping.core.readers import parse_document

    try:
        return parse_document(path)
    except TianpingError as err:
        raise PlanInputError(str(err)) from None


@click.group("plan")
def plan():
    """规划文件：解析为结构化规划（领域、主要目标、策略措施、指标目标）。"""


@plan.command("parse")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="json", show_default=True,
              help="输出格式：json（见docs/plan-schema.json）、xlsx（逐条核对用）、md")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="输出文件（默认输出到屏幕；xlsx必须指定）")
def parse(file: Path, fmt: str, output: Path | None):
    """解析规划文件（.txt/.docx/.pdf），输出结构化规划。"""
    from tianping.core import export

    if fmt == "xlsx" and output is None:
        raise PlanInputError("xlsx格式需要用 -o 指定输出文件，例如 -o 规划.xlsx")
    plans = _parse(file)
    if fmt == "json":
        content: str | bytes = export.plans_to_json(plans) + "\n"
    elif fmt == "md":
        content = export.plans_to_markdown(plans)
    else:
        content = export.plans_to_xlsx(plans)
    _write(content, output)
    for one in plans:
        click.echo(f"{one.title}：{export.summary_line(one)}", err=True)
        for warning in one.warnings:
            click.echo(f"  提示：{warning}", err=True)
    if output is not None:
        click.echo(f"已写入 {output}", err=True)


def _write(content: str | bytes, output: Path | None) -> None:
    if output is None:
        click.echo(content, nl=False)
        return
    try:
        if isinstance(content, bytes):
            output.write_bytes(content)
        else:
            output.write_text(content, encoding="utf-8")
    except OSError as exc:
        raise PlanInputError(f"无法写入输出文件“{output}”（{exc.strerror}）") from None


@plan.command("summary")
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
def summary(files: tuple[Path, ...]):
    """列出每个规划文件的领域、主要目标、策略措施和指标目标数（默认：全部种子规划）。"""
    from tianping.core.export import plan_counts

    failures = 0
    for path in files or default_seed_files():
        try:
            plans = _parse(path)
        except PlanInputError as err:
            click.echo(f"错误：{err.message}", err=True)
            failures += 1
            continue
        for one in plans:
            click.echo(_summary_table(path.name, one, plan_counts))
    if failures:
        sys.exit(2)


def _summary_table(name: str, one, plan_counts) -> str:
    header = f"{one.title}（{name}）"
    lines = [header, f"  {'领域':<14}{'主要目标':>6}{'策略措施':>6}{'指标':>6}{'数值目标':>6}{'方向目标':>6}"]
    for area in one.areas:
        targets = [t for goal in area.goals for i in goal.indicators for t in i.targets] + \
                  [t for measure in area.measures for i in measure.indicators for t in i.targets]
        indicators = sum(len(g.indicators) for g in area.goals) + sum(len(m.indicators) for m in area.measures)
        lines.append(f"  {area.name:<14}{len(area.goals):>8}{len(area.measures):>8}{indicators:>8}"
                     f"{sum(t.kind == 'numeric' for t in targets):>10}"
                     f"{sum(t.kind == 'directional' for t in targets):>10}")
    c = plan_counts(one)
    lines.append(f"  {'合计':<14}{c['goals']:>8}{c['measures']:>8}{c['indicators']:>8}"
                 f"{c['numeric']:>10}{c['directional']:>10}")
    if one.indicator_table:
        lines.append(f"  另有指标表{len(one.indicator_table)}项")
    return "\n".join(lines) + "\n"
