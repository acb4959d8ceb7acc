"""Bulk observation import through the REST API into PostgreSQL, beside PostgreSQL's
own COPY of the same rows (issue 5).

Set-up (generated, synthetic, in its own database ``tianping_bench`` unless
--database-url says otherwise): one district, one confirmed plan with
--indicators indicators reported by sex and urban/rural (5 cells each), all
assigned to one department, and as many yearly rounds as needed for --rows
values (default 2,000 × 5 × 100 rounds = 1,000,000).

The API import posts each submission's values to
``POST /api/submissions/{id}/observations/`` in requests of --batch rows, with a
token, through the whole Django stack in-process (middleware, DRF parsing and
serializer validation, permission checks, the validation in tianping.core,
version checks, the entry rows, one audit row per value, all in one transaction
per request). No HTTP socket: network time is not measured.

COPY: the same rows (the entry columns) streamed with ``COPY ... FROM STDIN`` into
a table created ``LIKE collection_entry INCLUDING ALL`` (same indexes and unique
constraint, no foreign keys, no audit rows).

Measured 2026-11-25 (per-row writes; load average ~10): API 479.8 s, COPY 19.7 s: 24×.
Measured 2026-12-06 after the staging-table merge (issue 16; load average 4–9, 2 cores shared):
    API bulk import (100 requests, + audit rows)   1,000,000 rows  115.0 s   8,693 rows/s
    API repeat of 10 % (all unchanged)               100,000 rows    9.9 s  10,147 rows/s
    API dry run of 10 %                              100,000 rows    8.1 s  12,330 rows/s
    PostgreSQL COPY (entry columns only)           1,000,000 rows    7.4 s 134,988 rows/s
    API / COPY: 15.5×  (Python CPU of the import 62 s; under heavier load 241 s vs 6.0 s, 40×)

    .venv/bin/python bench/bulk_import.py [--rows 1000000] [--indicators 2000] [--batch 10000]
        [--database-url postgres://postgres@127.0.0.1:5432/tianping_bench] [--keep]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import sys
import time
from datetime import date, timedelta


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--rows", type=int, default=1_000_000)
    p.add_argument("--indicators", type=int, default=2000)
    p.add_argument("--batch", type=int, default=10_000)
    p.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/tianping_bench")
    p.add_argument("--keep", action="store_true", help="keep the bench database afterwards")
    return p.parse_args()


def recreate_database(url: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(url: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


CELLS = [("", ""), ("女", ""), ("男", ""), ("", "城镇"), ("", "农村")]


def main() -> int:
    args = parse_args()
    if not args.database_url.startswith("postgres"):
        print("this bench compares with PostgreSQL's COPY: give a postgres:// --database-url", file=sys.stderr)
        return 2
    recreate_database(args.database_url)
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tianping.web.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from tianping.web import demo
    from tianping.web.collection.models import (
        Entry,
        EntryChange,
        ReportingRound,
        Submission,
    )
    from tianping.web.orgs.models import Department, User
    from tianping.web.orgs.tokens import issue
    from tianping.web.plans.models import Indicator, Plan

    call_command("migrate", verbosity=0)
    region = demo.seed_regions()["210203"]
    demo.seed_departments(region)
    dept = Department.objects.get(region=region, name="卫健局")
    plan = Plan.objects.create(region=region, kind=Plan.Kind.WOMEN, title="基准测试规划（合成数据）",
                               status=Plan.Status.CONFIRMED)
    Indicator.objects.bulk_create([
        Indicator(plan=plan, position=i, name=f"合成指标{i:05d}", unit="%", responsible_department=dept,
                  by_sex=True, by_residence=True) for i in range(args.indicators)])
    indicator_ids = list(plan.indicators.order_by("pk").values_list("pk", flat=True))
    per_round = len(indicator_ids) * len(CELLS)
    n_rounds = -(-args.rows // per_round)
    user = User.objects.create_user("bench", password=None, role="reporter", region=region, department=dept)
    token = issue(user)[1]
    rounds = ReportingRound.objects.bulk_create([
        ReportingRound(region=region, year=2024 - k, deadline=date.today() + timedelta(days=30),
                       opens_on=date.today() - timedelta(days=1)) for k in range(n_rounds)])
    Submission.objects.bulk_create([Submission(round=r, department=dept) for r in rounds])
    submissions = list(Submission.objects.filter(round__region=region).order_by("-round__year"))

    rng = random.Random(2030)

    def values_for(sub_index: int):
        """Rows of one submission: shares where 合计 lies between 女/男 and between 城镇/农村."""
        rows, left = [], args.rows - sub_index * per_round
        for ind in indicator_ids:
            base = rng.uniform(40, 90)
            f, m = base + rng.uniform(0, 3), base - rng.uniform(0, 3)
            u, r = base + rng.uniform(0, 3), base - rng.uniform(0, 3)
            for (sex, res), value in zip(CELLS, (base, f, m, u, r)):
                rows.append({"indicator": ind, "sex": sex, "residence": res, "value": round(value, 2), "unit": "%",
                             "version": 0})
        return rows[:left]

    payloads = [values_for(i) for i in range(len(submissions))]
    total = sum(len(p) for p in payloads)
    client = Client(HTTP_AUTHORIZATION=f"Token {token}")
    print(f"PostgreSQL bulk import: {total:,} values, {len(submissions)} submissions × {per_round:,} cells, "
          f"requests of {args.batch:,} rows", flush=True)

    took = []

    def post_all(sub_payloads, dry_run=False):
        requests, summary = 0, {"new": 0, "changed": 0, "unchanged": 0}
        start = time.perf_counter()
        took.clear()
        for sub, rows in sub_payloads:
            for i in range(0, len(rows), args.batch):
                body = json.dumps({"dry_run": dry_run, "observations": rows[i:i + args.batch]})
                began = time.perf_counter()
                r = client.post(f"/api/submissions/{sub.pk}/observations/", body, content_type="application/json")
                took.append(time.perf_counter() - began)
                if r.status_code != 200:
                    raise SystemExit(f"import failed ({r.status_code}): {r.content[:2000]!r}")
                result = r.json()
                for key in summary:
                    summary[key] += result[key]
                requests += 1
        return time.perf_counter() - start, requests, summary

    cpu_started = time.process_time()
    api_s, n_requests, summary = post_all(list(zip(submissions, payloads)))
    api_cpu = time.process_time() - cpu_started
    tenth = max(1, len(took) // 10)
    first, last = sorted(took[:tenth]), sorted(took[-tenth:])
    print(f"API requests: median {first[len(first) // 2]:.2f} s in the first tenth, {last[len(last) // 2]:.2f} s in the "
          f"last (tables growing); Python CPU of the import {api_cpu:.0f} s of {api_s:.0f} s "
          f"(the rest is PostgreSQL's work and waiting for the CPU); load average {os.getloadavg()[0]:.1f}", flush=True)
    assert Entry.objects.count() == total and EntryChange.objects.count() == total, "not every value stored"
    sample = list(zip(submissions, payloads))[: max(1, len(submissions) // 10)]
    sample_rows = sum(len(p) for _, p in sample)
    repeat_s, _, repeat = post_all(sample)
    assert repeat["new"] == repeat["changed"] == 0, repeat
    dry_s, _, _ = post_all(sample, dry_run=True)

    # COPY of the same rows into an identical table (indexes and unique constraint included).
    buf = io.StringIO()
    now = "2026-01-01 00:00:00+00"
    for sub, rows in zip(submissions, payloads):
        for row in rows:
            buf.write(f"{sub.pk}\t{row['indicator']}\t{row['sex']}\t\t{row['residence']}\t{row['value']}\t\\N\t\\N\t\t1\t{user.pk}\t{now}\n")
    data = buf.getvalue().encode()
    with connection.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS bench_copy")
        cur.execute("CREATE TABLE bench_copy (LIKE collection_entry INCLUDING ALL)")
    connection.commit() if not connection.get_autocommit() else None
    raw = connection.connection
    start = time.perf_counter()
    with raw.cursor() as cur:
        with cur.copy("COPY bench_copy (submission_id, indicator_id, sex, age, residence, value, numerator, "
                      "denominator, note, version, updated_by_id, updated_at) FROM STDIN") as copy:
            copy.write(data)
    raw.commit()
    copy_s = time.perf_counter() - start
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM bench_copy")
        copied = cur.fetchone()[0]
    assert copied == total

    print(f"{'method':<44}{'rows':>12}{'seconds':>10}{'rows/s':>12}")
    for label, rows, secs in [
        (f"API bulk import ({n_requests} requests, + audit rows)", total, api_s),
        ("API repeat of 10 % (all unchanged)", sample_rows, repeat_s),
        ("API dry run of 10 %", sample_rows, dry_s),
        ("PostgreSQL COPY (entry columns only)", total, copy_s),
    ]:
        print(f"{label:<44}{rows:>12,}{secs:>10.1f}{rows / secs:>12,.0f}")
    print(f"API / COPY time: {api_s / copy_s:.1f}×   summary of the first import: {summary}")
    connection.close()
    if not args.keep:
        drop_database(args.database_url)
    return 0


if __name__ == "__main__":
    sys.exit(main())
