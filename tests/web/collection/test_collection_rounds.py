"""Round control on the real database: closing names who has not reported and needs the
office's confirmation; a closed round is reopened with a reason (audited), its locked
submissions can be corrected again; the deadline is extended (audited); a second round for
the same year is refused with a pointer to reopening."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tianping.web.collection import services
from tianping.web.collection.models import RoundEvent

pytestmark = pytest.mark.django_db


def accept_health(sub, reporter, stats, framework):
    rows = [services.RowIn(i.pk, c, note="无数据：年报未发布", version=0)
            for i in services.indicators_for(sub.department, sub.round.region) for c in services.grid(i)]
    assert services.save_rows(sub, rows, reporter, "form").ok
    services.save_work_report(sub, reporter, {"work_progress": "落实规划"})
    services.submit(sub, reporter)
    services.accept(sub, stats)


def test_close_names_the_missing_departments_and_needs_confirmation(round_2024, sub_of, framework, reporter, stats,
                                                                    office, client_of):
    accept_health(sub_of("卫健局"), reporter, stats, framework)
    client = client_of(office)
    page = client.get(f"/collection/rounds/{round_2024.pk}/").content.decode()
    assert 'id="not-reported"' in page and "人社局" in page[page.index('id="not-reported"'):][:400]
    r = client.post(f"/collection/rounds/{round_2024.pk}/close/", follow=True)
    assert "人社局" in r.content.decode() and "未关闭" in r.content.decode() or "Not closed" in r.content.decode()
    round_2024.refresh_from_db()
    assert round_2024.state == "open"
    client.post(f"/collection/rounds/{round_2024.pk}/close/", {"confirm": "yes"})
    round_2024.refresh_from_db()
    assert round_2024.state == "closed" and sub_of("卫健局").state == "locked"
    event = RoundEvent.objects.get(round=round_2024, action="close")
    assert "人社局" in event.text and event.user == office


def test_a_closed_round_reopens_with_a_reason_and_can_be_corrected(round_2024, sub_of, framework, reporter, stats,
                                                                   office, client_of, hr_reporter):
    accept_health(sub_of("卫健局"), reporter, stats, framework)
    services.close_round(round_2024, office)
    client = client_of(office)
    # a new round for the year is refused, pointing to reopening
    r = client.post("/collection/rounds/open/", {"region": round_2024.region_id, "year": "2024",
                                                 "deadline": (date.today() + timedelta(days=9)).isoformat()},
                    follow=True)
    assert "重新开放" in r.content.decode()
    assert client.post(f"/collection/rounds/{round_2024.pk}/reopen/", {"reason": ""}).status_code == 302
    round_2024.refresh_from_db()
    assert round_2024.state == "closed"                     # no reason, no reopening
    client.post(f"/collection/rounds/{round_2024.pk}/reopen/", {"reason": "人社局补报2024年数据"})
    round_2024.refresh_from_db()
    assert round_2024.state == "open" and round_2024.closed_at is None
    assert sub_of("卫健局").state == "accepted"
    assert RoundEvent.objects.get(round=round_2024, action="reopen").text == "人社局补报2024年数据"
    # the late department reports in the reopened round; the accepted one is unlocked to correct
    hr = sub_of("人社局")
    count = framework["count"]
    values = {"": 1000.0, "城镇": 600.0, "农村": 400.0}
    summary = services.save_rows(hr, [services.RowIn(count.pk, c, value=values[c.residence], version=0)
                                      for c in services.grid(count)], hr_reporter, "form")
    assert summary.ok, summary.errors
    services.unlock(sub_of("卫健局"), stats, "更正孕产妇系统管理率")
    assert sub_of("卫健局").is_editable
    page = client.get(f"/collection/rounds/{round_2024.pk}/").content.decode()
    assert 'id="round-events"' in page and "人社局补报2024年数据" in page


def test_the_deadline_is_extended_and_audited(round_2024, office, client_of, reporter, sub_of):
    client = client_of(office)
    new = round_2024.deadline + timedelta(days=20)
    client.post(f"/collection/rounds/{round_2024.pk}/deadline/", {"deadline": new.isoformat(), "reason": "年报推迟"})
    round_2024.refresh_from_db()
    assert round_2024.deadline == new
    event = RoundEvent.objects.get(round=round_2024, action="deadline")
    assert new.isoformat() in event.text and "年报推迟" in event.text
    r = client.post(f"/collection/rounds/{round_2024.pk}/deadline/", {"deadline": "2001-01-01"}, follow=True)
    assert "早于今天" in r.content.decode()
    round_2024.refresh_from_db()
    assert round_2024.deadline == new
    # the reporter's home shows the new deadline
    assert new.isoformat() in client_of(reporter).get("/").content.decode()
