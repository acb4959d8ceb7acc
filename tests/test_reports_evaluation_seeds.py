"""Issue 14 "done when": for each seed plan with demo data, and the real national figures, the
mid-term, final and annual reports — read back from the generated .docx and .pdf —

* contain no placeholder text;
* state counts that equal the items they list ("以下N项指标需要关注" lists N);
* quote every target as the plan writes it;
* (final) contain no projection language.

The 西岗区 women's mid-term report is also rendered to page images in the test artifacts
folder ($TIANPING_TEST_ARTIFACTS, default test-artifacts/) for a reviewer to read.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest
from docx import Document

from tianping.core import figures
from tianping.core.assess import assess, targets_from_plan
from tianping.core.parser import parse_plan_text
from tianping.core.synthetic import demo_observations
from tianping.reports import build_report, render
from tianping.reports.document import Paragraph, numbers_in
from tianping.reports.evaluation import evaluation_year
from tianping.reports.sources import load_national_observations, national_plan

REPO = Path(__file__).resolve().parents[1]
ARTIFACTS = REPO / os.environ.get("TIANPING_TEST_ARTIFACTS", "test-artifacts")
PLACEHOLDERS = ("此部分由办公室根据实际情况填写", "根据实际情况填写", "（此部分", "TODO", "XXX")
PROJECTION_WORDS = ("预计", "有望", "趋势推算", "尚难判断", "需加快", "按现有进度")
LISTING = re.compile(r"^(class:|problem:|advice:|department:lagging|qualitative:waiting|late)")
SEEDS = [("000_f8529f9a3fcda828.txt", "women"), ("001_c85426c6d45e46da.txt", "women"),
         ("002_5cc76f4d5f0bb04c.txt", "women"), ("002_5cc76f4d5f0bb04c.txt", "children"),
         ("003_1cf7a49d9e1f438b.txt", "women"), ("004_4b8708bb5b17430c.txt", "women")]
CASES = [(seed, kind) for seed, kind in SEEDS] + [("national", "women"), ("national", "children")]


def seed_plan(shared_dir, seed, kind):
    return next(p for p in parse_plan_text((shared_dir / "seeds" / seed).read_text(encoding="utf-8"), seed)
                if p.kind == kind)


def inputs_for(shared_dir, seed, kind, report_kind):
    """(plan, observations, region, year) as `tianping report` builds them."""
    if seed == "national":
        observations = load_national_observations(shared_dir / "data" / "nbs-national-2021-2030.csv", kind)
        plan = national_plan(observations, kind)
        region = "全国"
    else:
        plan = seed_plan(shared_dir, seed, kind)
        region = plan.region or "示例区"
        last = 2024 if report_kind == "annual" else evaluation_year(report_kind, plan)
        observations = demo_observations(plan, region=region, years=range(2020, last + 1), seed=5)
    latest = int(observations["year"].max())
    year = latest if report_kind == "annual" else min(latest, evaluation_year(report_kind, plan))
    return plan, observations[observations["year"] <= year], region, year


def docx_text(path: Path) -> str:
    document = Document(str(path))
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True).stdout


@pytest.fixture(scope="module", params=CASES, ids=lambda c: f"{c[0][:3]}-{c[1]}")
def case(request, shared_dir, tmp_path_factory):
    seed, kind = request.param
    folder = tmp_path_factory.mktemp(f"{seed[:3]}-{kind}")
    out = {}
    for report_kind in ("midterm", "final", "annual"):
        plan, observations, region, year = inputs_for(shared_dir, seed, kind, report_kind)
        assessment = assess(observations, targets_from_plan(plan), year=year)
        report = build_report(report_kind, assessment, plan=plan, region=region, year=year,
                              observations=observations, synthetic=seed != "national")
        files = {fmt: folder / f"{report_kind}.{fmt}" for fmt in ("docx", "pdf")}
        for fmt, path in files.items():
            render(report, fmt, path)
        out[report_kind] = dict(report=report, plan=plan, results=assessment.results,
                                text={"docx": docx_text(files["docx"]), "pdf": pdf_text(files["pdf"])})
    return out


@pytest.mark.parametrize("report_kind", ["midterm", "final", "annual"])
def test_no_placeholder_text_in_the_docx_or_pdf(case, report_kind):
    for fmt, text in case[report_kind]["text"].items():
        for placeholder in PLACEHOLDERS:
            assert placeholder not in text, (fmt, placeholder)
        assert "全区区" not in text and "全区我区" not in text and "全县县" not in text, fmt


@pytest.mark.parametrize("report_kind", ["midterm", "final", "annual"])
def test_every_count_equals_the_items_listed(case, report_kind):
    """A count over a list names exactly its members; the warnings' count equals their items."""
    generated = case[report_kind]
    report, results = generated["report"], generated["results"]
    names = {index: str(name) for index, name in results["indicator"].items()}
    checked = 0
    for block in report.blocks:
        if not isinstance(block, Paragraph):
            continue
        for fact in block.facts:
            if fact.source != "count" or not LISTING.match(fact.field) or fact.field.endswith((":tables", ":appendix")):
                continue
            assert int(fact.shown) == len(fact.members) == len(set(fact.members))
            for member in fact.members:
                name = names.get(member) or str(member)
                assert name in block.text or str(member).startswith("m"), (fact.field, name, block.text)
            checked += 1
    assert checked > 0 or report_kind == "final"
    paragraphs = [b.text for b in report.blocks if isinstance(b, Paragraph)]
    for at, text in enumerate(paragraphs):
        said = re.match(r"监测发现以下(\d+)项指标需要关注", text)
        if said:
            items = [p for p in paragraphs[at + 1:] if re.match(r"（[一二三四五六七八九十百零]+）【", p)]
            assert len(items) == int(said.group(1))
            for fmt, rendered in generated["text"].items():
                assert f"以下{said.group(1)}项指标需要关注" in rendered, fmt


def plan_targets(plan) -> dict[tuple[str, int], list]:
    out: dict[tuple[str, int], list] = {}
    for indicator in plan.indicators():
        for target in indicator.targets:
            out.setdefault((indicator.name, target.year), []).append((indicator, target))
    return out


@pytest.mark.parametrize("report_kind", ["midterm", "final", "annual"])
def test_every_target_quoted_is_the_plans(case, report_kind):
    """Each target value printed is a number of the plan's own sentence for that indicator and
    year (or, for a fraction such as "1/2以上", that value as a share: 50%)."""
    generated = case[report_kind]
    stated = plan_targets(generated["plan"])
    quoted = 0
    for fact in generated["report"].facts():
        if fact.source != "result" or fact.field not in ("target_value", "target_upper", "target_text"):
            continue
        candidates = stated.get((fact.indicator, fact.milestone), [])
        assert candidates, fact
        written = set()
        measured = str(generated["results"].loc[fact.row, "unit"])      # the unit the data are in
        for _indicator, target in candidates:
            written |= set(numbers_in(target.text or ""))
            written |= set(numbers_in(target.source.text if target.source else ""))
            for value in (target.value, target.upper):
                if value is not None:
                    written.add(figures.number(figures.as_written(value, target.unit, measured)[0]))
        assert fact.shown in written, (fact, [t.text for _, t in candidates])
        quoted += 1
    assert quoted > 0


def test_the_final_report_has_no_projection_language(case):
    for fmt, text in case["final"]["text"].items():
        for word in PROJECTION_WORDS:
            assert word not in text, (fmt, word, text[max(0, text.find(word) - 40): text.find(word) + 20])


def test_reports_say_where_their_data_stop_on_page_one(case):
    """The national figures stop in 2024: the mid-term (2025) and final (2030) reports say so first."""
    for report_kind in ("midterm", "final"):
        report = case[report_kind]["report"]
        first = " ".join(b.text for b in report.blocks[:4] if isinstance(b, Paragraph))
        if report.completeness["data_last_year"] < report.year:
            assert f"本报告数据截至{report.completeness['data_last_year']}年" in first
        assert "数据说明" in first


@pytest.mark.parametrize("seed, name", [("000_f8529f9a3fcda828.txt", "xigang-midterm"),
                                        ("002_5cc76f4d5f0bb04c.txt", "xigang-002-midterm")])
def test_xigang_midterm_page_images_for_review(shared_dir, tmp_path, seed, name):
    """The 西岗区 women's mid-term report as page images, for a reviewer (and the session):
    both 西岗区 women's plans (000, the 大连市 edition; 002, the plan the demo runs)."""
    plan, observations, region, year = inputs_for(shared_dir, seed, "women", "midterm")
    assessment = assess(observations, targets_from_plan(plan), year=year)
    report = build_report("midterm", assessment, plan=plan, region=region, year=year, observations=observations,
                          synthetic=True)
    pdf = tmp_path / f"{name}.pdf"
    render(report, "pdf", pdf)
    folder = ARTIFACTS / "reports"
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob(f"{name}-[0-9]*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-r", "80", "-png", str(pdf), str(folder / name)], check=True)
    pages = sorted(folder.glob(f"{name}-[0-9]*.png"))
    assert len(pages) >= 5
    text = pdf_text(pdf)
    for heading in ("总体评价", "各领域目标实现情况", "存在的主要问题", "对策建议", "附录"):
        assert heading in text
    assert "基期值" in text and "差距" in text and "责任单位" in text and "草稿" in text
    # defects a reviewer found in these pages (issue 14 review): unnumbered figures and tables,
    # "已达到目标0项", a department's "该单位尚未提交自评报告" repeated, ASCII quotes around targets
    assert not re.search(r"^\f?(图|表)\s", text, re.M) and re.search(r"^\f?图1\s", text, re.M)   # \f: a new page
    assert not re.search(r"目标0项|中0项", text) and text.count("该单位尚未提交自评报告") == 0
    assert "'" not in text


def test_a_rate_judged_on_pooled_counts_shows_its_pooled_rate_in_the_table(case):
    """A rare event's 实际 cell would read "0.0/10万" beside 未实现 and a gap of 20: the cell
    names the pooled rate the verdict rests on ("（2021—2025年合计29.1/10万）")."""
    for kind in ("midterm", "final"):
        results = case[kind]["results"]
        pooled = results[results["headline"] & (results["pooled_years"] > 0) & results["pooled_value"].notna()]
        for indicator, rows in pooled.groupby("indicator", observed=True):
            windows = {(int(r["pooled_first_year"]), int(r["latest_year"])) for _, r in rows.iterrows()}
            text = case[kind]["text"]["docx"]
            assert any(f"（{a}—{b}年合计" in text for a, b in windows), (kind, indicator, windows)
