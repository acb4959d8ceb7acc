"""Template filters over tianping.core.figures, the one formatter of figures.

    {% load figures %}
    {{ r.latest_value|figure:r.unit }}       10.5/10万, 99.99%, 1.12名
    {{ r.projected|shown }}                  8.7, 0.78 (a computed figure at its precision)
    {{ r.projected|shown:r.unit }}           8.7/10万
    {{ r.ratio|number:2 }}                   0.93 (rounded to 2 decimals)
    {{ o.value|number }}                     as typed: 13.333333
    {{ t|target }}                           95%以上 (a stored Target)
    {{ m.rate|rate }}                        80.0 (达标率, one decimal)
    {{ a.rate|percent_rate }}                31.0% (达标率 stored as a fraction)
    {{ r.status|light }}                     green
"""

from __future__ import annotations

from django import template

from tianping.core import figures

register = template.Library()


@register.filter
def number(value, decimals=None) -> str:
    """As written, or rounded to ``decimals``; "—" for no value."""
    return figures.number(value, None if decimals in (None, "") else int(decimals))


@register.filter
def figure(value, unit="") -> str:
    """As written, with its unit: 99.99%, 1.12名, 9/10万."""
    return figures.figure(value, unit)


@register.filter
def shown(value, unit=None) -> str:
    """A computed figure at figures.precision, with ``unit`` when given."""
    return figures.number(value, figures.precision(value)) if unit is None else figures.shown_figure(value, unit)


@register.filter
def rate(value) -> str:
    """达标率: one decimal, always (80.0)."""
    return figures.rate(value)


@register.filter
def percent_rate(fraction) -> str:
    """达标率 stored as a fraction (0.31) as the reports print it: "31.0%"; "—" for none."""
    x = figures.as_float(fraction)
    return figures.MISSING if x is None else figures.rate(100 * x) + "%"


@register.filter
def target(t) -> str:
    """A stored or parsed Target as the plan says it."""
    measured_in = getattr(getattr(t, "indicator", None), "unit", "")
    return figures.target_phrase(t.op, t.value, t.unit, t.upper, t.base_year, t.text, measured_in)


@register.filter
def light(status) -> str:
    return figures.status_light(status)


@register.filter
def status_label(status) -> str:
    return figures.status_label(status)


@register.filter
def gap(value, unit="") -> str:
    """A signed difference in its spoken unit: -1个百分点 (figures.gap)."""
    return figures.gap(value, unit)
