"""Where the CJK font files come from.

The PDF and the charts need real font files. The OFL Noto Sans SC / Noto Serif SC
ship with the ``pylopdf-fonts-zh-cn`` wheel, so a plain ``pip install`` suffices;
Debian's fonts-noto-cjk is the fallback (a collection: the SC face is picked). Both
are CFF-outline OpenType, which matplotlib and fpdf2 read (reportlab does not).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

# (file, face index in a collection) by style; in Debian's .ttc files face 2 is "… CJK SC".
SYSTEM_FALLBACKS = {
    "serif": [("/usr/share/fonts/opentype/noto/NotoSerifCJKsc-Regular.otf", 0),
              ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", 2)],
    "sans": [("/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf", 0),
             ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2)],
}


class FontNotFound(RuntimeError):
    pass


@dataclass(frozen=True)
class FontFile:
    path: Path
    index: int = 0          # face number inside a .ttc collection


@lru_cache(maxsize=2)
def cjk_font_file(style: str = "serif") -> FontFile:
    """A Simplified Chinese font, ``style`` "serif" (宋体-like) or "sans" (黑体-like)."""
    try:
        import pylopdf_fonts_zh_cn as packaged
        path = packaged.serif_path() if style == "serif" else packaged.sans_path()
        if path.exists():
            return FontFile(path)
    except ImportError:
        pass
    for candidate, index in SYSTEM_FALLBACKS[style]:
        if Path(candidate).exists():
            return FontFile(Path(candidate), index)
    raise FontNotFound(
        "找不到中文字体文件：请安装 Python 包 pylopdf-fonts-zh-cn，或系统软件包 fonts-noto-cjk。"
    )


def cjk_font(style: str = "serif") -> Path:
    return cjk_font_file(style).path
