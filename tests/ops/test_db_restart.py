"""The database restarted while reporters submit: a throwaway PostgreSQL cluster of the
test's own (initdb, a free port — the shared server is never touched) behind a real gunicorn.
Saves during the outage get a clear Chinese error page; every save that was acknowledged
is in the database; after the restart saves succeed again with no manual repair (no
restart of the web server)."""

from __future__ import annotations

import glob
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

from .conftest import REPO
from .test_backup_restore import _python

BIN = sorted(glob.glob("/usr/lib/postgresql/*/bin"))


def _pg(tmp, *args):
    return subprocess.run(["runuser", "-u", "postgres", "--", f"{BIN[-1]}/pg_ctl", "-D", str(tmp / "pg"), *args],
                          capture_output=True, text=True, timeout=120)


@pytest.fixture
def throwaway_pg():
    import tempfile
    from pathlib import Path

    if not BIN or os.geteuid() != 0 or not shutil.which("runuser"):
        pytest.skip("needs PostgreSQL server binaries and root (to run them as the postgres user)")
    tmp_path = Path(tempfile.mkdtemp(prefix="tianping-pg-"))   # outside pytest's 0700 folders
    tmp_path.chmod(0o755)
    (tmp_path / "pg").mkdir()
    shutil.chown(tmp_path / "pg", "postgres", "postgres")
    done = subprocess.run(["runuser", "-u", "postgres", "--", f"{BIN[-1]}/initdb", "-D", str(tmp_path / "pg"),
                           "-A", "trust", "-U", "postgres", "--no-sync"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    port = _free_port()     # a fixed port fails when an earlier run left its cluster behind
    opts = f"-p {port} -k {tmp_path / 'pg'} -c listen_addresses=127.0.0.1 -c fsync=off"
    assert _pg(tmp_path, "-o", opts, "-l", str(tmp_path / "pg" / "server.log"), "-w", "start").returncode == 0
    yield f"postgres://postgres@127.0.0.1:{port}/postgres", lambda: _pg(tmp_path, "-o", opts, "-l",
                                                                           str(tmp_path / "pg" / "server.log"), "-m", "fast",
                                                                           "-w", "restart")
    _pg(tmp_path, "-m", "immediate", "stop")
    shutil.rmtree(tmp_path, ignore_errors=True)


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *a, **k):
        return None


def test_database_restart_during_submissions(tmp_path, throwaway_pg):
    url, restart = throwaway_pg
    env = {"TIANPING_VAR": str(tmp_path / "var"), "DATABASE_URL": url}
    _python(["populate"], env)
    info = json.loads(_python(["session"], env).strip().splitlines()[-1])
    port = _free_port()
    full = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE",)}
    full.update(env, DEBUG="0", ALLOWED_HOSTS="127.0.0.1", TIANPING_ACCESS_LOG="")
    server = subprocess.Popen([str(REPO / ".venv/bin/gunicorn") if (REPO / ".venv/bin/gunicorn").exists() else
                               shutil.which("gunicorn"), "-c", str(REPO / "deploy/gunicorn.conf.py"),
                               "tianping.web.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", "2",
                               "--threads", "2"], cwd=REPO, env=full, start_new_session=True,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    opener = urllib.request.build_opener(NoRedirect)
    csrf = secrets.token_hex(16)
    headers = {"Cookie": f"sessionid={info['session']}; csrftoken={csrf}"}

    def call(path, data=None):
        body = None if data is None else urllib.parse.urlencode({**data, "csrfmiddlewaretoken": csrf}).encode()
        try:
            with opener.open(urllib.request.Request(f"http://127.0.0.1:{port}{path}", body, headers), timeout=30) as r:
                return r.status, r.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode("utf-8", "replace")
        except OSError as e:
            return 0, repr(e)

    acked: dict[str, list[float]] = {}
    outcomes: list[tuple[float, int]] = []
    errors_seen: list[str] = []
    try:
        deadline = time.time() + 30
        while call("/login/")[0] != 200 and time.time() < deadline:
            time.sleep(0.3)
        restarter = threading.Thread(target=lambda: (time.sleep(3), restart()))
        restarter.start()
        started = time.time()
        n = 0
        while time.time() - started < 14:
            ind = info["indicators"][n % len(info["indicators"])]
            n += 1
            path = f"/collection/submissions/{info['submission']}/indicators/{ind}/"
            status, page = call(path)
            if status != 200:
                outcomes.append((time.time() - started, status))
                errors_seen.append(page)
                time.sleep(0.2)
                continue
            version = re.search(r'name="version_0" value="(\d+)"', page).group(1)
            value = round(10 + n * 0.1, 1)
            status, page = call(path, {"value_0": str(value), "version_0": version, "note_0": "重启测试"})
            outcomes.append((time.time() - started, status))
            if status == 302:
                acked.setdefault(f"{ind}-0", []).append(value)
            else:
                errors_seen.append(page)
            time.sleep(0.1)
        restarter.join()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    statuses = [s for _t, s in outcomes]
    failed = [s for s in statuses if s not in (200, 302)]
    assert failed, "the restart was not noticed at all (test did not exercise the outage)"
    assert all(s in (500, 503) for s in failed), statuses          # an error page, never a hang or a reset
    assert any("服务暂时不可用" in p and "没有保存" in p for p in errors_seen), errors_seen[:1]
    # recovery without repair: the last saves (after the restart) succeeded, same gunicorn
    tail = [s for t, s in outcomes if t > 10]
    assert tail and all(s in (200, 302) for s in tail), outcomes
    # nothing acknowledged was lost
    stored = json.loads(_python(["entries"], env).strip().splitlines()[-1])
    from collections import Counter
    counts = Counter()
    for key, values in acked.items():
        counts[key] = len(values)
    assert acked
    for ind_key, values in acked.items():
        ind = ind_key.split("-")[0]
        match = [v for k, v in stored.items() if k.startswith(f"{ind}-")]
        assert match, ind
        assert any(abs(v[1] - values[-1]) < 1e-9 for v in match), (ind, values, match)
    print("outcomes:", Counter(statuses))
