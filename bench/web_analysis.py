"""The data visualizer (issue 15) on the province database of bench/web_dashboard.py.

Reuses the database web_dashboard.py built in --dir (run that first) and renders, in process
and logged in as the province office, the visualizer with nothing chosen, a pivot of 3
indicators × 20 districts × every year (years across; then by sex with districts across),
its Excel export, and the dashboard of one district with and without the office's pinned
favourites (never from the page cache: the client has no CSRF cookie). Prints the median
server CPU time of --runs renders of each (load-independent), the query count and the size.

    .venv/bin/python bench/web_analysis.py [--dir /tmp/tianping-bench-web] [--runs 7]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/tianping-bench-web"))
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    os.environ["TIANPING_VAR"] = str(args.dir)
    os.environ["DATABASE_URL"] = f"sqlite:///{args.dir / 'bench.sqlite3'}"
    os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tianping.web.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from tianping.web.analysis.models import Favourite
    from tianping.web.analysis.services import indicator_infos
    from tianping.web.orgs.models import Region, User

    user = User.objects.get(username="bench-office")
    client = Client(SERVER_NAME="127.0.0.1")
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    keys = sorted(indicator_infos(user)[0])[:3]
    districts = list(Region.objects.filter(code__startswith="99", level=Region.Level.DISTRICT)
                     .order_by("code").values_list("code", flat=True))
    query = "&".join([f"indicator={k}" for k in keys] + [f"region={d}" for d in districts[:20]])
    pinned = Favourite.objects.filter(owner=user, pinned=True).count()

    def measure(label: str, url: str) -> None:
        cpu, queries = [], 0
        for _ in range(args.runs):
            client.cookies.pop(settings.CSRF_COOKIE_NAME, None)   # no CSRF cookie: never the page cache
            started = time.process_time()
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(url)
            cpu.append((time.process_time() - started) * 1000)
            queries = len(ctx)
            assert response.status_code == 200, (url, response.status_code)
        print(f"{label:<46} {statistics.median(cpu):>7.1f} ms CPU {queries:>4} queries {len(response.content) // 1024:>5} KB")

    measure("visualizer, nothing chosen", "/analysis/")
    measure("pivot 3 indicators × 20 districts, years across", f"/analysis/?{query}")
    measure("same by sex, districts across", f"/analysis/?{query}&breakdown=sex&columns=region")
    measure("Excel export of the pivot", f"/analysis/pivot.xlsx?{query}")
    dashboard = f"/monitoring/?region={districts[0]}"
    measure(f"dashboard, {pinned} pinned favourites", dashboard)
    Favourite.objects.filter(owner=user, pinned=True).update(pinned=False)
    try:
        measure("dashboard, none pinned", dashboard)
    finally:
        Favourite.objects.filter(owner=user, name__startswith="基准收藏").update(pinned=True)


if __name__ == "__main__":
    main()
