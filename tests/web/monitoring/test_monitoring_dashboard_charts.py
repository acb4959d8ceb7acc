"""Dashboard charts: 达标率 by area as chart data equal to the table's figures, and sparklines
of the off-track indicators drawn from the series the assessment read."""

import json
import re

import pytest

from tianping.web.monitoring.dashboard_charts import OFF_TRACK
from tianping.web.observations.models import Observation

pytestmark = pytest.mark.django_db


def test_area_chart_and_off_track_sparklines(assessed, office, client_of):
    run = assessed("000")
    html = client_of(office).get(f"/monitoring/?region={run.region.code}").content.decode()
    data = json.loads(re.search(r'<script id="area-chart-data" type="application/json">(.*?)</script>', html, re.S)
                      .group(1))
    milestone = min(int(k) for k in run.summary if k.isdigit() and int(k) >= run.year)
    areas = {a["area"]: a for a in run.summary[str(milestone)]["areas"] if a["rate"] is not None}
    assert set(data["areas"]) == set(areas)
    for name, rate, label in zip(data["areas"], data["rates"], data["labels"]):
        assert rate == round(100 * areas[name]["rate"], 1)
        assert label == f"{100 * areas[name]['rate']:.1f}%（{areas[name]['attained']}/{areas[name]['assessable']}）"
    nearest = {}
    for r in run.results.filter(milestone__gte=milestone, headline=True, sex="", age="", residence="").order_by(
            "milestone", "pk"):
        nearest.setdefault(r.indicator_id, r)
    off = [r for r in nearest.values() if r.status in OFF_TRACK]
    table = html[html.index('id="off-track"'):html.index("</table>", html.index('id="off-track"'))]
    assert table.count("<tr>") - 1 == min(8, len(off)) and len(off) > 1
    worst = sorted((r for r in off if r.status == "退步"), key=lambda r: r.indicator.position)
    assert all(r.indicator.name in table for r in worst[:8])
    row = next(r for r in table.split("<tr>") if "<svg" in r)
    name = re.search(r'">([^<]+)</a></th>', row).group(1)
    values = [o.value for o in Observation.objects.filter(indicator__plan=run.plan, indicator__name=name,
              region=run.region, sex="", age="", residence="", value__isnull=False).order_by("year")]
    label = re.search(r'aria-label="[^:]+: ([^"]+)"', row).group(1)
    assert [float(v) for v in label.split(", ")] == pytest.approx(values)
    assert len(re.search(r'points="([^"]+)"', row).group(1).split()) == len(values)


def test_indicator_chart_of_a_rare_event_rate_draws_the_pooled_rate_on_an_axis_from_zero(assessed, office, client_of):
    """A district's maternal mortality is a handful of deaths: no trend exists, so the chart
    draws the pooled rate with its exact interval over the pooled years, not a projection;
    a rate's axis starts at zero (core.axes, the reports' rule)."""
    run = assessed("000")
    pooled = run.results.filter(indicator__name="孕产妇死亡率", headline=True, pooled_years__gt=0).first()
    assert pooled is not None, "the demo's maternal mortality should be judged on pooled counts"
    html = client_of(office).get(f"/monitoring/indicator/{pooled.indicator_id}/?region={run.region.code}")
    data = json.loads(re.search(r'<script id="indicator-chart-data" type="application/json">(.*?)</script>',
                                html.content.decode(), re.S).group(1))
    assert data["labels"]["projection"] == f"{pooled.pooled_first_year}–{pooled.latest_year}年合并率（例数少）"
    drawn = [(year, value) for year, value in zip(data["years"], data["projection"]) if value is not None]
    assert [int(y) for y, _ in drawn] == list(range(pooled.pooled_first_year, pooled.latest_year + 1))
    assert all(value == pytest.approx(pooled.pooled_value, abs=1e-4) for _, value in drawn)
    assert data["axis"][0] == 0 and data["axis"][1] >= max(v for v in data["low"] if v is not None)
