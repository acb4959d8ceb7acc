"""Does a freshly built demo obey the indicator catalogue? (issue 12's "Done when", on the real demo)

Builds the demo exactly as ``./run.sh`` does (``tianping demo --no-serve``) into a fresh SQLite
database in --dir (unless --reuse and one is there), then reads it as a statistician would:

1. demo values outside the catalogue's plausible range (in the catalogue's unit);
2. 女/男 series for an indicator the catalogue says does not count both sexes;
3. linked indicators of a confirmed seed plan with no responsible department;
4. the gender page of every confirmed district plan: rows for an indicator that does not count
   both sexes;
5. the drafted 2024 annual report of every confirmed district plan: a male figure in a sentence
   about a women-only indicator, and a rate or share printed in another unit than the catalogue's
   (or with none).

Prints each count and every offending row; exits 1 if any count is not 0.

    .venv/bin/python bench/demo_catalogue.py [--dir /tmp/tianping-demo-check] [--reuse]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
RATE_UNITS = {"%": "%", "‰": "‰", "1/10万": "/10万", "1/10万活产": "/10万活产", "1/万": "/万"}
FIGURE = re.compile(r"为(\d+(?:\.\d+)?)(?![\d.]*年)(%|‰|/10万活产|/10万|/万|岁|人|名|个|张|所|家)?")


def build(folder: Path, seeds: Path) -> float:
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    env = {**os.environ, "TIANPING_VAR": str(folder), "TIANPING_SEEDS": str(seeds),
           "TIANPING_HUEY_IMMEDIATE": "1", "PYTHONPATH": str(REPO)}
    env.pop("DATABASE_URL", None)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "tianping.cli", "demo", "--no-serve", "--seeds", str(seeds)],
                   env=env, check=True, cwd=REPO, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def sentences(texts):
    for text in texts:
        yield from (s for s in re.split(r"[。；\n]", text) if s)


def check() -> dict[str, list]:
    from django.test import Client

    from tianping.web.observations.models import Observation
    from tianping.web.orgs.models import User
    from tianping.web.plans.models import Indicator, Plan
    from tianping.web.publishing import services

    problems: dict[str, list] = {k: [] for k in ("outside range", "male series", "no department",
                                                  "gender page", "report male figure", "report unit")}
    rows = Observation.objects.filter(synthetic=True, indicator__catalogue__isnull=False) \
        .select_related("indicator__catalogue", "region")
    checked = 0
    for obs in rows.iterator():
        entry = obs.indicator.catalogue
        if obs.sex and not entry.sex_disaggregated:
            problems["male series"].append((obs.region.name, obs.indicator.name, obs.year, obs.sex))
        if obs.value is None:
            continue
        if obs.indicator.unit != entry.unit:    # 万人 for 人: compare in the catalogue's unit
            continue
        checked += 1
        if not entry.as_core().in_range(obs.value):
            problems["outside range"].append((obs.region.name, obs.indicator.name, obs.year, obs.sex or "合计",
                                              obs.value, entry.unit, entry.as_core().range_label))
    print(f"synthetic observations of linked indicators: {rows.count()} ({checked} compared with the range)")
    confirmed = Indicator.objects.filter(plan__status=Plan.Status.CONFIRMED, catalogue__isnull=False)
    problems["no department"] = [(i.plan.region.name, i.plan.title, i.name) for i in
                                 confirmed.filter(responsible_department=None).select_related("plan__region")]
    print(f"linked indicators of confirmed plans: {confirmed.count()}")

    office = User.objects.get(username="office")
    client = Client(HTTP_HOST="127.0.0.1")
    plans = Plan.objects.confirmed().exclude(region__level="city").select_related("region")
    sentences_read = figures_read = 0
    for plan in plans:
        linked = plan.indicators.exclude(catalogue=None).select_related("catalogue")
        single_sex = {i.name for i in linked if not i.catalogue.sex_disaggregated}
        units = {i.name: i.catalogue.unit for i in linked}
        # the gender page, as an office of the plan's region sees it
        viewer = User.objects.filter(region=plan.region, role=User.Role.OFFICE).first() or office
        client.force_login(viewer, backend="django.contrib.auth.backends.ModelBackend")
        html = client.get(f"/monitoring/gender/?region={plan.region.code}&plan={plan.pk}").content.decode()
        table = html.split('id="gaps"', 1)[1].split("</table>", 1)[0] if 'id="gaps"' in html else ""
        listed = set(re.findall(r'<th scope="row"><a [^>]*>([^<]+)</a>', table))
        problems["gender page"] += [(plan.region.name, plan.title, n) for n in sorted(listed & single_sex)]
        # the annual report, drafted from the stored data
        report = services.create_report(plan, plan.region, "annual", 2024, viewer)
        document, _ = services.draft(services.gather(report))
        for sentence in sentences(document.texts()):
            sentences_read += 1
            for name in (n for n in single_sex if n in sentence):
                if re.search(r"男(性|童|生)?(为|：)?\d", sentence.split(name, 1)[1]):
                    problems["report male figure"].append((plan.region.name, plan.title, sentence))
            for name, unit in units.items():
                if name not in sentence or unit not in RATE_UNITS:
                    continue
                figure = FIGURE.search(sentence.split(name, 1)[1])
                if figure is None:
                    continue
                figures_read += 1
                if figure.group(2) != RATE_UNITS[unit]:
                    problems["report unit"].append((plan.region.name, name, unit, sentence))
    print(f"confirmed district plans: {plans.count()}; report sentences read: {sentences_read}, "
          f"rates and shares checked: {figures_read}")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, default=Path("/tmp/tianping-demo-check"))
    parser.add_argument("--seeds", type=Path, default=REPO.parent / "shared" / "seeds")
    parser.add_argument("--reuse", action="store_true", help="check the demo already built in --dir")
    args = parser.parse_args()
    if not (args.reuse and (args.dir / "tianping.sqlite3").exists()):
        print(f"building the demo in {args.dir} … ({build(args.dir, args.seeds):.0f} s)")
    os.environ["TIANPING_VAR"] = str(args.dir)
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tianping.web.settings")
    import django

    django.setup()
    problems = check()
    failed = 0
    for name, rows in problems.items():
        print(f"{name}: {len(rows)}")
        for row in rows[:40]:
            print("   ", *row)
        failed += bool(rows)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
