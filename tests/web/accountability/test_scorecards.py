"""Scorecards from stored data: one department's 2024 score recomputed by hand from its rows,
the CLI and the pages for 2024 and 2025, the audited rule, exports, who sees which card."""

from __future__ import annotations

import io
import json

import pytest
from click.testing import CliRunner

from tianping.web.accountability import services
from tianping.web.accountability.models import ScoreRule, ScoreRuleChange
from tianping.web.collection.models import Comment, Entry, ReportingRound
from tianping.web.monitoring.models import AssessmentRun, Result, Warning, WarningEvent
from tianping.web.orgs.models import Department
from tianping.web.plans.models import Indicator, Measure

pytestmark = pytest.mark.django_db

# The default rule, written out here on purpose (not imported): the test checks the code against it.
WEIGHTS = {"completeness": 20, "timeliness": 15, "returns": 10, "statuses": 25, "warnings": 10,
           "work_report": 10, "self_evaluation": 5, "corrections": 5}
POINTS = {"已达标": 100, "已实现": 100, "预计达标": 80, "尚难判断": 60, "需加快": 40, "进展缓慢": 40, "未达标": 40,
          "未实现": 40, "退步": 0}


def _cells(ind: Indicator) -> int:
    ages = ind.by_age and len(set(ind.observations.exclude(age="").values_list("age", flat=True)) or 3)
    return 1 + 2 * ind.by_sex + (ages or 0) + 2 * ind.by_residence


def test_one_department_recomputed_by_hand(xigang):
    region = xigang["region"]
    health = Department.objects.get(region=region, name="卫健局")
    round_ = ReportingRound.objects.get(region=region, year=2024)
    sub = round_.submissions.get(department=health)
    scores = {}

    # completeness: filled cells (a value or a note) of the indicators it answers for
    indicators = list(Indicator.objects.filter(plan=xigang["plan"], responsible_department=health))
    required = sum(_cells(i) for i in indicators)
    filled = Entry.objects.filter(submission=sub).exclude(value__isnull=True, note="").count()
    assert required > 10
    scores["completeness"] = 100 * min(filled, required) / required
    # timeliness and returns
    assert sub.first_submitted_at is not None
    scores["timeliness"] = 100 if sub.first_submitted_at.date() <= round_.deadline else 50
    returns = Comment.objects.filter(submission=sub, kind="return").count()
    assert returns == 1
    scores["returns"] = max(0, 100 - 25 * returns)
    # statuses: headline row of the 2025 milestone (nearest ahead of 2024) per indicator
    run = AssessmentRun.objects.get(plan=xigang["plan"], region=region, year=2024)
    by_indicator = {}
    for r in Result.objects.filter(run=run, headline=True, department=health).order_by("milestone"):
        if r.milestone >= 2024:
            by_indicator.setdefault(r.indicator_id, r.status)
    points = [POINTS[s] for s in by_indicator.values() if s in POINTS]
    assert len(points) >= 5
    scores["statuses"] = sum(points) / len(points)
    # warnings of 2024: explained within 30 days of being raised
    due = on_time = 0
    for w in Warning.objects.filter(region=region, year=2024, department=health):
        ack = WarningEvent.objects.filter(warning=w, action="acknowledged").order_by("at").first()
        deadline = w.created_at.date().toordinal() + 30
        if ack:
            due += 1
            on_time += ack.at.date().toordinal() <= deadline
        elif w.state != "resolved":
            due += 1   # raised 2025-04-15, long past due
    assert due >= 2 and 0 < on_time < due   # some explained on time, some not (demo data decide how many)
    scores["warnings"] = 100 * on_time / due
    scores["work_report"] = 100 if sub.work_report().progress.strip() else 0
    # 2024 is no evaluation year of a 2021–2030 plan; no correction is due in 2024
    total = sum(WEIGHTS[k] * v for k, v in scores.items()) / sum(WEIGHTS[k] for k in scores)

    card = services.scorecard(region, 2024, health).cards[0]
    for key, value in scores.items():
        assert card.component(key).score == pytest.approx(value, abs=0.01), key
    assert not card.component("self_evaluation").applies and not card.component("corrections").applies
    assert card.total == pytest.approx(total, abs=0.01)


def test_cli_gives_2024_and_2025_from_stored_data(xigang, tmp_path):
    from tianping.cli import main

    runner = CliRunner()
    out = {}
    for year in (2024, 2025):
        result = runner.invoke(main, ["scorecard", "--region", "210203", "--year", str(year), "--format", "json"])
        assert result.exit_code == 0, result.output
        out[year] = json.loads(result.output)
        board = services.scorecards(xigang["region"], year)
        assert [d["total"] for d in out[year]["departments"]] == [c.total for c in board.cards]
    y24 = {d["department"]: d for d in out[2024]["departments"]}
    y25 = {d["department"]: d for d in out[2025]["departments"]}
    assert out[2024]["assessment_years"] == [2024] and out[2024]["synthetic"] is True
    assert y24["组织部"]["components"]["timeliness"]["score"] == 0          # never submitted 2024
    assert y24["人社局"]["components"]["timeliness"]["score"] == 50         # late
    assert y24["卫健局"]["components"]["warnings"]["score"] is not None
    # 2025: the round is still open; who submitted is scored, the rest not yet; mid-term self-evaluations due
    assert y25["教育局"]["components"]["timeliness"]["score"] == 100
    assert y25["卫健局"]["components"]["timeliness"]["score"] is None
    assert y25["教育局"]["components"]["self_evaluation"]["score"] == 100
    assert y25["卫健局"]["components"]["self_evaluation"]["score"] == 0
    assert y25["卫健局"]["components"]["corrections"]["score"] == 75        # one correction overdue
    assert y25["卫健局"]["overdue_corrections"] == 1
    table = runner.invoke(main, ["scorecard", "--year", "2024"])
    assert "卫健局" in table.output and "考核规则（默认规则）" in table.output
    bad = runner.invoke(main, ["scorecard", "--year", "2024", "--format", "xlsx"])
    assert bad.exit_code != 0 and "--output" in bad.output


def test_pages_for_2024_and_2025(xigang, client_of):
    office = client_of(xigang["office"])
    health = Department.objects.get(region=xigang["region"], name="卫健局")
    for year in (2024, 2025):
        page = office.get(f"/accountability/scorecards/?year={year}").content.decode()
        assert "卫健局" in page and "组织部" in page and "合成演示数据" in page
        card = office.get(f"/accountability/scorecards/{year}/departments/{health.pk}/").content.decode()
        total = services.scorecard(xigang["region"], year, health).cards[0].total
        from django.template.defaultfilters import (
            floatformat,  # the page rounds half up (76.85 → 76.9)
        )

        assert floatformat(total, 1) in card
        assert "已填单元格÷应填单元格×100" in card           # the rule beside the score
        assert "/monitoring/warnings/" in card or year == 2025   # evidence links
    measures = services.scorecard(xigang["region"], 2025, health).cards[0].measures
    led = Measure.objects.filter(area__plan=xigang["plan"], lead_department=health)
    assert len(measures) == led.count() > 0
    card = office.get(f"/accountability/scorecards/2025/departments/{health.pk}/").content.decode()
    assert led.first().title in card                       # the measures it leads, listed
    assert "逾期" in card and "完善孕产妇健康管理数据台账" in card
    assert "2025年数据尚未评估" in card or "2025 data not yet assessed" in card


def test_rule_change_is_audited_and_rescores(xigang, client_of):
    region, year = xigang["region"], 2024
    health = Department.objects.get(region=region, name="卫健局")
    before = services.scorecard(region, year, health).cards[0]
    form = {f"w_{k}": v for k, v in WEIGHTS.items()} | {"p_attained": 100, "p_on_track": 80, "p_uncertain": 60,
                                                       "p_off_track": 40,
                                                       "p_regressing": 0, "late_credit": 50, "return_penalty": 25,
                                                       "warning_days": 30, "correction_penalty": 25}
    office = client_of(xigang["office"])
    r = office.post(f"/accountability/rules/{year}/edit/?region=210203",
                    form | {"w_statuses": 0, "reason": "2024年度只考核工作落实"}, follow=True)
    assert "2024" in r.content.decode()
    change = ScoreRuleChange.objects.get(region=region, year=year)
    assert change.old is None and change.new["weights"]["statuses"] == 0
    after = services.scorecard(region, year, health).cards[0]
    others = [c for c in before.components if c.applies and c.key != "statuses"]
    expected = sum(c.weight * c.score for c in others) / sum(c.weight for c in others)
    assert after.total == pytest.approx(expected, abs=0.01) and after.total != before.total
    office.post(f"/accountability/rules/{year}/edit/?region=210203",
                form | {"w_statuses": 30, "reason": "恢复并提高指标进展权重"})
    changes = list(ScoreRuleChange.objects.filter(region=region, year=year).order_by("at", "pk"))
    assert len(changes) == 2 and changes[1].old["weights"]["statuses"] == 0   # the old value kept
    page = office.get(f"/accountability/rules/{year}/?region=210203").content.decode()
    assert "恢复并提高指标进展权重" in page
    # bad values: a Chinese message naming the setting, nothing stored
    r = office.post(f"/accountability/rules/{year}/edit/?region=210203",
                    form | {"w_statuses": 150, "reason": "x"}, follow=True)
    assert "指标进展" in r.content.decode()
    assert ScoreRuleChange.objects.filter(region=region, year=year).count() == 2
    # the leading group reads the rule but cannot change it
    leader = client_of(xigang["leader"])
    assert leader.get(f"/accountability/rules/{year}/").status_code == 200
    assert leader.post(f"/accountability/rules/{year}/edit/", form | {"reason": "x"}).status_code == 403
    assert ScoreRule.objects.get(region=region, year=year).rule["weights"]["statuses"] == 30


def test_exports_a4_landscape_with_the_scores(xigang, client_of):
    from docx import Document
    from openpyxl import load_workbook

    office = client_of(xigang["office"])
    board = services.scorecards(xigang["region"], 2024)
    r = office.get("/accountability/scorecards/2024/export.xlsx?region=210203")
    assert r.status_code == 200
    ws = load_workbook(io.BytesIO(r.content)).active
    assert ws.page_setup.orientation == "landscape" and str(ws.page_setup.paperSize) == "9"   # A4
    assert ws.column_dimensions["B"].width >= 12
    rows = list(ws.iter_rows(min_row=3, max_row=2 + len(board.cards), values_only=True))
    assert [(row[1], row[10]) for row in rows] == [
        (c.department, round(c.total, 1) if c.total is not None else "—") for c in board.cards]
    r = office.get("/accountability/scorecards/2024/export.docx?region=210203")
    doc = Document(io.BytesIO(r.content))
    section = doc.sections[0]
    assert section.page_width > section.page_height and abs(section.page_width.cm - 29.7) < 0.1
    table = doc.tables[0]
    assert table.rows[1].cells[1].text == board.cards[0].department
    assert any("考核规则" in p.text for p in doc.paragraphs)
    assert office.get("/accountability/scorecards/2024/export.pdf").status_code == 404


def test_department_sees_only_its_own_card(xigang, client_of):
    region = xigang["region"]
    health = Department.objects.get(region=region, name="卫健局")
    education = Department.objects.get(region=region, name="教育局")
    reporter = client_of(xigang["reporter"])
    r = reporter.get("/accountability/scorecards/?year=2024")
    assert r.status_code == 302 and r["Location"].endswith(f"/2024/departments/{health.pk}/")
    assert reporter.get(f"/accountability/scorecards/2024/departments/{health.pk}/").status_code == 200
    assert reporter.get(f"/accountability/scorecards/2024/departments/{education.pk}/").status_code == 404
    assert reporter.get("/accountability/scorecards/2024/export.xlsx").status_code == 403
    leader = client_of(xigang["leader"])
    assert leader.get(f"/accountability/scorecards/2024/departments/{education.pk}/").status_code == 200


def test_report_citation_data(xigang):
    from tianping.web.accountability.citations import inspections_for_report

    data = inspections_for_report(xigang["region"], 2025)
    assert data["totals"]["inspections"] == 1 and data["totals"]["corrections"] == 3
    states = {c["department"]: c["state"] for c in data["inspections"][0]["corrections"]}
    assert states == {"教育局": "按期整改", "卫健局": "逾期未整改", "民政局": "整改中"}
    assert data["sentence"] == "2025年开展督导检查1次，提出整改要求3项，已按期整改1项，逾期未整改1项，整改中1项。"
    json.dumps(data, ensure_ascii=False)   # JSON-ready for a report snapshot
    assert inspections_for_report(xigang["region"], 2024)["sentence"] == "2024年未开展督导检查。"
