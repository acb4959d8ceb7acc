"""审计记录 page (issue 16): the committee office (and administrators) see who changed what and
when, with old → new values, filtered by who, what and when, 50 a page; other roles are refused;
another region's records stay hidden; text is escaped."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tianping.web.collection import services
from tianping.web.collection.models import EntryChange
from tianping.web.orgs.models import FieldChange, User

pytestmark = pytest.mark.django_db
URL = "/collection/audit/"


def _save(sub, user, framework, value, version=0, note=""):
    cells = services.grid(framework["mgmt"])
    rows = [services.RowIn(framework["mgmt"].pk, c, value=value, note=note, version=version) for c in cells]
    summary = services.save_rows(sub, rows, user, "form")
    assert summary.committed, summary.errors


def test_office_sees_value_changes_old_to_new(client_of, office, reporter, sub_of, framework):
    sub = sub_of("卫健局")
    _save(sub, reporter, framework, 95.0)
    _save(sub, reporter, framework, 96.5, version=1, note="<script>alert(1)</script>核实后更正")
    page = client_of(office).get(URL)
    assert page.status_code == 200
    html = page.content.decode()
    assert "审计记录" in html and "孕产妇系统管理率" in html and "卫健局" in html
    assert "95" in html and "96.5" in html and "第2版" in html and "（空）" in html
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "reporter1" in html or reporter.get_full_name() in html


def test_framework_changes_and_filters(client_of, office, framework, regions):
    ind = framework["count"]
    ind.multiplier = 1000
    ind.save()
    c = client_of(office)
    html = c.get(URL, {"kind": "fields"}).content.decode()
    assert "1000" in html and "指标" in html
    assert "1000" in c.get(URL, {"kind": "fields", "what": "multiplier"}).content.decode()
    assert "没有符合条件的记录" in c.get(URL, {"kind": "fields", "who": "nobody-at-all"}).content.decode()
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    assert "没有符合条件的记录" in c.get(URL, {"kind": "fields", "from": tomorrow}).content.decode()
    today = timezone.localdate().isoformat()
    assert "1000" in c.get(URL, {"kind": "fields", "from": today, "to": today}).content.decode()


def test_filters_by_who_and_pages(client_of, office, reporter, sub_of, framework):
    sub = sub_of("卫健局")
    for n in range(3):
        _save(sub, reporter, framework, 90.0 + n, version=n)
    assert EntryChange.objects.count() == 9
    c = client_of(office)
    mine = c.get(URL, {"who": "reporter1"}).content.decode()
    assert "共 9 条记录" in mine
    assert "共 0 条记录" in c.get(URL, {"who": "office1"}).content.decode()
    assert "共 9 条记录" in c.get(URL, {"what": "孕产妇"}).content.decode()
    from tianping.web.collection import audit_log
    old = audit_log.PER_PAGE
    audit_log.PER_PAGE = 4
    try:
        first, last = c.get(URL, {"who": "reporter1"}).content.decode(), c.get(URL, {"who": "reporter1", "page": 3})
    finally:
        audit_log.PER_PAGE = old
    assert "第 1/3 页" in first and "page=2" in first and "who=reporter1" in first
    assert last.status_code == 200 and "第 3/3 页" in last.content.decode()


@pytest.mark.parametrize("role", ["statistics", "reporter", "evaluation", "leadership", "readonly"])
def test_other_roles_are_refused(client_of, regions, role):
    from tianping.web.orgs.models import Department

    dept = Department.objects.get(region=regions["210203"], name="卫健局") if role == "reporter" else None
    user = User.objects.create_user(username=f"u-{role}", password="Tianping-test-2030", role=role,
                                    region=regions["210203"], department=dept)
    assert client_of(user).get(URL).status_code == 403


def test_another_regions_office_sees_nothing_of_this_region(client_of, reporter, sub_of, framework, regions):
    sub = sub_of("卫健局")
    _save(sub, reporter, framework, 95.0)
    ind = framework["count"]
    ind.multiplier = 1000
    ind.save()
    assert FieldChange.objects.filter(model="plans.Indicator", object_id=ind.pk).exists()
    other = User.objects.create_user(username="office-other", password="Tianping-test-2030", role="office",
                                     region=regions["220113"])
    c = client_of(other)
    assert "共 0 条记录" in c.get(URL).content.decode()
    assert "共 0 条记录" in c.get(URL, {"kind": "fields"}).content.decode()


def test_administrator_sees_every_region(client_of, reporter, sub_of, framework):
    sub = sub_of("卫健局")
    _save(sub, reporter, framework, 95.0)
    admin = User.objects.create_superuser("root1", password="Tianping-test-2030")
    assert "共 3 条记录" in client_of(admin).get(URL).content.decode()
