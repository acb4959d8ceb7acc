"""Status of a series against one milestone target — the one table of status codes.

The semantics of each status — rank, whether 达标率 counts it, whether it is final — live
in ``STATUS_TABLE``; how a page or report shows it (label, traffic light) in
``tianping.core.figures.STATUSES``, which has a row per code here.

Numeric targets (docs/assessment.md has the method and the thresholds):
    已实现   the milestone has passed (assessment year after it, or data for its year in):
             the value of the milestone year (else the latest before it) meets the target. Final.
    未实现   the same, missed. Final.
    已达标   milestone ahead, the latest value (rare events: the pooled rate's whole 95 %
             interval) meets the target
    未达标   milestone ahead, a single value that misses: no trend to project ("趋势数据不足")
    例数过少 rare events: the exact Poisson interval of the pooled rate contains the target
    预计达标 not attained, P(attaining by the milestone) ≥ ``on_track_probability`` (0.8)
    尚难判断 not attained, P between ``off_track_probability`` (0.2) and 0.8
    需加快   P < 0.2, moving toward the target at ≥ 0.6 of the pace needed (model ratio)
    进展缓慢 P < 0.2, slower, or no significant movement
    退步     P < 0.2 and a significant trend away from the target, latest worse than base
    数据不足 no value (or no base value where the target is defined from one)
Directional targets (逐步提高/降低): on the log/logit-scale trend and its t statistic:
    已达标 when the trend is significantly the right way and at least ``direction_min_change``
    (0.5 %) of the base value a year, 退步 the same the wrong way, else 进展缓慢; 数据不足
    below 4 points (the test needs a residual spread from the years before the latest).
Qualitative targets: 待评估 until the evaluation group records a judgement; then
    达标 → 已达标, 基本达标 → 已达标 (counted in 达标率 unless configured otherwise), 未达标 → 未达标.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .config import AssessConfig


@dataclass(frozen=True)
class Status:
    label: str
    rank: int | None       # better is higher; None: not on the scale
    attained: bool         # counts in the numerator of 达标率
    assessable: bool       # counts in the denominator of 达标率 (可监测)
    final: bool            # a verdict on a passed milestone
    progress_label: str    # the Open SDG-style label this status corresponds to
    meaning: str           # one line for legends and open data


STATUS_TABLE: tuple[Status, ...] = (
    Status("已实现", 7, True, True, True, "target_achieved", "规划节点已过，目标已实现"),
    Status("已达标", 6, True, True, False, "target_achieved", "最新数据已达到目标"),
    Status("预计达标", 5, False, True, False, "substantial_progress", "按趋势达标概率不低于80%"),
    Status("尚难判断", 4, False, True, False, "moderate_progress", "按趋势达标概率在20%–80%之间"),
    Status("需加快", 3, False, True, False, "moderate_progress", "方向正确，速度不足"),
    Status("进展缓慢", 2, False, True, False, "limited_progress", "进展不明显"),
    Status("退步", 1, False, True, False, "deterioration", "显著向不利方向变化"),
    Status("未达标", 2, False, True, False, "limited_progress", "仅一个年度数据且未达到目标"),
    Status("未实现", 0, False, True, True, "limited_progress", "规划节点已过，目标未实现"),
    Status("例数过少", None, False, False, False, "not_available", "例数少，精确区间包含目标值，尚不能判断"),
    Status("数据不足", None, False, False, False, "not_available", "缺少数据"),
    Status("待评估", None, False, False, False, "not_available", "定性目标，待专家评估组评判"),
)
STATUSES = tuple(s.label for s in STATUS_TABLE)
BY_LABEL = {s.label: s for s in STATUS_TABLE}
(ACHIEVED, ATTAINED, ON_TRACK, UNCERTAIN, ACCELERATE, SLOW, REGRESSING, NOT_ATTAINED, MISSED, FEW_EVENTS,
 NO_DATA, PENDING) = STATUSES
# Integer codes (index into STATUSES) used inside the engine; results hold a Categorical.
(C_ACHIEVED, C_ATTAINED, C_ON_TRACK, C_UNCERTAIN, C_ACCELERATE, C_SLOW, C_REGRESSING, C_NOT_ATTAINED, C_MISSED,
 C_FEW_EVENTS, C_NO_DATA, C_PENDING) = range(len(STATUSES))
STATUS_RANK = {s.label: s.rank for s in STATUS_TABLE if s.rank is not None}
ATTAINED_STATUSES = tuple(s.label for s in STATUS_TABLE if s.attained)
UNASSESSABLE_STATUSES = tuple(s.label for s in STATUS_TABLE if not s.assessable)
PROGRESS_LABEL_CODE = np.array(
    [("target_achieved", "substantial_progress", "moderate_progress", "limited_progress", "deterioration",
      "not_available").index(s.progress_label) for s in STATUS_TABLE], dtype=np.int8)
_ATTAINED_CODES = np.array([s.attained for s in STATUS_TABLE])
_ASSESSABLE_CODES = np.array([s.assessable for s in STATUS_TABLE])


def attained_code(status: np.ndarray) -> np.ndarray:
    return _ATTAINED_CODES[status]


def assessable_code(status: np.ndarray) -> np.ndarray:
    return _ASSESSABLE_CODES[status]


JUDGEMENTS = {"达标": ATTAINED, "基本达标": ATTAINED, "未达标": NOT_ATTAINED}


@dataclass
class Verdict:
    """What the status of a numeric target row is decided from (one array per field)."""

    has_data: np.ndarray              # a latest value (and a base value where needed)
    final: np.ndarray                 # milestone passed
    attained: np.ndarray              # the value judged meets the target
    missed: np.ndarray                # the value judged misses it (rare events: significantly)
    single: np.ndarray                # one value only: no trend
    p_attain: np.ndarray              # P(attaining at the milestone), NaN without a projection
    pace: np.ndarray                  # model pace ratio: fitted trend ÷ trend needed
    worse: np.ndarray                 # significantly away from the target and latest worse than base


def numeric_status(v: Verdict, config: AssessConfig) -> np.ndarray:
    """Status codes (int8) for numeric targets, in the order of the module docstring."""
    inconclusive = ~v.attained & ~v.missed
    return np.select(
        [~v.has_data, v.final & v.attained, v.final & v.missed, v.attained, inconclusive,
         v.single, v.p_attain >= config.on_track_probability, v.p_attain >= config.off_track_probability,
         v.worse, v.pace >= config.moderate_ratio],
        [C_NO_DATA, C_ACHIEVED, C_MISSED, C_ATTAINED, C_FEW_EVENTS,
         C_NOT_ATTAINED, C_ON_TRACK, C_UNCERTAIN, C_REGRESSING, C_ACCELERATE],
        default=C_SLOW).astype(np.int8)


def directional_status(t_stat, count, df, config: AssessConfig) -> np.ndarray:
    """t_stat: the trend's t statistic signed so that positive is the wanted way."""
    from .projection import t_quantile
    critical = t_quantile(1 - config.trend_alpha / 2, np.maximum(df, 1))
    with np.errstate(invalid="ignore"):
        return np.select(
            [count < 4, t_stat >= critical, t_stat <= -critical],
            [C_NO_DATA, C_ATTAINED, C_REGRESSING], default=C_SLOW).astype(np.int8)


def judged_status(judgement: np.ndarray) -> np.ndarray:
    out = np.full(len(judgement), C_PENDING, dtype=np.int8)
    for word, status in JUDGEMENTS.items():
        out[judgement == word] = STATUSES.index(status)
    return out
