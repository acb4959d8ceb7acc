"""{{ value|num }}: a reported number as people write it (96, 94.5, 13.333333), "" for none.

A form field's spelling of tianping.core.figures.number: what the user typed comes back as
typed, an empty cell stays empty (the other pages say "—" with ``{% load figures %}``).
"""

from django import template

from tianping.core.figures import is_missing, number

register = template.Library()


@register.filter
def num(value) -> str:
    if isinstance(value, str):
        return value  # what the user typed, shown back as typed ("" stays "")
    return "" if is_missing(value) else number(value)
