"""目标管理责任制 scorecards: one responsible department's yearly score from plain facts.

Pure Python (no Django). The web layer gathers the facts from stored data into a
``DepartmentFacts``, calls ``score(facts, rule)`` and presents the ``Scorecard``; a score
is always recomputed from the facts, never typed in.

The score is a weighted mean over the components that apply this year:

    total = Σ weight_i × score_i ÷ Σ weight_i        (components that apply only)

Each component scores 0–100 and carries the facts it counted (``refs``), so every score
can link to its evidence:

    completeness     cells filled ÷ cells required in the year's reporting round (not scored
                     while the round is still running and nothing was submitted)
    timeliness       first submission by the deadline 100, late ``late_credit``, missing 0
                     (not yet due: does not apply)
    returns          100 − ``return_penalty`` per return by the statistics bureau (floor 0;
                     only once submitted)
    statuses         mean of ``status_points`` over the department's assessable indicators
                     (status codes mapped through STATUS_CLASS; 数据不足/待评估 not assessable)
    warnings         share of due warnings explained within ``warning_days`` of being raised
    work_report      100 if the annual work report was filed with a submission, else 0
    self_evaluation  100 if a self-evaluation was submitted, else 0 (only in evaluation years)
    corrections      100 − ``correction_penalty`` per 督导检查 correction overdue or closed late

A component with nothing to judge (no round, no warnings due, no corrections) does not
apply and its weight is left out, which the card says beside the score.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from typing import TypeGuard

from tianping.core.errors import TianpingError

# ------------------------------------------------------------------ status classes

ATTAINED, ON_TRACK, UNCERTAIN, OFF_TRACK, REGRESSING = "attained", "on_track", "uncertain", "off_track", "regressing"
NOT_ASSESSABLE, UNKNOWN = "not_assessable", "unknown"
STATUS_CLASSES = (ATTAINED, ON_TRACK, UNCERTAIN, OFF_TRACK, REGRESSING)
CLASS_NAMES = {ATTAINED: "已达标", ON_TRACK: "进展顺利", UNCERTAIN: "尚难判断", OFF_TRACK: "进展滞后",
               REGRESSING: "退步", NOT_ASSESSABLE: "暂不能评估", UNKNOWN: "未归类状态"}

# The one table from stored status codes (tianping.core.assess, present and planned) to the
# scorecard's classes. A code not in this table is counted as UNKNOWN: listed on the
# card and left out of the score, never silently taken as good or bad.
STATUS_CLASS = {
    "已达标": ATTAINED, "已实现": ATTAINED, "基本达标": ATTAINED,
    "预计达标": ON_TRACK, "有望达标": ON_TRACK, "尚难判断": UNCERTAIN,
    "需加快": OFF_TRACK, "进展缓慢": OFF_TRACK, "未实现": OFF_TRACK, "未达标": OFF_TRACK,
    "退步": REGRESSING,
    "数据不足": NOT_ASSESSABLE, "待评估": NOT_ASSESSABLE, "事件过少": NOT_ASSESSABLE, "例数过少": NOT_ASSESSABLE,
    "样本过少": NOT_ASSESSABLE, "小样本": NOT_ASSESSABLE, "未评估": NOT_ASSESSABLE,
}


def status_class(status: str) -> str:
    return STATUS_CLASS.get((status or "").strip(), UNKNOWN)


# ------------------------------------------------------------------ the rule

COMPONENTS = ("completeness", "timeliness", "returns", "statuses", "warnings", "work_report",
              "self_evaluation", "corrections")
COMPONENT_NAMES = {
    "completeness": "填报完整性", "timeliness": "填报及时性", "returns": "统计局退回",
    "statuses": "指标进展", "warnings": "预警按时说明", "work_report": "年度工作报告",
    "self_evaluation": "自评报告", "corrections": "督导检查整改",
}
DEFAULT_WEIGHTS = {"completeness": 20, "timeliness": 15, "returns": 10, "statuses": 25, "warnings": 10,
                   "work_report": 10, "self_evaluation": 5, "corrections": 5}
DEFAULT_STATUS_POINTS = {ATTAINED: 100, ON_TRACK: 80, UNCERTAIN: 60, OFF_TRACK: 40, REGRESSING: 0}
DEFAULT_GRADES = [(90, "优秀"), (75, "良好"), (60, "合格"), (0, "不合格")]


@dataclass(frozen=True)
class ScoreRule:
    """What counts and how much: set by the office per year (the default is plain)."""

    weights: dict = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    status_points: dict = field(default_factory=lambda: dict(DEFAULT_STATUS_POINTS))
    late_credit: float = 50          # a late first submission earns this share of timeliness
    return_penalty: float = 25       # points off per return by the statistics bureau
    warning_days: int = 30           # days a department has to explain a warning
    correction_penalty: float = 25   # points off per correction overdue or closed late
    grades: list = field(default_factory=lambda: [list(g) for g in DEFAULT_GRADES])

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict | None) -> ScoreRule:
        """A rule from stored JSON; missing keys take the default, bad values raise."""
        data = dict(data or {})
        default = cls()
        weights = {**default.weights, **(data.get("weights") or {})}
        points = {**default.status_points, **(data.get("status_points") or {})}
        rule = cls(weights=weights, status_points=points,
                   late_credit=data.get("late_credit", default.late_credit),
                   return_penalty=data.get("return_penalty", default.return_penalty),
                   warning_days=data.get("warning_days", default.warning_days),
                   correction_penalty=data.get("correction_penalty", default.correction_penalty),
                   grades=data.get("grades") or default.grades)
        rule.check()
        return rule

    def check(self) -> None:
        """Every problem in Chinese, naming the setting."""
        problems = []
        for key in self.weights:
            if key not in COMPONENTS:
                problems.append(f"未知的考核项目“{key}”")
        for key in COMPONENTS:
            w = self.weights.get(key)
            if not _number(w) or w < 0 or w > 100:
                problems.append(f"“{COMPONENT_NAMES[key]}”的权重应为0—100之间的数（现为{w!r}）")
        if all(_number(w) for w in self.weights.values()) and sum(self.weights.values()) <= 0:
            problems.append("权重之和应大于0")
        for cls_ in STATUS_CLASSES:
            p = self.status_points.get(cls_)
            if not _number(p) or p < 0 or p > 100:
                problems.append(f"“{CLASS_NAMES[cls_]}”的得分应为0—100之间的数（现为{p!r}）")
        for name, value, low, high in (("迟报得分比例", self.late_credit, 0, 100),
                                       ("每次退回扣分", self.return_penalty, 0, 100),
                                       ("每项逾期整改扣分", self.correction_penalty, 0, 100)):
            if not _number(value) or not low <= value <= high:
                problems.append(f"“{name}”应为{low}—{high}之间的数（现为{value!r}）")
        if not isinstance(self.warning_days, int) or isinstance(self.warning_days, bool) \
                or not 1 <= self.warning_days <= 365:
            problems.append(f"“预警说明时限”应为1—365之间的整数天数（现为{self.warning_days!r}）")
        if problems:
            raise TianpingError("考核规则有误：" + "；".join(problems))

    def describe(self) -> dict[str, str]:
        """How each component is counted, in the words shown beside every score."""
        p = self.status_points
        return {
            "completeness": "已填单元格÷应填单元格×100",
            "timeliness": f"截止日前首次提交100分，逾期提交{_g(self.late_credit)}分，未提交0分",
            "returns": f"每被统计局退回一次扣{_g(self.return_penalty)}分，最低0分",
            "statuses": "可评估指标的平均分：" + "、".join(f"{CLASS_NAMES[k]}{_g(p[k])}" for k in STATUS_CLASSES),
            "warnings": f"预警发出后{self.warning_days}天内说明的比例×100（未到期的不计）",
            "work_report": "随年度填报提交工作报告100分，否则0分",
            "self_evaluation": "提交自评报告100分，否则0分（仅中期、终期评估年度）",
            "corrections": f"每项逾期未整改或逾期整改扣{_g(self.correction_penalty)}分，最低0分",
        }


def _number(x: object) -> TypeGuard[float]:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and x == x


def _g(x) -> str:
    return f"{x:g}"


# ------------------------------------------------------------------ the facts

@dataclass(frozen=True)
class IndicatorFact:
    name: str
    status: str                      # the stored status code (e.g. 已达标)
    ref: tuple = ()                  # what the web layer links to, e.g. ("indicator", 12)


@dataclass(frozen=True)
class SubmissionFact:
    cells_required: int
    cells_filled: int
    timeliness: str                  # on_time / late / missing / pending
    returns: int                     # times returned by the statistics bureau
    work_report_filed: bool
    ref: tuple = ()


@dataclass(frozen=True)
class WarningFact:
    name: str
    raised_on: date
    explained_on: date | None = None
    cleared_on: date | None = None   # closed without an explanation (cleared by a later run, resolved)
    ref: tuple = ()


@dataclass(frozen=True)
class SelfEvaluationFact:
    plan: str
    submitted: bool
    ref: tuple = ()


@dataclass(frozen=True)
class CorrectionFact:
    text: str
    deadline: date
    closed_on: date | None = None
    ref: tuple = ()


@dataclass(frozen=True)
class DepartmentFacts:
    department: str
    year: int
    as_of: date
    indicators: list = field(default_factory=list)        # IndicatorFact
    measures: list = field(default_factory=list)          # names of the measures it leads
    submission: SubmissionFact | None = None              # None: no reporting round this year
    warnings: list = field(default_factory=list)          # WarningFact
    self_evaluation_expected: bool = False
    self_evaluations: list = field(default_factory=list)  # SelfEvaluationFact
    corrections: list = field(default_factory=list)       # CorrectionFact


# ------------------------------------------------------------------ the result

@dataclass
class Component:
    key: str
    name: str
    weight: float
    applies: bool
    score: float | None               # 0–100, None when it does not apply
    detail: str                       # what was counted, in words ("已填36/40个单元格")
    rule: str                         # how it is counted (ScoreRule.describe)
    refs: list = field(default_factory=list)   # (label, ref) pairs: the evidence

    @property
    def points(self) -> float | None:
        """Weighted points this component contributes before normalising."""
        return None if self.score is None else self.weight * self.score / 100


@dataclass
class Scorecard:
    department: str
    year: int
    components: list
    total: float | None               # None when no component applies
    grade: str
    applied_weight: float
    status_counts: dict
    indicators: list
    measures: list
    open_corrections: list            # CorrectionFact still open (overdue or not)
    overdue_corrections: list

    def component(self, key: str) -> Component:
        return next(c for c in self.components if c.key == key)


def score(facts: DepartmentFacts, rule: ScoreRule | None = None) -> Scorecard:
    rule = rule or ScoreRule()
    rule.check()
    words = rule.describe()
    built = {
        "completeness": _completeness(facts), "timeliness": _timeliness(facts, rule),
        "returns": _returns(facts, rule), "statuses": _statuses(facts, rule),
        "warnings": _warnings(facts, rule), "work_report": _work_report(facts),
        "self_evaluation": _self_evaluation(facts), "corrections": _corrections(facts, rule),
    }
    components = [Component(key, COMPONENT_NAMES[key], float(rule.weights[key]), value is not None,
                            None if value is None else round(float(value), 2), detail, words[key], refs)
                  for key, (value, detail, refs) in built.items()]
    counted = [(c.weight, c.score) for c in components if c.applies and c.weight > 0 and c.score is not None]
    weight = sum(w for w, _ in counted)
    total = round(sum(w * score for w, score in counted) / weight, 2) if weight else None
    open_ = [c for c in facts.corrections if c.closed_on is None]
    return Scorecard(
        department=facts.department, year=facts.year, components=components, total=total,
        grade=grade_of(total, rule), applied_weight=weight, status_counts=status_counts(facts.indicators),
        indicators=list(facts.indicators), measures=list(facts.measures), open_corrections=open_,
        overdue_corrections=[c for c in open_ if c.deadline < facts.as_of])


def grade_of(total: float | None, rule: ScoreRule) -> str:
    if total is None:
        return ""
    for threshold, name in sorted(rule.grades, key=lambda g: -g[0]):
        if total >= threshold:
            return name
    return ""


def status_counts(indicators) -> dict:
    counts = {key: 0 for key in (*STATUS_CLASSES, NOT_ASSESSABLE, UNKNOWN)}
    for ind in indicators:
        counts[status_class(ind.status)] += 1
    return counts


# Each component: (score or None when it does not apply, what was counted, evidence refs).

def _not_yet_due(s: SubmissionFact) -> bool:
    """Still reporting: not submitted and the deadline not passed. Nothing is scored yet
    but what the department already did (a submission counts at once)."""
    return s.timeliness == "pending"


def _completeness(f: DepartmentFacts):
    s = f.submission
    if s is None or s.cells_required <= 0:
        return None, "本年度无填报任务", []
    filled = min(s.cells_filled, s.cells_required)
    detail = f"已填{filled}/{s.cells_required}个单元格"
    if _not_yet_due(s):
        return None, detail + "（未到截止日期，暂不计分）", [("填报", s.ref)]
    return 100 * filled / s.cells_required, detail, [("填报", s.ref)]


TIMELINESS_WORDS = {"on_time": "按时提交", "late": "逾期提交", "missing": "未提交", "pending": "未到截止日期"}


def _timeliness(f: DepartmentFacts, rule: ScoreRule):
    s = f.submission
    if s is None:
        return None, "本年度无填报任务", []
    if s.timeliness == "pending":
        return None, "未到截止日期，暂不计分", [("填报", s.ref)]
    points = {"on_time": 100, "late": rule.late_credit, "missing": 0}
    if s.timeliness not in points:
        raise TianpingError(f"未知的填报及时性“{s.timeliness}”")
    return points[s.timeliness], TIMELINESS_WORDS[s.timeliness], [("填报", s.ref)]


def _returns(f: DepartmentFacts, rule: ScoreRule):
    s = f.submission
    if s is None:
        return None, "本年度无填报任务", []
    if s.timeliness not in ("on_time", "late"):
        return None, "未提交，不计退回", [("审核记录", s.ref)]
    return max(0.0, 100 - rule.return_penalty * s.returns), f"被退回{s.returns}次", [("审核记录", s.ref)]


def _statuses(f: DepartmentFacts, rule: ScoreRule):
    judged = [(i, status_class(i.status)) for i in f.indicators]
    scored = [(i, c) for i, c in judged if c in STATUS_CLASSES]
    if not scored:
        return None, f"负责{len(f.indicators)}项指标，均暂不能评估" if f.indicators else "未负责监测指标", \
            [(i.name, i.ref) for i in f.indicators]
    value = sum(rule.status_points[c] for _i, c in scored) / len(scored)
    counts = status_counts(f.indicators)
    parts = [f"{CLASS_NAMES[k]}{counts[k]}" for k in STATUS_CLASSES if counts[k]]
    rest = len(f.indicators) - len(scored)
    detail = f"可评估{len(scored)}项：" + "、".join(parts) + (f"；另{rest}项暂不能评估或未归类" if rest else "")
    return value, detail, [(f"{i.name}（{i.status}）", i.ref) for i in f.indicators]


def warning_outcome(w: WarningFact, days: int, as_of: date) -> str:
    """on_time / late / pending (explanation not yet due) / cleared (closed before it was due)."""
    due = w.raised_on + timedelta(days=days)
    if w.explained_on is not None:
        return "on_time" if w.explained_on <= due else "late"
    if w.cleared_on is not None and w.cleared_on <= due:
        return "cleared"
    return "late" if as_of > due else "pending"


WARNING_WORDS = {"on_time": "按时说明", "late": "未按时说明", "pending": "待说明", "cleared": "未到期即消除"}


def _warnings(f: DepartmentFacts, rule: ScoreRule):
    outcomes = [(w, warning_outcome(w, rule.warning_days, f.as_of)) for w in f.warnings]
    due = [(w, o) for w, o in outcomes if o in ("on_time", "late")]
    refs = [(f"{w.name}（{WARNING_WORDS[o]}）", w.ref) for w, o in outcomes]
    if not due:
        pending = sum(o == "pending" for _w, o in outcomes)
        return None, (f"{pending}条预警未到说明时限" if pending else "无应说明的预警"), refs
    on_time = sum(o == "on_time" for _w, o in due)
    return 100 * on_time / len(due), f"应说明{len(due)}条，按时说明{on_time}条", refs


def _work_report(f: DepartmentFacts):
    s = f.submission
    if s is None:
        return None, "本年度无填报任务", []
    if _not_yet_due(s) and not s.work_report_filed:
        return None, "未到截止日期，暂不计分", [("年度工作报告", s.ref)]
    return (100 if s.work_report_filed else 0), ("已提交" if s.work_report_filed else "未提交"), \
        [("年度工作报告", s.ref)]


def _self_evaluation(f: DepartmentFacts):
    refs = [(f"{e.plan}自评报告", e.ref) for e in f.self_evaluations]
    if not f.self_evaluation_expected:
        return None, "本年度不要求自评报告", refs
    done = any(e.submitted for e in f.self_evaluations)
    return (100 if done else 0), ("已提交" if done else "未提交"), refs


def correction_outcome(c: CorrectionFact, as_of: date) -> str:
    """closed_on_time / closed_late / overdue / open (not yet due)."""
    if c.closed_on is not None:
        return "closed_on_time" if c.closed_on <= c.deadline else "closed_late"
    return "overdue" if as_of > c.deadline else "open"


CORRECTION_WORDS = {"closed_on_time": "按期整改", "closed_late": "逾期整改", "overdue": "逾期未整改",
                    "open": "整改中"}


def _corrections(f: DepartmentFacts, rule: ScoreRule):
    if not f.corrections:
        return None, "本年度无督导检查整改要求", []
    outcomes = [(c, correction_outcome(c, f.as_of)) for c in f.corrections]
    bad = sum(o in ("overdue", "closed_late") for _c, o in outcomes)
    counts = {k: sum(o == k for _c, o in outcomes) for k in CORRECTION_WORDS}
    detail = "、".join(f"{CORRECTION_WORDS[k]}{n}项" for k, n in counts.items() if n)
    refs = [(f"{c.text[:30]}（{CORRECTION_WORDS[o]}）", c.ref) for c, o in outcomes]
    return max(0.0, 100 - rule.correction_penalty * bad), detail, refs


# ------------------------------------------------------------------ ranking

def rank(cards: list[Scorecard]) -> list[tuple[int | None, Scorecard]]:
    """Highest total first; equal totals share a rank (1, 2, 2, 4); cards without a total last."""
    scored = sorted(((c.total, c) for c in cards if c.total is not None), key=lambda tc: (-tc[0], tc[1].department))
    out: list[tuple[int | None, Scorecard]] = []
    previous: float | None = None
    place = 0
    for n, (total, card) in enumerate(scored, 1):
        if total != previous:
            place, previous = n, total
        out.append((place, card))
    out += [(None, c) for c in sorted((c for c in cards if c.total is None), key=lambda c: c.department)]
    return out


def counts_in_year(c: CorrectionFact, year: int) -> bool:
    """A correction counts in the year of its deadline, and in every later year it is
    still open at the start of (a correction left undone keeps counting)."""
    if c.deadline.year == year:
        return True
    return c.deadline.year < year and (c.closed_on is None or c.closed_on.year >= year)


def evaluation_years(start_year: int, end_year: int, milestones) -> set[int]:
    """Years a self-evaluation is due: the plan's milestones and end, and the middle year of
    a five-year (十四五) plan, whose mid-term evaluation comes in its third year."""
    years = {int(y) for y in milestones or ()} | {end_year}
    if end_year - start_year <= 5:
        years.add(start_year + 2)
    return years


def pick_status_row(rows: list[dict], year: int) -> dict | None:
    """One indicator's status for ``year`` from its headline result rows (one per milestone):
    the nearest milestone not before ``year``, else the last milestone."""
    if not rows:
        return None
    ahead = [r for r in rows if r["milestone"] >= year]
    return min(ahead, key=lambda r: r["milestone"]) if ahead else max(rows, key=lambda r: r["milestone"])
