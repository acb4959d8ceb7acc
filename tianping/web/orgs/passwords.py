"""Password rules at the level 等保 2.0 expects: length and character classes (complexity), and
no reuse of the last few passwords (history). Used as Django password validators, so the
password change page, the admin and `changepassword` all apply them."""

from __future__ import annotations

from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError

from .models import PasswordHistory

HISTORY = 5


class ComplexityValidator:
    """At least ``min_length`` characters from at least three of: upper case, lower case, digits, symbols."""

    def __init__(self, min_length: int = 10, classes: int = 3):
        self.min_length, self.classes = min_length, classes

    def validate(self, password, user=None):
        kinds = sum([any(c.isupper() for c in password), any(c.islower() for c in password),
                     any(c.isdigit() for c in password), any(not c.isalnum() for c in password)])
        if len(password) < self.min_length or kinds < self.classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self):
        return (f"密码至少{self.min_length}个字符，并包含大写字母、小写字母、数字、符号中的至少{self.classes}类。")


class HistoryValidator:
    """Not one of the user's last ``HISTORY`` passwords; records each new one."""

    def validate(self, password, user=None):
        if user is None or not getattr(user, "pk", None):
            return

        encoded = [user.password, *PasswordHistory.objects.filter(user=user).order_by("-at", "-pk")
                   .values_list("encoded", flat=True)[:HISTORY]]
        if any(e and check_password(password, e) for e in encoded):
            raise ValidationError(f"不能使用最近{HISTORY}次用过的密码。", code="password_reused")

    def password_changed(self, password, user=None):
        if user is None or not getattr(user, "pk", None) or not user.password:
            return

        PasswordHistory.objects.create(user=user, encoded=user.password)
        old = PasswordHistory.objects.filter(user=user).order_by("-at", "-pk").values_list("pk", flat=True)[HISTORY:]
        PasswordHistory.objects.filter(pk__in=list(old)).delete()

    def get_help_text(self):
        return f"不能使用最近{HISTORY}次用过的密码。"
