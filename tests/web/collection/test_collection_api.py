"""The REST API: token authentication, the OpenAPI schema, the bulk import (dry run,
summary, all or nothing, idempotent, stale versions refused) and the same
permissions as the pages for every endpoint."""

import pytest
from rest_framework.test import APIClient

from tianping.web.collection.models import Entry, EntryChange, Submission
from tianping.web.observations.models import Observation
from tianping.web.orgs import tokens

pytestmark = pytest.mark.django_db


def api(user=None):
    client = APIClient()
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Token {tokens.issue(user)[1]}")
    return client


def rows(framework, mgmt=(96, 97, 95), version=0):
    out = [{"indicator": framework["mmr"].pk, "numerator": 3, "denominator": 30000}]
    for residence, value in zip(("", "城镇", "农村"), mgmt):
        out.append({"indicator": framework["mgmt"].pk, "residence": residence, "value": value, "unit": "%"})
    if version is not None:
        for r in out:
            r["version"] = version
    return out


def test_token_login_and_schema(reporter, password):
    r = api().post("/api/token/", {"username": reporter.username, "password": password}, format="json")
    assert r.status_code == 200 and r.json()["token"]
    assert api().get("/api/plans/").status_code in (401, 403)
    schema = api(reporter).get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    doc = schema.json()
    assert doc["openapi"].startswith("3.")
    for path in ("/api/plans/", "/api/indicators/", "/api/rounds/", "/api/submissions/",
                 "/api/submissions/{id}/observations/", "/api/observations/"):
        assert path in doc["paths"], path
    assert "dry_run" in str(doc["components"]["schemas"]["BulkImportIn"])


def test_bulk_import_dry_run_commit_idempotent_and_conflicts(reporter, sub_of, framework):
    sub = sub_of("卫健局")
    c = api(reporter)
    endpoint = f"/api/submissions/{sub.pk}/observations/"
    dry = c.post(endpoint, {"dry_run": True, "observations": rows(framework)}, format="json")
    assert dry.status_code == 200 and dry.json()["new"] == 4 and not dry.json()["committed"]
    assert not Entry.objects.exists()
    done = c.post(endpoint, {"observations": rows(framework)}, format="json").json()
    assert done["committed"] and done["new"] == 4
    assert Entry.objects.get(indicator=framework["mmr"]).value == pytest.approx(10.0)
    again = c.post(endpoint, {"observations": rows(framework)}, format="json").json()
    assert (again["new"], again["changed"], again["unchanged"]) == (0, 0, 4)
    assert EntryChange.objects.count() == 4 and set(EntryChange.objects.values_list("channel", flat=True)) == {"api"}
    # one bad row: nothing saved, the error names the row
    bad = c.post(endpoint, {"observations": rows(framework, mgmt=(96, 170, 95))}, format="json")
    assert bad.status_code == 400 and any("第3条" in e and "超出0—100%" in e for e in bad.json()["errors"])
    assert Entry.objects.get(indicator=framework["mgmt"], residence="城镇").value == 97
    # a change based on an old version is a conflict, not an overwrite
    conflict = c.post(endpoint, {"observations": rows(framework, mgmt=(96, 98, 95), version=0)}, format="json")
    assert conflict.status_code == 400 and conflict.json()["conflicts"][0]["current_version"] == 1
    ok = c.post(endpoint, {"observations": rows(framework, mgmt=(96, 98, 95), version=1)}, format="json")
    assert ok.status_code == 200 and ok.json()["changed"] == 1
    # a unit that is not the indicator's
    wrong = rows(framework)
    wrong[1]["unit"] = "‰"
    assert "单位" in str(c.post(endpoint, {"observations": wrong}, format="json").json()["errors"])
    assert c.get(endpoint).json()[0]["indicator"] in (framework["mmr"].pk, framework["mgmt"].pk)


def test_review_through_the_api(reporter, stats, sub_of, framework):
    sub = sub_of("卫健局")
    api(reporter).post(f"/api/submissions/{sub.pk}/observations/", {"observations": rows(framework)}, format="json")
    r = api(reporter).post(f"/api/submissions/{sub.pk}/submit/", {"work_progress": "落实"}, format="json")
    assert r.status_code == 200 and r.json()["state"] == "submitted"
    assert api(reporter).post(f"/api/submissions/{sub.pk}/accept/").status_code == 403
    assert api(stats).post(f"/api/submissions/{sub.pk}/return/", {"reason": ""}, format="json").status_code == 409
    assert api(stats).post(f"/api/submissions/{sub.pk}/return/", {"reason": "请核实"}, format="json").json()["state"] == "returned"
    api(reporter).post(f"/api/submissions/{sub.pk}/submit/", {}, format="json")
    assert api(stats).post(f"/api/submissions/{sub.pk}/accept/").json()["state"] == "accepted"
    obs = api(reporter).get("/api/observations/", {"year": 2024}).json()
    assert obs["count"] == 4


@pytest.mark.parametrize("who", ["reporter", "hr_reporter", "stats", "office", "other_office", "viewer"])
def test_every_endpoint_applies_the_page_rules(request, who, sub_of, framework, round_2024):
    user = request.getfixturevalue(who)
    c = api(user)
    health = sub_of("卫健局")
    plan = framework["mmr"].plan
    Observation.objects.create(indicator=framework["mmr"], region=round_2024.region, year=2023, value=9.0)
    Observation.objects.create(indicator=framework["count"], region=round_2024.region, year=2023, value=900.0)

    def count(path):
        r = c.get(path)
        return r.json()["count"] if r.status_code == 200 else r.status_code

    seen = {
        "plans": count("/api/plans/"),
        "plan": c.get(f"/api/plans/{plan.pk}/").status_code,
        "indicators": count(f"/api/indicators/?plan={plan.pk}"),
        "other_indicator": c.get(f"/api/indicators/{framework['count'].pk}/").status_code,
        "rounds": count("/api/rounds/"),
        "submissions": count("/api/submissions/"),
        "health": c.get(f"/api/submissions/{health.pk}/").status_code,
        "health_values": c.get(f"/api/submissions/{health.pk}/observations/").status_code,
        "write": c.post(f"/api/submissions/{health.pk}/observations/", {"observations": rows(framework)},
                        format="json").status_code,
        "accept": c.post(f"/api/submissions/{health.pk}/accept/").status_code,
        "observations": count("/api/observations/"),
    }
    n = plan.indicators.count()
    expected = {
        "reporter": dict(plans=1, plan=200, indicators=2, other_indicator=404, rounds=1, submissions=1, health=200,
                         health_values=200, write=200, accept=403, observations=1),
        "hr_reporter": dict(plans=1, plan=200, indicators=1, other_indicator=200, rounds=1, submissions=1, health=404,
                            health_values=404, write=404, accept=404, observations=1),
        "stats": dict(plans=1, plan=200, indicators=n, other_indicator=200, rounds=1, submissions=2, health=200,
                      health_values=200, write=403, accept=409, observations=2),
        "office": dict(plans=1, plan=200, indicators=n, other_indicator=200, rounds=1, submissions=2, health=200,
                       health_values=200, write=403, accept=403, observations=2),
        "other_office": dict(plans=0, plan=404, indicators=0, other_indicator=404, rounds=0, submissions=0,
                             health=404, health_values=404, write=404, accept=404, observations=0),
        "viewer": dict(plans=403, plan=403, indicators=403, other_indicator=403, rounds=403, submissions=403,
                       health=403, health_values=403, write=403, accept=403, observations=403),  # third party
    }[who]
    assert seen == expected
    if who != "reporter":
        assert not Entry.objects.exists()


def test_no_writes_in_a_closed_round(reporter, office, sub_of, framework, round_2024):
    from tianping.web.collection import services

    services.close_round(round_2024, office)
    sub = sub_of("卫健局")
    r = api(reporter).post(f"/api/submissions/{sub.pk}/observations/", {"observations": rows(framework)}, format="json")
    assert r.status_code == 403 and not Entry.objects.exists()
    assert Submission.objects.get(pk=sub.pk).state == "draft"


def test_malformed_payloads_are_refused_by_row(reporter, sub_of, framework):
    sub = sub_of("卫健局")
    endpoint = f"/api/submissions/{sub.pk}/observations/"
    c = api(reporter)
    ind = framework["mgmt"].pk
    for payload, words in [
        ({"observations": []}, "非空数组"),
        ([1, 2], "JSON对象"),
        ({"observations": [{"indicator": "x"}]}, "第1条：indicator"),
        ({"observations": [{"indicator": ind, "value": 1}, {"indicator": ind, "sex": "F", "value": "abc"}]}, "第2条"),
        ({"observations": [{"indicator": ind, "value": True}]}, "须为数字"),
        ({"observations": [{"indicator": ind, "value": 1, "colour": "red"}]}, "未知字段colour"),
        ({"dry_run": "yes", "observations": [{"indicator": ind, "value": 1}]}, "dry_run"),
        ({"observations": [{"indicator": ind, "value": 10**400}]}, "不是有效数字"),    # JSON integers have no limit
    ]:
        r = c.post(endpoint, payload, format="json")
        assert r.status_code == 400 and words in str(r.json()["errors"]), (payload, r.json())
    # numbers as text and full-width digits are accepted, as in the Excel template
    r = c.post(endpoint, {"observations": [{"indicator": ind, "value": "９６", "version": 0}]}, format="json")
    assert r.status_code == 200 and Entry.objects.get().value == 96.0
