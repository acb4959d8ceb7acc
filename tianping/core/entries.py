"""A department's values before they are stored: the cells an indicator is reported in,
and the checking of submitted rows against the framework, the stored entries and the
earlier years. Pure: the web loads what is stored, calls these, and writes what they
decide (tianping.web.collection.services.save_rows).

    grid(by_sex, by_age, by_residence, ages)       the cells to report
    accept_rows(rows, rules, summary)               framework checks, one row at a time
    plan_changes(accepted, rules, stored, history, year, summary)
                                                    the whole indicator's checks and what to write
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from tianping.core.figures import number
from tianping.core.validation import (
    ERROR,
    Cell,
    EntryValue,
    IndicatorRule,
    check_unit,
    compute_rate,
    validate_indicator,
)

ENTRY_FIELDS = ("value", "numerator", "denominator", "note")
SEXES = ("女", "男")
RESIDENCES = ("城镇", "农村")


def grid(by_sex: bool, by_age: bool, by_residence: bool, ages: list[str]) -> list[Cell]:
    """The cells to report: the total, then each breakdown the framework requires."""
    cells = [Cell()]
    if by_sex:
        cells += [Cell(sex=s) for s in SEXES]
    if by_age:
        cells += [Cell(age=a) for a in ages]
    if by_residence:
        cells += [Cell(residence=r) for r in RESIDENCES]
    return cells


BREAKDOWN_WORDS = {"sex": "性别", "age": "年龄组", "residence": "城乡"}


def refused_breakdown(rule: IndicatorRule, cell: Cell) -> str:
    """Why a cell of a breakdown the catalogue entry does not allow is refused ("" if allowed)."""
    if rule.breakdowns is None:
        return ""
    used = [key for key, part in (("sex", cell.sex), ("age", cell.age), ("residence", cell.residence)) if part]
    refused = [BREAKDOWN_WORDS[key] for key in used if key not in rule.breakdowns]
    if not refused:
        return ""
    allowed = "、".join(BREAKDOWN_WORDS[k] for k in rule.breakdowns) or "不分组，只填合计"
    return (f"指标目录（{rule.entry}）规定该指标不按{'、'.join(refused)}分组填报"
            f"（适用的分组：{allowed}），请删除此行或只填合计")


@dataclass
class RowIn:
    """A value to save, from any channel. ``version``: the entry version the edit was
    based on (0 = a new cell). None (not said) is refused: no channel may overwrite blindly."""

    indicator_id: int
    cell: Cell
    value: float | None = None
    numerator: float | None = None
    denominator: float | None = None
    note: str = ""
    version: int | None = None
    unit: str = ""
    where: str = ""  # "工作表“数据填报”，第7行" for errors


@dataclass
class Stored:
    """An entry as stored."""

    pk: int
    value: float | None
    numerator: float | None
    denominator: float | None
    note: str
    version: int

    def snapshot(self) -> dict:
        return {"value": self.value, "numerator": self.numerator, "denominator": self.denominator, "note": self.note}


@dataclass
class Summary:
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    conflicts: list[dict] = field(default_factory=list)
    changes: list[dict] = field(default_factory=list)
    dry_run: bool = False
    committed: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict:
        return {"dry_run": self.dry_run, "committed": self.committed, "new": self.new, "changed": self.changed,
                "unchanged": self.unchanged, "errors": self.errors, "warnings": self.warnings,
                "conflicts": self.conflicts, "changes": self.changes}


@dataclass
class Changes:
    """What to write: new cells, updated entries (with their new version) and audit rows."""

    creates: list[tuple[tuple[int, Cell], dict]] = field(default_factory=list)
    updates: list[tuple] = field(default_factory=list)       # (pk, value, numerator, denominator, note, version)
    audits: list[tuple] = field(default_factory=list)        # (pk, version, old, new)


def accept_rows(rows: list[RowIn], rules: dict[int, IndicatorRule], summary: Summary) -> list[RowIn]:
    """The rows that pass the framework checks (the department's indicator, a cell of its
    grid, given once, in its unit); errors for the others. A rate from counts is computed."""
    seen: dict[tuple[int, Cell], str] = {}
    accepted = []
    for row in rows:
        rule = rules.get(row.indicator_id)
        if rule is None:
            summary.errors.append(f"{_where(row)}指标编号{row.indicator_id}不是本单位本轮次的填报指标")
            continue
        if row.cell not in rule.required:
            summary.errors.append(f"{_where(row)}{_label(rule, row)}："
                                  f"{refused_breakdown(rule, row.cell) or '该分组不在指标的填报范围内'}")
            continue
        key = (row.indicator_id, row.cell)
        if key in seen:
            summary.errors.append(f"{_where(row)}{_label(rule, row)}：与{seen[key] or '前面'}重复")
            continue
        seen[key] = row.where
        unit_issue = check_unit(rule, row.unit) if row.unit else None
        if unit_issue:
            summary.errors.append(f"{_where(row)}{_label(rule, row)}：{unit_issue.message}")
            continue
        if rule.has_counts:
            computed = compute_rate(rule, row.numerator, row.denominator)
            if computed is not None:
                row.value = round(computed, 6)
        accepted.append(row)
    return accepted


def _where(row: RowIn) -> str:
    return f"{row.where}：" if row.where else ""


def _label(rule: IndicatorRule, row: RowIn) -> str:
    return f"指标“{rule.name}”{row.cell.label}"


def plan_changes(accepted: list[RowIn], rules: dict[int, IndicatorRule], stored: dict[tuple[int, Cell], Stored],
                 history: dict[tuple[int, Cell], dict[int, float]], year: int, summary: Summary) -> Changes:
    """Check each touched indicator as it will be after the save (stored cells overlaid with
    the new ones), count new/changed/unchanged cells, refuse an edit based on an older
    version; and say what to write. Nothing to write when ``summary`` has errors."""
    _check_indicators(accepted, rules, stored, history, year, summary)
    changes = Changes()
    for row in accepted:
        key = (row.indicator_id, row.cell)
        new = {"value": row.value, "numerator": row.numerator, "denominator": row.denominator, "note": row.note or ""}
        entry = stored.get(key)
        if entry is None:
            old = None
            if row.value is None and row.numerator is None and row.denominator is None and not new["note"]:
                summary.unchanged += 1
                continue
        else:
            old = entry.snapshot()
            if all(_same(old[f], new[f]) for f in ENTRY_FIELDS):
                summary.unchanged += 1
                continue
        name = rules[row.indicator_id].name
        base = entry.version if entry else 0
        where = f"{row.where}：" if row.where else ""
        if row.version is None:  # never last-write-wins: every channel names the version it read
            summary.errors.append(f"{where}指标“{name}”{row.cell.label}未注明所依据的版本（新单元格为0；"
                                  "Excel模板的隐藏版本列被清空或改动时，请重新下载模板），未保存")
            continue
        if row.version != base:
            summary.conflicts.append({"indicator": row.indicator_id, "cell": row.cell.label,
                                      "your_version": row.version, "current_version": base, "current": old})
            summary.errors.append(f"{where}指标“{name}”{row.cell.label}已被他人修改（当前版本{base}，"
                                  f"当前值{_show(old and old['value'])}，您依据的是版本{row.version}），未保存，请刷新后核对")
            continue
        summary.changes.append({"indicator": row.indicator_id, "name": name, "cell": row.cell.label,
                                "old": None if old is None else old["value"], "new": new["value"],
                                "kind": "new" if entry is None else "changed"})
        if entry is None:
            summary.new += 1
            changes.creates.append((key, new))
        else:
            summary.changed += 1
            changes.updates.append((entry.pk, new["value"], new["numerator"], new["denominator"], new["note"],
                                    base + 1))
            changes.audits.append((entry.pk, base + 1, old, new))
    return changes


def _check_indicators(accepted: list[RowIn], rules: dict[int, IndicatorRule], stored: dict[tuple[int, Cell], Stored],
                      history: dict[tuple[int, Cell], dict[int, float]], year: int, summary: Summary) -> None:
    by_indicator: dict[int, dict[Cell, EntryValue]] = defaultdict(dict)
    for (ind_id, cell), e in stored.items():
        by_indicator[ind_id][cell] = EntryValue(cell, e.value, e.numerator, e.denominator, e.note)
    for row in accepted:
        by_indicator[row.indicator_id][row.cell] = EntryValue(row.cell, row.value, row.numerator, row.denominator,
                                                              row.note)
    where_of = {(row.indicator_id, row.cell): row.where for row in accepted}
    for ind_id in dict.fromkeys(row.indicator_id for row in accepted):
        rule = rules[ind_id]
        issues = validate_indicator(rule, list(by_indicator[ind_id].values()), year=year,
                                    history={c: history.get((ind_id, c), {}) for c in rule.required})
        for issue in issues:
            where = where_of.get((ind_id, issue.cell)) if issue.cell else ""
            text = f"{where}：{issue}" if where else str(issue)
            (summary.errors if issue.level == ERROR else summary.warnings).append(text)


def _same(a: object, b: object) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))
    return a == b


def _show(v: object) -> str:
    return "空" if v is None or v == "" else (number(v) if isinstance(v, float) else str(v))
