"""`tianping manage notify_deadlines [--days 7]`: tell departments that have not submitted that
the round's deadline is near (once per deadline; run it daily from cron or a timer)."""

from django.core.management.base import BaseCommand

from tianping.web.monitoring.notices import remind_deadlines


class Command(BaseCommand):
    help = "Notify departments that have not submitted when a round's deadline is near"

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=7)

    def handle(self, *args, days, **options):
        n = remind_deadlines(days=days)
        self.stdout.write(f"已提醒{n}人")
