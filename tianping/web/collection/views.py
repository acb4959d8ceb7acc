"""Collection pages: 我的填报任务, the per-indicator form, Excel template download and
upload with a dry run, the work report, review (return / accept / unlock), rounds,
completeness and timeliness, the history of a cell. Thin: the work is in services."""

from __future__ import annotations

import secrets
from datetime import date
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tianping.core.errors import TianpingError
from tianping.core.validation import Cell, parse_cell
from tianping.core.workbook import (
    TemplateMeta,
    TemplateRow,
    read_template,
    write_template,
)
from tianping.web.orgs.permissions import Role, regions_visible_to, role_required

from . import services, uploads
from .models import Entry, EntryChange
from .permissions import (
    OVERSEERS,
    READERS,
    REVIEWERS,
    ROUND_MANAGERS,
    UNLOCKERS,
    can_edit,
    can_review,
    can_unlock,
    editable_submission,
    rounds_visible_to,
    submissions_visible_to,
    visible_submission,
)

PREVIOUS_YEARS = 3


def _round(request, pk):
    return get_object_or_404(rounds_visible_to(request.user), pk=pk)


@role_required(*READERS)
def tasks(request):
    """我的填报任务 for a reporter; the rounds of the region for the office and the bureau."""
    user = request.user
    subs = submissions_visible_to(user).order_by("-round__year", "department__name")
    rounds = rounds_visible_to(user).order_by("-year")
    if user.role == Role.REPORTER and not user.is_superuser:
        rows = []
        for sub in subs:
            indicators = services.indicators_for(sub.department, sub.round.region)
            required = sum(len(cells) for cells in services.grids(indicators).values())
            filled = sub.entries.exclude(value__isnull=True, note="").count()
            reminder = sub.comments.filter(kind="remind").order_by("-at").first()
            rows.append({"submission": sub, "indicators": len(indicators), "required": required,
                         "filled": min(filled, required),
                         "reminder": reminder if reminder and sub.state in sub.EDITABLE else None})
        return render(request, "collection/tasks.html", {"rows": rows})
    return render(request, "collection/rounds.html", {
        "rounds": rounds, "can_open": request.user.is_superuser or user.role in ROUND_MANAGERS,
        "regions": regions_visible_to(user), "this_year": date.today().year - 1})


@role_required(*ROUND_MANAGERS)
@require_POST
def round_open(request):
    region = get_object_or_404(regions_visible_to(request.user), pk=request.POST.get("region"))
    try:
        year = int(request.POST.get("year", ""))
        deadline = date.fromisoformat(request.POST.get("deadline", ""))
        opens_on = date.fromisoformat(request.POST["opens_on"]) if request.POST.get("opens_on") else None
        round_ = services.open_round(region, year, deadline, request.user, opens_on)
    except (ValueError, TianpingError) as err:
        messages.error(request, str(err) if isinstance(err, TianpingError) else _("Enter a year and dates."))
        return redirect("collection:tasks")
    messages.success(request, _("Round opened with %(n)d department submissions.") % {"n": round_.submissions.count()})
    return redirect("collection:round", round_.pk)


@role_required(*OVERSEERS)
def round_detail(request, pk):
    round_ = _round(request, pk)
    manager = request.user.is_superuser or request.user.role in ROUND_MANAGERS
    return render(request, "collection/round.html", {
        "round": round_, "rows": services.completeness(round_),
        "can_close": manager and round_.state == "open", "can_reopen": manager and round_.state == "closed",
        "not_reported": services.not_reported(round_) if round_.state == "open" else [],
        "events": round_.events.select_related("user")})


@role_required(*ROUND_MANAGERS)
@require_POST
def round_close(request, pk):
    """Close only after the office confirmed the list of departments that have not reported."""
    round_ = _round(request, pk)
    missing = [s.department.name for s in services.not_reported(round_)]
    if missing and request.POST.get("confirm") != "yes":
        messages.error(request, _("Not closed: confirm first that these departments have not reported: %(names)s")
                       % {"names": "、".join(missing)})
        return redirect("collection:round", round_.pk)
    try:
        n = services.close_round(round_, request.user)
    except TianpingError as err:
        messages.error(request, str(err))
    else:
        messages.success(request, _("Round closed; %(n)d accepted submissions locked.") % {"n": n})
    return redirect("collection:round", round_.pk)


@role_required(*ROUND_MANAGERS)
@require_POST
def round_reopen(request, pk):
    round_ = _round(request, pk)
    try:
        n = services.reopen_round(round_, request.user, request.POST.get("reason", ""))
    except TianpingError as err:
        messages.error(request, str(err))
    else:
        messages.success(request, _("Round reopened; %(n)d locked submissions are editable by unlocking again.")
                         % {"n": n})
    return redirect("collection:round", round_.pk)


@role_required(*ROUND_MANAGERS)
@require_POST
def round_deadline(request, pk):
    round_ = _round(request, pk)
    try:
        deadline = date.fromisoformat(request.POST.get("deadline", ""))
        services.change_deadline(round_, request.user, deadline, request.POST.get("reason", ""))
    except ValueError:
        messages.error(request, _("Enter a year and dates."))
    except TianpingError as err:
        messages.error(request, str(err))
    else:
        messages.success(request, _("Deadline changed to %(date)s.") % {"date": deadline.isoformat()})
    return redirect("collection:round", round_.pk)


@role_required(*OVERSEERS)
@require_POST
def round_remind(request, pk):
    round_ = _round(request, pk)
    try:
        n = services.remind(round_, request.user)
    except TianpingError as err:
        messages.error(request, str(err))
    else:
        messages.success(request, _("Reminder sent to %(n)d departments.") % {"n": n})
    return redirect("collection:round", round_.pk)


@role_required(*OVERSEERS)
def completeness(request, pk):
    round_ = _round(request, pk)
    return render(request, "collection/completeness.html", {"round": round_, "rows": services.completeness(round_)})


def _entries_table(sub):
    """Every indicator of the submission with its cells, values and last years."""
    indicators = services.indicators_for(sub.department, sub.round.region)
    entries = {(e.indicator_id, Cell(e.sex, e.age, e.residence)): e for e in sub.entries.all()}
    past = services.history(sub.round.region, indicators, sub.round.year)
    cells_of = services.grids(indicators)
    rows = []
    for ind in indicators:
        cells = []
        for cell in cells_of[ind.pk]:
            e = entries.get((ind.pk, cell))
            cells.append({"cell": cell, "entry": e, "previous": past.get((ind.pk, cell), {}).get(sub.round.year - 1)})
        rows.append({"indicator": ind, "cells": cells,
                     "filled": sum(1 for c in cells if c["entry"] and (c["entry"].value is not None or c["entry"].note))})
    return rows


@role_required(*READERS)
def submission_detail(request, pk):
    sub = visible_submission(request, pk)
    report = sub.work_report()
    return render(request, "collection/submission.html", {
        "sub": sub, "report": report, "rows": _entries_table(sub), "editable": can_edit(request.user, sub),
        "flags": services.quality_flags(sub),
        "reviewer": can_review(request.user), "unlocker": can_unlock(request.user),
        "comments": sub.comments.select_related("author"), "timeliness": sub.timeliness,
        "work_report_version": services.work_report_version(sub, report),
    })


def _form_cells(sub, ind, cells, flags: bool = False):
    """The form's cells with their stored entries and last years (two queries), and — ``flags`` —
    the warnings of the stored values (from the same rows, not loaded again)."""
    stored = list(sub.entries.filter(indicator=ind))
    entries = {Cell(e.sex, e.age, e.residence): e for e in stored}
    years = list(range(sub.round.year - PREVIOUS_YEARS, sub.round.year))
    past = services.history(sub.round.region, [ind], sub.round.year)
    rows = [{"i": i, "cell": c, "entry": entries.get(c),
             "previous": [past.get((ind.pk, c), {}).get(y) for y in years]} for i, c in enumerate(cells)]
    warnings = services.stored_flags(sub, ind, cells, stored, past) if flags and stored else []
    return years, rows, warnings


@role_required(*READERS)
def indicator_form(request, pk, indicator):
    sub = visible_submission(request, pk)
    ind = services.reported_indicator(sub.department, sub.round.region, indicator)
    if ind is None:
        raise Http404
    editable = can_edit(request.user, sub)
    grid_cells = services.grid(ind)
    summary, parse_errors, posted = None, [], {}
    if request.method == "POST":
        if not editable:
            raise PermissionDenied(_("This submission cannot be changed by you now."))
        rows = []
        for i, cell in enumerate(grid_cells):
            label = cell.label
            numbers = {}
            for field, word in (("value", "数值"), ("numerator", "分子"), ("denominator", "分母")):
                raw = request.POST.get(f"{field}_{i}", "")
                posted[f"{field}_{i}"] = raw
                number, err = parse_cell(raw, ind.unit)
                if err:
                    parse_errors.append(f"{label}·{word}：{err}")
                numbers[field] = number
            note = request.POST.get(f"note_{i}", "")[:500]
            posted[f"note_{i}"] = note
            try:
                version = int(request.POST.get(f"version_{i}", "0"))
            except ValueError:
                version = 0
            rows.append(services.RowIn(ind.pk, cell, note=note.strip(), version=version, where=label, **numbers))
        if not parse_errors:
            summary = services.save_rows(sub, rows, request.user, EntryChange.Channel.FORM, indicators=[ind])
            if summary.ok:
                msg = _("Saved: %(new)d new, %(changed)d changed, %(unchanged)d unchanged.") % {
                    "new": summary.new, "changed": summary.changed, "unchanged": summary.unchanged}
                if summary.warnings:
                    messages.warning(request, msg + " " + _("Please explain the flagged values in their notes."))
                else:
                    messages.success(request, msg)
                return redirect("collection:indicator", sub.pk, ind.pk)
    # the page: on a GET with the stored values' warnings; after a refused save with the current
    # versions beside the refused input
    years, cells, past_warnings = _form_cells(sub, ind, grid_cells, flags=request.method == "GET")
    for c in cells:
        for field in ("value", "numerator", "denominator", "note"):
            key = f"{field}_{c['i']}"
            c[field] = posted[key] if key in posted else (getattr(c["entry"], field) if c["entry"] else None)
    return render(request, "collection/indicator_form.html", {
        "sub": sub, "ind": ind, "cells": cells, "years": years, "editable": editable,
        "has_counts": services.has_counts(ind), "scale": services.rule_for(ind, grid_cells).scale or 1,
        "errors": parse_errors + (summary.errors if summary else []),
        "warnings": (summary.warnings if summary else past_warnings),
    }, status=400 if parse_errors or (summary and not summary.ok) else 200)


@role_required(*READERS)
def entry_history(request, pk):
    entry = get_object_or_404(Entry.objects.select_related("submission", "indicator"), pk=pk)
    visible_submission(request, entry.submission_id)  # scope check: 404 outside
    return render(request, "collection/history.html", {
        "entry": entry, "cell": Cell(entry.sex, entry.age, entry.residence),
        "changes": entry.changes.select_related("user").order_by("-version")})


# ---------------------------------------------------------------- Excel

def template_rows(sub) -> list[TemplateRow]:
    rows = []
    for n, row in enumerate(_entries_table(sub), start=1):
        ind = row["indicator"]
        for c in row["cells"]:
            e = c["entry"]
            rows.append(TemplateRow(ind.pk, n, ind.name, ind.unit, c["cell"], has_counts=services.has_counts(ind),
                                    previous=c["previous"], value=e.value if e else None,
                                    numerator=e.numerator if e else None, denominator=e.denominator if e else None,
                                    note=e.note if e else "", version=e.version if e else 0))
    return rows


@role_required(*READERS)
def template_download(request, pk):
    sub = visible_submission(request, pk)
    meta = TemplateMeta(round_id=sub.round_id, department_id=sub.department_id, region_code=sub.round.region.code,
                        region_name=sub.round.region.name, department_name=sub.department.name,
                        year=sub.round.year, deadline=sub.round.deadline.isoformat())
    data = write_template(meta, template_rows(sub))
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    filename = f"{sub.round.year}-{sub.department.name}-填报模板.xlsx"
    response["Content-Disposition"] = f"attachment; filename=\"template.xlsx\"; filename*=UTF-8''{quote(filename)}"
    return response


def rows_from_workbook(sub, data: bytes, filename: str):
    """(rows, errors) of an uploaded template for this submission."""
    result = read_template(data, filename, settings.UPLOAD_MAX_BYTES)
    errors = [str(e) for e in result.errors]
    if result.meta.get("round_id") != sub.round_id or result.meta.get("department_id") != sub.department_id:
        errors.insert(0, f"文件“{filename}”：这份模板属于另一个轮次或单位，请下载本单位{sub.round.year}年度的模板")
        return [], errors
    rows = [services.RowIn(r.indicator_id, r.cell, r.value, r.numerator, r.denominator, r.note, r.version, r.unit,
                           where=f"工作表“{r.sheet}”，第{r.row}行") for r in result.rows]
    return rows, errors


def _forget_pending(request) -> None:
    """Drop the session's unconfirmed upload and every pending upload past its time."""
    pending = request.session.pop("collection_upload", None)
    if pending:
        _upload_path(pending["token"], request.user).unlink(missing_ok=True)
    uploads.remove_abandoned()


def _upload_path(token: str, user):
    return uploads.pending_path(token, user)


@role_required(Role.REPORTER)
def upload(request, pk):
    """Step 1: upload → dry run summary. Step 2 (confirm): the same file, committed all or nothing."""
    sub = editable_submission(request, pk)
    context = {"sub": sub}
    if request.method == "POST" and "confirm" in request.POST:
        token = request.POST.get("token", "")
        pending = request.session.get("collection_upload", {})
        if not token or pending.get("token") != token or pending.get("submission") != sub.pk:
            messages.error(request, _("The upload has expired; please upload the file again."))
            return redirect("collection:upload", sub.pk)
        path = _upload_path(token, request.user)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            messages.error(request, _("The upload has expired; please upload the file again."))
            return redirect("collection:upload", sub.pk)
        rows, errors = rows_from_workbook(sub, data, pending["name"])
        summary = services.save_rows(sub, rows, request.user, EntryChange.Channel.EXCEL) if not errors else None
        path.unlink(missing_ok=True)
        request.session.pop("collection_upload", None)
        if summary and summary.committed:
            messages.success(request, _("Imported: %(new)d new, %(changed)d changed, %(unchanged)d unchanged.") % {
                "new": summary.new, "changed": summary.changed, "unchanged": summary.unchanged})
            return redirect("collection:submission", sub.pk)
        context.update(errors=errors + (summary.errors if summary else []), summary=summary)
        return render(request, "collection/upload.html", context, status=400)
    if request.method == "POST":
        upload_file = request.FILES.get("workbook")
        if upload_file is None:
            context["errors"] = [_("Choose the filled-in template to upload.")]
            return render(request, "collection/upload.html", context, status=400)
        if upload_file.size > settings.UPLOAD_MAX_BYTES:
            context["errors"] = [f"文件“{upload_file.name}”大小{upload_file.size / 1048576:.1f} MB，超过上限"
                                 f"{settings.UPLOAD_MAX_BYTES / 1048576:.0f} MB"]
            return render(request, "collection/upload.html", context, status=400)
        data = upload_file.read()
        try:
            rows, errors = rows_from_workbook(sub, data, upload_file.name)
        except TianpingError as err:
            rows, errors = [], [str(err)]
        summary = None
        if not errors:
            summary = services.save_rows(sub, rows, request.user, EntryChange.Channel.EXCEL, dry_run=True)
            errors = summary.errors
        context.update(errors=errors, summary=summary, filename=upload_file.name)
        _forget_pending(request)
        if not errors:
            token = secrets.token_urlsafe(16)
            uploads.make_room(request.user, len(data))  # the user's quota: their oldest trial uploads go
            _upload_path(token, request.user).write_bytes(data)
            request.session["collection_upload"] = {"token": token, "submission": sub.pk, "name": upload_file.name}
            context["token"] = token
        return render(request, "collection/upload.html", context, status=400 if errors else 200)
    return render(request, "collection/upload.html", context)


# ---------------------------------------------------------------- workflow actions

def _act(request, sub, action, success):
    try:
        action()
    except TianpingError as err:
        messages.error(request, str(err))
    else:
        messages.success(request, success)
    return redirect("collection:submission", sub.pk)


@role_required(Role.REPORTER)
@require_POST
def work_report(request, pk):
    sub = editable_submission(request, pk)
    return _act(request, sub, lambda: services.save_work_report(sub, request.user, request.POST),
                _("Work report saved."))


@role_required(Role.REPORTER)
@require_POST
def submit(request, pk):
    sub = editable_submission(request, pk)
    return _act(request, sub, lambda: services.submit(sub, request.user), _("Submitted for review."))


@role_required(*REVIEWERS)
@require_POST
def return_view(request, pk):
    sub = visible_submission(request, pk)
    return _act(request, sub, lambda: services.return_submission(sub, request.user, request.POST.get("reason", "")),
                _("Returned to the department."))


@role_required(*REVIEWERS)
@require_POST
def accept(request, pk):
    sub = visible_submission(request, pk)
    return _act(request, sub, lambda: services.accept(sub, request.user), _("Accepted."))


@role_required(*UNLOCKERS)
@require_POST
def unlock(request, pk):
    sub = visible_submission(request, pk)
    return _act(request, sub, lambda: services.unlock(sub, request.user, request.POST.get("reason", "")),
                _("Unlocked; the department may correct it."))


@role_required(*READERS)
@require_POST
def comment(request, pk):
    sub = visible_submission(request, pk)
    return _act(request, sub, lambda: services.add_comment(sub, request.user, request.POST.get("text", "")),
                _("Comment added."))

