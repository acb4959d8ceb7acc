from django.urls import path

from . import views

urlpatterns = [
    path("indicators/<int:pk>/", views.indicator_data, name="indicator_data"),
    path("history/", views.history_import, name="history_import"),
    path("history/template.xlsx", views.history_template, name="history_template"),
]
