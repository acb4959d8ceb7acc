"""Each user chooses which events reach them in the app and by e-mail."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from tianping.web.orgs.permissions import PLAN_READERS, role_required

from .models import Notification, NotificationPreference


@role_required(*PLAN_READERS)
def notification_settings(request):
    # stored only when the user saves a choice (a visit changes nothing)
    pref = NotificationPreference.objects.filter(user=request.user).first() or NotificationPreference(user=request.user)
    kinds = Notification.Kind.choices
    if request.method == "POST":
        valid = {k for k, _label in kinds}
        pref.app_off = sorted(k for k in valid if f"app_{k}" not in request.POST)
        pref.email_off = sorted(k for k in valid if f"email_{k}" not in request.POST)
        pref.save()
        messages.success(request, _("Your notification choices are saved."))
        return redirect("monitoring:notification_settings")
    rows = [{"kind": k, "label": label, "app": k not in pref.app_off, "email": k not in pref.email_off}
            for k, label in kinds]
    return render(request, "monitoring/notification_settings.html", {"rows": rows, "email": request.user.email})
