"""Ops tests run Tianping as a real process (`python -m tianping.cli …`) against a real
database of their own: a SQLite file in a temp folder, and PostgreSQL databases created
for the test on the local server when it is reachable (CI has it)."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("TIANPING_SHARED", REPO.parent / "shared"))
PG_ADMIN = os.environ.get("TIANPING_TEST_PG", "postgres://postgres@127.0.0.1:5432/postgres")


def run_tianping(args, env, check=True, timeout=600, **kw):
    # The command runs as an operator would: none of the test process's Django settings
    # (the browser tests set DJANGO_ALLOW_ASYNC_UNSAFE, which check --deploy rightly refuses).
    ours = ("DJANGO_SETTINGS_MODULE", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "TIANPING_TEST_DB")
    full_env = {k: v for k, v in os.environ.items() if k not in ours}
    full_env.update(env)
    done = subprocess.run([sys.executable, "-m", "tianping.cli", *args], env=full_env, cwd=REPO,
                          capture_output=True, text=True, timeout=timeout, **kw)
    if check and done.returncode != 0:
        raise AssertionError(f"tianping {' '.join(args)} → {done.returncode}\n{done.stdout}\n{done.stderr}")
    return done


def pg_available() -> bool:
    try:
        import psycopg

        with psycopg.connect(PG_ADMIN, connect_timeout=3):
            return True
    except Exception:
        return False


@pytest.fixture
def pg_database():
    """make() → the URL of a fresh PostgreSQL database, dropped afterwards."""
    import psycopg

    if not pg_available():
        pytest.skip("no PostgreSQL server at " + PG_ADMIN)
    made = []

    def make():
        name = f"tp_ops_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        made.append(name)
        return PG_ADMIN.rsplit("/", 1)[0] + "/" + name

    yield make
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        for name in made:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
