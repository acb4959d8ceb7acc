"""Regions (GB/T 2260), member departments of the women and children's committee,
and the people who use Tianping, each with one role in one region."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class Region(models.Model):
    """An administrative division with its six-digit GB/T 2260 code."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("Province")
        CITY = "city", _("City")
        DISTRICT = "district", _("District or county")

    code = models.CharField(_("region code"), max_length=6, unique=True,
                            validators=[RegexValidator(r"^\d{6}$", _("A region code has six digits."))])
    name = models.CharField(_("name"), max_length=50)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey("self", verbose_name=_("parent region"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="children")

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        """"辽宁省大连市西岗区" style, from the province down."""
        names, region = [], self
        while region is not None:
            names.append(region.name)
            region = region.parent
        return "".join(reversed(names))

    @property
    def code_prefix(self) -> str:
        """The part of the code every region inside this one shares (21 / 2102 / 210203)."""
        return {self.Level.PROVINCE: self.code[:2], self.Level.CITY: self.code[:4]}.get(self.level, self.code)

    def subtree(self):
        """This region and every region inside it."""
        return Region.objects.filter(code__startswith=self.code_prefix)


class Department(models.Model):
    """A member unit of the region's women and children's working committee (成员单位)."""

    class Kind(models.TextChoices):
        PARTY = "party", _("Party committee department")
        GOVERNMENT = "government", _("Government department")
        LEGISLATURE = "legislature", _("People's congress or CPPCC")
        JUDICIAL = "judicial", _("Court or procuratorate")
        MASS = "mass", _("Mass organisation")
        OTHER = "other", _("Other")

    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="departments")
    name = models.CharField(_("name"), max_length=60)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.GOVERNMENT)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["region__code", "name"]
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="department_unique_name_per_region")]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person using Tianping: one role, scoped to a region (and, for reporters, a department)."""

    class Role(models.TextChoices):
        OFFICE = "office", _("Committee office")
        STATISTICS = "statistics", _("Statistics bureau")
        REPORTER = "reporter", _("Department reporter")
        EVALUATION = "evaluation", _("Evaluation group")
        LEADERSHIP = "leadership", _("Leading group")
        READONLY = "readonly", _("Read-only")

    role = models.CharField(_("role"), max_length=12, choices=Role.choices, default=Role.READONLY)
    region = models.ForeignKey(Region, verbose_name=_("region"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="users")
    department = models.ForeignKey(Department, verbose_name=_("department"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="users")

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role="reporter") | models.Q(department__isnull=False),
                name="reporter_has_department",
            ),
        ]

    def has_role(self, *roles: str) -> bool:
        return self.is_active and self.role in roles


class ApiToken(models.Model):
    """An API token. Only its SHA-256 is stored (a backup or a database reader learns nothing it
    could use); it expires, and it dies with a password change (the user's session hash is part
    of it) and with logout (tianping.web.orgs.tokens)."""

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens")
    digest = models.CharField(_("SHA-256 of the token"), max_length=64, unique=True)
    prefix = models.CharField(_("first characters"), max_length=8)
    credential = models.CharField(_("password fingerprint"), max_length=64)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        indexes = [models.Index(fields=["user", "expires_at"], name="apitoken_user_expiry")]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"


class PasswordHistory(models.Model):
    """The hashes of a user's recent passwords (orgs.passwords.HistoryValidator refuses reuse)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history")
    encoded = models.CharField(max_length=255)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("password history")
        verbose_name_plural = _("password history")


class FieldChange(models.Model):
    """One changed field of an audited record (tianping.web.audit): old and new value, who, when."""

    model = models.CharField(_("record kind"), max_length=60)
    object_id = models.BigIntegerField(_("record"))
    field = models.CharField(_("field"), max_length=60)
    old = models.JSONField(_("old value"), null=True, blank=True)
    new = models.JSONField(_("new value"), null=True, blank=True)
    user = models.ForeignKey(User, verbose_name=_("user"), null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")
    at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("field change")
        verbose_name_plural = _("field changes")
        indexes = [models.Index(fields=["model", "object_id"], name="fieldchange_record")]
        ordering = ["-at", "-pk"]
