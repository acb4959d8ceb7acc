"""The figures of the monitoring dashboard (驾驶舱), from assessment results.

    summarise(results)   per milestone: 达标率 overall and per area (core.assess's one rule)
                         and status counts per area, over the headline series

Pure: the web stores the summary with each run and recomputes it over stored rows
when a page narrows to one department.
"""

from __future__ import annotations

import math

import pandas as pd

from tianping.core.assess import applicable_targets, attainment_rate
from tianping.core.figures import STATUS_ORDER, as_float

OTHER_AREA = "其他"


def summarise(results: pd.DataFrame) -> dict:
    """{"2030": {"targets", "assessable", "attained", "rate", "areas": [...]}, ...}; ``results``
    has core's result columns (at least area, headline, milestone, status, judgement, indicator)."""
    out: dict = {}
    if results.empty:
        return out
    results = results.assign(area=results["area"].astype(object).replace("", OTHER_AREA))
    overall = attainment_rate(results.assign(all="全部"), by=("all",))
    per_area = attainment_rate(results, by=("area",))
    head = results[results["headline"]]
    for milestone in sorted(int(m) for m in head["milestone"].unique()):
        # the rows core's 达标率 counts (one target per indicator, the national rule), so the
        # status counts per area add up to its figures
        rows = applicable_targets(results, milestone)
        o = overall[overall["milestone"] == milestone].iloc[0]
        areas = []
        for area in dict.fromkeys(rows["area"].astype(object)):
            a = per_area[(per_area["milestone"] == milestone) & (per_area["area"] == area)].iloc[0]
            counts = rows[rows["area"] == area]["status"].astype(object).value_counts()
            areas.append({"area": area, **_tally(a), "status": {s: int(counts.get(s, 0)) for s in STATUS_ORDER}})
        out[str(milestone)] = {**_tally(o), "areas": areas}
    return out


def _tally(row: pd.Series) -> dict:
    rate = as_float(row["rate"])
    return {"targets": int(row["targets"]), "assessable": int(row["assessable"]), "attained": int(row["attained"]),
            "rate": None if rate is None or math.isinf(rate) else rate}
