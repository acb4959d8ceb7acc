"""TOTP second factor for the office, the statistics bureau and administrators (等保 2.0;
outside review, finding 8). Off in the development settings (demo, browser tests), on in
tianping.web.production; here switched on."""

from __future__ import annotations

import re
import time

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient


@pytest.fixture(autouse=True)
def require_otp(settings):
    settings.TIANPING_REQUIRE_OTP = True


def _code(device, offset=0) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=offset):06d}"


def test_office_enrols_then_must_give_a_code_after_each_login(office, password):
    c = Client()
    assert c.post("/login/", {"username": office.username, "password": password}).status_code == 302
    r = c.get("/plans/")
    assert r.status_code == 302 and r["Location"].startswith("/account/otp/")
    page = c.get(r["Location"])
    assert page.status_code == 200 and "密钥" in page.content.decode()
    secret = re.search(r'id="otp-secret">([A-Z2-7]+)<', page.content.decode()).group(1)
    device = TOTPDevice.objects.get(user=office)
    assert not device.confirmed and secret
    assert c.post("/account/otp/", {"code": "000000", "next": "/plans/"}).status_code == 400
    time.sleep(1.2)   # django-otp throttles after a wrong code (1 s, doubling)
    r = c.post("/account/otp/", {"code": _code(device), "next": "/plans/"})
    assert r.status_code == 302 and r["Location"] == "/plans/"
    assert c.get("/plans/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    # a new session: the password alone is not enough
    other = Client()
    other.post("/login/", {"username": office.username, "password": password})
    assert other.get("/plans/").status_code == 302
    page = other.get("/account/otp/").content.decode()
    assert "密钥" not in page   # enrolled: no secret shown again


def test_reporter_needs_no_second_factor(reporter, password):
    c = Client()
    c.post("/login/", {"username": reporter.username, "password": password})
    assert c.get("/collection/").status_code == 200


def test_api_token_for_the_office_needs_the_code(office, password):
    device = TOTPDevice.objects.create(user=office, name="app", confirmed=True)
    api = APIClient()
    r = api.post("/api/token/", {"username": office.username, "password": password}, format="json")
    assert r.status_code == 400 and "动态口令" in str(r.json())
    r = api.post("/api/token/", {"username": office.username, "password": password, "otp": _code(device)},
                 format="json")
    assert r.status_code == 200 and r.json()["token"]
