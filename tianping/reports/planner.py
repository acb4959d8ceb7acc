"""A small sentence planner: how a section says many indicators without sounding like a machine.

Rules (each answers a defect seen in generated reports):

* indicators with the same verdict are said in one sentence ("A（96.2%）、B（0/10万）等2项
  指标已达到2030年目标"), not one sentence each; related indicators (one goal of the plan)
  are joined in one sentence in the annual report;
* a count is always made from the list it counts, so "N项" lists exactly N names
  (``Listing``); the Fact of the count remembers the rows;
* the territory ("全区") is named once per section, never glued to an indicator name
  that already names it ("区人大代表…", "我区…");
* openings vary ("从监测数据看，", "同时，", "此外，") instead of repeating "2024年，全区";
* the overall judgement follows the data ("持续优化" only when more indicators improved
  than worsened).

The words live in templates/wording.json (keys ``openings``, ``group_*``), so the office
can change them without touching code.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from tianping.reports.document import Fact, Paragraph
from tianping.reports.facts import count_fact, result_fact, target_part, value_part
from tianping.reports.phrases import wording
from tianping.reports.results import present
from tianping.reports.verdicts import Verdict

# An indicator name that already says where it is: never put "全区" in front of it.
TERRITORY_START = ("全区", "全县", "全市", "全省", "全国", "我区", "我县", "我市", "区", "县", "市", "省")


def needs_place(name: str) -> bool:
    return not name.startswith(TERRITORY_START)


def with_place(place: str, name: str) -> str:
    """"全区" + name unless the name already names the territory ("区人大代表…" stays as is)."""
    return f"{place}{name}" if place and needs_place(name) else name


class Openings:
    """The first sentence starts plainly; the next ones cycle through the office's openings
    ("同时，", "此外，"…) so consecutive sentences start differently."""

    def __init__(self, key: str = "openings"):
        self.words = [w for w in wording(key) if w] or [""]
        self.turn = 0

    def next(self) -> str:
        word = "" if self.turn == 0 else self.words[(self.turn - 1) % len(self.words)]
        self.turn += 1
        return word


@dataclass
class Listing:
    """Names said in one list, with the facts their values and the count state."""

    text: str
    count: Fact
    facts: list[Fact] = field(default_factory=list)


def name_with_value(row, *, target: bool = False, year: bool = False) -> tuple[str, list[Fact]]:
    """"孕产妇系统管理率（96.2%）", with ``target``: "（59.2%，目标≥70%）"."""
    name = str(row["indicator"])
    if not present(row["latest_value"]):
        return name, []
    value, facts = value_part(row)
    inside = value
    pooled = row.get("pooled_years")
    if present(pooled) and pooled and present(row.get("pooled_value")):   # a rare event: judged on the pooled rate
        years = result_fact(row, "pooled_years", shown=str(int(pooled)))
        rate, rate_facts = value_part(row, "pooled_value")
        inside = f"近{years.shown}年合计为{rate}"
        facts = [years, *rate_facts]
    if year:
        latest = result_fact(row, "latest_year")
        inside = f"{latest.shown}年为{value}"
        facts = facts + [latest]
    if target:
        stated, target_facts = target_part(row)
        if stated:
            inside += f"，目标{stated}"
            facts = facts + target_facts
    return f"{name}（{inside}）", facts


def listing(rows: pd.DataFrame, field_name: str, area: str = "", *, values: bool = True,
            target: bool = False, year: bool = False, limit: int | None = None) -> Listing:
    """"A（x）、B（y）" and the count of exactly the rows named. With ``limit`` only the
    first ``limit`` are named and the count says so ("其中…") — the caller words it."""
    shown = rows if limit is None else rows.head(limit)
    pieces, facts = [], []
    for _, row in shown.iterrows():
        if values:
            piece, piece_facts = name_with_value(row, target=target, year=year)
        else:
            piece, piece_facts = str(row["indicator"]), []
        pieces.append(piece)
        facts += piece_facts
    return Listing(text="、".join(pieces), count=count_fact(field_name, shown, area), facts=facts)


def group_sentence(rows: pd.DataFrame, verdict: Verdict, area: str = "", *, opening: str = "",
                   target: bool = False) -> Paragraph | None:
    """One sentence for indicators sharing a verdict: "A（x）、B（y）等2项指标已达到2030年目标。"."""
    if rows.empty:
        return None
    names = listing(rows, f"class:{verdict.klass}", area, target=target)
    phrase = verdict.phrase()
    said = [result_fact(rows.iloc[0], "milestone")] if verdict.milestone and str(verdict.milestone) in phrase else []
    if len(rows) == 1:
        text = f"{opening}{names.text}{phrase}。"
        return Paragraph(text, names.facts + said, style="body")
    text = f"{opening}{names.text}等{names.count.shown}项指标{phrase}。"
    return Paragraph(text, [*names.facts, names.count, *said])


def counted_names(rows: pd.DataFrame, field_name: str, area: str = "") -> tuple[str, Fact]:
    """"A、B、C" and a count Fact of exactly those rows (no values)."""
    names = listing(rows, field_name, area, values=False)
    return names.text, names.count


def direction_word(improved: int, worsened: int, same: int = 0) -> str:
    """The overall tone the data allow: never "持续优化" when as many indicators worsened."""
    if improved == 0 and worsened == 0:
        return wording("tone_steady") if same else wording("tone_unknown")
    if worsened == 0 or improved >= 3 * worsened:
        return wording("tone_good")
    if improved > worsened:
        return wording("tone_mixed_good")
    return wording("tone_mixed_bad")
