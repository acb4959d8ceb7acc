"""Deadline-day speed (issue 16): saving is set-based — the number of SQL statements of a save,
of the form page and of the completeness page does not grow with the number of cells,
indicators or departments (no query per row), and the version check still refuses a stale write."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tianping.web.collection import services
from tianping.web.collection.models import Entry, EntryChange
from tianping.web.orgs.models import Department

pytestmark = pytest.mark.django_db

NO_DATA = "无数据：统计公报尚未发布"


@pytest.fixture
def many(framework, regions, round_2024):
    """卫健局 reports twelve more indicators of the plan (assigned as the office would), by urban/rural."""
    plan = framework["mmr"].plan
    health = Department.objects.get(region=regions["210203"], name="卫健局")
    extra = list(plan.indicators.exclude(pk__in=[i.pk for i in framework.values()]).order_by("pk")[:12])
    for ind in extra:
        ind.responsible_department, ind.by_residence = health, True
        ind.save()
    services.ensure_submissions(round_2024)
    return [framework["mmr"], framework["mgmt"], *extra]


def _rows(indicators, versions=None):
    rows = []
    for ind in indicators:
        for cell in services.grid(ind):
            version = (versions or {}).get((ind.pk, cell), 0)
            rows.append(services.RowIn(ind.pk, cell, note=NO_DATA, version=version))
    return rows


def _queries(fn) -> int:
    with CaptureQueriesContext(connection) as queries:
        fn()
    return len(queries)


def test_a_save_costs_the_same_statements_for_2_or_14_indicators(sub_of, reporter, many):
    sub = sub_of("卫健局")
    small = _queries(lambda: services.save_rows(sub, _rows(many[:2]), reporter, "form"))
    big = _queries(lambda: services.save_rows(sub, _rows(many[2:]), reporter, "form"))
    assert Entry.objects.filter(submission=sub).count() == len(_rows(many)) > 20
    assert EntryChange.objects.filter(entry__submission=sub).count() == len(_rows(many))
    assert big <= small, (small, big)
    # changing them all again (updates with versions, audit rows with the old value) is as cheap
    versions = {(e.indicator_id, services.Cell(e.sex, e.age, e.residence)): e.version
                for e in Entry.objects.filter(submission=sub)}
    rows = _rows(many, versions)
    for row in rows:
        row.note = "不适用：本区无此项统计"
    summary = None

    def change():
        nonlocal summary
        summary = services.save_rows(sub, rows, reporter, "form")

    assert _queries(change) <= small + 1
    assert summary.committed and summary.changed == len(rows)
    assert set(Entry.objects.filter(submission=sub).values_list("version", flat=True)) == {2}
    old = EntryChange.objects.filter(entry__submission=sub, version=2)
    assert old.count() == len(rows) and all(c.old["note"] == NO_DATA for c in old)


def test_the_set_based_save_still_refuses_a_stale_version(sub_of, reporter, many):
    sub = sub_of("卫健局")
    assert services.save_rows(sub, _rows(many), reporter, "form").committed
    before = {e.pk: (e.note, e.version) for e in Entry.objects.filter(submission=sub)}
    stale = _rows(many)                      # every row still names version 0
    for row in stale:
        row.note = "不适用：改写"
    summary = services.save_rows(sub, stale, reporter, "form")
    assert not summary.committed and len(summary.conflicts) == len(stale)
    assert {e.pk: (e.note, e.version) for e in Entry.objects.filter(submission=sub)} == before


def test_form_page_and_save_have_a_fixed_query_budget(client_of, reporter, sub_of, many):
    sub = sub_of("卫健局")
    c = client_of(reporter)
    ind = many[1]                            # 孕产妇系统管理率 by urban/rural: three cells
    url = f"/collection/submissions/{sub.pk}/indicators/{ind.pk}/"
    with CaptureQueriesContext(connection) as get:
        assert c.get(url).status_code == 200
    data = {"value_0": "95", "value_1": "96", "value_2": "94", "version_0": "0", "version_1": "0", "version_2": "0"}
    with CaptureQueriesContext(connection) as post:
        answer = c.post(url, data)
    assert answer.status_code == 302, answer.content.decode()[:2000]
    assert len(get) <= 10, [q["sql"][:120] for q in get.captured_queries]
    assert len(post) <= 18, [q["sql"][:120] for q in post.captured_queries]


def test_completeness_queries_do_not_grow_with_departments(client_of, office, round_2024, many, framework):
    c = client_of(office)
    url = f"/collection/rounds/{round_2024.pk}/completeness/"
    with CaptureQueriesContext(connection) as first:
        assert c.get(url).status_code == 200
    # two more departments get indicators of their own
    plan = framework["mmr"].plan
    extra = list(plan.indicators.filter(responsible_department__isnull=True).order_by("pk")[:4])
    for ind, name in zip(extra, ("教育局", "教育局", "民政局", "民政局")):
        ind.responsible_department = Department.objects.get(region=round_2024.region, name=name)
        ind.save()
    services.ensure_submissions(round_2024)
    with CaptureQueriesContext(connection) as second:
        page = c.get(url)
    assert page.status_code == 200 and "民政局" in page.content.decode()
    assert len(second) <= len(first) + 1, (len(first), len(second))
