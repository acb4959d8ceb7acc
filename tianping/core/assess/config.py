"""Knobs of the assessment method, with the defaults DESIGN.md documents.

Every threshold that decides a status or a warning lives here, so a province can
tune them and a report can quote them.
"""

from __future__ import annotations

from dataclasses import dataclass

# Units whose values are shares: ``~`` tolerance is in percentage points and
# projections stay inside the bounds.
SHARE_UNITS = {"%": 100.0, "‰": 1000.0}


@dataclass(frozen=True)
class AssessConfig:
    # Attainment (issue 3 part 2)
    share_tolerance_pp: float = 2.0        # "~" for shares: ± percentage points
    relative_tolerance: float = 0.05       # "~" otherwise: ± 5 % of the target value
    direction_min_change: float = 0.005    # directional targets: |trend| ≥ 0.5 % of the base value a year

    # Which observations count (None: all years in the data up to the assessment year)
    period_start: int | None = None        # first year used for trend and base, e.g. 2020
    base_year: int | None = None           # default base year for progress when a target has none

    # Status (status.py): 需加快 when the model pace ratio (fitted ÷ needed yearly change) ≥ 0.6,
    # the Open SDG "moderate" threshold; substantial_ratio is kept for the Open SDG label of
    # the published ratio.
    substantial_ratio: float = 0.95
    moderate_ratio: float = 0.6
    # 预计达标 when P(attaining at the milestone) ≥ on_track_probability; 尚难判断 down to
    # off_track_probability; below it the target is projected to be missed.
    on_track_probability: float = 0.8
    off_track_probability: float = 0.2
    # A trend counts (退步, directional 已达标/退步, deterioration warning) when its t statistic
    # is beyond the two-sided trend_alpha critical value.
    trend_alpha: float = 0.04

    # Projection (projection.py): central interval level; residual SD shrunk toward a floor
    # with prior_df pseudo-observations, per model scale (log and logit in model units,
    # the linear scale as a share of the series' mean level).
    interval_level: float = 0.8
    prior_df: float = 2.0
    spread_floor_log: float = 0.03
    spread_floor_logit: float = 0.07
    spread_floor_relative: float = 0.02
    share_noise_floor: float = 0.005       # shares: noise σ ≥ 0.005 (SD 0.1 point at 99.8 %, 0.25 at 50 %)
    damping: float = 0.9                   # log-scale (rate) trends: the h-th year ahead adds 0.9^h
    floor_share: float = 0.7               # the residual SD is at least floor_share × the floor
    share_drift: float = 0.012             # shares: logit-scale model error per year ahead

    # Warnings (warnings.py)
    warning_horizon: int = 2               # projected miss warned when the milestone is ≤ 2 years ahead
    fluctuation_z: float = 5.0             # robust z of the latest year-on-year change (calibrated: bench)
    fluctuation_min_changes: int = 4       # earlier changes needed before a robust z means anything
    poisson_alpha: float = 0.01            # rare events: change beyond the two-sided 99 % Poisson interval
    late_years: int = 1                    # latest value older than the assessment year → late data
    fell_back_sd: float = 1.28             # 达标后回落: outside the band by > 1.28 residual SDs
    fell_back_min_points: int = 3
    deterioration_min_points: int = 4      # 持续退步 needs this much history

    # Rare events (rare.py): a series with numerator and denominator whose judged year counts
    # fewer than rare_event_count events (NCHS: a rate on < 20 events is unreliable) is judged
    # on its last pool_years counted years pooled, with the exact Poisson interval at
    # poisson_level; pool_years < 1 turns pooling off.
    rare_event_count: float = 20.0
    pool_years: int = 5
    poisson_level: float = 0.95

    # Qualitative judgements: 基本达标 counts as attained in 达标率 when True.
    basically_attained_counts: bool = True

    # Chinese sentences cost ~2 µs a row; None → write them when results have ≤ this many rows.
    sentences: bool | None = None
    sentence_row_limit: int = 200_000

    @classmethod
    def for_plan(cls, start_year: int, **overrides) -> AssessConfig:
        """A plan starting in start_year (2021): its base year (2020) opens the period
        the trend uses and is the default base of the progress ratio."""
        return cls(period_start=start_year - 1, base_year=start_year - 1, **overrides)


DEFAULT_CONFIG = AssessConfig()
