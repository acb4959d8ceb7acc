"""Synthetic demo data: plausible, reproducible, labelled, and accepted by the observations loader."""

import numpy as np
import pandas as pd
import pytest

from tianping.core.model import Area, Goal, Indicator, Plan, Target
from tianping.core.observations import load_observations, observations_summary
from tianping.core.synthetic import (
    GAP_NOTE,
    RARE_EVENT,
    SYNTHETIC_NOTE,
    demo_observations,
    is_sex_disaggregated,
    national_synthetic,
    national_synthetic_targets,
    plan_indicator_units,
)

SEEDS = range(6)


def indicator(name, op, value, unit, year=2030, upper=None, base_year=None):
    return Indicator(name=name, unit=unit if op not in ("relative_increase",) else "",
                     targets=[Target(year=year, op=op, value=value, upper=upper, unit=unit, base_year=base_year)])


@pytest.fixture(scope="module")
def plan():
    """A women's plan shaped like the seeds: every kind of numeric target, one directional."""
    health = [
        indicator("孕产妇死亡率", "<=", 8, "1/10万"),
        indicator("孕产妇系统管理率", ">=", 95, "%"),
        indicator("适龄妇女宫颈癌人群筛查率", ">=", 70, "%"),
        indicator("孕妇贫血率", "<=", 10, "%"),
        indicator("妇女人均预期寿命", ">=", 80, "岁"),
        indicator("妇女营养健康知识知晓率", "relative_increase", 10, "%", base_year=2020),
        Indicator(name="妇女心理健康素养水平", targets=[Target(year=2030, op="increase", kind="directional")]),
        Indicator(name="乳腺癌人群筛查率", targets=[Target(year=2030, op="increase", kind="directional")]),
        Indicator(name="孕产妇贫血发生率", targets=[Target(year=2030, op="decrease", kind="directional")]),
        Indicator(name="生殖健康知识普及率", targets=[Target(year=2030, op="increase", kind="directional",
                                                              borderline=True)]),
    ]
    economy = [
        indicator("女性就业人员占全部就业人员比重", "~", 45, "%"),
        indicator("妇女经常参加体育锻炼的人数比例", ">=", 40, "%"),
        indicator("出生人口性别比", "range", 103, "", upper=107),
        indicator("妇女儿童活动中心", ">=", 1, "所"),
    ]
    return Plan(title="某区妇女发展规划（2021—2030年）", kind="women", region="某区", areas=[
        Area(1, "妇女与健康", goals=[Goal(1, "健康", indicators=health)]),
        Area(2, "妇女与经济", goals=[Goal(1, "经济", indicators=economy)]),
    ])


def meets(op, value, target, upper=None):
    return {">=": value >= target, "<=": value <= target, "~": abs(value - target) <= 2,
            "range": target <= value <= (upper or target)}.get(op)


def test_same_seed_same_frame_and_other_seed_differs(plan):
    first = demo_observations(plan, region="某区", seed=7)
    pd.testing.assert_frame_equal(first, demo_observations(plan, region="某区", seed=7))
    assert not first["value"].equals(demo_observations(plan, region="某区", seed=8)["value"])


def test_every_row_is_labelled_synthetic(plan):
    frame = demo_observations(plan, region="某区")
    assert frame["synthetic"].all()
    assert frame["note"].str.startswith(SYNTHETIC_NOTE).all()
    assert set(frame["year"]) == set(range(2020, 2025))


def test_numeric_and_measurable_directional_targets_get_series(plan):
    frame = demo_observations(plan, region="某区")
    numeric = {i.name for i in plan.indicators() if i.targets[0].value is not None}
    measured = {"乳腺癌人群筛查率", "孕产妇贫血发生率", "妇女心理健康素养水平"}  # not the borderline 普及率
    assert set(frame["indicator"]) == numeric | measured


@pytest.mark.parametrize("seed", SEEDS)
def test_directional_series_move_as_their_scenario_says(plan, seed):
    frame = demo_observations(plan, region="某区", seed=seed)
    for name, better in (("乳腺癌人群筛查率", 1), ("孕产妇贫血发生率", -1)):
        series = frame[frame["indicator"] == name].dropna(subset=["value"]).sort_values("year")
        change = better * (series["value"].iloc[-1] - series["value"].iloc[0])
        scenario = series["scenario"].iloc[0]
        assert {"稳步改善": change > 2, "基本持平": abs(change) < 2, "反向变化": change < -2}[scenario], (name, scenario)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_demo_data_passes_the_loader_against_the_plan_units(plan, tmp_path, suffix):
    frame = demo_observations(plan, region="某区", seed=3)
    path = tmp_path / f"demo{suffix}"
    frame.to_csv(path, index=False) if suffix == ".csv" else frame.to_excel(path, index=False)
    loaded = load_observations(path, indicators=plan_indicator_units(plan))
    summary = observations_summary(loaded)
    assert summary["rows"] == len(frame) and summary["synthetic"]
    assert summary["missing"] == frame["value"].isna().sum() >= 1, "one year is left unreported"
    assert loaded["note"].str.startswith(GAP_NOTE).sum() >= 1


@pytest.mark.parametrize("seed", SEEDS)
def test_scenarios_do_what_they_say(plan, seed):
    frame = demo_observations(plan, region="某区", seed=seed)
    targets = {i.name: i.targets[0] for i in plan.indicators()}
    seen = set()
    for (name, sex), series in frame.groupby(["indicator", "sex"]):
        target, scenario = targets[name], series["scenario"].iloc[0]
        seen.add(scenario)
        if sex or target.op not in (">=", "<=", "~", "range"):
            continue
        values = series.dropna(subset=["value"]).sort_values("year")["value"].to_numpy()
        hit = [meets(target.op, v, target.value, target.upper) for v in values]
        if scenario == "已达标":
            assert all(hit), (name, values)
        elif scenario in ("进度滞后", "按期可达"):
            assert not hit[-1], (name, scenario, values)
        elif scenario == "达标后回落":
            assert hit[0] and not hit[-1], (name, values)
    assert {"已达标", "按期可达", "进度滞后", "达标后回落", "波动较大", RARE_EVENT} <= seen


@pytest.mark.parametrize("seed", SEEDS)
def test_rare_event_series_is_a_small_district_death_rate(plan, seed):
    frame = demo_observations(plan, region="某区", seed=seed)
    rare = frame[frame["scenario"] == RARE_EVENT]
    assert rare["indicator"].unique().tolist() == ["孕产妇死亡率"]
    assert rare["denominator"].between(2000, 4000).all(), "a district's live births"
    assert rare["numerator"].between(0, 4).all() and (rare["numerator"] % 1 == 0).all()
    implied = rare["numerator"] / rare["denominator"] * 1e5
    assert np.allclose(rare["value"], implied, atol=0.005)


@pytest.mark.parametrize("seed", SEEDS)
def test_values_respect_units(plan, seed):
    frame = demo_observations(plan, region="某区", seed=seed).dropna(subset=["value"])
    shares = frame[frame["unit"] == "%"]["value"]
    assert shares.between(0, 100).all()
    assert (frame["value"] >= 0).all()
    centres = frame[frame["indicator"] == "妇女儿童活动中心"]["value"]
    assert (centres % 1 == 0).all(), "counts are whole numbers"
    life = frame[(frame["indicator"] == "妇女人均预期寿命") & (frame["sex"] == "")]["value"]
    assert life.between(74, 86).all()


def test_a_womens_plan_has_no_male_series(plan):
    """Every indicator of the fixture counts women only (or is not catalogued): no 女/男 split."""
    frame = demo_observations(plan, region="某区")
    assert set(frame["sex"]) == {""}
    assert is_sex_disaggregated("新生儿死亡率") and is_sex_disaggregated("婚前医学检查率")
    for name in ("孕产妇死亡率", "妇女人均预期寿命", "乳腺癌人群筛查率", "出生人口性别比", "城镇单位就业人员中的女性比例",
                 "女性就业人员占全部就业人员比重", "妇女儿童活动中心"):
        assert not is_sex_disaggregated(name), name


@pytest.fixture(scope="module")
def children_plan():
    names = [("新生儿死亡率", 3.0, "‰"), ("婴儿死亡率", 5.0, "‰"), ("5岁以下儿童死亡率", 6.0, "‰"),
             ("儿童伤害死亡率", 8.0, "1/10万"), ("儿童溺水死亡率", 2.0, "1/10万"), ("婚前医学检查率", 80, "%")]
    inds = [indicator(name, "<=" if "死亡" in name else ">=", value, unit) for name, value, unit in names]
    return Plan(title="某区儿童发展规划（2021—2030年）", kind="children", region="某区",
                areas=[Area(1, "儿童与健康", goals=[Goal(1, "健康", indicators=inds)])])


@pytest.mark.parametrize("seed", SEEDS)
def test_child_deaths_are_nested_counts_split_by_sex(children_plan, seed):
    frame = demo_observations(children_plan, region="某区", seed=seed)
    deaths = frame[frame["indicator"].str.contains("死亡率")]
    assert (deaths["scenario"] == RARE_EVENT).all() and set(deaths["sex"]) == {"", "女", "男"}
    counts = deaths.pivot_table(index=["year", "sex"], columns="indicator", values="numerator")
    assert (counts["新生儿死亡率"] <= counts["婴儿死亡率"]).all()
    assert (counts["婴儿死亡率"] <= counts["5岁以下儿童死亡率"]).all()
    assert (counts["儿童溺水死亡率"] <= counts["儿童伤害死亡率"]).all()
    by_sex = counts.unstack("sex")
    for name in counts.columns:
        assert (by_sex[(name, "女")] + by_sex[(name, "男")] == by_sex[(name, "")]).all(), name
    rates = deaths.pivot_table(index=["year", "sex"], columns="indicator", values="value")
    assert (rates["新生儿死亡率"] <= rates["婴儿死亡率"] + 1e-9).all()
    births = deaths[deaths["indicator"] == "婴儿死亡率"]["denominator"]
    assert births[deaths["sex"] == ""].between(2000, 4000).all()


def test_national_synthetic_shape_order_bounds_and_targets():
    frame = national_synthetic(n_regions=6, n_indicators=8, years=4, sexes=3, seed=1)
    assert len(frame) == 6 * 8 * 4 * 3
    first_series = frame.iloc[:4]
    assert first_series["year"].tolist() == [2020, 2021, 2022, 2023]
    assert first_series[["region", "indicator", "sex"]].nunique().tolist() == [1, 1, 1]
    assert set(frame["sex"]) == {"", "女", "男"} and frame["synthetic"].all()
    values = frame.dropna(subset=["value"])
    assert values.loc[values["unit"] == "%", "value"].between(0, 100).all() and (values["value"] >= 0).all()
    rates = frame[frame["indicator"] == "合成指标001"].dropna(subset=["value"])
    assert np.allclose(rates["value"], rates["numerator"] / rates["denominator"] * 1e5, atol=0.005)
    assert frame.loc[frame["indicator"] != "合成指标001", "numerator"].isna().all()
    targets = national_synthetic_targets(n_indicators=8, seed=1)
    assert set(targets["indicator"]) == set(frame["indicator"]) and sorted(set(targets["year"])) == [2025, 2030]
    units = dict(zip(frame["indicator"], frame["unit"]))
    assert all(units[i] == u for i, u in zip(targets["indicator"], targets["unit"]))
    pd.testing.assert_frame_equal(frame, national_synthetic(n_regions=6, n_indicators=8, years=4, sexes=3, seed=1))


# ---------------------------------------------------------------- tianping demo-data


def run_demo_data(*args):
    from click.testing import CliRunner

    from tianping.cli import main

    return CliRunner().invoke(main, ["demo-data", *map(str, args)])


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_demo_data_command_writes_a_file_the_loader_accepts(seed_paths, seed_plans, tmp_path, suffix):
    seed = seed_paths[0]
    out = tmp_path / f"demo{suffix}"
    result = run_demo_data(seed, "--region", "西岗区", "--seed", 5, "-o", out)
    assert result.exit_code == 0, result.output
    assert "不是真实统计数据" in result.output
    (plan,) = seed_plans[seed.name]
    loaded = load_observations(out, indicators=plan_indicator_units(plan))
    assert loaded["synthetic"].all() and set(loaded["region"]) == {"西岗区"}
    expected = demo_observations(plan, region="西岗区", seed=5)
    assert len(loaded) == len(expected)
    assert np.allclose(loaded["value"].fillna(-1), expected["value"].fillna(-1))


def test_demo_data_command_is_reproducible_and_merges_two_plans(seed_paths, tmp_path):
    two_plans = next(p for p in seed_paths if p.name.startswith("002"))
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    assert run_demo_data(two_plans, "--seed", 1, "-o", first).exit_code == 0
    assert run_demo_data(two_plans, "--seed", 1, "-o", second).exit_code == 0
    assert first.read_bytes() == second.read_bytes()
    frame = load_observations(first)
    assert not frame.duplicated(["region", "indicator", "year", "sex"]).any()


def test_demo_data_command_refuses_bad_input_in_chinese(seed_paths, tmp_path):
    result = run_demo_data(seed_paths[0], "-o", tmp_path / "demo.json")
    assert result.exit_code == 2 and "不支持的输出格式" in result.output
    missing = run_demo_data(tmp_path / "无此文件.txt")
    assert missing.exit_code == 2 and "错误：" in missing.output and "Traceback" not in missing.output


# ---------------------------------------------------------------- with the assessment engine


def engine():
    try:
        from tianping.core.assess import assess, targets_from_plan
    except ImportError as exc:
        pytest.skip(f"assessment engine (tianping.core.assess) not importable yet: {exc}")
    return assess, targets_from_plan


@pytest.fixture(scope="module")
def seed_plans(seed_paths):
    from tianping.core.readers import parse_document

    return {path.name: parse_document(path) for path in seed_paths}


def test_demo_data_for_every_seed_plan_assesses_and_shows_the_statuses(seed_plans):
    assess, targets_from_plan = engine()
    statuses = set()
    for plans in seed_plans.values():
        for one in plans:
            assessment = assess(demo_observations(one, region=one.region or "示例区"), targets_from_plan(one))
            headline = assessment.results[assessment.results["headline"]]
            statuses |= set(headline["status"])
    assert {"已达标", "预计达标", "需加快", "进展缓慢", "退步"} <= statuses


def test_national_synthetic_assesses_with_its_targets():
    assess, _ = engine()
    frame = national_synthetic(n_regions=4, n_indicators=12, years=6, sexes=3, seed=2)
    results = assess(frame, national_synthetic_targets(n_indicators=12, seed=2)).results
    assert len(results) == 4 * 12 * 3 * 2, "every series against both milestones"
    assert results["latest_year"].max() == 2025


def test_demo_data_of_every_seed_plan_obeys_the_catalogue(seed_plans):
    """0 values outside the catalogue's range, 0 male series for an indicator that does not count
    both sexes, every catalogue rule holding, units the catalogue's where the plan's contradicts."""
    from tianping.core.catalogue import link_plan, load_catalogue

    catalogue = load_catalogue()
    checked = 0
    for plans in seed_plans.values():
        for one in plans:
            link_plan(one, catalogue)
            frame = demo_observations(one, region=one.region or "示例区", seed=11).dropna(subset=["value"])
            codes = {i.name: i.catalogue["code"] for i in one.indicators() if i.catalogue}
            for row in frame.itertuples():
                entry = catalogue.get(codes.get(row.indicator, ""))
                if entry is None:
                    assert row.sex == "", f"{row.indicator}: uncatalogued, yet a {row.sex} series"
                    continue
                checked += 1
                assert entry.in_range(row.value), f"{one.title} {row.indicator} {row.year}: {row.value} ∉ {entry.range_label}"
                assert row.sex == "" or entry.sex_disaggregated, f"{row.indicator}: {row.sex} series for {entry.population}"
                assert row.unit == entry.unit or row.unit in ("万人",), (row.indicator, row.unit, entry.unit)
            by_code = {codes[n]: g.set_index(["year", "sex"])["value"] for n, g in frame.groupby("indicator") if n in codes}
            for rule in catalogue.rules:
                if rule.left in by_code and rule.right in by_code:
                    pairs = by_code[rule.left].to_frame("l").join(by_code[rule.right].to_frame("r"), how="inner")
                    assert all(rule.holds(l, r) for l, r in zip(pairs["l"], pairs["r"])), rule.message
    assert checked > 1500


def test_sex_series_are_consistent_with_the_total(seed_plans):
    """Counts: 女 + 男 = 合计; other values: the total lies between 女 and 男 (up to rounding)."""
    for plans in seed_plans.values():
        for one in plans:
            frame = demo_observations(one, region="示例区", seed=5)
            split = frame[frame["sex"] != ""]["indicator"].unique()
            for name in split:
                series = frame[frame["indicator"] == name].pivot_table(index="year", columns="sex", values="value")
                if {"女", "男", ""} - set(series.columns):
                    continue
                series = series.dropna()
                from tianping.core.catalogue import load_catalogue

                entry = load_catalogue().link(name).entry
                counted = frame.loc[frame["indicator"] == name, "numerator"].notna().all()
                if entry.kind == "count" or counted:
                    if counted:   # rates from counts: the deaths add up, the rate lies between
                        continue
                    assert (series["女"] + series["男"] == series[""]).all(), name
                else:
                    low = series[["女", "男"]].min(axis=1) - 0.11
                    high = series[["女", "男"]].max(axis=1) + 0.11
                    assert series[""].between(low, high).all(), (name, series)


@pytest.mark.parametrize("seed", [2030, 0, 1])   # 2030: the seed `tianping demo` uses
def test_level_targets_draw_their_levels_from_the_national_figures(seed_plans, seed):
    """A level target on an indicator with a real national series (孕产妇系统管理率 ≥ 95 %, 每千名儿童
    拥有儿科执业（助理）医生数 1.12名) gets demo values around the national level with district-sized
    variation, not around the plan's goal; no value outside the catalogue's range, no level or
    four-year change no district would show (bench/demo_levels.py prints the table)."""
    from tianping.core.catalogue import link_plan, load_catalogue
    from tianping.core.synthetic import NATIONAL, national_comparison

    catalogue = load_catalogue()
    anchored, problems = {}, []
    for plans in seed_plans.values():
        for one in plans:
            link_plan(one, catalogue, fix_targets=True)
            rows, found = national_comparison(one, demo_observations(one, region=one.region or "示例区", seed=seed))
            problems += found
            anchored.update({(one.title, r["code"]): r for r in rows if r["scenario"] == NATIONAL})
    assert problems == []
    assert len(anchored) >= 20 and {"W1-04", "C1-18", "C1-19", "C4-01", "W1-25"} <= {c for _, c in anchored}
    doctors = next(r for (_, code), r in anchored.items() if code == "C1-18")
    assert 0.78 / 1.5 <= doctors["first"] <= 0.78 * 1.5 and doctors["last"] < 1.12, "the plan's 1.12 is a 2030 goal"


def test_a_money_standard_is_never_cut():
    """基本生活养育标准 (元/月) rises or stays, whatever scenario the demo gives it."""
    plan = Plan(title="某区儿童发展规划", kind="children", region="某区", areas=[Area(1, "儿童与福利", goals=[
        Goal(1, "福利", indicators=[indicator("孤儿和事实无人抚养儿童基本生活养育标准", "annual_relative_increase", 6,
                                            "元/月", base_year=2020)])])])
    for seed in range(8):
        values = demo_observations(plan, region="某区", seed=seed).sort_values("year")["value"].to_numpy()
        assert (np.diff(values) >= 0).all(), values
