"""Background tasks, run by the huey consumer (`tianping worker`).

The queue is a SQLite file in var/ (settings.HUEY) unless REDIS_URL is set; tests run
the consumer as a real subprocess, or huey's immediate mode in-process."""

from __future__ import annotations

import os

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

RETRIES = 2
RETRY_DELAY = 5  # seconds
# A job still "running" this long after it started belongs to a worker that died (killed, machine
# restarted): it is queued again — by every worker at start-up and by the minutely check below.
STALE_SECONDS = int(os.environ.get("TIANPING_JOB_STALE_SECONDS", "900"))


@db_task(retries=RETRIES, retry_delay=RETRY_DELAY, context=True)
def generate_report(job_id: int, task=None) -> None:
    from .services import run_job

    # task.retries counts the retries still to come; 0 (or immediate mode) = last attempt
    run_job(job_id, last_attempt=task is None or not task.retries)


def requeue_stale_jobs(stale_seconds: int | None = None) -> int:
    """Queue again every job whose worker died mid-report; their unfinished .part files go."""
    from datetime import timedelta

    from django.db import transaction
    from django.utils import timezone

    from .models import GenerationJob, reports_dir

    cutoff = timezone.now() - timedelta(seconds=STALE_SECONDS if stale_seconds is None else stale_seconds)
    count = 0
    for job in GenerationJob.objects.filter(state=GenerationJob.State.RUNNING, started_at__lt=cutoff):
        with transaction.atomic():
            if not GenerationJob.objects.filter(pk=job.pk, state=GenerationJob.State.RUNNING).update(
                    state=GenerationJob.State.QUEUED, message="后台进程中断，已重新排队"):
                continue  # another worker took it meanwhile
        for part in (reports_dir() / str(job.report_id)).glob(".*.part"):
            part.unlink(missing_ok=True)
        generate_report(job.pk)
        count += 1
    return count


@db_periodic_task(crontab(minute="*"))
def requeue_stale_jobs_every_minute() -> None:
    requeue_stale_jobs()
