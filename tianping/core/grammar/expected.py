"""Comparing parsed plans with the hand-checked reference results in shared/expected/.

Used by bench/compare_expected.py (prints the figures) and by the tests (assert the
bar). Numeric targets match on plan, area, goal, year, operator, value and unit --
strict on numbers, lenient on the indicator's wording, since a few reference names
were composed by hand. A bare "达到X" may be "=" or ">=" (shared/README.md).
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ..figures import number
from ..model import Plan

BAR = 0.95
NAME_SIMILARITY = 0.4     # share of the shorter name's characters found in the other
_SAME_OP = {"=": ">="}


@dataclass
class Row:
    plan: str
    area_no: int
    goal_no: int
    indicator: str
    year: int
    op: str
    value: float | None
    unit: str
    kind: str
    borderline: bool = False

    def key(self) -> tuple:
        value, unit = _comparable(self.value, self.unit)
        return (self.plan, self.area_no, self.goal_no, self.year, _SAME_OP.get(self.op, self.op),
                value, unit)

    def show(self) -> str:
        v = "" if self.value is None else number(self.value)
        return (f"{self.plan} 领域{self.area_no} 目标{self.goal_no} {self.indicator} "
                f"{self.year} {self.op} {v} {self.unit}")


@dataclass
class FileReport:
    name: str
    structure: list[str] = field(default_factory=list)      # one line per area
    structure_equal: bool = True
    expected_numeric: int = 0
    parsed_numeric: int = 0
    matched_expected: int = 0
    matched_parsed: int = 0
    names_identical: int = 0      # matched pairs whose indicator names are written the same
    misses: list[Row] = field(default_factory=list)
    extras: list[Row] = field(default_factory=list)
    directional_expected: int = 0
    directional_found: int = 0
    directional_missed: list[Row] = field(default_factory=list)
    directional_extra: list[Row] = field(default_factory=list)   # found, not in the reference

    @property
    def recall(self) -> float:
        return self.matched_expected / self.expected_numeric if self.expected_numeric else 1.0

    @property
    def precision(self) -> float:
        return self.matched_parsed / self.parsed_numeric if self.parsed_numeric else 1.0

    @property
    def meets_bar(self) -> bool:
        return self.recall >= BAR and self.precision >= BAR


def _comparable(value: float | None, unit: str) -> tuple:
    """"1/2以上" (0.5, no unit) and "50%以上" are the same value."""
    if value is None:
        return None, unit
    if unit == "" and 0 < value <= 1:
        return round(value * 100, 6), "%"
    return round(value, 6), unit


def similarity(a: str, b: str) -> float:
    """Share of the shorter name's characters that the other name also has."""
    if not a or not b:
        return 0.0
    common = sum((Counter(a) & Counter(b)).values())
    return common / min(len(a), len(b))


# --- reading -----------------------------------------------------------------

def read_expected_targets(path: Path) -> list[Row]:
    with open(path, encoding="utf-8", newline="") as f:
        return [_row_from_csv(r) for r in csv.DictReader(f)]


def _row_from_csv(r: dict) -> Row:
    return Row(plan=r["plan"], area_no=int(r["area_no"]), goal_no=int(r["goal_no"]),
               indicator=r["indicator"], year=int(r["year"]), op=r["op"],
               value=_first_value(r["value"]), unit=r["unit"], kind=r["kind"],
               borderline=r.get("borderline", "") == "yes")


def _first_value(cell: str) -> float | None:
    """"95" -> 95.0; "[0.5, 1]" (a range) -> 0.5; "" -> None."""
    cell = cell.strip()
    if not cell:
        return None
    if cell.startswith("["):
        return float(json.loads(cell)[0])
    return float(cell)


def read_expected_structure(path: Path) -> dict[tuple[str, int], tuple[str, int, int]]:
    with open(path, encoding="utf-8", newline="") as f:
        return {(r["plan"], int(r["area_no"])): (r["area"], int(r["goals"]), int(r["measures"]))
                for r in csv.DictReader(f)}


def parsed_rows(plans: list[Plan]) -> list[Row]:
    """One row per target found in the plans' goals (measures are not in expected/)."""
    rows = []
    for plan in plans:
        for area in plan.areas:
            for goal in area.goals:
                for ind in goal.indicators:
                    for t in ind.targets:
                        rows.append(Row(plan.kind, area.number, goal.number, ind.name, t.year,
                                        t.op, t.value, t.unit, t.kind, t.borderline))
    return rows


# --- comparing -----------------------------------------------------------------

def compare(name: str, plans: list[Plan], expected: list[Row],
            structure: dict[tuple[str, int], tuple[str, int, int]]) -> FileReport:
    report = FileReport(name)
    _compare_structure(report, plans, structure)
    parsed = parsed_rows(plans)
    _compare_numeric(report, parsed, expected)
    _compare_directional(report, parsed, expected)
    return report


def _compare_structure(report: FileReport, plans: list[Plan], structure) -> None:
    found = {(p.kind, a.number): (a.name, len(a.goals), len(a.measures)) for p in plans for a in p.areas}
    for key in sorted(set(structure) | set(found)):
        want, got = structure.get(key), found.get(key)
        ok = bool(want and got and want[1:] == got[1:])
        report.structure_equal &= ok
        named = want or got
        assert named is not None, "each key comes from one side or the other"
        area = named[0]
        report.structure.append(
            f"  {'=' if ok else '≠'} {key[0]} ({key[1]}){area}: 目标 {_n(got, 1)}/{_n(want, 1)}"
            f"  措施 {_n(got, 2)}/{_n(want, 2)}")


def _n(entry, i) -> str:
    return "-" if entry is None else str(entry[i])


def _compare_numeric(report: FileReport, parsed: list[Row], expected: list[Row]) -> None:
    want = [r for r in expected if r.kind == "numeric"]
    # A parsed numeric target is right if it equals any reference row that has a value,
    # even one the reference marks "directional" (e.g. a range of annual change).
    pool = [r for r in expected if r.value is not None]
    got = [r for r in parsed if r.kind == "numeric"]
    report.expected_numeric, report.parsed_numeric = len(want), len(got)
    pairs = _match(got, pool)
    matched_pool = {id(e) for _, e in pairs}
    report.matched_parsed = len(pairs)
    report.names_identical = sum(1 for g, e in pairs if g.indicator == e.indicator)
    report.matched_expected = sum(1 for r in want if id(r) in matched_pool)
    matched_got = {id(g) for g, _ in pairs}
    report.misses = [r for r in want if id(r) not in matched_pool]
    report.extras = [r for r in got if id(r) not in matched_got]


def _match(got: list[Row], pool: list[Row]) -> list[tuple[Row, Row]]:
    """One-to-one pairs with equal keys, best name similarity first."""
    candidates = []
    for g in got:
        for e in pool:
            if g.key() == e.key():
                s = similarity(g.indicator, e.indicator)
                if s >= NAME_SIMILARITY:
                    candidates.append((s, id(g), id(e), g, e))
    candidates.sort(key=lambda c: -c[0])
    used_g, used_e, pairs = set(), set(), []
    for _, ig, ie, g, e in candidates:
        if ig not in used_g and ie not in used_e:
            used_g.add(ig)
            used_e.add(ie)
            pairs.append((g, e))
    return pairs


def _compare_directional(report: FileReport, parsed: list[Row], expected: list[Row]) -> None:
    want = [r for r in expected if r.kind != "numeric" and r.value is None]
    report.directional_expected = len(want)
    for e in want:
        hit = any(p.op == e.op and (p.plan, p.area_no, p.goal_no) == (e.plan, e.area_no, e.goal_no)
                  and similarity(p.indicator, e.indicator) >= 0.5 for p in parsed)
        report.directional_found += hit
        if not hit:
            report.directional_missed.append(e)
    report.directional_extra = [
        p for p in parsed if p.kind != "numeric" and not any(
            p.op == e.op and (p.plan, p.area_no, p.goal_no) == (e.plan, e.area_no, e.goal_no)
            and similarity(p.indicator, e.indicator) >= 0.5 for e in want)]


def format_report(report: FileReport, *, details: bool = True) -> str:
    lines = [f"== {report.name}",
             f"结构（目标/措施，解析/参考）：{'全部相等' if report.structure_equal else '有差异'}",
             *report.structure,
             f"数值目标：召回率 {report.recall:.1%}（{report.matched_expected}/{report.expected_numeric}）"
             f"  精确率 {report.precision:.1%}（{report.matched_parsed}/{report.parsed_numeric}）"
             f"  {'达标' if report.meets_bar else '未达标'}（要求≥{BAR:.0%}）"
             f"  指标名称与参考完全相同 {report.names_identical}/{report.matched_parsed}",
             f"方向性/定性目标：找到 {report.directional_found}/{report.directional_expected}，"
             f"参考中没有的 {len(report.directional_extra)} 条"
             f"（其中模糊表述 {sum(r.borderline for r in report.directional_extra)} 条）"]
    if details:
        lines += [f"  漏：{r.show()}" for r in report.misses]
        lines += [f"  多：{r.show()}" for r in report.extras]
        lines += [f"  未找到方向性：{r.show()}" for r in report.directional_missed]
        lines += [f"  多出方向性：{r.show()}{'（模糊）' if r.borderline else ''}"
                  for r in report.directional_extra]
    return "\n".join(lines)


# --- seeds ---------------------------------------------------------------------

def default_shared() -> Path:
    """../shared next to the working tree (the layout every developer and CI run has)."""
    here = Path(__file__).resolve()
    for parent in here.parents:
        candidate = parent.parent / "shared"
        if (candidate / "expected").is_dir():
            return candidate
    return Path("../shared")


def compare_seed(shared: Path, prefix: str) -> FileReport:
    """Parse seed ``prefix`` (e.g. "000") and compare it with its expected files."""
    from ..parser import parse_plan_text  # late: the parser imports this package

    seed = next((shared / "seeds").glob(f"{prefix}_*.txt"))
    expected = shared / "expected"
    plans = parse_plan_text(seed.read_text(encoding="utf-8"), seed.name)
    return compare(seed.name, plans, read_expected_targets(expected / f"{seed.stem}.targets.csv"),
                   read_expected_structure(expected / f"{seed.stem}.structure.csv"))
