from django.contrib import admin

from .models import Boundary, Favourite


@admin.register(Favourite)
class FavouriteAdmin(admin.ModelAdmin):
    list_display = ("name", "owner", "pinned", "updated_at")
    list_filter = ("pinned",)


@admin.register(Boundary)
class BoundaryAdmin(admin.ModelAdmin):
    list_display = ("region", "name", "file_name", "schematic", "uploaded_by", "uploaded_at")
    readonly_fields = ("geojson", "matched", "unmatched", "missing")
