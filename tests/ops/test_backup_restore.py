"""Backup and restore round trip of a populated instance, compared table by table, row by
row and file by file: SQLite → SQLite, PostgreSQL → PostgreSQL (pg_dump/pg_restore) and
SQLite → PostgreSQL (the portable JSON), each into a fresh instance."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile

import pytest

from .conftest import REPO, run_tianping


def _python(script_args, env):
    import os

    full = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL")}
    full.update(env)
    done = subprocess.run([sys.executable, str(REPO / "tests/ops/instance.py"), *script_args], env=full,
                          cwd=REPO, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def _instance(tmp_path, name, url=None):
    return {"TIANPING_VAR": str(tmp_path / name / "var"),
            "DATABASE_URL": url or f"sqlite:///{tmp_path / name / 'db.sqlite3'}"}


def _round_trip(tmp_path, source, target, extra=()):
    _python(["populate"], source)
    before = json.loads(_python(["snapshot"], source))
    archive = tmp_path / "backup.tar.gz"
    out = run_tianping(["backup", str(archive), *extra], source).stdout
    assert "已备份" in out
    with tarfile.open(archive) as tar:
        names = tar.getnames()
    assert "manifest.json" in names and "db.json" in names
    assert any(n.startswith("var/reports/") for n in names) and any(n.startswith("var/uploads/evidence") for n in names)
    assert not any("secret_key" in n or "huey" in n for n in names)
    run_tianping(["manage", "migrate", "-v0"], target)
    out = run_tianping(["restore", str(archive)], target).stdout
    assert "已恢复" in out
    after = json.loads(_python(["snapshot"], target))
    assert sum(len(rows) for rows in before["tables"].values()) > 1000
    for table, rows in before["tables"].items():
        assert after["tables"].get(table) == rows, f"table {table} differs after restore"
    assert after["files"] == before["files"]
    assert len(before["files"]) >= 2
    return archive, names


def test_backup_restore_sqlite_round_trip(tmp_path):
    source, target = _instance(tmp_path, "a"), _instance(tmp_path, "b")
    archive, _names = _round_trip(tmp_path, source, target)
    # a second restore into a database that has data needs --force, and then gives the same
    again = run_tianping(["restore", str(archive)], target, check=False)
    assert again.returncode != 0 and "--force" in again.stderr
    run_tianping(["restore", "--force", str(archive)], target)
    assert json.loads(_python(["snapshot"], target))["files"] == json.loads(_python(["snapshot"], source))["files"]


@pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith("postgres"),
                    reason="PostgreSQL round trips run in CI (DATABASE_URL=postgres://…)")
def test_backup_restore_postgresql_round_trip_and_into_sqlite(tmp_path, pg_database):
    """PostgreSQL → PostgreSQL through pg_dump/pg_restore; the same archive's portable JSON
    restores into SQLite (a province's data moved to a laptop, or back)."""
    source = _instance(tmp_path, "a", pg_database())
    archive, names = _round_trip(tmp_path, source, _instance(tmp_path, "b", pg_database()))
    assert "db.pgdump" in names
    target = _instance(tmp_path, "c")
    run_tianping(["manage", "migrate", "-v0"], target)
    run_tianping(["restore", str(archive)], target)
    assert json.loads(_python(["snapshot"], target)) == json.loads(_python(["snapshot"], source))


def test_restore_refuses_a_tampered_or_foreign_archive(tmp_path):
    import io

    evil = tmp_path / "evil.tar.gz"
    with tarfile.open(evil, "w:gz") as tar:
        data = b'{"format": "tianping-backup-1", "files": {}, "rows": {}}'
        info = tarfile.TarInfo("manifest.json")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
        info = tarfile.TarInfo("../../escaped.txt")
        info.size = 3
        tar.addfile(info, io.BytesIO(b"bad"))
    done = run_tianping(["restore", str(evil)], _instance(tmp_path, "c"), check=False)
    assert done.returncode != 0 and "非法路径" in done.stderr
    assert not (tmp_path.parent / "escaped.txt").exists()
