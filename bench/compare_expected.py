"""Parse seeds 000, 001 and 002 and compare with the hand-checked results in shared/expected/.

Prints per file: goal and measure counts per area (parsed/reference), recall and
precision of numeric targets, directional targets found, and every miss and extra.
Exits 1 when a file is below the bar: numeric recall and precision >= 95 % and
goal and measure counts equal in every area.

    .venv/bin/python bench/compare_expected.py [--shared ../shared] [--quiet]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from tianping.core.grammar.expected import compare_seed, default_shared, format_report

SEEDS = ("000", "001", "002")


def main(argv: list[str] | None = None) -> int:
    args = _args(argv)
    below = []
    for prefix in SEEDS:
        started = time.perf_counter()
        report = compare_seed(args.shared, prefix)
        elapsed = time.perf_counter() - started
        print(format_report(report, details=not args.quiet))
        print(f"解析与比较用时：{elapsed * 1000:.0f} 毫秒\n")
        if not (report.meets_bar and report.structure_equal):
            below.append(report.name)
    if below:
        print("未达标：" + "、".join(below))
        return 1
    print("全部达标。")
    return 0


def _args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=default_shared(),
                        help="the shared folder holding seeds/ and expected/")
    parser.add_argument("--quiet", action="store_true", help="figures only, no lists of misses")
    return parser.parse_args(argv)


if __name__ == "__main__":
    sys.exit(main())
