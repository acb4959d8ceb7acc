from django.contrib import admin

from .models import AssessmentRun, Notification, QualitativeJudgement, Warning, WarningEvent


@admin.register(AssessmentRun)
class AssessmentRunAdmin(admin.ModelAdmin):
    list_display = ["plan", "region", "year", "synthetic", "trigger", "computed_at"]
    list_filter = ["year", "synthetic"]
    readonly_fields = ["summary"]


class WarningEventInline(admin.TabularInline):
    model = WarningEvent
    extra = 0
    readonly_fields = ["action", "user", "text", "at"]


@admin.register(Warning)
class WarningAdmin(admin.ModelAdmin):
    list_display = ["indicator", "region", "level", "kind", "department", "state", "updated_at"]
    list_filter = ["level", "state", "kind"]
    search_fields = ["indicator__name", "reason"]
    inlines = [WarningEventInline]


admin.site.register(QualitativeJudgement)
admin.site.register(Notification)
