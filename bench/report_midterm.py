"""Mid-term evaluation report speed for the biggest seed plan (most indicators).

Demo observations 2020–2025 for one district are assessed by the real engine (not timed),
then the 中期评估报告 is built (verdicts, grouped sentences, tables, charts) and rendered
to .docx and .pdf. Printed: the plan, its indicator count, and median seconds of build,
of each render, and build + render per format.

    .venv/bin/python bench/report_midterm.py [--runs 3]

The bar (issue 14): under 10 s for build + render of one format.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from functools import partial
from pathlib import Path

from tianping.core.assess import assess, targets_from_plan
from tianping.core.parser import parse_plan_text
from tianping.core.synthetic import demo_observations
from tianping.reports import build_report, render
from tianping.reports.evaluation import evaluation_year

REPO = Path(__file__).resolve().parents[1]


def timed(action) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def biggest_plan(seeds: Path):
    plans = [p for path in sorted(seeds.glob("*.txt"))
             for p in parse_plan_text(path.read_text(encoding="utf-8"), path.name)]
    return max(plans, key=lambda p: len(list(p.indicators())))


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--runs", type=int, default=3)
    options.add_argument("--seeds", type=Path, default=REPO.parent / "shared" / "seeds")
    args = options.parse_args()
    plan = biggest_plan(args.seeds)
    region = plan.region or "示例区"
    year = evaluation_year("midterm", plan)
    observations = demo_observations(plan, region=region, years=range(2020, year + 1), seed=1)
    assessment = assess(observations, targets_from_plan(plan), year=year)

    def build():
        return build_report("midterm", assessment, plan=plan, region=region, year=year,
                            observations=observations, synthetic=True)

    first = timed(build)                       # font registration, matplotlib warm-up
    report = build()
    builds = [timed(build) for _ in range(args.runs)]
    build_s = statistics.median(builds)
    print(f"{plan.title}：{len(list(plan.indicators()))} 项指标，{len(assessment.results)} 行结果，"
          f"{len(report.blocks)} 个段落/表/图；首次生成内容 {first:.2f} s")
    print(f"  build (content + charts)  {build_s:6.2f} s")
    with tempfile.TemporaryDirectory() as folder:
        for fmt in ("docx", "pdf"):
            path = Path(folder) / f"midterm.{fmt}"
            render_s = statistics.median(timed(partial(render, report, fmt, path)) for _ in range(args.runs))
            total = build_s + render_s
            print(f"  {fmt:5} render {render_s:6.2f} s   build+render {total:6.2f} s   "
                  f"{path.stat().st_size / 1024:7.0f} KiB   {'OK' if total < 10 else 'OVER 10 s'}")


if __name__ == "__main__":
    main()
