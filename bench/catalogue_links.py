"""How well the six seed plans' numeric-target indicators link to the catalogue.

Parses every seed plan, links each indicator with a numeric target (first occurrence per plan)
by ``tianping.core.catalogue``, and compares with the hand-checked links in
``tests/data/catalogue_links.csv``. Prints the share linked right automatically, the share with
a unit (the plan's, or the catalogue's where the plan has none or a contradicting one), how many
units the catalogue corrected, and each wrong or missing link.

    .venv/bin/python bench/catalogue_links.py [--seeds ../shared/seeds]
"""

from __future__ import annotations

import argparse
import csv
import time
from pathlib import Path

from tianping.core.catalogue import link_summary, load_catalogue
from tianping.core.readers import parse_document

REPO = Path(__file__).resolve().parents[1]
TRUTH = REPO / "tests" / "data" / "catalogue_links.csv"


def load_truth(path: Path = TRUTH) -> dict[tuple[str, str, str], str]:
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    return {(r["seed"], r["plan"], r["indicator"]): r["code"] for r in csv.DictReader(lines)}


def numeric_indicators(seeds: Path):
    """(seed prefix, plan kind, indicator) for each first occurrence of a numeric-target name."""
    for path in sorted(seeds.glob("*.txt")):
        for plan in parse_document(path):
            seen = set()
            for indicator in plan.indicators():
                if indicator.name in seen or not any(t.kind == "numeric" for t in indicator.targets):
                    continue
                seen.add(indicator.name)
                yield path.name[:3], plan.kind, indicator


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=Path, default=REPO.parent / "shared" / "seeds")
    args = parser.parse_args()
    truth = load_truth()
    catalogue = load_catalogue()
    rows = list(numeric_indicators(args.seeds))
    link_summary(catalogue, "孕产妇死亡率", "", "women")   # warm up: first use imports the unit helpers
    started = time.perf_counter()
    right = known = with_unit = plan_unit = corrected = 0
    problems = []
    for seed, kind, indicator in rows:
        link = link_summary(catalogue, indicator.name, indicator.unit, kind)
        plan_unit += bool(indicator.unit)
        unit = link["unit_used"] if link else indicator.unit
        with_unit += bool(unit)
        corrected += bool(link and link["unit_note"])
        expected = truth.get((seed, kind, indicator.name))
        if expected is None:
            problems.append(f"  不在核对表中：{seed} {kind} {indicator.name} → {link['code'] if link else '未关联'}")
            continue
        known += 1
        if link and link["code"] == expected:
            right += 1
        else:
            problems.append(f"  关联错误：{seed} {kind} {indicator.name} → {link['code'] if link else '未关联'}"
                            f"（应为 {expected}）")
    elapsed = time.perf_counter() - started
    total = len(rows)
    print(f"seed numeric-target indicators: {total} (in the hand-checked list: {known})")
    print(f"linked right automatically: {right}/{known} = {right / max(known, 1):.1%}")
    print(f"with a unit: {with_unit}/{total} = {with_unit / max(total, 1):.1%} "
          f"(plan's own unit: {plan_unit}/{total} = {plan_unit / max(total, 1):.1%}; "
          f"catalogue supplied or corrected {corrected})")
    print(f"catalogue: {len(catalogue)} entries, {sum(1 for e in catalogue if e.national)} with national targets")
    print(f"linking time: {elapsed * 1000:.1f} ms for {total} names")
    for line in problems:
        print(line)


if __name__ == "__main__":
    main()
