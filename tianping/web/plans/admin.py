from django.contrib import admin

from tianping.web.readonly_admin import ReadOnlyAdmin, ReadOnlyInline

from .models import Area, Goal, Indicator, Measure, Plan, Target

# The framework (indicators, targets, departments, multipliers) changes on the plan review pages,
# which record every change with its old value; the admin only shows it.


class TargetInline(ReadOnlyInline):
    model = Target


@admin.register(Plan)
class PlanAdmin(ReadOnlyAdmin):
    list_display = ["title", "region", "kind", "status", "imported_at", "confirmed_at"]
    list_filter = ["kind", "status", "region"]


@admin.register(Indicator)
class IndicatorAdmin(ReadOnlyAdmin):
    list_display = ["name", "plan", "unit", "responsible_department"]
    list_filter = ["plan"]
    search_fields = ["name"]
    inlines = [TargetInline]


for model in (Area, Goal, Measure):
    admin.site.register(model, ReadOnlyAdmin)
