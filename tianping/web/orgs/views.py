from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from .permissions import PLAN_READERS, departments_visible_to, role_required


@login_required
def home(request):
    from tianping.web.plans.services import plans_visible_to  # plans builds on orgs, not the reverse

    return render(request, "orgs/home.html", {"plans": plans_visible_to(request.user)})


@role_required(*PLAN_READERS)
def department_list(request):
    departments = departments_visible_to(request.user).select_related("region")
    return render(request, "orgs/department_list.html", {"departments": departments})
