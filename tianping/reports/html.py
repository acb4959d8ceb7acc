"""Render a Report as one self-contained HTML file: inline CSS, charts as data URIs,
every piece of text escaped."""

from __future__ import annotations

import base64
import io
from html import escape
from pathlib import Path

from tianping.reports.document import (
    Chart,
    Heading,
    PageBreak,
    Paragraph,
    Report,
    Table,
)

CSS = """
body{font-family:"FangSong","仿宋_GB2312","STFangsong","Noto Serif CJK SC","Noto Serif SC",serif;
 max-width:46em;margin:2em auto;padding:0 1em;line-height:1.8;color:#111;font-size:16px}
h1{font-family:"SimSun","宋体","Noto Serif CJK SC",serif;text-align:center;font-size:1.6em}
h2,h3{font-family:"SimHei","黑体","Noto Sans CJK SC","Noto Sans SC",sans-serif;font-weight:normal}
h2{font-size:1.25em}h3{font-size:1.1em}
p{text-indent:2em;margin:.3em 0;text-align:justify}
p.subtitle{text-align:center;text-indent:0}
p.note{font-size:.85em;color:#555;text-indent:0}
p.placeholder{color:#666;border-left:3px solid #ccc;padding-left:.6em}
p.warning{color:#962020;font-weight:bold}
p.signature{text-align:right;text-indent:0}
table{border-collapse:collapse;margin:.6em auto 1.2em;font-size:.85em;width:100%}
th,td{border:1px solid #888;padding:.25em .45em;text-align:center}
th{background:#e4eaf2;font-family:"SimHei","黑体","Noto Sans CJK SC",sans-serif;font-weight:normal}
td:first-child{text-align:left}
caption,figcaption{font-family:"SimHei","黑体","Noto Sans CJK SC",sans-serif;text-align:center;margin:.3em}
figure{margin:1em 0;text-align:center}figure img{max-width:100%}
.page-break{page-break-after:always}
"""


def render_html(report: Report, out: Path | str | io.BytesIO) -> None:
    parts = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(report.title)}</title><style>{CSS}</style></head><body>",
        f"<h1>{escape(report.title)}</h1>",
    ]
    if report.subtitle:
        parts.append(f'<p class="subtitle">{escape(report.subtitle)}</p>')
    parts.extend(block_html(block) for block in report.blocks)
    parts.append("</body></html>")
    data = "\n".join(parts).encode("utf-8")
    if isinstance(out, io.BytesIO):
        out.write(data)
    else:
        Path(out).write_bytes(data)


def block_html(block) -> str:
    if isinstance(block, Heading):
        tag = "h1" if block.level == 0 else f"h{min(block.level, 2) + 1}"
        return f"<{tag}>{escape(block.text)}</{tag}>"
    if isinstance(block, Paragraph):
        editable = ' data-editable="true"' if block.editable else ""    # for the web editor
        return f'<p class="{escape(block.style)}"{editable}>{escape(block.text)}</p>'
    if isinstance(block, Table):
        head = "".join(f"<th>{escape(h)}</th>" for h in block.header)
        rows = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>"
                       for row in block.rows)
        caption = f"<caption>{escape(block.caption)}</caption>" if block.caption else ""
        return f"<table>{caption}<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"
    if isinstance(block, Chart):
        data = base64.b64encode(block.png).decode("ascii")
        alt = escape(block.caption, quote=True)
        return (f'<figure><img src="data:image/png;base64,{data}" alt="{alt}">'
                f"<figcaption>{escape(block.caption)}</figcaption></figure>")
    if isinstance(block, PageBreak):
        return '<div class="page-break"></div>'
    raise TypeError(f"unknown block {block!r}")
