"""tianping.core.entries: the cells an indicator is reported in, and the checking of
submitted rows, with plain data (the web's save_rows loads, calls these and writes)."""

from tianping.core.entries import (
    RowIn,
    Stored,
    Summary,
    accept_rows,
    grid,
    plan_changes,
)
from tianping.core.validation import Cell, IndicatorRule

MGMT, MMR = 1, 2


def rules():
    return {MGMT: IndicatorRule(name="孕产妇系统管理率", unit="%", required=grid(False, False, True, [])),
            MMR: IndicatorRule(name="孕产妇死亡率", unit="1/10万", multiplier=100000, has_counts=True)}


def test_grid_is_the_total_then_each_required_breakdown():
    assert grid(False, False, False, []) == [Cell()]
    assert grid(True, True, True, ["0-6岁", "7-14岁"]) == [
        Cell(), Cell(sex="女"), Cell(sex="男"), Cell(age="0-6岁"), Cell(age="7-14岁"),
        Cell(residence="城镇"), Cell(residence="农村")]


def test_rows_outside_the_framework_are_refused_with_the_place():
    summary = Summary()
    rows = [RowIn(99, Cell(), 1.0, where="第3行"), RowIn(MGMT, Cell(sex="女"), 90.0, where="第4行"),
            RowIn(MGMT, Cell(), 96.0, where="第5行"), RowIn(MGMT, Cell(), 97.0, where="第6行"),
            RowIn(MGMT, Cell(residence="城镇"), 95.0, unit="‰", where="第7行"),
            RowIn(MMR, Cell(), numerator=3, denominator=30000, where="第8行")]
    accepted = accept_rows(rows, rules(), summary)
    assert [r.where for r in accepted] == ["第5行", "第8行"]
    assert summary.errors[0] == "第3行：指标编号99不是本单位本轮次的填报指标"
    assert summary.errors[1] == "第4行：指标“孕产妇系统管理率”女：该分组不在指标的填报范围内"
    assert summary.errors[2] == "第6行：指标“孕产妇系统管理率”合计：与第5行重复"
    assert summary.errors[3].startswith("第7行：指标“孕产妇系统管理率”城镇：")
    assert accepted[1].value == 10.0                        # 3 ÷ 30000 × 100000, from the counts


def test_changes_count_cells_and_refuse_an_edit_on_an_older_version():
    stored = {(MGMT, Cell()): Stored(11, 95.0, None, None, "", 2),
              (MGMT, Cell(residence="城镇")): Stored(12, 96.0, None, None, "", 1)}
    rows = [RowIn(MGMT, Cell(), 95.0, version=2),                       # unchanged
            RowIn(MGMT, Cell(residence="城镇"), 96.5, version=1),       # changed
            RowIn(MGMT, Cell(residence="农村"), 94.0, version=0)]       # new
    summary = Summary()
    changes = plan_changes(accept_rows(rows, rules(), summary), rules(), stored, {}, 2024, summary)
    assert summary.errors == [] and (summary.new, summary.changed, summary.unchanged) == (1, 1, 1)
    assert changes.updates == [(12, 96.5, None, None, "", 2)]
    assert changes.creates == [((MGMT, Cell(residence="农村")), {"value": 94.0, "numerator": None,
                                                                "denominator": None, "note": ""})]
    assert changes.audits[0][:2] == (12, 2)

    stale = Summary()
    plan_changes(accept_rows([RowIn(MGMT, Cell(), 80.0, version=1, where="第2行")], rules(), stale),
                 rules(), stored, {}, 2024, stale)
    assert stale.conflicts[0]["current_version"] == 2
    assert stale.errors == ["第2行：指标“孕产妇系统管理率”合计已被他人修改（当前版本2，当前值95，"
                            "您依据的是版本1），未保存，请刷新后核对"]


def test_the_indicator_is_checked_as_it_will_be_after_the_save():
    # a share above 100 is an error; a jump far beyond earlier changes is a warning naming the row
    summary = Summary()
    plan_changes(accept_rows([RowIn(MGMT, Cell(), 130.0, version=0, where="第9行")], rules(), summary),
                 rules(), {}, {}, 2024, summary)
    assert any("130" in e and "100" in e for e in summary.errors), summary.errors
    history = {(MGMT, Cell()): {2020: 90.0, 2021: 90.5, 2022: 91.0, 2023: 91.4}}
    jumped = Summary()
    plan_changes(accept_rows([RowIn(MGMT, Cell(), 60.0, version=0, where="第9行")], rules(), jumped),
                 rules(), {}, history, 2024, jumped)
    assert jumped.errors == [] and jumped.warnings and jumped.warnings[0].startswith("第9行：")
