"""The id-keyed hand-over (tianping.web.monitoring.frames): core's frames keyed by stored
indicator id, every result column stored, one rule for the assessment year."""

from __future__ import annotations

import pandas as pd
import pytest

from tianping.core.assess.engine import RESULT_COLUMNS
from tianping.web.monitoring import frames
from tianping.web.monitoring.models import Result
from tianping.web.monitoring.services import assess_plan_region

pytestmark = pytest.mark.django_db

STORED = {f.name for f in Result._meta.get_fields()}


@pytest.fixture
def setup(assessed):
    """Seed 000 in 西岗区 with the labelled synthetic data, assessed once by the service."""
    return assessed()


def test_every_result_column_core_declares_is_stored():
    missing = [c for c in RESULT_COLUMNS if c not in STORED and c not in frames.STORED_ELSEWHERE]
    assert missing == [], f"core returns {missing}: add Result fields (and a migration) or say where they live"


def test_every_column_of_a_real_assessment_is_stored(setup):
    inputs = frames.gather(setup.plan, setup.region)
    assessment = frames.assess_inputs(inputs, frames.assessment_year(None, inputs.observations))
    columns = set(assessment.results.columns)
    assert {"pooled_value", "pooled_years", "pooled_events", "indicator_id"} <= columns
    assert [c for c in columns if c not in STORED and c not in frames.STORED_ELSEWHERE] == []


def test_frames_are_keyed_by_id_and_results_come_back_by_id(setup):
    inputs = frames.gather(setup.plan, setup.region)
    ids = {ind.pk for ind in inputs.indicators.values()}
    assert set(inputs.targets["indicator"]) <= {frames.key(pk) for pk in ids}
    assert set(inputs.observations["indicator"]) <= {frames.key(pk) for pk in ids}
    run = assess_plan_region(setup.plan, setup.region, notify=False)
    assessment = frames.assess_inputs(inputs, run.year)
    def target(value):
        return None if value is None or pd.isna(value) else round(float(value), 6)

    stored = {(r.indicator_id, r.sex, r.age, r.residence, r.milestone, r.op, target(r.target_value)): r
              for r in run.results.all()}
    assert len(stored) == len(assessment.results) == run.results.count()
    for row in assessment.results.to_dict("records"):
        r = stored[(row["indicator_id"], row["sex"], row["age"], row["residence"], row["milestone"], row["op"],
                    target(row["target_value"]))]
        assert r.indicator.name in row["indicator"]                 # the label names the same indicator
        assert r.status == row["status"] and r.sentence == row["sentence"]
        for column in ("pooled_value", "pooled_years", "pooled_events", "latest_value", "projected"):
            assert (getattr(r, column) is None) == pd.isna(row[column]), column
            if not pd.isna(row[column]):
                assert getattr(r, column) == pytest.approx(float(row[column])), column
    assert any(r.pooled_years for r in stored.values()), "the demo plan has a rare-event series"


def test_two_indicators_with_one_name_stay_apart(setup):
    first = setup.plan.indicators.order_by("position").first()
    twin = setup.plan.indicators.create(name=first.name, unit=first.unit, position=first.position + 1000,
                                        area=first.area, goal=first.goal)
    for t in first.targets.all():
        twin.targets.create(year=t.year, op=t.op, value=t.value, upper=t.upper, unit=t.unit, kind=t.kind)
    inputs = frames.gather(setup.plan, setup.region)
    labels = inputs.labels()
    assert labels[frames.key(first.pk)] == first.name
    assert first.goal is not None
    assert labels[frames.key(twin.pk)] == f"{first.name}（{first.area.name}主要目标{first.goal.number}）"
    third = setup.plan.indicators.create(name=first.name, unit=first.unit, position=first.position + 1001,
                                         area=first.area, goal=first.goal)
    assert frames.gather(setup.plan, setup.region).labels()[frames.key(third.pk)] == f"{first.name}（第{third.position}项）"
    third.delete()
    run = assess_plan_region(setup.plan, setup.region, notify=False)
    twin_rows = run.results.filter(indicator=twin)
    assert twin_rows.exists() and all(r.status == "数据不足" for r in twin_rows)   # no data of its own
    assert run.results.filter(indicator=first).exclude(status="数据不足").exists()


def test_one_rule_for_the_assessment_year():
    observed = pd.DataFrame({"year": [2021, 2023]})
    assert frames.assessment_year(2024, observed) == 2024      # a round's or a report's year, even ahead of data
    assert frames.assessment_year(2022, observed) == 2022
    assert frames.assessment_year(None, observed) == 2023      # else the latest year with data
    assert frames.assessment_year(None, observed.iloc[:0]) is None


def test_a_city_plan_applied_to_a_district_reads_the_districts_own_reports_through_the_catalogue(
        setup, demo_plan, regions):
    """A district reports against its own plan. Applied to the district, the city's plan finds
    those values through the catalogue entry both indicators link to, so it never warns
    "无任何监测数据" about an indicator the district did report (the demo said so of 西岗区's
    孕产妇死亡率 under the 大连市 plan)."""
    city_plan = demo_plan("000", "210200")
    district = setup.region
    inputs = frames.gather(city_plan, district)
    mmr_city = city_plan.indicators.get(name="孕产妇死亡率")
    mmr_own = setup.plan.indicators.get(name="孕产妇死亡率")
    assert mmr_city.catalogue_id is not None and mmr_city.catalogue_id == mmr_own.catalogue_id
    read = inputs.observations[inputs.observations["indicator"] == frames.key(mmr_city.pk)]
    own = setup.plan.indicators.get(pk=mmr_own.pk).observations.filter(region=district, value__isnull=False)
    assert sorted(read["year"]) == sorted(own.values_list("year", flat=True)) and len(read) > 0
    run = assess_plan_region(city_plan, district, trigger="test")
    missing = run.results.filter(indicator=mmr_city, status="数据不足")
    assert not missing.exists()
    from tianping.web.monitoring.models import Warning
    assert not Warning.objects.filter(indicator=mmr_city, region=district, kind="missing_data").exists()


def test_a_city_plan_does_not_warn_a_district_twice_about_what_its_own_plan_covers(setup, demo_plan):
    from tianping.web.monitoring.models import Warning

    city_plan = demo_plan("000", "210200")
    own = Warning.objects.filter(plan=setup.plan, region=setup.region)
    assert own.exists()
    assess_plan_region(city_plan, setup.region, trigger="test")
    twice = Warning.objects.filter(plan=city_plan, region=setup.region, indicator__catalogue__isnull=False)
    assert not twice.exists(), [w.reason for w in twice[:5]]


def test_the_indicator_page_shows_the_district_reports_a_city_plan_was_assessed_on(
        setup, demo_plan, office, client_of):
    """The page and its CSV show what the assessment read: the demo's 大连市 plan page for
    西岗区's 孕产妇死亡率 drew an empty chart and listed no data beside a verdict on five years."""
    city_plan = demo_plan("000", "210200")
    district = setup.region
    assess_plan_region(city_plan, district, trigger="test")
    mmr_city = city_plan.indicators.get(name="孕产妇死亡率")
    own = setup.plan.indicators.get(name="孕产妇死亡率").observations.filter(region=district, value__isnull=False)
    years = sorted(set(own.values_list("year", flat=True)))
    assert years and not mmr_city.observations.filter(region=district).exists()
    client = client_of(office)
    page = client.get(f"/monitoring/indicator/{mmr_city.pk}/?region={district.code}")
    assert page.status_code == 200
    total = next(s for s in page.context["chart"]["series"] if s["sex"] == "")
    drawn = [int(y) for y, v in zip(page.context["chart"]["years"], total["data"]) if v is not None]
    assert drawn == years
    csv = client.get(f"/monitoring/indicator/{mmr_city.pk}/csv/?region={district.code}").content.decode("utf-8-sig")
    assert len(csv.strip().splitlines()) - 1 == own.count()
