from django.urls import path

from . import curation, exports, views

urlpatterns = [
    path("", views.plan_list, name="plan_list"),
    path("import/", views.plan_import, name="plan_import"),
    path("<int:pk>/", views.plan_detail, name="plan_detail"),
    path("<int:pk>/review/", views.plan_review, name="plan_review"),
    path("<int:pk>/confirm/", views.plan_confirm, name="plan_confirm"),
    path("<int:pk>/delete/", views.plan_delete, name="plan_delete"),
    path("<int:pk>/changes/", views.plan_changes, name="plan_changes"),
    path("<int:pk>/framework/", views.plan_framework, name="plan_framework"),
    path("<int:pk>/framework/bulk/", curation.framework_bulk, name="framework_bulk"),
    path("<int:pk>/framework/division/", curation.division_import, name="division_import"),
    path("<int:pk>/indicators/new/", views.indicator_add, name="indicator_add"),
    path("indicators/<int:pk>/", views.indicator_edit, name="indicator_edit"),
    path("indicators/<int:pk>/department/", views.indicator_department, name="indicator_department"),
    path("indicators/<int:pk>/delete/", views.indicator_delete, name="indicator_delete"),
    path("indicators/<int:pk>/merge/", views.indicator_merge, name="indicator_merge"),
    path("targets/<int:pk>/split/", views.target_split, name="target_split"),
    path("measures/<int:pk>/", views.measure_edit, name="measure_edit"),
    path("<int:pk>/export/<str:table>.<str:fmt>", exports.export_table, name="plan_export"),
]
