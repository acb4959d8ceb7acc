"""Rendered monitoring pages, cached per user and per region data version.

The pages only read stored assessment results, so their HTML changes only when a
region's results, warnings or judgements do (``touch(region)``, called by services) —
or, for the reporting-completeness figure, when a submission moves; entries therefore
also expire after ``TTL`` seconds. The key holds the user, the language, the user's CSRF
secret (forms on the page carry a token), the region's data version and the full path.
Pages with pending messages are never cached or served from cache.
"""

from __future__ import annotations

import hashlib
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.db.models import F
from django.http import HttpResponse

from .models import DataStamp

TTL = 60


def touch(region) -> None:
    updated = DataStamp.objects.filter(region_code=region.code).update(version=F("version") + 1)
    if not updated:
        DataStamp.objects.get_or_create(region_code=region.code)


def _version(code: str) -> int:
    return DataStamp.objects.filter(region_code=code).values_list("version", flat=True).first() or 0


def cached_page(view=None, *, vary=None):
    """``@cached_page`` or ``@cached_page(vary=f)``: ``f(request)`` is a text that also keys the
    entry (the dashboard: the user's pinned favourites, which no region stamp covers)."""
    if view is None:
        return lambda v: cached_page(v, vary=vary)

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        user = request.user
        code = request.GET.get("region") or (user.region.code if user.region_id else "")
        csrf = request.COOKIES.get(settings.CSRF_COOKIE_NAME, "")
        # no CSRF cookie yet: render, so the response sets one matching the page's forms
        if request.method != "GET" or not code or not csrf or len(messages.get_messages(request)):
            return view(request, *args, **kwargs)
        raw = f"{view.__name__}|{user.pk}|{request.LANGUAGE_CODE}|{csrf}|{code}|{_version(code)}|{request.get_full_path()}"
        if vary is not None:
            raw += "|" + vary(request)
        key = "monitoring:" + hashlib.sha256(raw.encode()).hexdigest()
        hit = cache.get(key)
        if hit is not None:
            response = HttpResponse(hit, content_type="text/html; charset=utf-8")
            response["X-Monitoring-Cache"] = "hit"
            return response
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and not response.streaming and not response.cookies:
            cache.set(key, response.content, TTL)
        return response

    return wrapped
