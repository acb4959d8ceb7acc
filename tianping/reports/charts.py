"""Charts for the reports: an indicator's series over the years, its base, its targets and
(before a milestone has passed) its projection.

Truthful by construction:
* the y axis follows tianping.core.axes (one rule with the web): shares, rates and counts from zero, so a
  0.1-point change looks like one; a level that is never near zero (life expectancy,
  years of schooling) keeps a window at least ``MIN_SPAN_SHARE`` of its level wide, never
  a 0.2-wide axis for a 0.1 change;
* the legend sits below the plot, clear of the data;
* 300 dpi, for print.

Which indicators get a chart is chosen by ``pick_for_charts``: off-track ones first
(退步, 未实现, 进展缓慢, 需加快, on course but with a warning), then the plan's key
indicators, never simply the first of each area.

Drawn with matplotlib (Agg) in a CJK font found by fonts.cjk_font.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from functools import lru_cache

import matplotlib

matplotlib.use("Agg")
from matplotlib import font_manager  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from PIL import Image  # noqa: E402

from tianping.core.axes import y_limits  # noqa: E402
from tianping.reports.fonts import cjk_font  # noqa: E402
from tianping.reports.phrases import target_phrase  # noqa: E402

SERIES_LABEL = {"total": "合计", "": "合计", "female": "女性", "male": "男性",
                "urban": "城镇", "rural": "农村"}
SERIES_COLOR = {"total": "#1f4e79", "": "#1f4e79", "female": "#c0392b", "male": "#2e86c1",
                "urban": "#7d3c98", "rural": "#229954"}
TARGET_COLORS = ["#b9770e", "#7d6608"]
DPI = 300
# Key indicators of the women's and children's plans, charted when nothing is off track.
KEY_WORDS = ("孕产妇死亡率", "婴儿死亡率", "5岁以下儿童死亡率", "新生儿死亡率", "人均预期寿命", "宫颈癌",
             "乳腺癌", "女性比例", "就业", "受教育年限", "入学率", "巩固率", "参保率")


@lru_cache(maxsize=1)
def chart_font_family() -> str:
    """Register the packaged CJK font with matplotlib once and return its family name."""
    path = str(cjk_font("sans"))
    font_manager.fontManager.addfont(path)
    return font_manager.FontProperties(fname=path).get_name()


@dataclass
class ChartTarget:
    op: str
    value: float
    milestone: int
    upper: float | None = None


@dataclass
class Projection:
    year: int
    value: float
    low: float | None = None
    high: float | None = None


@dataclass
class ChartSpec:
    title: str
    series: dict[str, list[tuple[int, float]]]
    unit: str = ""
    targets: list[ChartTarget] = field(default_factory=list)
    base: tuple[int, float] | None = None
    projection: Projection | None = None


SHARE_HEADROOM = 1.05       # above 100 % (no tick there) when a point sits at the top


def chart_limits(values: list[float], unit: str) -> tuple[float, float]:
    """core.axes' y axis, with room above a share's 100 % when a value or target sits at
    the top, so its marker is drawn whole (a 2030 target star at 100 % was cut in half)."""
    low, top = y_limits(values, unit)
    if (unit or "").strip() == "%" and top == 100.0 and max(values) >= 0.97 * top:
        top *= SHARE_HEADROOM
    return low, top


def series_chart(title: str, series: dict[str, list[tuple[int, float]]], *, unit: str = "",
                 target: tuple[str, float, int] | None = None, dpi: int = DPI) -> bytes:
    """PNG of one indicator (kept for callers of the simple form)."""
    targets = [ChartTarget(target[0], target[1], target[2])] if target else []
    return indicator_chart(ChartSpec(title, series, unit, targets), dpi=dpi)


def indicator_chart(spec: ChartSpec, *, dpi: int = DPI) -> bytes:
    family = chart_font_family()
    fig = Figure(figsize=(6.4, 3.4), dpi=dpi)
    ax = fig.add_subplot()
    values: list[float] = []
    years: list[int] = []
    for name, points in spec.series.items():
        points = sorted(points)
        if not points:
            continue
        xs, ys = zip(*points)
        years += xs
        values += ys
        ax.plot(xs, ys, marker="o", markersize=3.5, linewidth=1.8, color=SERIES_COLOR.get(name),
                label=SERIES_LABEL.get(name, name))
    if spec.base is not None:
        ax.plot([spec.base[0]], [spec.base[1]], marker="s", markersize=6, color="#555555", linestyle="none",
                label=f"基期（{spec.base[0]}年）", zorder=3)
        values.append(spec.base[1])
    if spec.projection is not None and years:
        last_year = max(y for y, _ in sorted(p for pts in spec.series.values() for p in pts))
        last_value = [v for y, v in sorted(next(iter(spec.series.values())))][-1]
        p = spec.projection
        ax.plot([last_year, p.year], [last_value, p.value], linestyle=":", linewidth=1.6, color="#1f4e79",
                label=f"按趋势预计（{p.year}年）")
        if p.low is not None and p.high is not None:
            ax.fill_between([last_year, p.year], [last_value, p.low], [last_value, p.high],
                            color="#1f4e79", alpha=0.10, linewidth=0)
            values += [p.low, p.high]
        values.append(p.value)
        years.append(p.year)
    for number, target in enumerate(spec.targets):
        color = TARGET_COLORS[number % len(TARGET_COLORS)]
        label = f"{target.milestone}年目标 {target_phrase(target.op, target.value, spec.unit, target.upper)}"
        ax.plot([target.milestone], [target.value], marker="*", markersize=11, color=color, linestyle="none",
                label=label, zorder=4)
        ax.axhline(target.value, color=color, linestyle="--", linewidth=0.9, alpha=0.8)
        values.append(target.value)
        years.append(target.milestone)
    if values:
        low, top = chart_limits(values, spec.unit)
        ax.set_ylim(low, top)
        if spec.unit.strip() == "%" and top > 100 >= max(values):
            ax.set_yticks([t for t in ax.get_yticks() if low <= t <= 100])
    if years:
        ax.set_xlim(min(years) - 0.5, max(years) + 0.5)
        ax.set_xticks(range(min(years), max(years) + 1))
    ax.set_title(spec.title + (f"（{spec.unit}）" if spec.unit else ""), fontfamily=family, fontsize=11)
    ax.grid(axis="y", color="#dddddd", linewidth=0.6)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    handles, labels = ax.get_legend_handles_labels()
    if handles:   # below the plot, never over a line
        ax.legend(handles, labels, prop={"family": family, "size": 7.5}, frameon=False, loc="upper center",
                  bbox_to_anchor=(0.5, -0.12), ncol=min(len(handles), 4))
    for tick in ax.get_xticklabels() + ax.get_yticklabels():
        tick.set_fontfamily(family)
        tick.set_fontsize(8)
    fig.subplots_adjust(left=0.09, right=0.98, top=0.89, bottom=0.27)
    return png_bytes(fig, dpi)


def png_bytes(fig: Figure, dpi: int) -> bytes:
    """RGB (no alpha) PNG at ``dpi``, fast zlib: the PDF embeds an RGB PNG's data as it is,
    where an RGBA one must be decoded and split (the slow part of a report's PDF)."""
    canvas = FigureCanvasAgg(fig)
    fig.set_dpi(dpi)
    canvas.draw()
    image = Image.frombuffer("RGBA", canvas.get_width_height(), canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, format="PNG", compress_level=3, dpi=(dpi, dpi))
    return buffer.getvalue()


SEVERITY = {"regress": 0, "missed": 1, "slow": 2, "accelerate": 3, "uncertain": 4}


def pick_for_charts(candidates: list[tuple[str, str, bool, int]], limit: int) -> list[str]:
    """``candidates``: (indicator, verdict class, watch, years of data). Off-track first,
    by severity; then on-course ones with a warning; then key indicators; at least 3 years."""
    usable = [c for c in candidates if c[3] >= 3]

    def rank(item):
        name, klass, watch, years = item
        if klass in SEVERITY:
            return (0, SEVERITY[klass], -years)
        if watch:
            return (1, 0, -years)
        key = next((i for i, word in enumerate(KEY_WORDS) if word in name), len(KEY_WORDS))
        return (2, key, -years)

    return [c[0] for c in sorted(usable, key=rank)[:limit]]
