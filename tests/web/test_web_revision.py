"""A revised edition of a confirmed plan (seed 000 → seed 002): the office sees
what changed and, on confirmation, the new edition takes over the framework and
the data of every matching indicator."""

import pytest

from tianping.web.observations.models import Observation
from tianping.web.orgs.models import Department
from tianping.web.plans import services
from tianping.web.plans.models import Plan


@pytest.fixture
def confirmed_000(imported_plan, office):
    plan = imported_plan("000")[0]
    services.confirm_plan(plan, office)
    return plan


def matching_indicator(old, new):
    from tianping.web.plans.revisions import indicator_key

    new_keys = {indicator_key(i.name) for i in new.indicators.all()}
    return next(i for i in old.indicators.all() if indicator_key(i.name) in new_keys and i.targets.exists())


def test_revision_shows_the_changes_and_carries_data_over_on_confirmation(confirmed_000, imported_plan, client_of,
                                                                        office):
    revised, children = imported_plan("002")
    assert revised.kind == "women" and revised.revises == confirmed_000
    assert children.revises is None  # no children's plan was confirmed before

    kept = matching_indicator(confirmed_000, revised)
    kept.responsible_department = Department.objects.get(region=kept.plan.region, name="卫健局")
    kept.save()
    Observation.objects.create(indicator=kept, region=kept.plan.region, year=2022, value=12.5, note="实测")

    client = client_of(office)
    changes = client.get(f"/plans/{revised.pk}/changes/").content.decode()
    assert "修订内容对比" in changes and "新增指标" in changes
    assert "修订版" in client.get(f"/plans/{revised.pk}/review/").content.decode()

    client.post(f"/plans/{revised.pk}/confirm/")
    confirmed_000.refresh_from_db()
    revised.refresh_from_db()
    assert confirmed_000.status == Plan.Status.SUPERSEDED and revised.status == Plan.Status.CONFIRMED
    observation = Observation.objects.get(note="实测")
    assert observation.indicator.plan == revised and observation.value == 12.5
    assert observation.indicator.responsible_department.name == "卫健局"


def test_the_diff_counts_add_up(confirmed_000, imported_plan):
    from tianping.web.plans.revisions import diff_plans

    revised = imported_plan("002")[0]
    diff = diff_plans(confirmed_000, revised)
    matched = len(diff.changed) + len(diff.same)
    assert len(diff.removed) + matched == confirmed_000.indicators.count()  # every old indicator once
    assert len(diff.added) + matched == revised.indicators.count()  # every new indicator once
    # 002 drops indicators 000 had (e.g. 先天梅毒报告发病率) and rewords one (国家和国际 → 国家与国际)
    assert diff.removed and matched > 10
    assert "先天梅毒报告发病率" in {c.name for c in diff.removed}

    extra = revised.indicators.first()
    extra.pk, extra.name = None, "每千人口托位数"          # an indicator 000 never had
    extra.save()
    assert [c.name for c in diff_plans(confirmed_000, revised).added] == ["每千人口托位数"]


def test_a_reworded_indicator_is_matched_as_renamed(confirmed_000, imported_plan):
    from tianping.web.plans.revisions import diff_plans

    revised = imported_plan("002")[0]
    old_indicator = matching_indicator(confirmed_000, revised)
    twin = revised.indicators.get(pk=[c.new for c in diff_plans(confirmed_000, revised).changes
                                      if c.old == old_indicator][0].pk)
    twin.name = twin.name + "（全区）"
    twin.save()
    change = next(c for c in diff_plans(confirmed_000, revised).changes if c.old == old_indicator)
    assert change.new == twin and change.renamed and change.kind == "changed"
