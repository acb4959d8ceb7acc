"""Audit of the framework, of accepted and imported observations and of report texts: every
change of the fields below is kept as a FieldChange row (model, object, field, old value, new
value, who, when), whatever made it — a page, a service, the admin, a shell. The outside review
moved an indicator to another department, changed its multiplier and rewrote a work report
without a trace.

Recorded in the changing transaction (a change that rolls back leaves no record), against the
stored rows:
  - ``Model.save()``: on ``pre_save``;
  - ``QuerySet.update()`` and ``QuerySet.bulk_update()`` of an audited model (bulk paths skip
    signals): set-based — the old values read in one query, the FieldChange rows written in one
    bulk insert;
  - ``bulk_create(update_conflicts=True)`` (an upsert that overwrites stored rows) of an audited
    model only through ``upsert()``, which records what it overwrote; elsewhere it is refused.
Reported values (collection.Entry) have their own trail (EntryChange with versions) written by
collection.services.save_rows; a QuerySet.update() of their values is refused.
``AuditUserMiddleware`` names the user of the current request."""

from __future__ import annotations

import contextvars
import json

from django.apps import apps
from django.db import transaction
from django.db.models import QuerySet
from django.db.models.signals import pre_save

from tianping.web.orgs.models import FieldChange

_user = contextvars.ContextVar("tianping_audit_user", default=None)

# model label → audited fields (None: every concrete field except the automatic stamps)
AUDITED = {
    "plans.Plan": None, "plans.Area": None, "plans.Goal": None, "plans.Measure": None,
    "plans.Indicator": None, "plans.Target": None,
    "publishing.Report": ("title", "problems", "recommendations"),
    "collection.DepartmentReport": ("progress", "problems", "next_steps"),
    "observations.Observation": ("indicator", "value", "numerator", "denominator", "note", "origin", "source"),
}
# Changed only through their own audited service: QuerySet.update() of these fields is refused.
SERVICE_ONLY = {"collection.Entry": ("value", "numerator", "denominator", "note", "version")}
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

    user = acting_user()
    changes = [FieldChange(model=sender._meta.label, object_id=instance.pk, field=f.name,
                           old=_plain(old[f.attname]), new=_plain(getattr(instance, f.attname)),
                           user=user if getattr(user, "pk", None) else None)
               for f in fields if old[f.attname] != getattr(instance, f.attname)]
    if changes:
        FieldChange.objects.bulk_create(changes)


def _write(label: str, rows) -> None:
    """FieldChange rows (object_id, field name, old, new) in one bulk insert."""
    user = acting_user()
    user = user if getattr(user, "pk", None) else None
    changes = [FieldChange(model=label, object_id=pk, field=name, old=_plain(old), new=_plain(new), user=user)
               for pk, name, old, new in rows if old != new]
    if changes:
        FieldChange.objects.bulk_create(changes, batch_size=2000)


def _touched(model, names) -> list:
    """The audited fields of ``model`` among ``names`` (field names or attnames)."""
    label = model._meta.label
    if label not in AUDITED:
        return []
    names = set(names)
    return [f for f in _fields(model, AUDITED[label]) if f.name in names or f.attname in names]


def _refuse_service_only(model, names) -> None:
    guarded = SERVICE_ONLY.get(model._meta.label, ())
    if any(n in guarded for n in names):
        raise RuntimeError(f"{model._meta.label} values change only through their audited service "
                           "(collection.services.save_rows), not QuerySet.update()")


def _stored(model, pks, fields) -> dict:
    out = {}
    pks = list(pks)
    for i in range(0, len(pks), 5000):
        for row in model._base_manager.filter(pk__in=pks[i:i + 5000]).values("pk", *[f.attname for f in fields]):
            out[row["pk"]] = row
    return out


_inside = contextvars.ContextVar("tianping_audit_inside", default=False)   # bulk_update runs update()


def _audited_update(self, **kwargs):
    if _inside.get():
        return _PLAIN["update"](self, **kwargs)
    _refuse_service_only(self.model, kwargs)
    fields = _touched(self.model, kwargs)
    if not fields:
        return _PLAIN["update"](self, **kwargs)

    with transaction.atomic(using=self.db):
        before = {row["pk"]: row for row in self.values("pk", *[f.attname for f in fields])}
        count = _PLAIN["update"](self, **kwargs)
        after = _stored(self.model, before, fields)   # read back: F() expressions, and a filter the update changed
        _write(self.model._meta.label, [(pk, f.name, row[f.attname], after[pk][f.attname])
                                        for pk, row in before.items() if pk in after for f in fields])
    return count


def _audited_bulk_update(self, objs, fields, batch_size=None):
    objs = list(objs)
    _refuse_service_only(self.model, fields)
    audited = _touched(self.model, fields)
    if not audited:
        return _PLAIN["bulk_update"](self, objs, fields, batch_size=batch_size)

    with transaction.atomic(using=self.db):
        before = _stored(self.model, [o.pk for o in objs], audited)
        token = _inside.set(True)
        try:
            count = _PLAIN["bulk_update"](self, objs, fields, batch_size=batch_size)
        finally:
            _inside.reset(token)
        _write(self.model._meta.label, [(o.pk, f.name, before[o.pk][f.attname], getattr(o, f.attname))
                                        for o in objs if o.pk in before for f in audited])
    return count


_upserting = contextvars.ContextVar("tianping_audit_upsert", default=False)


def _guarded_bulk_create(self, objs, *args, **kwargs):
    if kwargs.get("update_conflicts") and self.model._meta.label in AUDITED and not _upserting.get():
        raise RuntimeError(f"an upsert of {self.model._meta.label} overwrites audited rows: use audit.upsert()")
    return _PLAIN["bulk_create"](self, objs, *args, **kwargs)


def upsert(scope, objs: list, unique_fields: list[str], update_fields: list[str]) -> None:
    """``bulk_create(objs, update_conflicts=True, ...)`` that records what it overwrote: the rows
    of ``scope`` (a queryset covering every row the objects may collide with) are read once, and
    each overwritten audited field is kept as a FieldChange row."""
    model = scope.model
    fields = _touched(model, update_fields)
    keys = [model._meta.get_field(f).attname for f in unique_fields]
    stored = {tuple(row[k] for k in keys): row
              for row in scope.values("pk", *keys, *[f.attname for f in fields if f.attname not in keys])}
    token = _upserting.set(True)
    try:
        model.objects.bulk_create(objs, update_conflicts=True, unique_fields=unique_fields,
                                  update_fields=update_fields)
    finally:
        _upserting.reset(token)
    rows = []
    for obj in objs:
        old = stored.get(tuple(getattr(obj, k) for k in keys))
        if old is not None:
            rows += [(old["pk"], f.name, old[f.attname], getattr(obj, f.attname)) for f in fields]
    _write(model._meta.label, rows)


_audited_update.alters_data = _audited_bulk_update.alters_data = _guarded_bulk_create.alters_data = True
_PLAIN: dict = {}


def connect() -> None:
    for label in AUDITED:
        pre_save.connect(_record, sender=apps.get_model(label), dispatch_uid=f"tianping-audit-{label}")
    if not _PLAIN:   # once: the bulk paths of every audited model, whatever manager or relation they come from
        _PLAIN.update(update=QuerySet.update, bulk_update=QuerySet.bulk_update, bulk_create=QuerySet.bulk_create)
        QuerySet.update = _audited_update
        QuerySet.bulk_update = _audited_bulk_update
        QuerySet.bulk_create = _guarded_bulk_create


class AuditUserMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _user.set(getattr(request, "user", None))
        try:
            return self.get_response(request)
        finally:
            _user.reset(token)
