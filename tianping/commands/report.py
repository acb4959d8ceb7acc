"""`tianping report annual|midterm|final PLAN DATA --region R --year Y --format F -o OUT`:
draft a monitoring or evaluation report from a plan document and its data.

DATA is an observations file (CSV/XLSX, see core.observations) or the word ``demo``
for seeded synthetic data (the report then says so). Input problems exit with
code 2 and a Chinese message, never a traceback.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import click

from tianping.commands.common import InputError
from tianping.core.errors import TianpingError

KIND_NAMES = {"annual": "年度统计监测报告", "midterm": "中期评估报告", "final": "终期评估报告"}


@click.command("report")
@click.argument("kind", type=click.Choice(list(KIND_NAMES)))
@click.argument("plan_file", metavar="PLAN", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("data", metavar="DATA")
@click.option("--region", help="地区名称（默认取规划中的地区）")
@click.option("--year", type=int, help="监测年度（默认取数据中的最新年份）")
@click.option("--format", "fmt", type=click.Choice(["docx", "pdf", "html"]), default="docx", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="输出文件")
@click.option("--plan-kind", type=click.Choice(["women", "children"]),
              help="文件含妇女、儿童两个规划时选择其一（默认第一个）")
@click.option("--inputs", "inputs_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="评估报告的人工材料（JSON）：judgements、department_reports、problems、recommendations")
@click.option("--seed", type=int, default=0, show_default=True, help="DATA 为 demo 时的随机种子")
def report(kind, plan_file, data, region, year, fmt, output, plan_kind, inputs_file, seed):
    """生成年度统计监测报告（annual）、中期评估报告（midterm）或终期评估报告（final）。"""
    from tianping.core.assess import assess, targets_from_plan
    from tianping.reports import EvaluationInputs, build_report, render

    started = time.perf_counter()
    inputs = EvaluationInputs(**read_inputs(inputs_file)) if inputs_file else None   # fail fast on a typo
    plan = choose_plan(plan_file, plan_kind)
    region = region or plan.region
    if not region:
        raise InputError("规划中没有识别出地区名称，请用 --region 指定")
    observations, synthetic = load_data(data, plan, region, seed)
    year = year or int(observations["year"].max())
    observations = observations[observations["year"] <= year]
    try:
        assessment = assess(observations, targets_from_plan(plan), year=year)
    except TianpingError as err:
        raise InputError(str(err)) from None
    try:
        document = build_report(kind, assessment, plan=plan, region=region, year=year,
                                observations=observations, inputs=inputs, synthetic=synthetic)
    except TianpingError as err:
        raise InputError(str(err)) from None
    output = output or Path(f"{region}{year}年{KIND_NAMES[kind]}.{fmt}")
    output.parent.mkdir(parents=True, exist_ok=True)
    render(document, fmt, output)
    click.echo(f"已生成 {output}（{KIND_NAMES[kind]}，{fmt}，{time.perf_counter() - started:.1f} 秒）")


def choose_plan(path: Path, kind: str | None):
    from tianping.core.readers import parse_document

    try:
        plans = parse_document(path)
    except TianpingError as err:
        raise InputError(str(err)) from None
    if kind:
        plans = [p for p in plans if p.kind == kind] or plans[:0]
    if not plans:
        raise InputError(f"{path.name}：没有找到{'妇女' if kind == 'women' else '儿童' if kind else ''}发展规划")
    return plans[0]


def load_data(data: str, plan, region: str, seed: int):
    """(observations, synthetic?) from a file, or seeded demo data for ``demo``."""
    if data == "demo":
        from tianping.core.synthetic import demo_observations

        return demo_observations(plan, region=region, seed=seed), True
    from tianping.core.observations import load_observations

    if not Path(data).is_file():
        raise InputError(f"找不到数据文件 {data}（或用 demo 生成演示数据）")
    try:
        return load_observations(Path(data), region=region), False
    except TianpingError as err:
        raise InputError(str(err)) from None


def read_inputs(path: Path) -> dict:
    allowed = {"judgements", "department_reports", "problems", "recommendations"}
    try:
        content = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as err:
        raise InputError(f"{path.name}：不是有效的 UTF-8 JSON 文件（{err}）") from None
    unknown = set(content) - allowed
    if unknown:
        raise InputError(f"{path.name}：未知的项目 {'、'.join(sorted(unknown))}；可用项目为 {'、'.join(sorted(allowed))}")
    return content
