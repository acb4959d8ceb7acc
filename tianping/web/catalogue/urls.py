from django.urls import path

from . import views

app_name = "catalogue"
urlpatterns = [
    path("", views.entry_list, name="list"),
    path("new/", views.entry_add, name="add"),
    path("rules/", views.rules, name="rules"),
    path("export.<str:fmt>", views.export, name="export"),
    path("<str:code>/", views.entry_detail, name="detail"),
]
