"""Audit of the framework and of report texts: every saved change of the fields below is kept
as a FieldChange row (model, object, field, old value, new value, who, when), whatever made it —
a page, a service, the admin, a shell. The outside review moved an indicator to another
department, changed its multiplier and rewrote a work report without a trace.

Recorded on ``pre_save`` against the stored row, in the saving transaction (a save that rolls
back leaves no record). ``AuditUserMiddleware`` names the user of the current request."""

from __future__ import annotations

import contextvars
import json

from django.db.models.signals import pre_save

_user = contextvars.ContextVar("tianping_audit_user", default=None)

# model label → audited fields (None: every concrete field except the automatic stamps)
AUDITED = {
    "plans.Plan": None, "plans.Area": None, "plans.Goal": None, "plans.Measure": None,
    "plans.Indicator": None, "plans.Target": None,
    "collection.Submission": ("work_progress", "work_problems", "work_next_year"),
    "publishing.Report": ("title", "problems", "recommendations"),
    "publishing.DepartmentSelfEvaluation": ("progress", "problems", "next_steps"),
}
SKIP = {"id", "created_at", "updated_at", "imported_at", "updated_by", "updated_by_id"}


def acting_user():
    return _user.get()


def _fields(model, names):
    concrete = {f.name: f for f in model._meta.concrete_fields}
    chosen = names if names is not None else [n for n in concrete if n not in SKIP]
    return [concrete[n] for n in chosen if n in concrete]


def _plain(value):
    try:
        json.dumps(value)
        return value
    except TypeError:
        return str(value)


def _record(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or instance.pk is None:   # loaddata (restore) and new rows are not edits
        return
    names = AUDITED.get(sender._meta.label)
    fields = _fields(sender, names if sender._meta.label in AUDITED else [])
    if update_fields is not None:
        fields = [f for f in fields if f.name in update_fields or f.attname in update_fields]
    if not fields:
        return
    old = sender._base_manager.filter(pk=instance.pk).values(*[f.attname for f in fields]).first()
    if old is None:
        return
    from tianping.web.orgs.models import FieldChange

    user = acting_user()
    changes = [FieldChange(model=sender._meta.label, object_id=instance.pk, field=f.name,
                           old=_plain(old[f.attname]), new=_plain(getattr(instance, f.attname)),
                           user=user if getattr(user, "pk", None) else None)
               for f in fields if old[f.attname] != getattr(instance, f.attname)]
    if changes:
        FieldChange.objects.bulk_create(changes)


def connect() -> None:
    from django.apps import apps

    for label in AUDITED:
        pre_save.connect(_record, sender=apps.get_model(label), dispatch_uid=f"tianping-audit-{label}")


class AuditUserMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _user.set(getattr(request, "user", None))
        try:
            return self.get_response(request)
        finally:
            _user.reset(token)
