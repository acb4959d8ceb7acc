"""Pages: the department form, Excel upload with dry run, review actions — and who may
reach which page. A reporter reads and writes only its own department's indicators,
and writes only while the round is open."""

import io

import pytest
from django.db import connection
from openpyxl import load_workbook

from tianping.core.workbook import DATA_SHEET, FIRST_ROW, LETTER
from tianping.web.collection import services
from tianping.web.collection.models import Entry, EntryChange, Submission
from tianping.web.observations.models import Observation

pytestmark = pytest.mark.django_db


def url(name, *args):
    from django.urls import reverse
    return reverse(f"collection:{name}", args=args)


def form_data(cells: dict, versions=None):
    """cells: {index: (value, numerator, denominator, note)}"""
    data = {}
    for i, (value, num, den, note) in cells.items():
        data.update({f"value_{i}": value, f"numerator_{i}": num, f"denominator_{i}": den, f"note_{i}": note,
                     f"version_{i}": (versions or {}).get(i, 0)})
    return data


def snapshot():
    return (sorted(Entry.objects.values_list("indicator_id", "sex", "residence", "value", "note", "version")),
            EntryChange.objects.count(), sorted(Observation.objects.values_list("indicator_id", "value")),
            sorted(Submission.objects.values_list("pk", "state", "version")))


def filled_template(client, sub, changes: dict) -> bytes:
    response = client.get(url("template", sub.pk))
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.content))
    ws = wb[DATA_SHEET]
    rows = {}
    for r in range(FIRST_ROW, ws.max_row + 1):
        rows[(int(ws[f"A{r}"].value), ws[f"{LETTER['residence']}{r}"].value)] = r
    for (indicator_id, residence, column), value in changes.items():
        ws[f"{LETTER[column]}{rows[(indicator_id, residence)]}"] = value
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def client_upload_template(client, sub, changes: dict):
    """Download the template, make ``changes``, upload it and confirm the import: the response."""
    r = upload(client, sub, filled_template(client, sub, changes))
    if r.status_code != 200 or "token" not in (r.context or {}):
        return r
    return client.post(url("upload", sub.pk), {"token": r.context["token"], "confirm": "1"})


def upload(client, sub, data, name="卫健局.xlsx"):
    f = io.BytesIO(data)
    f.name = name
    return client.post(url("upload", sub.pk), {"workbook": f})


def test_reporter_home_form_and_escaping(client_of, reporter, sub_of, framework):
    sub = sub_of("卫健局")
    c = client_of(reporter)
    home = c.get(url("tasks")).content.decode()
    assert "卫健局" in home and "人社局" not in home
    page = c.get(url("indicator", sub.pk, framework["mmr"].pk)).content.decode()
    assert "孕产妇死亡人数" in page and "1/10万" in page and "每10万例活产" in page
    r = c.post(url("indicator", sub.pk, framework["mmr"].pk), form_data({0: ("", "3", "30000", "<script>x</script>")}))
    assert r.status_code == 302
    e = Entry.objects.get(indicator=framework["mmr"])
    assert e.value == pytest.approx(10.0) and e.version == 1
    page = c.get(url("submission", sub.pk)).content.decode()
    assert "&lt;script&gt;x&lt;/script&gt;" in page and "<script>x</script>" not in page
    # a bad cell is named and nothing saved
    r = c.post(url("indicator", sub.pk, framework["mgmt"].pk), form_data({0: ("九十", "", "", ""), 1: ("", "", "", ""), 2: ("", "", "", "")}))
    assert r.status_code == 400 and "合计·数值" in r.content.decode() and "九十" in r.content.decode()
    # a stale edit is refused and shown
    r = c.post(url("indicator", sub.pk, framework["mmr"].pk), form_data({0: ("", "5", "30000", "")}, {0: 0}))
    assert r.status_code == 400 and "已被他人修改" in r.content.decode()
    assert Entry.objects.get(indicator=framework["mmr"]).numerator == 3.0
    history = c.get(url("history", e.pk)).content.decode()
    assert "reporter1" in history


def test_excel_round_trip_dry_run_then_commit(client_of, reporter, sub_of, framework):
    sub = sub_of("卫健局")
    c = client_of(reporter)
    mgmt, mmr = framework["mgmt"].pk, framework["mmr"].pk
    bad = filled_template(c, sub, {(mgmt, "合计", "value"): "96", (mgmt, "城镇", "value"): "９７",
                                   (mgmt, "农村", "value"): "九十五", (mmr, "合计", "numerator"): 3,
                                   (mmr, "合计", "denominator"): "30000"})
    before = snapshot()
    r = upload(c, sub, bad)
    text = r.content.decode()
    assert r.status_code == 400 and "工作表“数据填报”" in text and f"{LETTER['value']}列" in text and "九十五" in text
    assert snapshot() == before

    good = filled_template(c, sub, {(mgmt, "合计", "value"): "96", (mgmt, "城镇", "value"): "９７",
                                    (mgmt, "农村", "value"): "—", (mmr, "合计", "numerator"): 3,
                                    (mmr, "合计", "denominator"): "30000"})
    r = upload(c, sub, good)
    assert r.status_code == 200 and "确认导入" in r.content.decode()
    assert snapshot() == before   # dry run saved nothing
    token = r.context["token"]
    r = c.post(url("upload", sub.pk), {"token": token, "confirm": "1"})
    assert r.status_code == 302
    assert Entry.objects.get(indicator_id=mgmt, residence="城镇").value == 97.0
    assert set(EntryChange.objects.values_list("channel", flat=True)) == {"excel"}
    # the same file again: nothing new, nothing changed (idempotent)
    r = upload(c, sub, good)
    assert r.status_code == 200 and r.context["summary"].new == 0 and r.context["summary"].changed == 0
    from django.conf import settings
    pending = settings.VAR_DIR / "uploads" / f"{reporter.pk}-{r.context['token']}.xlsx"
    assert pending.exists()
    upload(c, sub, good)                     # a newer upload replaces the unconfirmed one
    assert not pending.exists()


def test_bad_uploads_leave_the_database_as_it_was(client_of, reporter, sub_of, framework):
    sub = sub_of("卫健局")
    c = client_of(reporter)
    good = filled_template(c, sub, {(framework["mgmt"].pk, "合计", "value"): "96"})
    before = snapshot()
    for data, name, words in [(good, "x.xlsm", "宏"), (good[: len(good) // 2], "x.xlsx", "损坏"),
                              (b"<html>", "x.xlsx", "损坏"), (good, "x.csv", ".xlsx")]:
        r = upload(c, sub, data, name)
        assert r.status_code == 400 and words in r.content.decode(), name
    assert snapshot() == before


def test_a_failure_in_the_middle_of_an_import_rolls_everything_back(client_of, reporter, sub_of, framework):
    """The database itself refuses the audit row of one cell after others were written."""
    sub = sub_of("卫健局")
    c = client_of(reporter)
    mgmt = framework["mgmt"].pk
    assert c.post(url("indicator", sub.pk, mgmt), form_data({0: ("96", "", "", ""), 1: ("97", "", "", ""),
                                                              2: ("95", "", "", "")})).status_code == 302
    data = filled_template(c, sub, {(mgmt, "合计", "value"): "95.5", (mgmt, "城镇", "value"): "96.5",
                                    (mgmt, "农村", "note"): "BOOM"})
    before = snapshot()
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("CREATE FUNCTION boom() RETURNS trigger AS $$ BEGIN IF NEW.new::text LIKE '%BOOM%' THEN "
                        "RAISE EXCEPTION 'boom'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql")
            cur.execute("CREATE TRIGGER boom BEFORE INSERT ON collection_entrychange FOR EACH ROW EXECUTE FUNCTION boom()")
        else:
            cur.execute("CREATE TRIGGER boom BEFORE INSERT ON collection_entrychange WHEN NEW.new LIKE '%BOOM%' "
                        "BEGIN SELECT RAISE(ABORT, 'boom'); END")
    r = upload(c, sub, data)
    assert r.status_code == 200
    with pytest.raises(Exception):
        c.post(url("upload", sub.pk), {"token": r.context["token"], "confirm": "1"})
    assert snapshot() == before


def test_review_pages(client_of, reporter, stats, office, sub_of, framework, round_2024):
    sub = sub_of("卫健局")
    rc, sc, oc = client_of(reporter), client_of(stats), client_of(office)
    mgmt, mmr = framework["mgmt"].pk, framework["mmr"].pk
    rc.post(url("indicator", sub.pk, mgmt), form_data({0: ("96", "", "", ""), 1: ("97", "", "", ""), 2: ("95", "", "", "")}))
    rc.post(url("indicator", sub.pk, mmr), form_data({0: ("", "3", "30000", "")}))
    rc.post(url("work_report", sub.pk), {"work_progress": "已落实", "work_problems": "无", "work_next_year": "继续"})
    rc.post(url("submit", sub.pk))
    assert Submission.objects.get(pk=sub.pk).state == "submitted"
    assert rc.post(url("accept", sub.pk)).status_code == 403
    sc.post(url("return", sub.pk), {"reason": "请核实<b>农村</b>"})
    page = rc.get(url("submission", sub.pk)).content.decode()
    assert "请核实&lt;b&gt;农村&lt;/b&gt;" in page
    rc.post(url("submit", sub.pk))
    sc.post(url("accept", sub.pk))
    assert Observation.objects.filter(indicator_id=mgmt).count() == 3
    r = oc.get(url("completeness", round_2024.pk)).content.decode()
    assert "卫健局" in r and "人社局" in r
    oc.post(url("round_close", round_2024.pk))        # 人社局 has not reported: not closed without confirming
    assert Submission.objects.get(pk=sub.pk).state == "accepted"
    oc.post(url("round_close", round_2024.pk), {"confirm": "yes"})
    assert Submission.objects.get(pk=sub.pk).state == "locked"
    assert rc.post(url("indicator", sub.pk, mgmt), form_data({0: ("90", "", "", "")}, {0: 1})).status_code == 403
    sc.post(url("unlock", sub.pk), {"reason": "更正"})
    assert Submission.objects.get(pk=sub.pk).state == "returned"


@pytest.mark.parametrize("who", ["reporter", "hr_reporter", "stats", "office", "other_office", "viewer", "expert"])
def test_who_reaches_which_page(request, who, client_of, sub_of, framework, round_2024):
    user = request.getfixturevalue(who)
    c = client_of(user)
    health = sub_of("卫健局")
    mgmt = framework["mgmt"].pk
    owner = request.getfixturevalue("reporter")
    from tianping.core.validation import Cell
    services.save_rows(health, [services.RowIn(framework["mmr"].pk, Cell(), numerator=1.0, denominator=1e4, version=0)],
                       owner, "form")
    entry = Entry.objects.get()
    comments_before = health.comments.count()
    pages = {
        "history": c.get(url("history", entry.pk)).status_code,
        "report": c.post(url("work_report", health.pk), {"work_progress": "x"}).status_code,
        "comment": c.post(url("comment", health.pk), {"text": "意见"}).status_code,
        "return": c.post(url("return", health.pk), {"reason": "r"}).status_code,
        "unlock": c.post(url("unlock", health.pk), {"reason": "r"}).status_code,
        "round_open": c.post(url("round_open"), {"region": round_2024.region_id, "year": 2023,
                                                 "deadline": "2030-01-01"}).status_code,
        "tasks": c.get(url("tasks")).status_code,
        "health": c.get(url("submission", health.pk)).status_code,
        "health_form": c.get(url("indicator", health.pk, mgmt)).status_code,
        "health_post": c.post(url("indicator", health.pk, mgmt), form_data({0: ("96", "", "", "")})).status_code,
        "template": c.get(url("template", health.pk)).status_code,
        "upload": c.get(url("upload", health.pk)).status_code,
        "round": c.get(url("round", round_2024.pk)).status_code,
        "completeness": c.get(url("completeness", round_2024.pk)).status_code,
        "accept": c.post(url("accept", health.pk)).status_code,
        "close": c.post(url("round_close", round_2024.pk + 999)).status_code,
    }
    common = {
        "reporter": dict(history=200, report=302, comment=302, **{"return": 403}, unlock=403, round_open=403),
        "hr_reporter": dict(history=404, report=404, comment=404, **{"return": 403}, unlock=403, round_open=403),
        "stats": dict(history=200, report=403, comment=302, **{"return": 302}, unlock=302, round_open=403),
        "office": dict(history=200, report=403, comment=302, **{"return": 403}, unlock=302, round_open=302),
        "other_office": dict(history=404, report=403, comment=404, **{"return": 403}, unlock=404, round_open=404),
        "viewer": dict(history=403, report=403, comment=403, **{"return": 403}, unlock=403, round_open=403),
        "expert": dict(history=403, report=403, comment=403, **{"return": 403}, unlock=403, round_open=403),
    }[who]
    expected = {
        "reporter": dict(tasks=200, health=200, health_form=200, health_post=302, template=200, upload=200,
                         round=403, completeness=403, accept=403, close=403),
        "hr_reporter": dict(tasks=200, health=404, health_form=404, health_post=404, template=404, upload=404,
                            round=403, completeness=403, accept=403, close=403),
        "stats": dict(tasks=200, health=200, health_form=200, health_post=403, template=200, upload=403,
                      round=200, completeness=200, accept=302, close=403),
        "office": dict(tasks=200, health=200, health_form=200, health_post=403, template=200, upload=403,
                       round=200, completeness=200, accept=403, close=404),
        "other_office": dict(tasks=200, health=404, health_form=404, health_post=404, template=404, upload=403,
                             round=404, completeness=404, accept=403, close=404),
        "viewer": dict(tasks=403, health=403, health_form=403, health_post=403, template=403, upload=403,
                       round=403, completeness=403, accept=403, close=403),
        "expert": dict(tasks=403, health=403, health_form=403, health_post=403, template=403, upload=403,
                       round=403, completeness=403, accept=403, close=403),
    }[who]
    assert pages == {**common, **expected}
    # the other department's indicator is not reachable through the own submission either
    if who == "reporter":
        assert c.get(url("indicator", health.pk, framework["count"].pk)).status_code == 404
    assert not Entry.objects.exclude(submission=health).exists()
    if who in ("hr_reporter", "other_office", "viewer", "expert"):   # nothing changed by those refused
        health.refresh_from_db()
        assert health.comments.count() == comments_before and health.work_report().progress == ""
        assert Entry.objects.get().version == 1 and health.state == "draft"


def test_a_reporter_cannot_write_in_a_closed_round(client_of, reporter, sub_of, framework, round_2024, office):
    services.close_round(round_2024, office)
    c = client_of(reporter)
    sub = sub_of("卫健局")
    assert c.get(url("indicator", sub.pk, framework["mgmt"].pk)).status_code == 200   # still readable
    assert c.post(url("indicator", sub.pk, framework["mgmt"].pk), form_data({0: ("96", "", "", "")})).status_code == 403
    assert c.get(url("upload", sub.pk)).status_code == 403
    assert c.post(url("submit", sub.pk)).status_code == 403
    assert not Entry.objects.exists()


def test_a_large_change_is_flagged_and_must_be_explained(client_of, reporter, sub_of, framework, round_2024):
    sub = sub_of("卫健局")
    mmr = framework["mmr"]
    for year, value in ((2020, 10.2), (2021, 9.9), (2022, 9.7), (2023, 9.4)):
        Observation.objects.create(indicator=mmr, region=round_2024.region, year=year, value=value)
    c = client_of(reporter)
    page = c.get(url("indicator", sub.pk, mmr.pk)).content.decode()
    assert "9.4" in page and "2021" in page          # previous years beside the cell
    r = c.post(url("indicator", sub.pk, mmr.pk), form_data({0: ("", "9", "30000", "")}), follow=True)
    assert "请在备注中说明" in r.content.decode()     # 30 per 100,000 after 9.4: saved, flagged
    assert "稳健z" in c.get(url("submission", sub.pk)).content.decode()
    c.post(url("indicator", sub.pk, framework["mgmt"].pk), form_data({0: ("96", "", "", ""), 1: ("97", "", "", ""), 2: ("95", "", "", "")}))
    c.post(url("work_report", sub.pk), {"work_progress": "已落实"})
    r = c.post(url("submit", sub.pk), follow=True)
    assert "未说明，不能提交" in r.content.decode() and Submission.objects.get(pk=sub.pk).state == "draft"
    c.post(url("indicator", sub.pk, mmr.pk), form_data({0: ("", "9", "30000", "今年发生9例，已逐例核实")}, {0: 1}))
    c.post(url("submit", sub.pk))
    assert Submission.objects.get(pk=sub.pk).state == "submitted"


def test_reminders_reach_departments_that_have_not_submitted(client_of, reporter, hr_reporter, office, sub_of,
                                                             framework, round_2024):
    health = sub_of("卫健局")
    rc = client_of(reporter)
    rc.post(url("indicator", health.pk, framework["mgmt"].pk), form_data({0: ("96", "", "", ""), 1: ("97", "", "", ""), 2: ("95", "", "", "")}))
    rc.post(url("indicator", health.pk, framework["mmr"].pk), form_data({0: ("", "3", "30000", "")}))
    rc.post(url("work_report", health.pk), {"work_progress": "已落实"})
    rc.post(url("submit", health.pk))
    assert client_of(reporter).post(url("round_remind", round_2024.pk)).status_code == 403
    r = client_of(office).post(url("round_remind", round_2024.pk), follow=True)
    assert "已向1个单位发出催报提醒" in r.content.decode()
    tasks = client_of(hr_reporter).get(url("tasks")).content.decode()
    assert "催报" in tasks and f"{round_2024.year}年度监测数据填报" in tasks
    assert "催报" not in client_of(reporter).get(url("tasks")).content.decode()   # already submitted


def test_a_stale_work_report_form_is_refused_not_overwriting(client_of, reporter, sub_of, framework, round_2024):
    import re

    sub = sub_of("卫健局")
    c = client_of(reporter)

    def based_on():
        found = re.search(r'name="based_on" value="([^"]*)"', c.get(url("submission", sub.pk)).content.decode())
        assert found, "the work report form carries the version it was loaded from"
        return found.group(1)

    stale = based_on()                                  # two tabs open on the same (empty) report
    c.post(url("work_report", sub.pk), {"work_progress": "甲写的落实情况", "based_on": stale})
    assert sub.work_report().progress == "甲写的落实情况"
    r = c.post(url("work_report", sub.pk), {"work_progress": "乙写的落实情况", "based_on": stale}, follow=True)
    assert "已被他人修改" in r.content.decode()
    assert sub.work_report().progress == "甲写的落实情况"
    c.post(url("indicator", sub.pk, framework["mgmt"].pk), form_data({0: ("96", "", "", "")}))   # values saved meanwhile
    c.post(url("work_report", sub.pk), {"work_progress": "甲再改", "based_on": based_on()})      # do not conflict
    assert sub.work_report().progress == "甲再改"
