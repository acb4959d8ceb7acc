"""Charts for the reports: an indicator's series over the years with its target line.

Drawn with matplotlib (Agg, no display) in a CJK font found by fonts.cjk_font, so
Chinese labels render on a fresh machine after a plain pip install.
"""

from __future__ import annotations

import io
from functools import lru_cache

import matplotlib

matplotlib.use("Agg")
from matplotlib import font_manager  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from tianping.reports.fonts import cjk_font  # noqa: E402
from tianping.core.figures import target_phrase  # noqa: E402

SERIES_LABEL = {"total": "合计", "": "合计", "female": "女性", "male": "男性",
                "urban": "城镇", "rural": "农村"}
SERIES_COLOR = {"total": "#1f4e79", "": "#1f4e79", "female": "#c0392b", "male": "#2e86c1",
                "urban": "#7d3c98", "rural": "#229954"}


@lru_cache(maxsize=1)
def chart_font_family() -> str:
    """Register the packaged CJK font with matplotlib once and return its family name."""
    path = str(cjk_font("sans"))
    font_manager.fontManager.addfont(path)
    return font_manager.FontProperties(fname=path).get_name()


def series_chart(
    title: str,
    series: dict[str, list[tuple[int, float]]],
    *,
    unit: str = "",
    target: tuple[str, float, int] | None = None,
    dpi: int = 110,
) -> bytes:
    """PNG of one indicator: a line per series (total/female/male…), dashed target line.

    ``series`` maps a series name to (year, value) points; ``target`` is
    (op, value, milestone year).
    """
    family = chart_font_family()
    fig = Figure(figsize=(6.4, 3.0), dpi=dpi)
    ax = fig.add_subplot()
    for name, points in series.items():
        points = sorted(points)
        if not points:
            continue
        years, values = zip(*points)
        ax.plot(years, values, marker="o", markersize=3.5, linewidth=1.8,
                color=SERIES_COLOR.get(name, None), label=SERIES_LABEL.get(name, name))
    if target is not None:
        op, value, milestone = target
        label = f"{milestone}年目标 {target_phrase(op, value, unit)}"
        ax.axhline(value, color="#b9770e", linestyle="--", linewidth=1.2, label=label)
    ax.set_title(title + (f"（{unit}）" if unit else ""), fontfamily=family, fontsize=11)
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.grid(axis="y", color="#dddddd", linewidth=0.6)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    if ax.get_legend_handles_labels()[0]:
        ax.legend(prop={"family": family, "size": 8}, frameon=False, loc="best")
    for label in ax.get_xticklabels() + ax.get_yticklabels():
        label.set_fontfamily(family)
        label.set_fontsize(8)
    fig.subplots_adjust(left=0.08, right=0.98, top=0.88, bottom=0.1)   # fixed: one draw, not two
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()
