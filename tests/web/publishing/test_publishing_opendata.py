"""Open data on the public portal: CSV, Excel and SDMX-CSV of a published report's
indicator values, equal to the stored observations, safe against formula injection,
and nothing from reports that are not published."""

from __future__ import annotations

import csv
import io

from django.urls import reverse
from openpyxl import load_workbook

from tianping.core.export import FORMULA_STARTS
from tianping.web.observations.models import Observation
from tianping.web.plans.models import Indicator
from tianping.web.publishing.opendata import HEADER

EVIL = '=HYPERLINK("http://evil.example/","点击查看")'


def stored_values(report) -> dict:
    rows = Observation.objects.filter(indicator__plan=report.plan, region=report.region, year__lte=report.year,
                                      synthetic=True, value__isnull=False)
    return {(o.indicator.name, o.year, o.sex or "合计", o.age or "合计", o.residence or "合计"): o.value
            for o in rows.select_related("indicator")}


def test_open_data_downloads_equal_the_data_and_are_formula_safe(demo_plan, published, client, new_report):
    evil = Indicator.objects.filter(plan=demo_plan, observations__isnull=False).order_by("position").first()
    evil.name = EVIL
    evil.save(update_fields=["name"])
    report = published("annual")
    draft = new_report("annual")
    expected = stored_values(report)
    assert any(k[0] == EVIL for k in expected)

    # CSV (UTF-8 with BOM for Excel)
    response = client.get(reverse("publishing:public_data", args=[report.pk, "csv"]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert response.content.startswith("\ufeff".encode())
    table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert table[0] == HEADER
    got = {}
    for row in table[1:]:
        for cell in row:
            if cell.startswith(FORMULA_STARTS):
                float(cell)                               # only a negative number may start with "-"
        name = row[2][1:] if row[2].startswith("'") else row[2]
        got[(name, int(row[4]), row[5], row[6], row[7])] = float(row[8])
        assert row[0] == "210203" and row[11] == "合成演示数据"
    assert got == expected
    assert any(row[2] == "'" + EVIL for row in table[1:])

    # Excel: no cell is a formula; numbers are numbers
    response = client.get(reverse("publishing:public_data", args=[report.pk, "xlsx"]))
    sheet = load_workbook(io.BytesIO(response.content))["指标数据"]
    cells = [c for row in sheet.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert any(c.value == "'" + EVIL for c in cells)
    values = [r[8] for r in sheet.iter_rows(min_row=2, values_only=True)]
    assert len(values) == len(expected) and all(isinstance(v, (int, float)) for v in values)
    # the report's assessment (issue 13): every headline target's status and its sentence
    book = load_workbook(io.BytesIO(response.content))
    judged = list(book["评估结果"].iter_rows(values_only=True))
    assert judged[0][5] == "评估结论" and judged[0][-1] == "评估说明"
    stored = report.snapshot["results"]
    status_at = stored["columns"].index("status")
    headline_at = stored["columns"].index("headline")
    assert sorted(r[5] for r in judged[1:]) == sorted(row[status_at] for row in stored["rows"] if row[headline_at])
    assert all(r[-1] for r in judged[1:])                 # a sentence for each
    assert not [c.coordinate for row in book["评估结果"].iter_rows() for c in row if c.data_type == "f"]
    assert sorted(values) == sorted(expected.values())

    # SDMX-CSV 2.0
    response = client.get(reverse("publishing:public_data", args=[report.pk, "sdmx.csv"]))
    assert response["Content-Type"].startswith("application/vnd.sdmx.data+csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))
    assert len(rows) == len(expected)
    assert {r["STRUCTURE"] for r in rows} == {"dataflow"} and {r["ACTION"] for r in rows} == {"I"}
    assert {r["SEX"] for r in rows} <= {"F", "M", "_T"} and {r["REF_AREA"] for r in rows} == {"210203: 西岗区"}
    sex = {"F": "女", "M": "男", "_T": "合计"}
    urban = {"U": "城镇", "R": "农村", "_T": "合计"}
    for r in rows:
        name = r["INDICATOR"].split(": ", 1)[1]
        name = name[1:] if name.startswith("'") else name
        assert r["INDICATOR"].split(": ", 1)[0].startswith("I")
        key = (name, int(r["TIME_PERIOD"]), sex[r["SEX"]], "合计" if r["AGE"] == "_T" else r["AGE"],
               urban[r["URBANISATION"]])
        assert float(r["OBS_VALUE"]) == expected[key] and r["OBS_STATUS"] == "S"

    # a report that is not published has no public face
    for fmt in ("csv", "xlsx", "sdmx.csv"):
        assert client.get(reverse("publishing:public_data", args=[draft.pk, fmt])).status_code == 404
    assert client.get(reverse("publishing:public_report", args=[draft.pk])).status_code == 404
    assert client.get(reverse("publishing:public_data", args=[report.pk, "json"])).status_code == 404
    listing = client.get(reverse("publishing:public")).content.decode()
    assert listing.count(f"/public/reports/{report.pk}/") >= 1 and f"/public/reports/{draft.pk}/" not in listing
