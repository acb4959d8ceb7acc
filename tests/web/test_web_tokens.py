"""API tokens (outside review, finding 7): they expire, die with a password change and with
logout, and only their SHA-256 is stored — a backup or a database reader cannot use them."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from rest_framework.test import APIClient

from tianping.web.orgs.models import ApiToken


def _token(user, password) -> str:
    r = APIClient().post("/api/token/", {"username": user.username, "password": password}, format="json")
    assert r.status_code == 200, r.content
    assert timezone.now() < timezone.datetime.fromisoformat(r.json()["expires"]) <= timezone.now() + timedelta(hours=12, minutes=1)
    return r.json()["token"]


def _get(token, path="/api/plans/"):
    c = APIClient()
    c.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return c.get(path)


def test_token_is_stored_hashed(office, password):
    key = _token(office, password)
    assert _get(key).status_code == 200
    stored = ApiToken.objects.get(user=office)
    assert key not in (stored.digest, stored.prefix, stored.credential) and stored.prefix == key[:8]
    assert not ApiToken.objects.filter(digest=key).exists()
    assert _get(stored.digest).status_code == 401   # the stored value is no key


def test_token_expires(office, password, settings):
    key = _token(office, password)
    ApiToken.objects.filter(user=office).update(expires_at=timezone.now() - timedelta(seconds=1))
    r = _get(key)
    assert r.status_code == 401 and "过期" in r.json()["detail"]
    assert not ApiToken.objects.filter(user=office).exists()


def test_password_change_voids_every_token(office, password):
    key = _token(office, password)
    office.set_password("Another-passphrase-2031!")
    office.save()
    r = _get(key)
    assert r.status_code == 401 and "密码已更改" in r.json()["detail"]


def test_password_change_page_voids_tokens_too(office, password, client):
    key = _token(office, password)
    client.force_login(office)
    new = "Xk7#plan-monitor-2031"
    r = client.post("/password/", {"old_password": password, "new_password1": new, "new_password2": new})
    assert r.status_code == 302, r.content.decode()[:2000]
    assert _get(key).status_code == 401


def test_logout_voids_the_users_tokens(office, password, client):
    key = _token(office, password)
    client.force_login(office)
    client.post("/logout/")
    assert _get(key).status_code == 401


def test_inactive_user_token_refused(office, password):
    key = _token(office, password)
    office.is_active = False
    office.save()
    assert _get(key).status_code == 401
