"""What every report builder needs to know besides the results: the inputs people write,
who is responsible for each indicator, how complete the data are, and the series to chart.

``EvaluationInputs`` is what the office, the departments and the evaluation group supply;
``Completeness`` is said on the first page of every report (and the publishing workflow
asks for a confirmation naming what is missing).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd

from tianping.reports.results import present

TEMPLATES = Path(__file__).parent / "templates"


@dataclass
class EvaluationInputs:
    """What people write, not the data: the office's and departments' text."""

    judgements: dict[str, str] = field(default_factory=dict)          # qualitative indicator -> judgement/evidence
    department_reports: dict[str, str] = field(default_factory=dict)  # department -> self-evaluation summary
    problems: str = ""
    recommendations: str = ""
    responsible: dict[str, str] = field(default_factory=dict)         # indicator -> responsible department
    projects: dict[str, str] = field(default_factory=dict)            # key project -> progress reported
    departments_expected: list[str] = field(default_factory=list)     # member departments due to report
    departments_reported: list[str] = field(default_factory=list)     # … of which have reported
    issuer: str = ""                                                  # 落款 (default: the committee office)
    source: str = ""                                                  # where the data come from
    # 督导检查 of the report year as web.accountability.citations.inspections_for_report gives
    # them (plain data: {"year", "inspections": [{date, departments, findings, corrections}], "sentence"})
    inspections: dict = field(default_factory=dict)


@lru_cache(maxsize=2)
def _usual_departments(path: str) -> list[tuple[str, list[str]]]:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return [(name, words) for name, words in data.items() if not name.startswith("_")]


def usual_department(indicator: str) -> str:
    """The usual lead department for an indicator by keywords (templates/departments.json)."""
    path = os.environ.get("TIANPING_REPORT_DEPARTMENTS", str(TEMPLATES / "departments.json"))
    for name, words in _usual_departments(path):
        if any(word in indicator for word in words):
            return name
    return ""


def responsible_for(indicator: str, inputs: EvaluationInputs, plan=None) -> tuple[str, bool]:
    """(department, assigned?) — the office's assignment, the plan's indicator table, else
    the usual department (assigned = False, marked "*" in tables)."""
    if indicator in inputs.responsible:
        return inputs.responsible[indicator], True
    for item in getattr(plan, "indicator_table", None) or []:
        if item.name == indicator and getattr(item, "data_source", ""):
            return item.data_source, True
    return usual_department(indicator), False


@dataclass
class Completeness:
    """How complete the data behind a report are, for its first page."""

    year: int
    indicators_total: int                    # indicators with a quantitative target or monitored
    indicators_with_data: int                # … with a value for ``year``
    missing: list[str] = field(default_factory=list)          # indicators without a value for ``year``
    departments_expected: list[str] = field(default_factory=list)
    departments_reported: list[str] = field(default_factory=list)
    data_first_year: int | None = None
    data_last_year: int | None = None

    @property
    def departments_missing(self) -> list[str]:
        return [d for d in self.departments_expected if d not in self.departments_reported]

    @property
    def complete(self) -> bool:
        return not self.missing and not self.departments_missing and self.data_last_year is not None \
            and self.data_last_year >= self.year

    def problems(self) -> list[str]:
        """What is missing, in words a confirmation dialog can show."""
        out = []
        if self.data_last_year is None:
            out.append("没有任何监测数据")
        elif self.data_last_year < self.year:
            out.append(f"数据截至{self.data_last_year}年，缺少{self.year}年数据")
        if self.departments_missing:
            out.append(f"{len(self.departments_expected)}个成员单位中{len(self.departments_missing)}个未报送："
                       + "、".join(self.departments_missing))
        if self.missing:
            out.append(f"{self.indicators_total}项定量指标中{len(self.missing)}项缺少{self.year}年数据")
        return out

    def to_dict(self) -> dict:
        return {"year": self.year, "indicators_total": self.indicators_total,
                "indicators_with_data": self.indicators_with_data, "missing": list(self.missing),
                "departments_expected": list(self.departments_expected),
                "departments_reported": list(self.departments_reported),
                "data_first_year": self.data_first_year, "data_last_year": self.data_last_year,
                "complete": self.complete, "problems": self.problems()}


def completeness_of(rows: pd.DataFrame, year: int, observations: pd.DataFrame | None,
                    inputs: EvaluationInputs) -> Completeness:
    """``rows``: one row per indicator with a quantitative target (qualitative ones excluded)."""
    quantitative = rows[~rows["kind"].isin(["qualitative"]) & ~rows["status"].isin(["待评估"])]
    with_data = quantitative[quantitative["latest_year"].map(present) & (quantitative["latest_year"] == year)]
    missing = [str(n) for n in quantitative["indicator"] if n not in set(with_data["indicator"])]
    first = last = None
    if observations is not None and len(observations):
        years = observations.loc[observations["value"].notna(), "year"]
        if len(years):
            first, last = int(years.min()), int(years.max())
    elif rows["latest_year"].map(present).any():
        last = int(rows["latest_year"].max())
    return Completeness(year=year, indicators_total=len(quantitative), indicators_with_data=len(with_data),
                        missing=missing, departments_expected=list(inputs.departments_expected),
                        departments_reported=list(inputs.departments_reported),
                        data_first_year=first, data_last_year=last)
