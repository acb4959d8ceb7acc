"""Generation in a real worker process: `tianping worker` (the huey consumer) started as
a subprocess takes the job from the SQLite queue file, writes progress to the database
while it works, and leaves the three files and the snapshot.

The worker must reach the test's database. On PostgreSQL it is the test database
itself. SQLite test databases live in memory, so the test copies it to a file with
SQLite's backup API, points the worker at that file, and copies the result back."""

from __future__ import annotations

import hashlib
import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.db import connection

from tianping.web.publishing import services, tasks
from tianping.web.publishing.models import GenerationJob

TIMEOUT = 180


class WorkerDatabase:
    def __init__(self, tmp_path):
        connection.ensure_connection()
        self.vendor = connection.vendor
        self.file = tmp_path / "worker.sqlite3"
        s = connection.settings_dict
        if self.vendor == "postgresql":
            auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
            self.url = f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
        elif self.vendor == "sqlite":
            self.url = f"sqlite:///{self.file}"
        else:
            pytest.skip(f"no worker database set-up for {self.vendor}")

    def push(self):
        if self.vendor == "sqlite":
            target = sqlite3.connect(self.file)
            connection.connection.backup(target)
            target.close()

    def pull(self):
        if self.vendor == "sqlite":
            source = sqlite3.connect(self.file)
            source.backup(connection.connection)
            source.close()

    def job(self, pk) -> tuple[str, int]:
        if self.vendor == "sqlite":
            with sqlite3.connect(self.file, timeout=10) as db:
                return db.execute("select state, progress from publishing_generationjob where id = ?", (pk,)).fetchone()
        job = GenerationJob.objects.get(pk=pk)
        return job.state, job.progress


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_process_generates_the_report_with_progress(demo_plan, office, tmp_path, huey_immediate):
    from huey.storage import SqliteStorage

    queue_file = tmp_path / "huey.sqlite3"
    huey = huey_immediate
    huey.immediate = False
    huey.storage = SqliteStorage(name=huey.name, filename=str(queue_file))
    database = WorkerDatabase(tmp_path)

    report = services.create_report(demo_plan, demo_plan.region, "annual", 2024, office)
    job = tasks.request_generation(report, office)       # committed: the task is in the queue file now
    assert huey.pending_count() == 1 and GenerationJob.objects.get(pk=job.pk).state == "queued"
    database.push()

    env = {k: v for k, v in os.environ.items() if k not in ("TIANPING_HUEY_IMMEDIATE", "REDIS_URL")}
    env.update(DATABASE_URL=database.url, TIANPING_VAR=str(settings.VAR_DIR), TIANPING_HUEY_FILE=str(queue_file),
               DJANGO_SETTINGS_MODULE="tianping.web.settings", PYTHONUNBUFFERED="1")
    log = open(tmp_path / "worker.log", "w+b")
    worker = subprocess.Popen([sys.executable, "-m", "tianping.cli", "worker"], env=env, stdout=log,
                              stderr=subprocess.STDOUT, start_new_session=True)
    seen = []
    try:
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            state, progress = database.job(job.pk)
            if not seen or seen[-1] != (state, progress):
                seen.append((state, progress))
            if state in ("done", "failed") or worker.poll() is not None:
                break
            time.sleep(0.2)
    finally:
        worker.send_signal(signal.SIGINT)
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
        log.seek(0)
        output = log.read().decode("utf-8", "replace")
        log.close()
    assert seen and seen[-1] == ("done", 100), f"progress seen {seen}\nworker output:\n{output[-3000:]}"
    between = [p for s, p in seen if s == "running" and 0 < p < 100]
    assert between, f"no progress between 0 and 100 was seen: {seen}"
    assert [p for _, p in seen] == sorted(p for _, p in seen)        # the bar only moves forward
    assert "天平后台任务进程已启动" in output
    print("progress seen:", seen)

    database.pull()
    report.refresh_from_db()
    job.refresh_from_db()
    assert job.attempts == 1 and job.finished_at is not None
    assert report.snapshot_sha256 == services.sha256_of(report.snapshot) and not report.needs_generation
    files = {f.format: f for f in report.files.all()}
    assert set(files) == {"docx", "pdf", "html"}
    for f in files.values():
        assert f.full_path.is_file() and f.full_path.is_relative_to(settings.VAR_DIR / "reports")
        data = f.full_path.read_bytes()
        assert len(data) == f.size and hashlib.sha256(data).hexdigest() == f.sha256
    assert files["pdf"].full_path.read_bytes().startswith(b"%PDF")
    assert "统计监测报告" in files["html"].full_path.read_text(encoding="utf-8")
    assert huey.pending_count() == 0
