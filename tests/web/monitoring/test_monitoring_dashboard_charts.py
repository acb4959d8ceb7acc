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
        assert label == f"{areas[name]['attained']}/{areas[name]['assessable']}"
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
