"""The one-screen entry grid (一屏填报): every indicator of a department's submission with
its applicable disaggregations, the previous years beside, saved cell row by cell row as
the reporter types (htmx), and "无数据/不适用" for many empty cells with one reason in one
action. Every save goes through ``services.save_rows`` with the version the row showed, so
a change someone else made meanwhile is refused, never overwritten."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tianping.core.validation import Cell, parse_cell
from tianping.web.orgs.permissions import Role, role_required

from . import services
from .models import EntryChange
from .permissions import (
    READERS,
    can_edit,
    editable_submission,
    visible_submission,
)

PREVIOUS_YEARS = 3
NO_DATA_KINDS = ("无数据", "不适用")


def applicable_cells(indicator) -> list[Cell]:
    """Which disaggregations an indicator is reported by: the stored indicator's flags (by_sex /
    by_age / by_residence), only those its catalogue entry allows (services.grid; services.grids
    for many at once)."""
    return services.grid(indicator)


@dataclass
class Row:
    n: int
    indicator: object
    cell: Cell
    first: bool
    span: int
    previous: list
    entry: object = None
    has_counts: bool = False
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    saved: bool = False
    posted: dict = field(default_factory=dict)

    @property
    def key(self) -> str:
        return cell_key(self.indicator.pk, self.cell)

    @property
    def version(self) -> int:
        return self.entry.version if self.entry else 0

    @property
    def done(self) -> bool:
        return bool(self.entry and (self.entry.value is not None or self.entry.note))

    @property
    def shown(self) -> dict:
        """What the inputs show: the refused input as typed, else the stored entry."""
        stored = {f: getattr(self.entry, f) if self.entry else None for f in ("value", "numerator", "denominator", "note")}
        return {**stored, **self.posted}


def cell_key(indicator_id: int, cell: Cell) -> str:
    return f"{indicator_id}|{cell.sex}|{cell.age}|{cell.residence}"


def parse_key(text: str) -> tuple[int, Cell]:
    try:
        ind, sex, age, res = text.split("|")
        return int(ind), Cell(sex, age, res)
    except ValueError:
        raise Http404 from None


def build_rows(sub, only: set[int] | None = None) -> tuple[list[int], list[Row]]:
    indicators = services.indicators_for(sub.department, sub.round.region)
    if only is not None:
        indicators = [i for i in indicators if i.pk in only]
    years = list(range(sub.round.year - PREVIOUS_YEARS, sub.round.year))
    past = services.history(sub.round.region, indicators, sub.round.year)
    entries = {(e.indicator_id, Cell(e.sex, e.age, e.residence)): e
               for e in sub.entries.filter(indicator__in=indicators)}
    cells_of = services.grids(indicators)   # applicable_cells of every indicator, age groups in one query
    rows, n = [], 0
    for ind in indicators:
        cells = cells_of[ind.pk]
        counts = services.has_counts(ind)
        for i, cell in enumerate(cells):
            n += 1
            values = past.get((ind.pk, cell), {})
            rows.append(Row(n, ind, cell, i == 0, len(cells), [values.get(y) for y in years],
                            entries.get((ind.pk, cell)), counts))
    return years, rows


@role_required(*READERS)
def grid_page(request, pk):
    sub = visible_submission(request, pk)
    years, rows = build_rows(sub)
    filled = sum(1 for r in rows if r.done)
    report = sub.work_report()
    return render(request, "collection/grid.html", {
        "sub": sub, "report": report, "years": years, "rows": rows, "editable": can_edit(request.user, sub),
        "filled": filled, "total": len(rows), "kinds": NO_DATA_KINDS,
        "indicators": len({r.indicator.pk for r in rows}),
        "work_report_version": services.work_report_version(sub, report)})


@role_required(Role.REPORTER)
@require_POST
def grid_save(request, pk):
    """Save one row (indicator × disaggregation) and return it re-rendered with its messages."""
    sub = editable_submission(request, pk)
    ind_id, cell = parse_key(request.POST.get("key", ""))
    years, rows = build_rows(sub, only={ind_id})
    row = next((r for r in rows if r.indicator.pk == ind_id and r.cell == cell), None)
    if row is None:
        raise Http404
    numbers, row.posted = {}, {}
    for name, word in (("value", "数值"), ("numerator", "分子"), ("denominator", "分母")):
        raw = request.POST.get(name, "")
        row.posted[name] = raw
        number, err = parse_cell(raw, row.indicator.unit)
        if err:
            row.errors.append(f"{word}：{err}")
        numbers[name] = number
    note = request.POST.get("note", "")[:500]
    row.posted["note"] = note
    try:
        version = int(request.POST.get("version", "0"))
    except ValueError:
        version = 0
    if not row.errors:
        summary = services.save_rows(sub, [services.RowIn(ind_id, cell, note=note.strip(), version=version,
                                                          **numbers)], request.user, EntryChange.Channel.FORM)
        if summary.ok:
            fresh = next(r for r in build_rows(sub, only={ind_id})[1] if r.cell == cell)
            fresh.warnings, fresh.saved = summary.warnings, True
            row = fresh
        else:
            row.errors = summary.errors
            stored = next(r for r in build_rows(sub, only={ind_id})[1] if r.cell == cell)
            row.entry = stored.entry  # the current version, so the next save is based on it
    # the first row of an indicator keeps its rowspan name cell: the swap replaces the whole <tr>
    return render(request, "collection/_grid_row.html", {"row": row, "sub": sub, "editable": True,
                                                         "kinds": NO_DATA_KINDS},
                  )  # 200 with the messages inside: htmx swaps only 2xx answers


@role_required(Role.REPORTER)
@require_POST
def grid_bulk(request, pk):
    """无数据/不适用 with one reason for every picked empty row, in one save (all or nothing)."""
    sub = editable_submission(request, pk)
    kind = request.POST.get("kind", "")
    reason = (request.POST.get("reason") or "").strip()[:400]
    errors = []
    if kind not in NO_DATA_KINDS:
        errors.append(_("Choose “no data” or “not applicable”."))
    if not reason:
        errors.append(_("Give the reason, for example when the statistics will be published."))
    picked = {}
    for text in request.POST.getlist("pick"):
        key, _sep, version = text.rpartition("|")
        ind_id, cell = parse_key(key)
        try:
            picked[(ind_id, cell)] = int(version)
        except ValueError:
            raise Http404 from None
    if not picked and not errors:
        errors.append(_("Tick the rows that have no data first."))
    years, rows = build_rows(sub)
    saved = 0
    if not errors:
        by_key = {(r.indicator.pk, r.cell): r for r in rows}
        batch = []
        for key, version in picked.items():
            row = by_key.get(key)
            if row is None:
                raise Http404
            if row.entry and row.entry.value is not None:
                continue  # a row with a value keeps it: 无数据 only fills empty rows
            batch.append(services.RowIn(key[0], key[1], note=f"{kind}：{reason}", version=version))
        summary = services.save_rows(sub, batch, request.user, EntryChange.Channel.FORM)
        errors = summary.errors
        saved = summary.new + summary.changed
        years, rows = build_rows(sub)
    filled = sum(1 for r in rows if r.done)
    return render(request, "collection/_grid_table.html", {
        "sub": sub, "years": years, "rows": rows, "editable": True, "kinds": NO_DATA_KINDS,
        "bulk_errors": errors, "bulk_saved": saved, "filled": filled, "total": len(rows)})
