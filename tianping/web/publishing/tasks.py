"""Background tasks, run by the huey consumer (`tianping worker`).

The queue is a SQLite file in var/ (settings.HUEY) unless REDIS_URL is set; tests run
the consumer as a real subprocess, or huey's immediate mode in-process."""

from __future__ import annotations

import os

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

RETRIES = 2
RETRY_DELAY = 5  # seconds
# A job still "running" whose heartbeat (publishing.heartbeat, every 5 s) is this old belongs to a
# worker that died (killed, machine restarted): it is queued again — by every worker at start-up,
# by each worker's watchdog every WATCHDOG_SECONDS, and by the minutely periodic task below.
STALE_SECONDS = int(os.environ.get("TIANPING_JOB_STALE_SECONDS", "30"))
WATCHDOG_SECONDS = float(os.environ.get("TIANPING_JOB_WATCHDOG_SECONDS", "10"))


@db_task(retries=RETRIES, retry_delay=RETRY_DELAY, context=True)
def generate_report(job_id: int, task=None) -> None:
    from .services import run_job

    # task.retries counts the retries still to come; 0 (or immediate mode) = last attempt
    run_job(job_id, last_attempt=task is None or not task.retries)


def requeue_stale_jobs(stale_seconds: int | None = None) -> int:
    """Queue again every job whose worker died mid-report; their unfinished .part files go."""
    from datetime import timedelta

    from django.db import transaction
    from django.db.models import Q
    from django.utils import timezone

    from .models import GenerationJob, reports_dir

    cutoff = timezone.now() - timedelta(seconds=STALE_SECONDS if stale_seconds is None else stale_seconds)
    silent = Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, started_at__lt=cutoff)
    count = 0
    for job in GenerationJob.objects.filter(silent, state=GenerationJob.State.RUNNING):
        with transaction.atomic():
            if not GenerationJob.objects.filter(silent, pk=job.pk, state=GenerationJob.State.RUNNING).update(
                    state=GenerationJob.State.QUEUED, worker="", message="后台进程中断，已重新排队"):
                continue  # another worker took it, or it beat again, meanwhile
        for part in (reports_dir() / str(job.report_id)).glob(".*.part"):
            part.unlink(missing_ok=True)
        generate_report(job.pk)
        count += 1
    return count


@db_periodic_task(crontab(minute="*"))
def requeue_stale_jobs_every_minute() -> None:
    requeue_stale_jobs()


def watchdog() -> None:
    """Run in each `tianping worker` process: re-queue dead workers' jobs within seconds."""
    import logging
    import time

    from django.db import connection

    while True:
        time.sleep(WATCHDOG_SECONDS)
        try:
            if (n := requeue_stale_jobs()):
                logging.getLogger("tianping.worker").warning("%d个因后台进程中断而未完成的报告生成任务已重新排队", n)
        except Exception:  # the database restarting must not end the watchdog
            logging.getLogger("tianping.worker").exception("watchdog")
        finally:
            connection.close()
