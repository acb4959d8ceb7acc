"""The collection workflow: opening rounds, saving values from any channel (form,
Excel, API) through one function, submitting, returning, accepting, closing,
unlocking. Views and API views are thin wrappers around these functions.

Every write runs in ``transaction.atomic`` with the submission row locked
(``select_for_update``), so a save, a submit and a review of the same submission
never interleave, and a failing import leaves nothing behind.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict

from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from tianping.core import entries
from tianping.core.entries import RowIn, Summary
from tianping.core.errors import WorkflowError
from tianping.core.observations import normalize_unit
from tianping.core.validation import (
    ERROR,
    Cell,
    EntryValue,
    IndicatorRule,
    cross_check,
    validate_indicator,
)
from tianping.web import audit
from tianping.web.catalogue.services import rules_for
from tianping.web.observations.models import Observation
from tianping.web.orgs.duties import separate
from tianping.web.orgs.models import Department
from tianping.web.plans.models import Indicator, Plan

from . import signals
from .models import (
    Comment,
    DepartmentReport,
    Entry,
    EntryChange,
    ReportingRound,
    RoundEvent,
    Submission,
)

Channel = EntryChange.Channel
# the work report form's (and the API's) field names → DepartmentReport, where the text is kept
WORK_REPORT_FIELDS = {"work_progress": "progress", "work_problems": "problems", "work_next_year": "next_steps"}

# Age groups offered when an indicator is reported by age and no earlier data names
# its groups (the groups of earlier observations of the indicator win).
DEFAULT_AGE_GROUPS = {
    Plan.Kind.CHILDREN: ["0-6岁", "7-14岁", "15-17岁"],
    Plan.Kind.WOMEN: ["18-34岁", "35-59岁", "60岁及以上"],
}


# ---------------------------------------------------------------- the framework

def indicators_for(department: Department, region, only=None) -> list[Indicator]:
    """The indicators a department reports for a region: confirmed plans, its responsibility
    (``only``: of these primary keys — one form or one save needs its own indicators only)."""
    qs = Indicator.objects.filter(plan__region=region, plan__status=Plan.Status.CONFIRMED,
                                  responsible_department=department)
    if only is not None:
        qs = qs.filter(pk__in=list(only))
    return list(qs.select_related("plan", "catalogue").defer(*PLAN_TEXT_FIELDS)   # the plan's big JSON is not needed here
                .order_by("plan__kind", "plan_id", "position", "pk"))


def reported_indicator(department: Department, region, pk: int) -> Indicator | None:
    """One indicator the department reports for the region, or None (one query)."""
    found = indicators_for(department, region, only=[pk])
    return found[0] if found else None


# A plan's document-sized JSON columns, left out when indicators are listed with their plan.
PLAN_TEXT_FIELDS = ("plan__sections", "plan__key_projects", "plan__parse_warnings")


def age_groups(indicator: Indicator) -> list[str]:
    seen = (Observation.objects.filter(indicator=indicator).exclude(age="")
            .order_by("age").values_list("age", flat=True).distinct())
    return list(seen) or DEFAULT_AGE_GROUPS.get(indicator.plan.kind, DEFAULT_AGE_GROUPS[Plan.Kind.WOMEN])


def grid(indicator: Indicator, ages: list[str] | None = None) -> list[Cell]:
    """The cells to report (core.entries.grid) for a stored indicator."""
    by_age = indicator.by_age and indicator.age_applies
    if ages is None:
        ages = age_groups(indicator) if by_age else []
    # only the breakdowns the catalogue allows: never a male cell for a women-only indicator,
    # no 城镇/农村 or age rows where the entry has none (even if a flag was set before the link)
    return entries.grid(indicator.by_sex and indicator.sex_applies, by_age,
                        indicator.by_residence and indicator.residence_applies, ages)


def grids(indicators: list[Indicator]) -> dict[int, list[Cell]]:
    """grid() of many indicators, the age groups of those reported by age read in one query."""
    seen: dict[int, list[str]] = defaultdict(list)
    aged = {i.pk for i in indicators if i.by_age and i.age_applies}
    if aged:
        for ind, age in (Observation.objects.filter(indicator__in=aged).exclude(age="")
                         .order_by("indicator_id", "age").values_list("indicator_id", "age").distinct()):
            seen[ind].append(age)
    return {i.pk: grid(i, (seen.get(i.pk) or DEFAULT_AGE_GROUPS.get(i.plan.kind, DEFAULT_AGE_GROUPS[Plan.Kind.WOMEN]))
                       if i.pk in aged else []) for i in indicators}


def has_counts(indicator: Indicator) -> bool:
    return bool(indicator.numerator and indicator.denominator)


def rule_for(indicator: Indicator, cells: list[Cell] | None = None) -> IndicatorRule:
    """The checks of one indicator; a catalogue link adds its kind and plausible range."""
    entry = indicator.catalogue if indicator.catalogue_id else None
    in_unit = entry is not None and normalize_unit(entry.unit) == normalize_unit(indicator.unit)
    return IndicatorRule(name=indicator.name, unit=indicator.unit, multiplier=indicator.multiplier,
                         has_counts=has_counts(indicator), required=cells or grid(indicator),
                         kind=entry.kind if entry else "", low=entry.low if in_unit else None,
                         high=entry.high if in_unit else None,
                         breakdowns=tuple(entry.disaggregations or ()) if entry else None,
                         entry=f"{entry.code} {entry.name}" if entry else "")


def history(region, indicators, before_year: int) -> dict[tuple[int, Cell], dict[int, float]]:
    """Accepted (and synthetic demo) values of earlier years per indicator and cell."""
    out: dict[tuple[int, Cell], dict[int, float]] = defaultdict(dict)
    rows = (Observation.objects.filter(region=region, indicator__in=indicators, year__lt=before_year)
            .values_list("indicator_id", "sex", "age", "residence", "year", "value"))
    for ind, sex, age, res, year, value in rows:
        if value is not None:
            out[(ind, Cell(sex, age, res))][year] = value
    return out


def cross_indicator_errors(sub: Submission, by_indicator: dict[int, dict[Cell, EntryValue]],
                           touched: dict[int, Indicator], where_of: dict[tuple[int, Cell], str]) -> list[str]:
    """The catalogue's and the office's rules between indicators (新生儿死亡率 ≤ 婴儿死亡率 …) on the
    values as they will be: this save over the round's stored entries of every department. Only a
    rule that a cell of this save breaks is reported, naming that cell (row of the sheet, form cell)."""
    linked = {pk: ind for pk, ind in touched.items() if ind.catalogue_id}
    if not linked:
        return []
    rules = rules_for(sub.round.region)
    codes = {ind.catalogue.code for ind in linked.values()}
    wanted = {c for r in rules if r.left in codes or r.right in codes for c in (r.left, r.right) if c}
    if not rules or not wanted:
        return []
    values: dict[tuple[str, Cell], float] = {}
    names: dict[str, str] = {}
    pk_of: dict[str, int] = {}
    stored = (Entry.objects.filter(submission__round=sub.round, indicator__catalogue__code__in=wanted,
                                   indicator__plan__status=Plan.Status.CONFIRMED)
              .values_list("indicator_id", "indicator__name", "indicator__catalogue__code", "sex", "age", "residence",
                           "value"))
    for pk, name, code, sex, age, res, value in stored:   # every department's saved values…
        names.setdefault(code, name)
        pk_of.setdefault(code, pk)
        if value is not None:
            values[(code, Cell(sex, age, res))] = value
    for pk, ind in linked.items():                          # …with this save's cells over them
        code = ind.catalogue.code
        names[code], pk_of[code] = ind.name, pk
        for cell, e in by_indicator[pk].items():
            if e.value is None:
                values.pop((code, cell), None)
            else:
                values[(code, cell)] = e.value
    mine = {(ind.catalogue.code, cell) for (pk, cell) in where_of if (ind := linked.get(pk))}
    errors = []
    for issue, (code, cell) in cross_check(rules, values, names, touched=mine):
        where = where_of.get((pk_of.get(code), cell), "")
        errors.append(f"{where}：{issue}" if where else str(issue))
    return errors


# ---------------------------------------------------------------- rounds

def ensure_submissions(round_: ReportingRound) -> int:
    """One submission per department that is responsible for an indicator of the region."""
    departments = (Department.objects.filter(indicators__plan__region=round_.region,
                                              indicators__plan__status=Plan.Status.CONFIRMED)
                   .distinct())
    existing = set(round_.submissions.values_list("department_id", flat=True))
    new = [Submission(round=round_, department=d) for d in departments if d.pk not in existing]
    # Runs on page views too: two people opening the page at once must not collide.
    Submission.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


@transaction.atomic
def open_round(region, year: int, deadline, user, opens_on=None) -> ReportingRound:
    existing = ReportingRound.objects.filter(region=region, year=year).first()
    if existing is not None and existing.state == ReportingRound.State.CLOSED:
        raise WorkflowError(f"{region.name}{year}年度的填报轮次已存在且已关闭；如需补报或更正，请在该轮次页面“重新开放”")
    if existing is not None:
        raise WorkflowError(f"{region.name}{year}年度的填报轮次已存在")
    try:
        with transaction.atomic():  # a concurrent open of the same round hits the unique constraint
            round_ = ReportingRound.objects.create(region=region, year=year, deadline=deadline, created_by=user,
                                                   opens_on=opens_on or timezone.localdate())
    except IntegrityError:
        raise WorkflowError(f"{region.name}{year}年度的填报轮次已存在") from None
    ensure_submissions(round_)
    return round_


def not_reported(round_: ReportingRound) -> list[Submission]:
    """Submissions not (yet) with the statistics bureau or accepted: drafts and returned ones."""
    ensure_submissions(round_)
    return list(round_.submissions.filter(state__in=Submission.EDITABLE).select_related("department")
                .order_by("department__name"))


@transaction.atomic
def close_round(round_: ReportingRound, user) -> int:
    """Close the round; accepted submissions become locked. Returns how many were locked."""
    round_ = ReportingRound.objects.select_for_update().get(pk=round_.pk)
    if round_.state == ReportingRound.State.CLOSED:
        raise WorkflowError("该轮次已关闭")
    missing = [s.department.name for s in not_reported(round_)]
    RoundEvent.objects.create(round=round_, action=RoundEvent.Action.CLOSE, user=user,
                              text=f"关闭时未提交：{'、'.join(missing)}" if missing else "全部单位已提交")
    round_.state = ReportingRound.State.CLOSED
    round_.closed_at = timezone.now()
    round_.save(update_fields=["state", "closed_at"])
    accepted = list(round_.submissions.select_for_update().filter(state=Submission.State.ACCEPTED))
    for sub in accepted:
        sub.state = Submission.State.LOCKED
        sub.reopened = False
        sub.save(update_fields=["state", "reopened"])
        Comment.objects.create(submission=sub, author=user, kind=Comment.Kind.LOCK, text="轮次关闭，数据锁定")
    round_.submissions.filter(reopened=True).update(reopened=False)
    return len(accepted)


@transaction.atomic
def reopen_round(round_: ReportingRound, user, reason: str) -> int:
    """Reopen a closed round (audited): locked submissions are accepted again and may be
    unlocked or resubmitted; departments assigned since get their submission. Returns how
    many submissions were unlocked from the lock."""
    if not (reason or "").strip():
        raise WorkflowError("重新开放必须填写原因")
    round_ = ReportingRound.objects.select_for_update().get(pk=round_.pk)
    if round_.state != ReportingRound.State.CLOSED:
        raise WorkflowError("只有已关闭的轮次可以重新开放")
    round_.state = ReportingRound.State.OPEN
    round_.closed_at = None
    round_.save(update_fields=["state", "closed_at"])
    locked = list(round_.submissions.select_for_update().filter(state=Submission.State.LOCKED))
    for sub in locked:
        sub.state = Submission.State.ACCEPTED
        sub.save(update_fields=["state"])
        Comment.objects.create(submission=sub, author=user, kind=Comment.Kind.UNLOCK, text=f"轮次重新开放：{reason.strip()}")
    RoundEvent.objects.create(round=round_, action=RoundEvent.Action.REOPEN, user=user, text=reason.strip())
    ensure_submissions(round_)
    return len(locked)


@transaction.atomic
def change_deadline(round_: ReportingRound, user, deadline, reason: str = "") -> ReportingRound:
    """Extend (or move) the deadline of an open round; audited with the old and new dates."""
    round_ = ReportingRound.objects.select_for_update().get(pk=round_.pk)
    if round_.state != ReportingRound.State.OPEN:
        raise WorkflowError("轮次已关闭，请先重新开放再调整截止日期")
    if deadline < timezone.localdate():
        raise WorkflowError(f"新的截止日期{deadline:%Y-%m-%d}早于今天")
    if deadline == round_.deadline:
        raise WorkflowError("新的截止日期与原截止日期相同")
    if deadline < round_.opens_on:
        raise WorkflowError("截止日期不能早于开放日期")
    old = round_.deadline
    round_.deadline = deadline
    round_.save(update_fields=["deadline"])
    RoundEvent.objects.create(round=round_, action=RoundEvent.Action.DEADLINE, user=user,
                              text=f"截止日期由{old:%Y-%m-%d}调整为{deadline:%Y-%m-%d}"
                                   + (f"：{reason.strip()}" if (reason or "").strip() else ""))
    return round_


# ---------------------------------------------------------------- saving values

class _Rollback(Exception):
    pass


def save_rows(submission: Submission, rows: list[RowIn], user, channel: str, *, dry_run: bool = False,
              indicators: list[Indicator] | None = None) -> Summary:
    """Validate and save values, all or nothing. A dry run computes the same summary and writes nothing.
    ``indicators``: the rows' indicators as the caller just loaded them with indicators_for or
    reported_indicator (the form page), so they are not read twice."""
    summary = Summary(dry_run=dry_run)
    try:
        with transaction.atomic():
            sub = _locked(submission)
            _save_rows(sub, rows, user, channel, summary, indicators)
            if summary.errors or dry_run:
                raise _Rollback
            summary.committed = True
    except _Rollback:
        pass
    return summary


def _save_rows(sub: Submission, rows: list[RowIn], user, channel: str, summary: Summary,
               loaded: list[Indicator] | None = None) -> None:
    """Load what is stored, let core.entries check the rows and decide, write what it decided."""
    if not sub.is_editable:
        summary.errors.append(f"该填报当前状态为“{sub.get_state_display()}”，"
                              f"{'轮次未开放或已关闭，' if not (sub.round.is_open or sub.reopened) else ''}不能修改")
        return
    named = list(dict.fromkeys(row.indicator_id for row in rows))   # the rows' indicators only, one query each:
    if loaded is not None and {i.pk for i in loaded} >= set(named):
        indicators = {i.pk: i for i in loaded if i.pk in named
                      and i.responsible_department_id == sub.department_id and i.plan.region_id == sub.round.region_id
                      and i.plan.status == Plan.Status.CONFIRMED}
    else:
        indicators = {i.pk: i for i in indicators_for(sub.department, sub.round.region, only=named)}
    rules = {pk: rule_for(indicators[pk]) for pk in named if pk in indicators}
    accepted = entries.accept_rows(rows, rules, summary)
    stored = {(ind, Cell(sex, age, res)): entries.Stored(pk, value, num, den, note, version)   # existing cells
              for pk, ind, sex, age, res, value, num, den, note, version in sub.entries.filter(
                  indicator_id__in=list(rules)).values_list(
                  "pk", "indicator_id", "sex", "age", "residence", "value", "numerator", "denominator", "note",
                  "version")}
    past = history(sub.round.region, list(dict.fromkeys(row.indicator_id for row in accepted)), sub.round.year)
    changes = entries.plan_changes(accepted, rules, stored, past, sub.round.year, summary)
    by_indicator: dict[int, dict[Cell, EntryValue]] = defaultdict(dict)   # the cells as they will be
    for (ind_id, cell), e in stored.items():
        by_indicator[ind_id][cell] = EntryValue(cell, e.value, e.numerator, e.denominator, e.note)
    for row in accepted:
        by_indicator[row.indicator_id][row.cell] = EntryValue(row.cell, row.value, row.numerator, row.denominator,
                                                              row.note)
    touched = {row.indicator_id: indicators[row.indicator_id] for row in accepted}
    summary.errors += cross_indicator_errors(sub, by_indicator, touched,
                                             {(row.indicator_id, row.cell): row.where for row in accepted})
    creates, updates, audits = changes.creates, changes.updates, changes.audits
    now = timezone.now()
    if summary.errors or summary.dry_run:
        return
    if connection.vendor == "postgresql":
        problem = _merge_postgres(sub, creates, updates, user, channel, now)
    else:
        problem = _write_rows(sub, creates, updates, audits, user, channel, now)
    if problem:
        summary.errors.append(problem)
        return
    Submission.objects.filter(pk=sub.pk).update(version=sub.version + 1)


CHANGED_MEANWHILE = "有单元格在保存过程中被他人修改，未保存，请刷新后核对"
ADDED_MEANWHILE = "有单元格同时被他人新增，未保存，请刷新后核对"


def _write_rows(sub, creates, updates, audits, user, channel: str, now) -> str | None:
    """SQLite (and any other database): batched UPDATE ... FROM (VALUES ...) with the version
    check, multi-row INSERTs of the new cells, their ids read back, the audit rows inserted."""
    if not _update_if_unchanged(updates, user, now):
        return CHANGED_MEANWHILE
    stamp = connection.ops.adapt_datetimefield_value(now)
    try:
        with transaction.atomic(savepoint=bool(creates)):
            _insert(Entry._meta.db_table, ("submission_id", "indicator_id", "sex", "age", "residence", "value",
                                           "numerator", "denominator", "note", "version", "updated_by_id",
                                           "updated_at"),
                    [(sub.pk, ind_id, cell.sex, cell.age, cell.residence, new["value"], new["numerator"],
                      new["denominator"], new["note"], 1, user.pk, stamp) for (ind_id, cell), new in creates])
    except IntegrityError:
        return ADDED_MEANWHILE
    if creates:
        ids = {(ind, Cell(sex, age, res)): pk for pk, ind, sex, age, res in
               sub.entries.filter(indicator_id__in={ind_id for (ind_id, _cell), _new in creates})
               .values_list("pk", "indicator_id", "sex", "age", "residence")}
        audits = audits + [(ids[key], 1, None, new) for key, new in creates]
    _insert(EntryChange._meta.db_table, ("entry_id", "user_id", "at", "channel", "version", "old", "new"),
            [(entry_id, user.pk, stamp, channel, version, None if old is None else json.dumps(old, ensure_ascii=False),
              json.dumps(new, ensure_ascii=False)) for entry_id, version, old, new in audits])
    return None


# PostgreSQL: the checked rows go into a staging table of the session (COPY), then one statement
# per kind merges them — entries and their audit rows together, set-based, in the save's transaction.
_STAGE_NEW = ("tianping_stage_new", ("indicator_id bigint", "sex varchar(6)", "age varchar(20)",
                                     "residence varchar(5)", "value double precision",
                                     "numerator double precision", "denominator double precision", "note text"))
_STAGE_CHANGED = ("tianping_stage_changed", ("id bigint", "value double precision", "numerator double precision",
                                             "denominator double precision", "note text", "version integer"))
_SNAPSHOT = ("jsonb_build_object('value', {t}.value, 'numerator', {t}.numerator, 'denominator', {t}.denominator, "
             "'note', {t}.note)")


def _stage(cur, stage, rows) -> str:
    """COPY ``rows`` into the session's staging table (created once per connection, emptied at
    every commit: ON COMMIT DELETE ROWS, and here) and return its name."""
    name, columns = stage
    cur.execute(f"CREATE TEMPORARY TABLE IF NOT EXISTS {name} ({', '.join(columns)}) ON COMMIT DELETE ROWS")
    cur.execute(f"DELETE FROM {name}")   # an earlier save in the same (outer) transaction
    with cur.copy(f"COPY {name} FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
    return name


def _merge_postgres(sub, creates, updates, user, channel: str, now) -> str | None:
    """New cells: one INSERT ... SELECT from the staging table whose RETURNING rows become the
    audit rows (version 1, no old value) in the same statement. Changed cells: one UPDATE that
    matches a row only if its stored version is still the one the edit was based on, with the old
    values read in the same snapshot and written beside the new ones as audit rows; fewer audit
    rows than changes means someone changed a cell meanwhile, and the whole save is refused."""
    entry, audit = Entry._meta.db_table, EntryChange._meta.db_table
    with connection.cursor() as cur:        # Django's cursor (errors as django.db errors), psycopg's copy()
        if updates:
            stage = _stage(cur, _STAGE_CHANGED, updates)
            cur.execute(
                f"""WITH old AS (SELECT e.id, e.value, e.numerator, e.denominator, e.note
                                   FROM "{entry}" e JOIN {stage} s ON s.id = e.id),
                         changed AS (UPDATE "{entry}" e SET value = s.value, numerator = s.numerator,
                                            denominator = s.denominator, note = s.note, version = s.version,
                                            updated_by_id = %(user)s, updated_at = %(at)s
                                     FROM {stage} s WHERE e.id = s.id AND e.version = s.version - 1
                                     RETURNING e.id, e.version, e.value, e.numerator, e.denominator, e.note)
                    INSERT INTO "{audit}" (entry_id, user_id, at, channel, version, old, new)
                    SELECT changed.id, %(user)s, %(at)s, %(channel)s, changed.version, {_SNAPSHOT.format(t="old")},
                           {_SNAPSHOT.format(t="changed")}
                      FROM changed JOIN old ON old.id = changed.id""",
                {"user": user.pk, "at": now, "channel": channel})
            if cur.rowcount != len(updates):
                return CHANGED_MEANWHILE
        if creates:
            stage = _stage(cur, _STAGE_NEW, [(ind_id, cell.sex, cell.age, cell.residence, new["value"],
                                              new["numerator"], new["denominator"], new["note"])
                                             for (ind_id, cell), new in creates])
            try:
                with transaction.atomic():
                    cur.execute(
                        f"""WITH added AS (INSERT INTO "{entry}" (submission_id, indicator_id, sex, age, residence,
                                                value, numerator, denominator, note, version, updated_by_id, updated_at)
                                           SELECT %(sub)s, indicator_id, sex, age, residence, value, numerator,
                                                  denominator, note, 1, %(user)s, %(at)s FROM {stage}
                                           RETURNING id, value, numerator, denominator, note)
                            INSERT INTO "{audit}" (entry_id, user_id, at, channel, version, old, new)
                            SELECT added.id, %(user)s, %(at)s, %(channel)s, 1, NULL, {_SNAPSHOT.format(t="added")}
                              FROM added""",
                        {"sub": sub.pk, "user": user.pk, "at": now, "channel": channel})
            except IntegrityError:
                return ADDED_MEANWHILE
    return None


def _insert(table: str, columns: tuple[str, ...], rows: list[tuple], batch: int = 1000) -> None:
    """Insert plain tuples inside the current transaction: PostgreSQL's COPY FROM STDIN,
    multi-row INSERTs elsewhere (the ORM's bulk_create would build a model per row)."""
    names = ", ".join(f'"{c}"' for c in columns)
    if not rows:
        return
    if connection.vendor == "postgresql":
        connection.ensure_connection()
        with connection.wrap_database_errors, connection.connection.cursor() as cur, \
                cur.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row(row)
        return
    one = "(" + ", ".join(["%s"] * len(columns)) + ")"
    with connection.cursor() as cur:
        for i in range(0, len(rows), batch):
            chunk = rows[i:i + batch]
            cur.execute(f'INSERT INTO "{table}" ({names}) VALUES {", ".join([one] * len(chunk))}',
                        [v for r in chunk for v in r])


_UPDATE_COLUMNS = ("value", "numerator", "denominator", "note", "version", "updated_by_id", "updated_at")
_PG_TYPES = ("bigint", "double precision", "double precision", "double precision", "text", "integer", "bigint",
             "timestamptz")


def _update_if_unchanged(updates: list[tuple], user, now) -> bool:
    """Write changed entries in batches of one UPDATE ... FROM (VALUES ...) each, every row
    only if its stored version is still the one the edit was based on (version - 1).
    A row another transaction changed meanwhile does not match; then the count is short
    and the whole save is refused (never last-write-wins). PostgreSQL and SQLite ≥ 3.33."""
    table = Entry._meta.db_table
    postgres = connection.vendor == "postgresql"
    for i in range(0, len(updates), 1000):
        batch = updates[i:i + 1000]
        if postgres:
            row = "(" + ", ".join(f"%s::{t}" for t in _PG_TYPES) + ")"
            sql = (f'UPDATE "{table}" AS e SET ' + ", ".join(f'"{c}" = v."{c}"' for c in _UPDATE_COLUMNS)
                   + f" FROM (VALUES {', '.join([row] * len(batch))}) AS v(id, "
                   + ", ".join(f'"{c}"' for c in _UPDATE_COLUMNS) + ") WHERE e.id = v.id AND e.version = v.version - 1")
        else:
            row = "(" + ", ".join(["%s"] * (len(_UPDATE_COLUMNS) + 1)) + ")"
            sql = (f'UPDATE "{table}" SET ' + ", ".join(f'"{c}" = v.column{k + 2}' for k, c in enumerate(_UPDATE_COLUMNS))
                   + f" FROM (VALUES {', '.join([row] * len(batch))}) AS v"
                   + f' WHERE "{table}".id = v.column1 AND "{table}".version = v.column6 - 1')
        stamp = connection.ops.adapt_datetimefield_value(now)
        params = [v for row in batch for v in (*row, user.pk, stamp)]
        with connection.cursor() as cur:
            cur.execute(sql, params)
            if cur.rowcount != len(batch):
                return False
    return True


# ---------------------------------------------------------------- workflow

def _locked(submission: Submission) -> Submission:
    """The submission row locked (only it: PostgreSQL would otherwise lock the joined round,
    region and department rows too, and every save of a region would queue behind one lock)."""
    return (Submission.objects.select_for_update(of=("self",))
            .select_related("round__region__parent__parent", "department").get(pk=submission.pk))


def _stored_issues(sub: Submission, indicators, final: bool):
    """Every check of the stored values, indicator by indicator (``final``: as at submission)."""
    values = defaultdict(list)
    for e in sub.entries.filter(indicator__in=indicators):
        values[e.indicator_id].append(e)
    past = history(sub.round.region, indicators, sub.round.year)
    cells_of = grids(indicators)
    for ind in indicators:
        if not final and not values[ind.pk]:
            continue
        yield from _indicator_issues(sub, ind, cells_of[ind.pk], values[ind.pk], past, final)


def _indicator_issues(sub: Submission, ind: Indicator, cells: list[Cell], stored: list[Entry], past, final: bool):
    values = [EntryValue(Cell(e.sex, e.age, e.residence), e.value, e.numerator, e.denominator, e.note) for e in stored]
    return validate_indicator(rule_for(ind, cells), values, year=sub.round.year,
                              history={c: past.get((ind.pk, c), {}) for c in cells}, final=final)


def stored_flags(sub: Submission, ind: Indicator, cells: list[Cell], stored: list[Entry], past) -> list[str]:
    """quality_flags of one indicator from rows a page has already loaded (its entries, its history)."""
    return [str(i) for i in _indicator_issues(sub, ind, cells, stored, past, final=False)]


def final_check(sub: Submission) -> list[str]:
    """Blocking problems at submission: required cells, unexplained warnings, parts vs totals."""
    indicators = indicators_for(sub.department, sub.round.region)
    return [str(i) for i in _stored_issues(sub, indicators, final=True) if i.level == ERROR]


def quality_flags(sub: Submission, indicators=None) -> list[str]:
    """Warnings and errors of the stored values as they stand (explained warnings are not listed)."""
    indicators = indicators if indicators is not None else indicators_for(sub.department, sub.round.region)
    return [str(i) for i in _stored_issues(sub, indicators, final=False)]


@transaction.atomic
def submit(submission: Submission, user, work_report: dict | None = None) -> Submission:
    sub = _locked(submission)
    if not sub.is_editable:
        raise WorkflowError(f"当前状态“{sub.get_state_display()}”不能提交")
    report = sub.work_report()
    for key, field in WORK_REPORT_FIELDS.items():
        if work_report and key in work_report:
            setattr(report, field, (work_report[key] or "").strip())
    problems = final_check(sub)
    if not report.progress.strip():
        problems.append("年度工作报告“规划落实情况”未填写")
    if problems:
        raise WorkflowError("不能提交：\n" + "\n".join(f"{i}. {p}" for i, p in enumerate(problems, 1)))
    now = timezone.now()
    report.state, report.submitted_at, report.updated_by = DepartmentReport.State.SUBMITTED, now, user
    report.save()
    sub.state = Submission.State.SUBMITTED
    sub.submitted_at = now
    sub.first_submitted_at = sub.first_submitted_at or now
    sub.save()
    Comment.objects.create(submission=sub, author=user, kind=Comment.Kind.SUBMIT, text="")
    return sub


@transaction.atomic
def return_submission(submission: Submission, user, reason: str) -> Submission:
    sub = _locked(submission)
    if not (reason or "").strip():
        raise WorkflowError("退回必须填写原因")
    if sub.state != Submission.State.SUBMITTED:
        raise WorkflowError(f"只有已提交的填报可以退回（当前：{sub.get_state_display()}）")
    sub.state = Submission.State.RETURNED
    sub.save(update_fields=["state"])
    Comment.objects.create(submission=sub, author=user, kind=Comment.Kind.RETURN, text=reason.strip())
    return sub


@transaction.atomic
def accept(submission: Submission, user) -> Submission:
    """Accept: the submission's values become observations (the data assessment reads)."""
    sub = _locked(submission)
    if sub.state != Submission.State.SUBMITTED:
        raise WorkflowError(f"只有已提交的填报可以通过（当前：{sub.get_state_display()}）")
    makers = [*sub.comments.filter(kind=Comment.Kind.SUBMIT).values_list("author", flat=True),
              *EntryChange.objects.filter(entry__submission=sub).values_list("user", flat=True).distinct()]
    duty_note = separate(user, makers, "填报或提交本单位数据的人与审核通过的人", WorkflowError)
    region, year = sub.round.region, sub.round.year
    observations = [Observation(indicator_id=e.indicator_id, region=region, year=year, sex=e.sex, age=e.age,
                                residence=e.residence, value=e.value, numerator=e.numerator,
                                denominator=e.denominator, note=e.note, synthetic=False,
                                origin=Observation.Origin.ROUND, source="")
                    for e in sub.entries.all()]
    # An accepted value of the round's year replaces an imported history value (or the value
    # accepted before an unlock) of that cell; what it replaced is kept (audit.upsert).
    audit.upsert(Observation.objects.filter(region=region, year=year,
                                            indicator__in={o.indicator_id for o in observations}),
                 observations, unique_fields=["indicator", "region", "year", "sex", "age", "residence"],
                 update_fields=["value", "numerator", "denominator", "note", "synthetic", "origin", "source",
                                "updated_at"])
    sub.state = Submission.State.ACCEPTED
    sub.accepted_at = timezone.now()
    sub.accepted_by = user
    if sub.round.state == ReportingRound.State.CLOSED:
        sub.state = Submission.State.LOCKED
        sub.reopened = False
    sub.save()
    Comment.objects.create(submission=sub, author=user, kind=Comment.Kind.ACCEPT, text=duty_note)
    transaction.on_commit(lambda: signals.submission_accepted.send(sender=Submission, submission=sub, user=user))
    return sub


@transaction.atomic
def unlock(submission: Submission, user, reason: str) -> Submission:
    sub = _locked(submission)
    if not (reason or "").strip():
        raise WorkflowError("解锁必须填写原因")
    if sub.state not in (Submission.State.ACCEPTED, Submission.State.LOCKED):
        raise WorkflowError(f"只有已通过或已锁定的填报可以解锁（当前：{sub.get_state_display()}）")
    sub.state = Submission.State.RETURNED
    sub.reopened = sub.round.state == ReportingRound.State.CLOSED
    sub.save(update_fields=["state", "reopened"])
    Comment.objects.create(submission=sub, author=user, kind=Comment.Kind.UNLOCK, text=reason.strip())
    return sub


def add_comment(submission: Submission, user, text: str) -> Comment:
    if not (text or "").strip():
        raise WorkflowError("意见不能为空")
    return Comment.objects.create(submission=submission, author=user, kind=Comment.Kind.COMMENT, text=text.strip())


def work_report_version(sub: Submission, report: DepartmentReport | None = None) -> str:
    """The version a work report form is based on: a digest of the stored texts (saving
    values, which bumps ``Submission.version``, does not make the report form stale)."""
    report = report or sub.work_report()
    texts = json.dumps([getattr(report, field) for field in WORK_REPORT_FIELDS.values()], ensure_ascii=False)
    return hashlib.sha256(texts.encode("utf-8")).hexdigest()[:16]


@transaction.atomic
def save_work_report(submission: Submission, user, data: dict) -> Submission:
    """Save the three texts (as a draft, until the submission is submitted). ``data["based_on"]`` (work_report_version of what the form
    showed): if the stored report changed meanwhile, nothing is saved (never last-write-wins)."""
    sub = _locked(submission)
    if not sub.is_editable:
        raise WorkflowError(f"当前状态“{sub.get_state_display()}”不能修改工作报告")
    based_on = data.get("based_on")
    if based_on is not None and based_on != work_report_version(sub):
        raise WorkflowError("年度工作报告已被他人修改，未保存；请刷新页面核对后再保存")
    report = sub.work_report()     # the submission's row lock serialises its creation too
    for key, field in WORK_REPORT_FIELDS.items():
        setattr(report, field, (data.get(key) or "").strip())
    report.state, report.submitted_at, report.updated_by = DepartmentReport.State.DRAFT, None, user
    report.save()
    return sub


def remind(round_: ReportingRound, user) -> int:
    """催报: a reminder on every submission not yet submitted; shown on the department's task list."""
    if round_.state != ReportingRound.State.OPEN:
        raise WorkflowError("轮次已关闭，无需催报")
    pending = list(round_.submissions.filter(state__in=Submission.EDITABLE))
    text = f"请于{round_.deadline:%Y年%m月%d日}前完成{round_.year}年度监测数据填报和年度工作报告，并提交审核。"
    Comment.objects.bulk_create([Comment(submission=sub, author=user, kind=Comment.Kind.REMIND, text=text)
                                 for sub in pending])
    return len(pending)


# ---------------------------------------------------------------- completeness and timeliness

def completeness(round_: ReportingRound) -> list[dict]:
    """Per department: cells required and filled, per indicator too, and timeliness."""
    ensure_submissions(round_)
    subs = list(round_.submissions.select_related("department", "round"))
    # every department's indicators in one query and the age groups of all of them in one more
    reported = defaultdict(list)
    for ind in (Indicator.objects.filter(plan__region=round_.region, plan__status=Plan.Status.CONFIRMED,
                                         responsible_department__in=[s.department_id for s in subs])
                .select_related("plan", "catalogue").defer(*PLAN_TEXT_FIELDS)
                .order_by("plan__kind", "plan_id", "position", "pk")):
        reported[ind.responsible_department_id].append(ind)
    cells = grids([ind for inds in reported.values() for ind in inds])
    filled = defaultdict(int)
    for sub_id, ind_id, _sex, _age, _res in (Entry.objects.filter(submission__round=round_)
                                          .filter(Q(value__isnull=False) | ~Q(note=""))
                                          .values_list("submission_id", "indicator_id", "sex", "age", "residence")):
        filled[(sub_id, ind_id)] += 1
    rows = []
    for sub in subs:
        indicators = []
        for ind in reported[sub.department_id]:
            required = len(cells[ind.pk])
            done = min(filled[(sub.pk, ind.pk)], required)
            indicators.append({"indicator": ind, "required": required, "filled": done})
        required = sum(i["required"] for i in indicators)
        done = sum(i["filled"] for i in indicators)
        rows.append({"submission": sub, "indicators": indicators, "required": required, "filled": done,
                     "percent": round(100 * done / required) if required else 100, "timeliness": sub.timeliness})
    return rows
