"""`tianping assess PLAN DATA [--year Y] [--region R] [--format table|json|csv]`:
assess observations against a plan's targets and print statuses, warnings and 达标率.

PLAN is a plan document (.txt/.docx/.pdf) or the JSON `tianping plan parse` writes;
DATA a CSV/XLSX of observations. Input problems exit with code 2 and a Chinese
message, never a traceback.
"""

from __future__ import annotations

# In-function imports here are deliberate: Django and tianping.web load only after the command has
# configured Django (common.setup_django), and the reports, pandas, openpyxl and cryptography only
# for the commands that use them, so `tianping plan …` starts without them.
import json
from pathlib import Path

import click
import numpy as np
import pandas as pd

from tianping.commands.common import InputError, display_width, pad, parse_plan_file
from tianping.core.assess import AssessConfig, assess, targets_from_plan
from tianping.core.assess.targets import plan_namespace
from tianping.core.assess.warnings import LEVEL_NAMES, WARNING_KIND_NAMES
from tianping.core.errors import TianpingError
from tianping.core.figures import series_label, shown, shown_figure, target_phrase
from tianping.core.synthetic import plan_indicator_units


def load_plan_targets(path: Path) -> tuple[pd.DataFrame, dict[str, str], int, int]:
    """Targets table of every plan in the file, each indicator's measured unit, and the
    plan period (first, last year)."""
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise InputError(f"无法读取规划JSON文件“{path.name}”：{exc}") from None
        plans = data if isinstance(data, list) else [data]
        if not all(isinstance(p, dict) and "areas" in p for p in plans):
            raise InputError(f"“{path.name}”不是规划JSON（应为 tianping plan parse 的输出）")
        plans = [plan_namespace(p) for p in plans]
    else:
        plans = parse_plan_file(path)
    try:
        tables = [targets_from_plan(p) for p in plans]
    except TianpingError as err:
        raise InputError(f"规划文件“{path.name}”的指标目标有误：{err}") from None
    years = [(p.start_year, p.end_year) for p in plans]
    units = {name: unit for p in plans for name, unit in plan_indicator_units(p).items()}
    targets = pd.concat(tables, ignore_index=True).drop_duplicates(["indicator", "year", "op", "value", "upper"])
    if targets.empty:
        raise InputError(f"规划文件“{path.name}”中没有找到指标目标")
    return targets.reset_index(drop=True), units, min(y[0] for y in years), max(y[1] for y in years)


def _load_data(path: Path, units: dict[str, str], first: int, last: int) -> pd.DataFrame:
    from tianping.core.observations import load_observations

    try:
        return load_observations(path, indicators=units or None, plan_years=(first - 1, last))
    except TianpingError as err:
        raise InputError(str(err)) from None


@click.command("assess")
@click.argument("plan_file", metavar="PLAN", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("data_file", metavar="DATA", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--year", type=int, help="评估年份（默认：数据中的最新年份）")
@click.option("--region", help="只评估这个地区")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table",
              show_default=True, help="输出格式：table（终端中文表格）、json、csv（逐条结果）")
def assess_command(plan_file: Path, data_file: Path, year: int | None, region: str | None, fmt: str):
    """按规划目标评估监测数据：达标情况、进展、预测、预警和达标率。"""
    targets, units, first, last = load_plan_targets(plan_file)
    observations = _load_data(data_file, units, first, last)
    if region:
        known = sorted(set(observations["region"].astype(str)))
        observations = observations[observations["region"].astype(str) == region]
        if observations.empty:
            raise InputError(f"数据中没有地区“{region}”；数据中的地区：{'、'.join(known[:20])}")
    if observations.empty:
        raise InputError(f"数据文件“{data_file.name}”中没有观测值")
    config = AssessConfig.for_plan(first, sentences=True)
    try:
        result = assess(observations, targets, year=year, config=config)
    except TianpingError as err:
        raise InputError(str(err)) from None
    if fmt == "csv":
        click.echo(result.results.to_csv(index=False), nl=False)
    elif fmt == "json":
        click.echo(_json(result))
    else:
        click.echo(render_table(result))


def _records(frame: pd.DataFrame) -> list[dict]:
    clean = frame.astype(object).where(frame.notna(), None)
    return [{k: (v.item() if isinstance(v, np.generic) else v) for k, v in row.items()}
            for row in clean.to_dict(orient="records")]


def _json(result) -> str:
    return json.dumps({
        "year": result.year,
        "results": _records(result.results),
        "warnings": _records(result.warnings),
        "attainment_rate": _records(result.attainment_rate()),
        "development_index": _records(result.development_index()),
    }, ensure_ascii=False, indent=2)


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max(display_width(c) for c in col) for col in zip(header, *rows)]
    line = lambda cells: "  ".join(pad(c, w) for c, w in zip(cells, widths)).rstrip()  # noqa: E731
    return [line(header), "  ".join("─" * w for w in widths), *(line(r) for r in rows)]


def _row(r) -> list[str]:
    written = (r.target_value, r.target_upper)     # the precision the plan writes
    latest = "—" if np.isnan(r.latest_value) else f"{shown_figure(r.latest_value, r.unit, *written)}（{r.latest_year}）"
    projected = "—"
    if not np.isnan(r.projected):
        projected = shown(r.projected, *written)
        if not np.isnan(r.projected_low) and r.projected_high > r.projected_low:
            projected += f"（{shown(r.projected_low, *written)}–{shown(r.projected_high, *written)}）"
    ratio = "—" if np.isnan(r.progress_ratio) else f"{r.progress_ratio:.2f}"
    target = target_phrase(r.op, r.target_value, r.target_unit, r.target_upper, r.base_year, r.target_text, r.unit)
    return [series_label(str(r.indicator), str(r.sex), str(r.age), str(r.residence)), str(r.milestone),
            target, latest, projected, ratio, str(r.status)]


def render_table(result) -> str:
    """The readable Chinese terminal report: per region, per area; warnings; 达标率."""
    out = [f"评估年份：{result.year}"]
    header = ["指标", "目标年", "目标", "最新值（年份）", "预计值（区间）", "进展比", "状态"]
    results = result.results
    for region, block in results.groupby("region", observed=True, sort=True):
        out.append(f"\n【{region}】")
        for area, rows in block.groupby("area", observed=True, sort=False):
            out.append(f"\n{area or '其他指标'}")
            out.extend("  " + line for line in _table(header, [_row(r) for r in rows.itertuples()]))
        warnings = result.warnings[result.warnings["region"].astype(str) == str(region)]
        if len(warnings):
            out.append(f"\n预警（{len(warnings)}条）")
            for w in warnings.sort_values("level").itertuples():
                out.append(f"  [{LEVEL_NAMES[w.level]}·{WARNING_KIND_NAMES[w.kind]}] {w.sentence}")
        rate = result.attainment_rate(by=("region",))
        rate = rate[rate["region"] == region]
        for r in rate.itertuples():
            share = "—" if pd.isna(r.rate) else f"{r.rate:.1%}"
            out.append(f"\n{r.milestone}年评估 目标达标率：{share}（按指标计：已达标{r.attained}项 / "
                       f"可评估{r.assessable}项，共{r.targets}项）")
    return "\n".join(out)
