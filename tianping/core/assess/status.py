"""Status of a series against one milestone target.

Numeric targets, in this order:
    已达标   the latest value meets the target (band at the latest year for pace targets;
             for a rate on few events, the last 3 years pooled: engine.py "Rare events")
    数据不足 fewer than 2 observations (or no base value where the target needs one)
    预计达标 the milestone is still ahead and the projection (projection.py) meets it
    需加快   R ≥ 0.6 (Open SDG "moderate"): moving the right way, not fast enough
    进展缓慢 0 ≤ R < 0.6 (Open SDG "limited")
    退步     R < 0: moving away from the target (incl. a wrong-way base)
Directional targets (逐步提高/降低), on the Theil–Sen slope ÷ |base value| a year, s:
    已达标 when direction × s ≥ 0.5 %, 退步 when ≤ −0.5 %, else 进展缓慢; 数据不足 below 2 points.
Qualitative targets: 待评估 until the evaluation group records a judgement; then
    达标 → 已达标, 基本达标 → 已达标 (counted in 达标率 unless configured otherwise), 未达标 → 需加快.
"""

from __future__ import annotations

import numpy as np

from .config import AssessConfig

ATTAINED, ON_TRACK, ACCELERATE, SLOW, REGRESSING, NO_DATA, PENDING = (
    "已达标", "预计达标", "需加快", "进展缓慢", "退步", "数据不足", "待评估")
STATUSES = (ATTAINED, ON_TRACK, ACCELERATE, SLOW, REGRESSING, NO_DATA, PENDING)
# Integer codes (index into STATUSES) used inside the engine; results hold a Categorical.
(C_ATTAINED, C_ON_TRACK, C_ACCELERATE, C_SLOW, C_REGRESSING, C_NO_DATA, C_PENDING) = range(7)
# Better first; 数据不足 and 待评估 are not on the scale.
STATUS_RANK = {ATTAINED: 5, ON_TRACK: 4, ACCELERATE: 3, SLOW: 2, REGRESSING: 1}

JUDGEMENTS = {"达标": ATTAINED, "基本达标": ATTAINED, "未达标": ACCELERATE}


def numeric_status(attained, enough_data, milestone_ahead, projected_attained, ratio,
                   config: AssessConfig) -> np.ndarray:
    """Status codes (int8) for numeric targets."""
    return np.select(
        [attained, ~enough_data, milestone_ahead & projected_attained,
         ratio >= config.moderate_ratio, ratio >= 0, ratio < 0],
        [C_ATTAINED, C_NO_DATA, C_ON_TRACK, C_ACCELERATE, C_SLOW, C_REGRESSING],
        default=C_NO_DATA).astype(np.int8)


def directional_status(relative_slope, direction_sign, count, config: AssessConfig) -> np.ndarray:
    with np.errstate(invalid="ignore"):
        s = direction_sign * relative_slope
    return np.select(
        [count < 2, s >= config.direction_min_change, s <= -config.direction_min_change],
        [C_NO_DATA, C_ATTAINED, C_REGRESSING], default=C_SLOW).astype(np.int8)


def judged_status(judgement: np.ndarray) -> np.ndarray:
    out = np.full(len(judgement), C_PENDING, dtype=np.int8)
    for word, status in JUDGEMENTS.items():
        out[judgement == word] = STATUSES.index(status)
    return out
