"""Where the CJK font files come from.

The PDF and the charts need real font files. The OFL Noto Sans SC / Noto Serif SC
ship with the ``pylopdf-fonts-zh-cn`` wheel, so a plain ``pip install`` suffices;
Debian's fonts-noto-cjk is the fallback. Both are CFF-outline OpenType, which
matplotlib and fpdf2 read (reportlab does not).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

SYSTEM_FALLBACKS = {
    "serif": [
        "/usr/share/fonts/opentype/noto/NotoSerifCJKsc-Regular.otf",
        "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    ],
    "sans": [
        "/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf",
        "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    ],
}


class FontNotFound(RuntimeError):
    pass


@lru_cache(maxsize=2)
def cjk_font(style: str = "serif") -> Path:
    """Path of a Simplified Chinese font file, ``style`` "serif" (宋体-like) or "sans" (黑体-like)."""
    try:
        import pylopdf_fonts_zh_cn as packaged
        path = packaged.serif_path() if style == "serif" else packaged.sans_path()
        if path.exists():
            return path
    except ImportError:
        pass
    for candidate in SYSTEM_FALLBACKS[style]:
        if Path(candidate).exists():
            return Path(candidate)
    raise FontNotFound(
        "找不到中文字体文件：请安装 Python 包 pylopdf-fonts-zh-cn，或系统软件包 fonts-noto-cjk。"
    )
