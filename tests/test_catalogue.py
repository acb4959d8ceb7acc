"""The indicator catalogue (tianping/core/catalogue): the file, linking of the seed plans'
indicators against a hand-checked list, units, and `tianping catalogue` / `tianping plan parse`."""

from __future__ import annotations

import csv
import io
import json

import jsonschema
import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from tests.conftest import REPO, SEEDS
from tianping.cli import main
from tianping.core.catalogue import (
    BOTH_SEXES,
    CATALOGUE_FILE,
    CatalogueError,
    link_plan,
    load_catalogue,
    parse_catalogue,
    unit_decision,
)
from tianping.core.readers import parse_document

TRUTH_FILE = REPO / "tests" / "data" / "catalogue_links.csv"
SCHEMA = json.loads((REPO / "docs" / "plan-schema.json").read_text(encoding="utf-8"))


def truth() -> dict[tuple[str, str, str], str]:
    lines = [line for line in TRUTH_FILE.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    return {(r["seed"], r["plan"], r["indicator"]): r["code"] for r in csv.DictReader(lines)}


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue()


@pytest.fixture(scope="module")
def parsed():
    return {seed.name[:3]: parse_document(seed) for seed in SEEDS}


def numeric_indicators(parsed):
    for seed, plans in parsed.items():
        for plan in plans:
            seen = set()
            for indicator in plan.indicators():
                if indicator.name not in seen and any(t.kind == "numeric" for t in indicator.targets):
                    seen.add(indicator.name)
                    yield seed, plan.kind, indicator


# --- the file ---------------------------------------------------------------------------

def test_every_entry_is_complete_and_consistent(catalogue):
    assert len(catalogue) >= 150
    for entry in catalogue:
        assert entry.unit, entry.code
        assert entry.lead and entry.source and entry.area, entry.code
        assert entry.low is not None, entry.code
        if entry.sex_disaggregated:
            assert entry.population in BOTH_SEXES, entry.code
        if entry.kind == "share":
            assert entry.unit == "%" and 0 <= entry.low and entry.high <= 100, entry.code
        if entry.kind == "rate":
            assert entry.multiplier, entry.code
        for target in entry.national:
            assert target.document.startswith(("中国妇女发展纲要", "中国儿童发展纲要", "中华人民共和国国民经济"))
            assert target.text, entry.code
            if target.op in ("<=", ">=", "<", ">", "~"):
                assert entry.in_range(target.value), entry.code


def test_the_mortality_chain_and_rules_are_there(catalogue):
    names = {e.name: e for e in catalogue}
    assert [names[n].national[0].value for n in ("新生儿死亡率", "婴儿死亡率", "5岁以下儿童死亡率")] == [3.0, 5.0, 6.0]
    chain = {(r.left, r.right) for r in catalogue.rules}
    assert (names["新生儿死亡率"].code, names["婴儿死亡率"].code) in chain
    assert (names["婴儿死亡率"].code, names["5岁以下儿童死亡率"].code) in chain
    maternal = names["孕产妇死亡率"]
    assert (maternal.unit, maternal.population, maternal.sex_disaggregated) == ("1/10万", "women", False)


@pytest.mark.parametrize("block, message", [
    ('code="X-1"\nname="妇女某率"\nkind="share"\npopulation="women"\ndirection="up"\ndisaggregations=["sex"]',
     "不能按性别分组"),
    ('code="X-1"\nname="某率"\nkind="ratio"\npopulation="both"\ndirection="up"', "类型“ratio”无效"),
    ('code="X-1"\nname="某率"\nkind="share"\npopulation="both"\ndirection="up"\nrange=[90, 10]', "下限90大于上限10"),
    ('code="X-1"\nname="某率"\nkind="share"\npopulation="both"\ndirection="up"\n'
     'national=[{year=2030, op=">=", value=90}]', "须注明出处"),
])
def test_a_wrong_entry_is_refused_naming_it(block, message):
    with pytest.raises(CatalogueError) as err:
        parse_catalogue(f"[[indicator]]\n{block}\n")
    assert message in str(err.value) and "X-1" in str(err.value)


def test_duplicate_codes_and_rules_on_unknown_codes_are_refused():
    one = 'code="X-1"\nname="某率"\nkind="share"\npopulation="both"\ndirection="up"'
    with pytest.raises(CatalogueError, match="重复"):
        parse_catalogue(f"[[indicator]]\n{one}\n[[indicator]]\n{one}\n")
    with pytest.raises(CatalogueError, match="校验规则"):
        parse_catalogue(f'[[indicator]]\n{one}\n[[rule]]\ncode="R"\nleft="X-1"\nop="<="\nright="X-9"\n')


# --- linking ------------------------------------------------------------------------------

def test_every_numeric_indicator_of_the_seeds_links_right(parsed, catalogue):
    expected = truth()
    rows = list(numeric_indicators(parsed))
    checked = wrong = 0
    for seed, kind, indicator in rows:
        code = expected.get((seed, kind, indicator.name))
        if code is None:
            continue
        checked += 1
        link = catalogue.link(indicator.name, kind)
        wrong += link.code != code
        assert link.code == code, f"{seed} {indicator.name}: {link.code} ≠ {code}"
    # the list covers every numeric-target indicator the parser finds: each has a catalogue entry
    missing = [f"{seed} {kind} {indicator.name}" for seed, kind, indicator in rows
               if (seed, kind, indicator.name) not in expected]
    assert missing == [], f"numeric-target indicators with no hand-checked catalogue entry: {missing}"
    assert checked == len(rows) >= 200 and all(catalogue.get(code) for code in expected.values())
    assert wrong == 0


def test_rural_womens_training_has_its_own_entry(catalogue):
    """003's "农村女劳动力普遍每年接受1-2项实用新技术培训": a count in 项 of women's training, with the
    agricultural bureau responsible and no national target (the national outline sets no number)."""
    entry = catalogue.get("W3-07")
    assert catalogue.link("农村女劳动力普遍每年接受实用新技术培训数量", "women").code == "W3-07"
    assert (entry.kind, entry.unit, entry.population, entry.lead) == ("count", "项", "women", "农业农村局")
    assert entry.source and entry.national == () and not entry.sex_disaggregated


@pytest.mark.parametrize("name, code, method", [
    ("孕产妇死亡率", "W1-03", "exact"),
    ("全区孕产妇死亡率（1/10万）", "W1-03", "exact"),
    ("区人大代表和常委会委员中的女性比例", "W4-03", "alias"),
    ("0～6个月婴儿纯母乳喂养率", "C1-08", "exact"),
    ("妇女宫颈癌筛查率", "W1-05", "fuzzy"),
    ("农村适龄妇女两癌筛查率", "W1-07", "fuzzy"),
])
def test_spellings_not_in_the_seeds_link(catalogue, name, code, method):
    link = catalogue.link(name)
    assert (link.code, link.method) == (code, method)
    assert 0.8 <= link.confidence <= 1.0


@pytest.mark.parametrize("name", ["正职", "健康知识", "保障水平", "妇女营养状况", "5岁以下儿童低体重率", "儿童新发近视率"])
def test_pseudo_and_unknown_indicators_stay_unlinked(catalogue, name):
    assert catalogue.link(name).code is None


def test_unit_missing_or_contradicting_the_kind_comes_from_the_catalogue(catalogue):
    injury = catalogue.get("C2-01")
    assert unit_decision(injury, "%") == ("1/10万", "规划单位“%”与指标类型（率，1/10万）不符，采用指标目录单位“1/10万”")
    assert unit_decision(injury, "1/10万") == ("1/10万", "")
    assert unit_decision(injury, "%", change_only=True) == (
        "1/10万", "规划的“%”是目标的相对变化幅度，指标本身的单位采用指标目录的“1/10万”")
    assert unit_decision(catalogue.get("W4-07"), "")[0] == "%"
    assert unit_decision(catalogue.get("C4-02"), "%")[0] == "元/月"
    assert unit_decision(catalogue.get("W5-04"), "万人") == ("万人", "")


def test_every_seed_plan_links_and_units_fill(parsed, catalogue):
    for plans in parsed.values():
        for plan in plans:
            link_plan(plan, catalogue)
            for indicator in plan.indicators():
                if indicator.catalogue and any(t.kind == "numeric" for t in indicator.targets):
                    assert indicator.catalogue["unit_used"], indicator.name


# --- commands -------------------------------------------------------------------------------

def test_plan_parse_json_carries_the_catalogue_object():
    seed = next(s for s in SEEDS if s.name.startswith("002"))
    result = CliRunner().invoke(main, ["plan", "parse", str(seed)])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    jsonschema.validate(document, SCHEMA, cls=jsonschema.Draft202012Validator)
    indicators = {i["name"]: i for plan in document for area in plan["areas"] for goal in area["goals"]
                  for i in goal["indicators"]}
    maternal = indicators["孕产妇死亡率"]["catalogue"]
    assert {k: maternal[k] for k in ("code", "unit", "population", "sex_disaggregated")} == {
        "code": "W1-03", "unit": "1/10万", "population": "women", "sex_disaggregated": False}
    injury = indicators["儿童伤害死亡率"]["catalogue"]
    # 002 writes "儿童伤害死亡率以2020年数据为基数下降20%": its % is the change, not the rate's unit
    assert injury["unit_used"] == "1/10万" and "相对变化幅度" in injury["unit_note"]
    assert indicators["新生儿死亡率"]["catalogue"]["sex_disaggregated"] is True


def test_catalogue_commands(tmp_path, catalogue):
    runner = CliRunner()
    listed = runner.invoke(main, ["catalogue", "list"])
    assert listed.exit_code == 0 and len(listed.stdout.splitlines()) == len(catalogue)
    shown = runner.invoke(main, ["catalogue", "show", "c1-02"])
    assert "婴儿死亡率" in shown.stdout and "2030年5‰以下" in shown.stdout and "中国儿童发展纲要" in shown.stdout
    missing = runner.invoke(main, ["catalogue", "show", "Z9-99"])
    assert missing.exit_code != 0 and "没有编码" in missing.output
    runner.invoke(main, ["catalogue", "export", str(tmp_path / "c.xlsx")])
    sheet = load_workbook(tmp_path / "c.xlsx").active
    assert sheet.max_row == len(catalogue) + 1 and sheet["A2"].value == catalogue.entries[0].code
    runner.invoke(main, ["catalogue", "export", str(tmp_path / "c.csv")])
    rows = list(csv.reader(io.StringIO((tmp_path / "c.csv").read_text(encoding="utf-8-sig"))))
    assert len(rows) == len(catalogue) + 1 and rows[0][0] == "编码"
    assert runner.invoke(main, ["catalogue", "export", str(tmp_path / "c.txt")]).exit_code != 0


def test_packaged_file_is_what_the_loader_reads():
    assert (REPO / "tianping" / "core" / "catalogue" / CATALOGUE_FILE).is_file()


# --- validation from the catalogue -----------------------------------------------------------

def test_catalogue_kind_and_range_drive_the_value_checks(catalogue):
    from tianping.core.validation import (
        Cell,
        EntryValue,
        IndicatorRule,
        validate_indicator,
    )

    gross = catalogue.get("C3-08")     # 高中阶段教育毛入学率: a rate that may pass 100 %
    rule = IndicatorRule("高中阶段教育毛入学率", unit="%", kind=gross.kind, low=gross.low, high=gross.high)
    assert not validate_indicator(rule, [EntryValue(Cell(), 104.0)], year=2024)
    share = catalogue.get("W1-04")
    rule = IndicatorRule("孕产妇系统管理率", unit="%", kind=share.kind, low=share.low, high=share.high)
    over = validate_indicator(rule, [EntryValue(Cell(), 104.0)], year=2024)
    assert any(i.level == "error" and "超出0—100%" in i.message for i in over)
    low = validate_indicator(rule, [EntryValue(Cell(), 30.0)], year=2024)
    assert [i.level for i in low] == ["warning"] and "合理范围（50—100%）" in low[0].message
    assert not validate_indicator(rule, [EntryValue(Cell(), 30.0, note="新区划调整")], year=2024)
    final = validate_indicator(rule, [EntryValue(Cell(), 30.0)], year=2024, final=True)
    assert any(i.level == "error" and "未说明" in i.message for i in final)


def test_cross_rules_name_the_cell_and_both_values(catalogue):
    from tianping.core.validation import Cell, CrossRule, cross_check

    rules = [CrossRule(r.left, r.op, r.right, message=r.message) for r in catalogue.rules]
    names = {e.code: e.name for e in catalogue}
    values = {("C1-01", Cell()): 3.0, ("C1-02", Cell()): 2.5, ("C1-03", Cell()): 6.0,
              ("C1-01", Cell(sex="男")): 2.0, ("C1-02", Cell(sex="男")): 2.4}
    failures = cross_check(rules, values, names)
    assert [str(issue) for issue, _ in failures] == [
        "指标“新生儿死亡率”，合计：3高于指标“婴儿死亡率”的2.5，不符合校验规则：新生儿死亡率不应高于婴儿死亡率（新生儿死亡是婴儿死亡的一部分）"]
    assert not cross_check(rules, values, names, touched={("C1-03", Cell())})
    office = CrossRule("C1-07", ">=", value=85, name="接种率底线")
    (issue, where), = cross_check([office], {("C1-07", Cell(residence="农村")): 80.0}, names)
    assert where == ("C1-07", Cell(residence="农村")) and "农村：80低于85" in str(issue) and "接种率底线" in str(issue)
