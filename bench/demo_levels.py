"""Demo levels beside the real national figures: is the synthetic data believable?

For every seed plan, the demo series (as ``tianping demo`` makes them, seed 2030) of each
indicator with a real national series in ``../shared/data`` (NBS monitoring reports): indicator,
catalogue code, unit, demo value in the first and last year, the national level in those years
(the line through the real figures), the latest real figure, the catalogue's plausible range and
how the series was made. Then the problems ``tianping.core.synthetic.national_comparison`` finds
(a value outside the range; a level or a four-year change no district would show); exits 1 if any.

    .venv/bin/python bench/demo_levels.py [--seeds ../shared/seeds] [--seed 2030]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tianping.core.catalogue import link_plan, load_catalogue
from tianping.core.figures import figure, number
from tianping.core.readers import parse_document
from tianping.core.synthetic import demo_observations, national_comparison

REPO = Path(__file__).resolve().parents[1]


def width(text: str) -> int:
    return sum(2 if ord(c) > 0x2E80 else 1 for c in text)


def pad(text: str, n: int) -> str:
    return text + " " * max(n - width(text), 0)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=Path, default=REPO.parent / "shared" / "seeds")
    parser.add_argument("--seed", type=int, default=2030, help="the generator's seed (tianping demo: 2030)")
    args = parser.parse_args()
    catalogue = load_catalogue()
    problems = []
    header = ["规划", "指标", "编码", "单位", "演示首年", "演示末年", "全国（同年）", "全国实际", "合理范围", "生成方式"]
    print(" | ".join(header))
    for path in sorted(args.seeds.glob("*.txt")):
        for plan in parse_document(path):
            link_plan(plan, catalogue, fix_targets=True)
            frame = demo_observations(plan, region=plan.region or "示例区", seed=args.seed)
            rows, found = national_comparison(plan, frame)
            problems += found
            for r in rows:
                print(" | ".join([
                    f"{path.name[:3]}{plan.kind[0]}", pad(r["indicator"][:18], 36), r["code"], pad(r["unit"], 6),
                    f"{r['first_year']} {number(r['first'])}", f"{r['last_year']} {number(r['last'])}",
                    f"{number(r['national_first'], 2)}—{number(r['national_last'], 2)}",
                    f"{r['national_year']} {figure(r['national'], r['unit'])}", r["range"], r["scenario"]]))
    print(f"\nproblems: {len(problems)}")
    for line in problems:
        print("  " + line)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
