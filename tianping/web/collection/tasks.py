"""Periodic housekeeping run by the worker (`tianping worker`, huey)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .uploads import remove_abandoned


@db_periodic_task(crontab(minute="*/10"))
def remove_abandoned_uploads() -> None:
    remove_abandoned()
