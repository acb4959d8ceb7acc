"""core.scorecard: each component, the weighting, the rule's checks, ranking — by hand."""

from datetime import date

import pytest

from tianping.core import scorecard as sc
from tianping.core.errors import TianpingError

AS_OF = date(2025, 6, 30)


def facts(**kw):
    base = dict(department="卫健局", year=2024, as_of=AS_OF)
    return sc.DepartmentFacts(**{**base, **kw})


def sub(required=40, filled=30, timeliness="on_time", returns=0, report=True):
    return sc.SubmissionFact(required, filled, timeliness, returns, report, ("submission", 1))


def test_status_table_maps_present_and_planned_codes():
    assert sc.status_class("已达标") == sc.ATTAINED
    assert sc.status_class("已实现") == sc.ATTAINED
    assert sc.status_class("预计达标") == sc.ON_TRACK
    assert sc.status_class("需加快") == sc.OFF_TRACK and sc.status_class("未实现") == sc.OFF_TRACK
    assert sc.status_class("退步") == sc.REGRESSING
    assert sc.status_class("数据不足") == sc.NOT_ASSESSABLE
    assert sc.status_class("尚难判断") == sc.UNCERTAIN and sc.status_class("例数过少") == sc.NOT_ASSESSABLE
    assert sc.status_class("全新状态") == sc.UNKNOWN   # never silently good or bad


def test_every_status_the_engine_gives_has_a_class():
    """A status added to tianping.core.assess must be added to STATUS_CLASS too."""
    from tianping.core.assess.status import STATUSES

    assert [s for s in STATUSES if sc.status_class(s) == sc.UNKNOWN] == []


def test_full_card_by_hand():
    f = facts(
        indicators=[sc.IndicatorFact("a", "已达标"), sc.IndicatorFact("b", "预计达标"),
                    sc.IndicatorFact("c", "需加快"), sc.IndicatorFact("d", "退步"),
                    sc.IndicatorFact("e", "数据不足"), sc.IndicatorFact("f", "奇怪")],
        submission=sub(required=40, filled=30, timeliness="late", returns=1, report=True),
        warnings=[sc.WarningFact("w1", date(2025, 4, 1), explained_on=date(2025, 4, 20)),   # on time
                  sc.WarningFact("w2", date(2025, 4, 1), explained_on=date(2025, 5, 20)),   # late
                  sc.WarningFact("w3", date(2025, 4, 1)),                                   # due 5-1, not explained
                  sc.WarningFact("w4", date(2025, 6, 20)),                                  # not yet due
                  sc.WarningFact("w5", date(2025, 4, 1), cleared_on=date(2025, 4, 10))],    # cleared early
        corrections=[sc.CorrectionFact("x", date(2024, 10, 1), closed_on=date(2024, 9, 1)),
                     sc.CorrectionFact("y", date(2024, 11, 1))])                           # overdue
    card = sc.score(f)
    c = {x.key: x for x in card.components}
    assert c["completeness"].score == 75.0
    assert c["timeliness"].score == 50.0
    assert c["returns"].score == 75.0
    assert c["statuses"].score == 55.0                # (100 + 80 + 40 + 0) / 4
    assert c["warnings"].score == pytest.approx(100 / 3, abs=0.01)   # 1 of 3 due
    assert c["work_report"].score == 100
    assert not c["self_evaluation"].applies
    assert c["corrections"].score == 75.0
    # weights 20 15 10 25 10 10 (5 left out) 5 → 95
    expected = (20 * 75 + 15 * 50 + 10 * 75 + 25 * 55 + 10 * (100 / 3) + 10 * 100 + 5 * 75) / 95
    assert card.total == pytest.approx(expected, abs=0.01)
    assert card.applied_weight == 95
    assert card.grade == "合格"
    assert card.status_counts[sc.UNKNOWN] == 1 and card.status_counts[sc.NOT_ASSESSABLE] == 1
    assert [x.text for x in card.overdue_corrections] == ["y"]


def test_nothing_to_judge_has_no_total():
    card = sc.score(facts())
    assert card.total is None and card.grade == "" and card.applied_weight == 0


def test_pending_round_does_not_count_timeliness_or_missing_report():
    card = sc.score(facts(submission=sub(timeliness="pending", report=False)))
    assert not card.component("timeliness").applies
    assert not card.component("work_report").applies
    assert not card.component("completeness").applies       # still reporting: shown, not scored
    assert "已填30/40" in card.component("completeness").detail
    assert not card.component("returns").applies
    submitted = sc.score(facts(submission=sub(timeliness="on_time", report=True)))
    assert submitted.component("completeness").score == 75.0
    missing = sc.score(facts(submission=sub(timeliness="missing", report=False)))
    assert missing.component("timeliness").score == 0 and missing.component("work_report").score == 0
    assert not missing.component("returns").applies


def test_returns_floor_and_penalty_from_rule():
    rule = sc.ScoreRule.from_dict({"return_penalty": 40})
    assert sc.score(facts(submission=sub(returns=3)), rule).component("returns").score == 0
    assert sc.score(facts(submission=sub(returns=1)), rule).component("returns").score == 60


def test_self_evaluation_only_in_evaluation_years():
    e = [sc.SelfEvaluationFact("规划", True)]
    assert sc.score(facts(self_evaluation_expected=True, self_evaluations=e)).component("self_evaluation").score == 100
    assert sc.score(facts(self_evaluation_expected=True)).component("self_evaluation").score == 0
    assert sc.evaluation_years(2021, 2030, [2025, 2030]) == {2025, 2030}
    assert sc.evaluation_years(2021, 2025, [2025]) == {2023, 2025}


def test_zero_weight_leaves_component_out():
    rule = sc.ScoreRule.from_dict({"weights": {"returns": 0}})
    card = sc.score(facts(submission=sub(required=10, filled=10, returns=4)), rule)
    assert card.total == 100.0     # completeness, timeliness, report all 100; returns weighs nothing


def test_rule_errors_name_the_setting():
    with pytest.raises(TianpingError, match="填报完整性"):
        sc.ScoreRule.from_dict({"weights": {"completeness": -1}})
    with pytest.raises(TianpingError, match="未知的考核项目"):
        sc.ScoreRule.from_dict({"weights": {"bogus": 1}})
    with pytest.raises(TianpingError, match="预警说明时限"):
        sc.ScoreRule.from_dict({"warning_days": 0})
    with pytest.raises(TianpingError, match="权重之和"):
        sc.ScoreRule.from_dict({"weights": {k: 0 for k in sc.COMPONENTS}})
    assert sc.ScoreRule.from_dict(sc.ScoreRule().as_dict()) == sc.ScoreRule()


def test_rank_shares_places_and_puts_unscored_last():
    def card(name, total):
        return sc.Scorecard(name, 2024, [], total, "", 0, {}, [], [], [], [])
    ranked = sc.rank([card("乙", 80), card("甲", 90), card("丙", 80), card("丁", None), card("戊", 70)])
    assert [(r, c.department) for r, c in ranked] == [(1, "甲"), (2, "丙"), (2, "乙"), (4, "戊"), (None, "丁")]


def test_corrections_carry_over_while_open():
    open_ = sc.CorrectionFact("x", date(2024, 11, 1))
    closed_late = sc.CorrectionFact("y", date(2024, 11, 1), closed_on=date(2025, 2, 1))
    closed = sc.CorrectionFact("z", date(2024, 11, 1), closed_on=date(2024, 10, 1))
    assert sc.counts_in_year(open_, 2025) and sc.counts_in_year(closed_late, 2025)
    assert not sc.counts_in_year(closed, 2025) and sc.counts_in_year(closed, 2024)
    assert not sc.counts_in_year(open_, 2023)


def test_pick_status_row_nearest_milestone_ahead():
    rows = [{"milestone": 2025, "status": "已达标"}, {"milestone": 2030, "status": "需加快"}]
    assert sc.pick_status_row(rows, 2024)["status"] == "已达标"
    assert sc.pick_status_row(rows, 2026)["status"] == "需加快"
    assert sc.pick_status_row(rows, 2031)["status"] == "需加快"
    assert sc.pick_status_row([], 2024) is None


# ------------------------------------------------------------------ properties

from hypothesis import given  # noqa: E402
from hypothesis import settings as hsettings
from hypothesis import strategies as st

STATUSES = sorted(sc.STATUS_CLASS) + ["奇怪"]
days = st.dates(min_value=date(2024, 1, 1), max_value=date(2026, 12, 31))
subs = st.builds(sc.SubmissionFact, st.integers(0, 50), st.integers(0, 60),
                 st.sampled_from(["on_time", "late", "missing", "pending"]), st.integers(0, 6), st.booleans())
facts_strategy = st.builds(
    sc.DepartmentFacts, department=st.just("单位"), year=st.just(2025), as_of=days,
    indicators=st.lists(st.builds(sc.IndicatorFact, st.just("指标"), st.sampled_from(STATUSES)), max_size=12),
    submission=st.none() | subs,
    warnings=st.lists(st.builds(sc.WarningFact, st.just("预警"), days, st.none() | days, st.none() | days), max_size=6),
    self_evaluation_expected=st.booleans(),
    self_evaluations=st.lists(st.builds(sc.SelfEvaluationFact, st.just("规划"), st.booleans()), max_size=2),
    corrections=st.lists(st.builds(sc.CorrectionFact, st.just("整改"), days, st.none() | days), max_size=4))
weights = st.fixed_dictionaries({k: st.integers(0, 100) for k in sc.COMPONENTS}).filter(lambda w: sum(w.values()) > 0)


@hsettings(max_examples=300, deadline=None)
@given(facts_strategy, weights)
def test_total_is_the_weighted_mean_of_what_applies(f, w):
    card = sc.score(f, sc.ScoreRule.from_dict({"weights": w}))
    counted = [c for c in card.components if c.applies and c.weight > 0]
    for c in card.components:
        assert c.score is None or 0 <= c.score <= 100
        assert c.applies == (c.score is not None)
    if not counted:
        assert card.total is None and card.grade == ""
    else:
        expected = sum(c.weight * c.score for c in counted) / sum(c.weight for c in counted)
        assert card.total == pytest.approx(expected, abs=0.01) and 0 <= card.total <= 100
        assert card.grade


@hsettings(max_examples=200, deadline=None)
@given(facts_strategy)
def test_a_better_status_never_lowers_the_score(f):
    if not f.indicators:
        return
    worse = sc.score(f).total
    better = sc.score(sc.DepartmentFacts(**{**f.__dict__, "indicators": [
        sc.IndicatorFact(i.name, "已达标" if sc.status_class(i.status) in sc.STATUS_CLASSES else i.status)
        for i in f.indicators]})).total
    assert worse is None or better >= worse - 1e-9
