"""Background tasks, run by the huey consumer (`tianping worker`).

The queue is a SQLite file in var/ (settings.HUEY) unless REDIS_URL is set; tests run
the consumer as a real subprocess, or huey's immediate mode in-process."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

RETRIES = 2
RETRY_DELAY = 5  # seconds


@db_task(retries=RETRIES, retry_delay=RETRY_DELAY, context=True)
def generate_report(job_id: int, task=None) -> None:
    from .services import run_job

    # task.retries counts the retries still to come; 0 (or immediate mode) = last attempt
    run_job(job_id, last_attempt=task is None or not task.retries)
