from django.shortcuts import render

from tianping.web.orgs.permissions import PLAN_READERS, get_scoped_or_404, role_required
from tianping.web.plans.models import Indicator


@role_required(*PLAN_READERS)
def indicator_data(request, pk):
    """Every stored value of one indicator, synthetic rows marked as such."""
    indicator = get_scoped_or_404(Indicator.objects.select_related("plan__region", "responsible_department"),
                                  request.user, region_field="plan__region", pk=pk)
    observations = indicator.observations.select_related("region").order_by("region__code", "year", "sex", "age",
                                                                           "residence")
    return render(request, "observations/indicator_data.html", {
        "indicator": indicator, "plan": indicator.plan, "observations": observations,
        "any_synthetic": observations.filter(synthetic=True).exists()})
