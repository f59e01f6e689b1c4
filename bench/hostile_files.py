"""Time and peak memory of reading each hostile workbook of issue 13 (and two honest ones).

    .venv/bin/python bench/hostile_files.py                 # the portal's reader
    .venv/bin/python bench/hostile_files.py --openpyxl      # also openpyxl's read-only reader, as before issue 13
    .venv/bin/python bench/hostile_files.py --only xfd      # cases whose name contains "xfd"

Builds every file of ``imports/tests/test_hostile_files.py`` (sparse rows numbered 1e6, 1e8 and
2e9, a column-XFD cell on 20,000 and 200,000 rows, shared-string tables of three million
entries, one 64 MB string, a zip bomb, blank and comment floods, 100,000-deep nesting, a huge
attribute, 12.8 million empty cells, entity tricks), plus an honest list at the row cap
(200,000 rows, six columns) and one at the cell budget. Each file is read in a child forked
from this process after Django is loaded, as a gunicorn worker would hold it; the table gives
the outcome, wall and CPU seconds of the read and the child's peak resident set (wait4). The
bounds: 5 s and 300 MB. No database is used.
"""

import argparse
import io
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tongliao_portal.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret")
os.environ.setdefault("DEBUG", "false")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

from imports.tests import test_hostile_files as hostile  # noqa: E402
from imports.workbook import WorkbookError, workbook_check  # noqa: E402


def honest_list(rows: int) -> bytes:
    """The HTE list as published: header, then ``rows`` rows of six typed-in cells."""

    def body():
        yield hostile.header_row()
        for n in range(2, rows + 2):
            cells = [
                f'<c r="A{n}"><v>{n - 1}</v></c>',
                hostile.inline(f"B{n}", f"通辽基准{n}科技有限公司"),
                hostile.inline(f"C{n}", f"91150502MA{n:07d}X"),
                hostile.inline(f"D{n}", f"GR2023150{n:05d}"),
                hostile.inline(f"E{n}", "2023年11月20日"),
                hostile.inline(f"F{n}", "科尔沁区"),
            ]
            yield f'<row r="{n}">{"".join(cells)}</row>'

    return hostile.package([hostile.sheet(body())])


CASES = {
    **{name: build for name, (build, _refusal) in hostile.HOSTILE.items()},
    "honest-200000-rows-x6": lambda: honest_list(200_000),
    "honest-at-cell-budget": lambda: honest_list(settings.IMPORT_MAX_CELLS // 6 - 1),
}


def openpyxl_read(content: bytes):
    """The reader before issue 13: openpyxl read-only, dimensions reset, every row of every sheet."""
    import openpyxl

    workbook_check(content)
    try:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:
        raise WorkbookError(f"{type(error).__name__}") from error
    try:
        kept = []  # as the old reader kept them: every non-blank row, padded to its last cell
        for worksheet in book.worksheets:
            worksheet.reset_dimensions()
            kept += [cells for cells in worksheet.iter_rows(values_only=True) if any(v is not None for v in cells)]
        return []
    except WorkbookError:
        raise
    except Exception as error:
        raise WorkbookError(f"{type(error).__name__}") from error
    finally:
        book.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--openpyxl", action="store_true", help="also read each file with openpyxl (before issue 13)")
    parser.add_argument("--only", default="", help="only the cases whose name contains this")
    parser.add_argument("--kill-after", type=float, default=30.0, help="seconds before a read is killed")
    args = parser.parse_args()
    arms = [("portal", hostile.read_hte)] + ([("openpyxl", openpyxl_read)] if args.openpyxl else [])
    baseline = int(Path("/proc/self/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1024 / 1024
    print(
        f"IMPORT_MAX_ROWS={settings.IMPORT_MAX_ROWS} IMPORT_MAX_COLUMNS={settings.IMPORT_MAX_COLUMNS} "
        f"IMPORT_MAX_CELLS={settings.IMPORT_MAX_CELLS}; this process (Django loaded) holds {baseline:.0f} MB"
    )
    print(f"bounds: {hostile.MAX_SECONDS:.0f} s CPU, {hostile.MAX_PEAK_MB:.0f} MB peak RSS\n")
    print("| file | size | reader | outcome | wall s | CPU s | peak MB | within |")
    print("|---|---:|---|---|---:|---:|---:|---|")
    for name, build in CASES.items():
        if args.only not in name:
            continue
        content = build()
        for arm, read in arms:
            outcome = hostile.measure_read(content, read, kill_after=args.kill_after)
            detail = outcome.detail if outcome.kind != "read" else f"{outcome.rows} rows, widest {outcome.widest}"
            print(
                f"| {name} | {len(content) / 1024:,.0f} KB | {arm} | {outcome.kind}: {detail[:70]} | "
                f"{outcome.seconds:.2f} | {outcome.cpu_seconds:.2f} | {outcome.peak_mb:.0f} | "
                f"{'yes' if outcome.within_bounds() else '**no**'} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
