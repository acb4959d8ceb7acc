"""Backups under writes and restores that fail (outside review, finding 2).

Before: tables were read one after another, so 3 of 3 backups taken while people saved had an
EntryChange table ahead of its Entry table and every restore failed "恢复后行数不符" — after
it had already overwritten the target. Now a backup reads one snapshot and a restore builds a
fresh database beside the live one, verifies it, and only then switches."""

from __future__ import annotations

import io
import json
import os
import stat
import subprocess
import sys
import tarfile
import time

import pytest

from .conftest import REPO, run_tianping
from .test_backup_restore import _instance, _python


def _start_writer(tmp_path, env):
    full = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL", "TIANPING_TEST_DB")}
    full.update(env)
    stop, progress = tmp_path / "stop", tmp_path / "progress"
    proc = subprocess.Popen([sys.executable, str(REPO / "tests/ops/instance.py"), "write", str(stop), str(progress)],
                            env=full, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return proc, stop, progress


def _saves(progress) -> int:
    try:
        return int(progress.read_text() or 0)
    except (FileNotFoundError, ValueError):
        return 0


def _consistent(snapshot: dict) -> None:
    """Every entry's version equals the number of its audit rows (a torn backup breaks this)."""
    changes: dict[int, list[int]] = {}
    for row in snapshot["tables"]["collection.EntryChange"]:
        changes.setdefault(row["entry_id"], []).append(row["version"])
    for entry in snapshot["tables"]["collection.Entry"]:
        assert sorted(changes.get(entry["id"], [])) == list(range(1, entry["version"] + 1)), entry


def _backups_under_writes(tmp_path, source, count=3):
    _python(["populate"], source)
    writer, stop, progress = _start_writer(tmp_path, source)
    archives = []
    try:
        deadline = time.monotonic() + 120
        while _saves(progress) < 5 and time.monotonic() < deadline:
            assert writer.poll() is None, writer.communicate()[1][-2000:]
            time.sleep(0.2)
        before = _saves(progress)
        for n in range(count):
            archive = tmp_path / f"under-writes-{n}.tar.gz"
            run_tianping(["backup", str(archive)], source)
            archives.append(archive)
        assert writer.poll() is None and _saves(progress) > before, "the writer kept saving while the backups ran"
    finally:
        stop.touch()
        _out, err = writer.communicate(timeout=120)
    assert writer.returncode == 0, err[-2000:]
    assert _saves(progress) > 10
    return archives


def _restore_every_row(tmp_path, archives, target_factory):
    for n, archive in enumerate(archives):
        assert stat.S_IMODE(archive.stat().st_mode) == 0o600
        with tarfile.open(archive) as tar:
            manifest = json.load(tar.extractfile("manifest.json"))
        target = target_factory(n)
        run_tianping(["manage", "migrate", "-v0"], target)
        assert "已恢复" in run_tianping(["restore", str(archive)], target).stdout
        restored = json.loads(_python(["snapshot"], target))
        for label, rows in manifest["rows"].items():
            assert len(restored["tables"][label]) == rows, label
        assert manifest["rows"]["collection.EntryChange"] > 0
        _consistent(restored)


def test_sqlite_backup_during_concurrent_saves_restores_with_every_row(tmp_path):
    source = _instance(tmp_path, "live")
    archives = _backups_under_writes(tmp_path, source)
    _restore_every_row(tmp_path, archives, lambda n: _instance(tmp_path, f"restored-{n}"))


def test_postgresql_backup_during_concurrent_saves_restores_with_every_row(tmp_path, pg_database):
    source = _instance(tmp_path, "live", pg_database())
    archives = _backups_under_writes(tmp_path, source, count=2)
    _restore_every_row(tmp_path, archives, lambda n: _instance(tmp_path, f"restored-{n}", pg_database()))


def _tampered(archive, out):
    """The same backup with one Entry row pointing at a submission that does not exist."""
    with tarfile.open(archive) as src, tarfile.open(out, "w:gz") as dst:
        for member in src.getmembers():
            data = src.extractfile(member).read() if member.isfile() else None
            if member.name == "db.json":
                rows = json.loads(data)
                entry = next(r for r in rows if r["model"] == "collection.entry")
                entry["fields"]["submission"] = 999999
                data = json.dumps(rows).encode()
                member.size = len(data)
            dst.addfile(member, io.BytesIO(data) if data is not None else None)


def _failed_restore_changes_nothing(tmp_path, live, spare):
    _python(["populate"], live)
    archive = tmp_path / "good.tar.gz"
    run_tianping(["backup", "--no-pg-dump", str(archive)], live)
    _python(["populate"], spare)  # a second instance: different ids, rows, files
    before = json.loads(_python(["snapshot"], spare))
    bad = tmp_path / "bad.tar.gz"
    _tampered(archive, bad)
    done = run_tianping(["restore", "--force", str(bad)], spare, check=False)
    assert done.returncode != 0 and "未作任何改动" in done.stderr, done.stderr
    assert json.loads(_python(["snapshot"], spare)) == before
    # a manifest that promises rows the data does not hold fails verification, changing nothing either
    wrong = tmp_path / "wrong.tar.gz"
    with tarfile.open(archive) as src, tarfile.open(wrong, "w:gz") as dst:
        for member in src.getmembers():
            data = src.extractfile(member).read() if member.isfile() else None
            if member.name == "manifest.json":
                manifest = json.loads(data)
                manifest["rows"]["collection.Entry"] += 1
                data = json.dumps(manifest).encode()
                member.size = len(data)
            dst.addfile(member, io.BytesIO(data) if data is not None else None)
    done = run_tianping(["restore", "--force", str(wrong)], spare, check=False)
    assert done.returncode != 0 and "行数不符" in done.stderr, done.stderr
    assert json.loads(_python(["snapshot"], spare)) == before
    assert not list((tmp_path / "b" / "var").glob(".restore*"))
    # and the good archive then restores over it
    run_tianping(["restore", "--force", str(archive)], spare)
    assert json.loads(_python(["snapshot"], spare)) == json.loads(_python(["snapshot"], live))


def test_sqlite_failed_restore_leaves_target_as_it_was(tmp_path):
    _failed_restore_changes_nothing(tmp_path, _instance(tmp_path, "a"), _instance(tmp_path, "b"))


def test_postgresql_failed_restore_leaves_target_as_it_was(tmp_path, pg_database):
    _failed_restore_changes_nothing(tmp_path, _instance(tmp_path, "a", pg_database()),
                                    _instance(tmp_path, "b", pg_database()))


def test_encrypted_backup_private_with_admin_log(tmp_path):
    source, target = _instance(tmp_path, "a"), _instance(tmp_path, "b")
    _python(["populate"], source)
    _python(["adminlog"], source)
    phrase = {"TIANPING_BACKUP_PASSPHRASE": "correct horse battery staple"}
    archive = tmp_path / "secret.tar.gz"
    run_tianping(["backup", "--encrypt", str(archive)], {**source, **phrase})
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    body = archive.read_bytes()
    assert not body.startswith(b"\x1f\x8b") and "西岗区".encode() not in body
    with pytest.raises(tarfile.ReadError):
        tarfile.open(archive)
    run_tianping(["manage", "migrate", "-v0"], target)
    wrong = run_tianping(["restore", str(archive)], {**target, "TIANPING_BACKUP_PASSPHRASE": "not the right phrase"},
                         check=False)
    assert wrong.returncode != 0 and "解密失败" in wrong.stderr
    truncated = tmp_path / "cut.tar.gz"
    truncated.write_bytes(body[:-100])
    cut = run_tianping(["restore", str(truncated)], {**target, **phrase}, check=False)
    assert cut.returncode != 0 and ("不完整" in cut.stderr or "解密失败" in cut.stderr)
    run_tianping(["restore", str(archive)], {**target, **phrase})
    after, before = json.loads(_python(["snapshot"], target)), json.loads(_python(["snapshot"], source))
    assert after == before
    assert before["tables"]["admin.LogEntry"], "the admin log is part of the backup"
