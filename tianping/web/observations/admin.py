from django.contrib import admin

from tianping.web.readonly_admin import ReadOnlyAdmin

from .models import Observation


@admin.register(Observation)
class ObservationAdmin(ReadOnlyAdmin):
    list_display = ["indicator", "region", "year", "sex", "age", "residence", "value", "synthetic"]
    list_filter = ["synthetic", "year", "sex", "region"]
    search_fields = ["indicator__name"]
    raw_id_fields = ["indicator"]
