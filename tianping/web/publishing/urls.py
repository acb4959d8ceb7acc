from django.urls import path

from . import views

app_name = "publishing"

urlpatterns = [
    path("reports/", views.report_list, name="reports"),
    path("reports/new/", views.report_new, name="report_new"),
    path("reports/<int:pk>/", views.report_detail, name="report"),
    path("reports/<int:pk>/sections/", views.report_sections, name="sections"),
    path("reports/<int:pk>/generate/", views.report_generate, name="generate"),
    path("reports/<int:pk>/job/", views.report_job, name="job"),
    path("reports/<int:pk>/<str:action>/", views.report_step, name="step"),
    path("reports/<int:pk>/file/<str:fmt>/", views.report_file, name="file"),
    path("self-evaluations/", views.self_evaluations, name="self_evaluations"),
    path("self-evaluations/<int:plan_pk>/<int:year>/", views.self_evaluation, name="self_evaluation"),
    path("public/", views.public_index, name="public"),
    path("public/reports/<int:pk>/", views.public_report, name="public_report"),
    path("public/reports/<int:pk>/file/<str:fmt>/", views.public_file, name="public_file"),
    path("public/reports/<int:pk>/data.<str:fmt>", views.public_data, name="public_data"),
]
