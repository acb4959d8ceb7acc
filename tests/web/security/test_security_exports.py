"""Formula injection (CSV/Excel injection) in every download: text that starts with
= + - @ (or a tab/CR) is neutralised in CSV and never becomes a formula in .xlsx.

Payloads are stored in the texts the exports copy: indicator name, unit and definition,
department name, plan title, observation notes."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.urls import reverse

PAYLOADS = ["=HYPERLINK(\"http://evil.example\",\"点我\")", "+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0",
            "@SUM(1+1)*cmd|' /C calc'!A0", "\t=1+1", "\r=1+1"]
NUMBER = re.compile(r"-?\d+(\.\d+)?([eE][-+]?\d+)?")


def _dangerous_csv(body: bytes) -> list[str]:
    text = body.decode("utf-8-sig")
    bad = []
    for row in csv.reader(io.StringIO(text)):
        for cell in row:
            if cell[:1] in ("=", "+", "-", "@", "\t", "\r") and not NUMBER.fullmatch(cell) and cell not in ("-", "—"):
                bad.append(cell)
    return bad


def _dangerous_xlsx(body: bytes) -> list[str]:
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(body))  # formulas kept as formulas
    bad = []
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    bad.append(f"{ws.title}!{cell.coordinate}: {cell.value}")
    return bad


@pytest.fixture(scope="module")
def poisoned(world, django_db_blocker):
    from tianping.web.observations.models import Observation
    from tianping.web.orgs.models import Department
    from tianping.web.plans.models import Indicator, Plan

    own = world["own"]
    with django_db_blocker.unblock():
        inds = list(Indicator.objects.filter(plan_id=own["plan"]).order_by("position")[:len(PAYLOADS)])
        for ind, p in zip(inds, PAYLOADS):
            ind.name, ind.definition = p, p
            ind.save()
        Indicator.objects.filter(pk=own["indicator"]).update(name=PAYLOADS[0], unit="=1+1")
        Department.objects.filter(pk=own["department"]).update(name="=1+1部门")
        Plan.objects.filter(pk=own["plan"]).update(title="@SUM(1)规划")
        Observation.objects.filter(indicator__plan_id=own["plan"], region=world["regions"]["210203"]) \
            .update(note=PAYLOADS[1])
    return world


@pytest.mark.django_db
def test_csv_and_excel_downloads_neutralise_formulas(poisoned, client_for):
    w = poisoned
    own = w["own"]
    office = client_for(w["users"]["office"])
    reporter = client_for(w["users"]["reporter"])
    downloads = {
        "framework.xlsx": office.get(reverse("plan_export", kwargs={"pk": own["plan"], "table": "framework",
                                                                   "fmt": "xlsx"})),
        "tasks.xlsx": office.get(reverse("plan_export", kwargs={"pk": own["plan"], "table": "tasks", "fmt": "xlsx"})),
        "template.xlsx": reporter.get(reverse("collection:template", args=[own["submission"]])),
        "indicator.csv": office.get(reverse("monitoring:indicator_csv", args=[own["indicator"]])),
        "scorecards.xlsx": office.get(reverse("accountability:export", kwargs={"year": 2024, "fmt": "xlsx"})),
    }
    # open data (the public portal's CSV/Excel), from the report's data snapshot
    from tianping.web.publishing import opendata, services
    from tianping.web.publishing.models import Report

    snapshot = services.gather(Report.objects.get(pk=own["report"]))
    snapshot = {**snapshot, "sha256": services.sha256_of(snapshot)}
    bodies = {name: r.content for name, r in downloads.items()}
    for name, r in downloads.items():
        assert r.status_code == 200, (name, r.status_code)
    bodies["opendata.csv"] = opendata.to_csv(snapshot)
    bodies["opendata.xlsx"] = opendata.to_xlsx(snapshot, "@SUM(1)规划")
    if hasattr(opendata, "to_sdmx_csv"):
        bodies["sdmx.csv"] = opendata.to_sdmx_csv(snapshot)
    problems = {}
    for name, body in bodies.items():
        bad = _dangerous_xlsx(body) if name.endswith(".xlsx") else _dangerous_csv(body)
        if bad:
            problems[name] = bad[:5]
    assert not problems, f"formulas reach the downloaded files: {problems}"
    # and the payloads are really in the files (neutralised, not dropped)
    assert "HYPERLINK" in bodies["indicator.csv"].decode("utf-8-sig")
