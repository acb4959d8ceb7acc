from django.contrib import admin

from .models import Comment, Entry, EntryChange, ReportingRound, Submission


@admin.register(ReportingRound)
class ReportingRoundAdmin(admin.ModelAdmin):
    list_display = ["region", "year", "opens_on", "deadline", "state"]
    list_filter = ["state", "year"]


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = ["round", "department", "state", "submitted_at", "accepted_at"]
    list_filter = ["state"]


@admin.register(EntryChange)
class EntryChangeAdmin(admin.ModelAdmin):
    list_display = ["entry", "user", "at", "channel", "version"]
    list_filter = ["channel"]

    def has_change_permission(self, request, obj=None):
        return False  # the audit trail is read-only

    def has_delete_permission(self, request, obj=None):
        return False


admin.site.register(Entry)
admin.site.register(Comment)
