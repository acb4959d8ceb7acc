"""The scale-out path for report jobs: a Redis queue, two `tianping worker` processes on it,
PostgreSQL. One worker is killed (SIGKILL) in the middle of a report; the other, through the
job heartbeat and its watchdog, queues the dead worker's job again within seconds and finishes
it. Nothing is lost (every job done, every report with its three files) and nothing is done
twice (one "generated" approval per job, no stray files). Redis database 6 is this test's own."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from .conftest import REPO
from .test_backup_restore import _instance, _python

REDIS_URL = os.environ.get("TIANPING_TEST_REDIS", "redis://127.0.0.1:6379/6")


def _redis():
    try:
        import redis

        client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
        client.ping()
        return client
    except Exception:
        pytest.skip(f"no Redis server at {REDIS_URL}")


def _worker(env, log):
    full = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL",
                                                            "TIANPING_HUEY_IMMEDIATE", "TIANPING_TEST_DB")}
    full.update(env)
    return subprocess.Popen([sys.executable, "-m", "tianping.cli", "worker"], env=full, cwd=REPO, stdout=log,
                            stderr=subprocess.STDOUT, start_new_session=True)


def _jobs(url, ids):
    import psycopg

    with psycopg.connect(url) as conn:
        rows = conn.execute("SELECT id, state, progress, attempts, worker FROM publishing_generationjob "
                            "WHERE id = ANY(%s) ORDER BY id", [ids]).fetchall()
        generated = dict(conn.execute("SELECT report_id, count(*) FROM publishing_approval WHERE step = 'generated' "
                                      "GROUP BY report_id").fetchall())
        files = conn.execute("SELECT report_id, format, path FROM publishing_reportfile").fetchall()
    return {r[0]: r[1:] for r in rows}, generated, files


def test_two_workers_on_redis_one_killed_mid_job_nothing_lost_or_done_twice(tmp_path, pg_database):
    queue = _redis()
    queue.flushdb()
    url = pg_database()
    env = {**_instance(tmp_path, "a", url), "REDIS_URL": REDIS_URL, "PYTHONUNBUFFERED": "1",
           "TIANPING_JOB_STALE_SECONDS": "8", "TIANPING_JOB_WATCHDOG_SECONDS": "2",
           "TIANPING_JOB_HEARTBEAT_SECONDS": "1"}
    _python(["populate"], env)
    logs = [open(tmp_path / f"worker-{n}.log", "w+b") for n in (1, 2)]
    workers = [_worker(env, log) for log in logs]
    killed_at = None
    try:
        queued = json.loads(_python(["generate-many"], env).strip().splitlines()[-1])
        ids = [q["job"] for q in queued]
        deadline = time.monotonic() + 300
        victim = None
        while time.monotonic() < deadline and victim is None:
            jobs, _g, _f = _jobs(url, ids)
            for job_id, (state, progress, _attempts, worker) in jobs.items():
                pid = int(worker.rsplit(":", 1)[1]) if worker else None
                if state == "running" and progress >= 5 and pid in {w.pid for w in workers}:
                    victim = next(w for w in workers if w.pid == pid), job_id
                    break
            time.sleep(0.1)
        assert victim is not None, "no job ran"
        worker, killed_job = victim
        os.killpg(worker.pid, signal.SIGKILL)          # this worker dies mid-report
        worker.wait()
        killed_at = time.monotonic()
        survivor = next(w for w in workers if w is not worker)
        requeued_after = None
        while time.monotonic() < deadline:
            jobs, _g, _f = _jobs(url, ids)
            if requeued_after is None and jobs[killed_job][2] == 2:
                requeued_after = time.monotonic() - killed_at
            if all(j[0] in ("done", "failed") for j in jobs.values()):
                break
            assert survivor.poll() is None, "the surviving worker died"
            time.sleep(0.2)
    finally:
        for w in workers:
            if w.poll() is None:
                os.killpg(w.pid, signal.SIGINT)
                try:
                    w.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(w.pid, signal.SIGKILL)
                    w.wait()
        output = ""
        for log in logs:
            log.seek(0)
            output += log.read().decode("utf-8", "replace")
            log.close()
    jobs, generated, files = _jobs(url, ids)
    assert all(state == "done" and progress == 100 for state, progress, _a, _w in jobs.values()), (jobs, output[-3000:])
    assert jobs[killed_job][2] == 2, jobs                       # run again once, by the survivor
    assert requeued_after is not None and requeued_after < 60, requeued_after
    for q in queued:                                            # each report generated exactly once
        assert generated.get(q["report"]) == 1, generated
        formats = sorted(f for r, f, _p in files if r == q["report"])
        assert formats == ["docx", "html", "pdf"], files
    var = tmp_path / "a" / "var" / "reports"
    for q in queued:
        folder = var / str(q["report"])
        assert not list(folder.glob("*.part")) and not list(folder.glob(".*.part"))
        on_disk = sorted(p.name for p in folder.iterdir())
        assert on_disk == sorted(p.rsplit("/", 1)[1] for r, _f, p in files if r == q["report"]), on_disk
    print(f"killed job re-queued {requeued_after:.1f} s after its worker died")
    queue.flushdb()
