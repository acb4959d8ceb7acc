"""Heartbeat of a running report job: while a worker runs a job, a small thread stamps
``GenerationJob.heartbeat_at`` every TIANPING_JOB_HEARTBEAT_SECONDS. A job still "running"
whose heartbeat is older than TIANPING_JOB_STALE_SECONDS belongs to a dead worker (killed,
machine lost) and is queued again by any live worker's watchdog (publishing.tasks), so it no
longer stays "running 60 %" for a quarter of an hour."""

from __future__ import annotations

import os
import socket
import threading
from contextlib import contextmanager

from django.db import connection
from django.utils import timezone

from .models import GenerationJob

INTERVAL = float(os.environ.get("TIANPING_JOB_HEARTBEAT_SECONDS", "5"))
WORKER = f"{socket.gethostname()[:60]}:{os.getpid()}"


def _beat(job_id: int, stop: threading.Event) -> None:
    try:
        while not stop.wait(INTERVAL):
            GenerationJob.objects.filter(pk=job_id, state=GenerationJob.State.RUNNING).update(
                heartbeat_at=timezone.now())
    finally:
        connection.close()  # this thread's own connection


@contextmanager
def beating(job_id: int):
    if connection.in_atomic_block:
        yield  # run inside a caller's transaction (tests, immediate mode): the claim is not visible to
        return  # another connection until it commits, and nobody else could take the job meanwhile
    stop = threading.Event()
    thread = threading.Thread(target=_beat, args=(job_id, stop), name=f"heartbeat-{job_id}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=INTERVAL + 5)
