"""Counts in Chinese numerals ("建设两处") and count ranges ("每年接受1-2项培训") in measure
text are targets; articles ("建立一个…体系"), "两个全覆盖" and sizes of what is counted are not."""

from __future__ import annotations

import pytest

from tianping.core.grammar import extract_indicators
from tianping.core.grammar.clauses import arabic_counts
from tianping.core.normalize import normalize_text


def targets(text: str):
    return [(ind.name, t.op, t.value, t.upper, t.unit)
            for ind in extract_indicators(normalize_text(text), end_year=2030, directional=False)
            for t in ind.targets]


@pytest.mark.parametrize("text, expected", [
    ("探索具备条件的公办养老机构改革，建设两处1000平方米以上公建民营形式的大型综合养老服务中心。",
     [("建设大型综合养老服务中心数量", "=", 2.0, None, "处")]),           # 1000 m² is the size, not a target
    ("新建三所公办幼儿园，建成两个妇女儿童活动中心。",
     [("新建公办幼儿园数量", "=", 3.0, None, "所"), ("建成妇女儿童活动中心数量", "=", 2.0, None, "个")]),
    ("每个社区配备不少于两名专职社工。", [("每个社区配备专职社工人数", ">=", 2.0, None, "名")]),
    ("每个镇（街道）至少建成一个儿童之家。", [("每个镇（街道）儿童之家数量", ">=", 1.0, None, "个")]),
    ("推动农村女劳动力普遍每年接受1-2项实用新技术培训。",
     [("农村女劳动力普遍每年接受实用新技术培训数量", "range", 1.0, 2.0, "项")]),
])
def test_counts_and_ranges_in_measures_are_targets(text, expected):
    assert targets(text) == expected


@pytest.mark.parametrize("text", [
    "建立一个覆盖城乡的妇女儿童服务体系。",        # 一个 after a bare verb is an article
    "巩固提升妇女儿童工作，实现“两个全覆盖”的基础上完善机制。",
    "开展两癌筛查，加强两委建设。",
    "0-6个月婴儿家庭获得科学育儿指导。",             # an age range names a population
    "区领导每年走访两个村，召开三次座谈会。",        # counts of actions, not things built
])
def test_no_count_is_invented(text):
    assert [t for t in targets(text) if t[1] != ">=" or t[2] != 100.0] == []


def test_arabic_counts_keep_every_offset():
    for text in ("建设两处1000平方米", "新建二十所幼儿园", "至少建成一个儿童之家", "建设一百二十五所学校"):
        assert len(arabic_counts(text)) == len(text)
    assert arabic_counts("新建二十所幼儿园") == "新建20所幼儿园"
    assert arabic_counts("建设一百二十五所学校") == "建设一百二十五所学校"   # no room: left as written
