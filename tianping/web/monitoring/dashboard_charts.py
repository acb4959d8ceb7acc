"""Dashboard charts: 达标率 by area (an ECharts bar chart from the figures the table shows)
and trend sparklines of the indicators that are off track (需加快 / 进展缓慢 / 退步), drawn
server-side as small inline SVGs from the observations the assessment read (two queries)."""

from __future__ import annotations

from tianping.core.figures import rate
from tianping.web.observations.models import Observation, assessed_list

from .models import Result

OFF_TRACK = ("退步", "进展缓慢", "需加快")   # worst first
SPARK_W, SPARK_H, PAD = 120, 30, 3


def area_chart(areas: list[dict]) -> dict:
    """Areas with a rate, as percentages, in the table's order; each bar's label as the table
    says it (figures.rate: one decimal), "31.0%（9/29）"."""
    rows = [a for a in areas if a.get("rate") is not None]
    return {"areas": [a["area"] for a in rows], "rates": [float(rate(100 * a["rate"])) for a in rows],
            "labels": [f"{rate(100 * a['rate'])}%（{a['attained']}/{a['assessable']}）" for a in rows]}


def off_track(run, milestone: int | None, region, limit: int = 8) -> list[dict]:
    if run is None or milestone is None:
        return []
    # Like the 达标率 (core's applicable_targets): each indicator judged against its nearest
    # target from the chosen milestone on (an indicator with only a 2030 target counts for 2025).
    nearest: dict[int, Result] = {}
    for r in (Result.objects.filter(run=run, milestone__gte=milestone, headline=True, sex="", age="", residence="")
              .select_related("indicator").order_by("milestone", "pk")):
        nearest.setdefault(r.indicator_id, r)
    results = sorted((r for r in nearest.values() if r.status in OFF_TRACK),
                     key=lambda r: (OFF_TRACK.index(r.status), r.indicator.position))[:limit]
    if not results:
        return []
    series: dict[int, dict[int, float]] = {r.indicator_id: {} for r in results}
    rows = assessed_list(Observation.objects.filter(region=region, indicator_id__in=list(series), sex="", age="",
                                                    residence="", value__isnull=False).order_by("year"))
    for o in rows:
        series[o.indicator_id][o.year] = o.value
    return [{"result": r, "svg_points": _points(series[r.indicator_id]), "years": sorted(series[r.indicator_id]),
             "values": [series[r.indicator_id][y] for y in sorted(series[r.indicator_id])]} for r in results]


def _points(values_by_year: dict[int, float]) -> str:
    """SVG polyline points, years spread over the width, values over the height (min at the bottom)."""
    if len(values_by_year) < 2:
        return ""
    years = sorted(values_by_year)
    low, high = min(values_by_year.values()), max(values_by_year.values())
    span_y = (high - low) or 1.0
    span_x = years[-1] - years[0] or 1
    return " ".join(f"{PAD + (y - years[0]) / span_x * (SPARK_W - 2 * PAD):.1f},"
                    f"{SPARK_H - PAD - (values_by_year[y] - low) / span_y * (SPARK_H - 2 * PAD):.1f}" for y in years)
