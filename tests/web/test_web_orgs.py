"""Regions, departments and users: the hierarchy, the scope helpers, login and lockout."""

import pytest
from django.db import IntegrityError, transaction

from tianping.web.orgs.models import Department, Region, User
from tianping.web.orgs.permissions import departments_visible_to, regions_visible_to
from tianping.web.settings import PASSWORD_HASHERS as ARGON2_FIRST


def test_seeded_regions_form_province_city_district_chains(regions):
    xigang = Region.objects.get(code="210203")
    assert xigang.full_name == "辽宁省大连市西岗区"
    assert xigang.parent.code == "210200" and xigang.parent.parent.level == Region.Level.PROVINCE
    assert Region.objects.get(code="350111").full_name == "福建省福州市晋安区"


def test_a_city_sees_its_districts_and_not_other_provinces(regions):
    dalian = Region.objects.get(code="210200")
    assert set(dalian.subtree().values_list("code", flat=True)) == {"210200", "210203"}


def test_reporter_sees_only_its_own_department_and_office_its_region(office, reporter, other_office):
    assert list(departments_visible_to(reporter)) == [reporter.department]
    office_departments = departments_visible_to(office)
    assert office_departments.filter(region__code="210203").count() == office_departments.count() > 20
    assert list(regions_visible_to(other_office).values_list("code", flat=True)) == ["220113"]


def test_a_reporter_without_department_is_refused_by_the_database(regions):
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user("nodept", password="x", role=User.Role.REPORTER, region=regions["210203"])


def test_department_names_are_unique_per_region(regions):
    with pytest.raises(IntegrityError), transaction.atomic():
        Department.objects.create(region=regions["210203"], name="卫健局")


def test_passwords_are_hashed_with_argon2(regions, settings):
    settings.PASSWORD_HASHERS = ARGON2_FIRST
    user = User.objects.create_user("hashme", password="Tianping-test-2030")
    assert user.password.startswith("argon2$")


def test_login_page_is_chinese_and_wrong_password_says_so(client, office):
    page = client.get("/login/").content.decode()
    assert "登录" in page and "用户名" in page
    wrong = client.post("/login/", {"username": office.username, "password": "wrong"}).content.decode()
    assert "用户名或密码错误" in wrong


def test_five_failed_logins_lock_the_account_even_for_the_right_password(client, office, password):
    for _ in range(5):
        client.post("/login/", {"username": office.username, "password": "wrong"})
    locked = client.post("/login/", {"username": office.username, "password": password})
    assert "账号已锁定" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_right_password_logs_in_and_password_can_be_changed(client, office, password):
    response = client.post("/login/", {"username": office.username, "password": password})
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(office.pk)
    changed = client.post("/password/", {"old_password": password, "new_password1": "Zhongqi-2025-pinggu",
                                          "new_password2": "Zhongqi-2025-pinggu"})
    assert changed.status_code == 302
    office.refresh_from_db()
    assert office.check_password("Zhongqi-2025-pinggu")


def test_admin_is_in_chinese(client, regions):
    User.objects.create_superuser("root", password="x-Admin-2030")
    client.post("/login/", {"username": "root", "password": "x-Admin-2030"})
    page = client.get("/admin/").content.decode()
    assert "天平系统管理" in page and "机构与账号" in page


def test_the_office_adds_and_deactivates_departments_and_a_reporter_cannot(client_of, office, reporter, regions):
    region = regions["210203"]
    data = {"region": region.pk, "name": "退役军人事务局", "kind": "government"}
    assert client_of(reporter).post("/departments/", data).status_code == 403
    client = client_of(office)
    assert client.post("/departments/", data).status_code == 302
    again = client.post("/departments/", data).content.decode()
    assert "已有同名成员单位" in again
    added = Department.objects.get(region=region, name="退役军人事务局")
    client.post(f"/departments/{added.pk}/toggle/")
    added.refresh_from_db()
    assert not added.is_active
    assert client_of(reporter).post(f"/departments/{added.pk}/toggle/").status_code == 403
    elsewhere = client.post("/departments/", {**data, "region": regions["220113"].pk}).content.decode()
    assert "选择一个有效的选项" in elsewhere


def test_the_ui_is_chinese_for_an_english_browser_until_english_is_chosen(client, regions):
    assert "登录" in client.get("/login/", HTTP_ACCEPT_LANGUAGE="en-US,en").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
    assert "Log in" in client.get("/login/").content.decode()
