from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import today
from .forms import DepartmentForm
from .models import Department
from .permissions import (
    PLAN_MANAGERS,
    PLAN_READERS,
    departments_visible_to,
    get_scoped_or_404,
    role_required,
)


@login_required
def home(request):
    from tianping.web.plans.services import (
        plans_visible_to,  # plans builds on orgs, not the reverse
    )


    user = request.user
    # the read-only role sees published reports and open data only, not the plan list
    plans = plans_visible_to(user) if user.is_superuser or user.role in PLAN_READERS else None
    return render(request, "orgs/home.html", {"plans": plans, "today": today.for_user(user)})


@role_required(*PLAN_READERS)
def department_list(request):
    departments = departments_visible_to(request.user).select_related("region")
    form = DepartmentForm(request.POST or None, user=request.user)
    if request.method == "POST":
        if not request.user.is_superuser and request.user.role not in PLAN_MANAGERS:
            return render(request, "403.html", status=403)
        if form.is_valid():
            department = form.save()
            messages.success(request, _("Added “%(name)s”.") % {"name": department.name})
            return redirect("department_list")
    can_edit = request.user.is_superuser or request.user.role in PLAN_MANAGERS
    return render(request, "orgs/department_list.html", {"departments": departments, "form": form,
                                                         "can_edit": can_edit})


@role_required(*PLAN_MANAGERS)
@require_POST
def department_toggle(request, pk):
    department = get_scoped_or_404(Department.objects, request.user, pk=pk)
    department.is_active = not department.is_active
    department.save(update_fields=["is_active"])
    return redirect("department_list")
