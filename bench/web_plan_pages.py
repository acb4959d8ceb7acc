"""Plan pages (overview, review, indicator framework) of every seed plan, rendered in-process.

Imports the five seed documents (six plans) into a temporary SQLite database the way
`tianping demo` does (regions, departments, demo task division, confirmation, labelled
synthetic 2020–2024 data), then requests each plan page --runs times with Django's test
Client logged in as the district office, after one warm-up request, and prints per page:
the number of indicators, SQL queries per request, p50 and p95 of the whole request in
wall-clock time, and the median CPU time of this process per request (the figure to
compare when other work shares the machine: wall-clock time then includes waiting for a core).

    .venv/bin/python bench/web_plan_pages.py [--runs 30] [--database-url postgres://...]

The bar (DESIGN.md): pages answer in under 300 ms at the 95th percentile.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

PAGES = ["plan_detail", "plan_review", "plan_framework"]


def configure(var: Path, database_url: str | None) -> None:
    os.environ["TIANPING_VAR"] = str(var)
    os.environ["DATABASE_URL"] = database_url or f"sqlite:///{var / 'bench.sqlite3'}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "tianping.web.settings"
    import django

    django.setup()
    from django.test.utils import setup_test_environment

    setup_test_environment()  # the test Client's host "testserver" is allowed


def build() -> None:
    from django.core.management import call_command

    from tianping.web import demo as setup
    from tianping.web.orgs.models import User
    from tianping.web.plans.models import Plan

    call_command("migrate", verbosity=0)
    regions = setup.seed_regions()
    for code in setup.DISTRICT_CODES:
        setup.seed_departments(regions[code])
    setup.seed_users()
    office = User.objects.get(username="office")
    for path in sorted(setup.find_seeds().glob("*.txt")):
        setup.import_seed_file(path, office)
    for plan in Plan.objects.filter(status=Plan.Status.CONFIRMED):
        setup.fill_synthetic(plan)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def measure(runs: int) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from tianping.web.orgs.models import Region, User
    from tianping.web.plans.models import Plan

    print(f"{'plan':<34} {'page':<15} {'ind.':>4} {'queries':>7} {'p50 ms':>7} {'p95 ms':>7} {'cpu ms':>7}")
    for plan in Plan.objects.select_related("region").order_by("region__code", "kind"):
        # The office of the plan's own district (the demo users belong to 西岗区).
        office, _ = User.objects.get_or_create(username=f"office-{plan.region.code}", defaults={
            "role": User.Role.OFFICE, "region": Region.objects.get(pk=plan.region_id)})
        client = Client()
        client.force_login(office, backend="django.contrib.auth.backends.ModelBackend")
        n_ind = plan.indicators.count()
        for page in PAGES:
            url = reverse(page, args=[plan.pk])
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            times, cpu, queries = [], [], 0
            for _ in range(runs):
                with CaptureQueriesContext(connection) as captured:
                    started, started_cpu = time.perf_counter(), time.process_time()
                    response = client.get(url)
                    times.append((time.perf_counter() - started) * 1000)
                    cpu.append((time.process_time() - started_cpu) * 1000)
                assert response.status_code == 200
                queries = len(captured)
            label = f"{plan.region.name} {plan.title}"[:32]
            print(f"{label:<34} {page:<15} {n_ind:>4} {queries:>7} {statistics.median(times):>7.1f} "
                  f"{percentile(times, 0.95):>7.1f} {statistics.median(cpu):>7.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--database-url", help="an empty PostgreSQL database instead of a temporary SQLite file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tianping-bench-plans-") as tmp:
        configure(Path(tmp), args.database_url)
        started = time.perf_counter()
        build()
        print(f"database built in {time.perf_counter() - started:.1f} s ({'given URL' if args.database_url else 'SQLite'}),"
              f" {args.runs} runs per page", file=sys.stderr)
        measure(args.runs)


if __name__ == "__main__":
    main()
