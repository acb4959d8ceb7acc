"""Reports: turn assessment results into documents (docx, pdf, html) with charts.

Pure Python (no Django): the web layer calls ``generate`` from a background worker,
the command line from ``tianping report``.

    report = build_report("annual", assessment, plan=plan, region="西岗区", year=2024,
                          observations=obs)
    render(report, "pdf", "report.pdf")

Each sentence keeps the facts it states (``Report.facts()``), so a reviewer or a test
can trace every printed number to the results row it came from.
"""

from __future__ import annotations

from tianping.reports.annual import build_annual
from tianping.reports.context import EvaluationInputs
from tianping.reports.document import Fact, Report, report_from_dict, report_to_dict
from tianping.reports.docx import render_docx
from tianping.reports.evaluation import build_evaluation
from tianping.reports.html import render_html
from tianping.reports.pdf import render_pdf

KINDS = ("annual", "midterm", "final")
RENDERERS = {"docx": render_docx, "pdf": render_pdf, "html": render_html}
FORMATS = tuple(RENDERERS)


def build_report(kind: str, assessment, *, region: str, year: int | None = None, plan=None,
                 observations=None, inputs: EvaluationInputs | None = None, synthetic: bool = False,
                 progress=None) -> Report:
    """``assessment``: the engine's Assessment (results, warnings, year);
    ``progress(fraction, message)``: optional, called while drafting (annual report)."""
    if kind == "annual":
        return build_annual(assessment.results, region=region, year=year or assessment.year, plan=plan,
                            warnings=assessment.warnings, observations=observations, synthetic=synthetic,
                            inputs=inputs, progress=progress)
    if kind in ("midterm", "final"):
        return build_evaluation(assessment.results, stage=kind, region=region, plan=plan, inputs=inputs,
                                synthetic=synthetic, config=getattr(assessment, "config", None),
                                observations=observations, warnings=assessment.warnings)
    raise ValueError(f"未知的报告类型 {kind!r}，应为 {'、'.join(KINDS)} 之一")


def generate(kind: str, assessment, fmt: str, out, *, progress=None, **options) -> Report:
    """Draft and render in one call, for the background worker: progress goes 0 → 1."""
    progress = progress or (lambda fraction, message: None)
    progress(0.0, "正在汇总评估结果")
    report = build_report(kind, assessment, progress=lambda f, m: progress(0.8 * f, m), **options)
    progress(0.8, f"正在生成{fmt}文件")
    render(report, fmt, out)
    progress(1.0, "已完成")
    return report


def render(report: Report, fmt: str, out) -> None:
    if fmt not in RENDERERS:
        raise ValueError(f"未知的报告格式 {fmt!r}，应为 {'、'.join(FORMATS)} 之一")
    RENDERERS[fmt](report, out)


__all__ = ["KINDS", "FORMATS", "Report", "Fact", "EvaluationInputs", "build_report", "render", "generate",
           "build_annual", "build_evaluation", "render_docx", "render_pdf", "render_html",
           "report_to_dict", "report_from_dict"]
