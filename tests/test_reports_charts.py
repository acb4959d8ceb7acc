"""Charts: Chinese text drawn with a real CJK font after a plain pip install."""

import io
import os
import warnings

import numpy as np
from matplotlib import font_manager
from PIL import Image

from tianping.reports.charts import chart_font_family, series_chart
from tianping.reports.fonts import cjk_font


def test_the_chart_font_is_the_packaged_cjk_font_and_covers_the_labels():
    family = chart_font_family()
    path = font_manager.findfont(font_manager.FontProperties(family=family), fallback_to_default=False)
    assert os.path.realpath(path) == os.path.realpath(cjk_font("sans"))
    from fontTools.ttLib import TTFont
    with TTFont(path, lazy=True) as font:
        cmap = font.getBestCmap()
    assert all(ord(ch) in cmap for ch in "孕产妇死亡率合计女性男性年目标≤≥（）")


def test_chart_draws_without_missing_glyphs_and_shows_series_and_target():
    points = {"total": [(2020, 13.0), (2021, 12.1), (2022, 11.8), (2024, 10.3)],
              "female": [(2020, 12.0), (2024, 10.0)], "male": [(2020, 14.0), (2024, 10.6)]}
    with warnings.catch_warnings():
        warnings.simplefilter("error")               # "Glyph … missing from font" would raise
        png = series_chart("孕产妇死亡率", points, unit="1/10万", target=("<=", 9, 2025))
    image = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)
    assert image.shape[1] > 600
    red, green, blue = image[..., 0], image[..., 1], image[..., 2]
    female_red = (red > 150) & (green < 90) & (blue < 90)        # #c0392b
    target_orange = (red > 150) & (green > 90) & (green < 150) & (blue < 60)   # #b9770e
    assert female_red.sum() > 100 and target_orange.sum() > 100


def test_chart_without_target_or_points_still_renders():
    png = series_chart("妇女社会保障水平", {"total": []})
    assert Image.open(io.BytesIO(png)).format == "PNG"


def test_axes_tell_the_truth():
    """Shares and counts from zero (a 0.1-point change looks like one); a level such as life
    expectancy keeps a window at least 5 % of its level wide (never 60.0–60.2 for a 0.1
    change); a share or target at 100 % gets room above it, so its marker is not cut in half
    (the 西岗区 mid-term's 养老服务设施达标率 chart cut its 2030 target star at the top)."""
    from tianping.core.axes import MIN_SPAN_SHARE, y_limits
    from tianping.reports.charts import chart_limits

    assert y_limits([60.0, 60.1], "%") == (0.0, y_limits([60.0, 60.1], "%")[1])
    low, top = y_limits([60.0, 60.1], "%")
    assert low == 0 and 60.1 < top <= 100
    assert y_limits([93046, 101482], "人")[0] == 0
    low, top = y_limits([81.0, 81.1], "岁")
    assert top - low >= MIN_SPAN_SHARE * 81.1 and low < 81.0 and top > 81.1
    assert y_limits([97.6, 98.0, 100.0], "%") == (0.0, 100.0)       # the web's axis: 0–100
    low, top = chart_limits([97.6, 98.0, 100.0], "%")
    assert low == 0 and top > 100 and top <= 106
    assert y_limits([2.0, 3.0], "%")[1] == 10.0          # a small share still gets a readable 0–10 axis
