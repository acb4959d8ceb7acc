"""Trial uploads: an Excel template uploaded for the dry run waits in var/uploads until it is
confirmed. The outside review added 47 MB in five sessions of one user, kept a day. Now each
pending file carries its user's id, a user's pending files together stay under
TIANPING_UPLOAD_QUOTA_BYTES (the oldest go first), and files older than
TIANPING_UPLOAD_PENDING_HOURS are removed by every upload and by the worker's periodic job
(collection.tasks)."""

from __future__ import annotations

import time
from pathlib import Path

from django.conf import settings


def folder() -> Path:
    path = settings.VAR_DIR / "uploads"
    path.mkdir(parents=True, exist_ok=True)
    return path


def pending_path(token: str, user) -> Path:
    return folder() / f"{user.pk}-{token}.xlsx"


def _pending_of(user) -> list[Path]:
    return sorted(folder().glob(f"{user.pk}-*.xlsx"), key=lambda p: p.stat().st_mtime)


def make_room(user, size: int) -> None:
    """Remove the user's oldest pending uploads until ``size`` more bytes fit in the quota."""
    files = _pending_of(user)
    used = sum(p.stat().st_size for p in files)
    while files and used + size > settings.TIANPING_UPLOAD_QUOTA_BYTES:
        oldest = files.pop(0)
        used -= oldest.stat().st_size
        oldest.unlink(missing_ok=True)


def usage(user) -> int:
    return sum(p.stat().st_size for p in _pending_of(user))


def remove_abandoned(max_age_hours: float | None = None) -> int:
    """Delete pending uploads older than the limit; the number removed."""
    hours = settings.TIANPING_UPLOAD_PENDING_HOURS if max_age_hours is None else max_age_hours
    cutoff = time.time() - hours * 3600
    removed = 0
    for path in folder().glob("*.xlsx"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
                removed += 1
        except FileNotFoundError:
            pass  # another process removed it
    return removed
