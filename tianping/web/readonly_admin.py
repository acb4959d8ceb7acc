"""Django admin for records whose changes must leave an audit trail.

Reported values, submissions, the review conversation, the plan framework, warnings and
assessments change only through Tianping's own pages and API, which check the version,
record who changed what (old and new) and follow the workflow. In the admin an administrator
may look at them (to answer a question), never add, change or delete them: an admin edit
would change a value with its version and history untouched (outside review, finding 3)."""

from django.contrib import admin


class ReadOnlyMixin:
    """No add, change or delete: the record is changed only through the services that audit it."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(ReadOnlyMixin, admin.ModelAdmin):
    pass


class ReadOnlyInline(ReadOnlyMixin, admin.TabularInline):
    extra = 0
