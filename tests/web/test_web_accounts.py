"""Accounts (outside review, finding 8): behind nginx every client was 127.0.0.1, so anyone
could lock any account; passwords followed Django's defaults only.

Lockout is by account and address, the address taken from X-Forwarded-For only when the
request comes from a trusted proxy (TIANPING_TRUSTED_PROXIES); passwords need length, three
character classes and may not repeat the last five."""

from __future__ import annotations

import pytest
from django.test import Client

from tianping.web.orgs.models import PasswordHistory

NGINX = "127.0.0.1"


def _login(username, password, forwarded=None, remote=NGINX):
    headers = {"REMOTE_ADDR": remote}
    if forwarded:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return Client().post("/login/", {"username": username, "password": password}, **headers)


def _locked(response) -> bool:
    return response.status_code in (403, 429) or "锁定" in response.content.decode()


def test_attacker_behind_nginx_cannot_lock_out_the_user(office, password, settings):
    settings.TIANPING_TRUSTED_PROXIES = [NGINX]
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(office.username, "wrong", forwarded="203.0.113.5")
    assert _locked(_login(office.username, password, forwarded="203.0.113.5"))   # the attacker's address is locked
    ok = _login(office.username, password, forwarded="198.51.100.7, 127.0.0.1")  # the user elsewhere is not
    assert ok.status_code == 302 and not _locked(ok)


def test_forged_forwarded_header_is_ignored_from_an_untrusted_address(office, password, settings):
    settings.TIANPING_TRUSTED_PROXIES = [NGINX]
    for n in range(settings.AXES_FAILURE_LIMIT):   # one client rotates a forged header to dodge the lockout
        _login(office.username, "wrong", forwarded=f"192.0.2.{n}", remote="198.18.0.9")
    assert _locked(_login(office.username, password, forwarded="192.0.2.200", remote="198.18.0.9"))


def test_without_trusted_proxies_the_header_means_nothing(office, password, settings):
    settings.TIANPING_TRUSTED_PROXIES = []
    from tianping.web.clientip import client_ip

    request = Client().get("/login/", REMOTE_ADDR=NGINX, HTTP_X_FORWARDED_FOR="203.0.113.5").wsgi_request
    assert client_ip(request) == NGINX
    settings.TIANPING_TRUSTED_PROXIES = ["127.0.0.0/8", "10.0.0.0/8"]
    request = Client().get("/login/", REMOTE_ADDR=NGINX, HTTP_X_FORWARDED_FOR="203.0.113.5, 10.1.2.3").wsgi_request
    assert client_ip(request) == "203.0.113.5"


def _change(client, old, new):
    return client.post("/password/", {"old_password": old, "new_password1": new, "new_password2": new})


@pytest.mark.parametrize("weak", ["abcdefghijk", "ABCDEFGH12", "Ab1!", "tianpingtianping"])
def test_password_needs_length_and_three_character_classes(office, password, weak):
    c = Client()
    c.force_login(office)
    r = _change(c, password, weak)
    assert r.status_code == 200 and ("至少10个字符" in r.content.decode() or "太短" in r.content.decode())


def test_recent_passwords_cannot_be_reused(office, password):
    c = Client()
    c.force_login(office)
    first, second = "Plan-monitor-2031", "Report-review-2032"
    assert _change(c, password, first).status_code == 302
    office.refresh_from_db()
    c.force_login(office)
    assert _change(c, first, second).status_code == 302
    c.force_login(office.__class__.objects.get(pk=office.pk))
    again = _change(c, second, first)
    assert again.status_code == 200 and "最近5次" in again.content.decode()
    assert PasswordHistory.objects.filter(user=office).count() == 2
