"""API tokens: hashed, expiring, rotated (outside review, finding 7: tokens never expired,
survived password change and logout, and sat in plain text in backups).

    issue(user) -> (ApiToken, key)      a new token; the key is shown once, only its SHA-256 kept
    HashedTokenAuthentication           DRF authentication for "Authorization: Token <key>"
    revoke_all(user)                    every token of the user (logout, deactivation)

A token is valid until TIANPING_API_TOKEN_HOURS after issue, while the user is active and
has the same password as when it was issued (the fingerprint is a hash of Django's session
auth hash, which changes with the password)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.signals import user_logged_out
from django.dispatch import receiver
from django.utils import timezone
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from .models import ApiToken


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _fingerprint(user) -> str:
    return hashlib.sha256(user.get_session_auth_hash().encode()).hexdigest()


def issue(user) -> tuple[ApiToken, str]:
    key = secrets.token_urlsafe(32)
    ApiToken.objects.filter(user=user, expires_at__lte=timezone.now()).delete()  # tidy up the expired ones
    token = ApiToken.objects.create(user=user, digest=_digest(key), prefix=key[:8], credential=_fingerprint(user),
                                    expires_at=timezone.now() + timedelta(hours=settings.TIANPING_API_TOKEN_HOURS))
    return token, key


def revoke_all(user) -> int:
    return ApiToken.objects.filter(user=user).delete()[0]


class HashedTokenAuthentication(TokenAuthentication):
    keyword = "Token"

    def authenticate_credentials(self, key):
        token = ApiToken.objects.select_related("user").filter(digest=_digest(key)).first()
        if token is None:
            raise exceptions.AuthenticationFailed("令牌无效")
        if token.expires_at <= timezone.now():
            token.delete()
            raise exceptions.AuthenticationFailed("令牌已过期，请重新获取")
        user = token.user
        if not user.is_active:
            raise exceptions.AuthenticationFailed("账户已停用")
        if not secrets.compare_digest(token.credential, _fingerprint(user)):
            token.delete()
            raise exceptions.AuthenticationFailed("密码已更改，令牌已失效，请重新获取")
        return user, token


@receiver(user_logged_out, dispatch_uid="tianping-revoke-tokens-on-logout")
def _revoke_on_logout(sender, request, user, **kwargs):
    if user is not None:
        revoke_all(user)
