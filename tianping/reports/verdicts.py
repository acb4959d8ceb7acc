"""One verdict per indicator, used by every section of a report.

The engine gives each result row a status label; a report needs to know, for each
label, which group it falls in (attained, on course, lagging, …), whether it counts
in 达标率, and how to say it at this stage of the plan. All of that is read from
``STATUS_CLASS`` below — the one mapping from status labels to report classes — so a
new status from the engine slots in by adding one line here.

The verdict also folds in the engine's warnings for the indicator, so a report never
says "预计可如期实现" in one section and prints a red "回落" warning in another: an
indicator with a warning about its direction is never described as simply on course.

At a passed milestone (the final evaluation, or a mid-term whose data reach the
milestone year) only what happened is said: 已实现 or 未实现.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import TypedDict

import pandas as pd

from tianping.core import figures
from tianping.reports.results import present


class ReportClass(TypedDict):
    counted: bool
    attained: bool
    word: str


# Report classes, in reading order (best first). ``counted``: in 达标率's denominator;
# ``attained``: in its numerator.
CLASSES: dict[str, ReportClass] = {
    "attained": ReportClass(counted=True, attained=True, word="已实现目标"),
    "on_track": ReportClass(counted=True, attained=False, word="有望如期实现目标"),
    "uncertain": ReportClass(counted=True, attained=False, word="能否如期实现尚难判断"),
    "accelerate": ReportClass(counted=True, attained=False, word="需加快推进"),
    "slow": ReportClass(counted=True, attained=False, word="进展缓慢"),
    "regress": ReportClass(counted=True, attained=False, word="出现退步"),
    "not_attained": ReportClass(counted=True, attained=False, word="尚未达到目标"),
    "missed": ReportClass(counted=True, attained=False, word="未实现目标"),
    "few_events": ReportClass(counted=False, attained=False, word="例数较少，尚不能判断"),
    "no_data": ReportClass(counted=False, attained=False, word="缺少监测数据"),
    "pending": ReportClass(counted=False, attained=False, word="待评估组评定"),
    "monitored": ReportClass(counted=False, attained=False, word="未设定量目标"),
}
# The one mapping from the engine's status labels (core.assess.status) to report classes.
STATUS_CLASS = {
    "已实现": "attained", "已达标": "attained",
    "预计达标": "on_track",
    "尚难判断": "uncertain",
    "需加快": "accelerate",
    "进展缓慢": "slow",
    "未达标": "not_attained",
    "退步": "regress",
    "未实现": "missed",
    "例数过少": "few_events",
    "数据不足": "no_data",
    "待评估": "pending",
    "仅监测": "monitored",
}
LAGGING = ("accelerate", "slow", "regress", "not_attained", "missed")
ON_COURSE = ("attained", "on_track")
# At a passed milestone every counted class is either attained or missed.
FINAL_CLASS = {"on_track": "missed", "uncertain": "missed", "accelerate": "missed", "slow": "missed",
               "regress": "missed", "not_attained": "missed"}
# Warnings that say the indicator is moving the wrong way (core.assess.warnings kinds).
ADVERSE_WARNINGS = {"deterioration": "持续向不利方向变化", "fell_back": "达标后又回落",
                    "fluctuation": "波动较大", "projected_miss": "预计难以如期达标"}
# The table's short status words, by class (final stage words where a milestone has passed).
SHORT = {"attained": "已达标", "on_track": "预计达标", "uncertain": "尚难判断", "accelerate": "需加快",
         "slow": "进展缓慢", "regress": "退步", "not_attained": "未达标", "missed": "未实现", "few_events": "例数过少",
         "no_data": "数据不足", "pending": "待评估", "monitored": "仅监测"}
SHORT_FINAL = {**SHORT, "attained": "已实现"}


def status_class(status: str) -> str:
    """The report class of a status label; an unknown label is read by its words."""
    if status in STATUS_CLASS:
        return STATUS_CLASS[status]
    if "未" in status:
        return "missed"
    if "实现" in status or "达标" in status:
        return "attained"
    return "no_data"


@dataclass
class Verdict:
    indicator: str
    klass: str                   # a key of CLASSES
    status: str                  # the engine's label
    final: bool                  # judged at a passed milestone: only 已实现/未实现
    milestone: int | None
    warnings: list[str] = field(default_factory=list)   # ADVERSE_WARNINGS kinds for this indicator

    @property
    def counted(self) -> bool:
        return CLASSES[self.klass]["counted"]

    @property
    def attained(self) -> bool:
        return CLASSES[self.klass]["attained"]

    @property
    def lagging(self) -> bool:
        return self.klass in LAGGING

    @property
    def watch(self) -> bool:
        """On course by status, but a warning says it is moving the wrong way."""
        return self.klass in ON_COURSE and any(k in ("deterioration", "fell_back") for k in self.warnings)

    @property
    def short(self) -> str:
        """The table's status word: the engine's label as core.figures says it, or 已实现/未实现
        where the report judges a passed milestone."""
        if self.klass == STATUS_CLASS.get(self.status) and not (self.final and self.klass == "attained"):
            word = figures.status_label(self.status)
        else:
            word = (SHORT_FINAL if self.final else SHORT)[self.klass]
            word = figures.status_label(word)
        return word + ("（需关注）" if self.watch else "")

    def phrase(self) -> str:
        """How a sentence states the verdict: "已实现2025年目标", "预计可如期实现2030年目标，但近年有所回落"."""
        year = f"{self.milestone}年" if self.milestone else ""
        if self.klass == "attained":
            text = f"已实现{year}目标" if self.final else f"已达到{year}目标"
        elif self.klass == "missed":
            text = f"未实现{year}目标"
        elif self.klass == "on_track":
            text = f"按近年趋势有望实现{year}目标"
        elif self.klass == "uncertain":
            text = f"能否实现{year}目标尚难判断"
        elif self.klass == "accelerate":
            text = f"按现有进度难以如期实现{year}目标，需加快推进"
        elif self.klass == "slow":
            text = f"进展缓慢，实现{year}目标难度较大"
        elif self.klass == "regress":
            text = "较基期出现退步"
        elif self.klass == "not_attained":
            text = f"尚未达到{year}目标，仅有一个年度数据，尚不能判断趋势"
        else:
            text = CLASSES[self.klass]["word"]
        if self.watch:
            text += "，但" + "、".join(ADVERSE_WARNINGS[k] for k in self.warnings
                                      if k in ("deterioration", "fell_back")) + "，需关注"
        return text


def judged_at_passed_milestone(row, stage: str, data_year: int | None) -> bool:
    milestone = int(row["milestone"]) if present(row["milestone"]) else None
    if stage == "final":
        return True
    return milestone is not None and data_year is not None and data_year >= milestone


def verdict_of(row, stage: str, data_year: int | None, warning_kinds: list[str]) -> Verdict:
    klass = status_class(str(row["status"]))
    final = judged_at_passed_milestone(row, stage, data_year)
    if final:
        klass = FINAL_CLASS.get(klass, klass)
    milestone = int(row["milestone"]) if present(row["milestone"]) else None
    adverse = [k for k in ADVERSE_WARNINGS if k in warning_kinds]
    return Verdict(indicator=str(row["indicator"]), klass=klass, status=str(row["status"]), final=final,
                   milestone=milestone, warnings=[] if final else adverse)


def warning_kinds_by_indicator(warnings: pd.DataFrame | None, region: str = "") -> dict[str, list[str]]:
    """The headline warnings' kinds per indicator (one region)."""
    if warnings is None or warnings.empty:
        return {}
    frame = warnings
    if region and "region" in frame.columns:
        frame = frame[frame["region"].astype(str).isin([region, ""])]
    if "headline" in frame.columns:
        frame = frame[frame["headline"].astype(bool)]
    kinds: dict[str, list[str]] = {}
    for indicator, kind in zip(frame["indicator"].astype(str), frame["kind"].astype(str)):
        kinds.setdefault(indicator, []).append(kind)
    return kinds


def verdicts_for(rows: pd.DataFrame, *, stage: str, data_year: int | None, warnings=None,
                 region: str = "") -> dict[Hashable, Verdict]:
    """Verdict per result row (by index) of one-row-per-indicator ``rows``."""
    kinds = warning_kinds_by_indicator(warnings, region)
    return {index: verdict_of(row, stage, data_year, kinds.get(str(row["indicator"]), []))
            for index, row in rows.iterrows()}


def members(verdicts: dict, classes) -> list:
    """Row indices whose verdict class is one of ``classes``."""
    return [index for index, v in verdicts.items() if v.klass in classes]
