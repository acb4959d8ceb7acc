from django.contrib import admin

from tianping.web.readonly_admin import ReadOnlyAdmin, ReadOnlyInline

from .models import (
    AssessmentRun,
    Notification,
    QualitativeJudgement,
    Warning,
    WarningEvent,
)


@admin.register(AssessmentRun)
class AssessmentRunAdmin(ReadOnlyAdmin):
    list_display = ["plan", "region", "year", "synthetic", "trigger", "computed_at"]
    list_filter = ["year", "synthetic"]


class WarningEventInline(ReadOnlyInline):
    model = WarningEvent


@admin.register(Warning)
class WarningAdmin(ReadOnlyAdmin):
    list_display = ["indicator", "region", "level", "kind", "department", "state", "updated_at"]
    list_filter = ["level", "state", "kind"]
    search_fields = ["indicator__name", "reason"]
    inlines = [WarningEventInline]


@admin.register(QualitativeJudgement)
class QualitativeJudgementAdmin(ReadOnlyAdmin):
    pass


admin.site.register(Notification)
