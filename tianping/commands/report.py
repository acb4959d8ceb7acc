"""`tianping report annual|midterm|final PLAN DATA --region R --year Y --format F -o OUT`:
draft a monitoring or evaluation report from a plan document and its data.

PLAN is a plan document, or ``national`` (全国) for the national outlines. DATA is an
observations file (CSV/XLSX, see core.observations; any file `tianping assess` reads),
the NBS national figures (../shared/data/nbs-national-2021-2030.csv, region 全国), or the
word ``demo`` for seeded synthetic data (the report then says so). Indicator names are
matched to the plan's through reports.sources.name_key ("Ⅲ" = "III"). Input problems
exit with code 2 and a Chinese message, never a traceback.
"""

from __future__ import annotations

# In-function imports here are deliberate: Django and tianping.web load only after the command has
# configured Django (common.setup_django), and the reports, pandas, openpyxl and cryptography only
# for the commands that use them, so `tianping plan …` starts without them.
import json
import time
from dataclasses import fields
from pathlib import Path

import click

from tianping.commands.common import InputError
from tianping.core.errors import TianpingError
from tianping.reports.sources import align_names

REPORT_KIND_NAMES = {"annual": "年度统计监测报告", "midterm": "中期评估报告", "final": "终期评估报告"}


@click.command("report")
@click.argument("kind", type=click.Choice(list(REPORT_KIND_NAMES)))
@click.argument("plan_file", metavar="PLAN")
@click.argument("data", metavar="DATA")
@click.option("--region", help="地区名称（默认取规划中的地区）")
@click.option("--year", type=int, help="监测年度（默认取数据中的最新年份）")
@click.option("--format", "fmt", type=click.Choice(["docx", "pdf", "html"]), default="docx", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="输出文件")
@click.option("--plan-kind", type=click.Choice(["women", "children"]),
              help="文件含妇女、儿童两个规划时选择其一（默认第一个）")
@click.option("--inputs", "inputs_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="评估报告的人工材料（JSON）：judgements、department_reports、problems、recommendations、"
                   "responsible、projects、departments_expected、departments_reported、issuer")
@click.option("--seed", type=int, default=0, show_default=True, help="DATA 为 demo 时的随机种子")
def report(kind, plan_file, data, region, year, fmt, output, plan_kind, inputs_file, seed):
    """生成年度统计监测报告（annual）、中期评估报告（midterm）或终期评估报告（final）。"""
    from tianping.core.assess import assess, targets_from_plan
    from tianping.reports import EvaluationInputs, build_report, render
    from tianping.reports.evaluation import evaluation_year

    started = time.perf_counter()
    inputs = EvaluationInputs(**read_inputs(inputs_file)) if inputs_file else None   # fail fast on a typo
    national = plan_file.lower() in NATIONAL_WORDS
    observations = None
    if national:
        observations, synthetic = national_data(data, plan_kind)
        plan = national_plan_for(observations, plan_kind)
    else:
        plan = choose_plan(Path(plan_file), plan_kind)
    region = region or plan.region
    if not region:
        raise InputError("规划中没有识别出地区名称，请用 --region 指定")
    if observations is None:
        last = None if kind == "annual" else evaluation_year(kind, plan)
        observations, synthetic = load_data(data, plan, region, seed, last_year=last)
    observations = align_names(observations, [i.name for i in plan.indicators()], plan.kind)
    if observations.empty:
        raise InputError(f"数据中没有任何观测值：{data}")
    latest = int(observations["year"].max())
    year = year or (latest if kind == "annual" else min(latest, evaluation_year(kind, plan)))
    observations = observations[observations["year"] <= year]
    try:
        assessment = assess(observations, targets_from_plan(plan), year=year)
    except TianpingError as err:
        raise InputError(str(err)) from None
    if inputs is None and national:
        inputs = EvaluationInputs(source="国家统计局《中国妇女发展纲要（2021—2030年）》《中国儿童发展纲要（2021—2030年）》"
                                         "年度统计监测报告", issuer="国务院妇女儿童工作委员会办公室")
    try:
        document = build_report(kind, assessment, plan=plan, region=region, year=year,
                                observations=observations, inputs=inputs, synthetic=synthetic)
    except TianpingError as err:
        raise InputError(str(err)) from None
    output = output or Path(f"{region}{year}年{REPORT_KIND_NAMES[kind]}.{fmt}")
    output.parent.mkdir(parents=True, exist_ok=True)
    render(document, fmt, output)
    click.echo(f"已生成 {output}（{REPORT_KIND_NAMES[kind]}，{fmt}，{time.perf_counter() - started:.1f} 秒）")


NATIONAL_WORDS = ("national", "全国")


def national_data(data: str, kind: str | None):
    """The NBS national figures (region 全国) for the women's or children's outline."""
    from tianping.reports.sources import load_national_observations

    path = Path(data)
    if not path.is_file():
        raise InputError(f"找不到数据文件 {data}（全国报告需要国家统计监测数据文件）")
    try:
        return load_national_observations(path, kind or "women"), False
    except TianpingError as err:
        raise InputError(str(err)) from None


def national_plan_for(observations, kind: str | None):
    from tianping.reports.sources import national_plan

    try:
        return national_plan(observations, kind or "women")
    except TianpingError as err:
        raise InputError(str(err)) from None


def choose_plan(path: Path, kind: str | None):
    from tianping.core.readers import parse_document

    if not path.is_file():
        raise InputError(f"找不到规划文件 {path}（或用 national 生成全国报告）")
    try:
        plans = parse_document(path)
    except TianpingError as err:
        raise InputError(str(err)) from None
    if kind:
        plans = [p for p in plans if p.kind == kind] or plans[:0]
    if not plans:
        raise InputError(f"{path.name}：没有找到{'妇女' if kind == 'women' else '儿童' if kind else ''}发展规划")
    return plans[0]


def load_data(data: str, plan, region: str, seed: int, last_year: int | None = None):
    """(observations, synthetic?) from a file, or seeded demo data for ``demo`` (through the
    evaluation year ``last_year`` for an evaluation report)."""
    if data == "demo":
        from tianping.core.synthetic import demo_observations

        if last_year:
            return demo_observations(plan, region=region, seed=seed, years=range(2020, last_year + 1)), True
        return demo_observations(plan, region=region, seed=seed), True
    from tianping.core.observations import load_observations
    from tianping.reports.sources import is_national_file, load_national_observations

    path = Path(data)
    if not path.is_file():
        raise InputError(f"找不到数据文件 {data}（或用 demo 生成演示数据）")
    try:
        if is_national_file(path):
            return load_national_observations(path, plan.kind), False
        return load_observations(path, region=region, plan_years=(plan.start_year - 1, plan.end_year)), False
    except TianpingError as err:
        raise InputError(str(err)) from None


def read_inputs(path: Path) -> dict:

    from tianping.reports import EvaluationInputs

    allowed = {f.name for f in fields(EvaluationInputs)}
    try:
        content = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as err:
        raise InputError(f"{path.name}：不是有效的 UTF-8 JSON 文件（{err}）") from None
    unknown = set(content) - allowed
    if unknown:
        raise InputError(f"{path.name}：未知的项目 {'、'.join(sorted(unknown))}；可用项目为 {'、'.join(sorted(allowed))}")
    return content
