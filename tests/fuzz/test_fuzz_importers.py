"""Bounded fuzzing (hypothesis) of the plan parser and the CSV/Excel importers: any input
either parses or is refused with a TianpingError (a Chinese message) — never another
exception. TIANPING_FUZZ_EXAMPLES sets the examples per target (default 40 in CI; run
e.g. 5000 by hand). An input that crashes is written to tests/fuzz/regressions/ (name:
target-sha1), and test_regressions replays every file there, so a crash found once stays
a test after it is fixed."""

from __future__ import annotations

import hashlib
import io
import os
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tianping.core.errors import TianpingError

EXAMPLES = int(os.environ.get("TIANPING_FUZZ_EXAMPLES", "40"))
REGRESSIONS = Path(__file__).parent / "regressions"
FUZZ = settings(max_examples=EXAMPLES, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# Fragments from real plans, so the fuzzer reaches deep into the grammar, not only its front door.
FRAGMENTS = ["一、妇女与健康", "（一）", "主要目标：", "策略措施：", "1.", "孕产妇死亡率", "下降到", "控制在", "以下",
             "达到", "以上", "％", "%", "‰", "1/10万", "逐步提高", "2025年", "2030年", "在2020年基础上提高10%",
             "女性", "男性", "城乡", "。", "；", "，", "\n", "\t", "—", "(", ")", "9.5", "95", "0", "-1", "∞",
             "第一章", "附件", "监测评估", "\u3000", "\x00", "\ufeff", "一是", "二是", "不低于", "保持在"]
TEXT = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=12)), max_size=80).map("".join)


def _keep(target: str, data: bytes) -> None:
    REGRESSIONS.mkdir(exist_ok=True)
    (REGRESSIONS / f"{target}-{hashlib.sha1(data).hexdigest()[:12]}").write_bytes(data)


def _plan(data: bytes) -> None:
    from tianping.core.parser import parse_plan_text

    try:
        parse_plan_text(data.decode("utf-8", "replace"), "fuzz.txt")
    except TianpingError:
        pass


def _csv(data: bytes, tmp: Path) -> None:
    from tianping.core.observations import load_observations

    path = tmp / "fuzz.csv"
    path.write_bytes(data)
    try:
        load_observations(path, indicators={"孕产妇死亡率": "1/10万", "妇女就业人员比例": "%"})
    except TianpingError:
        pass


def _xlsx(data: bytes, tmp: Path) -> None:
    from tianping.core.observations import load_observations
    from tianping.core.workbook import read_template

    path = tmp / "fuzz.xlsx"
    path.write_bytes(data)
    try:
        load_observations(path)
    except TianpingError:
        pass
    try:
        read_template(data, "fuzz.xlsx")
    except TianpingError:
        pass


TARGETS = {"plan": lambda data, tmp: _plan(data), "csv": _csv, "xlsx": _xlsx}


def _run(target: str, data: bytes, tmp: Path) -> None:
    try:
        TARGETS[target](data, tmp)
    except Exception:
        _keep(target, data)
        raise


@FUZZ
@given(text=TEXT)
def test_fuzz_plan_parser(text, tmp_path_factory):
    _run("plan", text.encode("utf-8", "surrogatepass"), tmp_path_factory.mktemp("p"))


CELL = st.one_of(st.sampled_from(["孕产妇死亡率", "妇女就业人员比例", "2024", "2019", "12.5", "—", "**", "", "女",
                                  "男", "合计", "城镇", "１２.５", "abc", "=1+1", "1e309", "-0", "nan"]),
                 st.text(max_size=8), st.integers(-10**6, 10**6).map(str), st.floats(allow_nan=True).map(str))
ROWS = st.lists(st.lists(CELL, min_size=1, max_size=8), max_size=12)


@FUZZ
@given(header=st.permutations(["指标", "年份", "数值", "单位", "性别", "地区", "备注", "城乡"]), rows=ROWS,
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]), sep=st.sampled_from([",", "\t", ";"]))
def test_fuzz_csv_importer(header, rows, encoding, sep, tmp_path_factory):
    lines = [sep.join(header[:6])] + [sep.join(r) for r in rows]
    data = "\n".join(lines).encode(encoding, "replace")
    _run("csv", data, tmp_path_factory.mktemp("c"))


@FUZZ
@given(header=st.permutations(["指标", "年份", "数值", "单位", "性别", "地区"]), rows=ROWS,
       merge=st.booleans(), flip=st.lists(st.integers(0, 5000), max_size=3))
def test_fuzz_excel_importers(header, rows, merge, flip, tmp_path_factory):
    import openpyxl
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    book = openpyxl.Workbook()
    ws = book.active
    ws.append(list(header))
    for r in rows:
        ws.append([ILLEGAL_CHARACTERS_RE.sub("", c) for c in r])  # what Excel itself could store
    if merge and rows:
        ws.merge_cells(start_row=2, start_column=1, end_row=2 + min(2, len(rows) - 1), end_column=1)
    out = io.BytesIO()
    book.save(out)
    data = bytearray(out.getvalue())
    for pos in flip:  # a few flipped bytes: a broken package
        if pos < len(data):
            data[pos] ^= 0xFF
    _run("xlsx", bytes(data), tmp_path_factory.mktemp("x"))


def test_regressions(tmp_path):
    """Every input that once crashed a reader is replayed (and must now pass)."""
    files = sorted(p for p in REGRESSIONS.glob("*-*") if p.is_file())
    for path in files:
        _run(path.name.split("-")[0], path.read_bytes(), tmp_path)
