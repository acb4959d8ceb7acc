"""Qualitative judgements (with evidence files checked for size and type) counting in
达标率, the dashboard's department filter, 分性别统计, and the multi-region views:
comparison of districts with the same indicator names, the city roll-up and the check
for district targets weaker than the national outline's."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tianping.core.figures import STATUS_ORDER
from tianping.web.monitoring import services
from tianping.web.monitoring.models import AssessmentRun, QualitativeJudgement
from tianping.web.observations.models import Observation
from tianping.web.orgs.models import Department, Region
from tianping.web.plans.models import Target

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def qualitative_indicator(plan):
    target = Target.objects.filter(indicator__plan=plan, op="qualitative").select_related("indicator").first()
    assert target is not None, "the seed has qualitative targets"
    return target.indicator


def test_a_judgement_with_evidence_counts_in_the_attainment_rate(assessed, expert, office, client_of, settings):
    run = assessed("000")
    ind = qualitative_indicator(run.plan)
    milestone = str(run.results.filter(indicator=ind).first().milestone)
    before = run.summary[milestone]
    assert run.results.filter(indicator=ind, headline=True).first().status == "待评估"

    url = f"/monitoring/judgements/{ind.pk}/"
    assert client_of(office).get(url).status_code == 403          # only the evaluation group judges
    judge = client_of(expert)
    fake = SimpleUploadedFile("证明.pdf", b"<html>not a pdf</html>", content_type="application/pdf")
    page = judge.post(url, {"verdict": "达标", "evidence": "区妇联年度工作报告第3节所列12项活动均已完成", "attachments": [fake]})
    assert page.status_code == 200 and "证明.pdf 不是真正的 PDF 文件" in page.content.decode()
    settings.UPLOAD_MAX_BYTES = 20
    big = SimpleUploadedFile("报告.pdf", PDF, content_type="application/pdf")
    page = judge.post(url, {"verdict": "达标", "evidence": "区妇联年度工作报告第3节所列12项活动均已完成", "attachments": [big]})
    assert "报告.pdf 超过" in page.content.decode()
    settings.UPLOAD_MAX_BYTES = 10 * 1024 * 1024
    exe = SimpleUploadedFile("run.exe", b"MZ\x90\x00", content_type="application/octet-stream")
    assert "只接受" in judge.post(url, {"verdict": "达标", "evidence": "足够长的佐证说明文字内容",
                                       "attachments": [exe]}).content.decode()
    assert not QualitativeJudgement.objects.exists()

    good = SimpleUploadedFile("工作总结.pdf", PDF, content_type="application/pdf")
    response = judge.post(url, {"verdict": "达标", "evidence": "区妇联年度工作报告第3节所列12项活动均已完成",
                                "attachments": [good]})
    assert response.status_code == 302
    judgement = QualitativeJudgement.objects.get(indicator=ind)
    assert judgement.judged_by == expert and judgement.attachments.get().name == "工作总结.pdf"
    run = AssessmentRun.objects.get(pk=run.pk)
    row = run.results.filter(indicator=ind, headline=True).first()
    assert row.status == "已达标" and row.judgement == "达标"
    after = run.summary[milestone]
    assert after["attained"] == before["attained"] + 1 and after["assessable"] == before["assessable"] + 1
    listing = client_of(office).get("/monitoring/judgements/").content.decode()
    assert "工作总结.pdf" in listing and "达标" in listing
    download = client_of(office).get(f"/monitoring/attachments/{judgement.attachments.get().pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content if download.streaming else
                                                    [download.content]) == PDF


def test_dashboard_filtered_by_department_counts_only_its_indicators(assessed, office, client_of):
    run = assessed("000")
    health = Department.objects.get(region=run.region, name="卫健局")
    own = services.summarise_rows(run.results.filter(department=health))["2030"]
    page = client_of(office).get(f"/monitoring/?department={health.pk}&milestone=2030")
    current = page.context["current"]
    assert current == own and 0 < current["targets"] < run.summary["2030"]["targets"]
    # every row counted belongs to the department: the areas hold only its indicators
    health_areas = set(run.results.filter(department=health).values_list("area", flat=True))
    assert {a["area"] for a in current["areas"]} <= health_areas | {"其他"}
    assert sum(sum(a["status"].values()) for a in current["areas"]) == current["targets"]
    other = Department.objects.get(region=Region.objects.get(code="220113"), name="卫健局")
    assert client_of(office).get(f"/monitoring/?department={other.pk}").status_code == 404


def test_gender_statistics(assessed, office, client_of):
    run = assessed("000")
    sexed = set(Observation.objects.filter(region=run.region, sex="女").values_list("indicator_id", flat=True))
    assert sexed
    # the fourth has no 女/男 data; it must count both sexes (a women-only indicator is never by sex)
    required = list(run.plan.indicators.filter(pk__in=sexed)[:3]) + \
        [i for i in run.plan.indicators.exclude(pk__in=sexed).order_by("position") if i.sex_applies][:1]
    for ind in required:
        ind.by_sex = True
        ind.save()
    page = client_of(office).get("/monitoring/gender/")
    ctx = page.context
    assert ctx["required"] == 4 and ctx["reported"] == 3 and ctx["share"] == 75
    assert [i.pk for i in ctx["missing"]] == [required[3].pk]
    # reported as a total only, or not at all: two different problems, listed apart
    has_data = Observation.objects.filter(indicator=required[3], region=run.region, value__isnull=False).exists()
    assert [i.pk for i in ctx["missing_split" if has_data else "missing_data"]] == [required[3].pk]
    assert not ctx["missing_data" if has_data else "missing_split"]
    gap = next(g for g in ctx["gaps"] if g["indicator"].pk == required[0].pk)
    female = Observation.objects.get(indicator=required[0], region=run.region, sex="女", year=gap["year"], age="",
                                     residence="").value
    male = Observation.objects.get(indicator=required[0], region=run.region, sex="男", year=gap["year"], age="",
                                   residence="").value
    assert gap["gap"] == pytest.approx(female - male) and gap["trend"] in ("缩小", "扩大", "无明显变化", "例数过少", "")
    text = page.content.decode()
    assert "分性别统计" in text and "75%" in text
    # a qualitative target has no figures to split by sex: never listed as missing sex data
    qualitative = run.plan.indicators.filter(targets__kind="qualitative").exclude(
        targets__kind__in=["numeric", "directional"]).first()
    qualitative.by_sex = True
    qualitative.save()
    ctx = client_of(office).get("/monitoring/gender/").context
    assert ctx["required"] == 4 and qualitative not in ctx["missing"]


def test_city_compares_its_districts_rolls_up_and_flags_weaker_targets(two_districts, client_of, regions):
    from tianping.web.orgs.models import User
    a, b, city = two_districts
    city_office = User.objects.create_user(username="dalian", password="x-Tianping-2030", role="office", region=city)
    page = client_of(city_office).get("/monitoring/regions/?region=210200")
    assert page.status_code == 200
    ctx = page.context
    assert [d.name for d in ctx["districts"]] == ["中山区", "西岗区"]
    row = next(r for r in ctx["rows"] if r["name"] == "孕产妇死亡率")
    assert [c["value"] for c in row["cells"]] == [pytest.approx(1 / 30000 * 1e5), pytest.approx(2 / 20000 * 1e5)]
    rolled = next(r for r in ctx["rollup"] if r["indicator"] == "孕产妇死亡率")
    assert rolled["year"] == 2024 and rolled["complete"] and rolled["districts"] == 2
    assert rolled["value"] == pytest.approx(3 / 50000 * 1e5)             # sums, not the mean of the rates
    flags = [(f["region"].name, f["indicator"].name, f["year"], f["source"]) for f in ctx["weaker"]]
    assert ("中山区", "孕产妇死亡率", 2030, "国家纲要") in flags
    assert ("西岗区", "孕产妇死亡率", 2030, "国家纲要") not in flags
    assert "低于上级规划或国家纲要的区县目标" in page.content.decode()
    assert ctx["national_targets"] >= 20 and "个国家目标" in page.content.decode()   # from the indicator catalogue
    # a district office sees only its own district
    assert client_of(User.objects.create_user(username="xg", password="x-Tianping-2030", role="office",
                                              region=regions["210203"])).get(
        "/monitoring/regions/?region=210200").status_code == 404


def test_assess_plans_command(assessed, regions, capsys):
    from django.core.management import call_command
    run = assessed("000")
    AssessmentRun.objects.all().delete()
    call_command("assess_plans", "--region", "210203")
    assert AssessmentRun.objects.get(plan=run.plan, region=run.region, year=2024).trigger == "command"
    assert "西岗区" in capsys.readouterr().out


def test_csv_download_is_scoped_and_safe_in_a_spreadsheet(assessed, office, other_office, client_of):
    run = assessed("000")
    row = Observation.objects.filter(region=run.region, sex="", age="", residence="").select_related("indicator").first()
    row.note = "=HYPERLINK(\"http://x\")"
    row.save()
    response = client_of(office).get(f"/monitoring/indicator/{row.indicator_id}/csv/")
    text = response.content.decode("utf-8-sig")
    assert response["Content-Type"].startswith("text/csv")
    import csv
    import io
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == Observation.objects.filter(indicator=row.indicator, region=run.region).count()
    notes = [r["备注"] for r in rows if "HYPERLINK" in r["备注"]]
    assert notes == ["'=HYPERLINK(\"http://x\")"]       # a leading quote: text, not a formula
    assert client_of(other_office).get(f"/monitoring/indicator/{row.indicator_id}/csv/?region=210203").status_code == 404


def test_dashboard_status_columns_line_up_with_their_headings(assessed, office, client_of):
    """The status counts are stored as JSON; PostgreSQL's jsonb does not keep key order."""
    import re

    run = assessed("000")
    html = client_of(office).get("/monitoring/?milestone=2030").content.decode()
    table = html[html.index('id="areas"'):html.index("</table>", html.index('id="areas"'))]
    headings = re.findall(r'</span>([^<]+)</th>', table.split("</thead>")[0])
    assert headings == list(STATUS_ORDER)
    for area in run.summary["2030"]["areas"]:
        row = table[table.index(f">{area['area']}</a>"):]
        row = row[:row.index("</tr>")]
        cells = [int(n) for n in re.findall(r'<td class="num">(\d+)</td>', row)]
        assert cells == [area["status"][s] for s in STATUS_ORDER], area["area"]


def test_a_city_office_without_an_assessment_of_its_own_is_pointed_to_its_districts(regions, client_of):
    """A city reports no data itself; its dashboard said '统计局审核通过数据…后自动计算', which never
    happens for a city. It says how the city's plan is followed and links the district comparison."""
    from tianping.web.orgs.models import Region, User

    city = Region.objects.get(code="210200")
    assert city.level == Region.Level.CITY
    user = User.objects.create_user(username="city1", password="Tianping-test-2030", role="office", region=city)
    page = client_of(user).get("/monitoring/?region=210200").content.decode()
    assert "其规划通过所辖区县的数据跟踪" in page and "/monitoring/regions/?region=210200" in page
    assert "统计局审核通过数据或填报轮次关闭后自动计算" not in page
