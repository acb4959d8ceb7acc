"""What the publishing pages and the worker do. Django gathers and stores; the figures
come from ``tianping.core.assess`` and the documents from ``tianping.reports``.

    gather(report)               the data snapshot (JSON-safe dict) the report is drafted from
    draft(snapshot)              core assessment + tianping.reports document from a snapshot
    reproduce(report, fmt, out)  render a published report again from its stored snapshot
    tasks.request_generation(report, user)  a GenerationJob, sent to the worker (huey) on commit
    run_job(job_id, last_attempt)     the worker's work: render to temp names, rename, commit once
    edit_sections / review / approve / publish / send_back   the workflow, one transaction each

A snapshot holds the plan structure, targets, the observations the assessment reads
(accepted data, else labelled synthetic data; never a mix), the evaluation group's
judgements, the departments' submitted self-evaluations, the office's text and the
assessment results. It is stored with the files it produced (``Report.snapshot`` +
sha256), so what was reviewed, approved and published is exactly what was drafted.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import os
from dataclasses import fields
from datetime import timedelta
from pathlib import Path

import numpy as np
import pandas as pd
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from tianping.core import model as core
from tianping.core.assess import assess
from tianping.core.errors import WorkflowError
from tianping.reports import EvaluationInputs, build_report, render
from tianping.web.accountability.citations import inspections_for_report
from tianping.web.collection.models import DepartmentReport, ReportingRound, Submission
from tianping.web.monitoring import frames
from tianping.web.monitoring.models import QualitativeJudgement
from tianping.web.orgs.duties import separate

from . import heartbeat
from .models import (
    Approval,
    GenerationJob,
    ImmutableReport,
    Report,
    ReportFile,
    reports_dir,
)

log = logging.getLogger(__name__)

FORMATS = ("docx", "pdf", "html")
SNAPSHOT_VERSION = 1
BUILDABLE = (Report.Kind.ANNUAL, Report.Kind.MIDTERM, Report.Kind.FINAL)
# A running job whose heartbeat (publishing.heartbeat, every 5 s) is older than this belongs to a
# worker that died (killed, machine restarted): tasks.py queues it again, a new request replaces it.
JOB_STALE_SECONDS = int(os.environ.get("TIANPING_JOB_STALE_SECONDS", "30"))


def silent_jobs(stale_seconds: int | None = None) -> Q:
    """The one rule for a lost job: running, and no heartbeat (or start) for the stale limit."""
    cutoff = timezone.now() - timedelta(seconds=JOB_STALE_SECONDS if stale_seconds is None else stale_seconds)
    return Q(state=GenerationJob.State.RUNNING) & (
        Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, started_at__lt=cutoff))


# ------------------------------------------------------------------ snapshot

def _plain(value):
    """numpy / pandas scalars → JSON values; NaN and NA → None."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (np.bool_, bool)):
        return bool(value)
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating, float)):
        return None if math.isnan(value) or math.isinf(value) else float(value)
    if isinstance(value, (str, int)):
        return value
    return str(value)


def records(frame: pd.DataFrame) -> dict:
    return {"columns": [str(c) for c in frame.columns],
            "rows": [[_plain(v) for v in row] for row in frame.astype(object).itertuples(index=False, name=None)]}


def frame_of(table: dict, numeric=(), integer=()) -> pd.DataFrame:
    frame = pd.DataFrame(table["rows"], columns=table["columns"])
    for column in numeric:
        if column in frame:
            frame[column] = pd.to_numeric(frame[column], errors="coerce").astype(np.float64)
    for column in integer:
        if column in frame:
            frame[column] = frame[column].astype(np.int64)
    return frame


def canonical(data: dict) -> bytes:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def sha256_of(data: dict) -> str:
    return hashlib.sha256(canonical(data)).hexdigest()


def gather(report: Report) -> dict:
    """The inputs of the report as they are now, JSON-safe and deterministic."""
    plan, region = report.plan, report.region
    inputs = frames.gather(plan, region)   # keyed by indicator id; the snapshot says names
    labels = inputs.labels()
    targets = inputs.named(inputs.targets)
    obs = inputs.named(inputs.observations[inputs.observations["year"] <= report.year]).assign(region=region.name)
    obs = obs.sort_values(["indicator", "year", "sex", "age", "residence"], kind="stable").reset_index(drop=True)
    judgements = inputs.named(inputs.judgements).assign(region=region.name)
    judged = {labels[frames.key(j.indicator_id)]: f"评估组评定为“{j.verdict}”。{j.evidence.strip()}"
              for j in QualitativeJudgement.objects.filter(indicator__plan=plan, region=region)
              if frames.key(j.indicator_id) in labels}
    expected, reported = departments_due(plan, region, report.year, inputs.indicators)
    self_evaluations = DepartmentReport.objects.filter(
        plan=plan, region=region, year=report.year, state=DepartmentReport.State.SUBMITTED
    ).select_related("department").order_by("department__name")
    return {
        "version": SNAPSHOT_VERSION,
        "report": {"id": report.pk, "kind": report.kind, "year": report.year},
        "region": {"code": region.code, "name": region.name},
        "plan": {"id": plan.pk, "title": plan.title, "kind": plan.kind, "start_year": plan.start_year,
                 "end_year": plan.end_year, "milestone_years": list(plan.milestone_years or []),
                 "areas": [a.name for a in plan.areas.order_by("number")],
                 "indicators": [{"key": labels[key], "unit": ind.unit, "area": ind.area.name if ind.area else "",
                                 "position": ind.position} for key, ind in inputs.indicators.items()]},
        "synthetic": bool(inputs.synthetic),
        "targets": records(targets),
        "observations": records(obs),
        "judgements": records(judgements),
        "inputs": {"judgements": judged,
                   "department_reports": {s.department.name: s.summary() for s in self_evaluations},
                   "problems": report.problems.strip(), "recommendations": report.recommendations.strip(),
                   "responsible": {labels[key]: ind.responsible_department.name
                                   for key, ind in inputs.indicators.items() if ind.responsible_department_id},
                   "departments_expected": expected, "departments_reported": reported,
                   # 督导检查 of the report year, cited in the departments' section (plain data:
                   # tianping.reports never imports the web)
                   "inspections": inspections_for_report(region, report.year)},
    }


def departments_due(plan, region, year: int, keys) -> tuple[list[str], list[str]]:
    """(departments responsible for the plan's indicators, … that have submitted for ``year``),
    when a reporting round for that year exists; ([], []) otherwise (data came another way)."""
    round_ = ReportingRound.objects.filter(region=region, year=year).first()
    if round_ is None:
        return [], []
    expected = sorted({ind.responsible_department.name for ind in keys.values() if ind.responsible_department_id})
    done = (Submission.State.SUBMITTED, Submission.State.ACCEPTED, Submission.State.LOCKED)
    reported = sorted(set(round_.submissions.filter(state__in=done).values_list("department__name", flat=True))
                      & set(expected))
    return expected, reported


def core_plan(snapshot: dict):
    """The plan as tianping.reports reads it: title, kind, years, area names, indicator order."""
    p = snapshot["plan"]
    return core.Plan(title=p["title"], kind=p["kind"], region=snapshot["region"]["name"],
                     start_year=p["start_year"], end_year=p["end_year"], milestone_years=list(p["milestone_years"]),
                     areas=[core.Area(number=i, name=name) for i, name in enumerate(p["areas"], start=1)],
                     indicator_table=[core.Indicator(name=i["key"], unit=i["unit"]) for i in p["indicators"]])


def assessment_of(snapshot: dict):
    obs = observations_of(snapshot)
    targets = frame_of(snapshot["targets"], numeric=("value", "upper", "tolerance"))
    targets["base_year"] = pd.to_numeric(targets["base_year"], errors="coerce")
    targets["goal"] = pd.to_numeric(targets["goal"], errors="coerce")
    year = frames.assessment_year(snapshot["report"]["year"], obs)   # the dashboard's rule
    return assess(obs, targets, year=year, judgements=frame_of(snapshot["judgements"]))


def observations_of(snapshot: dict) -> pd.DataFrame:
    return frame_of(snapshot["observations"], numeric=("value", "numerator", "denominator"), integer=("year",))


def draft(snapshot: dict, progress=None):
    """(document, assessment) drafted from a snapshot by tianping.reports."""
    # tianping.reports loads matplotlib and the CJK fonts (about a second): only where a
    # report is drafted or rendered (the worker), not in every web process at start-up

    EVALUATION_FIELDS = {f.name for f in fields(EvaluationInputs)}

    kind = snapshot["report"]["kind"]
    if kind not in BUILDABLE:
        raise WorkflowError("此类报告暂不能自动生成")
    assessment = assessment_of(snapshot)
    region = snapshot["region"]["name"]
    inputs = snapshot["inputs"]
    options = {"region": region, "plan": core_plan(snapshot), "synthetic": snapshot["synthetic"]}
    inputs = EvaluationInputs(**{k: v for k, v in inputs.items() if k in EVALUATION_FIELDS})
    if kind == Report.Kind.ANNUAL:
        document = build_report("annual", assessment, year=snapshot["report"]["year"],
                                observations=observations_of(snapshot), progress=progress, inputs=inputs, **options)
    else:
        document = build_report(kind, assessment, inputs=inputs, observations=observations_of(snapshot), **options)
    return document, assessment


def results_table(assessment) -> dict:
    columns = ["indicator", "area", "sex", "age", "residence", "headline", "milestone", "op", "target_value",
               "target_text", "unit", "latest_year", "latest_value", "status", "projected", "projected_low",
               "projected_high", "p_attain", "pooled_value", "pooled_low", "pooled_high", "pooled_events",
               "progress_ratio", "sentence"]
    frame = assessment.results
    return records(frame[[c for c in columns if c in frame.columns]])


def reproduce(report: Report, fmt: str, out) -> None:
    """Render the report again from its stored snapshot (e.g. to check a published file)."""
    if not report.snapshot:
        raise WorkflowError("报告尚未生成，没有数据快照")
    inputs = {k: v for k, v in report.snapshot.items() if k not in ("results", "completeness")}
    document, _ = draft(inputs)
    render(document, fmt, out)


def data_changed(report: Report) -> bool:
    """Whether the stored data differs from the report's snapshot (a reviewer's hint)."""
    if not report.snapshot:
        return False
    now = gather(report)
    then = {k: v for k, v in report.snapshot.items() if k not in ("results", "completeness")}
    return canonical(now) != canonical(then)


# ------------------------------------------------------------------ generation

def _progress(job_id: int):
    def update(percent: float, message: str) -> None:
        GenerationJob.objects.filter(pk=job_id).update(progress=max(1, min(99, int(percent))), message=message[:200])
    return update


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def run_job(job_id: int, last_attempt: bool = True) -> None:
    """Generate every format of the job's report. Files are written under temporary names
    and renamed only when all are complete; the report, its files and the job change in
    one transaction. On failure the job says so (and is retried by the worker unless this
    was the last attempt); the report keeps its previous files."""

    # Claim the job: only a queued (or failed, run again) job starts, so a job queued twice (a
    # re-queue racing a slow worker, two workers on one Redis queue) runs once.
    now = timezone.now()
    claimable = [GenerationJob.State.QUEUED, GenerationJob.State.FAILED]
    if not GenerationJob.objects.filter(pk=job_id, state__in=claimable).update(
            state=GenerationJob.State.RUNNING, attempts=F("attempts") + 1, started_at=now, heartbeat_at=now,
            worker=heartbeat.WORKER, error="", progress=1, message="正在汇总数据"):
        return
    with heartbeat.beating(job_id):
        _run_claimed(job_id, last_attempt)


def _run_claimed(job_id: int, last_attempt: bool) -> None:
    job = GenerationJob.objects.select_related("report__plan", "report__region").get(pk=job_id)
    report = job.report
    progress = _progress(job_id)
    folder = reports_dir() / str(report.pk)
    written: list[Path] = []
    try:
        if report.state != Report.State.DRAFT:
            raise WorkflowError("报告已不是草稿，不再生成")
        snapshot = gather(report)
        progress(5, "正在评估")
        document, assessment = draft(snapshot, progress=lambda f, m: progress(5 + 55 * f, m))
        snapshot["results"] = results_table(assessment)
        snapshot["completeness"] = document.completeness
        folder.mkdir(parents=True, exist_ok=True)
        stamp = f"{report.kind}-{report.pk}-{job.pk}-{job.attempts}"
        finals = {}
        for n, fmt in enumerate(FORMATS):
            progress(60 + 12 * n, f"正在生成{fmt.upper()}文件")
            temp = folder / f".{stamp}.{fmt}.part"
            written.append(temp)
            render(document, fmt, temp)
            finals[fmt] = (temp, folder / f"{stamp}.{fmt}")
        progress(97, "正在保存")
        now = timezone.now()
        with transaction.atomic():
            locked = Report.objects.select_for_update().get(pk=report.pk)
            if locked.state != Report.State.DRAFT:
                raise WorkflowError("报告已不是草稿，不再生成")
            old = {f.format: f.full_path for f in locked.files.all()}
            for fmt, (temp, final) in finals.items():
                os.replace(temp, final)
                written.append(final)
                ReportFile.objects.update_or_create(report=locked, format=fmt, defaults={
                    "path": str(final.relative_to(reports_dir())), "size": final.stat().st_size,
                    "sha256": _sha256_file(final), "generated_at": now})
            same_text = (snapshot["inputs"]["problems"] == locked.problems.strip()
                         and snapshot["inputs"]["recommendations"] == locked.recommendations.strip())
            locked.snapshot, locked.snapshot_sha256 = snapshot, sha256_of(snapshot)
            locked.title, locked.synthetic, locked.generated_at = document.title[:300], snapshot["synthetic"], now
            locked.needs_generation = not same_text
            locked.save()
            Approval.objects.create(report=locked, step=Approval.Step.GENERATED, user=job.requested_by,
                                    comment="；".join(f"{fmt}：{finals[fmt][1].name}" for fmt in FORMATS))
            GenerationJob.objects.filter(pk=job_id).update(state=GenerationJob.State.DONE, progress=100,
                                                           message="已完成", finished_at=now)
            transaction.on_commit(lambda: [p.unlink(missing_ok=True) for p in old.values()])
    except Exception as err:
        for path in written:   # nothing half-written stays behind; committed files are not in `written` past here
            if path.name.endswith(".part") or not ReportFile.objects.filter(path=str(path.relative_to(reports_dir()))).exists():
                path.unlink(missing_ok=True)
        final = last_attempt or isinstance(err, WorkflowError)
        GenerationJob.objects.filter(pk=job_id).update(
            state=GenerationJob.State.FAILED if final else GenerationJob.State.QUEUED,
            error=f"{type(err).__name__}: {err}"[:2000], finished_at=timezone.now() if final else None,
            message=("生成失败：" + str(err))[:200] if final else "生成失败，稍后自动重试")
        log.exception("report generation job %s failed", job_id)
        if not isinstance(err, WorkflowError):
            raise


# ------------------------------------------------------------------ workflow

def _locked(report: Report) -> Report:
    report = Report.objects.select_for_update().get(pk=report.pk)
    if report.state == Report.State.PUBLISHED:
        raise ImmutableReport("已发布的报告不能修改")
    return report


@transaction.atomic
def create_report(plan, region, kind: str, year: int, user) -> Report:
    report = Report.objects.create(plan=plan, region=region, kind=kind, year=year, created_by=user)
    return report


@transaction.atomic
def edit_sections(report: Report, user, problems: str, recommendations: str) -> Report:
    report = _locked(report)
    if report.state != Report.State.DRAFT:
        raise WorkflowError("只有草稿可以修改；请先退回修改")
    report.problems, report.recommendations, report.needs_generation = problems, recommendations, True
    report.save()
    Approval.objects.create(report=report, step=Approval.Step.EDITED, user=user)
    return report


def _check_files(report: Report) -> None:
    files = {f.format: f for f in report.files.all()}
    if report.needs_generation or set(files) != set(FORMATS):
        raise WorkflowError("报告文件不是最新的，请先生成")
    for f in files.values():
        if not f.full_path.is_file() or _sha256_file(f.full_path) != f.sha256:
            raise WorkflowError(f"{f.format}文件缺失或已被改动，请重新生成")


def _authors(report: Report) -> list:
    """Who wrote the report: its creator and everyone who edited its text."""
    return [report.created_by_id, *report.approvals.filter(step=Approval.Step.EDITED).values_list("user", flat=True)]


def _duty_note(report: Report, user, step: str) -> str:
    """Four eyes: an author may not review or approve, the reviewer may not approve."""
    if step == Approval.Step.REVIEWED:
        return separate(user, _authors(report), "报告的起草人与审核人", WorkflowError)
    if step == Approval.Step.APPROVED:
        reviewer = report.approvals.filter(step=Approval.Step.REVIEWED).order_by("-at", "-pk").values_list("user", flat=True)[:1]
        return separate(user, [*_authors(report), *reviewer], "报告的起草人或审核人与批准人", WorkflowError)
    return ""


def _step(report: Report, user, comment: str, need: str, to: str, step: str) -> Report:
    with transaction.atomic():
        report = _locked(report)
        if report.state != need:
            raise WorkflowError("报告状态已变化，请刷新页面")
        _check_files(report)
        note = _duty_note(report, user, step)
        report.state = to
        if to == Report.State.PUBLISHED:
            report.published_at = timezone.now()
        report.save()
        Approval.objects.create(report=report, step=step, user=user, comment=f"{note}{comment}")
    return report


def review(report, user, comment=""):
    return _step(report, user, comment, Report.State.DRAFT, Report.State.REVIEWED, Approval.Step.REVIEWED)


def approve(report, user, comment=""):
    return _step(report, user, comment, Report.State.REVIEWED, Report.State.APPROVED, Approval.Step.APPROVED)


def missing_data(report: Report) -> list[str]:
    """What the report's data lack, as its first page says (from the generated snapshot)."""
    completeness = (report.snapshot or {}).get("completeness") or {}
    return list(completeness.get("problems") or [])


def publish(report, user, comment="", confirm_incomplete: bool = False):
    """Publish; a report whose data are incomplete needs ``confirm_incomplete``, and the
    publication record names what was missing."""
    missing = missing_data(report)
    if missing and not confirm_incomplete:
        raise WorkflowError("报告数据不完整：" + "；".join(missing) + "。请确认后再发布。")
    if missing:
        comment = (comment + "\n" if comment else "") + "确认在数据不完整的情况下发布：" + "；".join(missing)
    return _step(report, user, comment, Report.State.APPROVED, Report.State.PUBLISHED, Approval.Step.PUBLISHED)


@transaction.atomic
def send_back(report: Report, user, comment: str) -> Report:
    report = _locked(report)
    if report.state not in (Report.State.REVIEWED, Report.State.APPROVED):
        raise WorkflowError("只有已审核或已批准的报告可以退回")
    if not comment.strip():
        raise WorkflowError("请说明退回原因")
    report.state = Report.State.DRAFT
    report.save()
    Approval.objects.create(report=report, step=Approval.Step.RETURNED, user=user, comment=comment)
    return report


def version_of(instance: DepartmentReport) -> str:
    """The version a self-evaluation form is based on: its last save time ("" = not yet saved)."""
    return instance.updated_at.isoformat() if instance.pk and instance.updated_at else ""


@transaction.atomic
def save_self_evaluation(instance: DepartmentReport, user, submit: bool,
                         based_on: str | None = None) -> DepartmentReport:
    """Save (draft) or submit. Only a submitted self-evaluation feeds reports, so saving one
    without submitting takes it back to draft. ``based_on`` (version_of what the form showed):
    if the stored one changed meanwhile, nothing is saved (never last-write-wins)."""
    if based_on is not None:
        stored = DepartmentReport.objects.select_for_update().filter(
            plan=instance.plan, region=instance.region, department=instance.department, year=instance.year).first()
        if (version_of(stored) if stored else "") != based_on:
            raise WorkflowError("自评报告已被他人修改，未保存；请刷新页面核对后再保存")
    instance.updated_by = user
    if submit:
        instance.state, instance.submitted_at = DepartmentReport.State.SUBMITTED, timezone.now()
    else:
        instance.state, instance.submitted_at = DepartmentReport.State.DRAFT, None
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError:   # created at the same moment in another request
        raise WorkflowError("自评报告已被他人修改，未保存；请刷新页面核对后再保存") from None
    return instance
