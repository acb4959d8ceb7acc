"""{% open_corrections %}: the "open corrections" block a role home includes (one line)."""

from django import template
from django.utils import timezone

from tianping.web.accountability.services import open_corrections_for

register = template.Library()


@register.inclusion_tag("accountability/_open_corrections.html", takes_context=True)
def open_corrections(context):
    user = context["request"].user
    rows = list(open_corrections_for(user)[:20])
    today = timezone.localdate()
    return {"corrections": rows, "today": today, "overdue": sum(c.deadline < today for c in rows), "user": user,
            "show_department": user.role != "reporter" or user.is_superuser}
