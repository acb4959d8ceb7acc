"""collection 0004 moves every department text into DepartmentReport (the annual work
report from Submission, the self-evaluations from publishing) with its audit history, and
moves it back when reversed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("collection", "0003_round_events"), ("publishing", "0002_job_heartbeat"), ("orgs", "0004_field_changes"),
          ("plans", "0005_breakdowns_the_catalogue_allows")]
AFTER = [("collection", "0004_department_reports"), ("publishing", "0003_department_reports")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_texts_and_their_history_move_and_move_back():
    old = _migrate(BEFORE)
    Region, Department = old.get_model("orgs", "Region"), old.get_model("orgs", "Department")
    Plan, FieldChange = old.get_model("plans", "Plan"), old.get_model("orgs", "FieldChange")
    Round, Submission = old.get_model("collection", "ReportingRound"), old.get_model("collection", "Submission")
    SelfEvaluation = old.get_model("publishing", "DepartmentSelfEvaluation")
    region = Region.objects.create(code="210203", name="西岗区", level="district")
    health = Department.objects.create(region=region, name="卫健局", kind="government")
    edu = Department.objects.create(region=region, name="教育局", kind="government")
    plan = Plan.objects.create(region=region, kind="women", title="西岗区妇女发展规划", start_year=2021, end_year=2030)
    round_ = Round.objects.create(region=region, year=2024, deadline=dt.date(2025, 3, 31))
    at = dt.datetime(2025, 3, 1, tzinfo=dt.UTC)
    filed = Submission.objects.create(round=round_, department=health, state="accepted", first_submitted_at=at,
                                      submitted_at=at, work_progress="落实规划", work_problems="人手不足",
                                      work_next_year="继续")
    Submission.objects.create(round=round_, department=edu)                          # no text: nothing to move
    FieldChange.objects.create(model="collection.Submission", object_id=filed.pk, field="work_progress",
                               old="", new="落实规划")
    evaluation = SelfEvaluation.objects.create(plan=plan, region=region, department=edu, year=2025,
                                               progress="自评", problems="差距", next_steps="补短板",
                                               state="submitted", submitted_at=at)
    FieldChange.objects.create(model="publishing.DepartmentSelfEvaluation", object_id=evaluation.pk,
                               field="progress", old="", new="自评")

    new = _migrate(AFTER)
    Report, Changes = new.get_model("collection", "DepartmentReport"), new.get_model("orgs", "FieldChange")
    rows = {(r.department.name, r.plan_id): r for r in Report.objects.select_related("department")}
    assert set(rows) == {("卫健局", None), ("教育局", plan.pk)}
    annual, self_eval = rows["卫健局", None], rows["教育局", plan.pk]
    assert (annual.year, annual.progress, annual.problems, annual.next_steps, annual.state) == (
        2024, "落实规划", "人手不足", "继续", "submitted")
    assert (self_eval.year, self_eval.progress, self_eval.problems, self_eval.next_steps, self_eval.state,
            self_eval.submitted_at) == (2025, "自评", "差距", "补短板", "submitted", at)
    assert set(Changes.objects.values_list("model", "object_id", "field")) == {
        ("collection.DepartmentReport", annual.pk, "progress"), ("collection.DepartmentReport", self_eval.pk, "progress")}

    back = _migrate(BEFORE)
    sub = back.get_model("collection", "Submission").objects.get(pk=filed.pk)
    assert (sub.work_progress, sub.work_problems, sub.work_next_year) == ("落实规划", "人手不足", "继续")
    restored = back.get_model("publishing", "DepartmentSelfEvaluation").objects.get()
    assert (restored.progress, restored.state) == ("自评", "submitted")
    assert set(back.get_model("orgs", "FieldChange").objects.values_list("model", "field")) == {
        ("collection.Submission", "work_progress"), ("publishing.DepartmentSelfEvaluation", "progress")}
    _migrate(executor_leaf())


def executor_leaf():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()
