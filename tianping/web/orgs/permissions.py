"""Who may see and do what. Every view uses these helpers; none checks roles by hand.

    @role_required(Role.OFFICE)                  login + role, else 403 (Chinese page)
    regions_visible_to(user)                     the user's region and every region inside it
    departments_visible_to(user)                 departments in those regions (reporters: only their own)
    scoped(queryset, user, region_field="region")  filter any queryset to the visible regions
    get_scoped_or_404(queryset, user, pk=..., region_field="region")  one object inside the scope, else 404
    VisibleQuerySet                             Model.objects.visible_to(user), the same as a method

Superusers (system administrators) pass every role check and see every region.
"""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import models
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from .models import Department, Region, User

Role = User.Role

# Roles that run a plan's framework: import, review, confirm, assign departments.
PLAN_MANAGERS = (Role.OFFICE,)
# Roles that may read plans and frameworks of their region (third parties see published reports only).
PLAN_READERS = (Role.OFFICE, Role.STATISTICS, Role.EVALUATION, Role.LEADERSHIP, Role.REPORTER)

# The read-only role (第三方评估) sees published reports and their open data, nothing else
# (DESIGN.md). Enforced for every URL by ThirdPartyScopeMiddleware and for the API by HasRole,
# so a page added later is closed to third parties unless it is named here.
THIRD_PARTY_URLS = frozenset({
    "home", "login", "logout", "otp_verify", "password_change", "password_change_done", "set_language",
    "publishing:reports", "publishing:report", "publishing:file", "publishing:job",
    "publishing:public", "publishing:public_report", "publishing:public_file", "publishing:public_data",
    "api:token", "api:schema",
})


def is_third_party(user) -> bool:
    return user.is_authenticated and not user.is_superuser and user.role == Role.READONLY


def third_party_may(view_name: str | None) -> bool:
    return view_name in THIRD_PARTY_URLS


def user_has_role(user, *roles: str) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or user.role in roles


def role_required(*roles: str):
    """View decorator: the user must be logged in and hold one of ``roles``."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not user_has_role(request.user, *roles):
                raise PermissionDenied(_("Your role does not allow this page."))
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def regions_visible_to(user):
    if user.is_superuser:
        return Region.objects.all()
    if not user.is_authenticated or user.region_id is None:
        return Region.objects.none()
    return user.region.subtree()


def departments_visible_to(user):
    if user.is_authenticated and not user.is_superuser and user.role == Role.REPORTER:
        return Department.objects.filter(pk=user.department_id)
    return Department.objects.filter(region__in=regions_visible_to(user))


def scoped(queryset, user, region_field: str = "region"):
    """``queryset`` limited to objects whose ``region_field`` lies in the user's regions."""
    if user.is_superuser:
        return queryset
    return queryset.filter(**{f"{region_field}__in": regions_visible_to(user)})


class VisibleQuerySet(models.QuerySet):
    """The common scoping as a QuerySet method: ``Plan.objects.visible_to(user)``.
    ``region_field`` is the lookup of the object's region."""

    region_field = "region"

    def visible_to(self, user):
        return scoped(self, user, self.region_field)


def get_scoped_or_404(queryset, user, region_field: str = "region", **lookup):
    """One object inside the user's regions; 404 (not 403) outside, so nothing leaks."""
    return get_object_or_404(scoped(queryset, user, region_field), **lookup)
