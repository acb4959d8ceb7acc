"""Trial uploads have a per-user quota and are cleaned up (outside review, finding 8: five
sessions of one user left 47 MB for a day)."""

from __future__ import annotations

import os
import time

import pytest
from django.test import Client
from test_collection_views import filled_template, upload, url

from tianping.web.collection import uploads
from tianping.web.collection.tasks import remove_abandoned_uploads

pytestmark = pytest.mark.django_db


def _session(reporter):
    c = Client()
    c.force_login(reporter)
    return c


def test_many_sessions_of_one_user_stay_within_the_quota(reporter, sub_of, framework, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    sub = sub_of("卫健局")
    data = filled_template(_session(reporter), sub, {(framework["mgmt"].pk, "合计", "value"): "96"})
    settings.TIANPING_UPLOAD_QUOTA_BYTES = int(len(data) * 2.5)     # room for two trial uploads
    sessions = [_session(reporter) for _ in range(5)]
    answers = [upload(c, sub, data) for c in sessions]
    assert all(a.status_code == 200 for a in answers)
    assert uploads.usage(reporter) <= settings.TIANPING_UPLOAD_QUOTA_BYTES
    assert len(list((tmp_path / "uploads").glob(f"{reporter.pk}-*.xlsx"))) == 2
    # the newest session still confirms its upload; an evicted one is told to upload again
    last = sessions[-1].post(url("upload", sub.pk), {"token": answers[-1].context["token"], "confirm": "1"})
    assert last.status_code == 302
    first = sessions[0].post(url("upload", sub.pk), {"token": answers[0].context["token"], "confirm": "1"},
                             follow=True)
    assert "请重新上传" in first.content.decode() or "expired" in first.content.decode()


def test_abandoned_uploads_are_removed_by_the_worker_job(reporter, sub_of, framework, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    sub = sub_of("卫健局")
    c = _session(reporter)
    answer = upload(c, sub, filled_template(c, sub, {(framework["mgmt"].pk, "合计", "value"): "96"}))
    assert answer.status_code == 200
    path = uploads.pending_path(answer.context["token"], reporter)
    assert path.exists()
    remove_abandoned_uploads.call_local()
    assert path.exists()                                   # young: kept
    old = time.time() - (settings.TIANPING_UPLOAD_PENDING_HOURS * 3600 + 60)
    os.utime(path, (old, old))
    remove_abandoned_uploads.call_local()
    assert not path.exists()
