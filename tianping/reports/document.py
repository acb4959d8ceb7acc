"""A small document model shared by the report builders and the renderers.

Builders (annual.py, evaluation.py) produce a ``Report``; renderers (docx.py,
pdf.py, html.py) turn it into a file. Every piece of generated text keeps the
``Fact`` records it states, so a test (or a reviewer) can check each number in
the output against the stored value it describes.
"""

from __future__ import annotations

import base64
import re
from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class Fact:
    """One number a sentence states, and where it comes from.

    ``source`` names the record: "result" (a row of the assessment results),
    "count" (a tally over results), "plan", "warning" or "report".
    ``field`` is the column or quantity ("latest_value", "change", "target",
    "attained", ...). ``shown`` is the text printed, ``value`` the stored value.
    """

    source: str
    field: str
    value: float
    shown: str
    indicator: str = ""
    series: str = ""
    milestone: int | None = None
    area: str = ""
    row: object = None             # index of the results row stated about
    members: tuple = ()            # a count or rate: the index of each results row counted
    out_of: tuple = ()             # a rate: the rows it is a share of


@dataclass
class Paragraph:
    text: str
    facts: list[Fact] = field(default_factory=list)
    style: str = "body"            # body | lead | note | warning | signature | placeholder
    editable: bool = False         # a part the office is expected to rewrite


@dataclass
class Heading:
    text: str
    level: int = 1                 # 0 title, 1 一、, 2 （一）
    facts: list[Fact] = field(default_factory=list)


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]]
    caption: str = ""
    facts: list[Fact] = field(default_factory=list)
    widths: list[float] | None = None   # relative column widths


@dataclass
class Chart:
    png: bytes
    caption: str
    facts: list[Fact] = field(default_factory=list)
    width_cm: float = 15.0


@dataclass
class PageBreak:
    pass


Block = Heading | Paragraph | Table | Chart | PageBreak


@dataclass
class Report:
    title: str
    subtitle: str = ""
    kind: str = "annual"           # annual | midterm | final
    region: str = ""
    year: int | None = None
    blocks: list[Block] = field(default_factory=list)
    title_facts: list[Fact] = field(default_factory=list)
    synthetic: bool = False        # demo data: the renderers label it so
    completeness: dict | None = None   # context.Completeness.to_dict(): what the data lack

    def add(self, block: Block) -> Block:
        self.blocks.append(block)
        return block

    def facts(self) -> list[Fact]:
        found = list(self.title_facts)
        for block in self.blocks:
            found.extend(getattr(block, "facts", []))
        return found

    def texts(self) -> list[str]:
        """All visible text, in order (what a reader sees, less chart pixels)."""
        out = [self.title, self.subtitle]
        for block in self.blocks:
            if isinstance(block, (Heading, Paragraph)):
                out.append(block.text)
            elif isinstance(block, Table):
                out.append(block.caption)
                out.extend(block.header)
                for row in block.rows:
                    out.extend(row)
            elif isinstance(block, Chart):
                out.append(block.caption)
        return [t for t in out if t]


BLOCK_TYPES = {cls.__name__: cls for cls in (Heading, Paragraph, Table, Chart, PageBreak)}


CAPTION_NUMBER = re.compile(r"^(表|图)\d*\s*")


def number_captions(report: Report) -> Report:
    """Tables 表1, 表2 … and charts 图1, 图2 … in reading order (an appendix table 附表
    keeps its name), so the text can point at them and none is left unnumbered."""
    counters = {"表": 0, "图": 0}
    for block in report.blocks:
        if isinstance(block, Table) and block.caption and not block.caption.startswith("附表"):
            kind = "表"
        elif isinstance(block, Chart) and block.caption:
            kind = "图"
        else:
            continue
        counters[kind] += 1
        n = counters[kind]
        block.caption = f"{kind}{n}  " + CAPTION_NUMBER.sub("", block.caption)
        block.facts = [f for f in block.facts if f.field != "table_number"]
        block.facts.insert(0, Fact(source="report", field="table_number", value=float(n), shown=str(n)))
    return report


def report_to_dict(report: Report) -> dict:
    """A JSON-ready snapshot of the drafted content and its facts (charts as base64 PNG), so a
    published report can be stored with its figures and rendered again, identically, later."""
    def block_dict(block):
        data = {"type": type(block).__name__, **{k: v for k, v in vars(block).items() if k != "facts"}}
        if isinstance(block, Chart):
            data["png"] = base64.b64encode(block.png).decode("ascii")
        data["facts"] = [fact_dict(f) for f in getattr(block, "facts", [])]
        return data

    head = {k: v for k, v in vars(report).items() if k not in ("blocks", "title_facts")}
    return {**head, "title_facts": [fact_dict(f) for f in report.title_facts],
            "blocks": [block_dict(b) for b in report.blocks]}


def report_from_dict(data: dict) -> Report:
    def block(item):
        item = dict(item)
        cls = BLOCK_TYPES[item.pop("type")]
        if cls is Chart:
            item["png"] = base64.b64decode(item["png"])
        if cls is PageBreak:
            return PageBreak()
        item["facts"] = [fact_from_dict(f) for f in item.get("facts", [])]
        return cls(**item)

    data = dict(data)
    blocks = [block(b) for b in data.pop("blocks")]
    title_facts = [fact_from_dict(f) for f in data.pop("title_facts")]
    return Report(**data, blocks=blocks, title_facts=title_facts)


def fact_dict(fact: Fact) -> dict:
    data = asdict(fact)
    data["members"], data["out_of"] = [_plain(m) for m in fact.members], [_plain(m) for m in fact.out_of]
    data["row"] = _plain(fact.row)
    return data


def fact_from_dict(data: dict) -> Fact:
    return Fact(**{**data, "members": tuple(data["members"]), "out_of": tuple(data["out_of"])})


def _plain(value):
    """numpy integers (pandas index labels) as plain int for JSON."""
    return value.item() if hasattr(value, "item") else value


def title_parts(title: str, longest: int = 20) -> list[str]:
    """A long title in two lines, broken after the plan's name: "…（2021—2030年）" / "2024年统计监测报告"."""
    cut = title.rfind("）") + 1
    if len(title) <= longest or not 0 < cut < len(title):
        return [title]
    return [title[:cut], title[cut:]]


NUMBER = re.compile(r"\d+(?:\.\d+)?")


RATE_BASE = re.compile(r"(?:(?<=\d)|(?<![\d.])1)/10万")    # "15/10万", "1/10万": the 10 is the unit's


def numbers_in(text: str) -> list[str]:
    """Every number written in ``text`` as printed ("96.2", "2024", "33"); the base of a rate
    unit ("/10万") is part of the unit, not a number."""
    return NUMBER.findall(RATE_BASE.sub("/万", text))
