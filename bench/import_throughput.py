"""Throughput of the Excel importer on a generated 10,000-row HTE list (issue 4).

    .venv/bin/python bench/import_throughput.py                      # SQLite (in memory)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tongliao_bench .venv/bin/python bench/import_throughput.py

It builds a throw-away test database (``test_<name>``, or in memory for SQLite) so the
development database is never touched, generates a list as published (merged title row,
text dates in the four spellings, half-width brackets, unit names), and times:

1. preview: read and validate every row (nothing written);
2. commit: validate again and create every enterprise and certificate, with their audit
   entries and the import record, in one transaction;
3. commit of the same file again: validate, every row unchanged;
4. commit of a later list for the same enterprises: matched by credit code, new certificates.

The target is ≥ 2,000 rows/s including validation.
"""

import argparse
import io
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tongliao_portal.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret")
os.environ.setdefault("DEBUG", "false")

import django

django.setup()

import openpyxl  # noqa: E402
from django.db import connection  # noqa: E402
from stdnum.cn import uscc  # noqa: E402

from imports.importer import ImportOptions, import_commit, import_preview  # noqa: E402
from units.models import County  # noqa: E402

SPELLINGS = ("{y}年{m}月{d}日", "{y}-{m:02d}-{d:02d}", "{y}.{m:02d}.{d:02d}", "{y}/{m}/{d}")


def hte_list(rows: int, county_names: list[str], year: int = 2023) -> bytes:
    book = openpyxl.Workbook(write_only=False)
    sheet = book.active
    sheet.title = "名单"
    sheet.append([f"内蒙古自治区{year}年认定的高新技术企业名单"])
    sheet.merge_cells("A1:F1")
    sheet.append(["序号", "企业名称", "统一社会信用代码", "证书编号", "发证日期", "所在地区"])
    for n in range(1, rows + 1):
        body = f"91150502MA{n:07d}"
        day = 1 + n % 28
        sheet.append(
            [
                n,
                f"通辽基准(测试){n}科技有限公司",
                body + uscc.calc_check_digit(body),
                f"GR{year}150{n:05d}",
                SPELLINGS[n % 4].format(y=year, m=11, d=day),
                county_names[n % len(county_names)],
            ]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def timed(label: str, rows: int, call):
    started = time.perf_counter()
    result = call()
    seconds = time.perf_counter() - started
    print(f"{label:<46} {seconds:7.2f} s  {rows / seconds:8.0f} rows/s")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    rows = parser.parse_args().rows
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        names = list(County.objects.values_list("name", flat=True))
        content = hte_list(rows, names)
        print(f"{rows} rows, {len(content) / 1e6:.1f} MB, database: {connection.vendor}")
        options = ImportOptions(kind="hte")
        arguments = {"user": None, "content": content, "file_name": "bench.xlsx", "options": options}
        preview = timed("preview (read + validate)", rows, lambda: import_preview(**arguments))
        assert not preview.has_errors and preview.counts["create"] == rows, preview.summary()
        first = timed("commit, all new (validate + write + audit)", rows, lambda: import_commit(**arguments))
        assert first.record is not None and first.counts["create"] == rows, first.summary()
        again = timed("commit again, all unchanged", rows, lambda: import_commit(**arguments))
        assert again.counts["unchanged"] == rows, again.summary()
        arguments["content"] = hte_list(rows, names, year=2026)
        known = timed("commit, enterprises known, certificates new", rows, lambda: import_commit(**arguments))
        assert known.counts["create"] == rows and known.record.options["enterprises_created"] == 0, known.summary()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
