"""tianping.core.dashboard.summarise: 达标率 and status counts per milestone and area,
recomputed by hand from an engine run on a real seed plan."""

import pandas as pd

from tests.conftest import SEEDS
from tianping.core.assess import assess, attainment_rate, targets_from_plan
from tianping.core.dashboard import OTHER_AREA, summarise
from tianping.core.figures import STATUS_ORDER
from tianping.core.readers import parse_document
from tianping.core.synthetic import demo_observations


def test_summary_agrees_with_the_engines_attainment_rate_and_counts_every_status():
    plan = parse_document(SEEDS[0])[0]
    results = assess(demo_observations(plan, region="210203", seed=3), targets_from_plan(plan)).results
    summary = summarise(results)
    assert set(summary) == {str(m) for m in results.loc[results["headline"], "milestone"].unique()}
    overall = attainment_rate(results.assign(all="全部"), by=("all",))
    for milestone, figures in summary.items():
        o = overall[overall["milestone"] == int(milestone)].iloc[0]
        assert (figures["targets"], figures["assessable"], figures["attained"]) == (
            o["targets"], o["assessable"], o["attained"])
        assert figures["rate"] == (None if pd.isna(o["rate"]) else float(o["rate"]))
        assert sum(a["targets"] for a in figures["areas"]) == figures["targets"]
        for area in figures["areas"]:
            assert list(area["status"]) == list(STATUS_ORDER)
            assert sum(area["status"].values()) == area["targets"]


def test_rows_without_an_area_are_counted_under_other_and_no_results_say_nothing():
    plan = parse_document(SEEDS[0])[0]
    results = assess(demo_observations(plan, region="210203", seed=3), targets_from_plan(plan)).results
    summary = summarise(results.assign(area=""))
    assert all([a["area"] for a in m["areas"]] == [OTHER_AREA] for m in summary.values())
    assert summarise(results.iloc[:0]) == {}
