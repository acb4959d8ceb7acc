"""Text normalisation for plan documents, run by every reader before parsing.

``normalize_text(raw)`` gives one canonical form so the structure parser and the
target grammar see a single spelling of each thing:

* numbers, letters and the symbols used in numbers and units are ASCII
  (``１０／１０ 万`` -> ``10/10万``, ``９５ ％`` -> ``95%``, ``＜7`` -> ``<7``);
* Chinese punctuation is full-width and Chinese (``(一)`` -> ``（一）``,
  ``策略措施:`` -> ``策略措施：``);
* spaces inside Chinese text, numbers and units are removed (``到 2025 年`` ->
  ``到2025年``); spaces between two ASCII words stay;
* Chinese numbers in target phrases become Arabic (``百分之九十六`` -> ``96%``,
  ``十万分之八`` -> ``8/10万``, ``千分之三`` -> ``3‰``, ``三成以上`` ->
  ``30%以上``, ``达到一半以上`` -> ``50%以上``); other words are left alone;
* traditional characters become simplified, character by character, only for
  characters that are never simplified text themselves (``乾``, ``著`` stay);
* Word debris (``[bookmark: _Toc123]``, zero-width spaces, BOM, control
  characters) and page-number lines (``— 5 —``) are removed;
* sentences broken across lines (hard-wrapped seed 004, PDFs, parts of 002) are
  rejoined: a line that does not end a sentence, is not a heading or title, and
  is followed by a line that does not start a numbered item is joined to it;
  blank lines go.

One paragraph per line is kept, because the structure parser and every
``SourceRef`` count lines of the normalised text. Table cells laid out one per
line keep a single leading tab (``"\\t82.72"``; an empty cell is ``"\\t"``) so
the structure parser can tell them from paragraphs.

``1/2`` is deliberately left as it is: the reference results read it as 0.5.
The function is idempotent and never raises on any ``str``.
"""

from __future__ import annotations

import re
from functools import lru_cache

from tianping.core.figures import number

__all__ = [
    "normalize_text",
    "normalize_line",
    "normalize_numbers",
    "to_simplified",
    "chinese_to_number",
    "join_wrapped_lines",
]

CJK = r"\u3400-\u9fff\uf900-\ufaff"
CJK_PUNCT = "（）：；，。、“”‘’《》！？【】—…·"
_CJK_RE = re.compile(f"[{CJK}]")

# ---------------------------------------------------------------- full width

_FULLWIDTH = {chr(c): chr(c - 0xFEE0) for c in range(ord("０"), ord("９") + 1)}
_FULLWIDTH.update({chr(c): chr(c - 0xFEE0) for c in range(ord("Ａ"), ord("Ｚ") + 1)})
_FULLWIDTH.update({chr(c): chr(c - 0xFEE0) for c in range(ord("ａ"), ord("ｚ") + 1)})
_FULLWIDTH.update({
    "％": "%", "／": "/", "～": "~", "＋": "+", "＜": "<", "＞": ">", "＝": "=",
    "﹪": "%", "﹤": "<", "﹥": ">", "\u3000": " ", "\xa0": " ", "\u2002": " ",
    "\u2003": " ", "\u2009": " ", "\u200b": "", "\u200c": "", "\u200d": "",
    "\ufeff": "", "\u00ad": "",
    "≦": "≤", "≧": "≥", "﹕": "：", "︰": "：",
})
# Control characters are debris (other line breaks became \n before this table runs).
_FULLWIDTH.update({chr(c): "" for c in [*range(0x00, 0x09), *range(0x0B, 0x20), 0x7F, 0x85]})


def _char_class(chars) -> re.Pattern:
    """A regex matching any of ``chars`` (all in the BMP, so ``re`` uses a fast bitmap)."""
    return re.compile("[" + "".join(re.escape(c) for c in sorted(chars)) + "]")


_FULLWIDTH_RE = _char_class(_FULLWIDTH)


def _replace_chars(text: str, mapping: dict[str, str], pattern: re.Pattern) -> str:
    """``str.translate`` for a big table and few hits, many times faster on Chinese text."""
    return pattern.sub(lambda m: mapping[m.group()], text)


# ------------------------------------------------------------ traditional

# Characters zhconv maps to another character that are *also* ordinary
# simplified characters (乾坤, 余, 瞭望 …): converting them would corrupt
# simplified text, so only the clearly traditional ones of these are kept.
_AMBIGUOUS_KEEP = set("兒後幾滿陳車雲於奧羣")


_ASTRAL_RE = re.compile("[\U00010000-\U0010FFFF]")


@lru_cache(maxsize=1)
def _traditional_table() -> tuple[dict[str, str], re.Pattern, re.Pattern]:
    from zhconv import zhconv

    mapping = zhconv.getdict("zh-hans")
    singles = {k: v for k, v in mapping.items() if len(k) == 1 and len(v) == 1 and k != v}
    simplified_outputs = {ch for v in mapping.values() for ch in v}
    table = {k: v for k, v in singles.items() if k not in simplified_outputs or k in _AMBIGUOUS_KEEP}
    basic = _char_class(k for k in table if ord(k) <= 0xFFFF)
    astral = re.compile("|".join(re.escape(k) for k in table if ord(k) > 0xFFFF) or "(?!)")
    return table, basic, astral


def to_simplified(text: str) -> str:
    """Traditional -> simplified, character by character, never touching simplified text."""
    table, basic, astral = _traditional_table()
    text = _replace_chars(text, table, basic)
    if _ASTRAL_RE.search(text):           # rare characters outside the BMP: a slower pattern
        text = _replace_chars(text, table, astral)
    return text


# ---------------------------------------------------------- inline cleanup

# "[bookmark: _Toc16525]" may be cut by a line break where a PDF wrapped it; Word field
# codes shown as text ("PAGEREF _Toc123 \\h", "HYPERLINK \\l \"_Toc123\"") are debris too.
_DEBRIS_RE = re.compile(
    r"\[\s*(?:bookmark|anchor|comment|hyperlink|footnote|endnote|image)\s*:[^\]\[]{0,80}?\]"
    r"|\b(?:PAGEREF|HYPERLINK)(?:\s+\\[lho])?\s+\"?_(?:Toc|Hlk|Ref|GoBack)\w*\"?(?:\s+\\[hp])*", re.I)
# A line that is only a page number ("— 5 —", "-12-", "第3页", "第3页 共20页") is page furniture.
_PAGE_NUMBER_RE = re.compile(r"^(?:[-—–－]*\s*\d{1,3}\s*[-—–－]*|第\s*\d{1,3}\s*页(?:\s*[,，/]?\s*共\s*\d{1,3}\s*页)?)$")
_SPACES_RE = re.compile(r"[ \t]+")
_NUMBER_SYMBOLS = set("%/.~<>=+")
_AND_RE = re.compile(f"(?<=[{CJK}、）”]) *\\band\\b *(?=[{CJK}“（0-9])")
_DOT_IN_NUMBER_RE = re.compile(r"[．。](?<=\d[．。])(?=\d)")
_ITEM_DOT_RE = re.compile(r"^(\d{1,2})[．](?!\d)", re.M)
_PAREN_RE = re.compile(r"\(([^()\n]{0,60})\)")
_QUOTE_RE = re.compile(r'"([^"\n]{1,80})"')
_CJK_COLON_RE = re.compile(f":(?<=[{CJK}）]:)(?!\\d)")
_CJK_PUNCT_RE = re.compile(f"([;,?!])(?<=[{CJK}][;,?!])")
_HALF_TO_CJK_PUNCT = {";": "；", ",": "，", "?": "？", "!": "！"}
_NUMERAL_CONTENT_RE = re.compile(r"^[0-9一二三四五六七八九十]{1,3}$")


def _line_prefix(match: re.Match) -> str:
    """The text of the match's line before the match."""
    text, start = match.string, match.start()
    return text[text.rfind("\n", 0, start) + 1:start]


def _remove_space(match: re.Match) -> str:
    """Chinese text and numbers with units have no spaces; ASCII prose keeps one."""
    text, start, end = match.string, match.start(), match.end()
    before = text[start - 1] if start else "\n"
    if before == "\n":
        return match.group(0)   # a table cell's leading tab
    after = text[end] if end < len(text) else ""
    if after == "\n":
        after = ""
    if before == "." and after.isdigit() and re.fullmatch(r"\d{1,2}\.", _line_prefix(match)):
        return " "              # "5. 3岁以下儿童": item 5, not the number 5.3
    if not before or not after or not before.isascii() or not after.isascii():
        return ""
    if (before.isdigit() and after in _NUMBER_SYMBOLS) or (before in _NUMBER_SYMBOLS and after.isdigit()):
        return ""               # "95 %", "10 /10", ">= 80"
    return " "


def _paren(match: re.Match) -> str:
    content = match.group(1)
    before = match.string[match.start() - 1] if match.start() > 0 else "\n"
    chinese_context = bool(_CJK_RE.search(content)) or bool(_CJK_RE.match(before))
    if chinese_context or _NUMERAL_CONTENT_RE.match(content) or before == "\n":
        return f"（{content}）"
    return match.group(0)


def _quote(match: re.Match) -> str:
    content = match.group(1)
    return f"“{content}”" if _CJK_RE.search(content) else match.group(0)


def normalize_line(line: str) -> str:
    """Normalise one line (no line joining): widths, debris, spaces, punctuation, traditional, numbers."""
    return _tidy_text(_prepare(" ".join(line.splitlines())).strip())


def _prepare(text: str) -> str:
    """Character-level fixes: widths, control characters, Word debris, traditional characters."""
    text = _replace_chars(text, _FULLWIDTH, _FULLWIDTH_RE)
    if "[" in text or "_" in text:
        text = _DEBRIS_RE.sub("", text)
    return to_simplified(text)


def _tidy_text(text: str) -> str:
    """Spaces, punctuation and numbers; works on one line or many (stripped) lines.

    Each step can open a context for another ("妇女 :" -> "妇女:" -> "妇女："):
    repeat until nothing changes, which makes normalising idempotent.
    """
    for _ in range(4):
        tidied = _tidy(text)
        if tidied == text:
            break
        text = tidied
    return text


def _tidy(text: str) -> str:
    text = normalize_numbers(text)
    if "and" in text:
        text = _AND_RE.sub("和", text)
    text = _SPACES_RE.sub(_remove_space, text)
    text = _DOT_IN_NUMBER_RE.sub(".", text)
    text = _ITEM_DOT_RE.sub(r"\1.", text)
    text = _PAREN_RE.sub(_paren, text)
    text = _QUOTE_RE.sub(_quote, text)
    text = _CJK_COLON_RE.sub("：", text)
    return _CJK_PUNCT_RE.sub(lambda m: _HALF_TO_CJK_PUNCT[m.group(1)], text)


# ---------------------------------------------------------- Chinese numbers

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
           "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000}
NUMERAL = "零〇一二两三四五六七八九十百千"


def chinese_to_number(text: str) -> float | None:
    """``九十六`` -> 96, ``百`` -> 100, ``九十五点五`` -> 95.5, ``96`` -> 96; None if not a number."""
    if re.fullmatch(r"\d+(?:\.\d+)?", text):
        return float(text)
    whole, _, frac = text.partition("点")
    if not whole or any(ch not in _DIGITS and ch not in _UNITS for ch in whole):
        return None
    if frac and any(ch not in _DIGITS for ch in frac):
        return None
    total: float = 0
    digit: int | None = None
    for ch in whole:
        if ch in "零〇" and total:      # 一千零五: a place holder
            continue
        if ch in _DIGITS:
            if digit is not None:       # "一二" is not a number
                return None
            digit = _DIGITS[ch]
        else:
            total += (1 if digit is None else digit) * _UNITS[ch]
            digit = None
    total += digit or 0
    if frac:
        total += float("0." + "".join(str(_DIGITS[ch]) for ch in frac))
    return float(total)



_NUM = f"(\\d+(?:\\.\\d+)?|[{NUMERAL}]+(?:点[{NUMERAL}]+)?)"
# 百分之九十六 / 千分之三 / 十万分之八 / 万分之五
_FRACTION_RE = re.compile(f"(十万|万|千|百)分之{_NUM}")
# 三成以上 always; 达到三成。 only after a target verb (三成员, 九成新 stay).
_TARGET_VERBS = ("达到", "达", "超过", "占", "约", "近", "逾", "为", "至", "到", "于",
                 "不低于", "不少于", "保持", "稳定")
_SHARE_END = set("，。；、）\n")
# 三成以上 / 一半以上 always; 达到三成。 only after a target verb (三成员, 九成新, 另一半 stay).
# The patterns start with the literal so the regex engine can skip ahead fast;
# the context is checked in ``_share``.
_CHENG_RE = re.compile("([一二三四五六七八九])成(以上|以下|左右)?")
_HALF_RE = re.compile("一半(以上|以下|左右)?")
_NOT_BEFORE_HALF = set("另其这那多大小前后上下" + NUMERAL)


def _after_item_marker(match: re.Match) -> str:
    """A space when the new number would follow "1." and read as "1.100%"."""
    return " " if re.fullmatch(r"\d{1,2}\.", _line_prefix(match)) else ""


def _fraction(match: re.Match) -> str:
    value = chinese_to_number(match.group(2))
    if value is None:
        return match.group(0)
    scale = match.group(1)
    unit = {"百": "%", "千": "‰", "十万": "/10万", "万": "/万"}[scale]
    return f"{_after_item_marker(match)}{number(value)}{unit}"


def _share(match: re.Match, percent: int) -> str:
    """30% for 三成 / 50% for 一半 when the context makes it a share target."""
    text, start, end = match.string, match.start(), match.end()
    before = text[start - 1] if start else "\n"
    after = text[end] if end < len(text) else "\n"
    qualified = match.group(match.re.groups)        # 以上 / 以下 / 左右
    if qualified and before not in _NOT_BEFORE_HALF:
        return f"{_after_item_marker(match)}{percent}%{qualified}"
    if not qualified and after in _SHARE_END and text[max(0, start - 3):start].endswith(_TARGET_VERBS):
        return f"{percent}%"
    return match.group(0)


def _cheng(match: re.Match) -> str:
    return _share(match, _DIGITS[match.group(1)] * 10)


def _half(match: re.Match) -> str:
    return _share(match, 50)


def normalize_numbers(text: str) -> str:
    """Chinese numbers in target phrases -> Arabic with unit; other words stay as written."""
    if "分之" in text:
        text = _FRACTION_RE.sub(_fraction, text)
    if "成" in text:
        text = _CHENG_RE.sub(_cheng, text)
    if "一半" in text:
        text = _HALF_RE.sub(_half, text)
    return text


# ---------------------------------------------------------- wrapped lines

_SENTENCE_END = tuple("。！？；：…”）」』") + (":", ";", "!", "?")
_ITEM_START_RE = re.compile(
    r"^(?:\d{1,2}[.、](?!\d)|（[一二三四五六七八九十\d]{1,3}）|[一二三四五六七八九十]{1,3}、"
    r"|第[一二三四五六七八九十]+[章节部分条]|附件|附表|表\d|\t)"
)
_HEADING_WORDS = ("前言", "序言", "主要目标", "策略措施", "目录", "附件", "附表")
_TITLE_RE = re.compile(r"(?:规划|纲要|方案)(?:（\d{4}\D{1,2}\d{4}年）)?$")
_PERIOD_LINE_RE = re.compile(r"^（\d{4}\D{1,2}\d{4}年）$")


def _is_heading(line: str) -> bool:
    if line in _HEADING_WORDS or line.startswith("\t"):
        return True
    short = len(line) <= 40 and not re.search("[，。；]", line)
    return short and bool(_ITEM_START_RE.match(line) or _TITLE_RE.search(line))


def join_wrapped_lines(lines: list[str]) -> list[str]:
    """Rejoin paragraphs broken mid-sentence (hard-wrapped text, PDFs, seeds 002 and 004).

    A line is joined to the next when it does not end a sentence, is not a
    heading or title, and the next line does not start a numbered item or
    heading. A title is joined to its period line ("……规划" + "（2021—2030年）").
    The decision looks at the already joined line, so joining twice changes nothing.
    """
    return [line for line, _ in _join(lines)]


def _join(lines: list[str]) -> list[tuple[str, bool]]:
    """join_wrapped_lines, telling which output lines were made by joining."""
    out: list[list] = []
    for line in lines:
        if out and _continues(out[-1][0], line):
            out[-1][0] += line
            out[-1][1] = True
        else:
            out.append([line, False])
    return [(line, joined) for line, joined in out]


# Lines of a notice issuing the plan that stand alone: a date ("2021年12月7日"), a document
# number ("国发〔2021〕16号"); joined to the title they would make "7日长宁区妇女发展规划".
_STANDALONE_END_RE = re.compile(r"(?:\d{4}年\d{1,2}月\d{1,2}日|[〔\[［]\d{4}[〕\]］]\d{1,4}号)$")
_DATE_LINE_RE = re.compile(r"^\d{4}年\d{1,2}月\d{1,2}日$")


def _continues(previous: str, line: str) -> bool:
    if _DATE_LINE_RE.match(line) or _STANDALONE_END_RE.search(previous):
        return False
    if _PERIOD_LINE_RE.match(line):
        return bool(_TITLE_RE.search(previous)) and not _PERIOD_LINE_RE.search(previous[-12:])
    return not (
        previous.endswith(_SENTENCE_END)
        or _is_heading(previous)
        or _ITEM_START_RE.match(line)
        or line in _HEADING_WORDS
    )


# ------------------------------------------------------------------ whole

def normalize_text(raw: str) -> str:
    """The canonical form of a whole plan document (see the module docstring)."""
    text = _prepare("\n".join(raw.splitlines()))      # \r\n, \r, \f, \v, \u2028 … all end a line
    lines = [_strip_keeping_cell(line) for line in text.split("\n")]
    lines = _tidy_text("\n".join(line for line in lines if line and not _is_page_number(line))).split("\n")
    joined = _join([line for line in lines if line])
    # a joint can make a new context ("比例达到" + "95 %"): tidy the joined lines again,
    # all in one text (tidying never adds or removes a line break)
    again = iter(_tidy_text("\n".join(line for line, was_joined in joined if was_joined)).split("\n"))
    return "\n".join(next(again) if was_joined else line for line, was_joined in joined)


def _is_page_number(line: str) -> bool:
    return not line.startswith("\t") and bool(_PAGE_NUMBER_RE.match(line))


def _strip_keeping_cell(line: str) -> str:
    """Strip a line, keeping the single leading tab that marks a table cell."""
    return "\t" + line.strip() if line.startswith("\t") else line.strip()
