from django.urls import path

from . import views

urlpatterns = [
    path("indicators/<int:pk>/", views.indicator_data, name="indicator_data"),
]
