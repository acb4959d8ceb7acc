"""Plan parsing speed: for every seed, the median time to parse its .txt, and to read and
parse the same plan written to .docx and to .pdf (the files are generated first by the
test helpers in tests/docgen.py; writing them is not timed).

    .venv/bin/python bench/parse_seeds.py [--runs 7]

The bar (DESIGN.md): well under a second per plan.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from docgen import write_docx, write_pdf  # noqa: E402

from tianping.core.parser import parse_plan_text  # noqa: E402
from tianping.core.readers import parse_document, read_document  # noqa: E402


def median_seconds(action, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--runs", type=int, default=7)
    options.add_argument("--seeds", type=Path, default=REPO.parent / "shared" / "seeds")
    args = options.parse_args()
    seeds = sorted(args.seeds.glob("*.txt"))
    print(f"median of {args.runs} runs, seconds")
    columns = ("parse txt", "read docx", "parse docx", "read pdf", "parse pdf")
    print(f"{'seed':<28}{'chars':>8}" + "".join(f"{column:>12}" for column in columns))
    with tempfile.TemporaryDirectory() as tmp:
        for seed in seeds:
            text = read_document(seed)
            docx = write_docx(text, Path(tmp) / f"{seed.stem}.docx")
            pdf = write_pdf(text, Path(tmp) / f"{seed.stem}.pdf")
            row = [
                median_seconds(lambda: parse_plan_text(text, seed.name), args.runs),
                median_seconds(lambda: read_document(docx), args.runs),
                median_seconds(lambda: parse_document(docx), args.runs),
                median_seconds(lambda: read_document(pdf), args.runs),
                median_seconds(lambda: parse_document(pdf), args.runs),
            ]
            print(f"{seed.name:<28}{len(text):>8}" + "".join(f"{value:>12.3f}" for value in row))


if __name__ == "__main__":
    main()
