"""Background tasks, run by the huey consumer (`tianping worker`).

The queue is a SQLite file in var/ (settings.HUEY) unless REDIS_URL is set; tests run
the consumer as a real subprocess, or huey's immediate mode in-process."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from .models import GenerationJob, Report, reports_dir
from .services import BUILDABLE, JOB_LOST_AFTER, WorkflowError, run_job

RETRIES = 2
RETRY_DELAY = 5  # seconds


def request_generation(report: Report, user) -> GenerationJob:
    """A GenerationJob for the draft, sent to the worker on commit; the job already under way
    unless it is lost (older than services.JOB_LOST_AFTER), which is then replaced."""
    with transaction.atomic():
        report = Report.objects.select_for_update().get(pk=report.pk)
        if report.state != Report.State.DRAFT:
            raise WorkflowError("只有草稿状态的报告可以生成")
        if report.kind not in BUILDABLE:
            raise WorkflowError("此类报告暂不能自动生成")
        active = report.jobs.filter(state__in=[GenerationJob.State.QUEUED, GenerationJob.State.RUNNING]).first()
        if active and timezone.now() - (active.started_at or active.created_at) < JOB_LOST_AFTER:
            return active
        if active:   # a worker that died mid-job (or never ran): give up on it, start afresh
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


def requeue_stale_jobs() -> int:
    """Queue again every job whose worker died mid-report (running longer than
    services.JOB_LOST_AFTER) — by every worker at start-up and by the minutely check below;
    their unfinished .part files go."""
    cutoff = timezone.now() - JOB_LOST_AFTER
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
