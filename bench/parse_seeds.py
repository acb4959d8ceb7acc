"""Plan parsing speed: for every seed, the median time to parse its .txt, and to read and
parse the same plan written to .docx and to .pdf (the files are generated first by the
test helpers in tests/docgen.py; writing them is not timed).

With --converters also the documents read through Debian programs (issue 17): each seed as
an old Word .doc (LibreOffice headless converts it to .docx, then it is parsed), 003 as a
LibreOffice PDF with its ruled table, and a scanned page of 001 read by Tesseract (OCR), with
the wall time per page.

    .venv/bin/python bench/parse_seeds.py [--runs 7] [--converters]

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

from docgen import convert_with_libreoffice, write_docx, write_pdf, write_scanned_pdf  # noqa: E402

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
    options.add_argument("--converters", action="store_true", help="also .doc (LibreOffice) and OCR timings")
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
        if args.converters:
            converters(seeds, Path(tmp), max(1, args.runs // 3))


def wall_seconds(action, runs: int) -> float:
    return statistics.median(wall_and_cpu(action) for _ in range(runs))


def wall_and_cpu(action) -> float:
    """Wall-clock seconds of one run; the CPU seconds of this process and of the programs it
    ran (LibreOffice, Tesseract) are added to CPU_SECONDS, a figure the machine's load
    does not inflate."""
    import resource

    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    own = time.process_time()
    start = time.perf_counter()
    action()
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU_SECONDS.append(time.process_time() - own + after.ru_utime - children.ru_utime
                       + after.ru_stime - children.ru_stime)
    return wall


CPU_SECONDS: list[float] = []


def cpu_note(runs: int) -> str:
    taken, CPU_SECONDS[:] = CPU_SECONDS[-runs:], []
    return f"{statistics.median(taken):.2f}"


def converters(seeds: list[Path], tmp: Path, runs: int) -> None:
    """Wall-clock medians: LibreOffice and Tesseract are separate processes."""
    from tianping.core.readers import read_with_details

    print(f"\nconverters, wall-clock median of {runs} runs, seconds")
    print(f"{'seed':<28}{'parse .doc':>12}{'(CPU)':>8}")
    for seed in seeds:
        docx = write_docx(read_document(seed), tmp / f"{seed.stem}-plain.docx", numbering=False)
        doc = convert_with_libreoffice(docx, "doc", tmp)
        parse = wall_seconds(lambda: parse_document(doc), runs)
        print(f"{seed.name:<28}{parse:>12.2f}{cpu_note(runs):>8}")
    seed_003 = next(seed for seed in seeds if seed.name.startswith("003"))
    pdf = convert_with_libreoffice(write_docx(read_document(seed_003), tmp / "003-table.docx"), "pdf", tmp)
    parse = wall_seconds(lambda: parse_document(pdf), runs)
    print(f"003 as a LibreOffice PDF (ruled 表1): parse {parse:.2f} s (CPU {cpu_note(runs)} s)")
    seed_001 = next(seed for seed in seeds if seed.name.startswith("001"))
    lines = read_document(seed_001).split("\n")
    opening = []
    while sum(map(len, opening)) < 2400:       # about four pages in 16 pt
        opening.append(lines[len(opening)])
    for label, page_lines in (("goals of 妇女与健康", lines[:2] + lines[21:36]), ("opening", opening)):
        scan = write_scanned_pdf("\n".join(page_lines), tmp / f"scan-{len(page_lines)}.pdf")
        found = []
        elapsed = wall_and_cpu(lambda: found.append(read_with_details(scan)))
        reading, cpu = found[0], float(cpu_note(1))
        print(f"OCR of 001 ({label}): {reading.ocr_pages} pages, {elapsed:.1f} s ({elapsed / reading.ocr_pages:.1f} s/page;"
              f" CPU {cpu / reading.ocr_pages:.1f} s/page), mean confidence {reading.ocr_confidence:.1f}%")


if __name__ == "__main__":
    main()
