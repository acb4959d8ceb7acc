"""Collection fixtures: seed 000 imported and confirmed as the office would, with a
small task division (the framework fields the office sets on the review pages),
a round for 2024 and a reporter per department.

    framework   {"mmr": 孕产妇死亡率 (卫健局, numerator/denominator per 100,000),
                 "mgmt": 孕产妇系统管理率 (卫健局, %, by urban/rural),
                 "count": 妇女失业保险和工伤保险参保人数 (人社局, 人, by urban/rural)}
    round_2024  open round for 西岗区 2024, deadline in the future
    hr_reporter reporter of 人社局
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tianping.web.orgs.models import Department, User
from tianping.web.plans.models import Plan


@pytest.fixture
def framework(imported_plan, regions):
    plan = imported_plan("000")[0]
    region = regions["210203"]
    dept = {name: Department.objects.get(region=region, name=name) for name in ("卫健局", "人社局", "医保局")}

    def assign(name, department, **fields):
        ind = plan.indicators.filter(name=name).first()
        assert ind is not None, name
        for key, value in {"responsible_department": dept[department], **fields}.items():
            setattr(ind, key, value)
        ind.save()
        return ind

    found = {
        "mmr": assign("孕产妇死亡率", "卫健局", numerator="孕产妇死亡人数", denominator="活产数", multiplier=100000,
                      definition="每10万例活产中孕产妇死亡人数"),
        # the catalogue reports these two by no breakdown; the office removed their links, so the
        # framework's own 城镇/农村 breakdown applies and these tests exercise that grid
        "mgmt": assign("孕产妇系统管理率", "卫健局", catalogue=None, catalogue_method="manual", by_residence=True),
        "count": assign("妇女失业保险和工伤保险参保人数", "人社局", unit="人", catalogue=None,
                        catalogue_method="manual", by_residence=True),
    }
    plan.status = Plan.Status.CONFIRMED
    plan.save()
    return found


@pytest.fixture
def round_2024(framework, office, regions):
    from tianping.web.collection import services

    return services.open_round(regions["210203"], 2024, date.today() + timedelta(days=30), office)


@pytest.fixture
def hr_reporter(regions):
    dept = Department.objects.get(region=regions["210203"], name="人社局")
    return User.objects.create_user(username="hr1", password="Tianping-test-2030", role="reporter",
                                    region=regions["210203"], department=dept)


@pytest.fixture
def sub_of(round_2024):
    def get(department_name):
        return round_2024.submissions.get(department__name=department_name)

    return get
