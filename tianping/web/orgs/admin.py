from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from tianping.web.readonly_admin import ReadOnlyAdmin

from .models import Department, FieldChange, Region, User


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name"]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "region", "kind", "is_active"]
    list_filter = ["kind", "is_active", "region"]
    search_fields = ["name"]


@admin.register(User)
class TianpingUserAdmin(UserAdmin):
    list_display = ["username", "last_name", "first_name", "role", "region", "department", "is_active"]
    list_filter = ["role", "is_active", "region"]
    fieldsets = UserAdmin.fieldsets + ((_("Role and scope"), {"fields": ["role", "region", "department"]}),)
    add_fieldsets = UserAdmin.add_fieldsets + ((_("Role and scope"), {"fields": ["role", "region", "department"]}),)


@admin.register(FieldChange)
class FieldChangeAdmin(ReadOnlyAdmin):
    list_display = ["at", "model", "object_id", "field", "old", "new", "user"]
    list_filter = ["model", "field"]
