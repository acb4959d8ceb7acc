"""Importing plan documents through the upload page: real seeds in, drafts stored;
bad files out with a Chinese message on the page and nothing stored."""


import pytest

from tianping.web.observations.models import Observation
from tianping.web.plans.models import Area, Indicator, Plan, Target


def upload(client, name, data, region):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post("/plans/import/", {"document": SimpleUploadedFile(name, data),
                                          "region": region.pk if region else ""})


def alert_text(page: str) -> str:
    import re

    found = re.search(r'<p class="error" role="alert"[^>]*>(.*?)</p>', page, re.S)
    assert found, "no error shown on the page"
    return found.group(1)


def nothing_stored():
    return not (Plan.objects.exists() or Area.objects.exists() or Indicator.objects.exists() or Target.objects.exists())


def test_seed_000_imports_as_a_draft_with_its_areas_indicators_and_sources(client_of, office, regions, seed_file):
    path = seed_file("000")
    response = upload(client_of(office), path.name, path.read_bytes(), regions["210203"])
    plan = Plan.objects.get()
    assert response.status_code == 302 and response.url == f"/plans/{plan.pk}/review/"
    assert plan.status == Plan.Status.DRAFT and plan.kind == "women" and "西岗区" in plan.title
    assert plan.source_file == path.name and len(plan.source_sha256) == 64
    assert plan.areas.count() >= 7
    assert Target.objects.filter(indicator__plan=plan, value__isnull=False).count() > 20
    assert all(i.source_text for i in plan.indicators.all())
    review = client_of(office).get(response.url).content.decode()
    maternal = plan.indicators.filter(name__contains="孕产妇死亡率").first()
    assert maternal is not None and maternal.name in review and maternal.source_text[:20] in review


def test_a_file_with_two_plans_stores_both(client_of, office, regions, seed_file):
    path = seed_file("002")
    upload(client_of(office), path.name, path.read_bytes(), regions["210203"])
    assert sorted(Plan.objects.values_list("kind", flat=True)) == ["children", "women"]


def test_a_word_document_imports_like_its_text(client_of, office, regions, seed_file, tmp_path):
    from docgen import write_docx

    path = seed_file("001")
    docx = write_docx(path.read_text(encoding="utf-8"), tmp_path / "九台区妇女发展规划.docx")
    from django.core.files.uploadedfile import SimpleUploadedFile

    # the 九台区 plan names another region: the 西岗区 office stores it only by explicit choice
    client_of(office).post("/plans/import/", {"document": SimpleUploadedFile(docx.name, docx.read_bytes()),
                                              "region": regions["210203"].pk, "other_region_ok": "on"})
    plan = Plan.objects.get()
    assert "九台区" in plan.title and plan.indicators.count() > 20


BAD_FILES = [
    ("会议通知.txt", "关于召开2024年第一季度工作会议的通知\n请各单位准时参加。\n".encode(), "发展规划"),
    ("规划.docx", b"PK\x03\x04" + b"\x00" * 200, "损坏"),
    ("规划.pdf", b"%PDF-1.7\n" + b"garbage" * 50, "损坏"),
    ("规划.exe", b"MZ\x90\x00" * 10, "只能导入"),
    ("空白.txt", b"   \n\n", "没有文字"),
]


@pytest.mark.parametrize("name,data,expected", BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_a_bad_file_shows_a_chinese_error_and_stores_nothing(client_of, office, regions, name, data, expected):
    response = upload(client_of(office), name, data, regions["210203"])
    alert = alert_text(response.content.decode())
    assert response.status_code == 400
    assert name in alert and expected in alert  # names the file, says what is wrong
    assert nothing_stored()


def test_an_oversized_file_is_refused_before_parsing(client_of, office, regions, seed_file, settings):
    settings.UPLOAD_MAX_BYTES = 1000
    path = seed_file("000")
    page = upload(client_of(office), path.name, path.read_bytes(), regions["210203"]).content.decode()
    assert "超过上限" in alert_text(page) and nothing_stored()


def test_a_failure_while_storing_rolls_back_every_plan(office, regions, seed_file, monkeypatch):
    """Seed 002 holds two plans: if storing the second fails, the first is not kept either."""
    from tianping.web.plans import services

    path = seed_file("002")
    core_plans = services.parse_upload(path.name, path.read_bytes())
    real_store = services.store_plan
    calls = []

    def store_then_fail(core_plan, region, user=None):
        calls.append(core_plan.kind)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real_store(core_plan, region, user)

    monkeypatch.setattr(services, "store_plan", store_then_fail)
    with pytest.raises(RuntimeError):
        services.import_plans(core_plans, regions["210203"], office)
    assert calls == ["women", "children"] and nothing_stored()


def test_a_plan_can_only_be_imported_into_the_users_own_regions(client_of, office, regions, seed_file):
    path = seed_file("000")
    response = upload(client_of(office), path.name, path.read_bytes(), regions["220113"])
    assert response.status_code == 200 and "选择一个有效的选项" in response.content.decode()
    assert nothing_stored() and not Observation.objects.exists()


def test_a_city_office_imports_its_districts_plan_by_title(client_of, regions, seed_file):
    from tianping.web.orgs.models import User

    city = User.objects.create_user("dalian", password="x", role="office", region=regions["210200"])
    path = seed_file("000")
    page = client_of(city).get("/plans/import/").content.decode()
    assert "按规划标题自动识别" in page
    upload(client_of(city), path.name, path.read_bytes(), None)
    assert Plan.objects.get().region.code == "210203"  # 大连市西岗区…: the district, not the city


def test_a_plan_of_a_region_outside_the_users_is_refused_when_told_from_the_title(client_of, regions, seed_file):
    from tianping.web.orgs.models import User

    city = User.objects.create_user("dalian", password="x", role="office", region=regions["210200"])
    path = seed_file("001")  # 九台区, in 长春市
    response = upload(client_of(city), path.name, path.read_bytes(), None)
    assert "无法从标题确定" in alert_text(response.content.decode()) and nothing_stored()
