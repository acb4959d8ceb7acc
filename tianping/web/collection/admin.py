from django.contrib import admin

from tianping.web.readonly_admin import ReadOnlyAdmin

from .models import Comment, Entry, EntryChange, ReportingRound, Submission


@admin.register(ReportingRound)
class ReportingRoundAdmin(ReadOnlyAdmin):
    list_display = ["region", "year", "opens_on", "deadline", "state"]
    list_filter = ["state", "year"]


@admin.register(Submission)
class SubmissionAdmin(ReadOnlyAdmin):
    list_display = ["round", "department", "state", "submitted_at", "accepted_at"]
    list_filter = ["state"]


@admin.register(EntryChange)
class EntryChangeAdmin(ReadOnlyAdmin):
    list_display = ["entry", "user", "at", "channel", "version"]
    list_filter = ["channel"]


@admin.register(Entry)
class EntryAdmin(ReadOnlyAdmin):
    list_display = ["submission", "indicator", "sex", "age", "residence", "value", "version", "updated_by"]


@admin.register(Comment)
class CommentAdmin(ReadOnlyAdmin):
    list_display = ["submission", "kind", "author", "at"]
