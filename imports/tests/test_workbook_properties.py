"""Property tests of the workbook reader (issue 13): whatever bytes arrive, the reader returns
tables or raises WorkbookError — never another exception — within 5 s CPU and 300 MB.

Hypothesis builds random and mutated workbooks: random XML as a sheet, random row and column
references (and declared dimensions), valid workbooks truncated or with bytes and XML text
mutated, and shared-string tables up to past the cap with random references into them. Each
is read in a forked child (``measure_read``, see test_hostile_files.py). The examples are
bounded and derandomised so the suite stays fast and CI sees the same cases every run.
"""

import datetime
import io
import zipfile
from xml.sax.saxutils import escape, quoteattr

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from imports.tests.test_hostile_files import MAIN_NS, header_row, measure_read, package, sheet

BOUNDED = settings(
    max_examples=60,
    deadline=datetime.timedelta(seconds=30),  # past measure_read's kill: a slow read fails on its bounds
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def assert_read_or_refused_within_bounds(content: bytes) -> None:
    outcome = measure_read(content)
    assert outcome.kind in ("read", "refused"), str(outcome)
    assert outcome.within_bounds(), str(outcome)


# --- Strategies --------------------------------------------------------------------------------------

numbers = st.one_of(
    st.integers(-3, 2**40).map(str),
    st.sampled_from(["", "0", "1.0", "2.5", "x", "1e3", " 7 ", "٣", "1048576", "1048577", "2000000000", "nan"]),
    st.text(max_size=6),
)
references = st.one_of(
    st.none(),
    st.from_regex(r"\$?[A-Za-z]{1,4}\$?[0-9]{0,11}", fullmatch=True),
    st.sampled_from(["A1", "XFD2", "BL2", "BM2", "ZZZ9", "A0", "$B$3", "a5", "1A", ""]),
    st.text(max_size=6),
)
kinds = st.sampled_from([None, "s", "n", "b", "e", "str", "inlineStr", "d", "zz"])
values = st.one_of(st.text(max_size=12), st.integers().map(str), st.floats().map(repr), st.just("2023-11-20T00:00:00"))


def attribute(name: str, value: str | None) -> str:
    return "" if value is None else f" {name}={quoteattr(value)}"


def cell_xml(reference: str | None, kind: str | None, value: str) -> str:
    body = f"<is><t>{escape(value)}</t></is>" if kind == "inlineStr" else f"<v>{escape(value)}</v>"
    return f"<c{attribute('r', reference)}{attribute('t', kind)}>{body}</c>"


rows = st.lists(
    st.tuples(st.one_of(st.none(), numbers), st.lists(st.tuples(references, kinds, values), max_size=6)), max_size=12
)


@st.composite
def referenced_sheets(draw) -> bytes:
    body = [header_row()] if draw(st.booleans()) else []
    for number, cells in draw(rows):
        body.append(f"<row{attribute('r', number)}>{''.join(cell_xml(*cell) for cell in cells)}</row>")
    dimension = draw(st.one_of(st.none(), references.filter(bool), st.just("A1:XFD1048576")))
    return package([sheet(body, dimension=dimension)])


def valid_workbook() -> bytes:
    return package([sheet([header_row(), *(f'<row r="{n}"><c r="B{n}"><v>{n}</v></c></row>' for n in range(2, 40))])])


def sheet_text(content: bytes) -> str:
    return zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml").decode()


def with_sheet_text(text: str) -> bytes:
    return package([[text]])


@st.composite
def mutated_workbooks(draw) -> bytes:
    content = valid_workbook()
    how = draw(st.sampled_from(["truncate", "bytes", "xml"]))
    if how == "truncate":
        return content[: draw(st.integers(0, len(content) - 1))]
    if how == "bytes":
        mutable = bytearray(content)
        for position, byte in draw(
            st.lists(st.tuples(st.integers(0, len(content) - 1), st.integers(0, 255)), min_size=1)
        ):
            mutable[position] = byte
        return bytes(mutable)
    text = sheet_text(content)
    for _ in range(draw(st.integers(1, 4))):
        start = draw(st.integers(0, len(text)))
        stop = draw(st.integers(start, min(len(text), start + 40)))
        insert = draw(
            st.one_of(st.just(""), st.text(max_size=20), st.sampled_from(["<", ">", "&", "<!--", "]]>", "<x>"]))
        )
        text = text[:start] + insert + text[stop:]
    return with_sheet_text(text)


@st.composite
def shared_string_tables(draw) -> bytes:
    entries = draw(st.one_of(st.integers(0, 50), st.integers(0, 1_200_000)))
    declared = draw(st.one_of(st.none(), st.integers(0, 5_000_000)))
    text = draw(st.sampled_from(["x", "企业名称", "", "x005F_y"]))
    table = [f'<sst xmlns="{MAIN_NS}"{attribute("uniqueCount", None if declared is None else str(declared))}>']
    table += ["<si><t>企业名称</t></si><si><t>证书编号</t></si>", f"<si><t>{text}</t></si>" * entries, "</sst>"]
    indices = draw(st.lists(st.integers(-1, entries + 3), max_size=8))
    cells = "".join(f'<c t="s"><v>{index}</v></c>' for index in indices)
    head = '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
    return package([sheet([head, f'<row r="2">{cells}</row>'])], shared_strings=table)


# --- Properties ----------------------------------------------------------------------------------------


@BOUNDED
@given(st.one_of(st.binary(max_size=3000), st.text(max_size=3000).map(str.encode)))
def test_random_xml_as_a_sheet(raw):
    assert_read_or_refused_within_bounds(package([[raw]]))


@BOUNDED
@given(referenced_sheets())
def test_random_row_and_column_references(content):
    assert_read_or_refused_within_bounds(content)


@settings(BOUNDED, max_examples=40)
@given(mutated_workbooks())
def test_truncated_and_mutated_workbooks(content):
    assert_read_or_refused_within_bounds(content)


@settings(BOUNDED, max_examples=12)
@given(shared_string_tables())
def test_shared_string_tables_of_any_size(content):
    assert_read_or_refused_within_bounds(content)
