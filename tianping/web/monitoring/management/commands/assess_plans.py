"""manage.py assess_plans [--region CODE ...] [--year Y]: re-run and store assessments."""

from django.core.management.base import BaseCommand

from tianping.web.monitoring import services
from tianping.web.orgs.models import Region


class Command(BaseCommand):
    help = "Assess every confirmed plan for the given regions (default: every region with observations) and store the results and warnings."

    def add_arguments(self, parser):
        parser.add_argument("--region", action="append", default=[], help="region code (repeatable)")
        parser.add_argument("--year", type=int, default=None, help="assessment year (default: latest observed)")

    def handle(self, *args, region, year, **options):
        regions = Region.objects.filter(code__in=region) if region else \
            Region.objects.filter(observations__isnull=False).distinct()
        total = 0
        for r in regions:
            for run in services.assess_region(r, year=year, trigger="command"):
                total += 1
                s = run.summary
                self.stdout.write(f"{r.code} {r.name} 《{run.plan.title}》 {run.year}年: "
                                  f"{run.results.count()} 项结果, 预警 {s.get('warnings', {})}")
        self.stdout.write(f"共 {total} 次评估")
