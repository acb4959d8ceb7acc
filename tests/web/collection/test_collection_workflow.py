"""The collection workflow on the real database: saving with audit and versions,
submit → return → resubmit → accept → close → lock, unlock with reason, only
accepted values in Observation, completeness and timeliness."""

from datetime import date, timedelta

import pytest

from tianping.core.validation import Cell
from tianping.web.collection import services, signals
from tianping.web.collection.models import Comment, Entry, EntryChange, Submission
from tianping.web.observations.models import Observation

pytestmark = pytest.mark.django_db
RowIn = services.RowIn


def fill_health(sub, user, mmr_num=3.0, version=0, mgmt_versions=(0, 0, 0)):
    by_name = {i.name: i for i in services.indicators_for(sub.department, sub.round.region)}
    fw_mmr, fw_mgmt = by_name["孕产妇死亡率"], by_name["孕产妇系统管理率"]
    rows = [RowIn(fw_mmr.pk, Cell(), numerator=mmr_num, denominator=30000.0, version=version)]
    for cell, value, v in zip((Cell(), Cell(residence="城镇"), Cell(residence="农村")), (96.0, 97.0, 95.0), mgmt_versions):
        rows.append(RowIn(fw_mgmt.pk, cell, value=value, version=v))
    return services.save_rows(sub, rows, user, EntryChange.Channel.FORM)


def test_round_creates_one_submission_per_responsible_department(round_2024):
    assert sorted(s.department.name for s in round_2024.submissions.all()) == ["人社局", "卫健局"]


def test_save_computes_rates_audits_and_refuses_stale_versions(sub_of, reporter, framework):
    sub = sub_of("卫健局")
    summary = fill_health(sub, reporter)
    assert summary.ok and (summary.new, summary.changed) == (4, 0), summary.errors
    mmr = Entry.objects.get(submission=sub, indicator=framework["mmr"])
    assert mmr.value == pytest.approx(10.0) and mmr.version == 1
    assert EntryChange.objects.filter(entry=mmr).count() == 1

    again = fill_health(sub, reporter, version=1, mgmt_versions=(1, 1, 1))
    assert again.ok and (again.new, again.changed, again.unchanged) == (0, 0, 4)   # idempotent

    changed = fill_health(sub, reporter, mmr_num=4.0, version=1, mgmt_versions=(1, 1, 1))
    assert changed.changed == 1
    mmr.refresh_from_db()
    assert mmr.version == 2 and mmr.value == pytest.approx(13.333333, rel=1e-5)
    change = mmr.changes.get(version=2)
    assert change.old["numerator"] == 3.0 and change.new["numerator"] == 4.0 and change.user == reporter

    stale = fill_health(sub, reporter, mmr_num=5.0, version=1, mgmt_versions=(1, 1, 1))   # based on version 1
    assert not stale.ok and "已被他人修改" in stale.errors[0] and stale.conflicts[0]["current_version"] == 2
    mmr.refresh_from_db()
    assert mmr.numerator == 4.0   # not last-write-wins


def test_invalid_values_save_nothing(sub_of, reporter, framework):
    sub = sub_of("卫健局")
    rows = [RowIn(framework["mgmt"].pk, Cell(), value=96.0, version=0),
            RowIn(framework["mgmt"].pk, Cell(residence="城镇"), value=130.0, version=0)]
    summary = services.save_rows(sub, rows, reporter, "form")
    assert not summary.ok and any("超出0—100%" in e for e in summary.errors)
    assert not Entry.objects.exists() and not EntryChange.objects.exists()


def test_counts_must_add_up(sub_of, hr_reporter, framework):
    sub = sub_of("人社局")
    ind = framework["count"]
    rows = [RowIn(ind.pk, Cell(), value=1000.0, version=0), RowIn(ind.pk, Cell(residence="城镇"), value=700.0, version=0),
            RowIn(ind.pk, Cell(residence="农村"), value=200.0, version=0)]
    summary = services.save_rows(sub, rows, hr_reporter, "form")
    assert any("城镇+农村=900" in e for e in summary.errors) and not Entry.objects.exists()


def test_review_cycle_feeds_only_accepted_values(sub_of, reporter, stats, office, framework, round_2024,
                                                 django_capture_on_commit_callbacks):
    sub = sub_of("卫健局")
    received = []
    signals.submission_accepted.connect(lambda **kw: received.append(kw["submission"].pk), weak=False,
                                        dispatch_uid="test-accept")
    try:
        with pytest.raises(services.WorkflowError, match="必填|规划落实情况"):
            services.submit(sub, reporter)
        assert fill_health(sub, reporter).ok
        services.save_work_report(sub, reporter, {"work_progress": "落实情况良好", "work_problems": "", "work_next_year": "继续"})
        services.submit(sub, reporter)
        sub.refresh_from_db()
        assert sub.state == Submission.State.SUBMITTED and sub.timeliness == "on_time"
        assert not Observation.objects.exists()   # submitted is not accepted
        with pytest.raises(services.WorkflowError, match="原因"):
            services.return_submission(sub, stats, " ")
        services.return_submission(sub, stats, "农村管理率偏低，请核实")
        sub.refresh_from_db()
        assert sub.state == Submission.State.RETURNED and sub.is_editable
        assert fill_health(sub, reporter, version=1, mgmt_versions=(1, 1, 1)).ok
        services.submit(sub, reporter)
        with django_capture_on_commit_callbacks(execute=True):
            services.accept(sub, stats)
        assert received == [sub.pk]
        obs = Observation.objects.get(indicator=framework["mmr"], year=2024, sex="")
        assert obs.value == pytest.approx(10.0) and obs.numerator == 3.0 and not obs.synthetic
        assert Observation.objects.filter(indicator=framework["mgmt"]).count() == 3

        services.close_round(round_2024, office)
        sub.refresh_from_db()
        assert sub.state == Submission.State.LOCKED and not sub.is_editable
        assert not services.save_rows(sub, [], reporter, "form").ok
        with pytest.raises(services.WorkflowError, match="原因"):
            services.unlock(sub, stats, "")
        services.unlock(sub, stats, "发现录入错误")
        sub.refresh_from_db()
        assert sub.state == Submission.State.RETURNED and sub.reopened and sub.is_editable
        kinds = list(sub.comments.values_list("kind", flat=True))
        assert kinds == ["submit", "return", "submit", "accept", "lock", "unlock"]
        assert Comment.objects.get(kind="unlock").author == stats
    finally:
        signals.submission_accepted.disconnect(dispatch_uid="test-accept")


def test_completeness_and_timeliness(sub_of, reporter, round_2024):
    sub = sub_of("卫健局")
    fill_health(sub, reporter)
    rows = {r["submission"].department.name: r for r in services.completeness(round_2024)}
    assert rows["卫健局"]["filled"] == 4 and rows["卫健局"]["required"] == 4 and rows["卫健局"]["percent"] == 100
    assert rows["人社局"]["filled"] == 0 and rows["人社局"]["timeliness"] == "pending"
    round_2024.deadline = date.today() - timedelta(days=1)
    round_2024.save()
    sub.refresh_from_db()
    assert sub.timeliness == "missing"
    services.save_work_report(sub, reporter, {"work_progress": "已落实"})
    services.submit(sub, reporter)
    sub.refresh_from_db()
    assert sub.timeliness == "late"
