"""parse_structure on the five seed plans, against ../shared/expected and the seed text itself."""

import csv
import re

import pytest

from tests.conftest import SEEDS, SHARED
from tianping.core.normalize import normalize_text
from tianping.core.structure import REQUIRED_SECTIONS, looks_like_plan, parse_structure


def seed_path(prefix: str):
    return next(p for p in SEEDS if p.name.startswith(prefix))


def normalised(prefix: str) -> str:
    return normalize_text(seed_path(prefix).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def plans() -> dict:
    return {p.name[:3]: parse_structure(normalize_text(p.read_text(encoding="utf-8")), p.name) for p in SEEDS}


def expected_structure(prefix: str) -> list[dict]:
    path = next((SHARED / "expected").glob(f"{prefix}_*.structure.csv"))
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


# ------------------------------------------------------------- counts

@pytest.mark.parametrize("prefix", ["000", "001", "002"])
def test_goal_and_measure_counts_equal_expected(prefix, plans):
    found = {
        (plan.kind, area.number): (area.name, len(area.goals), len(area.measures))
        for plan in plans[prefix] for area in plan.areas
    }
    expected = {
        (row["plan"], int(row["area_no"])): (row["area"], int(row["goals"]), int(row["measures"]))
        for row in expected_structure(prefix)
    }
    assert found == expected


# ---------------------------------------------------- title, region, period

@pytest.mark.parametrize("prefix, kinds, region, start, end, milestones", [
    ("000", ["women"], "西岗区", 2021, 2030, [2025, 2030]),
    ("001", ["women"], "九台区", 2021, 2030, [2025, 2030]),
    ("002", ["women", "children"], "西岗区", 2021, 2030, [2025, 2030]),
    ("003", ["women"], "奉化区", 2021, 2025, [2025]),
    ("004", ["women"], "晋安区", 2021, 2030, [2025, 2030]),
])
def test_plan_identity(prefix, kinds, region, start, end, milestones, plans):
    assert [plan.kind for plan in plans[prefix]] == kinds
    for plan in plans[prefix]:
        assert plan.region == region
        assert (plan.start_year, plan.end_year) == (start, end)
        assert plan.milestone_years == milestones
        subject = "儿童" if plan.kind == "children" else "妇女"
        assert region in plan.title and f"{subject}发展" in plan.title
        assert re.search(f"{start}\\D{{1,2}}{end}年", plan.title)
        assert plan.source_file == seed_path(prefix).name


def test_titles_taken_from_the_document_when_it_has_one(plans):
    assert plans["001"][0].title == "九台区妇女发展规划（2021-2030年）"
    assert [p.title for p in plans["002"]] == ["西岗区妇女发展规划（2021—2030年）", "西岗区儿童发展规划（2021—2030年）"]
    # 003 names itself in its preface: 编制《宁波市奉化区妇女发展“十四五”规划》
    assert plans["003"][0].title == "宁波市奉化区妇女发展“十四五”规划（2021—2025年）"


def test_titles_composed_when_the_document_has_none(plans):
    assert plans["000"][0].title == "大连市西岗区妇女发展规划（2021—2030年）"
    assert plans["004"][0].title == "福州市晋安区妇女发展纲要（2021—2030年）"   # it says 本纲要


# ------------------------------------------------------------- sections

@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_sections_kept_as_text(prefix, plans):
    for plan in plans[prefix]:
        for name in REQUIRED_SECTIONS:
            assert plan.sections.get(name), f"{plan.title}: no {name}"
        assert plan.sections["前言"]
        assert not any("没有找到" in w for w in plan.warnings), plan.warnings


def test_section_text_is_the_document_text(plans):
    text = normalised("001").split("\n")
    guiding = plans["001"][0].sections["指导思想"]
    assert guiding == text[text.index("（一）指导思想") + 1]
    monitoring = plans["001"][0].sections["监测评估"].split("\n")
    assert monitoring[0].startswith("（一）加强监测评估制度建设。")
    assert len(monitoring) == len(text) - text.index("四、监测评估") - 1


def test_003_chapter_named_differently_still_counts_as_monitoring(plans):
    assert plans["003"][0].sections["监测评估"].startswith("（一）加强监测评估制度建设")


# ------------------------------------------------------- goals, measures

def test_goal_sources_point_at_their_lines(plans):
    lines = normalised("000").split("\n")
    for area in plans["000"][0].areas:
        for item in area.goals + area.measures:
            line = lines[item.source.line - 1]
            numbered = line.startswith(f"{item.number}.")
            assert item.text.startswith(line[len(f"{item.number}."):] if numbered else line)


def test_measure_title_is_its_first_sentence(plans):
    measure = plans["001"][0].areas[0].measures[0]
    assert measure.title == "完善保障妇女健康的制度机制"
    assert measure.text.startswith("完善保障妇女健康的制度机制。")
    assert not measure.indicators and not plans["001"][0].areas[0].goals[0].indicators


def test_goal_numbers_run_from_one(plans):
    for prefix in ["000", "001", "002", "004"]:
        for plan in plans[prefix]:
            for area in plan.areas:
                assert [g.number for g in area.goals] == list(range(1, len(area.goals) + 1))


def test_item_number_not_merged_with_a_number_that_follows(plans):
    """Seed 002 writes "5. 3 岁以下儿童…": goal 5, not the number 5.3."""
    health = plans["002"][1].areas[0]
    assert health.goals[4].text.startswith("3岁以下儿童系统管理率")
    assert health.goals[9].text.startswith("0-6个月婴儿纯母乳喂养率")


def test_004_goals_after_rejoining(plans):
    health = plans["004"][0].areas[0]
    assert len(health.goals) == 10
    assert health.goals[1].text == "孕产妇死亡率控制在10/10万左右，城乡、区域差距缩小。"
    assert "全面推进13-14周岁半女性人乳头瘤病毒疫苗接种工作" in health.goals[2].text
    assert health.goals[9].text == "健全妇幼健康服务体系，提升妇幼健康服务能力，妇女健康水平不断提高。"
    assert not plans["004"][0].warnings


def test_003_lists_measures_only(plans):
    plan = plans["003"][0]
    assert [a.name for a in plan.areas][:2] == ["妇女与家庭建设", "妇女与健康"]
    assert all(not area.goals and area.measures for area in plan.areas)
    # "3. [bookmark: _GoBack]倡导构建…" in the raw text: the debris is gone, the measure is kept
    assert plan.areas[0].measures[2].title == "倡导构建男女平等、和睦、文明、稳定的婚姻家庭关系"


def test_003_key_projects(plans):
    projects = plans["003"][0].key_projects
    raw = seed_path("003").read_text(encoding="utf-8")
    chapter = raw[raw.index("三、重点实事项目"):raw.index("四、组织实施")]
    headings = re.findall(r"（[一二三四五六七八九十]）(\S+项目)", chapter)
    assert [p.split("：")[0] for p in projects] == headings
    assert projects[0].startswith("妇幼健康服务效能提升项目：完善市、区妇幼健康一体化信息平台建设")


def test_unnumbered_measure_in_000_is_kept_with_a_warning(plans):
    plan = plans["000"][0]
    environment = plan.areas[6]
    assert environment.measures[0].title == "加强对妇女的思想政治引领"
    assert any("没有编号" in w and "加强对妇女的思想政治引领" in w for w in plan.warnings)


# ------------------------------------------------------------- table 表1

def raw_table_rows() -> list[list[str]]:
    """The table as the raw seed lays it out: rows separated by blank lines, cells by tabs."""
    raw = seed_path("003").read_text(encoding="utf-8").split("\n")
    start = next(i for i, line in enumerate(raw) if "表1" in line)
    end = next(i for i in range(start + 1, len(raw)) if raw[i].strip() and not raw[i].startswith("\t"))
    rows, row = [], []
    for line in raw[start + 1:end]:
        if line.startswith("\t"):
            row.append(line[1:].strip())
        elif row:
            rows.append(row)
            row = []
    return [r for r in rows + [row] if r and r[0].isdigit()]


def test_003_table_has_every_row(plans):
    table = plans["003"][0].indicator_table
    rows = raw_table_rows()
    assert len(table) == len(rows) == 14
    for indicator, row in zip(table, rows):
        assert row[1].startswith(indicator.name)
        assert f"（{indicator.unit}）" in row[1]


@pytest.mark.parametrize("row_no", ["1", "6", "12"])
def test_003_table_rows_match_the_text(row_no, plans):
    row = next(r for r in raw_table_rows() if r[0] == row_no)
    indicator = next(i for i in plans["003"][0].indicator_table if row[1].startswith(i.name))
    assert indicator.data_source == row[4]
    if re.fullmatch(r"[\d.]+", row[2]):
        assert [(b.year, b.value) for b in indicator.baselines] == [(2020, float(row[2]))]
    else:
        assert indicator.baselines == []
    assert indicator.source.line > 0


def test_003_table_targets_come_from_the_grammar(plans):
    table = plans["003"][0].indicator_table
    maternal = next(i for i in table if i.name == "孕产妇死亡率")
    assert maternal.unit == "1/10万" and maternal.baselines[0].value == 0
    try:
        from tianping.core.grammar import parse_target_phrase  # noqa: F401
    except ImportError:
        pytest.skip("target grammar not present yet: table targets stay empty")
    target = maternal.targets[0]
    assert (target.year, target.op, target.value, target.unit) == (2025, "<", 7, "1/10万")


def test_003_a_cell_with_two_targets_keeps_both(plans):
    """表1 row 9: 100% in the year after an election, and the standing level 85% the rest of the time."""
    cell = "换届后当年达到100%，平时保持在85%以上"
    assert any(cell in row for row in raw_table_rows())
    table = plans["003"][0].indicator_table
    row = next(i for i in table if i.name == "区党委领导班子中配有女干部的班子比例")
    assert [(t.year, t.op, t.value, t.unit, t.text) for t in row.targets] == [
        (2025, "=", 100, "%", "换届后当年达到100%"),
        (2025, ">=", 85, "%", "平时保持在85%以上"),
    ]
    assert all(t.source.line == row.source.line for t in row.targets)


def test_003_empty_merged_cells_reuse_the_row_above_with_a_warning(plans):
    plan = plans["003"][0]
    second = next(i for i in plan.indicator_table if i.name == "区政府工作部门领导班子中配有女干部的班子比例")
    first = next(i for i in plan.indicator_table if i.name == "区党委领导班子中配有女干部的班子比例")
    assert [t.text for t in second.targets] == [t.text for t in first.targets]
    assert any("合并单元格" in w and "序号10“区政府工作部门领导班子中配有女干部的班子比例”的目标值" in w for w in plan.warnings)


# -------------------------------------------------------- unusual input

def without_lines(text: str, first: str, until: str | None = None) -> str:
    lines = text.split("\n")
    start = lines.index(first)
    end = lines.index(until) if until else start + 1
    return "\n".join(lines[:start] + lines[end:])


def test_missing_section_is_a_warning_not_an_error():
    text = without_lines(normalised("001"), "三、组织实施", "四、监测评估")
    [plan] = parse_structure(text)
    assert "组织实施" not in plan.sections
    assert any("组织实施" in w for w in plan.warnings)
    assert len(plan.areas) == 8


def test_missing_area_heading_keeps_its_goals_in_an_unnamed_area():
    text = without_lines(normalised("000"), "（二）妇女与教育")
    [plan] = parse_structure(text)
    expected = expected_structure("000")
    assert [len(a.goals) for a in plan.areas] == [int(r["goals"]) for r in expected]
    assert plan.areas[1].name == ""
    line = text.split("\n").index("主要目标：", text.split("\n").index("策略措施：")) + 1
    assert any(w.startswith(f"第{line}行") and "领域标题" in w for w in plan.warnings)


def test_skipped_goal_number_is_reported_with_its_line():
    lines = normalised("001").split("\n")
    index = next(i for i, line in enumerate(lines) if line.startswith("3.妇女宫颈癌"))
    lines[index] = "4." + lines[index][2:]
    [plan] = parse_structure("\n".join(lines))
    assert any(w.startswith(f"第{index + 1}行") and "编号为4" in w for w in plan.warnings)


@pytest.mark.parametrize("text", [
    "",
    "今天天气很好，我们去公园散步。\n晚上吃饺子。",
    "关于召开2024年度工作会议的通知\n各有关单位：\n定于下周召开会议。",
    "妇女发展规划\n只有一个标题而已。",
])
def test_text_that_is_not_a_plan(text):
    assert not looks_like_plan(text)
    assert parse_structure(text) == []


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_seeds_look_like_plans(prefix):
    assert looks_like_plan(normalised(prefix))


def test_plan_without_any_section_labels_still_parses_areas():
    text = "\n".join([
        "某某区妇女发展规划（2021—2030年）",
        "二、发展领域、主要目标和策略措施",
        "（一）妇女与健康",
        "1.孕产妇死亡率控制在10/10万以下。",
        "（二）妇女与教育",
        "1.女童平等接受教育。",
    ])
    [plan] = parse_structure(text)
    assert plan.region == "某某区"
    assert [len(a.measures) for a in plan.areas] == [1, 1]
    assert any("组织实施" in w for w in plan.warnings)


def test_area_named_without_women_or_children_is_found_by_its_number():
    text = "\n".join([
        "某某县妇女发展规划（2021—2030年）",
        "二、发展领域、主要目标和策略措施",
        "（一）健康",
        "主要目标：",
        "1.孕产妇死亡率控制在10/10万以下。",
        "策略措施：",
        "1.完善制度。加强管理。",
        "（一）加强组织领导",            # numbered as area 1 again: not a new area
        "（二）教育",
        "主要目标：",
        "1.女童平等接受教育。",
        "策略措施：",
        "1.保障权利。",
    ])
    [plan] = parse_structure(text)
    assert [(a.number, a.name) for a in plan.areas] == [(1, "健康"), (2, "教育")]
    assert plan.areas[0].measures[0].title == "完善制度"
    assert plan.areas[0].measures[0].text == "完善制度。加强管理。（一）加强组织领导"


# ------------------------------------------------------------- robustness

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

SEED_LINES = normalised("002").split("\n")


@settings(max_examples=150, deadline=None)
@given(st.lists(st.integers(0, len(SEED_LINES) - 1), max_size=60), st.randoms(use_true_random=False))
def test_damaged_plans_never_raise(dropped, rnd):
    """Lines dropped and a stretch shuffled: a result with warnings, never an exception."""
    lines = [line for i, line in enumerate(SEED_LINES) if i not in set(dropped)]
    start = rnd.randrange(len(lines))
    stretch = lines[start:start + 30]
    rnd.shuffle(stretch)
    lines[start:start + 30] = stretch
    for plan in parse_structure("\n".join(lines)):
        assert all(isinstance(w, str) and w for w in plan.warnings)
        assert plan.kind in ("women", "children")


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("妇女儿童发展规划纲要（）一二三四五六七八九十、.123主要目标策略措施：表\t\n")), max_size=400))
def test_random_structure_text_never_raises(text):
    parse_structure(text)


def test_area_introduction_before_its_labels_is_not_a_goal():
    lines = normalised("001").split("\n")
    index = lines.index("（二）妇女与教育")
    lines.insert(index + 1, "教育是妇女发展的基础。")
    [plan] = parse_structure("\n".join(lines))
    education = plan.areas[1]
    expected = next(r for r in expected_structure("001") if r["area_no"] == "2")
    assert (len(education.goals), len(education.measures)) == (int(expected["goals"]), int(expected["measures"]))
    assert any(w.startswith(f"第{index + 2}行") and "教育是妇女发展的基础" in w for w in plan.warnings)
    assert education.name == "妇女与教育" and len(plan.areas) == 8


def test_003_table_row_that_lost_its_empty_cells_still_reads():
    """A reader may drop the empty trailing cells of a row: the next 序号 starts the next row."""
    lines = normalised("003").split("\n")
    row2 = lines.index("\t孕产妇死亡率（1/10万）")
    assert lines[row2 + 3] == "\t"                     # its empty 数据来源
    del lines[row2 + 3]
    [plan] = parse_structure("\n".join(lines))
    names = [i.name for i in plan.indicator_table]
    assert len(names) == len(raw_table_rows()) and names[2] == "婚前医学检查率"
    assert plan.indicator_table[2].baselines == []
    assert any(w.startswith(f"第{row2}行") and "序号2" in w and "4个单元" in w for w in plan.warnings)
