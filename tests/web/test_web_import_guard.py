"""Import guard: a plan whose title names another region is refused for this office unless
the office explicitly confirms it; a revision is offered only for the same region and kind."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tianping.web.plans.models import Plan

pytestmark = pytest.mark.django_db


def upload(client, path, region, confirm=False):
    data = {"document": SimpleUploadedFile(path.name, path.read_bytes()), "region": region.pk if region else ""}
    if confirm:
        data["other_region_ok"] = "on"
    return client.post("/plans/import/", data)


@pytest.fixture
def xigang_confirmed(office, regions, seed_file, client_of):
    upload(client_of(office), seed_file("002"), regions["210203"])
    Plan.objects.update(status=Plan.Status.CONFIRMED)
    return list(Plan.objects.all())


def test_a_jinan_plan_is_refused_for_the_xigang_office(xigang_confirmed, office, regions, seed_file, client_of):
    page = upload(client_of(office), seed_file("004"), regions["210203"])
    text = page.content.decode()
    assert page.status_code == 400 and "晋安区" in text and "不能作为西岗区的规划" in text
    assert Plan.objects.count() == len(xigang_confirmed)
    assert not Plan.objects.filter(revises__isnull=False).exists()


def test_an_explicit_choice_lets_it_in(xigang_confirmed, office, regions, seed_file, client_of):
    page = upload(client_of(office), seed_file("004"), regions["210203"], confirm=True)
    assert page.status_code == 302
    assert Plan.objects.count() == len(xigang_confirmed) + 1


def test_the_same_regions_new_edition_is_offered_as_a_revision(xigang_confirmed, office, regions, seed_file,
                                                               client_of):
    page = upload(client_of(office), seed_file("000"), regions["210203"])   # 大连市西岗区妇女发展规划
    assert page.status_code == 302 and "/changes/" in page["Location"]
    new = Plan.objects.get(status=Plan.Status.DRAFT)
    assert new.revises.region == new.region and new.revises.kind == new.kind == "women"
