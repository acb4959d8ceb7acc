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

    # Status thresholds on the progress ratio R (Open SDG method 2 / UNSD):
    #   R ≥ 0.95 substantial, 0.6 ≤ R < 0.95 moderate, 0 ≤ R < 0.6 limited, R < 0 deterioration.
    #   Not attained and not projected to attain: R ≥ 0.6 → 需加快, 0 ≤ R < 0.6 → 进展缓慢, R < 0 → 退步.
    substantial_ratio: float = 0.95
    moderate_ratio: float = 0.6

    # Projection interval: ± z × residual standard error (1.2816 = central 80 %).
    interval_z: float = 1.2816

    # Warnings (part 5)
    warning_horizon: int = 2               # projected miss warned when the milestone is ≤ 2 years ahead
    fluctuation_z: float = 3.5             # robust z of the latest year-on-year change
    fluctuation_min_changes: int = 3       # earlier changes needed before a robust z means anything
    poisson_alpha: float = 0.01            # rare events: change beyond the two-sided 99 % Poisson interval
    late_years: int = 1                    # latest value older than the assessment year → late data

    # Rare events (engine.py, "Rare events"): a series with numerator and denominator whose
    # latest year counts fewer than rare_event_count events (NCHS: a rate on < 20 events is
    # unreliable) is judged attained or not on the events and denominators of its last
    # pool_years reported years pooled; pool_years < 2 turns pooling off.
    rare_event_count: float = 20.0
    pool_years: int = 3

    # Qualitative judgements: 基本达标 counts as attained in 达标率 when True.
    basically_attained_counts: bool = True

    # Chinese sentences cost ~2 µs a row; None → write them when results have ≤ this many rows.
    sentences: bool | None = None
    sentence_row_limit: int = 200_000

    @classmethod
    def for_plan(cls, start_year: int, **overrides) -> "AssessConfig":
        """A plan starting in start_year (2021): its base year (2020) opens the period
        the trend uses and is the default base of the progress ratio."""
        return cls(period_start=start_year - 1, base_year=start_year - 1, **overrides)


DEFAULT_CONFIG = AssessConfig()
