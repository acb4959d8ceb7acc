from django.contrib import admin

from .models import Area, Goal, Indicator, Measure, Plan, Target


class TargetInline(admin.TabularInline):
    model = Target
    extra = 0


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["title", "region", "kind", "status", "imported_at", "confirmed_at"]
    list_filter = ["kind", "status", "region"]


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["name", "plan", "unit", "responsible_department"]
    list_filter = ["plan"]
    search_fields = ["name"]
    inlines = [TargetInline]


admin.site.register([Area, Goal, Measure])
