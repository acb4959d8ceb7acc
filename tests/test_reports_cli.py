"""`tianping report …` from the command line, on a real seed plan and real files."""

import json

import pytest
from click.testing import CliRunner
from docx import Document

from tianping.cli import main

SEED = "000_f8529f9a3fcda828.txt"


@pytest.fixture(scope="module")
def plan_file(shared_dir):
    return shared_dir / "seeds" / SEED


@pytest.mark.slow(reason="a whole report through the CLI subprocess, charts included")
def test_annual_html_from_demo_data(plan_file, tmp_path):
    out = tmp_path / "annual.html"
    result = CliRunner().invoke(main, ["report", "annual", str(plan_file), "demo", "--year", "2024",
                                       "--format", "html", "-o", str(out)])
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert "2024年统计监测报告" in html and "演示数据" in html
    assert "已生成" in result.output


@pytest.mark.slow(reason="a whole report through the CLI subprocess, charts included")
def test_final_docx_from_an_observations_file_with_office_inputs(plan_file, tmp_path):
    from tianping.core.parser import parse_plan_text
    from tianping.core.synthetic import demo_observations

    plan = parse_plan_text(plan_file.read_text(encoding="utf-8"), SEED)[0]
    data = tmp_path / "observations.csv"
    observations = demo_observations(plan, region="西岗区", years=range(2020, 2031), seed=3)
    observations[["region", "indicator", "year", "sex", "value", "unit"]].to_csv(data, index=False)
    inputs = tmp_path / "inputs.json"
    inputs.write_text(json.dumps({"department_reports": {"区妇联": "开展家庭家教家风建设。"},
                                  "problems": "部分指标数据来源不稳定。"}, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "final.docx"
    result = CliRunner().invoke(main, ["report", "final", str(plan_file), str(data), "--format", "docx",
                                       "--inputs", str(inputs), "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = "\n".join(p.text for p in Document(str(out)).paragraphs)
    assert "终期评估报告" in text and "达标率" in text
    assert "单位自评：开展家庭家教家风建设。" in text and "部分指标数据来源不稳定。" in text
    assert "预计" not in text                           # a final report judges only what happened
    assert "演示数据" not in text                      # real file: no synthetic notice


@pytest.mark.parametrize("args, message", [
    (["/nonexistent.csv"], "找不到数据文件"),
    (["demo", "--inputs", "{inputs}"], "未知的项目"),
])
def test_bad_input_exits_2_with_a_chinese_message(plan_file, tmp_path, args, message):
    bad_inputs = tmp_path / "inputs.json"
    bad_inputs.write_text('{"problem": "typo"}', encoding="utf-8")
    args = [a.replace("{inputs}", str(bad_inputs)) for a in args]
    result = CliRunner().invoke(main, ["report", "midterm", str(plan_file), *args, "-o", str(tmp_path / "x.pdf"),
                                       "--format", "pdf"])
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert isinstance(result.exception, SystemExit)          # a clean exit, not a traceback
    assert not (tmp_path / "x.pdf").exists()


def test_a_region_without_results_is_refused_in_chinese(plan_file, tmp_path):
    data = tmp_path / "observations.csv"
    data.write_text("地区,指标,年份,数值\n西岗区,孕产妇死亡率,2023,10.5\n西岗区,孕产妇死亡率,2024,9.8\n",
                    encoding="utf-8")
    result = CliRunner().invoke(main, ["report", "annual", str(plan_file), str(data), "--region", "中山区",
                                       "--format", "html", "-o", str(tmp_path / "x.html")])
    assert result.exit_code == 2, result.output
    assert "没有“中山区”的数据" in result.output and "西岗区" in result.output
    assert not (tmp_path / "x.html").exists()


def test_a_data_file_spelling_names_differently_reaches_the_plans_indicators(plan_file, tmp_path):
    """"III" for the plan's "Ⅲ" (NFKC) and a 我区 prefix (the catalogue) do not lose an indicator."""
    data = tmp_path / "observations.csv"
    rows = ["地区,指标,年份,数值"]
    for year, value in ((2021, 95.0), (2022, 96.0), (2023, 97.5), (2024, 98.0)):
        rows.append(f"西岗区,城市集中式饮用水水源水质达到或优于III类标准的比例,{year},{value}")
        rows.append(f"西岗区,我区孕产妇系统管理率,{year},{value - 2}")
    data.write_text("\n".join(rows) + "\n", encoding="utf-8")
    out = tmp_path / "annual.docx"
    result = CliRunner().invoke(main, ["report", "annual", str(plan_file), str(data), "--format", "docx",
                                       "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = "\n".join(p.text for p in Document(str(out)).paragraphs)
    # 98.0 beside 2023's 97.5: one decimal for both (core.figures.aligned)
    assert "城市集中式饮用水水源水质达到或优于Ⅲ类标准的比例为98.0%" in text
    assert "孕产妇系统管理率为96.0%" in text
