"""Turning result rows into printed numbers that remember where they came from."""

from __future__ import annotations

from tianping.core import figures
from tianping.reports.document import Fact, numbers_in
from tianping.reports.phrases import rate
from tianping.reports.results import present


def series_key(row) -> str:
    """"女/农村": which series of the indicator a fact is about."""
    return "/".join(v for v in (row["sex"], row["age"], row["residence"]) if v)


def written(row) -> tuple:
    """The numbers the plan writes for the row's target: the precision its figures keep."""
    return row.get("target_value"), row.get("target_upper")


def row_number(row, value) -> str:
    """A figure of the row at the plan's precision (figures.shown): 10.5, 0.78, 1.12."""
    return figures.shown(value, *written(row))


def difference(row, a, b) -> float:
    """a − b as the printed figures of the row say it."""
    return figures.difference(a, b, *written(row))


def result_fact(row, field: str, value=None, shown: str | None = None) -> Fact:
    """A number stated about one result row (indicator × series × milestone)."""
    value = row[field] if value is None else value
    if shown is None:
        shown = figures.number(value, 0) if field.endswith("year") or field == "milestone" \
            else row_number(row, value)
    return Fact(source="result", field=field, value=float(value), shown=shown,
                indicator=row["indicator"], series=series_key(row),
                milestone=int(row["milestone"]), area=row["area"], row=row.name)


def year_part(row, field: str = "latest_year") -> tuple[str, list[Fact]]:
    fact = result_fact(row, field)
    return fact.shown, [fact]


def value_part(row, field: str = "latest_value") -> tuple[str, list[Fact]]:
    """"96.2%" with its fact."""
    fact = result_fact(row, field)
    return fact.shown + figures.unit_suffix(row["unit"]), [fact]


SIMPLE_OPS = {">=", "<=", ">", "<", "=", "~", "range"}


def target_part(row) -> tuple[str, list[Fact]]:
    """"95%以上" (or "20%—30%") with the facts of its bounds, as the plan writes them; a
    relative, annual or directional target in the plan's own words ("比2020年提高10%",
    "逐步提高"); "" if none."""
    if row["op"] in SIMPLE_OPS and present(row["target_value"]):
        unit = row.get("target_unit") or ""
        value, _ = figures.as_written(row["target_value"], unit, row["unit"])
        facts = [result_fact(row, "target_value", value, figures.number(value))]
        upper = None
        if row["op"] == "range" and present(row["target_upper"]):
            upper = row["target_upper"]
            facts.append(result_fact(row, "target_upper", upper, figures.number(upper)))
        return figures.target_phrase(row["op"], row["target_value"], unit, upper, measured_in=row["unit"]), facts
    text = row["text"]
    return text, [result_fact(row, "target_text", float(n), n) for n in numbers_in(text)]


def change_value(row) -> float:
    """Change from the previous to the latest value, in printed precision."""
    return difference(row, row["latest_value"], row["previous_value"])


def row_keys(rows) -> tuple:
    """The results rows by their index (an indicator may have two targets for one milestone)."""
    return tuple(rows.index)


def count_fact(field: str, rows, area: str = "") -> Fact:
    """How many result rows (indicator × milestone) ``rows`` holds, remembering which."""
    members = row_keys(rows)
    return Fact(source="count", field=field, value=float(len(members)), shown=str(len(members)),
                area=area, members=members)


def rate_fact(attained_rows, assessable_rows, area: str = "") -> Fact:
    """达标率 in percent (1 decimal), remembering numerator and denominator rows."""
    value = rate(len(attained_rows), len(assessable_rows))
    return Fact(source="count", field="rate", value=value, shown=figures.rate(value), area=area,
                members=row_keys(attained_rows), out_of=row_keys(assessable_rows))


def plain_fact(source: str, field: str, value, shown: str | None = None, **where) -> Fact:
    return Fact(source=source, field=field, value=float(value),
                shown=shown if shown is not None else figures.shown(value), **where)
