"""`tianping plan parse` / `tianping plan summary` and the exports behind them, on the seeds."""

from __future__ import annotations

import io
import json

import jsonschema
import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from tests.conftest import REPO, SEEDS
from tianping.cli import main
from tianping.core.export import (
    TARGET_HEADERS,
    plan_counts,
    plan_to_json,
    plan_to_xlsx,
    plans_to_json,
    plans_to_markdown,
    plans_to_xlsx,
    safe_cell,
)
from tianping.core.readers import parse_document

SCHEMA = json.loads((REPO / "docs" / "plan-schema.json").read_text(encoding="utf-8"))
SEED_000 = next(seed for seed in SEEDS if seed.name.startswith("000"))
SEED_002 = next(seed for seed in SEEDS if seed.name.startswith("002"))


@pytest.fixture(scope="module")
def parsed() -> dict:
    return {seed.name: parse_document(seed) for seed in SEEDS}


def test_schema_is_valid_json_schema():
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


@pytest.mark.parametrize("seed", SEEDS, ids=[seed.name[:3] for seed in SEEDS])
def test_every_seed_json_matches_the_schema(parsed, seed):
    document = json.loads(plans_to_json(parsed[seed.name]))
    jsonschema.validate(document, SCHEMA, cls=jsonschema.Draft202012Validator)
    assert all(plan["source_sha256"] for plan in document)


def test_single_plan_forms(parsed):
    plan = parsed[SEED_002.name][1]
    jsonschema.validate(json.loads(plan_to_json(plan)), {"$ref": "#/$defs/plan", "$defs": SCHEMA["$defs"]},
                        cls=jsonschema.Draft202012Validator)
    sheet = load_workbook(io.BytesIO(plan_to_xlsx(plan)))["指标目标"]
    assert {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)} == {plan.title}


def test_schema_rejects_what_the_model_never_produces(parsed):
    document = json.loads(plans_to_json(parsed[SEED_000.name]))
    document[0]["areas"][0]["goals"][0]["indicators"] = [{"name": "x", "targets": [{"op": "≥"}]}]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, SCHEMA, cls=jsonschema.Draft202012Validator)


def test_parse_prints_json_and_a_chinese_summary(parsed):
    result = CliRunner().invoke(main, ["plan", "parse", str(SEED_002)])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    jsonschema.validate(document, SCHEMA, cls=jsonschema.Draft202012Validator)
    plans = parsed[SEED_002.name]
    assert [plan["kind"] for plan in document] == [plan.kind for plan in plans] == ["women", "children"]
    for plan in plans:
        counts = plan_counts(plan)
        assert f"{plan.title}：{counts['areas']}个领域，{counts['goals']}条主要目标，{counts['measures']}条策略措施" \
            in result.stderr


def test_parse_writes_a_checkable_workbook(tmp_path, parsed):
    out = tmp_path / "西岗区.xlsx"
    result = CliRunner().invoke(main, ["plan", "parse", str(SEED_000), "--format", "xlsx", "-o", str(out)])
    assert result.exit_code == 0, result.output
    workbook = load_workbook(out)
    assert workbook.sheetnames == ["指标目标", "目标与措施", "基线", "规划信息"]
    sheet = workbook["指标目标"]
    assert [cell.value for cell in sheet[1]] == TARGET_HEADERS
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["F"].width >= 20
    plan = parsed[SEED_000.name][0]
    targets = [(indicator, target) for indicator in plan.indicators() for target in indicator.targets]
    assert sheet.max_row == len(targets) + 1
    rows = {(row[5], row[6], row[7], row[9]) for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows == {(indicator.name, t.year, safe_cell(t.op), t.value) for indicator, t in targets}
    counts = plan_counts(plan)
    assert workbook["目标与措施"].max_row == counts["goals"] + counts["measures"] + 1


def test_workbook_cells_cannot_become_formulas():
    plan = parse_document(SEED_000)[0]   # a fresh copy: this test edits it
    indicator = next(i for i in plan.indicators() if i.targets)
    indicator.name = '=HYPERLINK("http://example.com","点击")'
    indicator.targets[0].text = "+1 到2025年"
    indicator.targets[0].source.text = "-2 @SUM(A1:A9)"
    sheet = load_workbook(io.BytesIO(plans_to_xlsx([plan])))["指标目标"]
    row = next(r for r in sheet.iter_rows(min_row=2) if str(r[5].value).endswith('"点击")'))
    assert row[5].value == "'" + indicator.name and row[5].data_type == "s"
    assert row[15].value == "'+1 到2025年"
    assert row[16].value == "'-2 @SUM(A1:A9)"
    assert safe_cell(-2.5) == -2.5 and safe_cell("孕产妇死亡率") == "孕产妇死亡率"


def test_parse_markdown_to_a_file(tmp_path, parsed):
    out = tmp_path / "规划.md"
    result = CliRunner().invoke(main, ["plan", "parse", str(SEED_000), "--format", "md", "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    plan = parsed[SEED_000.name][0]
    assert text == plans_to_markdown([plan])
    assert text.startswith(f"# {plan.title}")
    assert "## （一）" + plan.areas[0].name in text
    assert "孕产妇死亡率：2025年9/10万以下；2030年8/10万以下" in text   # seed 000, goal 2


def test_markdown_tells_two_targets_of_one_year_apart(parsed):
    seed_003 = next(seed for seed in SEEDS if seed.name.startswith("003"))
    text = plans_to_markdown(parsed[seed_003.name])
    assert ("- 区党委领导班子中配有女干部的班子比例：2025年达到100%（换届后当年达到100%）；"
            "2025年85%以上（平时保持在85%以上）") in text
    assert "孕产妇死亡率：2025年低于7/10万\n" in text     # one target per year: no phrase added


def test_format_follows_the_output_name(tmp_path):
    out = tmp_path / "核对.xlsx"
    result = CliRunner().invoke(main, ["plan", "parse", str(SEED_000), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert load_workbook(out).sheetnames[0] == "指标目标"


def test_xlsx_needs_an_output_file():
    result = CliRunner().invoke(main, ["plan", "parse", str(SEED_000), "--format", "xlsx"])
    assert result.exit_code == 2
    assert "-o" in result.stderr and "Traceback" not in result.output


def test_summary_of_all_seeds(monkeypatch, parsed):
    monkeypatch.setenv("TIANPING_SEEDS", str(SEED_000.parent))
    result = CliRunner().invoke(main, ["plan", "summary"])
    assert result.exit_code == 0, result.output
    titles = [plan.title for plans in parsed.values() for plan in plans]
    assert len(titles) == len(SEEDS) + 1      # 002 holds two plans
    for title in titles:
        assert title in result.stdout
    assert sum(line.startswith("  合计") for line in result.stdout.splitlines()) == len(titles)


def test_summary_reports_a_bad_file_and_goes_on(tmp_path):
    bad = tmp_path / "空.txt"
    bad.write_bytes(b"")
    result = CliRunner().invoke(main, ["plan", "summary", str(bad), str(SEED_000)])
    assert result.exit_code == 2
    assert "空.txt" in result.stderr and "文件为空" in result.stderr
    assert "西岗区" in result.stdout
