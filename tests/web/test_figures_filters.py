"""The figures template filters render through Django's real template engine."""

from django.template import Context, Template

from tianping.core.model import Target


def render(source: str, **context) -> str:
    return Template("{% load figures %}" + source).render(Context(context))


def test_filters_call_core_figures():
    assert render("{{ v|figure:u }}", v=99.99, u="%") == "99.99%"
    assert render("{{ v|figure:u }}", v=9.0, u="1/10万") == "9/10万"
    assert render("{{ v|number }}|{{ v|number:1 }}", v=1.12) == "1.12|1.1"
    assert render("{{ v|number }}", v=None) == "—"
    assert render("{{ t|target }}", t=Target(year=2025, op=">=", value=95, unit="%")) == "95%以上"
    assert render("{{ s|light }} {{ s|status_label }}", s="需加快") == "yellow 需加快"
