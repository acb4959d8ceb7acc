"""A "≤" (or any numeric) target the office edits must keep its number: saving it empty is
refused with a Chinese error beside the field; a parsed target without a number that the
office leaves alone does not block saving the indicator."""

import pytest
from test_web_review import (  # tests/web is on sys.path (rootdir-relative, no package)
    indicator_form,
    maternal,
)

from tianping.web.plans.models import Target

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(imported_plan):
    return imported_plan("000")[0]


def test_an_le_target_cannot_be_saved_without_its_value(plan, office, client_of):
    ind = maternal(plan)
    target = ind.targets.filter(op="<=").first()
    index = list(ind.targets.all()).index(target)
    page = client_of(office).post(f"/plans/indicators/{ind.pk}/",
                                  indicator_form(ind, **{f"targets-{index}-value": ""}))
    assert page.status_code == 200 and "需要填写目标值" in page.content.decode()
    target.refresh_from_db()
    assert target.value is not None


def test_a_parsed_target_without_a_number_left_alone_does_not_block(plan, office, client_of):
    ind = plan.indicators.filter(targets__op__in=[">=", "<="], targets__value__isnull=True).first()
    assert ind is not None   # 女党员代表比例 "不低于…": read without a number
    page = client_of(office).post(f"/plans/indicators/{ind.pk}/", indicator_form(ind, definition="说明"))
    assert page.status_code == 302
    assert Target.objects.filter(indicator=ind, value__isnull=True).exists()
