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


def _holding_data(old, new):
    """An old indicator that the revision drops, given a value."""
    from tianping.web.plans.revisions import diff_plans

    dropped = next(c.old for c in diff_plans(old, new).removed if c.name == "先天梅毒报告发病率")
    Observation.objects.create(indicator=dropped, region=old.region, year=2022, value=0.5, note="已报数据")
    return dropped


def test_revision_dropping_an_indicator_with_data_names_it_and_asks(confirmed_000, imported_plan, client_of, office):
    revised = imported_plan("002")[0]
    dropped = _holding_data(confirmed_000, revised)
    client = client_of(office)

    review = client.get(f"/plans/{revised.pk}/review/").content.decode()
    assert 'id="confirm-needs-consent"' in review and "先天梅毒报告发病率" in review
    assert 'id="confirm-plan"' not in review            # no one-click confirm on the review page

    changes = client.get(f"/plans/{revised.pk}/changes/").content.decode()
    assert 'id="dropped-with-data"' in changes
    assert f'name="drop" value="{dropped.pk}" required' in changes
    assert "先天梅毒报告发病率（1条数据）" in changes

    # a bare confirmation (the old one-click form) is refused, naming the indicator; nothing changes
    response = client.post(f"/plans/{revised.pk}/confirm/", follow=True)
    page = response.content.decode()
    assert "未确认" in page and "“先天梅毒报告发病率”" in page
    confirmed_000.refresh_from_db()
    revised.refresh_from_db()
    assert confirmed_000.status == Plan.Status.CONFIRMED and revised.status == Plan.Status.DRAFT

    # ticking it confirms; the value stays with the superseded edition's indicator
    client.post(f"/plans/{revised.pk}/confirm/", {"drop": [str(dropped.pk)]})
    confirmed_000.refresh_from_db()
    revised.refresh_from_db()
    assert confirmed_000.status == Plan.Status.SUPERSEDED and revised.status == Plan.Status.CONFIRMED
    assert Observation.objects.get(note="已报数据").indicator == dropped


def test_service_refuses_an_unnamed_drop(confirmed_000, imported_plan, office):
    from tianping.web.plans.revisions import DropNotConfirmed

    revised = imported_plan("002")[0]
    dropped = _holding_data(confirmed_000, revised)
    with pytest.raises(DropNotConfirmed) as refused:
        services.confirm_plan(revised, office, dropped_ids=["999999"])
    assert [c.old for c in refused.value.changes] == [dropped]
    revised.refresh_from_db()
    assert revised.status == Plan.Status.DRAFT


def _edit_link(client, indicator, entry):
    from tianping.web.plans.forms import IndicatorForm

    data = {k: v for k, v in IndicatorForm(instance=indicator).initial.items() if v is not None}
    data.update({"catalogue": entry.pk if entry else "", "targets-TOTAL_FORMS": 0, "targets-INITIAL_FORMS": 0,
                 "responsible_department": indicator.responsible_department_id or ""})
    response = client.post(f"/plans/indicators/{indicator.pk}/", data)
    assert response.status_code == 302, response.content.decode()[:2000]


def test_links_the_office_changed_carry_into_the_revised_edition(imported_plan, client_of, office):
    """The office re-links one indicator and unlinks another on the review page of 000; 002 (its
    revision) is imported with the same choices on its review page, and keeps them when confirmed."""
    from tianping.web.catalogue.models import CatalogueEntry
    from tianping.web.plans.models import Indicator

    first = imported_plan("000")[0]
    client = client_of(office)
    knowledge = first.indicators.get(name="防治知识知晓率")
    chosen = CatalogueEntry.objects.get(code="W1-27")
    assert knowledge.catalogue != chosen
    _edit_link(client, knowledge, chosen)
    dropped = first.indicators.filter(catalogue__code="W1-16").first()   # 孕妇贫血率: the office unlinks it
    _edit_link(client, dropped, None)
    dropped.refresh_from_db()
    assert dropped.catalogue is None and dropped.catalogue_method == Indicator.LinkMethod.MANUAL
    services.confirm_plan(first, office)
    dropped.refresh_from_db()
    assert dropped.catalogue is None, "automatic linking must not undo the office's choice"

    revised = imported_plan("002")[0]
    assert revised.revises == first

    def twins():
        return (revised.indicators.get(name="防治知识知晓率"), revised.indicators.get(name=dropped.name))

    knowledge2, dropped2 = twins()
    assert (knowledge2.catalogue, knowledge2.catalogue_method) == (chosen, Indicator.LinkMethod.MANUAL)
    assert (dropped2.catalogue, dropped2.catalogue_method) == (None, Indicator.LinkMethod.MANUAL)
    page = client.get(f"/plans/{revised.pk}/review/").content.decode()
    def row(indicator):
        return page.split(f'id="indicator-{indicator.pk}"', 1)[1].split("</tr>", 1)[0]

    assert "W1-27" in row(knowledge2) and "办公室指定" in row(knowledge2)
    assert "办公室已取消关联" in row(dropped2)

    client.post(f"/plans/{revised.pk}/confirm/")
    revised.refresh_from_db()
    assert revised.status == Plan.Status.CONFIRMED
    knowledge2, dropped2 = twins()
    assert knowledge2.catalogue == chosen and dropped2.catalogue is None
    # the office may still choose otherwise in the new edition: its own choice is not overwritten
    from tianping.web.plans.revisions import carry_manual_links

    knowledge2.catalogue = CatalogueEntry.objects.get(code="W1-17")
    knowledge2.save()
    assert carry_manual_links(first, revised) == 0
