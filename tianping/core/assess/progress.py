"""Progress ratio as Open SDG's ProgressMeasure method 2 and the UNSD progress chart.

    CAGR_observed = (latest / base) ** (1 / (latest_year − base_year)) − 1
    CAGR_required = (goal / base)   ** (1 / (target_year − base_year)) − 1
    R = sign(base) × direction × CAGR_observed / |CAGR_required|

direction is +1 when higher is better, −1 when lower is better. Edge cases follow
sdg-build: a zero base or target is replaced by 0.001; base and latest of opposite
sign (zero is neither) give no compound ratio; fewer than one year between base and latest gives no ratio.
Where the compound rate is undefined we fall back to the linear share of the
required pace, ``(latest − base) / (goal − base) × (target_year − base_year) /
(latest_year − base_year)`` (progress_method 'linear'). A wrong-way base (already
past the target, then moving away) comes out negative: deterioration.

Labels (Open SDG thresholds): target_achieved; R ≥ 0.95 substantial_progress;
0.6 ≤ R < 0.95 moderate_progress; 0 ≤ R < 0.6 limited_progress; R < 0 deterioration;
not_available.
"""

from __future__ import annotations

import numpy as np

from .config import AssessConfig

ZERO_SUBSTITUTE = 0.001
LABELS = ("target_achieved", "substantial_progress", "moderate_progress",
          "limited_progress", "deterioration", "not_available")


def growth(current, base, t_current, t_base):
    """Compound annual growth rate, elementwise (sdg-build's growth_calculation)."""
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        return (current / base) ** (1.0 / (t_current - t_base)) - 1.0


METHODS = ("", "cagr", "linear", "zero_base", "early_base")


def progress_ratio(base, base_year, latest, latest_year, goal, target_year, sign_direction):
    """Return (ratio, cagr_observed, cagr_required, method) arrays; method codes index METHODS."""
    base = np.where(base == 0, ZERO_SUBSTITUTE, base)
    goal = np.where(goal == 0, ZERO_SUBSTITUTE, goal)
    years_done = latest_year - base_year
    valid = (years_done >= 1) & ~np.isnan(goal) & (sign_direction != 0)
    same_sign = ~(((base > 0) & (latest < 0)) | ((base < 0) & (latest > 0)))
    observed = np.where(valid & same_sign, growth(latest, base, latest_year, base_year), np.nan)
    # A base already at the goal needs no growth: the compound ratio would divide by
    # zero, so such series take the linear rule below (holding on counts as on pace).
    required = np.where(valid & (goal != base), growth(goal, base, target_year, base_year), np.nan)
    sign = np.where(base < 0, -1.0, 1.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = sign * sign_direction * observed / np.maximum(np.abs(required), 1e-12)
        pace = (latest - base) / (goal - base) * (target_year - base_year) / years_done
        linear = np.where(goal == base, np.where(sign_direction * (latest - base) >= 0, 1.0, -1.0), pace)
    use_linear = valid & np.isnan(ratio)
    ratio = np.where(use_linear, linear, ratio)
    ratio = np.where(valid, ratio, np.nan)
    method = np.where(~valid | np.isnan(ratio), 0, np.where(use_linear, 2, 1)).astype(np.int8)
    return ratio, observed, required, method


def progress_labels(ratio, attained, config: AssessConfig) -> np.ndarray:
    """Label codes (index into LABELS)."""
    return np.select([attained, ratio >= config.substantial_ratio, ratio >= config.moderate_ratio,
                      ratio >= 0, ratio < 0], [0, 1, 2, 3, 4], default=5).astype(np.int8)
