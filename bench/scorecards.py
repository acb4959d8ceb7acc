"""Scorecard pages and exports of the demo district (西岗区), rendered in-process.

Builds the demo in a temporary SQLite database exactly as `tianping demo --no-serve` does
(seed plans, synthetic 2020–2024 data, the 2025 round, the synthetic accountability history),
then requests each page --runs times with Django's test Client logged in as the district
office, after one warm-up request, and prints per page: SQL queries per request, p50 and p95
wall-clock time and the median CPU time of this process per request (the figure to compare
when other work shares the machine).

    .venv/bin/python bench/scorecards.py [--runs 20]

The bar (DESIGN.md): pages answer in under 300 ms at the 95th percentile.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    var = Path(tempfile.mkdtemp(prefix="tp-bench-scorecards-"))
    env = {**os.environ, "TIANPING_VAR": str(var), "PYTHONPATH": str(REPO)}
    subprocess.run([sys.executable, "-m", "tianping.cli", "demo", "--no-serve"], env=env, check=True,
                   stdout=subprocess.DEVNULL)
    os.environ.update(TIANPING_VAR=str(var), DJANGO_SETTINGS_MODULE="tianping.web.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from tianping.web.orgs.models import User

    settings.ALLOWED_HOSTS = ["*"]
    reporter = User.objects.get(username="reporter")
    pages = {
        "ranking 2024": "/accountability/scorecards/?year=2024",
        "ranking 2025": "/accountability/scorecards/?year=2025",
        "card 卫健局 2025": f"/accountability/scorecards/2025/departments/{reporter.department_id}/",
        "export xlsx 2025": "/accountability/scorecards/2025/export.xlsx",
        "export docx 2025": "/accountability/scorecards/2025/export.docx",
        "home (open corrections)": "/",
    }
    client = Client()
    client.force_login(User.objects.get(username="office"), backend="django.contrib.auth.backends.ModelBackend")
    print(f"load average before: {os.getloadavg()[0]:.1f}")
    print(f"{'page':<26}{'queries':>8}{'p50 ms':>9}{'p95 ms':>9}{'cpu ms':>9}")
    for name, url in pages.items():
        assert client.get(url).status_code == 200, url
        walls, cpus = [], []
        for _ in range(args.runs):
            with CaptureQueriesContext(connection) as queries:
                w, c = time.perf_counter(), time.process_time()
                client.get(url)
                walls.append(time.perf_counter() - w)
                cpus.append(time.process_time() - c)
        walls.sort()
        p95 = walls[min(len(walls) - 1, round(0.95 * (len(walls) - 1)))]
        print(f"{name:<26}{len(queries.captured_queries):>8}{statistics.median(walls) * 1000:>9.0f}"
              f"{p95 * 1000:>9.0f}{statistics.median(cpus) * 1000:>9.0f}")
    print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
