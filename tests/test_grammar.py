"""Target grammar on sentences and table cells taken from the seed plans.

Sentences are checked to occur in their (normalised) seed, so the tests follow the
real documents rather than made-up text; the few exceptions are marked and cover
forms common in other districts' plans.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tianping.core.grammar import (
    extract_baselines,
    extract_indicators,
    infer_direction,
    parse_target_phrase,
    parse_target_phrases,
)
from tianping.core.normalize import normalize_text

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
if not SEEDS.exists():
    SEEDS = Path("/work/shared/seeds")


def seed_text(prefix: str) -> str:
    path = next(SEEDS.glob(prefix + "_*.txt"))
    return path.read_text(encoding="utf-8")


def from_seed(prefix: str, raw: str) -> str:
    """``raw`` as the seed prints it (spaces, full-width slashes, wrapped lines), normalised."""
    sentence = normalize_text(raw)
    assert sentence in normalize_text(seed_text(prefix)), f"not in seed {prefix}: {raw}"
    return sentence


def numeric(indicators):
    return sorted((i.name, t.year, t.op, t.value, t.unit)
                  for i in indicators for t in i.targets if t.kind == "numeric")


# --- table cells (seed 003, 表1) --------------------------------------------

@pytest.mark.parametrize("cell, name, op, value, unit", [
    ("＜7", "孕产妇死亡率（1/10万）", "<", 7, "1/10万"),
    (">80", "婚前医学检查率（%）", ">", 80, "%"),
    ("≥94.3", "妇女国民体质合格率（%）", ">=", 94.3, "%"),
    ("99.99", "女童学前三年入园率（%）", "=", 99.99, "%"),
])
def test_table_cell_numeric(cell, name, op, value, unit):
    seed = seed_text("003")
    assert cell in seed and name in seed
    t = parse_target_phrase(cell, year=2025, indicator_name=name)
    assert (t.year, t.op, t.value, t.unit, t.kind) == (2025, op, value, unit, "numeric")


@pytest.mark.parametrize("cell, op", [("相适应", "qualitative"), ("应保尽保", "qualitative"),
                                      ("高质量落实", "qualitative"), ("应援尽援", "qualitative")])
def test_table_cell_qualitative(cell, op):
    assert cell in seed_text("003")
    t = parse_target_phrase(cell, year=2025)
    assert (t.op, t.kind, t.value) == (op, "qualitative", None)


@pytest.mark.parametrize("cell", ["**", "", "  ", "区卫健局"])
def test_table_cell_without_target(cell):
    assert parse_target_phrase(cell, year=2025) is None


def test_table_cell_with_two_targets():
    cell = "换届后当年达到100%，平时保持在85%以上"
    assert cell in seed_text("003")
    targets = parse_target_phrases(cell, year=2025)
    assert [(t.year, t.op, t.value, t.text) for t in targets] == [
        (2025, "=", 100, "换届后当年达到100%"), (2025, ">=", 85, "平时保持在85%以上")]


def test_directional_cell():
    t = parse_target_phrase("逐步提高", year=2025)
    assert (t.op, t.kind) == ("increase", "directional")


# --- goal sentences ----------------------------------------------------------

def targets_of(prefix: str, raw: str, end_year: int = 2030):
    return numeric(extract_indicators(from_seed(prefix, raw), end_year=end_year))


def test_two_deadlines_in_one_sentence():
    got = targets_of("000", "孕产妇死亡率到2025年控制在9/10万以下，到2030年控制在8/10万以下。")
    assert got == [("孕产妇死亡率", 2025, "<=", 9, "1/10万"), ("孕产妇死亡率", 2030, "<=", 8, "1/10万")]


def test_compound_subject_distributes_over_values_and_milestones():
    got = targets_of("002", "新生儿、婴儿和 5 岁以下儿童死亡率到 2025 年分别控制在 2.8‰、3‰和 4‰以下，"
                            "到 2030 年分别控制在 2.3‰、2.8‰和 3.8‰以下。")
    assert len(got) == 6
    assert ("新生儿死亡率", 2025, "<=", 2.8, "‰") in got
    assert ("婴儿死亡率", 2030, "<=", 2.8, "‰") in got
    assert ("5岁以下儿童死亡率", 2030, "<=", 3.8, "‰") in got


def test_complete_indicators_share_one_value():
    got = targets_of("002", "3 岁以下儿童系统管理率和 7 岁以下儿童健康管理率均达到 92%以上。")
    assert got == [("3岁以下儿童系统管理率", 2030, ">=", 92, "%"), ("7岁以下儿童健康管理率", 2030, ">=", 92, "%")]


def test_list_inside_one_name_stays_one_indicator():
    got = targets_of("000", "孕产妇艾滋病、梅毒和乙肝检测率达到99%以上")
    assert got == [("孕产妇艾滋病、梅毒和乙肝检测率", 2030, ">=", 99, "%")]


def test_relative_targets_with_base_years():
    inds = extract_indicators(from_seed("000", "到2025年和2030年，妇女营养健康知识知晓率分别在2019年和2022年基础上提高10%。"),
                              end_year=2030)
    got = [(t.year, t.op, t.value, t.base_year) for i in inds for t in i.targets if t.kind == "numeric"]
    assert got == [(2025, "relative_increase", 10, 2019), (2030, "relative_increase", 10, 2022)]
    inds = extract_indicators(from_seed("002", "儿童伤害死亡率以 2020 年数据为基数下降 20%。"), end_year=2030)
    assert [(t.op, t.value, t.base_year) for t in inds[0].targets] == [("relative_decrease", 20, 2020)]


def test_annual_change_targets():
    inds = extract_indicators(from_seed("002", "孤儿和事实无人抚养儿童基本生活养育标准到 2025 年年均提高 6% 以上，并持续提高。"),
                              end_year=2030)
    first = inds[0].targets[0]
    assert (first.year, first.op, first.value, first.unit) == (2025, "annual_relative_increase", 6, "%")
    inds = extract_indicators(from_seed("002", "儿童总体近视率力争每年下降 0.5-1 个百分点。"), end_year=2030)
    t = inds[0].targets[0]
    assert (inds[0].name, t.op, t.value, t.upper, t.unit) == ("儿童总体近视率", "annual_decrease", 0.5, 1, "个百分点")


@pytest.mark.parametrize("prefix, raw, value", [
    ("002", "0-6 个月婴儿纯母乳喂养率达到 50%以上。", 50),
    ("002", "12 岁儿童龋患率控制在 25%以内。", 25),
    ("002", "每千人口 3 岁以下婴幼儿托位数达到 4.5 个以上。", 4.5),
])
def test_ages_in_names_are_not_targets(prefix, raw, value):
    got = targets_of(prefix, raw)
    assert [g[3] for g in got] == [value]


def test_age_range_in_004_is_not_a_target():
    raw = "全面推进\n\n13-14 周岁半女性人乳头瘤病毒疫苗接种工作"
    assert targets_of("004", raw) == []


def test_004_full_width_slash_per_100000():
    got = targets_of("004", "孕产妇死亡率控制在 10／10 万左右，城乡、区域差距缩")
    assert got == [("孕产妇死亡率", 2030, "~", 10, "1/10万")]


def test_004_bracketed_words_stay_in_the_name():
    got = targets_of("004", "村（社区）妇女心理咨询室或社会工作室")
    assert got == []
    text = normalize_text(seed_text("004"))
    sentence = next(s for s in text.split("。") if "社会工作室" in s and "80%" in s)
    got = numeric(extract_indicators(sentence, end_year=2030))
    assert got == [("村（社区）妇女心理咨询室或社会工作室建成率", 2030, ">=", 80, "%")]


def test_counts_need_an_operator_word():
    got = targets_of("000", "区地方党委、政府领导班子，应至少各配备1名女干部；区政府领导班子中的女干部比例逐步提高。")
    assert got == [("区地方党委、政府领导班子女干部人数", 2030, ">=", 1, "名")]
    assert targets_of("000", "设置1所政府举办、单独设置、标准化的妇幼保健机构。") == []


def test_count_qualifying_a_noun_is_not_a_target():
    assert "1万人以上的镇" in normalize_text(seed_text("003"))
    assert numeric(extract_indicators("在人口相对集聚1万人以上的镇建设康复站点", end_year=2025)) == []


def test_size_of_each_thing_counted_is_not_a_target():
    """002 measure 9: the centres are to be 1000 m² or larger; the size is not a target of its own."""
    text = from_seed("002", "建设两处1000平方米以上公建民营形式的大型综合养老服务中心，日托养老机构达到社区全覆盖")
    got = numeric(extract_indicators(text, end_year=2030, directional=False))
    assert not [g for g in got if g[4] == "平方米" or "建设两处" in g[0]], got
    # a count with its operator still is one: 003, "至少建设1家以上区域性居家养老服务中心"
    text = from_seed("003", "各镇（街道）至少建设1家以上区域性居家养老服务中心")
    got = numeric(extract_indicators(text, end_year=2025, directional=False))
    assert [(g[2], g[3], g[4]) for g in got] == [(">=", 1, "家")]


def test_things_to_build_counted_in_measures():
    """Counts after a building verb are targets: 003 成人学校 (by the end of 十四五), 000 接种门诊."""
    text = from_seed("003", "“十四五”期间，创建省级现代化成人学校2所，建成市级特色示范成人学校3所，打造一批终身教育品牌")
    got = numeric(extract_indicators(text, end_year=2025, directional=False))
    assert got == [("创建省级现代化成人学校数量", 2025, "=", 2, "所"),
                   ("建成市级特色示范成人学校数量", 2025, "=", 3, "所")]
    text = from_seed("000", "完善疫苗预防接种全程追溯系统，建设1所省级示范预防接种门诊。")
    got = numeric(extract_indicators(text, end_year=2030, directional=False))
    assert got == [("建设省级示范预防接种门诊数量", 2030, "=", 1, "所")]
    # a count in the middle of a clause with its noun before it is not one ("建设一批…")
    assert numeric(extract_indicators("建设社区服务站3个点位的试点工作", end_year=2030, directional=False)) == []


def test_time_stated_per_population_is_named_for_each():
    text = from_seed("002", "合理安排儿童作息，保证每天睡眠时间小学生达到10小时、初中生达到9小时、高中生达到8小时。")
    got = numeric(extract_indicators(text, end_year=2030, directional=False))
    assert got == [("初中生每天睡眠时间", 2030, "=", 9, "小时"), ("小学生每天睡眠时间", 2030, "=", 10, "小时"),
                   ("高中生每天睡眠时间", 2030, "=", 8, "小时")]


def test_urging_is_not_part_of_the_name():
    text = from_seed("002", "督促学生掌握至少1项体育技能，保障中小学生在每天校内体育活动时间不少于1小时。")
    got = numeric(extract_indicators(text, end_year=2030, directional=False))
    assert ("学生掌握体育技能数量", 2030, ">=", 1, "项") in got


def test_fraction_and_half():
    got = targets_of("000", "区党政工作部门，保证1/2以上的领导班子配备女干部，其中要有一定数量的正职。")
    assert got == [("配备女干部的领导班子比例", 2030, ">=", 0.5, "")]
    got = targets_of("001", "力争一半以上的领导班子配备女干部")
    assert [(g[2], g[3], g[4]) for g in got] == [(">=", 50, "%")]


def test_full_coverage_is_100_percent():
    got = targets_of("000", "妇女基本养老保险参保率达到95%以上，力争实现全覆盖，待遇水平稳步提高。")
    assert got == [("妇女基本养老保险参保率", 2030, ">=", 95, "%"), ("妇女基本养老保险参保率", 2030, ">=", 100, "%")]
    got = targets_of("002", "街道儿童督导员、儿童主任配备以及新任职培训实现“两个全覆盖”")
    assert [(g[0], g[3]) for g in got] == [("新任职培训覆盖率", 100), ("街道儿童督导员、儿童主任配备覆盖率", 100)]
    assert targets_of("001", "在制定修订社会救助、社会保险等相关法律法规以及健全覆盖全民的社会保障体系工作中") == []


def test_value_before_its_subject():
    got = targets_of("002", "确保适龄儿童 100%入学")
    assert got == [("适龄儿童入学率", 2030, "=", 100, "%")]
    got = targets_of("002", "100%的城市社区建立家长学校或家庭教育指导服务站点，力争实现全覆盖。")
    assert got == [("建立家长学校或家庭教育指导服务站点的城市社区比例", 2030, ">=", 100, "%")]


def test_directional_and_qualitative():
    inds = extract_indicators(from_seed("000", "妇女的宫颈癌和乳腺癌防治意识明显提高。宫颈癌和乳腺癌综合防治能力不断增强。"
                                               "适龄妇女宫颈癌人群筛查率达到70%以上，乳腺癌人群筛查率逐步提高。"),
                              end_year=2030)
    by_name = {i.name: i.targets[0] for i in inds}
    assert (by_name["乳腺癌人群筛查率"].op, by_name["乳腺癌人群筛查率"].kind) == ("increase", "directional")
    assert not by_name["乳腺癌人群筛查率"].borderline
    assert by_name["妇女的宫颈癌和乳腺癌防治意识"].borderline
    inds = extract_indicators(from_seed("000", "女童平等接受学前教育，在园男童女童比例保持均衡。"), end_year=2030)
    assert [(i.name, i.targets[0].op) for i in inds] == [("在园男童女童比例", "qualitative")]


def test_measure_mode_keeps_numbers_only():
    text = from_seed("002", "加强新生儿规范化访视，新生儿访视率保持在90%以上。")
    inds = extract_indicators(text, end_year=2030, directional=False)
    assert [(i.name, t.op, t.value) for i in inds for t in i.targets] == [("新生儿访视率", ">=", 90)]


def test_source_points_at_the_sentence_and_line():
    text = "妇女心理健康素养水平不断提升。\n孕产妇贫血患病率保持在9%以下。"
    inds = extract_indicators(text, end_year=2030, line=40)
    anaemia = next(i for i in inds if i.name == "孕产妇贫血患病率")
    assert anaemia.targets[0].source.line == 41
    assert anaemia.targets[0].source.text == "孕产妇贫血患病率保持在9%以下"
    assert anaemia.targets[0].text == "保持在9%以下"


def test_same_indicator_twice_is_merged():
    text = from_seed("000", "女性保健品抽检合格率在不低于98%基础上，力争实现100%合格。")
    inds = extract_indicators(text, end_year=2030)
    assert [i.name for i in inds] == ["女性保健品抽检合格率"]
    assert [(t.op, t.value) for t in inds[0].targets] == [(">=", 98), ("=", 100)]


def test_years_alone_are_not_targets():
    text = from_seed("000", "展望2035年，与城市经济社会现代化发展相适应")
    assert numeric(extract_indicators(text, end_year=2030)) == []


# --- preface baselines ---------------------------------------------------------

def test_preface_baselines_take_the_stated_year():
    text = normalize_text(seed_text("000"))
    paragraph = next(p for p in text.split("\n") if "截至2020年底" in p)
    found = {name: (b.year, b.value, b.unit) for name, b in extract_baselines(paragraph)}
    assert found["孕产妇系统管理率"] == (2020, 95.32, "%")
    assert found["妇女常见病定期筛查覆盖率"] == (2020, 81.6, "%")
    assert "流动人口孕产妇死亡率" not in found      # "降低" states no figure


def test_figures_without_a_year_are_not_baselines():
    assert extract_baselines("孕产妇系统管理率达到95%以上。") == []
    assert extract_baselines("孕产妇系统管理率达到95%以上。", default_year=2020)[0][1].year == 2020


def test_bound_without_a_number():
    text = from_seed("000", "中国共产党地方各级党员代表大会中女党员代表比例一般不低于本地区党员总数中女性比例。")
    inds = extract_indicators(text, end_year=2030)
    t = inds[0].targets[0]
    assert (inds[0].name, t.op, t.value, t.kind) == (
        "中国共产党地方各级党员代表大会中女党员代表比例", ">=", None, "directional")


def test_start_figure_is_a_baseline_not_a_target():
    # The plans state changes "由…提高到…"; the start is the indicator's baseline.
    inds = extract_indicators("孕产妇系统管理率由2020年的95%提高到98%以上。", end_year=2030)
    assert [(t.year, t.op, t.value) for t in inds[0].targets] == [(2030, ">=", 98)]
    assert [(b.year, b.value, b.unit) for b in inds[0].baselines] == [(2020, 95, "%")]


def test_adjective_use_of_qualitative_words_is_not_a_target():
    text = from_seed("002", "提升儿童福利水平，基本建成与地区经济社会发展水平相适应的适度普惠型儿童福利制度体系。")
    names = [i.name for i in extract_indicators(text, end_year=2030)]
    assert names == ["儿童福利水平"]


@pytest.mark.parametrize("sentence, expected", [
    # forms found in other districts' plans, beyond the five seeds
    ("城镇调查失业率保持在5%-5.5%之间。", ("range", 5, 5.5, 2030)),
    ("城镇调查失业率控制在5%~6%。", ("range", 5, 6, 2030)),
    ("城乡居民基本养老保险参保率达到或超过95%。", (">=", 95, None, 2030)),
    ("到“十四五”末，婴儿死亡率控制在3‰以下。", ("<=", 3, None, 2025)),
])
def test_other_common_forms(sentence, expected):
    inds = extract_indicators(sentence, end_year=2030)
    t = inds[0].targets[0]
    assert (t.op, t.value, t.upper, t.year) == expected


@pytest.mark.parametrize("sentence, name", [
    # bullets and ordinals of older and national plans are not part of the name
    ("--孕产妇住院分娩率达到98%以上。", "孕产妇住院分娩率"),
    ("一是全国孕产妇死亡率下降到12/10万以下", "全国孕产妇死亡率"),
    ("每千名儿童拥有儿科执业（助理）医生达到1.12名", "每千名儿童拥有儿科执业（助理）医生人数"),
])
def test_names_without_bullets(sentence, name):
    assert [i.name for i in extract_indicators(sentence, end_year=2030)] == [name]


def test_preface_change_gives_two_baselines():
    text = normalize_text(seed_text("003"))
    sentence = next(s for s in text.split("。") if "区管女干部占比" in s)
    found = [(n, b.year, b.value) for n, b in extract_baselines(sentence, default_year=2020)]
    assert ("区管女干部占比", 2015, 16.3) in found     # 由“十二五”末的16.3%
    assert ("区管女干部占比", 2020, 20.1) in found     # 提升至20.1% (the preface reports to 2020)


def test_opening_deadline_governs_the_whole_period():
    # national-outline style: "到2025年，A；B；C。" -- every item is due in 2025
    text = normalize_text("到2025年，新生儿死亡率、婴儿死亡率和5岁以下儿童死亡率分别控制在3.1‰、5.2‰和6.6‰以下；"
                          "5岁以下儿童生长迟缓率控制在5%以下；适龄儿童免疫规划疫苗接种率以乡（镇、街道）为单位保持在90%以上。"
                          "孕产妇死亡率控制在12/10万以下。")
    got = numeric(extract_indicators(text, end_year=2030))
    assert [g for g in got if g[1] == 2030] == [("孕产妇死亡率", 2030, "<=", 12, "1/10万")]
    assert ("适龄儿童免疫规划疫苗接种率", 2025, ">=", 90, "%") in got
    assert len(got) == 6


def test_verb_keeps_its_to_before_a_year():
    # "提高到2020年的85.2%": "到" belongs to 提高, the year is when the figure is due
    inds = extract_indicators("学前教育毛入园率从1950年0.4%提高到2020年的85.2%。", end_year=2030)
    t = inds[0].targets[0]
    assert (t.year, t.op, t.value) == (2020, "=", 85.2)
    assert [(b.year, b.value) for b in inds[0].baselines] == [(1950, 0.4)]


def test_words_after_a_count_name_what_is_counted():
    text = from_seed("002", "每个社区卫生服务中心至少配备1名提供规范儿童基本医疗服务的全科医生，至少配备2名专业从事儿童保健的医生。")
    got = numeric(extract_indicators(text, end_year=2030, directional=False))
    assert got == [("每个社区卫生服务中心专业从事儿童保健的医生人数", 2030, ">=", 2, "名"),
                   ("每个社区卫生服务中心全科医生人数", 2030, ">=", 1, "名")]
    text = from_seed("002", "每千名儿童拥有儿科执业（助理）医生达1.12名、床位增至3.17张。")
    got = numeric(extract_indicators(text, end_year=2030, directional=False))
    assert [(g[0], g[3], g[4]) for g in got] == [("每千名儿童拥有儿科执业（助理）医生人数", 1.12, "名"),
                                                 ("每千名儿童拥有床位数量", 3.17, "张")]


def test_direction_from_operators_then_from_the_name():
    text = from_seed("004", "孕产妇贫血患病率保持在9%以下。")
    assert extract_indicators(text, end_year=2030)[0].direction == "down"
    text = from_seed("002", "学前教育毛入园率达到 96%。")
    assert extract_indicators(text, end_year=2030)[0].direction == ""      # bare "达到": read as up
    t = parse_target_phrase("＜7", year=2025, indicator_name="孕产妇死亡率（1/10万）")
    assert infer_direction("孕产妇死亡率", [t]) == "down"
    assert infer_direction("孕产妇死亡率", []) == "down"
