"""Annual report speed: time to draft the 年度统计监测报告 for one district, per format.

For each seed plan named (default: 000 and the children's plan in 002), synthetic
observations for one district are assessed by the real engine (not timed), then the
report is built (content, sentences, charts) and rendered to .docx, .pdf and .html.
Printed: median seconds of build, of each render, and build + render per format, in a
fresh process state (fonts and matplotlib already loaded once; first-run figures too).

    .venv/bin/python bench/report_annual.py [--runs 3]

The bar (issue 7): under 10 s per format for one district.
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
from tianping.reports import FORMATS, build_report, render

REPO = Path(__file__).resolve().parents[1]
CASES = [("000_f8529f9a3fcda828.txt", "women"), ("002_5cc76f4d5f0bb04c.txt", "children")]


def timed(action) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def bench_plan(seed_file: Path, kind: str, runs: int, out: Path) -> None:
    plan = next(p for p in parse_plan_text(seed_file.read_text(encoding="utf-8"), seed_file.name)
                if p.kind == kind)
    region = plan.region or "示例区"
    observations = demo_observations(plan, region=region, seed=1)
    assessment = assess(observations, targets_from_plan(plan), year=int(observations["year"].max()))

    def build():
        return build_report("annual", assessment, plan=plan, region=region, observations=observations,
                            synthetic=True)

    first_build = timed(build)                  # includes font registration, matplotlib warm-up
    report = build()
    builds = [timed(build) for _ in range(runs)]
    renders = {fmt: [timed(partial(render, report, fmt, out / f"annual.{fmt}")) for _ in range(runs)]
               for fmt in FORMATS}
    build_s = statistics.median(builds)
    print(f"{seed_file.name[:3]} {plan.title}：{len(assessment.results)} 行结果，"
          f"{len(report.blocks)} 个段落/表/图；首次生成内容 {first_build:.2f} s")
    print(f"  build (content + charts)  {build_s:6.2f} s")
    for fmt, times in renders.items():
        render_s = statistics.median(times)
        size = (out / f"annual.{fmt}").stat().st_size / 1024
        print(f"  {fmt:5} render {render_s:6.2f} s   build+render {build_s + render_s:6.2f} s   "
              f"{size:7.0f} KiB   {'OK' if build_s + render_s < 10 else 'OVER 10 s'}")


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--runs", type=int, default=3)
    options.add_argument("--seeds", type=Path, default=REPO.parent / "shared" / "seeds")
    args = options.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        for name, kind in CASES:
            bench_plan(args.seeds / name, kind, args.runs, Path(folder))


if __name__ == "__main__":
    main()
