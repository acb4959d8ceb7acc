"""Turning result rows into printed numbers that remember where they came from."""

from __future__ import annotations

from tianping.core import figures
from tianping.reports.document import Fact, numbers_in
from tianping.reports.phrases import (
    fmt_count,
    fmt_number,
    rate,
    shown_value,
    target_phrase,
    with_unit,
)
from tianping.reports.results import present


def series_label(row) -> str:
    return "/".join(v for v in (row["sex"], row["age"], row["residence"]) if v)


# An indicator's observed figures, printed side by side with one number of decimals
# (81.0岁 beside 81.1岁, core.figures.aligned).
ALIGNED = ("base_value", "previous_value", "latest_value")


def result_fact(row, field: str, value=None, shown: str | None = None) -> Fact:
    """A number stated about one result row (indicator × series × milestone)."""
    value = row[field] if value is None else value
    if shown is None and field in ALIGNED:
        together = tuple(row[f] for f in ALIGNED if f in row.index and present(row[f]))
        shown = figures.aligned(value, together, str(row.get("unit", "") or ""))
    if shown is None:
        shown = fmt_count(value) if field.endswith("year") or field == "milestone" else fmt_number(value)
    return Fact(source="result", field=field, value=float(value), shown=shown,
                indicator=row["indicator"], series=series_label(row),
                milestone=int(row["milestone"]) if present(row["milestone"]) else None, area=row["area"],
                row=row.name)


def year_part(row, field: str = "latest_year") -> tuple[str, list[Fact]]:
    fact = result_fact(row, field)
    return fact.shown, [fact]


def value_part(row, field: str = "latest_value") -> tuple[str, list[Fact]]:
    """"96.2%" with its fact."""
    fact = result_fact(row, field)
    return with_unit(fact.shown, row["unit"]), [fact]


SIMPLE_OPS = {">=", "<=", ">", "<", "=", "~", "range"}


def table_target(row) -> tuple[str, list[Fact]]:
    """A target in a table cell: "≥95%", "≤9/10万" (core.figures' symbol for a cell), other
    targets as in running text."""
    text, facts = target_part(row)
    if row["op"] in (">=", "<=", ">", "<") and facts:
        stated = facts[0]
        return figures.operator_symbol(row["op"]) + with_unit(stated.shown, table_unit(row)), facts
    return text, facts


def table_unit(row) -> str:
    stated = row.get("target_unit")
    if isinstance(stated, str) and "target_unit" in row.index:
        return figures.as_written(row["target_value"], stated, row["unit"])[1]
    return row["unit"]


def target_part(row) -> tuple[str, list[Fact]]:
    """"≥95%" (or "20%—30%") with the facts of its bounds; a relative, annual or
    directional target in the plan's own words ("比2020年提高10%", "逐步提高"); "" if none."""
    if row["op"] in SIMPLE_OPS and present(row["target_value"]):
        stated = row.get("target_unit")
        stated_unit = "" if stated is None or (isinstance(stated, float) and stated != stated) else str(stated)
        stated_unit = stated_unit if "target_unit" in row.index and isinstance(stated, str) else row["unit"]
        value, _ = figures.as_written(row["target_value"], stated_unit, row["unit"])
        facts = [result_fact(row, "target_value", value, figures.number(value))]
        upper = None
        if row["op"] == "range" and present(row["target_upper"]):
            upper, _ = figures.as_written(row["target_upper"], stated_unit, row["unit"])
            facts.append(result_fact(row, "target_upper", upper, figures.number(upper)))
        return target_phrase(row["op"], row["target_value"], stated_unit, row["target_upper"]
                             if row["op"] == "range" else None, measured_in=row["unit"]), facts
    text = row["text"]
    return text, [result_fact(row, "target_text", float(n), n) for n in numbers_in(text)]


def change_value(row) -> float:
    """Change from the previous to the latest value, in printed precision."""
    return round(shown_value(row["latest_value"]) - shown_value(row["previous_value"]), 1)


def row_keys(rows) -> tuple:
    """The results rows by their index (an indicator may have two targets for one milestone)."""
    return tuple(rows.index)


def count_fact(field: str, rows, area: str = "") -> Fact:
    """How many result rows (indicator × milestone) ``rows`` holds, remembering which."""
    members = row_keys(rows)
    return Fact(source="count", field=field, value=float(len(members)), shown=fmt_count(len(members)),
                area=area, members=members)


def rate_fact(attained_rows, assessable_rows, area: str = "") -> Fact:
    """达标率 in percent (1 decimal), remembering numerator and denominator rows."""
    value = rate(len(attained_rows), len(assessable_rows))
    return Fact(source="count", field="rate", value=value, shown=figures.rate(value), area=area,
                members=row_keys(attained_rows), out_of=row_keys(assessable_rows))


def plain_fact(source: str, field: str, value, shown: str | None = None, **where) -> Fact:
    return Fact(source=source, field=field, value=float(value),
                shown=shown if shown is not None else fmt_number(value), **where)


def year_fact(year) -> Fact:
    """A year the report names (a milestone, the base year, the report year)."""
    return Fact(source="report", field="year", value=float(year), shown=fmt_count(year))
