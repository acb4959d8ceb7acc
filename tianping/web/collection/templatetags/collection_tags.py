"""{{ value|num }}: a reported number as people write it (96, 94.5, 13.333333), "" for none."""

from django import template

register = template.Library()


@register.filter
def num(value):
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        return value  # what the user typed, shown back as typed
    text = f"{float(value):.6f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text
