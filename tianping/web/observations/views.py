from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from tianping.core.errors import InputErrors, TianpingError
from tianping.web.orgs.permissions import (
    PLAN_READERS,
    Role,
    get_scoped_or_404,
    role_required,
)
from tianping.web.plans.models import Indicator

from . import history


@role_required(*PLAN_READERS)
def indicator_data(request, pk):
    """Every stored value of one indicator, synthetic rows marked as such."""
    indicators = Indicator.objects.select_related("plan__region", "responsible_department")
    if request.user.role == Role.REPORTER and not request.user.is_superuser:  # as the API: own department only
        indicators = indicators.filter(responsible_department_id=request.user.department_id)
    indicator = get_scoped_or_404(indicators, request.user, region_field="plan__region", pk=pk)
    observations = indicator.observations.select_related("region").order_by("region__code", "year", "sex", "age",
                                                                           "residence")
    return render(request, "observations/indicator_data.html", {
        "indicator": indicator, "plan": indicator.plan, "observations": observations,
        "any_synthetic": observations.filter(synthetic=True).exists()})


@role_required(Role.OFFICE)
def history_import(request):
    """历史数据导入: the office loads earlier years from yearbooks and monitoring reports."""
    region = request.user.region
    if region is None:
        raise PermissionDenied(_("Your account has no region."))
    errors, result = [], None
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            errors = [_("Choose a CSV or Excel file to import.")]
        elif upload.size > history.MAX_BYTES:
            errors = [f"文件“{upload.name}”大小{upload.size / 2**20:.1f} MB，超过上限{history.MAX_BYTES / 2**20:.0f} MB"]
        else:
            try:
                result = history.import_history(region, request.user, upload.name, upload.read())
            except InputErrors as err:
                errors = [str(e) for e in err.errors]
            except TianpingError as err:
                errors = [str(err)]
        if result:
            messages.success(request, f"已导入历史数据：新增{result.new}个、更新{result.changed}个数值，"
                                      f"{result.indicators}项指标，{result.years[0]}—{result.years[1]}年；"
                                      f"来源：{'、'.join(result.sources)}")
            return redirect("history_import")
    return render(request, "observations/history_import.html", {
        "region": region, "errors": errors, "sources": history.summary(region)},
        status=400 if errors else 200)


@role_required(Role.OFFICE)
def history_template(request):
    if request.user.region is None:
        raise PermissionDenied(_("Your account has no region."))
    response = HttpResponse(history.template(request.user.region),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = "attachment; filename=\"history.xlsx\"; filename*=UTF-8''" + \
        quote(f"{request.user.region.name}-历史数据模板.xlsx")
    return response
