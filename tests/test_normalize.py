"""normalize_text on real seeds and on the phrases the seeds contain."""

import collections
import re

import pytest

from tests.conftest import SEEDS
from tianping.core.normalize import (
    chinese_to_number,
    join_wrapped_lines,
    normalize_numbers,
    normalize_text,
    to_simplified,
)


def seed(prefix: str) -> str:
    path = next(p for p in SEEDS if p.name.startswith(prefix))
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def normalised() -> dict[str, str]:
    return {p.name[:3]: normalize_text(p.read_text(encoding="utf-8")) for p in SEEDS}


# ------------------------------------------------------------ widths, spaces

@pytest.mark.parametrize("raw, expected", [
    ("孕产妇死亡率控制在 10／10 万左右", "孕产妇死亡率控制在10/10万左右"),
    ("达到 95 %以上", "达到95%以上"),
    ("到 2025 年", "到2025年"),
    ("１２岁儿童龋患率控制在２５％以内", "12岁儿童龋患率控制在25%以内"),
    ("孕产妇死亡率＜7", "孕产妇死亡率<7"),
    ("比例达到９５．５％", "比例达到95.5%"),
    ("0～6岁", "0~6岁"),
    ("前 言", "前言"),
    ("推动妇女与经济社会同步协调发 展。", "推动妇女与经济社会同步协调发展。"),
])
def test_numbers_units_and_spaces(raw, expected):
    assert normalize_text(raw) == expected


@pytest.mark.parametrize("raw, expected", [
    ("5. 3 岁以下儿童系统管理率", "5. 3岁以下儿童系统管理率"),     # item 5, not 5.3
    ("10. 0-6 个月婴儿纯母乳喂养率", "10. 0-6个月婴儿纯母乳喂养率"),
    ("1.百分之九十以上的社区", "1. 90%以上的社区"),
    ("5. 坚持鼓励儿童参与。", "5.坚持鼓励儿童参与。"),
])
def test_item_number_never_runs_into_a_number(raw, expected):
    assert normalize_text(raw) == expected


def test_spaces_between_ascii_words_stay():
    assert normalize_text("推广 Windows 10 系统") == "推广Windows 10系统"


@pytest.mark.parametrize("raw, expected", [
    ("(一)坚持党的全面领导。", "（一）坚持党的全面领导。"),
    ("(1)孕产妇死亡率", "（1）孕产妇死亡率"),
    ("(2021—2030年)", "（2021—2030年）"),
    ("策略措施:", "策略措施："),
    ("贯彻新发展理念,坚持问题导向", "贯彻新发展理念，坚持问题导向"),
    ('推进"健康奉化"建设', "推进“健康奉化”建设"),
    ("增强监护责任意识 and 能力。", "增强监护责任意识和能力。"),
    ("1．坚持党的全面领导", "1.坚持党的全面领导"),
])
def test_chinese_punctuation_is_canonical(raw, expected):
    assert normalize_text(raw) == expected


def test_chinese_punctuation_already_canonical_is_kept():
    line = "（一）妇女与健康：孕产妇死亡率；“两癌”筛查，宫颈癌、乳腺癌。"
    assert normalize_text(line) == line


def test_ascii_text_keeps_ascii_punctuation():
    assert normalize_text("see (HPV) at 12:30, ok") == "see (HPV) at 12:30, ok"


# ----------------------------------------------------------- Chinese numbers

@pytest.mark.parametrize("raw, expected", [
    ("住院分娩率达到百分之九十六以上", "住院分娩率达到96%以上"),
    ("孕产妇死亡率控制在十万分之八以下", "孕产妇死亡率控制在8/10万以下"),
    ("婴儿死亡率控制在千分之三以下", "婴儿死亡率控制在3‰以下"),
    ("女性比例达到三成以上", "女性比例达到30%以上"),
    ("女性比例占四成。", "女性比例占40%。"),
    ("力争一半以上的领导班子配备女干部", "力争50%以上的领导班子配备女干部"),
    ("女性比例达到一半", "女性比例达到50%"),
    ("覆盖率达到百分之百", "覆盖率达到100%"),
    ("覆盖率达到百分之九十五点五", "覆盖率达到95.5%"),
])
def test_chinese_numbers_in_targets(raw, expected):
    assert normalize_text(raw) == expected


@pytest.mark.parametrize("text", [
    "统一零售价",
    "三成员国",
    "九成新的设备",
    "支持妇女发挥“半边天”作用",
    "照顾好另一半",
    "一半儿童",
    "保证1/2以上的领导班子配备女干部",   # the reference results read 1/2 as 0.5
    "第一成员单位",
    "百分点",
    "十万分之",
])
def test_words_that_only_look_like_numbers_stay(text):
    assert normalize_text(text) == text


@pytest.mark.parametrize("text, value", [
    ("九十六", 96), ("百", 100), ("一百", 100), ("十", 10), ("十五", 15),
    ("二十", 20), ("三", 3), ("九十五点五", 95.5), ("96", 96), ("一千零五", 1005),
])
def test_chinese_to_number(text, value):
    assert chinese_to_number(text) == value


@pytest.mark.parametrize("text", ["", "点", "一二", "成员", "百分"])
def test_chinese_to_number_rejects_non_numbers(text):
    assert chinese_to_number(text) is None


def test_normalize_numbers_alone_leaves_widths():
    assert normalize_numbers("达到百分之九十，１０／１０ 万") == "达到90%，１０／１０ 万"


# ------------------------------------------------------------- traditional

def test_traditional_characters_in_seed_002_become_simplified(normalised):
    raw = seed("002")
    assert "學" in raw and "監" in raw
    assert "中小学生国家学生体质健康标准" in normalised["002"]
    assert not re.search("[學監護權兒為]", normalised["002"])


def test_simplified_text_is_never_rewritten():
    text = "著名显著乾坤余下瞭望干部后来于是"
    assert to_simplified(text) == text


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_seed_characters_change_only_where_expected(prefix, normalised):
    """Every character lost by normalising is whitespace, debris, a width or a known form."""
    raw = re.sub(r"\[bookmark:[^\]]*\]", "", seed(prefix))
    before = collections.Counter(c for c in raw if not c.isspace())
    after = collections.Counter(c for c in normalised[prefix] if not c.isspace())
    lost = before - after
    allowed = set("()：:,;“\"＜／％and一半") | set(to_simplified_targets(raw))
    assert set(lost) <= allowed, f"unexpected characters changed: {dict(lost)}"
    gained = after - before
    converted = {to_simplified(c) for c in to_simplified_targets(raw)}
    assert set(gained) <= set("（）：，；“”</%0123456789和") | converted


def to_simplified_targets(text: str) -> str:
    return "".join(c for c in set(text) if to_simplified(c) != c)


# ------------------------------------------------------------ debris, lines

def test_word_bookmarks_removed(normalised):
    assert "[bookmark" in seed("003")
    assert "[bookmark" not in normalised["003"]
    assert "一、指导思想、基本原则和总体目标" in normalised["003"].splitlines()


def test_table_cells_keep_a_leading_tab_and_empty_cells(normalised):
    lines = normalised["003"].splitlines()
    start = lines.index("\t主要统计指标")
    assert lines[start:start + 4] == ["\t主要统计指标", "\t2020年预期", "\t2025年目标", "\t数据来源"]
    row2 = lines.index("\t孕产妇死亡率（1/10万）")
    assert lines[row2 - 1:row2 + 4] == ["\t2", "\t孕产妇死亡率（1/10万）", "\t0/10万", "\t<7", "\t"]


def test_seed_004_hard_wrapped_lines_are_rejoined(normalised):
    lines = normalised["004"].splitlines()
    assert "2.孕产妇死亡率控制在10/10万左右，城乡、区域差距缩小。" in lines
    assert ("3.妇女的宫颈癌和乳腺癌防治意识明显提高。全面推进13-14周岁半女性人乳头瘤病毒疫苗接种工作，"
            "适龄妇女宫颈癌人群筛查率达到70%以上，乳腺癌人群筛查率逐步提高，农村适龄妇女宫颈癌和乳腺癌"
            "筛查覆盖率达到90%以上。宫颈癌、乳腺癌综合防治能力不断增强。") in lines
    # headings stay lines of their own
    for heading in ["前言", "（一）指导思想", "（一）妇女与健康", "主要目标：", "策略措施："]:
        assert heading in lines
    assert "" not in lines


def test_seed_002_broken_sentences_are_rejoined(normalised):
    lines = normalised["002"].splitlines()
    assert lines[0] == "西岗区妇女发展规划（2021—2030年）"
    assert any(l.endswith("生育保险中女性参保人数逐年增加。全区妇女健康水平不断提高，受教育程度显著提升，"
                          "参与经济建设和决策管理的情况持续向好，社会保障力度不断加强，生存发展环境不断优化，"
                          "合法权益得到进一步保障，妇女的整体素质和综合竞争力进一步增强，"
                          "在社会生活和家庭生活中的独特作用进一步彰显，妇女发展和妇女事业取得长足进步。")
               for l in lines)
    assert "西岗区儿童发展规划（2021—2030年）" in lines


def test_unwrapped_seeds_keep_their_paragraph_lines(normalised):
    for prefix in ["000", "001"]:
        raw_paragraphs = [l for l in seed(prefix).splitlines() if l.strip()]
        assert len(normalised[prefix].splitlines()) == len(raw_paragraphs)


def test_join_leaves_short_documents_alone():
    lines = ["（一）指导思想", "高举中国特色社会主义伟大旗帜"]
    assert join_wrapped_lines(lines) == lines


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_idempotent_on_seeds(prefix, normalised):
    assert normalize_text(normalised[prefix]) == normalised[prefix]


def test_line_endings_and_bom():
    assert normalize_text("\ufeff前言\r\n\r\n正文。\r") == "前言\n正文。"


def test_empty_text():
    assert normalize_text("") == ""
    assert normalize_text("\n \n\u3000\n") == ""


def test_traditional_characters_outside_the_bmp():
    assert to_simplified("妇女𠁞") == "妇女𠀾"


def test_page_numbers_between_wrapped_lines_are_dropped():
    raw = seed("004").split("\n")
    index = raw.index("2.孕产妇死亡率控制在 10／10 万左右，城乡、区域差距缩")
    raw[index + 1:index + 1] = ["", "— 7 —", "", "第 7 页"]
    lines = normalize_text("\n".join(raw)).splitlines()
    assert "2.孕产妇死亡率控制在10/10万左右，城乡、区域差距缩小。" in lines
    assert not any(re.fullmatch(r"[—\s\d第页]+", line) for line in lines)


def test_a_lone_number_in_a_table_cell_is_kept():
    assert normalize_text("\t7\n\t孕产妇死亡率") == "\t7\n\t孕产妇死亡率"
