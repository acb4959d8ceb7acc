from django.contrib.auth import views as auth_views
from django.urls import path

from . import otp, views

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/otp/", otp.otp_verify, name="otp_verify"),
    path("password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("departments/", views.department_list, name="department_list"),
    path("departments/<int:pk>/toggle/", views.department_toggle, name="department_toggle"),
]
