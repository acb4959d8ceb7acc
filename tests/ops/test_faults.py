"""Faults: the worker killed (SIGKILL) in the middle of generating a report; the disk
filling up while a file is written. Real processes, real files."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time

from .conftest import REPO, run_tianping
from .test_backup_restore import _instance, _python


def _job(db, pk):
    with sqlite3.connect(db, timeout=10) as c:
        return c.execute("select state, progress, attempts from publishing_generationjob where id=?", (pk,)).fetchone()


def _files(db, report):
    with sqlite3.connect(db, timeout=10) as c:
        return c.execute("select format, path from publishing_reportfile where report_id=?", (report,)).fetchall()


def _worker(env, log):
    full = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL",
                                                            "TIANPING_HUEY_IMMEDIATE", "REDIS_URL")}
    full.update(env)
    return subprocess.Popen([sys.executable, "-m", "tianping.cli", "worker"], env=full, cwd=REPO, stdout=log,
                            stderr=subprocess.STDOUT, start_new_session=True)


def _stop(worker):
    if worker.poll() is None:
        os.killpg(worker.pid, signal.SIGINT)
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait()


def test_worker_killed_mid_report_is_retried_and_nothing_half_published(tmp_path):
    env = {**_instance(tmp_path, "a"), "TIANPING_HUEY_FILE": str(tmp_path / "queue.sqlite3"),
           "TIANPING_JOB_STALE_SECONDS": "2", "PYTHONUNBUFFERED": "1"}
    db = tmp_path / "a" / "db.sqlite3"
    _python(["populate"], env)
    ids = json.loads(_python(["generate"], env).strip().splitlines()[-1])
    folder = tmp_path / "a" / "var" / "reports" / str(ids["report"])
    published_before = _files(db, ids["report"])           # the previous generation's file
    listing_before = sorted(p.name for p in folder.glob("*"))
    log = open(tmp_path / "worker.log", "w+b")
    worker = _worker(env, log)
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            state, progress, _attempts = _job(db, ids["job"])
            if state == "running" and progress >= 5:
                break
            assert state not in ("done", "failed"), "the job finished before it could be interrupted"
            time.sleep(0.05)
        os.killpg(worker.pid, signal.SIGKILL)          # the worker dies mid-report
        worker.wait()
        state, progress, attempts = _job(db, ids["job"])
        assert state == "running" and progress < 100 and attempts == 1
        assert _files(db, ids["report"]) == published_before   # nothing published half-made
        assert sorted(p.name for p in folder.glob("*")) == listing_before
        time.sleep(2.5)                                 # past TIANPING_JOB_STALE_SECONDS
        worker = _worker(env, log)                      # the worker comes back (systemd Restart=always)
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline and _job(db, ids["job"])[0] not in ("done", "failed"):
            time.sleep(0.2)
    finally:
        _stop(worker)
        log.seek(0)
        output = log.read().decode("utf-8", "replace")
        log.close()
    state, progress, attempts = _job(db, ids["job"])
    assert (state, progress) == ("done", 100), output[-3000:]
    assert attempts == 2
    assert "重新排队" in output
    files = dict(_files(db, ids["report"]))
    assert set(files) == {"docx", "pdf", "html"}
    for rel in files.values():
        assert (tmp_path / "a" / "var" / "reports" / rel).stat().st_size > 0
    assert not list(folder.glob("*.part")) and not list(folder.glob(".*.part"))


def test_disk_full_while_writing_a_backup_gives_a_clear_chinese_error(tmp_path):
    """The file-size limit (RLIMIT_FSIZE) stands in for a full disk: the write fails with
    EFBIG as it would with ENOSPC; the command says so in Chinese and leaves no partial backup."""
    env = _instance(tmp_path, "a")
    _python(["populate"], env)
    out = tmp_path / "backup.tar.gz"
    code = ("import resource, signal, sys; signal.signal(signal.SIGXFSZ, signal.SIG_IGN); "
            "resource.setrlimit(resource.RLIMIT_FSIZE, (200_000, 200_000)); "
            "from tianping.cli import main; sys.argv = ['tianping', 'backup', sys.argv[1]]; main()")
    full = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL")}
    full.update(env)
    done = subprocess.run([sys.executable, "-c", code, str(out)], env=full, cwd=REPO, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode != 0
    assert "备份写入失败" in done.stderr and "磁盘空间" in done.stderr, done.stderr[-2000:]
    assert "Traceback" not in done.stderr
    assert not out.exists() and not list(tmp_path.glob("backup.tar.gz*"))
    # with room again, the same command succeeds
    assert "已备份" in run_tianping(["backup", str(out)], env).stdout
