"""The y axis of a chart of an indicator, one rule for the report charts (matplotlib) and
the web's ECharts: shares, rates and counts are drawn from zero (a share up to at most
100), so a 0.1-point change looks like one; a level that is never near zero (life
expectancy, years of schooling) keeps a window at least ``MIN_SPAN_SHARE`` of its level
wide, never a 0.2-wide axis for a 0.1 change."""

from __future__ import annotations

import math

# Units whose axis starts at zero: shares, rates per population, counts of people or things.
ZERO_BASED = ("%", "‰", "1/万", "1/10万", "/10万", "人", "名", "个", "所", "家", "张", "次", "件", "户",
              "万人", "亿人", "万张", "万个", "万家", "万所", "万条")
MIN_SPAN_SHARE = 0.05           # a level axis is at least 5 % of the level wide


def zero_based(unit: str) -> bool:
    unit = (unit or "").strip()
    return any(unit == u or unit.startswith(u) for u in ZERO_BASED)


def y_limits(values: list[float], unit: str) -> tuple[float, float]:
    """Axis from zero for shares/rates/counts (a share at most to 100); else a window
    around the values at least MIN_SPAN_SHARE of the level wide."""
    low, high = min(values), max(values)
    if zero_based(unit) and low >= 0:
        top = high * 1.15 if high > 0 else 1.0
        if unit.strip() == "%":
            top = min(max(top, 10.0), 100.0) if high <= 100 else top
        return 0.0, top
    level = max(abs(low), abs(high), 1e-9)
    span = max(high - low, MIN_SPAN_SHARE * level)
    middle = (low + high) / 2
    return middle - span * 0.75, middle + span * 0.75


def nice(low: float, high: float) -> list[float]:
    """The axis widened to whole steps of 1, 2 or 5 × 10^k (about five of them), so a chart
    labels its ends 0 and 8, not 0 and 7.705 (the web's indicator chart and the visualizer)."""
    raw = (high - low) / 5 or 1.0
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    bottom, top = math.floor(low / step) * step, math.ceil(high / step) * step
    if low >= 0 > bottom:
        bottom = 0.0
    if high <= 100 < top and low >= 0 and (high - low) > 20:
        top = 100.0         # a share's axis never passes 100
    return [round(bottom, 10), round(top, 10)]
