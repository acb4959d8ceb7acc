"""Run tianping.core.assess for a plan × region from stored observations and store what
it returns. Django only reads and writes here; every figure comes from core.

    assess_plan_region(plan, region, year=None, trigger="")   one run, stored; returns the run
    assess_region(region, year=None, trigger="")              every confirmed plan applying to region
    summarise(results_frame)                                  dashboard figures (used when storing
                                                              and when a page filters by department)

Which observations: ``observations.models.assessed_rows`` — data accepted by the statistics
bureau together with imported history (which may be the demo's labelled synthetic history);
the run records whether any synthetic value was used (``run.synthetic``).
"""

from __future__ import annotations

import logging
import math

import pandas as pd
from django.db import transaction
from django.urls import reverse

from tianping.core.assess import LEVEL_NAMES, WARNING_KIND_NAMES, gender_gaps
from tianping.core.dashboard import summarise
from tianping.core.errors import WorkflowError
from tianping.core.figures import series_label
from tianping.web.observations.models import Observation, assessed_rows
from tianping.web.orgs.models import Department, Region, User
from tianping.web.plans.models import Indicator, Plan, Target

from . import frames
from .cache import touch
from .models import (
    AssessmentRun,
    Attachment,
    Notification,
    QualitativeJudgement,
    Result,
    Warning,
    WarningEvent,
)
from .notices import send

log = logging.getLogger(__name__)

LEVEL_ORDER = ["red", "orange", "yellow"]


# ------------------------------------------------------------------ summaries

def results_from_db(rows) -> pd.DataFrame:
    """Stored Result rows (a queryset) as a frame with the columns summarise() reads."""
    fields = ["area", "headline", "milestone", "status", "judgement", "indicator_id"]
    return pd.DataFrame.from_records(list(rows.values_list(*fields)), columns=fields)


def _num(x):
    if x is None:
        return None
    try:
        x = float(x)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(x) or math.isinf(x) else x


def _int(x):
    x = _num(x)
    return None if x is None else int(x)


def _bool(x):
    if x is None or x is pd.NA or (isinstance(x, float) and math.isnan(x)):
        return None
    return bool(x)


# ------------------------------------------------------------------ the run

def applicable_plans(region: Region):
    """Confirmed plans of the region or of a region above it (a city plan applies to its districts)."""
    # GB/T 2260: the city of 210203 is 210200, its province 210000 (no walk up the tree).
    codes = {region.code, region.code[:4] + "00", region.code[:2] + "0000"}
    return Plan.objects.confirmed().filter(region__code__in=codes)


def assess_region(region: Region, year: int | None = None, trigger: str = "",
                  data_warnings: bool = True) -> list[AssessmentRun]:
    return [run for plan in applicable_plans(region)
            if (run := assess_plan_region(plan, region, year=year, trigger=trigger,
                                          data_warnings=data_warnings)) is not None]


# Warnings about data not yet in: raised when a round closes (or by the command), not
# while departments are still reporting.
DATA_KINDS = ("late_data", "missing_data")


def assess_plan_region(plan: Plan, region: Region, year: int | None = None, trigger: str = "",
                       notify: bool = True, data_warnings: bool = True) -> AssessmentRun | None:
    """Assess plan in region from stored observations; store results and sync warnings.

    ``data_warnings=False`` (a submission accepted mid-round) leaves late/missing-data
    warnings as they are."""
    inputs = frames.gather(plan, region)
    year = frames.assessment_year(year, inputs.observations)
    if inputs.targets.empty or year is None:
        return None
    assessment = frames.assess_inputs(inputs, year)
    results = assessment.results
    indicators = {ind.pk: ind for ind in inputs.indicators.values()}
    departments = _departments_in(region, indicators.values())
    with transaction.atomic():
        run, _ = AssessmentRun.objects.update_or_create(
            plan=plan, region=region, year=year,
            defaults={"synthetic": inputs.synthetic, "trigger": trigger[:60], "summary": summarise(results)})
        run.results.all().delete()
        Result.objects.bulk_create(_result_rows(run, results, indicators, departments), batch_size=2000)
        latest = not AssessmentRun.objects.filter(plan=plan, region=region, year__gt=year).exists()
        warnings = _not_warned_twice(plan, region, assessment.warnings, indicators)
        new = _sync_warnings(plan, region, year, warnings, indicators, departments,
                             data_warnings, results) if latest else []
        run.summary = {**run.summary, "warnings": _warning_counts(plan, region)}
        run.save(update_fields=["summary"])
        touch(region)
    if notify and new:
        transaction.on_commit(lambda: notify_new_warnings(plan, region, new))
    return run


def _not_warned_twice(plan: Plan, region: Region, warnings: pd.DataFrame, indicators: dict[int, Indicator]):
    """A city plan applied to a district warns only about what the district's own plans do
    not cover: the same values under the same catalogue entry are warned once, by the
    district's plan (its departments answer them there; the city sees them in its view)."""
    if plan.region_id == region.pk or warnings.empty:
        return warnings
    covered = set(Indicator.objects.filter(plan__in=Plan.objects.confirmed().filter(region=region),
                                           catalogue__isnull=False).values_list("catalogue_id", flat=True))
    entry = warnings["indicator_id"].map(lambda pk: indicators[pk].catalogue_id)
    return warnings[~entry.isin(covered)]


def _departments_in(region: Region, indicators) -> dict[int, Department | None]:
    """Indicator pk → its responsible department in ``region`` (same name when the plan is a parent's)."""
    local = {d.name: d for d in Department.objects.filter(region=region)}
    out = {}
    for ind in indicators:
        dept = ind.responsible_department
        out[ind.pk] = dept if dept is None or dept.region_id == region.pk else local.get(dept.name)
    return out


def _result_rows(run, results: pd.DataFrame, indicators: dict[int, Indicator], departments) -> list[Result]:
    """Every column core returned, stored (frames.result_fields); the indicator by its id."""
    rows = []
    for r in results.to_dict("records"):
        ind = indicators[r["indicator_id"]]
        rows.append(Result(run=run, indicator=ind, goal_id=ind.goal_id, department=departments.get(ind.pk),
                           **frames.result_fields(r)))
    return rows


def _reason(w: dict, ind: Indicator) -> str:
    sentence = w.get("sentence")
    if isinstance(sentence, str) and sentence:
        return sentence
    label = series_label(ind.name, w["sex"] or "", w.get("age") or "", w.get("residence") or "")
    return f"{label}：{LEVEL_NAMES.get(w['level'], '')}预警，{WARNING_KIND_NAMES.get(w['kind'], w['kind'])}"


def _newest_data(results: pd.DataFrame) -> dict[tuple, int]:
    """(indicator pk, sex, age, residence) → the newest year with a value in this run."""
    rows = results[results["latest_year"].notna()]
    out: dict[tuple, int] = {}
    for ind, sex, age, res, year in zip(rows["indicator_id"], rows["sex"].astype(object),
                                        rows["age"].astype(object), rows["residence"].astype(object),
                                        rows["latest_year"]):
        key = (int(ind), sex or "", age or "", res or "")
        out[key] = max(out.get(key, 0), int(year))
    return out


def _cause_gone(w: Warning, newest: dict[tuple, int]) -> bool:
    """A warning the run no longer raises closes only when the data show the cause is gone:
    the series has a value newer than the one the warning was raised on, or that value was
    corrected since (for missing data: any value). A run without new data for the series —
    a department that has not reported while another's data was accepted — leaves it open."""
    year = newest.get((w.indicator_id, w.sex, w.age, w.residence))
    if year is None:
        return False
    if w.kind == "missing_data" or year > w.year:
        return True
    return year == w.year and Observation.objects.filter(
        indicator_id=w.indicator_id, region_id=w.region_id, sex=w.sex, age=w.age, residence=w.residence,
        year=year, updated_at__gt=w.updated_at).exists()


def _sync_warnings(plan, region, year, frame: pd.DataFrame, indicators: dict[int, Indicator], departments,
                   data_warnings=True, results: pd.DataFrame | None = None) -> list[Warning]:
    """Create warnings the run raises, update those still raised, clear those whose cause
    the data show to be gone (``_cause_gone``)."""
    frame = frame.copy()
    for column in ("kind", "level"):
        if frame[column].dtype.kind in "iu":   # codes → names
            names = list(WARNING_KIND_NAMES) if column == "kind" else LEVEL_ORDER
            frame[column] = [names[i] if i >= 0 else "" for i in frame[column]]
    frame = frame.astype({c: object for c in ("indicator", "sex", "age", "residence", "kind", "level")})
    existing_rows = Warning.objects.filter(plan=plan, region=region, state__in=Warning.ACTIVE)
    if not data_warnings:
        frame = frame[~frame["kind"].isin(DATA_KINDS)]
        existing_rows = existing_rows.exclude(kind__in=DATA_KINDS)
    existing = {w.key: w for w in existing_rows.select_related("indicator")}
    seen, new, events = set(), [], []
    for w in frame.to_dict("records"):
        ind = indicators.get(w["indicator_id"])
        if ind is None or not w["level"]:
            continue
        key = (ind.pk, w["sex"] or "", w["age"] or "", w["residence"] or "", int(w["milestone"] or 0), w["kind"])
        if key in seen:
            continue
        seen.add(key)
        reason = _reason(w, ind)
        old = existing.get(key)
        if old is None:
            new.append(Warning(plan=plan, region=region, indicator=ind, department=departments.get(ind.pk),
                               sex=key[1], age=key[2], residence=key[3], milestone=key[4], kind=key[5],
                               level=w["level"], year=int(w["year"] or year), value=_num(w["value"]), reason=reason))
        elif old.level != w["level"] or old.reason != reason:
            events.append(WarningEvent(warning=old, action=WarningEvent.Action.CHANGED,
                                       text=f"{LEVEL_NAMES.get(old.level, '')} → {LEVEL_NAMES.get(w['level'], '')}：{reason}"))
            old.level, old.reason, old.year, old.value = w["level"], reason, int(w["year"] or year), _num(w["value"])
            old.save(update_fields=["level", "reason", "year", "value", "updated_at"])
    Warning.objects.bulk_create(new, batch_size=2000)
    if new and new[0].pk is None:  # backends that do not return ids (none of ours, but be safe)
        new = list(Warning.objects.filter(plan=plan, region=region, state=Warning.State.OPEN).order_by("-pk")[:len(new)])
    events += [WarningEvent(warning=w, action=WarningEvent.Action.RAISED, text=w.reason) for w in new]
    newest = _newest_data(results) if results is not None else {}
    gone = [w for k, w in existing.items() if k not in seen and _cause_gone(w, newest)]
    for w in gone:
        events.append(WarningEvent(warning=w, action=WarningEvent.Action.CLEARED,
                                   text=f"{newest.get((w.indicator_id, w.sex, w.age, w.residence))}年数据表明"
                                        f"预警原因已消除（{year}年评估）"))
    Warning.objects.filter(pk__in=[w.pk for w in gone]).update(state=Warning.State.RESOLVED)
    WarningEvent.objects.bulk_create(events, batch_size=2000)
    return new


def _warning_counts(plan, region) -> dict:
    counts = {level: 0 for level in LEVEL_ORDER}
    for level in Warning.objects.filter(plan=plan, region=region, state__in=Warning.ACTIVE).values_list("level", flat=True):
        counts[level] = counts.get(level, 0) + 1
    return counts


# ------------------------------------------------------------------ notifications

def notify(users, text: str, url: str = "") -> None:
    """Warning notices: in the app and by e-mail, as each user chose (notices.send)."""
    send(Notification.Kind.WARNING, users, text, url)


def notify_new_warnings(plan: Plan, region: Region, warnings: list[Warning]) -> None:
    """One notice per department to its reporters, and a summary to the region's office."""
    url = reverse("monitoring:warnings")
    by_dept: dict[int | None, list[Warning]] = {}
    for w in warnings:
        by_dept.setdefault(w.department_id, []).append(w)
    for dept_id, items in by_dept.items():
        if dept_id is None:
            continue
        names = "、".join(dict.fromkeys(w.indicator.name for w in items[:5]))
        notify(User.objects.filter(department_id=dept_id, role=User.Role.REPORTER),
               f"{region.name}：{len(items)}条新预警待本单位说明（{names}{'等' if len(items) > 5 else ''}）", url)
    red = sum(w.level == "red" for w in warnings)
    notify(User.objects.filter(region=region, role=User.Role.OFFICE),
           f"{region.name}《{plan.title}》新增预警{len(warnings)}条，其中红色{red}条", url)


# ------------------------------------------------------------------ the workflow

@transaction.atomic
def acknowledge(warning: Warning, user, explanation: str, measure: str) -> Warning:
    warning = Warning.objects.select_for_update().get(pk=warning.pk)
    if warning.state not in (Warning.State.OPEN, Warning.State.ACKNOWLEDGED):
        raise WorkflowError("该预警已办结，不能再说明")
    if not explanation.strip() or not measure.strip():
        raise WorkflowError("请填写原因说明和已采取的措施")
    warning.state, warning.explanation, warning.measure_taken = Warning.State.ACKNOWLEDGED, explanation, measure
    warning.save(update_fields=["state", "explanation", "measure_taken", "updated_at"])
    touch(warning.region)
    WarningEvent.objects.create(warning=warning, action=WarningEvent.Action.ACKNOWLEDGED, user=user,
                                text=f"原因：{explanation}\n措施：{measure}")
    notify(User.objects.filter(region=warning.region, role=User.Role.OFFICE),
           f"{warning.department or ''}已说明预警：{warning.indicator.name}", reverse("monitoring:warning", args=[warning.pk]))
    return warning


@transaction.atomic
def close(warning: Warning, user, action: str, text: str) -> Warning:
    """The office resolves (办结) or escalates (上报领导小组) a warning."""
    warning = Warning.objects.select_for_update().get(pk=warning.pk)
    if action not in (Warning.State.RESOLVED, Warning.State.ESCALATED):
        raise WorkflowError("未知操作")
    if warning.state == Warning.State.RESOLVED:
        raise WorkflowError("该预警已办结")
    warning.state = action
    warning.save(update_fields=["state", "updated_at"])
    WarningEvent.objects.create(warning=warning, action=action, user=user, text=text)
    touch(warning.region)
    if action == Warning.State.ESCALATED:
        notify(User.objects.filter(region=warning.region, role=User.Role.LEADERSHIP),
               f"预警上报：{warning.reason}", reverse("monitoring:warning", args=[warning.pk]))
    return warning


# ------------------------------------------------------------------ reading helpers for pages

def summarise_rows(rows) -> dict:
    """summarise() over stored Result rows (e.g. one department's)."""
    frame = results_from_db(rows)
    return summarise(frame) if not frame.empty else {}


def department_in(indicator: Indicator, region: Region) -> Department | None:
    dept = indicator.responsible_department
    if dept is None or dept.region_id == region.pk:
        return dept
    return Department.objects.filter(region=region, name=dept.name).first()


@transaction.atomic
def record_judgement(form, indicator: Indicator, region: Region, user) -> QualitativeJudgement:
    """Store the evaluation group's judgement with its files, then re-assess so it counts in 达标率."""
    judgement = form.save(commit=False)
    judgement.indicator, judgement.region, judgement.judged_by = indicator, region, user
    judgement.save()
    for upload in form.cleaned_data.get("attachments") or []:
        Attachment.objects.create(judgement=judgement, file=upload, name=upload.name[:200], size=upload.size)
    run = AssessmentRun.objects.filter(plan=indicator.plan, region=region).order_by("-year").first()
    assess_plan_region(indicator.plan, region, year=run.year if run else None, trigger="judgement")
    return judgement


def gender_view(run: AssessmentRun) -> dict:
    """分性别统计: F/M latest values, gap and its trend per sex-disaggregated indicator
    (core.assess.gender_gaps over the stored results: the trend is a test of the two series'
    slopes, 例数过少 for rare-event rates), and the share of measurable indicators required
    by sex whose female and male data were actually reported."""
    fields = ["indicator_id", "sex", "age", "residence", "latest_year", "latest_value", "unit", "trend_slope",
              "trend_t", "n_points", "pooled_years"]
    rows = list(run.results.filter(sex__in=["女", "男"]).values_list(*fields))
    frame = pd.DataFrame.from_records(rows, columns=fields).drop_duplicates(["indicator_id", "sex", "age", "residence"])
    frame = frame.rename(columns={"indicator_id": "indicator"}).assign(region=run.region.code)
    gaps = gender_gaps(frame) if not frame.empty else pd.DataFrame()
    names = {i.pk: i for i in Indicator.objects.filter(plan=run.plan)}
    items = [{"indicator": names.get(g["indicator"]), "age": g["age"], "residence": g["residence"],
              "unit": g["unit"], "year": _int(g["year"]), "female": _num(g["female"]), "male": _num(g["male"]),
              "gap": _num(g["gap"]), "ratio": _num(g["ratio"]), "gap_change": _num(g.get("gap_change")),
              "trend": g.get("trend", ""), "same_year": bool(g["same_year"])} for g in gaps.to_dict("records")]
    # a qualitative target ("儿童健康水平明显提高") has no figures to split by sex
    measurable = set(Target.objects.filter(indicator__plan=run.plan).exclude(kind=Target.Kind.QUALITATIVE)
                     .values_list("indicator_id", flat=True))
    required = [i for i in names.values() if i.by_sex and i.pk in measurable]
    rows = assessed_rows(Observation.objects.filter(indicator__plan=run.plan, region=run.region))
    reported_ids = set(rows.filter(indicator__in=required, sex="女", value__isnull=False)
                       .values_list("indicator_id", flat=True)) \
        & set(rows.filter(indicator__in=required, sex="男", value__isnull=False).values_list("indicator_id", flat=True))
    with_data = set(rows.filter(indicator__in=required, value__isnull=False).values_list("indicator_id", flat=True))
    missing = sorted((i for i in required if i.pk not in reported_ids), key=lambda i: i.position)
    # two different gaps: data reported only as a total, and no data at all (a collection problem)
    return {"gaps": items, "required": len(required), "reported": len(reported_ids),
            "share": round(100 * len(reported_ids) / len(required)) if required else None,
            "missing": missing, "missing_split": [i for i in missing if i.pk in with_data],
            "missing_data": [i for i in missing if i.pk not in with_data]}
