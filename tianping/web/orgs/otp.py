"""Second factor (TOTP, django-otp) for the roles that hold the keys: committee office,
statistics bureau and administrators (等保 2.0). With TIANPING_REQUIRE_OTP on (the default of
tianping.web.production; off in the development settings so the demo and its browser tests log
in with a password alone), such a user who has logged in with a password reaches nothing but
the second-factor page until a code from an authenticator app is given; the first time, the
page enrols the app (a secret and an otpauth:// address to scan or type). API tokens for these
roles are issued only with a valid code (field ``otp`` of /api/token/)."""

from __future__ import annotations

import base64

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import User

ROLES = (User.Role.OFFICE, User.Role.STATISTICS)
OPEN_URLS = {"otp_verify", "logout", "set_language", "login"}


def required_for(user) -> bool:
    return bool(getattr(settings, "TIANPING_REQUIRE_OTP", False)) and user.is_authenticated and (
        user.is_superuser or user.is_staff or user.role in ROLES)


def verify_code(user, code: str) -> bool:
    """A confirmed device of the user accepts ``code`` (used by /api/token/)."""
    code = (code or "").strip()
    return bool(code) and any(d.verify_token(code) for d in TOTPDevice.objects.filter(user=user, confirmed=True))


class RequireSecondFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None or match.view_name in OPEN_URLS or match.view_name.startswith("api:"):
            return None  # the API authenticates its own way (tokens need the code when issued)
        user = request.user
        if required_for(user) and not user.is_verified():
            return redirect(f"/account/otp/?next={request.get_full_path()}")
        return None


@login_required
def otp_verify(request):
    user = request.user
    nxt = request.POST.get("next") or request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}):
        nxt = "/"
    if not required_for(user) or user.is_verified():
        return redirect(nxt)
    enrolled = user_has_device(user, confirmed=True)
    device = (TOTPDevice.objects.filter(user=user, confirmed=True).first() if enrolled else
              TOTPDevice.objects.filter(user=user, confirmed=False).first()
              or TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False))
    error = ""
    if request.method == "POST":
        if device.verify_token((request.POST.get("code") or "").strip()):
            if not device.confirmed:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
            otp_login(request, device)
            return redirect(nxt)
        error = "动态口令不正确或已过期，请输入认证器应用上当前显示的6位数字。"

    secret = base64.b32encode(device.bin_key).decode()
    return render(request, "registration/otp.html", {
        "enrolled": enrolled, "secret": secret, "config_url": device.config_url, "error": error, "next": nxt},
        status=400 if error else 200)
