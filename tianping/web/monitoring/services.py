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

import numpy as np
import pandas as pd
from django.db import transaction
from django.urls import reverse

from tianping.core import figures
from tianping.core.assess import (
    KIND_NAMES,
    LEVEL_NAMES,
    applicable_targets,
    assess,
    attainment_rate,
)
from tianping.web.observations.models import Observation, assessed_rows
from tianping.web.orgs.models import Department, Region, User
from tianping.web.plans.models import Indicator, Plan, Target

from .cache import touch
from .models import (
    AssessmentRun,
    Notification,
    QualitativeJudgement,
    Result,
    Warning,
    WarningEvent,
)

log = logging.getLogger(__name__)

# Statuses and their traffic lights: the one table in tianping.core.figures.
STATUS_ORDER = list(figures.STATUS_ORDER)
LIGHT = dict(figures.LIGHTS)
LEVEL_ORDER = ["red", "orange", "yellow"]


# ------------------------------------------------------------------ inputs for core

def indicator_keys(plan: Plan) -> dict[str, Indicator]:
    """The name core sees for each indicator; a name used twice in a plan gets its position."""
    keys: dict[str, Indicator] = {}
    for ind in plan.indicators.select_related("area", "goal", "responsible_department").order_by("position", "pk"):
        key = ind.name if ind.name not in keys else f"{ind.name}（{ind.position}）"
        keys[key] = ind
    return keys


def targets_frame(plan: Plan, keys: dict[str, Indicator]) -> pd.DataFrame:
    by_pk = {ind.pk: key for key, ind in keys.items()}
    rows = []
    for t in Target.objects.filter(indicator__plan=plan).order_by("indicator_id", "year", "pk"):
        ind = keys[by_pk[t.indicator_id]]
        rows.append({"indicator": by_pk[t.indicator_id], "area": ind.area.name if ind.area else "",
                     "goal": ind.goal.number if ind.goal else None, "year": t.year, "op": t.op, "value": t.value,
                     "upper": t.upper, "unit": t.unit or ind.unit, "base_year": t.base_year,
                     "tolerance": t.tolerance, "direction": ind.direction, "text": t.text, "kind": t.kind})
    frame = pd.DataFrame(rows, columns=["indicator", "area", "goal", "year", "op", "value", "upper", "unit",
                                        "base_year", "tolerance", "direction", "text", "kind"])
    # A target the office left without a number (e.g. "不低于本级女党员比例") cannot be
    # assessed numerically; it is shown on the indicator page but not passed to core.
    needs_value = ~frame["op"].isin(["increase", "decrease", "qualitative"])
    broken = (needs_value & frame["value"].isna()) | ((frame["op"] == "range") & frame["upper"].isna())
    return frame[~broken].drop_duplicates(["indicator", "year", "op", "value", "upper"])


def observations_frame(plan: Plan, region: Region, keys: dict[str, Indicator]) -> tuple[pd.DataFrame, bool]:
    """The assessed observations of the plan's indicators in region (accepted + history), as core's frame."""
    rows = Observation.objects.filter(indicator__plan=plan, region=region)
    by_pk = {ind.pk: key for key, ind in keys.items()}
    fields = ["indicator_id", "year", "sex", "age", "residence", "value", "numerator", "denominator", "synthetic",
              "origin"]
    frame = pd.DataFrame.from_records(list(rows.values_list(*fields)), columns=fields)
    kept = ~frame["synthetic"].astype(bool) | (frame.pop("origin") == Observation.Origin.HISTORY)
    if kept.any():  # the rule of observations.models.assessed_rows, on rows fetched in one query
        frame = frame[kept]
    synthetic = bool(frame.pop("synthetic").astype(bool).any()) if len(frame) else True
    frame["indicator"] = frame.pop("indicator_id").map(by_pk).astype(object)
    frame["unit"] = [keys[k].unit if k in keys else "" for k in frame["indicator"]]
    frame["region"] = region.code
    for column in ("value", "numerator", "denominator"):
        frame[column] = frame[column].astype(np.float64)
    frame["year"] = frame["year"].astype(np.int64)
    return frame[frame["value"].notna()].reset_index(drop=True), synthetic


def judgements_frame(plan: Plan, region: Region, keys: dict[str, Indicator]) -> pd.DataFrame:
    by_pk = {ind.pk: key for key, ind in keys.items()}
    rows = QualitativeJudgement.objects.filter(indicator__plan=plan, region=region)
    return pd.DataFrame([{"indicator": by_pk[j.indicator_id], "judgement": j.verdict, "region": region.code,
                          "evidence": j.evidence} for j in rows if j.indicator_id in by_pk],
                        columns=["indicator", "judgement", "region", "evidence"])


# ------------------------------------------------------------------ summaries

def summarise(results: pd.DataFrame) -> dict:
    """Per milestone: 达标率 overall and per area (core.assess.attainment_rate) and status
    counts per area, over the headline series. ``results`` has core's result columns."""
    out: dict = {}
    if results.empty:
        return out
    results = results.assign(area=results["area"].astype(object).replace("", "其他"))
    overall = attainment_rate(results.assign(all="全部"), by=("all",))
    per_area = attainment_rate(results, by=("area",))
    head = results[results["headline"]]
    for milestone in sorted(int(m) for m in head["milestone"].unique()):
        # the rows core's 达标率 counts (one target per indicator, the national rule), so the
        # status counts per area add up to its figures
        rows = applicable_targets(results, milestone)
        o = overall[overall["milestone"] == milestone].iloc[0]
        areas = []
        for area in dict.fromkeys(rows["area"].astype(object)):
            a = per_area[(per_area["milestone"] == milestone) & (per_area["area"] == area)].iloc[0]
            counts = rows[rows["area"] == area]["status"].astype(object).value_counts()
            areas.append({"area": area, "targets": int(a["targets"]), "assessable": int(a["assessable"]),
                          "attained": int(a["attained"]), "rate": _num(a["rate"]),
                          "status": {s: int(counts.get(s, 0)) for s in STATUS_ORDER}})
        out[str(milestone)] = {"targets": int(o["targets"]), "assessable": int(o["assessable"]),
                               "attained": int(o["attained"]), "rate": _num(o["rate"]), "areas": areas}
    return out


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
    return Plan.objects.filter(region__code__in=codes, status=Plan.Status.CONFIRMED)


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
    keys = indicator_keys(plan)
    targets = targets_frame(plan, keys)
    if targets.empty:
        return None
    obs, synthetic = observations_frame(plan, region, keys)
    if year is None:
        if obs.empty:
            return None
        year = int(obs["year"].max())
    if obs.empty:   # a round closed with nothing accepted: one blank cell names the region to core,
        # so every numeric target is reported as missing data rather than silently skipped
        obs = pd.DataFrame([{"indicator": targets["indicator"].iloc[0], "year": year, "sex": "", "age": "",
                             "residence": "", "value": np.nan, "numerator": np.nan, "denominator": np.nan,
                             "unit": "", "region": region.code}])
    assessment = assess(obs, targets, year=year, judgements=judgements_frame(plan, region, keys))
    results = assessment.results
    departments = _departments_in(region, keys)
    with transaction.atomic():
        run, _ = AssessmentRun.objects.update_or_create(
            plan=plan, region=region, year=year,
            defaults={"synthetic": synthetic, "trigger": trigger[:60], "summary": summarise(results)})
        run.results.all().delete()
        Result.objects.bulk_create(_result_rows(run, results, keys, departments), batch_size=2000)
        latest = not AssessmentRun.objects.filter(plan=plan, region=region, year__gt=year).exists()
        new = _sync_warnings(plan, region, year, assessment.warnings, keys, departments,
                             data_warnings, results) if latest else []
        run.summary = {**run.summary, "warnings": _warning_counts(plan, region)}
        run.save(update_fields=["summary"])
        touch(region)
    if notify and new:
        transaction.on_commit(lambda: notify_new_warnings(plan, region, new))
    return run


def _departments_in(region: Region, keys: dict[str, Indicator]) -> dict[int, Department | None]:
    """Indicator pk → its responsible department in ``region`` (same name when the plan is a parent's)."""
    local = {d.name: d for d in Department.objects.filter(region=region)}
    out = {}
    for ind in keys.values():
        dept = ind.responsible_department
        out[ind.pk] = dept if dept is None or dept.region_id == region.pk else local.get(dept.name)
    return out


def _result_rows(run, results: pd.DataFrame, keys, departments) -> list[Result]:
    rows = []
    records = results.astype({c: object for c in ("indicator", "sex", "age", "residence", "area", "status")}) \
        .to_dict("records")
    for r in records:
        ind = keys[r["indicator"]]
        rows.append(Result(
            run=run, indicator=ind, area=r["area"] or "", goal_id=ind.goal_id, department=departments.get(ind.pk),
            sex=r["sex"] or "", age=r["age"] or "", residence=r["residence"] or "", headline=bool(r["headline"]),
            milestone=int(r["milestone"]), op=r["op"], target_value=_num(r["target_value"]),
            target_upper=_num(r["target_upper"]), target_text=(r["target_text"] or "")[:300],
            target_unit=r["target_unit"] or "", unit=r["unit"] or "", direction=r["direction"] or "",
            tolerance=_num(r["tolerance"]), goal_value=_num(r["goal_value"]), n_points=_int(r["n_points"]) or 0,
            base_year=_int(r["base_year"]), base_value=_num(r["base_value"]), latest_year=_int(r["latest_year"]),
            latest_value=_num(r["latest_value"]), attained=_bool(r["attained"]),
            previously_attained=_bool(r["previously_attained"]), cagr_observed=_num(r["cagr_observed"]),
            cagr_required=_num(r["cagr_required"]), progress_ratio=_num(r["progress_ratio"]),
            progress_method=r["progress_method"] or "", progress_label=r["progress_label"] or "",
            trend_slope=_num(r["trend_slope"]), trend_method=r["trend_method"] or "",
            projected=_num(r["projected"]), projected_low=_num(r["projected_low"]),
            projected_high=_num(r["projected_high"]), projected_attained=_bool(r["projected_attained"]),
            status=r["status"], progress_index=_num(r["progress_index"]), judgement=r["judgement"] or "",
            sentence=r.get("sentence") or ""))
    return rows


def _reason(w: dict, ind: Indicator) -> str:
    sentence = w.get("sentence")
    if isinstance(sentence, str) and sentence:
        return sentence
    series = {"女": "（女）", "男": "（男）"}.get(w["sex"] or "", "")
    return f"{ind.name}{series}：{LEVEL_NAMES.get(w['level'], '')}预警，{KIND_NAMES.get(w['kind'], w['kind'])}"


def _newest_data(results: pd.DataFrame, keys) -> dict[tuple, int]:
    """(indicator pk, sex, age, residence) → the newest year with a value in this run."""
    rows = results[results["latest_year"].notna()]
    out: dict[tuple, int] = {}
    for ind, sex, age, res, year in zip(rows["indicator"].astype(object), rows["sex"].astype(object),
                                        rows["age"].astype(object), rows["residence"].astype(object),
                                        rows["latest_year"]):
        if ind in keys:
            key = (keys[ind].pk, sex or "", age or "", res or "")
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


def _sync_warnings(plan, region, year, frame: pd.DataFrame, keys, departments, data_warnings=True,
                   results: pd.DataFrame | None = None) -> list[Warning]:
    """Create warnings the run raises, update those still raised, clear those whose cause
    the data show to be gone (``_cause_gone``)."""
    frame = frame.copy()
    for column in ("kind", "level"):
        if frame[column].dtype.kind in "iu":   # codes → names
            names = list(KIND_NAMES) if column == "kind" else LEVEL_ORDER
            frame[column] = [names[i] if i >= 0 else "" for i in frame[column]]
    frame = frame.astype({c: object for c in ("indicator", "sex", "age", "residence", "kind", "level")})
    existing_rows = Warning.objects.filter(plan=plan, region=region, state__in=Warning.ACTIVE)
    if not data_warnings:
        frame = frame[~frame["kind"].isin(DATA_KINDS)]
        existing_rows = existing_rows.exclude(kind__in=DATA_KINDS)
    existing = {w.key: w for w in existing_rows.select_related("indicator")}
    seen, new, events = set(), [], []
    for w in frame.to_dict("records"):
        ind = keys.get(w["indicator"])
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
    newest = _newest_data(results, keys) if results is not None else {}
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
    from .notices import send

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

class WorkflowError(Exception):
    pass


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
    from .models import Attachment

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
    (core.assess.gender_gaps over the stored results, the trend from the series' slopes),
    and the share of indicators required by sex whose female and male data were actually
    reported."""
    from tianping.core.assess import gender_gaps

    fields = ["indicator_id", "sex", "age", "residence", "latest_year", "latest_value", "unit", "trend_slope"]
    rows = list(run.results.filter(sex__in=["女", "男"]).values_list(*fields))
    frame = pd.DataFrame.from_records(rows, columns=fields).drop_duplicates(["indicator_id", "sex", "age", "residence"])
    frame = frame.rename(columns={"indicator_id": "indicator"}).assign(region=run.region.code)
    gaps = gender_gaps(frame) if not frame.empty else pd.DataFrame()
    names = {i.pk: i for i in Indicator.objects.filter(plan=run.plan)}
    items = [{"indicator": names.get(g["indicator"]), "age": g["age"], "residence": g["residence"],
              "unit": g["unit"], "year": _int(g["year"]), "female": _num(g["female"]), "male": _num(g["male"]),
              "gap": _num(g["gap"]), "ratio": _num(g["ratio"]), "gap_change": _num(g.get("gap_change")),
              "trend": g.get("trend", ""), "same_year": bool(g["same_year"])} for g in gaps.to_dict("records")]
    required = [i for i in names.values() if i.by_sex]
    rows = assessed_rows(Observation.objects.filter(indicator__plan=run.plan, region=run.region))
    reported_ids = set(rows.filter(indicator__in=required, sex="女", value__isnull=False)
                       .values_list("indicator_id", flat=True)) \
        & set(rows.filter(indicator__in=required, sex="男", value__isnull=False).values_list("indicator_id", flat=True))
    missing = [i for i in required if i.pk not in reported_ids]
    return {"gaps": items, "required": len(required), "reported": len(reported_ids),
            "share": round(100 * len(reported_ids) / len(required)) if required else None,
            "missing": sorted(missing, key=lambda i: i.position)}
