"""The structured plan: the shapes every layer of Tianping shares.

A parsed document yields one or more ``Plan`` objects (seed 002 holds a women's
and a children's plan in one file). Everything extracted carries a ``SourceRef``
so the office can check it against the document.

These are plain dataclasses: ``core`` never imports Django, and the web layer
stores them in its own models. ``to_dict`` gives the JSON documented in
``docs/plan-schema.json``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Literal

PlanKind = Literal["women", "children"]

# Operators the target grammar produces (see ../shared/README.md, expected/ conventions).
OPS = (
    ">=", "<=", ">", "<", "=", "~",
    "range",
    "relative_increase", "relative_decrease",      # against base_year's value, value in %
    "annual_decrease", "annual_increase",          # absolute change per year (unit e.g. 个百分点)
    "annual_relative_increase", "annual_relative_decrease",  # % per year
    "increase", "decrease",                        # direction only, no number
    "qualitative",                                 # judged by the evaluation group
)
TargetKind = Literal["numeric", "directional", "qualitative"]
BetterWay = Literal["up", "down", ""]   # which way an indicator is better, "" when not known


@dataclass
class SourceRef:
    """Where an item came from: 1-based line in the normalised text, and the sentence."""

    line: int
    text: str


@dataclass
class Target:
    year: int                       # deadline stated, else the plan's end year
    op: str                         # one of OPS
    value: float | None = None      # None for directional / qualitative
    upper: float | None = None      # upper bound for op == "range"
    unit: str = ""                  # "%", "‰", "1/10万", "岁", "个百分点", ...
    base_year: int | None = None    # for relative_* ops
    kind: TargetKind = "numeric"
    text: str = ""                  # the phrase that states this target ("到2025年控制在9/10万以下")
    source: SourceRef | None = None
    borderline: bool = False        # vague directional statements (意识提高)


@dataclass
class Baseline:
    year: int
    value: float
    unit: str = ""
    source: SourceRef | None = None


@dataclass
class Indicator:
    name: str
    unit: str = ""
    direction: BetterWay = ""    # which way is better, when known
    targets: list[Target] = field(default_factory=list)
    baselines: list[Baseline] = field(default_factory=list)
    source: SourceRef | None = None
    data_source: str = ""           # department named by an indicator table (奉化区 表1)
    catalogue: dict | None = None   # the catalogue entry it links to (tianping.core.catalogue.link_plan)


@dataclass
class Goal:
    number: int                     # as numbered in the document, 1-based
    text: str
    indicators: list[Indicator] = field(default_factory=list)
    source: SourceRef | None = None


@dataclass
class Measure:
    number: int
    title: str                      # the first sentence
    text: str
    indicators: list[Indicator] = field(default_factory=list)  # targets found in measure text
    source: SourceRef | None = None


@dataclass
class Area:
    number: int                     # （一） -> 1
    name: str                       # "妇女与健康"
    goals: list[Goal] = field(default_factory=list)
    measures: list[Measure] = field(default_factory=list)
    source: SourceRef | None = None


@dataclass
class Plan:
    title: str
    kind: PlanKind
    region: str = ""                # "西岗区", "广东省", "全国" for the national outlines
    region_code: str = ""           # GB/T 2260 ("210203"), where the region table has it
    region_level: str = ""          # "national", "province", "city", "district"; "" when unknown
    combined: bool = False          # one half of a combined 妇女儿童发展规划 (its own areas only)
    start_year: int = 2021
    end_year: int = 2030
    milestone_years: list[int] = field(default_factory=list)   # [2025, 2030]
    areas: list[Area] = field(default_factory=list)
    sections: dict[str, str] = field(default_factory=dict)     # 指导思想, 基本原则, 总体目标, 组织实施, 监测评估 ...
    indicator_table: list[Indicator] = field(default_factory=list)  # e.g. 奉化区 表1
    key_projects: list[str] = field(default_factory=list)     # 重点实事项目
    warnings: list[str] = field(default_factory=list)         # Chinese, for the office: unusual numbering, missing sections
    source_file: str = ""
    source_sha256: str = ""
    ocr_confidence: float | None = None   # mean Tesseract confidence 0-100 when read from a scan

    def indicators(self):
        """Every indicator with a target, from goals, measures and the indicator table."""
        for area in self.areas:
            for goal in area.goals:
                yield from goal.indicators
            for measure in area.measures:
                yield from measure.indicators
        yield from self.indicator_table

    def to_dict(self) -> dict:
        return asdict(self)
