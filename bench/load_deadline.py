"""Deadline-day load: 200 department reporters submitting in the last hour before the
deadline (compressed into --seconds), plus office users watching the dashboard and the
round's completeness page, against gunicorn on 127.0.0.1 with a populated database.

Builds (once per database) a province 980000 with 20 districts, each with seed 000 imported,
confirmed and its indicators assigned to departments (the demo task division), an open 2024
round per district, one reporter per submission until --reporters are made, and --pairs
departments with a SECOND reporter: each pair opens the same form at the same moment and
saves it (a conflicting edit that the collection app must refuse, never last-write-wins).

Each reporter starts at a random moment from which its forms fit before the end of the run
(the deadline hour compressed into --seconds; --burst: every reporter within the first
2 × think seconds, the pattern of the first measurements) and goes through its indicators:
GET the form (versions, CSRF), POST new values for every cell, think, next. The server is
warmed (every worker has answered) before the clock starts. Afterwards the database is
compared with what the clients were told: every acknowledged save must be there (cell
version = number of acknowledged saves, value = the last acknowledged value) — a "lost write"
is any cell where that fails.

    .venv/bin/python bench/load_deadline.py [--reporters 200] [--office 10] [--seconds 90] [--think 2]
        [--burst] [--database-url postgres://postgres@127.0.0.1:5432/tianping_load] [--workers 3] [--threads 8]

Prints throughput, p50/p95/p99 latency per kind of request and per 10 s window, errors, lost
writes and conflicts detected, and the CPU seconds of the server (gunicorn), of the bench
database's PostgreSQL backends, of the load generator and of the whole machine (the generator
and other processes share its cores), with the server CPU per request and the in-process cost
(CPU, queries) of one form GET and one save.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PROVINCE = ("980000", "截止日省")
SEED = "000"


def configure(args) -> None:
    os.environ["TIANPING_VAR"] = str(args.dir)
    args.dir.mkdir(parents=True, exist_ok=True)
    url = args.database_url
    if url.startswith("postgres"):
        import psycopg

        base, name = url.rsplit("/", 1)
        with psycopg.connect(base + "/postgres", autocommit=True) as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname=%s", (name,)).fetchone():
                conn.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = url or f"sqlite:///{args.dir / 'load.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tianping.web.settings")
    import django

    django.setup()


def build(args) -> None:
    from datetime import date, timedelta

    from django.core.management import call_command

    from tianping.web import demo as setup
    from tianping.web.collection import services as coll
    from tianping.web.orgs.models import Region, User
    from tianping.web.plans import services as plans

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    province, _ = Region.objects.get_or_create(code=PROVINCE[0], defaults=dict(name=PROVINCE[1],
                                                                               level=Region.Level.PROVINCE))
    city, _ = Region.objects.get_or_create(code="980100", defaults=dict(name="截止日市", level=Region.Level.CITY,
                                                                        parent=province))
    made = User.objects.filter(username__startswith="load-r").exclude(username__endswith="-b").count()
    if made >= args.reporters:
        return
    seed = next((REPO.parent / "shared" / "seeds").glob(f"{SEED}_*.txt"))
    core_plans = plans.parse_upload(seed.name, seed.read_bytes())
    office = User.objects.filter(username="load-office").first() or User.objects.create_user(
        username="load-office", password=secrets.token_urlsafe(12), role="office", region=province)
    d = Region.objects.filter(parent=city).count()
    while made < args.reporters:
        d += 1
        district = Region.objects.create(code=f"9801{d:02d}", name=f"第{d}区", level=Region.Level.DISTRICT,
                                         parent=city)
        setup.seed_departments(district)
        plan = plans.import_plans(core_plans, district, office, other_region_ok=True)[0]  # one seed stands in for every district
        setup.assign_demo_departments(plan)
        plans.confirm_plan(plan, office)
        rnd = coll.open_round(district, 2024, date.today() + timedelta(days=1), office)
        for sub in rnd.submissions.select_related("department").order_by("pk"):
            User.objects.create_user(username=f"load-r{made:03d}", password=secrets.token_urlsafe(12),
                                     role="reporter", region=district, department=sub.department)
            made += 1
        User.objects.create_user(username=f"load-o{d:02d}", password=secrets.token_urlsafe(12), role="office",
                                 region=district)
    print(f"built: {d} districts, {made} submissions with a reporter, in {time.perf_counter() - started:.0f} s")


def sessions(args):
    """Session cookies made directly (no Argon2 login per simulated user), and each user's work."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from tianping.web.collection import services as coll
    from tianping.web.collection.models import Submission
    from tianping.web.orgs.models import User

    def cookie(user):
        s = SessionStore()
        s[SESSION_KEY], s[BACKEND_SESSION_KEY] = str(user.pk), "django.contrib.auth.backends.ModelBackend"
        s[HASH_SESSION_KEY] = user.get_session_auth_hash()
        s.create()
        return s.session_key

    reporters = []
    users = list(User.objects.filter(username__startswith="load-r").exclude(username__endswith="-b").select_related("department", "region")
                 .order_by("username")[:args.reporters])
    for user in users:
        sub = Submission.objects.get(department=user.department, round__year=2024)
        inds = [i.pk for i in coll.indicators_for(user.department, user.region)]
        reporters.append({"name": user.username, "cookie": cookie(user), "sub": sub.pk, "indicators": inds})
    # conflict pairs: a second reporter of the same department, editing the same form at the same moment
    pairs = []
    for r in reporters[:args.pairs]:
        first = User.objects.get(username=r["name"])
        twin, _ = User.objects.get_or_create(username=r["name"] + "-b", defaults=dict(
            role="reporter", region=first.region, department=first.department))
        pairs.append(({**r, "cookie": cookie(first)}, {**r, "name": twin.username, "cookie": cookie(twin)}))
    office = (User.objects.filter(username__startswith="load-o").exclude(username="load-office")
              .select_related("region").order_by("username")[:args.office])
    offices = [{"cookie": cookie(u), "region": u.region.code,
                "round": Submission.objects.filter(round__region=u.region).first().round_id} for u in office]
    return reporters, pairs, offices


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(args, port):
    env = {**os.environ, "DEBUG": "0", "ALLOWED_HOSTS": "127.0.0.1", "TIANPING_ACCESS_LOG": ""}
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("gunicorn")), "-c", str(REPO / "deploy/gunicorn.conf.py"),
         "tianping.web.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", str(args.workers),
         "--threads", str(args.threads), "--log-level", "warning"],
        cwd=REPO, env=env, start_new_session=True)
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return server
        except OSError:
            time.sleep(0.2)
    os.killpg(server.pid, signal.SIGKILL)
    raise SystemExit("gunicorn did not start")


def _cpu_seconds(pid: int) -> float:
    """User + system CPU of one process (Linux /proc), 0 when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _group_pids(pgid: int) -> list[int]:
    pids = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                if int((d / "stat").read_text().rsplit(")", 1)[1].split()[2]) == pgid:
                    pids.append(int(d.name))
            except (OSError, IndexError, ValueError):
                pass
    return pids


def _machine_busy() -> tuple[float, float]:
    """(busy, total) jiffies of the whole machine since boot."""
    cpu = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = cpu[3] + cpu[4]
    return sum(cpu) - idle, sum(cpu)


class CpuMeter(threading.Thread):
    """CPU seconds spent by the server (gunicorn's process group), by the PostgreSQL backends of
    the bench database (sampled every second: a backend keeps its connection for the run), by
    this load generator, and how busy the whole machine was (other helpers' runs included)."""

    def __init__(self, server_pgid: int, dbname: str | None):
        super().__init__(daemon=True)
        self.pgid, self.dbname, self.stop = server_pgid, dbname, threading.Event()
        self.backends: dict[int, float] = {}

    def sample_backends(self, conn) -> None:
        for (pid,) in conn.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                                   (self.dbname,)).fetchall():
            cpu = _cpu_seconds(pid)
            if cpu:
                self.backends[pid] = max(self.backends.get(pid, 0.0), cpu)

    def begin(self) -> None:
        self.server0 = sum(_cpu_seconds(p) for p in _group_pids(self.pgid))
        self.self0, self.machine0, self.wall0 = os.times(), _machine_busy(), time.perf_counter()
        if self.dbname:
            self.start()

    def run(self) -> None:
        import psycopg

        base = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
        with psycopg.connect(base + "/postgres", autocommit=True) as conn:
            self.pre = {pid: _cpu_seconds(pid) for (pid,) in conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s", (self.dbname,)).fetchall()}
            while not self.stop.wait(1.0):
                self.sample_backends(conn)
            self.sample_backends(conn)

    def end(self) -> dict:
        server = sum(_cpu_seconds(p) for p in _group_pids(self.pgid)) - self.server0
        me = os.times()
        busy, total = _machine_busy()
        wall = time.perf_counter() - self.wall0
        self.stop.set()
        if self.is_alive():
            self.join(timeout=10)
        pg = sum(cpu - getattr(self, "pre", {}).get(pid, 0.0) for pid, cpu in self.backends.items())
        return {"server": server, "postgres": pg,
                "generator": (me.user + me.system) - (self.self0.user + self.self0.system),
                "machine": (busy - self.machine0[0]) / os.sysconf("SC_CLK_TCK"),
                "machine_share": (busy - self.machine0[0]) / max(1, total - self.machine0[1]), "wall": wall}


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *a, **k):
        return None


OPENER = urllib.request.build_opener(NoRedirect)
FIELD = re.compile(r'name="(value|numerator|denominator|version)_(\d+)"(?:[^>]*?value="([^"]*)")?')


class Client:
    def __init__(self, port, session):
        self.base = f"http://127.0.0.1:{port}"
        self.csrf = secrets.token_hex(16)
        self.headers = {"Cookie": f"sessionid={session}; csrftoken={self.csrf}"}

    def request(self, path, data=None):
        body = None if data is None else urllib.parse.urlencode({**data, "csrfmiddlewaretoken": self.csrf}).encode()
        req = urllib.request.Request(self.base + path, data=body, headers=self.headers)
        start = time.perf_counter()
        try:
            with OPENER.open(req, timeout=60) as r:
                status, text = r.status, r.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as e:
            status, text = e.code, e.read().decode("utf-8", "replace")
        except Exception as e:  # noqa: BLE001 - counted
            status, text = 0, repr(e)
        return status, text, time.perf_counter() - start


class Run:
    def __init__(self):
        self.lock = threading.Lock()
        self.times = defaultdict(list)
        self.timeline = []                  # (seconds since start, kind, latency) of answered requests
        self.t0 = time.perf_counter()
        self.errors = []
        self.acked = defaultdict(list)      # (sub, indicator, i) -> [value, ...] in acknowledgement order
        self.conflicts = 0
        self.refused = 0                    # blocking validation errors (not server errors)
        self.clashes = []                   # outcomes of each pair of simultaneous saves
        self.before = {}                    # cell versions before the run

    def record(self, kind, status, text, elapsed, ok_statuses=(200,)):
        with self.lock:
            if status in ok_statuses:
                self.times[kind].append(elapsed)
                self.timeline.append((time.perf_counter() - self.t0, kind, elapsed))
                return True
            self.errors.append(f"{kind}: HTTP {status} {text[:160]!r}")
            return False


def fill(run, client, r, ind, rng, barrier=None, lane=0):
    """GET the form, POST new values for every cell. ``lane``: the two reporters of a clash draw
    from different ranges, so the second save is never identical to the first (an identical save
    is 'unchanged' — correctly not refused — and would be miscounted as a lost write)."""
    path = f"/collection/submissions/{r['sub']}/indicators/{ind}/"
    status, text, t = client.request(path)
    if not run.record("form GET", status, text, t):
        return "error"
    fields = {}
    versions = {}
    shown = {}
    for kind, i, value in FIELD.findall(text):
        if kind == "version":
            versions[i] = value or "0"
        else:
            fields.setdefault(i, set()).add(kind)
            shown[(kind, i)] = value
    data, sent = {}, {}
    for i, kinds in fields.items():
        data[f"version_{i}"] = versions.get(i, "0")
        if "numerator" in kinds:
            num = rng.randint(1, 50) + 50 * lane
            if shown.get(("numerator", i)) in (str(num), f"{num:.1f}"):
                num += 1                    # always a real change (an identical save changes nothing)
            data[f"numerator_{i}"], data[f"denominator_{i}"] = str(num), "100000"
            sent[i] = ("numerator", float(num))
        else:
            v = round(rng.uniform(40, 60) + 20 * lane, 1)
            if shown.get(("value", i)) in (str(v), f"{v:g}"):
                v = round(v + 0.1, 1)
            data[f"value_{i}"] = str(v)
            sent[i] = ("value", v)
        data[f"note_{i}"] = "截止日前填报"
    if barrier is not None:
        try:
            barrier.wait(timeout=30)
        except threading.BrokenBarrierError:
            pass
    status, text, t = client.request(path, data)
    if status == 302:
        run.record("form POST", 200, "", t)
        with run.lock:
            for i, (kind, v) in sent.items():
                run.acked[(r["sub"], ind, i)].append((kind, v))
        return "saved"
    if status in (200, 400) and "已被他人修改" in text:
        with run.lock:
            run.conflicts += 1
            run.times["form POST (conflict)"].append(t)
        return "conflict"
    if status in (200, 400):
        with run.lock:
            run.refused += 1
            run.times["form POST (refused)"].append(t)
        return "refused"
    run.record("form POST", status, text, t)
    return "error"


RUN_SALT = secrets.token_hex(4)   # new values on every run: a save identical to the stored value changes nothing


def reporter_loop(run, port, r, stop_at, think, seed, burst=False):
    """One reporter: starts at a random moment from which its forms fit before the deadline (the
    last hour compressed into --seconds), or — ``burst`` — within the first 2 × think seconds
    like every other reporter; then opens and saves each of its forms, thinking between them."""
    rng = random.Random(f"{RUN_SALT}-{seed}")
    client = Client(port, r["cookie"])
    room = stop_at - time.perf_counter() - len(r["indicators"]) * think * 1.2
    time.sleep(rng.uniform(0, think * 2 if burst or room < think * 2 else room))
    for ind in r["indicators"]:
        if time.perf_counter() > stop_at:
            return
        fill(run, client, r, ind, rng)
        time.sleep(rng.uniform(0.5, 1.5) * think)


def office_loop(run, port, o, stop_at, think, seed):
    rng = random.Random(seed)
    client = Client(port, o["cookie"])
    while time.perf_counter() < stop_at:
        for kind, path in (("dashboard", f"/monitoring/?region={o['region']}"),
                           ("completeness", f"/collection/rounds/{o['round']}/completeness/")):
            status, text, t = client.request(path)
            run.record(kind, status, text, t)
        time.sleep(rng.uniform(0.5, 1.5) * think * 2)


def pair_clash(run, port, pair, seed):
    rng = random.Random(f"{RUN_SALT}-{seed}")
    a, b = pair
    ind = a["indicators"][-1]
    barrier = threading.Barrier(2)
    outcomes = []
    threads = [threading.Thread(target=lambda x=x, lane=lane: outcomes.append(
        fill(run, Client(port, x["cookie"]), x, ind, random.Random(rng.random()), barrier, lane)))
        for lane, x in enumerate((a, b))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with run.lock:
        run.clashes.append(tuple(sorted(outcomes)))


def warm_up(port, reporters, n) -> None:
    """Every worker and thread has answered before the clock starts (on deadline day the server
    has been up for hours): form pages of the first reporters, n at once, twice; not counted."""
    for _ in range(2):
        threads = [threading.Thread(target=Client(port, r["cookie"]).request,
                                    args=(f"/collection/submissions/{r['sub']}/indicators/{r['indicators'][0]}/",))
                   for r in reporters[:n]]
        for t in threads:
            t.start()
        for t in threads:
            t.join()


def in_process_cost(reporter, forms=10) -> dict:
    """CPU and queries of one form GET and one form POST in this process (Django's test client,
    the same database, no HTTP): what the load run multiplies, free of the machine's load."""
    from django.db import connection
    from django.test import Client as DjangoClient
    from django.test.utils import CaptureQueriesContext

    client = DjangoClient(HTTP_HOST="127.0.0.1")
    client.cookies["sessionid"] = reporter["cookie"]
    rng = random.Random(f"{RUN_SALT}-cost")
    cost = defaultdict(list)
    for ind in (reporter["indicators"] * forms)[:forms + 1]:
        path = f"/collection/submissions/{reporter['sub']}/indicators/{ind}/"
        started = time.process_time()
        with CaptureQueriesContext(connection) as queries:
            page = client.get(path)
        cost["GET"].append((time.process_time() - started, len(queries)))
        data = {}
        for kind, i, _value in FIELD.findall(page.content.decode()):
            if kind == "version":
                data[f"version_{i}"] = _value or "0"
            elif kind == "numerator":
                data[f"numerator_{i}"], data[f"denominator_{i}"] = str(rng.randint(101, 200)), "100000"
            elif kind == "value":
                data[f"value_{i}"] = str(round(rng.uniform(80, 90), 1))
            data[f"note_{i}"] = "截止日前填报"
        started = time.process_time()
        with CaptureQueriesContext(connection) as queries:
            answer = client.post(path, data)
        if answer.status_code != 302:
            raise SystemExit(f"in-process save refused ({answer.status_code}): {answer.content[:300]!r}")
        cost["POST"].append((time.process_time() - started, len(queries)))
    out = {}
    for kind, runs in cost.items():
        runs = runs[1:]                          # the first of each loads templates and URLs
        cpu = sorted(c for c, _q in runs)
        out[kind] = (cpu[len(cpu) // 2] * 1000, max(q for _c, q in runs))
    return out


def entry_versions() -> dict:
    from tianping.web.collection.models import Entry

    return {(e.submission_id, e.indicator_id, e.sex, e.age, e.residence): e.version
            for e in Entry.objects.filter(submission__round__region__code__startswith="9801")}


def verify(run) -> tuple[int, int]:
    """(cells checked, lost writes): each acknowledged save is in the database."""
    from tianping.web.collection import services as coll
    from tianping.web.collection.models import Entry
    from tianping.web.plans.models import Indicator

    lost, checked = 0, 0
    by_key = defaultdict(dict)
    for (sub, ind, i), acks in run.acked.items():
        by_key[(sub, ind)][int(i)] = acks
    for (sub, ind), cells in by_key.items():
        grid = coll.grid(Indicator.objects.get(pk=ind))
        for i, acks in cells.items():
            cell = grid[i]
            e = Entry.objects.filter(submission_id=sub, indicator_id=ind, sex=cell.sex, age=cell.age,
                                     residence=cell.residence).first()
            checked += 1
            kind, last = acks[-1]
            base = run.before.get((sub, ind, cell.sex, cell.age, cell.residence), 0)
            if e is None or e.version != base + len(acks) or abs((getattr(e, kind) or 0) - last) > 1e-9:
                lost += 1
                if os.environ.get("LOAD_DEBUG"):
                    from tianping.web.collection.models import EntryChange
                    print("LOST", sub, ind, i, "base", base, "acks", acks, "db", e and (e.version, e.value, e.numerator),
                          list(EntryChange.objects.filter(entry=e).values_list("version", "old", "new", "at")))
    return checked, lost


def pct(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q / 100 * (len(values) - 1))))] * 1000


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--reporters", type=int, default=200)
    p.add_argument("--pairs", type=int, default=20, help="departments with two reporters clashing on one form")
    p.add_argument("--office", type=int, default=10)
    p.add_argument("--seconds", type=float, default=90)
    p.add_argument("--think", type=float, default=2.0, help="mean seconds a reporter spends on one form")
    p.add_argument("--burst", action="store_true",
                   help="every reporter starts within the first 2 × think seconds (default: at a random moment "
                        "from which its forms fit before the end, the deadline hour compressed)")
    p.add_argument("--workers", type=int, default=3)
    p.add_argument("--threads", type=int, default=8)
    p.add_argument("--dir", type=Path, default=Path("/tmp/tianping-load"))
    p.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/tianping_load",
                   help="'' for a SQLite file in --dir")
    args = p.parse_args()
    configure(args)
    build(args)
    reporters, pairs, offices = sessions(args)
    from django.db import connections

    loop = reporters[args.pairs:]
    cost = in_process_cost(max(loop, key=lambda r: len(r["indicators"])))
    connections.close_all()
    port = free_port()
    server = serve(args, port)
    warm_up(port, loop, args.workers * args.threads)
    run = Run()
    run.before = entry_versions()
    connections.close_all()
    dbname = os.environ["DATABASE_URL"].rsplit("/", 1)[1] if os.environ["DATABASE_URL"].startswith("postgres") else None
    meter = CpuMeter(server.pid, dbname)
    try:
        meter.begin()
        run.t0 = time.perf_counter()
        stop_at = time.perf_counter() + args.seconds
        threads = [threading.Thread(target=reporter_loop, args=(run, port, r, stop_at, args.think, n, args.burst))
                   for n, r in enumerate(loop)]
        threads += [threading.Thread(target=office_loop, args=(run, port, o, stop_at, args.think, 1000 + n))
                    for n, o in enumerate(offices)]
        started = time.perf_counter()
        for t in threads:
            t.start()
        for n, pair in enumerate(pairs):          # the clashes happen during the rush
            time.sleep(args.seconds / (2 * max(1, len(pairs))))
            pair_clash(run, port, pair, 5000 + n)
        for t in threads:
            t.join()
        wall = time.perf_counter() - started
        cpu = meter.end()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    checked, lost = verify(run)
    total = sum(len(v) for v in run.times.values())
    saves = len(run.times["form POST"])
    print(f"\n{len(reporters)} reporters ({len(pairs)} departments with two clashing) + {len(offices)} office users, "
          f"{'burst start' if args.burst else 'starts spread'}, think {args.think:g} s, {args.seconds:g} s, database {os.environ['DATABASE_URL'].split(':')[0]}, gunicorn {args.workers}×"
          f"{args.threads} threads on {os.cpu_count()} cores")
    print(f"requests {total} in {wall:.1f} s = {total / wall:.1f} req/s; saves acknowledged {saves} "
          f"({saves / wall:.1f}/s), cells written {sum(len(a) for a in run.acked.values())}")
    print(f"{'request':<22} {'n':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    every = [v for vs in run.times.values() for v in vs]
    for kind, values in sorted(run.times.items()) + [("all", every)]:
        if values:
            print(f"{kind:<22} {len(values):>6} {pct(values, 50):>8.0f} {pct(values, 95):>8.0f} "
                  f"{pct(values, 99):>8.0f} {max(values) * 1000:>8.0f}")
    step = 10
    print(f"timeline ({step} s windows): requests answered, form POST p50/p95 ms")
    for w in range(0, int(wall) + 1, step):
        got = [(k, v) for t, k, v in run.timeline if w <= t < w + step]
        posts = [v for k, v in got if k == "form POST"]
        print(f"  {w:>4}–{w + step:<4} s {len(got):>5} req {len(got) / step:>6.1f}/s   POST "
              + (f"{pct(posts, 50):>6.0f} {pct(posts, 95):>6.0f}" if posts else "     –      –"))
    print(f"CPU seconds over {cpu['wall']:.1f} s: server (gunicorn) {cpu['server']:.1f}, PostgreSQL backends "
          f"{cpu['postgres']:.1f}, load generator {cpu['generator']:.1f}; whole machine {cpu['machine']:.1f} "
          f"({100 * cpu['machine_share']:.0f} % of {os.cpu_count()} cores, other processes included)")
    print(f"server CPU per request: {1000 * cpu['server'] / max(1, total):.1f} ms gunicorn + "
          f"{1000 * cpu['postgres'] / max(1, total):.1f} ms PostgreSQL")
    print("in-process cost (median Python CPU, most queries) of one form page: GET {:.1f} ms / {} queries, "
          "save (POST) {:.1f} ms / {} queries".format(*cost["GET"], *cost["POST"]))
    print(f"load average at the end: {os.getloadavg()[0]:.1f} {os.getloadavg()[1]:.1f} {os.getloadavg()[2]:.1f}")
    print(f"errors (HTTP 5xx/4xx/connection): {len(run.errors)}")
    for e in run.errors[:5]:
        print("  ", e)
    from collections import Counter
    print(f"clashes (two reporters saving the same form at once): {dict(Counter(run.clashes))}")
    print(f"conflicting edits detected and refused: {run.conflicts} of {len(pairs)} clashes; "
          f"saves refused by validation: {run.refused}")
    print(f"lost writes: {lost} of {checked} acknowledged cells checked against the database")


if __name__ == "__main__":
    main()
