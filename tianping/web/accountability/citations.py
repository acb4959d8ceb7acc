"""What the annual monitoring and evaluation reports may cite about 督导检查.

    inspections_for_report(region, year, as_of=None) -> dict   plain JSON-ready data

For tianping/reports (owned by the reports work): the report's data snapshot can take this
dict as it is; nothing here renders. Corrections are listed with their state as of
``as_of`` (default today): 按期整改 / 逾期整改 / 逾期未整改 / 整改中, the words of
tianping.core.scorecard.
"""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from tianping.core import scorecard as core

from .models import Inspection


def inspections_for_report(region, year: int, as_of: date | None = None) -> dict:
    """Inspections of ``region`` held in ``year``, each with its corrections, and totals.

    {"year": 2025, "inspections": [{"date": "2025-10-15", "inspectors": "...",
      "departments": ["卫健局", ...], "findings": "...",
      "corrections": [{"department": "卫健局", "requirement": "...", "deadline": "2025-12-31",
                       "closed_on": None, "state": "逾期未整改"}, ...]}, ...],
     "totals": {"inspections": 1, "corrections": 3, "按期整改": 1, "逾期整改": 0, "逾期未整改": 1, "整改中": 1},
     "sentence": "2025年开展督导检查1次，提出整改要求3项，已按期整改1项，逾期未整改1项，整改中1项。"}
    """
    as_of = as_of or timezone.localdate()
    rows = (Inspection.objects.filter(region=region, date__year=year).order_by("date", "pk")
            .prefetch_related("departments", "corrections__department"))
    totals = {"inspections": 0, "corrections": 0, **{w: 0 for w in core.CORRECTION_WORDS.values()}}
    out = []
    for inspection in rows:
        corrections = []
        for c in inspection.corrections.all():
            word = core.CORRECTION_WORDS[core.correction_outcome(
                core.CorrectionFact(c.requirement, c.deadline, c.closed_on), as_of)]
            totals[word] += 1
            corrections.append({"department": c.department.name, "requirement": c.requirement,
                                "deadline": c.deadline.isoformat(),
                                "closed_on": c.closed_on.isoformat() if c.closed_on else None, "state": word})
        totals["inspections"] += 1
        totals["corrections"] += len(corrections)
        out.append({"date": inspection.date.isoformat(), "inspectors": inspection.inspectors,
                    "departments": sorted(d.name for d in inspection.departments.all()),
                    "findings": inspection.findings, "corrections": corrections})
    return {"year": year, "inspections": out, "totals": totals, "sentence": _sentence(year, totals)}


def _sentence(year: int, totals: dict) -> str:
    if not totals["inspections"]:
        return f"{year}年未开展督导检查。"
    parts = [f"{year}年开展督导检查{totals['inspections']}次，提出整改要求{totals['corrections']}项"]
    for word in ("按期整改", "逾期整改", "逾期未整改", "整改中"):
        if totals[word]:
            parts.append(f"{'已' if word == '按期整改' else ''}{word}{totals[word]}项")
    return "，".join(parts) + "。"
