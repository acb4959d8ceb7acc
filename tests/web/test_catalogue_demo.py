"""The demo obeys the catalogue (issue: indicator catalogue). Built as `tianping demo` builds it
(every seed imported and confirmed, synthetic 2020–2024 data), then read as a statistician would:
the stored data, the gender page and the drafted annual reports."""

from __future__ import annotations

import re

import pytest

from tianping.web.observations.models import Observation
from tianping.web.plans.models import Indicator, Plan

pytestmark = pytest.mark.django_db

# How each unit is written after a number in a sentence.
WRITTEN = {"1/10万": "/10万", "1/10万活产": "/10万活产"}


@pytest.fixture
def demo(settings, shared_dir):
    from tianping.web import demo as setup
    from tianping.web.orgs.models import User

    seed_dir = shared_dir / "seeds"
    settings.TIANPING_SEEDS = str(seed_dir)
    regions = setup.seed_regions()
    for code in setup.DISTRICT_CODES:
        setup.seed_departments(regions[code])
    setup.seed_users()
    office = User.objects.get(username="office")
    for path in sorted(seed_dir.glob("*.txt")):
        setup.import_seed_file(path, office)
    for plan in Plan.objects.filter(status=Plan.Status.CONFIRMED):
        setup.fill_synthetic(plan)
    return office


def test_every_linked_indicator_of_a_confirmed_plan_has_a_department(demo):
    confirmed = Indicator.objects.filter(plan__status=Plan.Status.CONFIRMED)
    assert confirmed.count() > 400 and confirmed.exclude(catalogue=None).count() > 250
    missing = list(confirmed.exclude(catalogue=None).filter(responsible_department=None).values_list("name", flat=True))
    assert missing == []


def test_demo_values_lie_in_range_and_no_male_series_for_women_only_indicators(demo):
    rows = Observation.objects.filter(indicator__catalogue__isnull=False).select_related("indicator__catalogue")
    outside, male = [], []
    for obs in rows:
        entry = obs.indicator.catalogue
        if obs.value is not None and entry.unit == obs.indicator.unit and not entry.as_core().in_range(obs.value):
            outside.append((obs.indicator.name, obs.year, obs.sex, obs.value))
        if obs.sex and not entry.sex_disaggregated:
            male.append((obs.indicator.name, obs.sex))
    assert rows.count() > 1500
    assert outside == [] and male == []
    assert not Observation.objects.filter(synthetic=False).exists()
    assert Observation.objects.filter(sex="男").exists(), "children's indicators are reported by sex"


def _women_only_names(plan) -> set[str]:
    return {i.name for i in plan.indicators.exclude(catalogue=None).select_related("catalogue")
            if not i.catalogue.sex_disaggregated}


def test_gender_page_lists_only_indicators_counting_both_sexes(demo, client):
    client.force_login(demo, backend="django.contrib.auth.backends.ModelBackend")
    for plan in Plan.objects.filter(region=demo.region, status=Plan.Status.CONFIRMED):
        html = client.get(f"/monitoring/gender/?region={demo.region.code}&plan={plan.pk}").content.decode()
        table = html.split('id="gaps"')[1].split("</table>")[0]
        listed = set(re.findall(r'<th scope="row"><a [^>]*>([^<]+)</a>', table))
        assert not listed & _women_only_names(plan), listed & _women_only_names(plan)
        if plan.kind == Plan.Kind.CHILDREN:
            assert "新生儿死亡率" in listed


def sentences(texts):
    for text in texts:
        yield from (s for s in re.split(r"[。；\n]", text) if s)


def test_annual_reports_say_no_male_figure_for_women_only_indicators_and_rates_in_their_unit(demo):
    from tianping.web.publishing import services

    checked = 0
    for plan in Plan.objects.filter(region=demo.region, status=Plan.Status.CONFIRMED):
        report = services.create_report(plan, plan.region, "annual", 2024, demo)
        document, _ = services.draft(services.gather(report))
        texts = document.texts()
        women_only = _women_only_names(plan)
        units = {i.name: i.catalogue.unit for i in plan.indicators.exclude(catalogue=None).select_related("catalogue")}
        for sentence in sentences(texts):
            for name in (n for n in women_only if n in sentence):
                assert not re.search(r"男(性|童|生)?(为|：)?\d", sentence.split(name, 1)[1]), sentence
            for name, unit in units.items():
                if name not in sentence or unit not in ("%", "‰", "1/10万", "1/10万活产"):
                    continue
                after = sentence.split(name, 1)[1]
                # a figure with no unit is wrong too (a warning's projection once printed none)
                figure = re.search(r"为(\d+(?:\.\d+)?)(?![\d.]*年)(%|‰|/10万活产|/10万|岁|人|名|个|张)?", after)
                if figure:
                    checked += 1
                    assert figure.group(2) == WRITTEN.get(unit, unit), (sentence, unit)
    assert checked > 20
