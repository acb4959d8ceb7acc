"""The data visualizer and the map through the web, on the demo's city level: the pivot and its
workbook agree with the stored values, favourites are their owner's and pin to the dashboard,
every role sees only what the existing rules let it see, and a bad GeoJSON is refused in Chinese."""

import io
import json
import re

import pytest
from openpyxl import load_workbook

from tianping.core import geojson
from tianping.web.analysis.models import Boundary, Favourite
from tianping.web.analysis.services import indicator_infos
from tianping.web.observations.models import Observation, assessed_rows
from tianping.web.orgs.models import Department, Region, User
from tianping.web.plans.models import Indicator

pytestmark = pytest.mark.django_db

XIGANG, ZHONGSHAN, SHAHEKOU = "210203", "210202", "210204"


@pytest.fixture
def city(city_module, db):
    """The demo's city, built once for this module (conftest.city_module)."""
    return city_module


def _city_user():
    return User.objects.get(username="city")


def _key_of(name, user):
    infos, _ = indicator_infos(user)
    return next(k for k, info in infos.items() if info.name == name)


def _stored(name, code, year, sex=""):
    ind = Indicator.objects.filter(name=name, plan__region__code=code, plan__status="confirmed").first()
    rows = assessed_rows(Observation.objects.filter(indicator=ind, region__code=code))
    return rows.get(year=year, sex=sex, age="", residence="").value


def test_city_pivot_and_workbook_agree_with_the_stored_values(city, client_of):
    user = _city_user()
    key = _key_of("孕产妇死亡率", user)
    c = client_of(user)
    query = f"indicator={key}&region={XIGANG}&region={ZHONGSHAN}&region={SHAHEKOU}&year=2022&year=2023&year=2024"
    page = c.get(f"/analysis/?{query}").content.decode()
    table = page[page.index('id="pivot-table"'):page.index("</table>", page.index('id="pivot-table"'))]
    for name in ("西岗区", "中山区（演示）", "沙河口区（演示）"):
        assert name in table
    assert "合成演示数据" in page   # the demo's data say so
    data = json.loads(re.search(r'<script id="pivot-chart-data" type="application/json">(.*?)</script>', page,
                                re.S).group(1))
    assert data["x"] == ["2022", "2023", "2024"] and len(data["series"]) == 3
    response = c.get(f"/analysis/pivot.xlsx?{query}")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content))["透视表"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][-3:] == ("2022", "2023", "2024")
    by_region = {r[1]: r for r in rows[1:]}
    for code, name in ((XIGANG, "西岗区"), (ZHONGSHAN, "中山区（演示）"), (SHAHEKOU, "沙河口区（演示）")):
        assert by_region[name][-1] == pytest.approx(_stored("孕产妇死亡率", code, 2024))
        assert by_region[name][3] == "1/10万"


def test_women_only_indicator_has_no_male_series_whatever_is_asked(city, client_of):
    user = _city_user()
    key = _key_of("孕产妇死亡率", user)
    page = client_of(user).get(f"/analysis/?indicator={key}&region={XIGANG}&breakdown=sex").content.decode()
    assert "男性" not in page[page.index('id="pivot-table"'):]
    assert "不分性别" in page


def test_favourite_saved_pinned_and_shown_on_the_dashboard(city, client_of):
    user = _city_user()
    key = _key_of("孕产妇死亡率", user)
    c = client_of(user)
    r = c.post("/analysis/favourites/", {"action": "save", "name": "各区孕产妇死亡率", "indicator": key,
                                         "region": [XIGANG, ZHONGSHAN], "chart": "bar", "columns": "region"})
    fav = Favourite.objects.get(owner=user, name="各区孕产妇死亡率")
    assert r.status_code == 302 and f"fav={fav.pk}" in r["Location"]
    assert fav.choice["regions"] == [XIGANG, ZHONGSHAN] and fav.choice["chart"] == "bar" and not fav.pinned
    dashboard = c.get(f"/monitoring/?region={XIGANG}")   # shows the saved message, but no pinned chart
    assert 'id="pinned-charts"' not in dashboard.content.decode()
    c.post("/analysis/favourites/", {"action": "pin", "pk": fav.pk})
    fav.refresh_from_db()
    assert fav.pinned
    page = c.get(f"/monitoring/?region={XIGANG}").content.decode()   # the cached page is not served stale
    assert 'id="pinned-charts"' in page and "各区孕产妇死亡率" in page and f'id="pinned-{fav.pk}-data"' in page
    c.post("/analysis/favourites/", {"action": "unpin", "pk": fav.pk})
    assert 'id="pinned-charts"' not in c.get(f"/monitoring/?region={XIGANG}").content.decode()


def test_favourites_are_their_owners_only(city, client_of, office):
    user = _city_user()
    fav = Favourite.objects.create(owner=user, name="城市收藏", choice={"indicators": ["x"], "regions": [XIGANG]})
    other = client_of(office)
    assert other.get(f"/analysis/?fav={fav.pk}").status_code == 404
    assert other.get(f"/analysis/pivot.xlsx?fav={fav.pk}").status_code == 404
    for action in ("pin", "delete"):
        assert other.post("/analysis/favourites/", {"action": action, "pk": fav.pk}).status_code == 404
    fav.refresh_from_db()
    assert not fav.pinned


def test_reporter_sees_only_its_departments_indicators(city, client_of, regions):
    hr = Department.objects.get(region=regions[XIGANG], name="人社局")
    reporter = User.objects.create_user(username="rep-hr", password="x", role="reporter", region=regions[XIGANG],
                                        department=hr)
    infos, by_key = indicator_infos(reporter)
    pks = [ind.pk for inds in by_key.values() for ind in inds]
    assert infos and set(Indicator.objects.filter(pk__in=pks).values_list("responsible_department", flat=True)) == {hr.pk}
    # a health-bureau indicator asked for by URL: left out, never shown
    health = _key_of("孕产妇死亡率", _city_user())
    assert health not in infos
    c = client_of(reporter)
    page = c.get(f"/analysis/?indicator={health}&region={XIGANG}").content.decode()
    assert "孕产妇死亡率" not in page and "不存在或无权查看" in page
    sheet = load_workbook(io.BytesIO(c.get(f"/analysis/pivot.xlsx?indicator={health}&region={XIGANG}").content))
    assert len(list(sheet["透视表"].iter_rows())) == 1     # the header only
    # no dashboard to pin to, no map
    fav = Favourite.objects.create(owner=reporter, name="我的", choice={})
    assert c.post("/analysis/favourites/", {"action": "pin", "pk": fav.pk}).status_code == 403
    assert c.get("/analysis/map/").status_code == 403


def test_district_office_sees_only_its_district(city, client_of):
    office = User.objects.get(username="office")   # 西岗区
    c = client_of(office)
    key = _key_of("孕产妇死亡率", _city_user())
    page = c.get(f"/analysis/?indicator={key}&region={XIGANG}&region={ZHONGSHAN}").content.decode()
    table = page[page.index('id="pivot-table"'):]
    assert "西岗区" in table and "中山区（演示）" not in page
    assert c.get("/analysis/map/?region=210200").status_code == 404


def test_read_only_role_is_refused(city, client_of, viewer):
    c = client_of(viewer)
    for url in ("/analysis/", "/analysis/pivot.xlsx", "/analysis/map/"):
        assert c.get(url).status_code == 403
    assert c.post("/analysis/favourites/", {"action": "save", "name": "x"}).status_code == 403
    assert not Favourite.objects.filter(owner=viewer).exists()


def test_demo_map_is_schematic_and_coloured_by_status(city, client_of):
    boundary = Boundary.objects.get(region__code="210200")
    assert boundary.schematic and set(boundary.matched) == {XIGANG, ZHONGSHAN, SHAHEKOU}
    page = client_of(_city_user()).get("/analysis/map/").content.decode()
    assert geojson.SCHEMATIC_LABEL in page
    data = json.loads(re.search(r'<script id="map-data" type="application/json">(.*?)</script>', page, re.S).group(1))
    assert {i["name"] for i in data["items"]} == {XIGANG, ZHONGSHAN, SHAHEKOU}
    assert all(i["colour"].startswith("#") for i in data["items"])
    assert len(data["map"]["features"]) == 3


def test_bad_geojson_is_refused_in_chinese_and_nothing_stored(city, client_of):
    from django.core.files.uploadedfile import SimpleUploadedFile

    c = client_of(_city_user())
    before = Boundary.objects.count()
    bad = json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": "西岗区"}, "geometry": {"type": "Point", "coordinates": [121, 38]}}]},
        ensure_ascii=False).encode()
    r = c.post("/analysis/map/upload/", {"file": SimpleUploadedFile("边界.geojson", bad)})
    text = r.content.decode()
    assert r.status_code == 400 and "边界.geojson" in text and "第1个要素（西岗区）" in text and "Point" in text
    r = c.post("/analysis/map/upload/", {"file": SimpleUploadedFile("边界.shp", b"\x00\x00\x27\x0a")})
    assert r.status_code == 400 and "不是GeoJSON文件" in r.content.decode()
    nowhere = geojson.schematic([("110101", "东城区")])
    r = c.post("/analysis/map/upload/", {"file": SimpleUploadedFile("北京.geojson", json.dumps(nowhere).encode())})
    assert r.status_code == 400 and "没有一个要素与大连市的区县对应" in r.content.decode()
    assert Boundary.objects.count() == before


def test_office_uploads_boundaries_matched_by_code_and_name(city, client_of):
    from django.core.files.uploadedfile import SimpleUploadedFile

    def hexagon(props):
        doc = geojson.schematic([("1", "x")])
        f = doc["features"][0]
        f["properties"] = props
        return f

    doc = {"type": "FeatureCollection", "features": [hexagon({"adcode": "210203"}), hexagon({"name": "中山区"}),
                                                     hexagon({"name": "甘井子区", "adcode": "210211"})]}
    r = client_of(_city_user()).post("/analysis/map/upload/",
                                     {"file": SimpleUploadedFile("dalian.geojson", json.dumps(doc).encode())},
                                     follow=True)
    text = r.content.decode()
    assert "2个区县已匹配" in text and "甘井子区" in text and "沙河口区（演示）" in text
    boundary = Boundary.objects.filter(region__code="210200").order_by("-pk").first()
    assert set(boundary.matched) == {XIGANG, ZHONGSHAN} and not boundary.schematic
    assert boundary.unmatched == ["甘井子区"] and boundary.missing == ["沙河口区（演示）"]
    # only the office of the region uploads
    other = User.objects.get(username="office")
    assert Region.objects.get(code=XIGANG).boundaries.count() == 0
    assert client_of(User.objects.get(username="leader")).post(
        "/analysis/map/upload/", {"file": SimpleUploadedFile("d.geojson", json.dumps(doc).encode())}).status_code == 403
    r = client_of(other).post("/analysis/map/upload/", {"file": SimpleUploadedFile("d.geojson", json.dumps(doc).encode())})
    assert r.status_code == 400 and "西岗区没有下级区县" in r.content.decode()


def test_favourite_name_is_escaped_everywhere(city, client_of):
    user = _city_user()
    key = _key_of("孕产妇死亡率", user)
    c = client_of(user)
    evil = "<img src=x onerror=alert(1)>"
    c.post("/analysis/favourites/", {"action": "save", "name": evil, "indicator": key, "region": [XIGANG]})
    fav = Favourite.objects.get(owner=user)
    c.post("/analysis/favourites/", {"action": "pin", "pk": fav.pk})
    for url in (f"/analysis/?fav={fav.pk}", "/analysis/", f"/monitoring/?region={XIGANG}"):
        page = c.get(url).content.decode()
        assert evil not in page and "&lt;img src=x onerror=alert(1)&gt;" in page, url
