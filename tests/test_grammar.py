"""Target grammar on sentences and table cells taken from the seed plans.

Every sentence below is checked to occur in its seed (after the light spacing
clean-up below), so the tests follow the real documents rather than made-up text.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tianping.core.grammar import extract_indicators, parse_target_phrase, parse_target_phrases

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
if not SEEDS.exists():
    SEEDS = Path("/work/shared/seeds")


def seed_text(prefix: str) -> str:
    path = next(SEEDS.glob(prefix + "_*.txt"))
    return path.read_text(encoding="utf-8")


def squeeze(text: str) -> str:
    """Spacing clean-up only (the real normaliser does much more): "到 2025 年" -> "到2025年"."""
    text = text.replace("／", "/").replace("％", "%")
    text = re.sub(r"(?<=[\d%‰/年万])[ \u3000]+|[ \u3000]+(?=[\d%‰/年万])", "", text)
    return re.sub(r"\n(?!\n)", "", text)


def from_seed(prefix: str, sentence: str) -> str:
    assert squeeze(sentence) in squeeze(seed_text(prefix)), f"not in seed {prefix}: {sentence}"
    return squeeze(sentence)


def numeric(indicators):
    return sorted((i.name, t.year, t.op, t.value, t.unit)
                  for i in indicators for t in i.targets if t.kind == "numeric")


# --- table cells (seed 003, 表1) --------------------------------------------

@pytest.mark.parametrize("cell, name, op, value, unit", [
    ("＜7", "孕产妇死亡率（1/10万）", "<", 7, "1/10万"),
    (">80", "婚前医学检查率（%）", ">", 80, "%"),
    ("≥94.3", "妇女国民体质合格率（%）", ">=", 94.3, "%"),
    ("99.99", "女童学前三年入园率（%）", "=", 99.99, "%"),
])
def test_table_cell_numeric(cell, name, op, value, unit):
    seed = seed_text("003")
    assert cell in seed and name in seed
    t = parse_target_phrase(cell, year=2025, indicator_name=name)
    assert (t.year, t.op, t.value, t.unit, t.kind) == (2025, op, value, unit, "numeric")


@pytest.mark.parametrize("cell, op", [("相适应", "qualitative"), ("应保尽保", "qualitative"),
                                      ("高质量落实", "qualitative"), ("应援尽援", "qualitative")])
def test_table_cell_qualitative(cell, op):
    assert cell in seed_text("003")
    t = parse_target_phrase(cell, year=2025)
    assert (t.op, t.kind, t.value) == (op, "qualitative", None)


@pytest.mark.parametrize("cell", ["**", "", "  ", "区卫健局"])
def test_table_cell_without_target(cell):
    assert parse_target_phrase(cell, year=2025) is None


def test_table_cell_with_two_targets():
    cell = "换届后当年达到100%，平时保持在85%以上"
    assert cell in seed_text("003")
    targets = parse_target_phrases(cell, year=2025)
    assert [(t.op, t.value) for t in targets] == [("=", 100), (">=", 85)]


def test_directional_cell():
    t = parse_target_phrase("逐步提高", year=2025)
    assert (t.op, t.kind) == ("increase", "directional")
