"""`tianping assess` on a seed plan with generated demo data, and the real national
figures against the national outlines' targets."""

import json

import pandas as pd
import pytest
from click.testing import CliRunner

from tianping.cli import main
from tianping.core.assess import RESULT_COLUMNS, STATUS_RANK, WARNING_COLUMNS, assess
from tianping.core.national import load_national, national_targets


@pytest.fixture(scope="module")
def plan_and_data(seed_paths, tmp_path_factory):
    folder = tmp_path_factory.mktemp("assess")
    plan = seed_paths[0]
    data = folder / "demo.csv"
    result = CliRunner().invoke(main, ["demo-data", str(plan), "-o", str(data)])
    assert result.exit_code == 0, result.output
    return plan, data


def test_table_shows_statuses_warnings_and_attainment_rate(plan_and_data):
    plan, data = plan_and_data
    result = CliRunner().invoke(main, ["assess", str(plan), str(data), "--year", "2024"])
    assert result.exit_code == 0, result.output
    text = result.output
    assert "评估年份：2024" in text and "【西岗区】" in text
    assert "孕产妇死亡率" in text and "9/10万以下" in text
    assert "目标达标率：" in text and "预警（" in text
    assert any(status in text for status in ("已达标", "预计达标", "需加快", "进展缓慢", "退步"))


def test_json_and_csv_carry_the_documented_columns(plan_and_data):
    plan, data = plan_and_data
    out = CliRunner().invoke(main, ["assess", str(plan), str(data), "--format", "json"])
    assert out.exit_code == 0, out.output
    doc = json.loads(out.output)
    assert list(doc["results"][0]) == RESULT_COLUMNS
    assert not doc["warnings"] or list(doc["warnings"][0]) == WARNING_COLUMNS
    assert {"rate", "assessable", "attained"} <= set(doc["attainment_rate"][0])
    assert all(r["sentence"] for r in doc["results"])
    csv = CliRunner().invoke(main, ["assess", str(plan), str(data), "--format", "csv"])
    assert csv.output.splitlines()[0].split(",") == RESULT_COLUMNS


def test_plan_json_gives_the_same_targets_as_the_document(plan_and_data, tmp_path):
    plan, data = plan_and_data
    parsed = CliRunner().invoke(main, ["plan", "parse", str(plan)])
    plan_json = tmp_path / "plan.json"
    plan_json.write_text(parsed.stdout, encoding="utf-8")
    a = CliRunner().invoke(main, ["assess", str(plan), str(data), "--format", "csv"])
    b = CliRunner().invoke(main, ["assess", str(plan_json), str(data), "--format", "csv"])
    assert b.exit_code == 0, b.output
    assert a.output == b.output


def test_unknown_region_and_bad_data_are_chinese_errors(plan_and_data, tmp_path):
    plan, data = plan_and_data
    out = CliRunner().invoke(main, ["assess", str(plan), str(data), "--region", "不存在区"])
    assert out.exit_code == 2 and "数据中没有地区“不存在区”" in out.output
    bad = tmp_path / "bad.csv"
    frame = pd.read_csv(data, dtype=str)
    frame.loc[3, "value"] = "十二"
    frame.to_csv(bad, index=False)
    out = CliRunner().invoke(main, ["assess", str(plan), str(bad)])
    assert out.exit_code == 2 and "错误：" in out.output and "Traceback" not in out.output


def test_national_figures_assess_against_the_outline_targets():
    result = assess(load_national(), national_targets())
    rows = result.results
    assert rows["headline"].sum() == len(national_targets())
    mmr = rows[(rows["indicator"] == "孕产妇死亡率") & rows["headline"]].iloc[0]
    assert mmr["latest_year"] >= 2022 and mmr["status"] in STATUS_RANK
    assert rows["sentence"].str.len().gt(0).all()
