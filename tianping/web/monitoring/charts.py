"""Data for the indicator chart. Only numbers and labels: the page passes this through
json_script and static/monitoring/indicator_chart.js builds the ECharts option, so no
text is ever concatenated into JavaScript."""

from __future__ import annotations

from tianping.core.axes import nice, y_limits

SERIES_LABELS = {"": "合计", "女": "女性", "男": "男性"}


def _interp(x0, y0, x1, y1, x):
    if x1 == x0:
        return y1
    return y0 + (y1 - y0) * (x - x0) / (x1 - x0)


def indicator_option_data(indicator, observations, results) -> dict:
    """years, observed series (total / female / male), target lines per milestone, and the
    headline projection with its interval band, every list aligned on ``years``."""
    plain = [o for o in observations if not o.age and not o.residence and o.value is not None]
    milestones = sorted({r.milestone for r in results})
    obs_years = [o.year for o in plain]
    first = min(obs_years + milestones) if (obs_years or milestones) else 2020
    last = max(obs_years + milestones) if (obs_years or milestones) else 2030
    years = list(range(first, last + 1))
    index = {y: i for i, y in enumerate(years)}
    series = []
    for sex in ("", "女", "男"):
        values = [None] * len(years)
        for o in plain:
            if o.sex == sex:
                values[index[o.year]] = o.value
        if any(v is not None for v in values):
            series.append({"name": SERIES_LABELS[sex], "sex": sex, "data": values})
    headline = [r for r in results if r.headline]
    targets = []
    for r in headline:
        value = r.goal_value if r.goal_value is not None else r.target_value
        if value is None or r.op == "qualitative":
            continue
        targets.append({"name": f"{r.milestone}年目标", "year": r.milestone, "value": round(value, 4),
                        "text": r.target_text})
    projection = [None] * len(years)
    low = [None] * len(years)
    high = [None] * len(years)
    pooled = next((r for r in headline if r.pooled_years and r.pooled_value is not None), None)
    if pooled is not None:
        # rare events: no trend exists; draw the pooled rate over its years with its exact interval
        for y in range(int(pooled.pooled_first_year), pooled.latest_year + 1):
            if y in index:
                i = index[y]
                projection[i], low[i], high[i] = (round(v, 4) for v in (
                    pooled.pooled_value, pooled.pooled_low, pooled.pooled_high))
        labels = {"projection": f"{int(pooled.pooled_first_year)}–{pooled.latest_year}年合并率（例数少）",
                  "low": "区间下限", "band": "合并率95%精确区间"}
    else:
        _trend_projection(headline, index, projection, low, high)
        labels = {"projection": "趋势预测", "low": "预测下限", "band": "预测区间（80%）"}
    drawn = [v for s in series for v in s["data"] if v is not None] + [t["value"] for t in targets] + \
        [v for v in low + high if v is not None]
    axis = _nice(*y_limits(drawn, indicator.unit)) if drawn else None
    return {"title": indicator.name, "unit": indicator.unit, "years": [str(y) for y in years], "series": series,
            "targets": targets, "projection": projection, "low": low,
            "band": [None if lo is None else round(hi - lo, 4) for lo, hi in zip(low, high)],
            "labels": labels, "axis": axis}


def _nice(low: float, high: float) -> list[float]:
    """The axis widened to whole steps (core.axes.nice); the rule itself is core.axes'."""
    return nice(low, high)


def _trend_projection(headline, index, projection, low, high) -> None:
    """The headline projection from the latest value to each milestone, with its interval."""
    points = [(r.milestone, r.projected, r.projected_low, r.projected_high) for r in headline
              if r.projected is not None and r.latest_year is not None and r.milestone > r.latest_year]
    latest = next(((r.latest_year, r.latest_value) for r in headline if r.latest_value is not None), None)
    if not (points and latest):
        return
    chain = [(latest[0], latest[1], latest[1], latest[1])] + sorted(set(points))
    for (x0, p0, l0, h0), (x1, p1, l1, h1) in zip(chain, chain[1:]):
        l0, h0 = (p0 if l0 is None else l0), (p0 if h0 is None else h0)
        l1, h1 = (p1 if l1 is None else l1), (p1 if h1 is None else h1)
        for y in range(x0, x1 + 1):
            if y in index:
                i = index[y]
                projection[i] = round(_interp(x0, p0, x1, p1, y), 4)
                low[i] = round(_interp(x0, l0, x1, l1, y), 4)
                high[i] = round(_interp(x0, h0, x1, h1, y), 4)
