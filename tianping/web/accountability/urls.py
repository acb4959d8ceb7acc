from django.urls import path

from . import views

app_name = "accountability"

urlpatterns = [
    path("scorecards/", views.scorecards, name="scorecards"),
    path("scorecards/<int:year>/departments/<int:pk>/", views.scorecard, name="scorecard"),
    path("scorecards/<int:year>/export.<str:fmt>", views.export, name="export"),
    path("rules/<int:year>/", views.rule, name="rule"),
    path("rules/<int:year>/edit/", views.rule_edit, name="rule_edit"),
    path("inspections/", views.inspections, name="inspections"),
    path("inspections/new/", views.inspection_new, name="inspection_new"),
    path("inspections/<int:pk>/", views.inspection, name="inspection"),
    path("corrections/<int:pk>/progress/", views.correction_progress, name="correction_progress"),
    path("corrections/<int:pk>/close/", views.correction_close, name="correction_close"),
    path("files/<int:pk>/", views.attachment, name="attachment"),
]
