"""The indicator catalogue: what each indicator of the women's and children's outlines measures.

The catalogue is the hand-edited file ``indicators.toml`` beside this module (see its header for
the fields). ``load_catalogue()`` reads and checks it; ``Catalogue.link(name)`` finds the entry a
plan's indicator name stands for (exact name, alias, or fuzzy with a confidence), and
``link_plan(plan)`` does that for every indicator of a parsed plan, so ``tianping plan parse``
and the plan import carry the link. The web layer copies the entries into its own table, where an
office can add its own; this module never imports Django.
"""

from __future__ import annotations

import difflib
import re
import tomllib
import unicodedata
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

from tianping.core.errors import Location, TianpingError

KINDS = ("share", "rate", "count", "mean", "level")
KIND_LABELS = {"share": "比例", "rate": "率", "count": "计数", "mean": "均值", "level": "水平"}
POPULATIONS = ("women", "girls", "children", "both", "units")
POPULATION_LABELS = {"women": "妇女", "girls": "女童", "children": "儿童（男女）", "both": "男女两性",
                     "units": "机构/单位（不分性别）"}
DISAGGREGATIONS = ("sex", "age", "residence")
DISAGGREGATION_LABELS = {"sex": "性别", "age": "年龄组", "residence": "城乡"}
BOTH_SEXES = ("children", "both")
RULE_OPS = ("<=", "<", ">=", ">", "==")
TARGET_OPS = (">=", "<=", ">", "<", "=", "~", "relative_increase", "relative_decrease")
FUZZY_THRESHOLD = 0.8       # below this a name stays unlinked (the office links it by hand)
CATALOGUE_FILE = "indicators.toml"


class CatalogueError(TianpingError):
    """The catalogue file itself is wrong (named entry, named field)."""


@dataclass(frozen=True)
class NationalTarget:
    year: int
    op: str
    value: float
    document: str
    text: str
    base_year: int | None = None


@dataclass(frozen=True)
class Entry:
    code: str
    name: str
    outline: str
    area: str
    kind: str
    unit: str
    population: str
    direction: str
    lead: str
    aliases: tuple[str, ...] = ()
    definition: str = ""
    multiplier: float | None = None
    numerator: str = ""
    denominator: str = ""
    age_band: str = ""
    disaggregations: tuple[str, ...] = ()
    low: float | None = None
    high: float | None = None
    cooperating: tuple[str, ...] = ()
    source: str = ""
    national: tuple[NationalTarget, ...] = ()
    builtin: bool = True

    @property
    def sex_disaggregated(self) -> bool:
        return "sex" in self.disaggregations

    @property
    def women_only(self) -> bool:
        """Counts only women or girls: never a male cell, series, chart line or sentence."""
        return self.population in ("women", "girls")

    @property
    def departments(self) -> tuple[str, ...]:
        return (self.lead, *self.cooperating)

    def in_range(self, value: float) -> bool:
        return (self.low is None or value >= self.low) and (self.high is None or value <= self.high)

    @property
    def range_label(self) -> str:
        if self.low is None and self.high is None:
            return ""
        low = "" if self.low is None else f"{self.low:g}"
        high = "" if self.high is None else f"{self.high:g}"
        return f"{low}—{high}" if high else f"≥{low}"

    def summary(self) -> dict:
        """The ``catalogue`` object of an indicator in the plan JSON (docs/plan-schema.json)."""
        return {"code": self.code, "name": self.name, "unit": self.unit, "kind": self.kind,
                "population": self.population, "sex_disaggregated": self.sex_disaggregated,
                "disaggregations": list(self.disaggregations), "direction": self.direction,
                "lead": self.lead}

    def to_dict(self) -> dict:
        data = asdict(self)
        data["sex_disaggregated"] = self.sex_disaggregated
        return data


@dataclass(frozen=True)
class Rule:
    """``left op right`` for the same region, year and cell (codes of entries)."""

    code: str
    left: str
    op: str
    right: str
    message: str

    def holds(self, left: float, right: float) -> bool:
        return compare(left, self.op, right)


def compare(left: float, op: str, right: float) -> bool:
    slack = 1e-9 * max(1.0, abs(left), abs(right))
    return {"<=": left <= right + slack, "<": left < right - slack, ">=": left >= right - slack,
            ">": left > right + slack, "==": abs(left - right) <= slack}[op]


@dataclass
class Link:
    """Which entry a plan indicator name stands for, and how sure that is."""

    code: str | None
    method: str              # exact | alias | fuzzy | none
    confidence: float
    entry: Entry | None = None
    suggestion: str | None = None   # the nearest entry of an unlinked name, for the review page

    @property
    def linked(self) -> bool:
        return self.code is not None


@dataclass
class Catalogue:
    entries: list[Entry]
    rules: list[Rule] = field(default_factory=list)
    version: str = ""

    def __post_init__(self):
        self.by_code = {e.code: e for e in self.entries}
        self._keys: dict[str, tuple[Entry, str]] = {}
        for entry in self.entries:
            self._keys.setdefault(name_key(entry.name), (entry, "exact"))
        for entry in self.entries:
            for alias in entry.aliases:
                self._keys.setdefault(name_key(alias), (entry, "alias"))

    def get(self, code: str) -> Entry | None:
        return self.by_code.get(code)

    def __iter__(self):
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)

    def link(self, name: str, kind: str = "") -> Link:
        """Exact name, then alias (also after dropping a local prefix such as 区/我区/各级),
        then the most similar name whose measure word agrees (…率, …比例, …人数), if similar enough."""
        for key in name_keys(name):
            found = self._keys.get(key)
            if found:
                entry, method = found
                confidence = 1.0 if key == name_key(name) else 0.95
                return Link(entry.code, method, confidence, entry)
        return self._fuzzy(name, kind)

    def _fuzzy(self, name: str, kind: str) -> Link:
        key = name_key(name)
        if len(key) < 4:
            return Link(None, "none", 0.0)
        head = measure_word(key)
        best: tuple[float, Entry] | None = None
        for other, (entry, _) in self._keys.items():
            if measure_word(other) != head:
                continue
            score = similarity(key, other)
            if kind and entry.outline == kind:
                score += 0.01      # a tie goes to the plan's own outline
            if best is None or score > best[0]:
                best = (score, entry)
        if best and best[0] >= FUZZY_THRESHOLD:
            return Link(best[1].code, "fuzzy", round(min(best[0], 0.99), 2), best[1])
        return Link(None, "none", round(best[0], 2) if best else 0.0,
                    suggestion=best[1].code if best and best[0] >= 0.55 else None)


# --- names -----------------------------------------------------------------------------

_DASHES = re.compile(r"(?<=\d)\s*[~～\-－—–至]+\s*(?=\d)")
_NOISE = re.compile(r"[\s“”\"'‘’《》「」]")
_UNIT_SUFFIX = re.compile(r"[（(][%‰‱0-9/万人个张名岁年所家元小时项]{1,8}[）)]$")
LOCAL_PREFIXES = ("我区", "全区", "本区", "区、街道", "区级", "区", "各级各类", "各级", "地方各级", "各类",
                  "市", "县", "各镇（街道）", "街道")


def name_key(name: str) -> str:
    """One spelling per name: NFKC, 0～6/0-6 → 0—6, no quotes or spaces, no 的."""
    text = unicodedata.normalize("NFKC", name or "")
    text = text.replace("(", "（").replace(")", "）")
    text = _DASHES.sub("—", text)
    text = _NOISE.sub("", text)
    text = _UNIT_SUFFIX.sub("", text)
    return text.replace("的", "")


def name_keys(name: str) -> list[str]:
    """The name's key, then keys with a local prefix dropped ("区人大代表…" → "人大代表…")."""
    key = name_key(name)
    keys = [key]
    for prefix in LOCAL_PREFIXES:
        if key.startswith(prefix) and len(key) - len(prefix) >= 4:
            keys.append(key[len(prefix):])
    return keys


MEASURE_WORDS = ("死亡率", "发病率", "比例", "比重", "占比", "率", "人数", "数量", "数", "时间", "寿命",
                 "年限", "面积", "标准", "水平")
_SAME_MEASURE = {"比重": "比例", "占比": "比例", "数量": "数", "人数": "数"}


def measure_word(key: str) -> str:
    for word in MEASURE_WORDS:
        if key.endswith(word):
            return _SAME_MEASURE.get(word, word)
    return ""


def similarity(a: str, b: str) -> float:
    """Mean of difflib's ratio and the Dice coefficient of character bigrams."""
    ratio = difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()
    grams_a = {a[i:i + 2] for i in range(len(a) - 1)}
    grams_b = {b[i:i + 2] for i in range(len(b) - 1)}
    dice = 2 * len(grams_a & grams_b) / (len(grams_a) + len(grams_b)) if grams_a and grams_b else 0.0
    return (ratio + dice) / 2


# --- units -------------------------------------------------------------------------------

# Plan units that mean the same measure at another scale: kept as written.
COMPATIBLE_UNITS = {"人": {"万人"}, "元/月": {"元"}, "1/10万活产": {"1/10万"}, "1/10万": {"1/10万活产"}}


RELATIVE_OPS = ("relative_increase", "relative_decrease", "annual_increase", "annual_decrease",
                "annual_relative_increase", "annual_relative_decrease")


def change_unit_only(unit: str, targets) -> bool:
    """Whether the plan's unit is only that of a change ("以2020年为基数下降20%"): every target
    written in it is a relative or annual change, so it says nothing of the level's unit."""
    written = [t for t in targets if (getattr(t, "unit", "") or "") == unit and getattr(t, "value", None) is not None]
    return bool(unit) and bool(written) and all(getattr(t, "op", "") in RELATIVE_OPS for t in written)


def unit_decision(entry: Entry, plan_unit: str, change_only: bool = False) -> tuple[str, str]:
    """(unit to use, Chinese note or ""): the plan's unit unless it is missing or contradicts the
    entry's kind (a death rate in %, a 基本生活养育标准 in %, a share in 个百分点). ``change_only``:
    the plan's unit is that of a relative target's change (see ``change_unit_only``)."""
    from tianping.core.observations import normalize_unit

    given = normalize_unit(plan_unit)
    wanted = normalize_unit(entry.unit)
    if not wanted or given == wanted or given in COMPATIBLE_UNITS.get(wanted, ()):
        return (plan_unit or entry.unit), ""
    if not given:
        return entry.unit, f"规划未写单位，采用指标目录单位“{entry.unit}”"
    if change_only:
        return entry.unit, f"规划的“{plan_unit}”是目标的相对变化幅度，指标本身的单位采用指标目录的“{entry.unit}”"
    return entry.unit, (f"规划单位“{plan_unit}”与指标类型（{KIND_LABELS[entry.kind]}，{entry.unit}）不符，"
                        f"采用指标目录单位“{entry.unit}”")


# --- loading -------------------------------------------------------------------------------

def load_catalogue(path: str | Path | None = None) -> Catalogue:
    """The catalogue file (default: the packaged ``indicators.toml``), checked field by field."""
    if path is None:
        return _packaged()
    return parse_catalogue(Path(path).read_text(encoding="utf-8"), Path(path).name)


@lru_cache(maxsize=1)
def _packaged() -> Catalogue:
    text = resources.files(__package__).joinpath(CATALOGUE_FILE).read_text("utf-8")
    return parse_catalogue(text, CATALOGUE_FILE)


def parse_catalogue(text: str, filename: str = CATALOGUE_FILE) -> Catalogue:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CatalogueError(f"指标目录文件格式错误：{exc}", Location(file=filename)) from None
    entries = [entry_from_dict(block, filename, i) for i, block in enumerate(data.get("indicator", []), 1)]
    seen: dict[str, int] = {}
    for i, entry in enumerate(entries, 1):
        if entry.code in seen:
            raise CatalogueError(f"第{i}个指标的编码“{entry.code}”与第{seen[entry.code]}个重复",
                                 Location(file=filename))
        seen[entry.code] = i
    codes = set(seen)
    rules = []
    for i, block in enumerate(data.get("rule", []), 1):
        rule = Rule(**{k: str(block.get(k, "")) for k in ("code", "left", "op", "right", "message")})
        if rule.op not in RULE_OPS or rule.left not in codes or rule.right not in codes:
            raise CatalogueError(f"第{i}条校验规则（{rule.code}）的运算符或指标编码无效", Location(file=filename))
        rules.append(rule)
    return Catalogue(entries, rules, str(data.get("version", "")))


def entry_from_dict(block: dict, filename: str = CATALOGUE_FILE, number: int = 0) -> Entry:
    """One entry from its fields (the TOML block, or a stored row), with every value checked."""
    code = str(block.get("code", "")).strip()
    where = f"第{number}个指标（{code or '无编码'}）" if number else f"指标“{code}”"

    def bad(message: str):
        return CatalogueError(f"{where}：{message}", Location(file=filename))

    for required in ("code", "name", "kind", "population", "direction"):
        if not str(block.get(required, "")).strip():
            raise bad(f"缺少“{required}”")
    kind, population = block["kind"], block["population"]
    if kind not in KINDS:
        raise bad(f"类型“{kind}”无效，应为 {'、'.join(KINDS)}")
    if population not in POPULATIONS:
        raise bad(f"人群“{population}”无效，应为 {'、'.join(POPULATIONS)}")
    if block["direction"] not in ("up", "down"):
        raise bad("方向应为 up 或 down")
    disaggregations = tuple(block.get("disaggregations", []))
    if any(d not in DISAGGREGATIONS for d in disaggregations):
        raise bad(f"分组只能是 {'、'.join(DISAGGREGATIONS)}")
    if "sex" in disaggregations and population not in BOTH_SEXES:
        raise bad(f"人群为“{POPULATION_LABELS[population]}”，不能按性别分组")
    low, high = _range(block.get("range", []), bad)
    return Entry(
        code=code, name=str(block["name"]).strip(), outline=str(block.get("outline", "")),
        area=str(block.get("area", "")), kind=kind, unit=str(block.get("unit", "")), population=population,
        direction=block["direction"], lead=str(block.get("lead", "")),
        aliases=tuple(str(a) for a in block.get("aliases", [])), definition=str(block.get("definition", "")),
        multiplier=float(block["multiplier"]) if block.get("multiplier") not in (None, "") else None,
        numerator=str(block.get("numerator", "")), denominator=str(block.get("denominator", "")),
        age_band=str(block.get("age_band", "")), disaggregations=disaggregations, low=low, high=high,
        cooperating=tuple(str(c) for c in block.get("cooperating", [])), source=str(block.get("source", "")),
        national=tuple(_national(t, bad) for t in block.get("national", [])),
        builtin=bool(block.get("builtin", True)),
    )


def _range(values, bad) -> tuple[float | None, float | None]:
    values = list(values or [])
    if len(values) > 2 or not all(isinstance(v, (int, float)) for v in values):
        raise bad("范围应为 [下限, 上限] 或 [下限]")
    low = float(values[0]) if values else None
    high = float(values[1]) if len(values) > 1 else None
    if low is not None and high is not None and low > high:
        raise bad(f"范围下限{low:g}大于上限{high:g}")
    return low, high


def _national(block: dict, bad) -> NationalTarget:
    if block.get("op") not in TARGET_OPS or not isinstance(block.get("value"), (int, float)):
        raise bad("国家目标的运算符或数值无效")
    if not str(block.get("document", "")).strip():
        raise bad("国家目标须注明出处文件")
    return NationalTarget(int(block["year"]), block["op"], float(block["value"]), str(block["document"]),
                          str(block.get("text", "")), block.get("base_year"))


# --- plans ------------------------------------------------------------------------------------

def link_plan(plan, catalogue: Catalogue | None = None, fix_targets: bool = False) -> None:
    """Set ``indicator.catalogue`` on every indicator of a parsed plan (core.model.Plan): the entry's
    summary plus how it was linked, the unit to use and why; None when nothing fits. A share's
    target written as a fraction ("1/2以上", read as 0.5 without a unit) is 50 %: the note says so,
    and with ``fix_targets`` (the plan import) the target is stored that way."""
    catalogue = catalogue or load_catalogue()
    for indicator in plan.indicators():
        indicator.catalogue = link_summary(catalogue, indicator.name, indicator.unit, plan.kind,
                                           change_unit_only(indicator.unit, indicator.targets))
        entry = catalogue.get(indicator.catalogue["code"]) if indicator.catalogue else None
        if indicator.catalogue and entry is not None:
            note = fraction_targets(indicator, entry, fix_targets)
            if note:
                indicator.catalogue["unit_note"] = "；".join(filter(None, (indicator.catalogue["unit_note"], note)))


LEVEL_OPS = (">=", "<=", ">", "<", "=", "~", "range")


def fraction_targets(indicator, entry: Entry, fix: bool = True) -> str:
    """Level targets of a share written as a fraction with no unit → percent; the note says so."""
    notes = []
    for target in indicator.targets:
        fraction = "/" in target.text or "分之" in target.text or "半数" in target.text
        if (entry.kind == "share" and target.op in LEVEL_OPS and not target.unit and target.value is not None
                and 0 < target.value <= 1 and fraction):
            notes.append(f"目标“{target.text}”即{target.value * 100:g}%")
            if not fix:
                continue
            target.value = round(target.value * 100, 6)
            target.upper = round(target.upper * 100, 6) if target.upper is not None else None
            target.unit = "%"
    return "；".join(notes)


def link_summary(catalogue: Catalogue, name: str, unit: str, kind: str = "", change_only: bool = False) -> dict | None:
    link = catalogue.link(name, kind)
    if not link.linked or link.entry is None:
        return None
    unit_used, unit_note = unit_decision(link.entry, unit, change_only)
    return {**link.entry.summary(), "method": link.method, "confidence": link.confidence,
            "unit_used": unit_used, "unit_note": unit_note}
