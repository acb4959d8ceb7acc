"""Real Chromium through the whole year: a reporter fills part of the form online,
uploads the Excel template with one bad cell, sees the error by cell, fixes it and
submits; the statistics bureau returns it with a reason; the reporter corrects and
resubmits; the bureau accepts; the office closes the round and the value is locked.
Screenshots go to test-artifacts/collection-*.png."""

import re

import pytest
from openpyxl import load_workbook

from tianping.core.workbook import DATA_SHEET, FIRST_ROW, LETTER
from tianping.web.collection.models import Entry, EntryChange, Submission
from tianping.web.observations.models import Observation

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def session(browser, live_server, login):
    contexts = []

    def open_as(user):
        context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": 1400, "height": 1000},
                                      accept_downloads=True)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15000)
        login(page, user)
        return page

    yield open_as
    for context in contexts:
        context.close()


def edit_template(path, changes):
    wb = load_workbook(path)
    ws = wb[DATA_SHEET]
    where = {}
    for r in range(FIRST_ROW, ws.max_row + 1):
        where[(int(ws[f"A{r}"].value), ws[f"{LETTER['residence']}{r}"].value)] = r
    refs = {}
    for (indicator, residence, column), value in changes.items():
        ref = f"{LETTER[column]}{where[(indicator, residence)]}"
        ws[ref] = value
        refs[(indicator, residence, column)] = ref
    wb.save(path)
    return refs


def test_a_year_of_collection(session, reporter, stats, office, framework, round_2024, artifacts, tmp_path):
    sub = round_2024.submissions.get(department__name="卫健局")
    mgmt, mmr = framework["mgmt"], framework["mmr"]

    # --- the reporter fills part of the form online
    rp = session(reporter)
    rp.get_by_role("link", name="我的填报任务").click()
    rp.locator(f"#submission-{sub.pk}").get_by_role("link", name="打开").click()
    rp.get_by_role("link", name="孕产妇系统管理率").click()
    assert "%" in rp.locator("#unit").inner_text()
    rp.fill("input[name=value_0]", "96")
    rp.get_by_role("button", name="保存").click()
    assert "已保存：新增1" in rp.locator("#messages").inner_text()
    rp.screenshot(path=str(artifacts / "collection-1-form.png"), full_page=True)

    # --- downloads the template, fills it in Excel with one bad cell, uploads
    rp.get_by_role("link", name=re.compile("卫健局")).first.click()
    with rp.expect_download() as download:
        rp.click("#download-template")
    path = tmp_path / "卫健局-2024.xlsx"
    download.value.save_as(path)
    refs = edit_template(path, {(mgmt.pk, "城镇", "value"): "九十七", (mgmt.pk, "农村", "value"): "95",
                                (mmr.pk, "合计", "numerator"): "３", (mmr.pk, "合计", "denominator"): 30000})
    rp.get_by_role("link", name="孕产妇死亡率").click()      # the rate is computed as counts are typed
    rp.fill("input[name=numerator_0]", "2")
    rp.fill("input[name=denominator_0]", "40000")
    assert rp.input_value("input[name=value_0]") == "5"
    rp.go_back()
    rp.get_by_role("link", name="上传Excel模板").click()
    rp.set_input_files("input[name=workbook]", str(path))
    rp.click("#upload-button")
    alert = rp.get_by_role("alert").inner_text()
    bad_ref = refs[(mgmt.pk, "城镇", "value")]
    assert "数据填报" in alert and f"第{bad_ref[1:]}行" in alert and f"{bad_ref[0]}列" in alert and "九十七" in alert
    rp.screenshot(path=str(artifacts / "collection-2-upload-error.png"), full_page=True)
    assert Entry.objects.count() == 1   # nothing of the bad file

    edit_template(path, {(mgmt.pk, "城镇", "value"): "97"})
    rp.set_input_files("input[name=workbook]", str(path))
    rp.click("#upload-button")
    preview = rp.locator("#dry-run").inner_text()
    assert "新增3" in preview and "错误0" in preview
    rp.screenshot(path=str(artifacts / "collection-3-dry-run.png"), full_page=True)
    rp.click("#confirm-import")
    assert "已导入：新增3" in rp.locator("#messages").inner_text()
    assert Entry.objects.get(indicator=mmr).value == pytest.approx(10.0)

    rp.fill("textarea[name=work_progress]", "全面落实孕产妇系统管理，<b>覆盖城乡</b>。")
    rp.fill("textarea[name=work_next_year]", "继续提高农村管理率。")
    rp.get_by_role("button", name="保存工作报告").click()
    rp.click("#submit-button")
    assert "已提交审核" in rp.locator("#messages").inner_text()
    assert rp.locator("#submission-state").inner_text() == "已提交"

    # --- the statistics bureau returns it with a reason
    sp = session(stats)
    sp.get_by_role("link", name="填报轮次").click()
    sp.locator(f"#round-{round_2024.pk}").get_by_role("link", name="各单位填报").click()
    sp.locator(f"#submission-{sub.pk}").get_by_role("link", name="打开").click()
    assert "<b>覆盖城乡</b>" in sp.locator("#work-report").inner_text()   # shown as text, not markup
    sp.fill("#return-form textarea[name=reason]", "农村管理率95%与上年差异较大，请核实。")
    sp.get_by_role("button", name="退回").click()
    assert sp.locator("#submission-state").inner_text() == "已退回"
    sp.screenshot(path=str(artifacts / "collection-4-returned.png"), full_page=True)

    # --- the reporter reads the reason, corrects and resubmits
    rp.reload()
    assert "农村管理率95%与上年差异较大" in rp.locator("#comments").inner_text()
    rp.get_by_role("link", name="孕产妇系统管理率").click()
    rp.fill("input[name=value_2]", "94.5")
    rp.fill("input[name=note_2]", "经核实，原数据录入有误")
    rp.get_by_role("button", name="保存").click()
    assert "修改1" in rp.locator("#messages").inner_text()
    rp.get_by_role("link", name=re.compile("卫健局")).first.click()
    rp.click("#submit-button")
    assert rp.locator("#submission-state").inner_text() == "已提交"

    # --- the bureau accepts
    sp.reload()
    sp.click("#accept-button")
    assert sp.locator("#submission-state").inner_text() == "已通过"
    assert Observation.objects.get(indicator=mgmt, residence="农村", year=2024).value == 94.5

    # --- the office closes the round; the value is locked
    op = session(office)
    op.goto(f"/collection/rounds/{round_2024.pk}/")
    assert "人社局" in op.locator("#not-reported").inner_text()   # named before closing
    op.check("#close-form input[name=confirm]")
    op.get_by_role("button", name="关闭轮次并锁定已通过数据").click()
    assert "填报轮次" not in op.locator("#round-state").inner_text() and "已关闭" in op.locator("#round-state").inner_text()
    op.screenshot(path=str(artifacts / "collection-5-round-closed.png"), full_page=True)

    rp.goto(f"/collection/submissions/{sub.pk}/indicators/{mgmt.pk}/")
    assert rp.locator("input[name=value_2]").get_attribute("readonly") is not None
    assert rp.get_by_role("button", name="保存").count() == 0
    rp.screenshot(path=str(artifacts / "collection-6-locked.png"), full_page=True)
    assert Submission.objects.get(pk=sub.pk).state == Submission.State.LOCKED
    assert set(EntryChange.objects.values_list("channel", flat=True)) == {"form", "excel"}
    # the history of the corrected cell: Excel first, then the form
    rp.locator("#cell-2").get_by_role("link", name="修改记录").click()
    history = rp.locator("#history").inner_text()
    assert "94.5" in history and "95" in history and "Excel模板" in history and "在线表单" in history
