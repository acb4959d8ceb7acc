"""Template filters over tianping.core.figures, the one formatter of figures.

    {% load figures %}
    {{ r.latest_value|figure:r.unit }}       10.5/10万, 99.99%, 1.12名
    {{ r.projected|number:1 }}               8.7 (a computed figure, rounded)
    {{ o.value|number }}                     as typed: 13.333333
    {{ t|target }}                           95%以上 (a stored Target)
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
    return figures.figure(value, unit)


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
