"""Background tasks, run by the huey consumer (`tianping worker`).

The queue is a SQLite file in var/ (settings.HUEY) unless REDIS_URL is set; tests run
the consumer as a real subprocess, or huey's immediate mode in-process."""

from __future__ import annotations

import logging
import os
import time

from django.db import connection, transaction
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from .models import GenerationJob, Report, reports_dir
from .services import BUILDABLE, WorkflowError, run_job, silent_jobs

RETRIES = 2
RETRY_DELAY = 5  # seconds
# Lost jobs (services.silent_jobs: a running job whose heartbeat is older than
# TIANPING_JOB_STALE_SECONDS) are queued again by every worker at start-up, by each
# worker's watchdog every WATCHDOG_SECONDS, and by the minutely periodic task below.
WATCHDOG_SECONDS = float(os.environ.get("TIANPING_JOB_WATCHDOG_SECONDS", "10"))


def request_generation(report: Report, user) -> GenerationJob:
    """A GenerationJob for the draft, sent to the worker on commit: the job already under way,
    unless it is lost (services.silent_jobs), which is then failed and replaced."""
    with transaction.atomic():
        report = Report.objects.select_for_update().get(pk=report.pk)
        if report.state != Report.State.DRAFT:
            raise WorkflowError("只有草稿状态的报告可以生成")
        if report.kind not in BUILDABLE:
            raise WorkflowError("此类报告暂不能自动生成")
        active = report.jobs.filter(state__in=[GenerationJob.State.QUEUED, GenerationJob.State.RUNNING]).first()
        if active and not GenerationJob.objects.filter(silent_jobs(), pk=active.pk).exists():
            return active
        if active:   # a worker that died mid-job: give up on it, start afresh
            GenerationJob.objects.filter(pk=active.pk).update(
                state=GenerationJob.State.FAILED, finished_at=timezone.now(),
                message="超时未完成，已重新排队", error="no progress within the time limit")
        job = GenerationJob.objects.create(report=report, requested_by=user, message="排队等待生成")
        transaction.on_commit(lambda: generate_report(job.pk))
    return job


@db_task(retries=RETRIES, retry_delay=RETRY_DELAY, context=True)
def generate_report(job_id: int, task=None) -> None:
    # task.retries counts the retries still to come; 0 (or immediate mode) = last attempt
    run_job(job_id, last_attempt=task is None or not task.retries)


def requeue_stale_jobs(stale_seconds: int | None = None) -> int:
    """Queue again every lost job (services.silent_jobs); their unfinished .part files go."""
    silent = silent_jobs(stale_seconds)
    count = 0
    for job in GenerationJob.objects.filter(silent):
        with transaction.atomic():
            if not GenerationJob.objects.filter(silent, pk=job.pk).update(
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
    while True:
        time.sleep(WATCHDOG_SECONDS)
        try:
            if (n := requeue_stale_jobs()):
                logging.getLogger("tianping.worker").warning("%d个因后台进程中断而未完成的报告生成任务已重新排队", n)
        except Exception:  # the database restarting must not end the watchdog
            logging.getLogger("tianping.worker").exception("watchdog")
        finally:
            connection.close()
