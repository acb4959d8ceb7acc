from django.urls import path

from . import views

app_name = "analysis"

urlpatterns = [
    path("", views.visualizer, name="visualizer"),
    path("pivot.xlsx", views.export, name="export"),
    path("favourites/", views.favourites, name="favourites"),
    path("map/", views.map_view, name="map"),
    path("map/upload/", views.boundary_upload, name="boundary_upload"),
]
