"""Who a plan belongs to, for whom and for when: region, kind and period.

Read from the title first, then the issuing lines before it ("广东省人民政府关于印发…的
通知", "国发〔2021〕16号", the signature), then the body ("全区", "福州市晋安区"):

- region at any level (省、自治区、直辖市、市、州、盟、地区、区、县、旗; 全国 for the national
  outlines), with its GB/T 2260 code where ``data/regions_gbt2260.csv`` has it. A
  district's code is given only when its city or province is named too: 朝阳区 is in
  Beijing and in Changchun.
- kind: women, children or both (a combined 妇女儿童发展规划);
- period: "（2021—2030年）", "2016-2020年", "十四五" = 2021–2025.

Dates ("2021年12月7日") and document numbers never become part of a region's name.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Literal

__all__ = ["RegionInfo", "find_region", "region_in_name", "lookup_region", "plan_period", "FIVE_YEAR_PERIODS",
           "area_side", "NATIONAL"]

NATIONAL = "全国"
FIVE_YEAR_PERIODS = {"十一五": (2006, 2010), "十二五": (2011, 2015), "十三五": (2016, 2020),
                     "十四五": (2021, 2025), "十五五": (2026, 2030)}

_HAN = "\u4e00-\u9fff"
_PROVINCES_RE = ("(?:北京市|天津市|上海市|重庆市|内蒙古自治区|广西壮族自治区|西藏自治区|宁夏回族自治区|"
                 f"新疆维吾尔自治区|香港特别行政区|澳门特别行政区|[{_HAN}]{{2,3}}省)")
# A city-level name: 广州市, 延边朝鲜族自治州, 锡林郭勒盟, 大兴安岭地区 ("杭州市": 州 followed by 市 is not the end)
_CITY_RE = f"(?:[{_HAN}]{{1,10}}?(?:自治州|州(?![市区县])|盟|地区|市(?![辖区])))"
# A county-level name: 长宁区, 安吉县, 伊金霍洛旗, 浦东新区, 义乌市 (after a city)
_COUNTY_RE = f"(?:[{_HAN}]{{1,10}}?(?:自治县|自治旗|新区|区|县|旗|市))"
# The place words a plan's title starts with, up to the plan's own name.
_CHAIN_RE = re.compile(
    f"^(?P<province>{_PROVINCES_RE})?(?P<city>{_CITY_RE})?(?P<county>{_COUNTY_RE})?"
    f"(?=[“\"《]?(?:十[一二三四五]五|妇女|儿童|未成年|人民政府|政府|妇儿|妇女儿童|委员会|党委|“十|时期|$))")
_NATIONAL_RE = re.compile(r"^(?:中国|中华人民共和国|国家|全国)(?:妇女|儿童|“|$)")
# Words that end with 区/县/市 but are not places: 全区, 城区, 新区 alone, 社区 …
_NOT_PLACE = ("全区", "我区", "本区", "城区", "社区", "各区", "该区", "地区", "辖区", "园区", "山区", "景区", "市区",
              "先行区", "示范区", "县区", "区县", "全县", "全市", "本市", "我市", "各市", "城市", "全省", "本省",
              "城乡区", "自贸区", "开发区", "实验区", "保护区", "街区", "片区", "校区", "小区", "专区", "牧区",
              "灾区", "试验区", "功能区", "集聚区", "老区", "边区", "郊区", "新城区", "主城区")

# A line issuing the plan: "XX人民政府关于印发…的通知", "中共XX委 XX人民政府", a signature line.
_ISSUER_RE = re.compile(f"^(?:中共)?(?P<name>[{_HAN}]{{2,24}}?)(?:人民政府|政府|委员会|党委|妇女儿童工作委员会)")
_DATE_RE = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日")
_DOCNUM_RE = re.compile(r"[〔\[［(（]\d{4}[〕\]］)）]\s*\d+\s*号")


@dataclass
class RegionInfo:
    name: str = ""                 # "长宁区", "广东省", "全国"
    level: str = ""                # "national", "province", "city", "district" ("" when unknown)
    code: str = ""                 # GB/T 2260, where the region table has it
    parents: list[str] = field(default_factory=list)   # named above it, province first ("上海市")

    def __bool__(self) -> bool:
        return bool(self.name)


@dataclass(frozen=True)
class _Row:
    code: str
    name: str
    level: str
    parent: str


@lru_cache(maxsize=1)
def _table() -> dict[str, list[_Row]]:
    path = Path(__file__).parent / "data" / "regions_gbt2260.csv"
    by_name: dict[str, list[_Row]] = {}
    with path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            by_name.setdefault(row["name"], []).append(_Row(row["code"], row["name"], row["level"], row["parent"]))
    return by_name


def _codes_of(names: list[str]) -> set[str]:
    return {row.code for name in names for row in _table().get(name, [])}


def lookup_region(name: str, parents: Sequence[str] = (), evidence: str = "") -> tuple[str, str]:
    """(code, level) of ``name`` in the region table, or ("", "") when it is not there or
    ambiguous. A district needs its city or province among ``parents`` or in ``evidence``."""
    rows = _table().get(name, [])
    if not rows:
        return "", ""
    named_above = _codes_of(list(parents))
    if named_above:
        rows = [row for row in rows if _above(row, named_above)] or rows
    if len(rows) != 1:
        return "", ""
    row = rows[0]
    if row.level == "district" and not _above(row, named_above) and not _parent_in(row, evidence):
        return "", row.level
    return row.code, row.level


def _above(row: _Row, codes: set[str]) -> bool:
    """Whether one of ``codes`` is the row's city or province."""
    return any(code and (row.code[:4] + "00" == code or row.code[:2] + "0000" == code) for code in codes
               if code != row.code)


def _parent_in(row: _Row, text: str) -> bool:
    if not text:
        return False
    for rows in _table().values():
        for other in rows:
            if other.code in (row.code[:4] + "00", row.code[:2] + "0000") and other.code != row.code \
                    and other.name in text:
                return True
    return False


def region_in_name(name: str) -> RegionInfo:
    """The place a plan's or issuer's name starts with: "上海市长宁区妇女发展…" -> 长宁区
    (under 上海市); "中国妇女发展纲要" -> 全国; "" when the name starts with no place."""
    name = _strip_noise(name)
    if _NATIONAL_RE.match(name):
        return RegionInfo(NATIONAL, "national")
    match = _CHAIN_RE.match(name)
    if not match or not match.group(0):
        return RegionInfo()
    parts = [(level, match.group(level)) for level in ("province", "city", "county") if match.group(level)]
    if any(part in _NOT_PLACE or len(part) < 2 for _, part in parts):
        return RegionInfo()
    level, last = parts[-1]
    parents = [part for _, part in parts[:-1]]
    code, table_level = lookup_region(last, parents)
    level = table_level or {"province": "province", "city": "city", "county": "district"}[level]
    if level == "city" and len(parts) == 1 and last in ("北京市", "天津市", "上海市", "重庆市"):
        level = "province"
    return RegionInfo(last, level, code, parents)


def _strip_noise(text: str) -> str:
    """Dates, document numbers, quotes and spaces before a name are not part of it."""
    text = _DATE_RE.sub("", text)
    text = _DOCNUM_RE.sub("", text)
    return re.sub(r"^[\s\d年月日号、，。：:（）()]+", "", text)


def find_region(title: str, head: list[str], body: list[str]) -> RegionInfo:
    """The plan's region: from its title, else from the lines issuing it, else from the
    body (the place the text names most, "福州市晋安区" counting most)."""
    evidence = "\n".join(head[:60] + body[:200])
    for candidate in (title, *_issuing_names(head)):
        region = region_in_name(candidate)
        if region:
            return _with_code(region, evidence)
    return _from_body(body, evidence)


def _with_code(region: RegionInfo, evidence: str) -> RegionInfo:
    if not region.code and region.level != "national":
        code, level = lookup_region(region.name, region.parents, evidence)
        region.code, region.level = code or region.code, level or region.level
    return region


def _issuing_names(head: list[str]) -> list[str]:
    """Names of who issues the plan: "广东省人民政府关于印发…", a signature "XX区人民政府",
    "国务院关于印发中国妇女发展纲要…" (national)."""
    names = []
    for line in head:
        line = _strip_noise(line.strip())
        if line.startswith("国务院"):
            names.append(NATIONAL)
            continue
        if match := _ISSUER_RE.match(line):
            names.append(match.group("name"))
        elif printed := re.search("印发(?:《)?(.{2,30}?)(?:妇女|儿童)", line):
            names.append(printed.group(1) + "妇女")
    return names


_CITY_COUNTY_RE = re.compile(f"(?:市|州|盟)([{_HAN}]{{2,3}}?(?:区|县|旗))")
_COUNTY_BEFORE_RE = re.compile(f"([{_HAN}]{{2}}(?:区|县|旗))(?=妇女|儿童|政府|人民政府|国民经济|妇儿|积极|历来)")


_SELF_WORDS = {"district": ("全区", "我区", "本区", "全县", "我县", "本县", "全旗", "我旗"),
               "city": ("全市", "我市", "本市", "全州", "我州", "全盟"),
               "province": ("全省", "我省", "本省", "全区各族")}
_CITY_BEFORE_RE = re.compile(f"([{_HAN}]{{2,4}}?(?:市|自治州|盟))(?=妇女|儿童|政府|人民政府|国民经济|妇儿|积极|历来|委)")
_PROVINCE_BEFORE_RE = re.compile(f"({_PROVINCES_RE})(?=妇女|儿童|政府|人民政府|国民经济|妇儿|积极|历来|委)")


def _from_body(body: list[str], evidence: str) -> RegionInfo:
    """The region the body names most, at the level the body speaks of itself ("全区" or
    "全市"…); for a county "市…区" counts most, as plans without a title (seeds 000 and
    004) are told apart."""
    text = "\n".join(body)
    level = max(_SELF_WORDS, key=lambda lv: sum(text.count(word) for word in _SELF_WORDS[lv]))
    if level != "district" and sum(text.count(word) for word in _SELF_WORDS[level]) > 0:
        pattern = _CITY_BEFORE_RE if level == "city" else _PROVINCE_BEFORE_RE
        named: dict[str, int] = {}
        for name in pattern.findall(text):
            named[name] = named.get(name, 0) + 1
        if named:
            best = max(named, key=lambda name: named[name])
            code, found_level = lookup_region(best, (), evidence)
            return RegionInfo(best, found_level or level, code)
    counts: dict[str, int] = {}
    for line in body:
        for name in _CITY_COUNTY_RE.findall(line):
            counts[name] = counts.get(name, 0) + 5
        for name in _COUNTY_BEFORE_RE.findall(line):
            counts[name] = counts.get(name, 0) + 1
    names = [name for name in counts if not name.endswith(_NOT_PLACE) and not re.search("[区县市省委]", name[:-1])]
    if not names:
        return RegionInfo()
    best = max(names, key=lambda name: counts[name])   # first named wins a tie
    parent = re.search(f"([{_HAN}]{{2,3}}?(?:市|州|盟)){best}", evidence)
    parents = [parent.group(1)] if parent else []
    code, level = lookup_region(best, parents, evidence)
    return RegionInfo(best, level or "district", code, parents)


# ---------------------------------------------------------------- period

_PERIOD_RE = re.compile(r"(20\d{2}|19\d{2})\s*[—–\-~～至到]{1,2}\s*(20\d{2})\s*年")
_FIVE_YEAR_RE = re.compile("(十[一二三四五]五)")


def plan_period(title: str, head: list[str]) -> tuple[int, int] | None:
    """(start, end) from the title ("（2021—2030年）", "“十四五”"), else from the issuing lines
    and the opening of the body ("规划期为2021—2025年", "妇女发展“十四五”规划"); None if unsaid."""
    if match := _PERIOD_RE.search(title):
        return int(match.group(1)), int(match.group(2))
    if match := _FIVE_YEAR_RE.search(title):
        return FIVE_YEAR_PERIODS[match.group(1)]
    text = "\n".join(head)
    named = re.search(r"(?:妇女|儿童)[^，。；\n]{0,12}(?:规划|纲要)(?:[“\"]?)[（(](\d{4})\s*[—–\-~～至到]{1,2}\s*(\d{4})年[）)]", text)
    if named:
        return int(named.group(1)), int(named.group(2))
    plan_span = re.search(r"(?:规划期|实施期|规划期限|规划时间)[为是：:至自]*\s*(\d{4})\s*[—–\-~～至到]{1,2}\s*(\d{4})年", text)
    if plan_span:
        return int(plan_span.group(1)), int(plan_span.group(2))
    if match := re.search(r"(?:妇女|儿童)(?:发展)?[“\"]?(十[一二三四五]五)[”\"]?(?:时期)?(?:规划|纲要)", text):
        return FIVE_YEAR_PERIODS[match.group(1)]
    if match := re.search(r"[“\"]?(十[一二三四五]五)[”\"]?时期(?:妇女|儿童)", text):
        return FIVE_YEAR_PERIODS[match.group(1)]
    return None


# ---------------------------------------------------------------- kind

_CHILDREN_WORDS = ("儿童", "未成年", "少年", "婴幼儿", "青少年", "孤儿", "留守")
_WOMEN_WORDS = ("妇女", "女性", "巾帼", "母亲", "孕产妇")


def area_side(name: str, text: str = "") -> Literal["women", "children", ""]:
    """"women" or "children" for an area of a combined plan, "" when neither its name nor
    its text says (家庭建设 names neither, its goals usually do)."""
    if any(word in name for word in _CHILDREN_WORDS):
        return "children"
    if any(word in name for word in _WOMEN_WORDS):
        return "women"
    children = sum(text.count(word) for word in _CHILDREN_WORDS)
    women = sum(text.count(word) for word in _WOMEN_WORDS)
    if children > women:
        return "children"
    if women > children:
        return "women"
    return ""
