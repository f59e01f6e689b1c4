"""Hostile workbooks (issue 13): each is read or refused within 5 s and 300 MB of the worker.

Every read runs in a child forked from the test process (``measure_read``). Its peak resident
set comes from ``os.wait4`` — the rusage of that one child, where ``RUSAGE_CHILDREN`` would
keep the largest child ever waited for — and starts at the parent's own size, as a gunicorn
worker carries Django; tracemalloc would see only Python's allocations and slow the parse it
measures. The time bound is checked on the child's CPU seconds (user + system, from the same
rusage): on this shared two-core machine other test runs stretch wall time two- or threefold,
while CPU time is what the read costs the worker. Wall time is reported beside it. A child
still running after ``KILL_AFTER`` seconds is killed, so a regression fails the test instead
of hanging the suite, and its address space is capped so it fails with MemoryError instead of
taking the machine.

The builders write the zip parts by hand, so a case is exactly the bytes it names;
``bench/hostile_files.py`` builds the same set and prints the time and memory of each.
"""

import dataclasses
import functools
import io
import itertools
import json
import os
import resource
import signal
import tempfile
import time
import traceback
import unittest
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path
from unittest import mock

import pytest
from django.test import Client, SimpleTestCase, TestCase, override_settings

from imports import staging
from imports.tests.test_import_workbook import HTE_HEADER, xlsx
from imports.workbook import WorkbookError, header_key, read_tables
from tongliao_portal import testing

MAX_SECONDS = 5.0
MAX_PEAK_MB = 300.0
KILL_AFTER = 20.0
ADDRESS_SPACE_HEADROOM = 2 * 1024**3

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
SHEETML = "application/vnd.openxmlformats-officedocument.spreadsheetml"

HEADERS = ("序号", "企业名称", "统一社会信用代码", "证书编号", "发证日期", "所属旗县市区")
KEYS = ("serial", "name", "credit_code", "number", "issued_on", "county")
ALIASES = {header_key(label): key for label, key in zip(HEADERS, KEYS, strict=True)}
REQUIRED = ("name", "number")
REQUIRED_LABELS = ("企业名称", "证书编号")


# --- Measuring one read ---------------------------------------------------------------------------


@dataclasses.dataclass
class Outcome:
    """What one read did: ``kind`` is read, refused (WorkbookError), error (anything else) or killed."""

    kind: str
    detail: str
    seconds: float  # wall time of the read, measured in the child
    peak_mb: float = 0.0  # the child's peak resident set (wait4)
    cpu_seconds: float = 0.0  # the child's user + system time (wait4)
    rows: int = 0
    widest: int = 0

    def within_bounds(self) -> bool:
        return self.kind in ("read", "refused") and self.cpu_seconds <= MAX_SECONDS and self.peak_mb <= MAX_PEAK_MB

    def __str__(self) -> str:
        return (
            f"{self.kind} in {self.cpu_seconds:.2f} s CPU ({self.seconds:.2f} s wall), "
            f"peak {self.peak_mb:.0f} MB: {self.detail[:600]}"
        )


def read_hte(content: bytes):
    return read_tables(content, aliases=ALIASES, required=REQUIRED, required_labels=REQUIRED_LABELS)


def _child(read: Callable, content: bytes, pipe: int) -> None:
    """Runs in the forked child: read, report on the pipe, never return."""
    report: dict = {}
    try:
        size = int(Path("/proc/self/statm").read_text().split()[0]) * resource.getpagesize()
        resource.setrlimit(resource.RLIMIT_AS, (size + ADDRESS_SPACE_HEADROOM, resource.RLIM_INFINITY))
        started = time.perf_counter()
        try:
            tables = read(content)
        except WorkbookError as error:
            report = {"kind": "refused", "detail": error.message}
        except BaseException:
            report = {"kind": "error", "detail": traceback.format_exc()[-3000:]}
        else:
            widths = [len(cells) for table in tables for _, cells in table.rows]
            widest = max(widths or [0])
            report = {"kind": "read", "detail": f"{len(widths)} rows", "rows": len(widths), "widest": widest}
        report["seconds"] = time.perf_counter() - started
        os.write(pipe, json.dumps(report).encode()[:60000])
    finally:
        os._exit(0)


def measure_read(content: bytes, read: Callable = read_hte, *, kill_after: float = KILL_AFTER) -> Outcome:
    """Read ``content`` in a forked child; its time (measured in the child) and peak RSS (wait4)."""
    source, sink = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        os.close(source)
        _child(read, content, sink)
    os.close(sink)
    deadline = time.monotonic() + kill_after
    killed = False
    while True:
        done, _status, usage = os.wait4(pid, os.WNOHANG)
        if done:
            break
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            _pid, _status, usage = os.wait4(pid, 0)
            killed = True
            break
        time.sleep(0.005)
    with os.fdopen(source, "rb") as pipe:
        raw = pipe.read()
    peak_mb = usage.ru_maxrss / 1024
    cpu = usage.ru_utime + usage.ru_stime
    if killed:
        return Outcome("killed", f"still running after {kill_after:.0f} s", kill_after, peak_mb, cpu)
    report = json.loads(raw or b'{"kind": "error", "detail": "the child died without a report", "seconds": 0}')
    return Outcome(peak_mb=peak_mb, cpu_seconds=cpu, **report)


# --- Building workbooks part by part ----------------------------------------------------------------


def content_types(sheets: int, shared_strings: bool) -> str:
    overrides = [f'<Override PartName="/xl/workbook.xml" ContentType="{SHEETML}.sheet.main+xml"/>']
    overrides += [
        f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="{SHEETML}.worksheet+xml"/>'
        for n in range(1, sheets + 1)
    ]
    if shared_strings:
        overrides.append(f'<Override PartName="/xl/sharedStrings.xml" ContentType="{SHEETML}.sharedStrings+xml"/>')
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="{CT_NS}">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>' + "".join(overrides) + "</Types>"
    )


def workbook_parts(names: list[str], shared_strings: bool) -> dict[str, str]:
    sheets = "".join(f'<sheet name="{name}" sheetId="{n}" r:id="rId{n}"/>' for n, name in enumerate(names, 1))
    rels = [
        f'<Relationship Id="rId{n}" Type="{REL_NS}/worksheet" Target="worksheets/sheet{n}.xml"/>'
        for n in range(1, len(names) + 1)
    ]
    if shared_strings:
        rels.append(f'<Relationship Id="rIdS" Type="{REL_NS}/sharedStrings" Target="sharedStrings.xml"/>')
    return {
        "[Content_Types].xml": content_types(len(names), shared_strings),
        "_rels/.rels": f'<Relationships xmlns="{PKG_REL_NS}"><Relationship Id="rId1" '
        f'Type="{REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}"><sheets>{sheets}</sheets></workbook>',
        "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{PKG_REL_NS}">{"".join(rels)}</Relationships>',
    }


Chunks = Iterable[str | bytes]


def package(sheets: list[Chunks], *, shared_strings: Chunks | None = None, names: list[str] | None = None) -> bytes:
    """An .xlsx of worksheets given as chunks of XML text (streamed into the zip, never joined)."""
    names = names or [f"名单{n}" if n > 1 else "名单" for n in range(1, len(sheets) + 1)]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, text in workbook_parts(names, shared_strings is not None).items():
            archive.writestr(name, text)
        members = [(f"xl/worksheets/sheet{n}.xml", chunks) for n, chunks in enumerate(sheets, 1)]
        if shared_strings is not None:
            members.append(("xl/sharedStrings.xml", shared_strings))
        for member, chunks in members:
            with archive.open(member, "w", force_zip64=True) as stream:
                for chunk in chunks:
                    stream.write(chunk.encode() if isinstance(chunk, str) else chunk)
    return buffer.getvalue()


def inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def header_row(number: int = 1) -> str:
    cells = "".join(inline(f"{letter}{number}", label) for letter, label in zip("ABCDEF", HEADERS, strict=True))
    return f'<row r="{number}">{cells}</row>'


def data_row(number: int, extra: str = "") -> str:
    return (
        f'<row r="{number}"><c r="A{number}"><v>{number}</v></c>{inline(f"B{number}", f"企业{number}")}'
        f"{inline(f'D{number}', f'GR2023{number:08d}')}{extra}</row>"
    )


def sheet(rows: Chunks, *, dimension: str | None = None, before: str = "", after: str = "") -> Chunks:
    yield f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN_NS}">'
    if dimension:
        yield f'<dimension ref="{dimension}"/>'
    yield f"{before}<sheetData>"
    batch: list[str] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= 2000:
            yield "".join(batch)
            batch = []
    yield "".join(batch)
    yield f"</sheetData>{after}</worksheet>"


def repeated(text: str, total_bytes: int) -> Chunks:
    block = text * max(1, (1 << 20) // len(text))
    for _ in range(max(1, total_bytes // len(block))):
        yield block


# --- The hostile set ----------------------------------------------------------------------------------


@functools.cache
def sparse_rows(number: int, declared: bool = False) -> bytes:
    """The header and one data row numbered ``number`` (the 1.7 KB file of issue 13)."""
    dimension = f"A1:F{number}" if declared else None
    return package([sheet([header_row(), data_row(number)], dimension=dimension)])


@functools.cache
def xfd_rows(count: int, declared: bool = False) -> bytes:
    """``count`` data rows, each with one more cell in the last column Excel has (XFD)."""
    rows = (data_row(n, inline(f"XFD{n}", "x")) for n in range(2, count + 2))
    dimension = f"A1:XFD{count + 1}" if declared else None
    return package([sheet(itertools.chain([header_row()], rows), dimension=dimension)])


@functools.cache
def huge_shared_strings(entries: int, distinct: bool = False) -> bytes:
    """A shared-strings table of ``entries`` strings (one-letter or all different); the sheet uses two."""

    def table():
        yield f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN_NS}">'
        yield "<si><t>企业名称</t></si><si><t>证书编号</t></si>"
        step = 100_000
        for start in range(0, entries, step):
            stop = min(entries, start + step)
            if distinct:
                yield "".join(f"<si><t>通辽{n}</t></si>" for n in range(start, stop))
            else:
                yield "<si><t>x</t></si>" * (stop - start)
        yield "</sst>"

    head = '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
    return package([sheet([head, '<row r="2"><c r="A2" t="s"><v>2</v></c></row>'])], shared_strings=table())


@functools.cache
def one_huge_string(megabytes: int) -> bytes:
    """A shared string of ``megabytes`` MB: far past Excel's 32,767 characters per cell."""
    table = itertools.chain(
        [f'<sst xmlns="{MAIN_NS}"><si><t>企业名称</t></si><si><t>证书编号</t></si><si><t>'],
        repeated("x", megabytes << 20),
        ["</t></si></sst>"],
    )
    head = '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
    return package([sheet([head, '<row r="2"><c r="A2" t="s"><v>2</v></c></row>'])], shared_strings=table)


@functools.cache
def zip_bomb() -> bytes:
    """Every part of a workbook and one sheet of 600 MB of zeros, declared honestly."""
    return package([repeated("\0", 600 << 20)])


@functools.cache
def whitespace_sheet(megabytes: int) -> bytes:
    """A sheet of ``megabytes`` MB of blanks inside sheetData: within the size cap, no tag ends."""
    return package([sheet([header_row(), *repeated(" ", megabytes << 20)])])


@functools.cache
def comment_flood(megabytes: int) -> bytes:
    """Tiny comments between rows: the parser would skim them in C and never call back."""
    return package([sheet([header_row(), *repeated("<!---->", megabytes << 20), data_row(2)])])


@functools.cache
def deep_nesting(levels: int) -> bytes:
    inner = itertools.chain(['<row r="2"><c r="A2">'], ["<x>" * levels], ["</x>" * levels], ["</c></row>"])
    return package([sheet([header_row(), "".join(inner)])])


@functools.cache
def huge_attribute(megabytes: int) -> bytes:
    value = "".join(repeated("a", megabytes << 20))
    return package([sheet([header_row(), f'<row r="2" x="{value}"/>'])])


@functools.cache
def empty_cells(rows: int, columns: int = 64) -> bytes:
    """``rows`` rows of ``columns`` empty cells each: cheap to send, costly to walk."""
    body = "<c/>" * columns
    return package([sheet(itertools.chain([header_row()], (f'<row r="{n}">{body}</row>' for n in range(2, rows + 2))))])


def entity_bomb() -> bytes:
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">'
        '<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>'
    )
    return package([[laughs, f'<worksheet xmlns="{MAIN_NS}"><sheetData>', header_row(), "</sheetData></worksheet>"]])


def external_entity() -> bytes:
    doctype = '<?xml version="1.0"?><!DOCTYPE w [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
    body = f'<worksheet xmlns="{MAIN_NS}"><sheetData><row r="1">{inline("A1", "&e;")}</row></sheetData></worksheet>'
    return package([[doctype, body]])


# name → (builder, what the refusal says); each within IMPORT_MAX_UPLOAD_MB.
HOSTILE = {
    "sparse-rows-1e6": (lambda: sparse_rows(1_000_000), "数据行数超过上限 200000 行"),
    "sparse-rows-1e8": (lambda: sparse_rows(100_000_000), "行号“100000000”无效"),
    "sparse-rows-2e9": (lambda: sparse_rows(2_000_000_000), "行号“2000000000”无效"),
    "sparse-rows-2e9-declared": (lambda: sparse_rows(2_000_000_000, declared=True), "声明的数据范围"),
    "xfd-20000-rows": (lambda: xfd_rows(20_000), "超过列数上限"),
    "xfd-200000-rows": (lambda: xfd_rows(200_000), "超过列数上限"),
    "xfd-20000-rows-declared": (lambda: xfd_rows(20_000, declared=True), "声明的数据范围"),
    # The next three are refused when a budget runs out, after seconds of parsing: on a loaded
    # machine the CPU deadline (IMPORT_MAX_READ_SECONDS) may come first, and either refusal will do.
    "shared-strings-3m": (lambda: huge_shared_strings(3_000_000), ("共享字符串", "秒内未能读完")),
    "shared-strings-3m-distinct": (
        lambda: huge_shared_strings(3_000_000, distinct=True),
        ("共享字符串", "秒内未能读完"),
    ),
    "shared-string-of-64mb": (lambda: one_huge_string(64), "XML"),
    "zip-bomb-600mb": (zip_bomb, "压缩炸弹"),
    "blank-sheet-200mb": (lambda: whitespace_sheet(200), "XML"),
    "comment-flood-200mb": (lambda: comment_flood(200), "XML"),
    "nesting-100000-deep": (lambda: deep_nesting(100_000), "嵌套"),
    "attribute-of-8mb": (lambda: huge_attribute(8), "XML"),
    "empty-cells-200000x64": (lambda: empty_cells(200_000), ("单元格", "秒内未能读完")),
    "entity-bomb": (entity_bomb, "不安全的 XML"),
    "external-entity": (external_entity, "不安全的 XML"),
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_file_is_refused_within_bounds(name):
    build, refusal = HOSTILE[name]
    content = build()
    assert len(content) <= 20 * 1024 * 1024, f"{name} is {len(content)} bytes: not within the upload limit"
    outcome = measure_read(content)
    assert outcome.kind == "refused", str(outcome)
    assert any(words in outcome.detail for words in ([refusal] if isinstance(refusal, str) else refusal)), str(outcome)
    assert outcome.within_bounds(), str(outcome)


# --- What the reader keeps ------------------------------------------------------------------------------


class ReaderLimitTests(SimpleTestCase):
    def read(self, rows: list[str], **sheet_options) -> list:
        return read_hte(package([sheet(rows, **sheet_options)]))

    def test_a_sparse_row_within_the_limit_keeps_its_number(self):
        [table] = self.read([header_row(), data_row(5000)])
        self.assertEqual([number for number, _ in table.rows], [5000])
        self.assertEqual(table.rows[0][1][1], "企业5000")

    @override_settings(IMPORT_MAX_ROWS=3)
    def test_blank_rows_count_towards_the_row_limit_by_position(self):
        with self.assertRaisesMessage(WorkbookError, "数据行数超过上限 3 行"):
            self.read([header_row(), data_row(2), data_row(6)])
        [table] = self.read([header_row(), data_row(2), data_row(4)])
        self.assertEqual(len(table.rows), 2)

    def test_rows_are_not_padded_past_the_header(self):
        far = inline("BK2", "备注")  # column 63: within the cap, outside the header
        [table] = self.read([header_row(), data_row(2, far)])
        self.assertLessEqual(len(table.rows[0][1]), len(HEADERS))

    def test_the_column_cap_counts_from_the_left(self):
        self.read([header_row(), data_row(2, inline("BL2", "x"))])  # column 64
        with self.assertRaisesMessage(WorkbookError, "单元格 BM2 位于第 65 列，超过列数上限 64 列"):
            self.read([header_row(), data_row(2, inline("BM2", "x"))])

    @override_settings(IMPORT_MAX_COLUMNS=10)
    def test_the_column_cap_is_a_setting(self):
        with self.assertRaisesMessage(WorkbookError, "超过列数上限 10 列"):
            self.read([header_row(), data_row(2, inline("K2", "x"))])

    def test_the_declared_dimension_is_checked_before_any_row(self):
        with self.assertRaisesMessage(WorkbookError, "声明的数据范围 A1:XFD2 超过上限"):
            self.read([header_row(), data_row(2)], dimension="A1:XFD2")
        [table] = self.read([header_row(), data_row(2)], dimension="A1:F2")
        self.assertEqual(len(table.rows), 1)

    def test_row_numbers_past_excel_are_refused(self):
        with self.assertRaisesMessage(WorkbookError, "行号"):
            self.read([header_row(), '<row r="0"/>'])
        with self.assertRaisesMessage(WorkbookError, "行号"):
            self.read([header_row(), '<row r="x"/>'])

    @override_settings(IMPORT_MAX_READ_SECONDS=0.001)
    def test_the_reader_stops_at_its_cpu_deadline(self):
        rows = [header_row(), *(data_row(n) for n in range(2, 20_000))]
        with self.assertRaisesMessage(WorkbookError, "0.001 秒内未能读完，请拆分后分批导入"):
            self.read(rows)

    def test_rows_out_of_order_are_refused(self):
        with self.assertRaisesMessage(WorkbookError, "行号"):
            self.read([header_row(3), data_row(2)])


# --- Staging ---------------------------------------------------------------------------------------------


@override_settings(
    IMPORT_STAGED_PER_USER=3, IMPORT_STAGED_BYTES_PER_USER=60 * 1024, IMPORT_STAGED_TOTAL_MB=1, IMPORT_STAGED_HOURS=1
)
class StagingLimitTests(SimpleTestCase):
    def setUp(self):
        # A directory of this test's own: other test runs on the machine stage files too.
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        patcher = mock.patch("tempfile.tempdir", folder.name)
        patcher.start()
        self.addCleanup(patcher.stop)

    def stage(self, size: int, owner: int | None) -> str:
        token = staging.staged_save(b"x" * size, owner=owner)
        self.addCleanup(staging.staged_discard, token)
        return token

    def test_each_user_stages_at_most_three_files(self):
        for _ in range(3):
            self.stage(10, owner=101)
        with self.assertRaisesMessage(staging.StagingFull, "每人最多 3 个") as caught:
            self.stage(10, owner=101)
        self.assertIn("先确认或放弃已上传的名单", caught.exception.message)
        self.stage(10, owner=102)  # somebody else is not held up

    def test_discarding_frees_a_place(self):
        tokens = [self.stage(10, owner=103) for _ in range(3)]
        staging.staged_discard(tokens[0])
        self.stage(10, owner=103)

    def test_each_user_stages_at_most_the_byte_limit(self):
        self.stage(40 * 1024, owner=104)
        with self.assertRaisesMessage(staging.StagingFull, "每人合计不超过 0.06 MB"):
            self.stage(30 * 1024, owner=104)

    @override_settings(IMPORT_STAGED_BYTES_PER_USER=1024 * 1024)
    def test_all_staged_files_together_stay_under_the_total(self):
        self.stage(600 * 1024, owner=None)
        with self.assertRaisesMessage(staging.StagingFull, "总上限 1 MB"):
            self.stage(500 * 1024, owner=105)
        self.stage(400 * 1024, owner=105)

    def test_a_staged_file_expires_within_the_hour(self):
        token = self.stage(10, owner=106)
        path = next(staging._directory().rglob(token))
        old = time.time() - 3601
        os.utime(path, (old, old))
        self.assertIsNone(staging.staged_read(token))
        self.assertFalse(path.exists())

    def test_stale_files_do_not_count_against_a_user(self):
        for _ in range(3):
            token = self.stage(10, owner=107)
            old = time.time() - 3601
            os.utime(next(staging._directory().rglob(token)), (old, old))
        self.stage(10, owner=107)

    def test_twenty_previews_in_five_seconds_leave_three_files(self):
        """Issue 13: 20 previews of a 19 MB file from one account added 380 MB to the folder."""
        with override_settings(IMPORT_STAGED_BYTES_PER_USER=60 * 1024 * 1024, IMPORT_STAGED_TOTAL_MB=500):
            refused = 0
            for _ in range(20):
                try:
                    self.stage(1024, owner=108)
                except staging.StagingFull:
                    refused += 1
        self.assertEqual(refused, 17)
        self.assertEqual(len(list((staging._directory() / "u108").iterdir())), 3)


def _views_pass_the_owner() -> bool:
    source = (Path(__file__).resolve().parents[1] / "views.py").read_text(encoding="utf-8")
    return "staged_save(" in source and "owner=" in source


@unittest.skipUnless(_views_pass_the_owner(), "imports/views.py does not pass owner= to staging.staged_save yet")
class StagingThroughTheViewTests(TestCase, testing.Personas):
    """Once the preview passes its user to staging, a fourth parallel preview is refused on the page."""

    @classmethod
    def setUpTestData(cls):
        cls.make_personas()

    @override_settings(IMPORT_STAGED_PER_USER=3)
    def test_a_fourth_preview_from_other_sessions_is_refused(self):
        content = xlsx([HTE_HEADER, [1, "甲公司", "", "GR202315000001", "2023-11-20", "科尔沁区"]])
        pages = []
        for _ in range(4):
            client = Client()
            client.force_login(self.bureau)
            upload = io.BytesIO(content)
            upload.name = "名单.xlsx"
            pages.append(client.post("/imports/", {"kind": "hte", "file": upload, "announced_on": "2023-11-20"}))
            token = pages[-1].context.get("token") if pages[-1].context else None
            if token:
                self.addCleanup(staging.staged_discard, token)
        self.assertContains(pages[3], "先确认或放弃已上传的名单")
