"""The one-screen entry grid on the real database: every indicator of the department with
its disaggregations and the previous years, a row saved as typed with the version check
(no last-write-wins), inline errors, 无数据 for many rows with one reason in one action,
and who may use it."""

from __future__ import annotations

import re

import pytest

from tianping.core.validation import Cell
from tianping.web.collection import grid, services
from tianping.web.collection.models import Entry
from tianping.web.observations.models import Observation

pytestmark = pytest.mark.django_db


def key(ind, cell=Cell()):
    return grid.cell_key(ind.pk, cell)


def test_grid_lists_every_indicator_with_its_cells_and_previous_years(sub_of, framework, reporter, client_of):
    sub = sub_of("卫健局")
    mgmt = framework["mgmt"]
    Observation.objects.create(indicator=mgmt, region=sub.round.region, year=2023, value=93.5,
                               origin="history", source="年鉴")
    page = client_of(reporter).get(f"/collection/submissions/{sub.pk}/grid/").content.decode()
    indicators = services.indicators_for(sub.department, sub.round.region)
    rows = sum(len(grid.applicable_cells(i)) for i in indicators)
    assert page.count('class="grid-row') == rows and rows > len(indicators)   # by-residence rows included
    for ind in indicators:
        assert ind.name in page
    assert ">2021<" in page and ">2022<" in page and ">2023<" in page and "93.5" in page
    assert "城镇" in page and "农村" in page


def test_a_row_saves_as_typed_and_a_stale_version_is_refused(sub_of, framework, reporter, client_of):
    sub = sub_of("卫健局")
    mgmt = framework["mgmt"]
    client = client_of(reporter)
    url = f"/collection/submissions/{sub.pk}/grid/save/"
    r = client.post(url, {"key": key(mgmt), "version": "0", "value": "96.5", "note": ""})
    assert r.status_code == 200 and "✓" in r.content.decode()
    entry = Entry.objects.get(submission=sub, indicator=mgmt, sex="", residence="")
    assert entry.value == 96.5 and entry.version == 1
    assert 'name="version" value="1"' in r.content.decode()
    # a second tab still showing version 0 does not overwrite it
    r = client.post(url, {"key": key(mgmt), "version": "0", "value": "90", "note": ""})
    text = r.content.decode()
    assert "已被他人修改" in text and 'name="version" value="1"' in text
    assert Entry.objects.get(pk=entry.pk).value == 96.5
    # text in a number cell: an inline error, nothing saved
    r = client.post(url, {"key": key(mgmt), "version": "1", "value": "九十", "note": ""})
    assert "不是数字" in r.content.decode() and "has-error" in r.content.decode()
    assert Entry.objects.get(pk=entry.pk).version == 1


def test_numerator_and_denominator_give_the_rate(sub_of, framework, reporter, client_of):
    sub = sub_of("卫健局")
    mmr = framework["mmr"]
    r = client_of(reporter).post(f"/collection/submissions/{sub.pk}/grid/save/",
                                 {"key": key(mmr), "version": "0", "numerator": "3", "denominator": "30000",
                                  "value": "", "note": ""})
    assert r.status_code == 200
    assert Entry.objects.get(submission=sub, indicator=mmr).value == pytest.approx(10.0)


def test_bulk_no_data_marks_every_ticked_empty_row_in_one_action(sub_of, framework, reporter, client_of):
    sub = sub_of("卫健局")
    client = client_of(reporter)
    mgmt = framework["mgmt"]
    client.post(f"/collection/submissions/{sub.pk}/grid/save/",
                {"key": key(mgmt), "version": "0", "value": "96.5", "note": ""})
    page = client.get(f"/collection/submissions/{sub.pk}/grid/").content.decode()
    picks = re.findall(r'name="pick" form="bulk-form" value="([^"]+)"', page)
    assert len(picks) == page.count('class="grid-row')
    r = client.post(f"/collection/submissions/{sub.pk}/grid/bulk/",
                    {"kind": "无数据", "reason": "2024年卫生统计年报6月发布", "pick": picks})
    text = r.content.decode()
    assert r.status_code == 200 and "bulk-errors" not in text and "✓" in text
    total = sum(len(grid.applicable_cells(i)) for i in services.indicators_for(sub.department, sub.round.region))
    entries = Entry.objects.filter(submission=sub)
    assert entries.count() == total
    assert entries.get(indicator=mgmt, residence="").value == 96.5            # a filled row keeps its value
    marked = entries.exclude(indicator=mgmt, residence="")
    assert all(e.note == "无数据：2024年卫生统计年报6月发布" and e.value is None for e in marked)
    # with the work report, the department can now submit: every required cell is accounted for
    services.save_work_report(sub, reporter, {"work_progress": "开展孕产妇系统管理"})
    services.submit(sub, reporter)


def test_bulk_needs_a_reason_and_refuses_stale_rows(sub_of, framework, reporter, client_of):
    sub = sub_of("卫健局")
    client = client_of(reporter)
    mgmt = framework["mgmt"]
    r = client.post(f"/collection/submissions/{sub.pk}/grid/bulk/", {"kind": "无数据", "reason": "",
                                                                      "pick": [key(mgmt) + "|0"]})
    assert "bulk-errors" in r.content.decode() and not Entry.objects.exists()
    services.save_rows(sub, [services.RowIn(mgmt.pk, Cell(), note="另一窗口", version=0)], reporter, "form")
    r = client.post(f"/collection/submissions/{sub.pk}/grid/bulk/", {"kind": "不适用", "reason": "本区无此项",
                                                                      "pick": [key(mgmt) + "|0",
                                                                               key(mgmt, Cell(residence="城镇")) + "|0"]})
    assert "已被他人修改" in r.content.decode()
    assert Entry.objects.filter(submission=sub).count() == 1                   # all or nothing


def test_grid_is_the_departments_own(sub_of, framework, reporter, hr_reporter, stats, client_of):
    sub = sub_of("卫健局")
    assert client_of(hr_reporter).get(f"/collection/submissions/{sub.pk}/grid/").status_code == 404
    assert client_of(stats).get(f"/collection/submissions/{sub.pk}/grid/").status_code == 200   # read-only view
    assert 'name="value"' not in client_of(stats).get(f"/collection/submissions/{sub.pk}/grid/").content.decode()
    r = client_of(stats).post(f"/collection/submissions/{sub.pk}/grid/save/",
                              {"key": key(framework["mgmt"]), "version": "0", "value": "1"})
    assert r.status_code == 403 and not Entry.objects.exists()
