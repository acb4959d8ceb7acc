"""No last-write-wins anywhere (outside review, finding 8): a write that does not name the
version it was based on is refused — through the API (field omitted) and through Excel (the
hidden version column cleared) — and a malformed bulk row is a 400 naming the row, not a 500."""

from __future__ import annotations

import pytest
from test_collection_api import api, rows
from test_collection_views import client_upload_template

from tianping.web.collection.models import Entry, EntryChange

pytestmark = pytest.mark.django_db


def test_api_write_without_version_is_refused(reporter, sub_of, framework):
    health = sub_of("卫健局")
    c = api(reporter)
    assert c.post(f"/api/submissions/{health.pk}/observations/", {"observations": rows(framework)},
                  format="json").status_code == 200
    stored = {e.pk: (e.value, e.version) for e in Entry.objects.all()}
    blind = rows(framework, mgmt=(50, 50, 50))
    for r in blind:
        del r["version"]
    answer = c.post(f"/api/submissions/{health.pk}/observations/", {"observations": blind}, format="json")
    assert answer.status_code == 400, answer.content
    assert "version" in answer.content.decode() and "第1条" in answer.content.decode()
    assert {e.pk: (e.value, e.version) for e in Entry.objects.all()} == stored


@pytest.mark.parametrize("bad", [{"sex": ["x"]}, {"sex": {"a": 1}}, {"residence": ["城镇"]}, {"residence": 7}])
def test_malformed_dimension_is_a_400_naming_the_row(reporter, sub_of, framework, bad):
    health = sub_of("卫健局")
    payload = rows(framework)
    payload[1].update(bad)
    answer = api(reporter).post(f"/api/submissions/{health.pk}/observations/", {"observations": payload},
                                format="json")
    assert answer.status_code == 400, answer.content
    assert "第2条" in answer.content.decode()
    assert not Entry.objects.exists()


def test_excel_with_the_version_column_cleared_is_refused(client_of, reporter, sub_of, framework):
    sub = sub_of("卫健局")
    c = client_of(reporter)
    mgmt = framework["mgmt"].pk
    first = client_upload_template(c, sub, {(mgmt, "合计", "value"): "96"})
    assert first.status_code == 302, first.content.decode()[:3000]
    entry = Entry.objects.get(indicator_id=mgmt, residence="")
    changes = EntryChange.objects.count()
    # the same template downloaded now, the value changed and the hidden version cell emptied
    cleared = client_upload_template(c, sub, {(mgmt, "合计", "value"): "50", (mgmt, "合计", "version"): None})
    text = cleared.content.decode()
    assert cleared.status_code == 400 and "未注明所依据的版本" in text and "重新下载模板" in text, text[:3000]
    entry.refresh_from_db()
    assert (entry.value, EntryChange.objects.count()) == (96.0, changes)
