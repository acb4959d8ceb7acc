from django.contrib import admin

from .models import Correction, Inspection, ScoreRuleChange


@admin.register(Inspection)
class InspectionAdmin(admin.ModelAdmin):
    list_display = ("date", "region", "inspectors")
    readonly_fields = [f.name for f in Inspection._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(Correction)
class CorrectionAdmin(admin.ModelAdmin):
    list_display = ("requirement", "department", "deadline", "state", "closed_on")
    readonly_fields = [f.name for f in Correction._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(ScoreRuleChange)
class ScoreRuleChangeAdmin(admin.ModelAdmin):
    list_display = ("region", "year", "user", "at")
    readonly_fields = [f.name for f in ScoreRuleChange._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
