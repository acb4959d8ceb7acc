from django.urls import path

from . import notice_views, views

app_name = "monitoring"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("area/", views.area, name="area"),
    path("indicator/<int:pk>/", views.indicator, name="indicator"),
    path("indicator/<int:pk>/csv/", views.indicator_csv, name="indicator_csv"),
    path("warnings/", views.warnings, name="warnings"),
    path("warnings/<int:pk>/", views.warning, name="warning"),
    path("judgements/", views.judgements, name="judgements"),
    path("judgements/<int:pk>/", views.judge, name="judge"),
    path("attachments/<int:pk>/", views.attachment, name="attachment"),
    path("gender/", views.gender, name="gender"),
    path("regions/", views.regions, name="regions"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read/", views.notifications_read, name="notifications_read"),
    path("notifications/settings/", notice_views.notification_settings, name="notification_settings"),
]
