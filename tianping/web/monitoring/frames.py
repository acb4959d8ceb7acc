"""The one hand-over between stored data and tianping.core.assess, keyed by indicator id.

core reads frames whose ``indicator`` column is a key. Here that key is the stored
Indicator's id (``key``), so two indicators of one plan with the same name never meet
and nothing is matched back by name. The results come back with the key swapped for
the indicator's label (its name, or "name（position）" when a plan repeats a name) and
the id kept in ``indicator_id``; sentences are written after the swap, so they name
the indicator.

    inputs = gather(plan, region)                      targets, observations, judgements
    year = assessment_year(requested, inputs)          the one rule for the year
    assessment = assess_inputs(inputs, year)           core's Assessment, labelled
    result_fields(row)                                 every result column, as Result fields

``STORED_ELSEWHERE`` names the result columns not stored as a Result field of the same
name; tests/web/monitoring/test_frames.py fails when core gains a column stored nowhere.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from django.db import models

from tianping.core.assess import AssessConfig, assess
from tianping.core.assess.engine import Assessment
from tianping.core.figures import as_written
from tianping.web.observations.models import Observation, assessed_list
from tianping.web.orgs.models import Region
from tianping.web.plans.models import Indicator, Plan, Target

from .models import QualitativeJudgement, Result

TARGET_COLUMNS = ["indicator", "area", "goal", "year", "op", "value", "upper", "unit", "base_year", "tolerance",
                  "direction", "text", "kind"]
OBSERVATION_FIELDS = ["indicator_id", "year", "sex", "age", "residence", "value", "numerator", "denominator",
                      "synthetic", "origin"]
JUDGEMENT_COLUMNS = ["indicator", "judgement", "region", "evidence"]

# Result columns not stored in a Result field of the same name, and where they are.
STORED_ELSEWHERE = {
    "region": "AssessmentRun.region (a run is one region)",
    "indicator": "Result.indicator (the foreign key, from indicator_id)",
    "indicator_id": "Result.indicator",
    "goal": "Result.goal (the indicator's goal)",
}


def key(indicator_id: int) -> str:
    """The ``indicator`` value core sees for a stored indicator."""
    return str(indicator_id)


@dataclass
class Inputs:
    """What core reads for one plan × region, and the stored indicators behind the keys."""

    plan: Plan
    region: Region
    indicators: dict[str, Indicator]        # key → Indicator, in plan order
    targets: pd.DataFrame
    observations: pd.DataFrame
    judgements: pd.DataFrame
    synthetic: bool                         # the observations are the labelled demo data

    def labels(self) -> dict[str, str]:
        """key → the name a page or a report says: a name the plan uses twice says where the
        second comes from, as an official would ("（妇女与经济主要目标3）"; its position only
        when even that repeats)."""
        out: dict[str, str] = {}
        seen: set[str] = set()
        for k, ind in self.indicators.items():
            label = ind.name
            if label in seen and ind.goal is not None:
                label = f"{ind.name}（{ind.area.name if ind.area else ''}主要目标{ind.goal.number}）"
            if label in seen:
                label = f"{ind.name}（第{ind.position}项）"
            out[k] = label
            seen.update((ind.name, label))
        return out

    def named(self, frame: pd.DataFrame) -> pd.DataFrame:
        """``frame`` with its indicator keys swapped for labels (a report's snapshot says names)."""
        labels = self.labels()
        return frame.assign(indicator=frame["indicator"].astype(object).map(labels))


def plan_indicators(plan: Plan) -> dict[str, Indicator]:
    rows = plan.indicators.select_related("area", "goal", "responsible_department").order_by("position", "pk")
    return {key(ind.pk): ind for ind in rows}


def targets_frame(plan: Plan, indicators: dict[str, Indicator]) -> pd.DataFrame:
    """The plan's targets as core reads them. A fraction without a unit ("1/2以上") of an
    indicator measured in % is put on the % scale (figures.as_written), as its data are."""
    rows = []
    for t in Target.objects.filter(indicator__plan=plan).order_by("indicator_id", "year", "pk"):
        ind = indicators[key(t.indicator_id)]
        value, unit = as_written(t.value, t.unit, ind.unit)
        upper = t.upper if t.upper is None or unit == (t.unit or ind.unit) else as_written(t.upper, t.unit, ind.unit)[0]
        rows.append({"indicator": key(t.indicator_id), "area": ind.area.name if ind.area else "",
                     "goal": ind.goal.number if ind.goal else None, "year": t.year, "op": t.op, "value": value,
                     "upper": upper, "unit": unit, "base_year": t.base_year, "tolerance": t.tolerance,
                     "direction": ind.direction, "text": t.text, "kind": t.kind})
    frame = pd.DataFrame(rows, columns=TARGET_COLUMNS)
    # A target the office left without a number (e.g. "不低于本级女党员比例") cannot be
    # assessed numerically; it is shown on the indicator page but not passed to core.
    needs_value = ~frame["op"].isin(["increase", "decrease", "qualitative"])
    broken = (needs_value & frame["value"].isna()) | ((frame["op"] == "range") & frame["upper"].isna())
    return frame[~broken].drop_duplicates(["indicator", "year", "op", "value", "upper"])


def observations_frame(plan: Plan, region: Region, indicators: dict[str, Indicator]) -> tuple[pd.DataFrame, bool]:
    """The assessed observations of the plan's indicators in region (accepted data with
    imported history: observations.models.assessed_rows), as core's frame; and whether any
    synthetic value is among them."""
    rows = Observation.objects.filter(indicator__plan=plan, region=region)
    frame = pd.DataFrame.from_records(list(rows.values_list(*OBSERVATION_FIELDS)), columns=OBSERVATION_FIELDS)
    frame["indicator_id"] = frame["indicator_id"].map(key)
    if plan.region_id != region.pk:
        frame = pd.concat([frame, _reported_under_own_plans(plan, region, indicators)], ignore_index=True)
    kept = ~frame["synthetic"].astype(bool) | (frame.pop("origin") == Observation.Origin.HISTORY)
    if kept.any():  # the rule of observations.models.assessed_rows, on rows fetched in one query
        frame = frame[kept]
    synthetic = bool(frame.pop("synthetic").astype(bool).any()) if len(frame) else True
    frame["indicator"] = frame.pop("indicator_id").astype(object)
    frame["unit"] = [indicators[k].unit if k in indicators else "" for k in frame["indicator"]]
    frame["region"] = region.code
    for column in ("value", "numerator", "denominator"):
        frame[column] = frame[column].astype(np.float64)
    frame["year"] = frame["year"].astype(np.int64)
    return frame[frame["value"].notna()].reset_index(drop=True), synthetic


def _reported_under_own_plans(plan: Plan, region: Region, indicators: dict[str, Indicator]) -> pd.DataFrame:
    """A city's plan applied to one of its districts: the district reports against its own
    plan, so its values reach the city plan's indicators through the catalogue entry both
    link to (the stable id), never by name. Rows keyed by the city plan's indicator."""
    by_entry: dict[int, str] = {}
    for k, ind in indicators.items():
        if ind.catalogue_id is not None:
            by_entry.setdefault(ind.catalogue_id, k)
    fields = ["indicator__catalogue_id", *OBSERVATION_FIELDS[1:]]
    rows = (Observation.objects.filter(region=region, indicator__catalogue_id__in=by_entry,
                                       indicator__plan__in=Plan.objects.confirmed().filter(region=region))
            .order_by("indicator__plan_id", "indicator__position").values_list(*fields))
    frame = pd.DataFrame.from_records(list(rows), columns=["indicator_id", *OBSERVATION_FIELDS[1:]])
    frame["indicator_id"] = frame["indicator_id"].map(by_entry)
    # one value per cell: a district plan repeating an entry (a restated indicator) counts once
    return frame.drop_duplicates(["indicator_id", "year", "sex", "age", "residence", "origin"])


def indicator_observations(indicator: Indicator, region: Region) -> list[Observation]:
    """The observations the assessment reads for one indicator in region, as rows for a page:
    its own, and for a city plan applied to a district the district's reports under its own
    plans through the catalogue entry (as _reported_under_own_plans gives the engine), one
    per cell; synthetic data dropped beside real data by the rule of assessed_rows."""
    rows = list(Observation.objects.filter(indicator=indicator, region=region))
    if indicator.plan.region_id != region.pk and indicator.catalogue_id is not None:
        rows += list(Observation.objects.filter(
            region=region, indicator__catalogue_id=indicator.catalogue_id,
            indicator__plan__in=Plan.objects.confirmed().filter(region=region))
            .order_by("indicator__plan_id", "indicator__position"))
    seen, unique = set(), []
    for o in rows:
        cell = (o.year, o.sex, o.age, o.residence, o.origin)
        if cell not in seen:
            seen.add(cell)
            unique.append(o)
    unique.sort(key=lambda o: (o.year, o.sex, o.age, o.residence))
    return assessed_list(unique)


def judgements_frame(plan: Plan, region: Region, indicators: dict[str, Indicator]) -> pd.DataFrame:
    rows = QualitativeJudgement.objects.filter(indicator__plan=plan, region=region)
    return pd.DataFrame([{"indicator": key(j.indicator_id), "judgement": j.verdict, "region": region.code,
                          "evidence": j.evidence} for j in rows if key(j.indicator_id) in indicators],
                        columns=JUDGEMENT_COLUMNS)


def gather(plan: Plan, region: Region) -> Inputs:
    indicators = plan_indicators(plan)
    observations, synthetic = observations_frame(plan, region, indicators)
    return Inputs(plan, region, indicators, targets_frame(plan, indicators), observations,
                  judgements_frame(plan, region, indicators), synthetic)


def assessment_year(requested: int | None, observations: pd.DataFrame) -> int | None:
    """The one rule, for the dashboard, the reports and the API: the year asked for (a
    reporting round's, a report's, the page's), else the latest year with data; None when
    neither. Data after the year are not read; a year without data gets late-data warnings."""
    if requested is not None:
        return int(requested)
    return int(observations["year"].max()) if len(observations) else None


def assess_inputs(inputs: Inputs, year: int, config: AssessConfig | None = None) -> Assessment:
    """core's assessment of ``inputs`` as of ``year``, with results and warnings labelled
    (``indicator`` = label, ``indicator_id`` = the stored id) and sentences written."""
    config = config or AssessConfig()
    observations = inputs.observations[inputs.observations["year"] <= year]
    if observations.empty:  # nothing accepted: one blank cell names the region to core, so every
        # numeric target is reported as missing data rather than silently skipped
        observations = pd.DataFrame([{"indicator": inputs.targets["indicator"].iloc[0], "year": year, "sex": "",
                                      "age": "", "residence": "", "value": np.nan, "numerator": np.nan,
                                      "denominator": np.nan, "unit": "", "region": inputs.region.code}])
    quiet = replace(config, sentences=False)     # sentences name the indicator: written below
    raw = assess(observations, inputs.targets, year=year, config=quiet, judgements=inputs.judgements)
    labels = inputs.labels()

    def labelled(frame: pd.DataFrame) -> pd.DataFrame:
        keys = frame["indicator"].astype(object)
        return frame.assign(indicator_id=keys.map(int), indicator=keys.map(labels))

    out = Assessment(labelled(raw.results), labelled(raw.warnings), raw.year, config)
    if config.sentences or (config.sentences is None and len(out.results) <= config.sentence_row_limit):
        out.results = out.with_sentences()
        out.warnings = out.warnings_with_sentences()
    return out


def result_fields(row: dict) -> dict:
    """A results row (``frame.to_dict("records")``) as keyword arguments of Result: every
    column core returns with a field of that name, converted to the field's type."""
    out = {}
    for column, value in row.items():
        if column in STORED_ELSEWHERE:
            continue
        out[column] = _as_field(Result._meta.get_field(column), value)
    return out


def _as_field(field: models.Field, value):
    if isinstance(field, models.BooleanField):
        return None if _missing(value) else bool(value)
    if isinstance(field, (models.IntegerField, models.FloatField)):
        if _missing(value) or math.isinf(float(value)):
            return field.default if field.has_default() else None
        return int(value) if isinstance(field, models.IntegerField) else float(value)
    text = "" if _missing(value) else str(value)
    return text[:field.max_length] if field.max_length else text


def _missing(value) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))
