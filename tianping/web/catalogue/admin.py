from django.contrib import admin

from .models import CatalogueEntry, ValidationRule


@admin.register(CatalogueEntry)
class CatalogueEntryAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "unit", "population", "lead", "builtin"]
    list_filter = ["outline", "kind", "population", "builtin"]
    search_fields = ["code", "name", "aliases"]


@admin.register(ValidationRule)
class ValidationRuleAdmin(admin.ModelAdmin):
    list_display = ["name", "region", "left", "op", "right", "right_value", "active"]
    list_filter = ["active", "region"]
