"""Dashboard and indicator pages under load on a province-sized database.

Builds (once, kept in --dir) a province with 10 cities and 100 districts, the seed plans
of 002 (women's and children's) stored at province level so they apply to every district,
30 member departments per district, labelled synthetic 2020–2024 observations for every
plan indicator the synthetic generator covers, and stores the assessment of every plan ×
district through the monitoring service (pages read stored results, never compute).
Then serves the project with gunicorn on 127.0.0.1 only and lets --users concurrent
clients, logged in as the province office, request the dashboard of a random district
and the indicator page of a random indicator × district until --requests are done or
--seconds have passed; each user reads a page for --think seconds on average (0.5–1.5×)
before the next click (--think 0: back-to-back requests, the saturation figure).
Prints p50/p95/p99 latency and throughput per page.

    .venv/bin/python bench/web_dashboard.py [--users 50] [--think 1] [--requests 3000] [--seconds 120]
        [--dir /tmp/tianping-bench-web] [--database-url postgres://postgres@127.0.0.1:5432/bench]
        [--workers 3] [--threads 8] [--rebuild] [--pinned 3]

A database already built in --dir (or at --database-url) is reused as it is: building
takes minutes (100 districts × 2 plans assessed), a run afterwards only the load itself.
--rebuild refuses to overwrite one; remove the folder to start afresh.

Server: gunicorn gthread workers, by default one more process than cores (3 on 2 cores)
× 8 threads. The pages are CPU-bound Python, so processes, not threads, use the cores;
the threads keep a worker busy while one of its requests waits on the database or the
client, and bound how many requests one process takes at once.

The bar (DESIGN.md): p95 < 300 ms with 50 concurrent users.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SEED = "002"
PROVINCE = ("990000", "基准省")


def configure(args) -> None:
    os.environ["TIANPING_VAR"] = str(args.dir)
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{args.dir / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tianping.web.settings")
    import django

    django.setup()


def build(args) -> None:
    from django.core.management import call_command

    from tianping.core.synthetic import demo_observations
    from tianping.web import demo as setup
    from tianping.web.monitoring import services as monitoring
    from tianping.web.observations.models import Observation
    from tianping.web.orgs.models import Region, User
    from tianping.web.plans import services as plans
    from tianping.web.plans.models import Plan

    call_command("migrate", verbosity=0)
    if Region.objects.filter(code=PROVINCE[0]).exists() and not args.rebuild:
        print("reusing the database in", args.dir)
        return
    if args.rebuild and Region.objects.filter(code=PROVINCE[0]).exists():
        raise SystemExit("--rebuild: remove the folder (or database) first; nothing is deleted by this script")
    started = time.perf_counter()
    province = Region.objects.create(code=PROVINCE[0], name=PROVINCE[1], level=Region.Level.PROVINCE)
    districts = []
    for c in range(1, 11):
        city = Region.objects.create(code=f"99{c:02d}00", name=f"第{c}市", level=Region.Level.CITY, parent=province)
        for d in range(1, 11):
            districts.append(Region.objects.create(code=f"99{c:02d}{d:02d}", name=f"第{c}市第{d}区",
                                                   level=Region.Level.DISTRICT, parent=city))
    for region in [province, *districts]:
        setup.seed_departments(region)
    office = User.objects.create_user(username="bench-office", password="bench-Tianping-2030", role="office",
                                      region=province)
    seed = next((REPO.parent / "shared" / "seeds").glob(f"{SEED}_*.txt"))
    core_plans = plans.parse_upload(seed.name, seed.read_bytes())
    stored = plans.import_plans(core_plans, province, office, other_region_ok=True)  # a district seed as the province plan
    for plan in stored:
        setup.assign_demo_departments(plan)
        plans.confirm_plan(plan, office)
    print(f"regions and plans: {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    rows = 0
    for plan in Plan.objects.filter(region=province):
        core_plan = setup._core_plan_of(plan)
        by_name = {}
        for ind in plan.indicators.order_by("position"):
            by_name.setdefault(ind.name, ind)
        for i, district in enumerate(districts):
            frame = demo_observations(core_plan, region=district.name, seed=i)
            batch = [Observation(indicator=by_name[r["indicator"]], region=district, year=int(r["year"]),
                                 sex=setup._text(r.get("sex")), age=setup._text(r.get("age")),
                                 residence=setup._text(r.get("residence")), value=setup._number(r.get("value")),
                                 numerator=setup._number(r.get("numerator")),
                                 denominator=setup._number(r.get("denominator")), note="合成演示数据", synthetic=True)
                     for r in frame.to_dict("records") if r["indicator"] in by_name]
            Observation.objects.bulk_create(batch, batch_size=5000)
            rows += len(batch)
    print(f"observations: {rows} rows in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    runs = 0
    for plan in Plan.objects.filter(region=province):
        for district in districts:
            monitoring.assess_plan_region(plan, district, trigger="bench", notify=False)
            runs += 1
    print(f"assessments stored: {runs} runs in {time.perf_counter() - started:.1f} s "
          f"({(time.perf_counter() - started) / runs * 1000:.0f} ms per plan × district)")


def targets(args):
    """URLs to request, and a session cookie of the province office."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from tianping.web.monitoring.models import Result
    from tianping.web.orgs.models import Region, User

    user = User.objects.get(username="bench-office")
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    districts = list(Region.objects.filter(code__startswith="99", level=Region.Level.DISTRICT)
                     .values_list("code", flat=True))
    indicators = sorted(set(Result.objects.filter(headline=True, run__region__code=districts[0])
                            .values_list("indicator_id", flat=True)))
    pin_favourites(user, districts, args.pinned)
    from django.middleware.csrf import _get_new_csrf_string

    cookie = f"{settings.SESSION_COOKIE_NAME}={session.session_key}; {settings.CSRF_COOKIE_NAME}={_get_new_csrf_string()}"
    return cookie, districts, indicators


def pin_favourites(user, districts, n: int) -> None:
    """n favourites of the data visualizer pinned to the office's dashboard (issue 15): each two
    indicators × five districts × every year, a line chart, so every dashboard render that misses
    the page cache builds n pivots. The same favourites on every run (replaced, never added)."""
    from tianping.web.analysis.models import Favourite
    from tianping.web.analysis.services import indicator_infos

    Favourite.objects.filter(owner=user, name__startswith="基准收藏").delete()
    keys = sorted(indicator_infos(user)[0])
    rng = random.Random(15)
    for i in range(n):
        Favourite.objects.create(owner=user, name=f"基准收藏{i + 1}", pinned=True, choice={
            "indicators": rng.sample(keys, 2), "regions": rng.sample(districts, 5), "years": [],
            "breakdown": "", "columns": "year", "chart": "line"})


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(args, port: int) -> subprocess.Popen:
    env = {**os.environ, "DEBUG": "0", "ALLOWED_HOSTS": "127.0.0.1"}
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("gunicorn")), "tianping.web.wsgi:application", "--bind",
         f"127.0.0.1:{port}", "--workers", str(args.workers), "--worker-class", "gthread", "--threads",
         str(args.threads), "--log-level", "warning"], cwd=REPO, env=env, start_new_session=True)
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("gunicorn did not start")


def server_cpu_seconds(server: subprocess.Popen) -> float:
    """User + system CPU time of the gunicorn workers so far (Linux /proc): the cost of
    the requests themselves, whatever else the machine is doing."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    children = subprocess.run(["pgrep", "-P", str(server.pid)], capture_output=True, text=True).stdout.split()
    for pid in [str(server.pid), *children]:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick
    return total


def load(args, port, cookie, districts, indicators) -> dict[str, list[float]]:
    rng = random.Random(2030)
    plan = [(("dashboard", f"/monitoring/?region={rng.choice(districts)}") if rng.random() < 0.5 else
             ("indicator", f"/monitoring/indicator/{rng.choice(indicators)}/?region={rng.choice(districts)}"))
            for _ in range(args.requests)]
    lock = threading.Lock()
    times: dict[str, list[float]] = {"dashboard": [], "indicator": []}
    errors: list[str] = []
    stop_at = time.perf_counter() + args.seconds
    position = iter(range(len(plan)))

    def worker(seed):
        pause = random.Random(seed)
        time.sleep(pause.uniform(0, args.think))          # users do not all start at the same instant
        while time.perf_counter() < stop_at:
            with lock:
                i = next(position, None)
            if i is None:
                return
            page, path = plan[i]
            request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Cookie": cookie})
            start = time.perf_counter()
            try:
                with urllib.request.urlopen(request, timeout=30) as response:
                    body = response.read()
                    ok = response.status == 200 and b"<h1>" in body
            except Exception as exc:  # noqa: BLE001 - counted and printed
                ok, body = False, str(exc).encode()
            elapsed = time.perf_counter() - start
            with lock:
                (times[page] if ok else errors).append(elapsed if ok else f"{path}: {body[:120]!r}")
            if args.think:
                time.sleep(pause.uniform(0.5, 1.5) * args.think)   # the user reads the page

    # warm-up: one request per page type per worker process, not timed
    for path in ("/monitoring/", f"/monitoring/indicator/{indicators[0]}/?region={districts[0]}"):
        for _ in range(args.workers * 2):
            urllib.request.urlopen(urllib.request.Request(f"http://127.0.0.1:{port}{path}?" if "?" not in path else
                                                          f"http://127.0.0.1:{port}{path}",
                                                          headers={"Cookie": cookie}), timeout=30).read()
    if args.pinned:   # the pinned charts are on the page the load asks for
        body = urllib.request.urlopen(urllib.request.Request(f"http://127.0.0.1:{port}/monitoring/?region={districts[0]}",
                                                             headers={"Cookie": cookie}), timeout=30).read()
        assert body.count(b'class="card pinned"') == args.pinned, "pinned favourites missing from the dashboard"
    threads = [threading.Thread(target=worker, args=(n,)) for n in range(args.users)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    return {"times": times, "errors": errors, "wall": wall}


def pct(values, q) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q / 100 * (len(values) - 1))))] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--think", type=float, default=1.0,
                        help="mean seconds a user reads a page before the next request (0: back to back)")
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 2) + 1)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/tianping-bench-web"))
    parser.add_argument("--database-url", default="")
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--pinned", type=int, default=3,
                        help="visualizer favourites pinned to the office's dashboard (each a chart on it)")
    args = parser.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    configure(args)
    build(args)
    cookie, districts, indicators = targets(args)
    from django.db import connections
    connections.close_all()
    port = free_port()
    server = serve(args, port)
    try:
        cpu_before = server_cpu_seconds(server)
        out = load(args, port, cookie, districts, indicators)
        cpu = server_cpu_seconds(server) - cpu_before
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    times, wall = out["times"], out["wall"]
    total = sum(len(v) for v in times.values())
    print(f"\n{args.users} concurrent users (think time {args.think:g} s), {total} requests in {wall:.1f} s "
          f"({total / wall:.0f} req/s), {len(out['errors'])} errors; gunicorn {args.workers} workers × "
          f"{args.threads} threads on {os.cpu_count()} cores; database {os.environ['DATABASE_URL'].split(':')[0]}; "
          f"{args.pinned} pinned favourites on the dashboard")
    print(f"{'page':<10} {'n':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    for page, values in [*times.items(), ("all", [v for vs in times.values() for v in vs])]:
        if values:
            print(f"{page:<10} {len(values):>6} {pct(values, 50):>8.0f} {pct(values, 95):>8.0f} "
                  f"{pct(values, 99):>8.0f} {max(values) * 1000:>8.0f}")
    if total:
        print(f"server CPU {cpu * 1000 / total:.1f} ms per request (incl. warm-up); load average now "
              f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (other work on the machine inflates latency)")
    for error in out["errors"][:5]:
        print("error:", error)
    p95 = pct([v for vs in times.values() for v in vs], 95) if total else float("inf")
    print(f"p95 {p95:.0f} ms: {'meets' if p95 < 300 else 'MISSES'} the 300 ms bar")


if __name__ == "__main__":
    main()
