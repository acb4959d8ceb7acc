"""Region, kind and period of plans from every level, read from their openings
(tests/plan_openings.py): title, issuing notice, signature, date and body."""

from __future__ import annotations

import pytest
from plan_openings import OPENINGS

from tianping.core.metadata import lookup_region, plan_period, region_in_name
from tianping.core.parser import parse_plan_text


@pytest.mark.parametrize("opening", OPENINGS, ids=[o.name for o in OPENINGS])
def test_opening_gives_region_kind_and_period(opening):
    plans = parse_plan_text(opening.text, source_file=f"{opening.name}.txt")
    assert [plan.kind for plan in plans] == opening.kinds
    for plan in plans:
        assert (plan.region, plan.region_code, plan.region_level) == (opening.region, opening.code, opening.level)
        assert (plan.start_year, plan.end_year) == opening.period
        assert plan.areas, "the minimal body was read as a plan"
        assert opening.region in plan.title or plan.region == "全国"


def test_combined_plan_keeps_womens_and_childrens_areas_apart():
    combined = next(o for o in OPENINGS if o.name == "combined")
    women, children = parse_plan_text(combined.text)
    assert women.combined and children.combined
    assert [a.name for a in women.areas] == ["妇女与健康", "妇女与教育", "妇女与经济"]
    assert [a.name for a in children.areas] == ["儿童与健康", "儿童与安全", "儿童与教育"]
    assert women.title == children.title == "北京市“十四五”时期妇女儿童发展规划（2021—2025年）"
    assert women.milestone_years == [2025]
    women_names = {i.name for i in women.indicators()}
    children_names = {i.name for i in children.indicators()}
    assert "孕产妇死亡率" in women_names and "孕产妇死亡率" not in children_names
    assert "学前教育毛入园率" in children_names and not any("入园" in n for n in women_names)


def test_an_area_naming_neither_side_goes_by_what_its_goals_speak_of():
    from plan_openings import _doc

    text = _doc("某某市妇女儿童发展规划（2021—2030年）\n前言\n全市妇女儿童事业发展。",
                ("妇女与健康", "儿童与健康"))
    text = text.replace("（二）儿童与健康", "（二）家庭建设")   # goals about 儿童: the children's half
    women, children = parse_plan_text(text)
    assert [a.name for a in women.areas] == ["妇女与健康"]
    assert [a.name for a in children.areas] == ["家庭建设"]


def test_date_and_document_number_lines_stay_out_of_names():
    district = next(o for o in OPENINGS if o.name == "district after a date line")
    plan, = parse_plan_text(district.text)
    assert plan.title == "长宁区妇女发展“十四五”规划（2021—2025年）"
    assert "7日" not in plan.region and "号" not in plan.title


@pytest.mark.parametrize("name, region, code, level", [
    ("2021年12月7日长宁区妇女发展规划", "长宁区", "", "district"),       # a district's code needs its city
    ("上海市长宁区妇女发展规划", "长宁区", "310105", "district"),
    ("内蒙古自治区鄂尔多斯市伊金霍洛旗妇女发展规划", "伊金霍洛旗", "150627", "district"),
    ("新疆维吾尔自治区儿童发展规划", "新疆维吾尔自治区", "650000", "province"),
    ("锡林郭勒盟妇女发展规划", "锡林郭勒盟", "152500", "city"),
    ("上海市浦东新区妇女发展规划", "浦东新区", "310115", "district"),
    ("济南市市中区妇女发展规划", "市中区", "", "district"),
    ("长春市朝阳区妇女发展规划", "朝阳区", "", "district"),           # not Beijing's 朝阳区
    ("中国儿童发展纲要", "全国", "", "national"),
    ("妇女发展规划", "", "", ""),
])
def test_region_in_name(name, region, code, level):
    found = region_in_name(name)
    assert (found.name, found.code, found.level) == (region, code, level)


def test_district_code_with_its_city_named_elsewhere():
    assert lookup_region("朝阳区", evidence="北京市朝阳区妇女儿童工作委员会") == ("110105", "district")
    assert lookup_region("朝阳区", evidence="长春市朝阳区") == ("", "district")


@pytest.mark.parametrize("title, head, period", [
    ("长宁区妇女发展“十四五”规划", [], (2021, 2025)),
    ("某区妇女发展规划（2016-2020年）", [], (2016, 2020)),
    ("某区妇女发展“十三五”规划", [], (2016, 2020)),
    ("", ["现将《某县儿童发展规划（2021—2025年）》印发给你们"], (2021, 2025)),
    ("", ["本规划规划期为2021—2025年。"], (2021, 2025)),
    ("", ["为促进妇女全面发展，制定本规划。"], None),
])
def test_plan_period(title, head, period):
    assert plan_period(title, head) == period


def _children_plan_with_goals(goals: str) -> str:
    from plan_openings import _doc

    text = _doc("某区儿童发展规划（2021—2030年）\n前言\n全区儿童事业发展。", ("儿童与健康", "儿童与教育"))
    return text.replace("1.婴儿和5岁以下儿童死亡率分别控制在3‰和4‰以下。\n2.儿童青少年总体近视率力争每年降低0.5个百分点。", goals)


def test_goal_number_glued_to_an_age_is_read_by_the_expected_sequence():
    """"1.5岁以下儿童死亡率…" when goal 1 is due: goal 1 about children under 5."""
    plan, = parse_plan_text(_children_plan_with_goals(
        "1.5岁以下儿童死亡率控制在4‰以下。\n2.婴儿死亡率控制在3‰以下。\n3.3岁以下儿童系统管理率达到90%以上。"))
    goals = plan.areas[0].goals
    assert [g.number for g in goals] == [1, 2, 3]
    assert [i.name for g in goals for i in g.indicators] == ["5岁以下儿童死亡率", "婴儿死亡率", "3岁以下儿童系统管理率"]
    assert [(t.op, t.value, t.unit) for t in goals[0].indicators[0].targets] == [("<=", 4.0, "‰")]
    assert not any("编号" in w for w in plan.warnings)


def test_a_decimal_out_of_sequence_stays_part_of_the_goal_before():
    plan, = parse_plan_text(_children_plan_with_goals(
        "1.婴儿死亡率控制在3‰以下。\n2.儿童贫血率控制在\n1.5%以下。"))
    goals = plan.areas[0].goals
    assert [g.number for g in goals] == [1, 2]
    assert goals[1].text.endswith("1.5%以下。")


@pytest.mark.parametrize("contents", [
    "目  录\n前  言\n一、指导思想、基本原则和总体目标\n二、发展领域、主要目标和策略措施\n（一）妇女与健康\n三、组织实施\n四、监测评估",
    "目录\n一、指导思想、基本原则和总体目标……1\n二、发展领域、主要目标和策略措施……3\n三、组织实施 12\n四、监测评估 13",
], ids=["headings only", "with page numbers"])
def test_a_table_of_contents_opens_no_second_plan(contents):
    from plan_openings import _doc

    text = _doc(f"西安市妇女发展规划（2021—2030年）\n{contents}\n前  言\n西安市妇女事业发展取得显著成效。",
                ("妇女与健康", "妇女与教育"), "全市")
    plan, = parse_plan_text(text)
    assert [a.name for a in plan.areas] == ["妇女与健康", "妇女与教育"]
    assert {"指导思想", "组织实施", "监测评估"} <= set(plan.sections)
    assert plan.sections["前言"].startswith("西安市妇女事业发展")
    assert not plan.warnings
    assert plan.areas[0].source.line == text.split("\n").index("（一）妇女与健康", 12) + 1   # lines still count
