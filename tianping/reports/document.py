"""A small document model shared by the report builders and the renderers.

Builders (annual.py, evaluation.py) produce a ``Report``; renderers (docx.py,
pdf.py, html.py) turn it into a file. Every piece of generated text keeps the
``Fact`` records it states, so a test (or a reviewer) can check each number in
the output against the stored value it describes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Union


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
    style: str = "body"            # body | lead | note | placeholder
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


Block = Union[Heading, Paragraph, Table, Chart, PageBreak]


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


NUMBER = re.compile(r"\d+(?:\.\d+)?")


def numbers_in(text: str) -> list[str]:
    """Every number written in ``text`` as printed ("96.2", "2024", "33")."""
    return NUMBER.findall(text)
