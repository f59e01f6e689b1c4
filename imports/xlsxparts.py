"""Parsing the XML parts of an untrusted .xlsx with expat, every cost bounded (issue 13).

openpyxl's reader builds a value for every cell up to a row's last column and an empty row
for every row number skipped, so a 1.7 KB sheet could keep a worker busy for minutes and a
column-XFD cell make each row 16,384 values wide. The importer therefore reads the parts it
needs itself, streaming each zip member into expat 64 KB at a time:

- no DTD at all (so no entity, internal or external: defusedxml's rule, with its exceptions);
- at most ``MAX_TAG_GAP`` bytes between two ``>``, so expat never buffers a huge token;
- at most ``MAX_DEPTH`` open elements, ``MAX_COMMENTS`` comments or processing instructions;
- one element budget for the whole workbook (``Budget``), so the time spent is bounded by
  the settings, not by how well the upload compresses, and ``IMPORT_MAX_READ_SECONDS`` of CPU
  time at most, whatever the machine;
- at most ``IMPORT_MAX_CELLS`` shared strings, ``MAX_CELL_CHARS`` characters each, and one
  budget of characters kept for the whole file, so memory is bounded too.

This module reads the workbook, its relationships, styles (which cells hold dates) and the
shared strings; ``sheetxml`` reads the worksheets.
"""

import posixpath
import pyexpat
import time
import zipfile
from dataclasses import dataclass, field
from typing import TypeVar

from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from django.conf import settings
from openpyxl.styles.numbers import builtin_format_code, is_date_format, is_timedelta_format
from openpyxl.utils.datetime import CALENDAR_MAC_1904, WINDOWS_EPOCH

MAIN_NAMESPACES = (
    "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "http://purl.oclc.org/ooxml/spreadsheetml/main",
)
REL_NAMESPACES = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "http://purl.oclc.org/ooxml/officeDocument/relationships",
)
PACKAGE_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
WORKBOOK_PART = "xl/workbook.xml"
WORKBOOK_RELS = "xl/_rels/workbook.xml.rels"

CHUNK = 64 * 1024
# Excel's longest cell text (32,767 characters) is 96 KB of UTF-8; no tag or text run of a real
# part comes near 256 KB without a ">".
MAX_TAG_GAP_CHUNKS = 4
MAX_DEPTH = 40
MAX_COMMENTS = 1000
MAX_CELL_CHARS = 32_767
# Characters kept (cell text and shared strings) for the whole file: about 64 MB of Chinese text.
MAX_TEXT_CHARS = 32 * 1024 * 1024
# XML elements allowed for in the budget per cell of IMPORT_MAX_CELLS, in tenths: a cell is c and v,
# or c, is and t for text typed in, and a row of six cells one element more.
ELEMENT_TENTHS_PER_CELL = 35

DAMAGED = "文件已损坏或内容不是有效的 Excel 工作簿，无法读取。"
TOO_COMPLEX = "文件的 XML 结构异常（{what}），疑似构造的恶意文件，已拒绝。"


class WorkbookError(Exception):
    """A file-level problem, with a message in Chinese for the person who uploaded it."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class Done(Exception):
    """Raised in a handler to stop reading a part: the rest is not needed."""


def local(name: str, namespaces: tuple[str, ...] = MAIN_NAMESPACES) -> str | None:
    """The local name of an expat ``"namespace local"`` name in one of ``namespaces``."""
    namespace, _, tag = name.rpartition(" ")
    return tag if namespace in namespaces else None


def tags(*names: str) -> dict[str, str]:
    """Expat's names of spreadsheetml elements (either namespace) → their local names."""
    return {f"{namespace} {name}": name for namespace in MAIN_NAMESPACES for name in names}


@dataclass
class Budget:
    """What reading one workbook may still cost: XML elements, cells, characters kept and CPU time.

    The counts make the cost predictable; the CPU deadline (``IMPORT_MAX_READ_SECONDS`` of the
    reading thread, checked every 64 KB of XML) makes the time bound hold on any machine.
    """

    elements: int
    cells: int
    characters: int = MAX_TEXT_CHARS
    deadline: float = float("inf")

    @classmethod
    def from_settings(cls) -> "Budget":
        cells = settings.IMPORT_MAX_CELLS
        deadline = time.thread_time() + settings.IMPORT_MAX_READ_SECONDS
        return cls(elements=cells * ELEMENT_TENTHS_PER_CELL // 10 + 100_000, cells=cells, deadline=deadline)

    def check_time(self) -> None:
        if time.thread_time() > self.deadline:
            seconds = settings.IMPORT_MAX_READ_SECONDS
            raise WorkbookError(f"文件过大或过于复杂，{seconds:g} 秒内未能读完，请拆分后分批导入。")

    def keep_text(self, length: int) -> None:
        self.characters -= length
        if self.characters < 0:
            millions = MAX_TEXT_CHARS // 1024 // 1024
            raise WorkbookError(f"文件中的文字合计超过 {millions} 兆个字符的上限，请拆分后分批导入。")

    def out_of_elements(self) -> WorkbookError:
        cells = settings.IMPORT_MAX_CELLS
        return WorkbookError(f"文件内容过多：XML 元素超过上限（按 {cells} 个单元格计），请拆分后分批导入。")


def _refuse_doctype(name, sysid, pubid, has_internal_subset):
    raise DTDForbidden(name, sysid, pubid)


def _refuse_entity(name, is_parameter, value, base, sysid, pubid, notation_name):
    raise EntitiesForbidden(name, value, base, sysid, pubid, notation_name)


def _refuse_unparsed(name, base, sysid, pubid, notation_name):
    raise EntitiesForbidden(name, None, base, sysid, pubid, notation_name)


def _refuse_external(context, base, sysid, pubid):
    raise ExternalReferenceForbidden(context, base, sysid, pubid)


class Part:
    """A streaming reader of one XML part; subclasses set ``start``, ``end`` and ``text``.

    ``open_element``/``close_element`` keep the depth and the element budget for the simple
    parts; the worksheet reader inlines the same checks in its own handlers.
    """

    def __init__(self, budget: Budget):
        self.budget = budget
        self.depth = 0
        self.comments = 0

    def open_element(self) -> None:
        self.depth += 1
        self.budget.elements -= 1
        if self.depth > MAX_DEPTH:
            raise WorkbookError(TOO_COMPLEX.format(what=f"元素嵌套超过 {MAX_DEPTH} 层"))
        if self.budget.elements < 0:
            raise self.budget.out_of_elements()

    def start(self, name: str, attrs: dict[str, str]) -> None:
        self.open_element()

    def end(self, name: str) -> None:
        self.depth -= 1

    def text(self, data: str) -> None:
        pass

    def comment(self, *_args) -> None:
        self.comments += 1
        if self.comments > MAX_COMMENTS:
            raise WorkbookError(TOO_COMPLEX.format(what=f"注释或处理指令超过 {MAX_COMMENTS} 个"))

    def parser(self):
        parser = pyexpat.ParserCreate("utf-8", " ")  # the encoding a document declares is overridden
        parser.buffer_text = True
        parser.buffer_size = CHUNK
        parser.SetParamEntityParsing(pyexpat.XML_PARAM_ENTITY_PARSING_NEVER)
        parser.StartDoctypeDeclHandler = _refuse_doctype
        parser.EntityDeclHandler = _refuse_entity
        parser.UnparsedEntityDeclHandler = _refuse_unparsed
        parser.ExternalEntityRefHandler = _refuse_external
        parser.CommentHandler = self.comment
        parser.ProcessingInstructionHandler = self.comment
        parser.StartElementHandler = self.start
        parser.EndElementHandler = self.end
        parser.CharacterDataHandler = self.text
        return parser

    def parse(self, archive: zipfile.ZipFile, name: str) -> None:
        parser = self.parser()
        quiet = 0
        try:
            with archive.open(name) as member:
                while chunk := member.read(CHUNK):
                    self.budget.check_time()
                    quiet = 0 if b">" in chunk else quiet + 1
                    if quiet > MAX_TAG_GAP_CHUNKS:
                        raise WorkbookError(TOO_COMPLEX.format(what="单个标签或文字超过 256 KB"))
                    parser.Parse(chunk, False)
                parser.Parse(b"", True)
        except Done:
            pass
        except pyexpat.ExpatError as error:
            raise WorkbookError(DAMAGED) from error


class Relationships(Part):
    def __init__(self, budget: Budget):
        super().__init__(budget)
        self.targets: dict[str, tuple[str, str]] = {}

    def start(self, name, attrs):
        self.open_element()
        if name == f"{PACKAGE_REL} Relationship" and attrs.get("TargetMode") != "External":
            target = attrs.get("Target", "")
            path = target[1:] if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
            self.targets[attrs.get("Id", "")] = (attrs.get("Type", ""), path)


class WorkbookPart(Part):
    def __init__(self, budget: Budget):
        super().__init__(budget)
        self.sheets: list[tuple[str, str]] = []
        self.epoch = WINDOWS_EPOCH

    def start(self, name, attrs):
        self.open_element()
        tag = local(name)
        if tag == "sheet":
            rel = next((value for key, value in attrs.items() if local(key, REL_NAMESPACES) == "id"), "")
            self.sheets.append((attrs.get("name", ""), rel))
        elif tag == "workbookPr" and attrs.get("date1904", "").lower() in ("1", "true"):
            self.epoch = CALENDAR_MAC_1904


class Styles(Part):
    """The number format of each cell style, as far as dates go (openpyxl's rule)."""

    def __init__(self, budget: Budget):
        super().__init__(budget)
        self.custom: dict[int, str] = {}
        self.formats: list[int] = []
        self.in_cell_xfs = False

    def start(self, name, attrs):
        self.open_element()
        tag = local(name)
        if tag == "numFmt":
            self.custom[int(attrs.get("numFmtId", -1))] = attrs.get("formatCode", "")
        elif tag == "cellXfs":
            self.in_cell_xfs = True
        elif tag == "xf" and self.in_cell_xfs:
            self.formats.append(int(attrs.get("numFmtId", 0)))

    def end(self, name):
        self.depth -= 1
        if local(name) == "cellXfs":
            self.in_cell_xfs = False

    def dates(self) -> tuple[frozenset[int], frozenset[int]]:
        """The style ids of date cells and, among them, of durations."""
        dates, durations = set(), set()
        for style, number_format in enumerate(self.formats):
            code = self.custom.get(number_format) or builtin_format_code(number_format)
            if is_date_format(code):
                dates.add(style)
            if is_timedelta_format(code):
                durations.add(style)
        return frozenset(dates), frozenset(durations)


class SharedStrings(Part):
    """The shared-strings table: text of ``t`` under ``si`` and its runs, never phonetic hints."""

    def __init__(self, budget: Budget):
        super().__init__(budget)
        self.strings: list[str] = []
        self.limit = settings.IMPORT_MAX_CELLS
        self.pieces: list[str] | None = None
        self.capturing = False
        self.phonetic = 0

    def start(self, name, attrs):
        self.depth += 1
        self.budget.elements -= 1
        if self.depth > MAX_DEPTH or self.budget.elements < 0:
            self.open_element()  # raises the right error
        tag = _SST_TAGS.get(name)
        if tag == "t":
            self.capturing = self.pieces is not None and not self.phonetic
        elif tag == "si":
            self.pieces = []
        elif tag == "rPh":
            self.phonetic += 1
        elif tag == "sst":
            self.check_declared(attrs.get("uniqueCount"))

    def check_declared(self, declared: str | None) -> None:
        if declared and declared.isdigit() and int(declared) > self.limit:
            raise self.too_many(int(declared))

    def too_many(self, count: int) -> WorkbookError:
        return WorkbookError(
            f"文件的共享字符串表含 {count} 个字符串，超过上限 {self.limit} 个（不会多于单元格数），"
            "疑似构造的异常文件，已拒绝。"
        )

    def end(self, name):
        self.depth -= 1
        tag = _SST_TAGS.get(name)
        if tag == "t":
            self.capturing = False
        elif tag == "si" and self.pieces is not None:
            text = "".join(self.pieces).replace("x005F_", "")  # as openpyxl reads the table
            self.pieces = None
            if len(text) > MAX_CELL_CHARS:
                raise WorkbookError(
                    f"共享字符串超过 Excel 单元格 {MAX_CELL_CHARS} 个字符的上限，文件已损坏或是构造的。"
                )
            self.budget.keep_text(len(text))
            self.strings.append(text)
            if len(self.strings) > self.limit:
                raise self.too_many(len(self.strings))
        elif tag == "rPh":
            self.phonetic -= 1

    def text(self, data):
        if self.capturing and self.pieces is not None:
            self.pieces.append(data)


_SST_TAGS = tags("sst", "si", "t", "rPh")


@dataclass
class SheetPart:
    name: str
    path: str


@dataclass
class Book:
    """What reading the worksheets needs from the rest of the package."""

    sheets: list[SheetPart]
    strings: list[str] = field(default_factory=list)
    dates: frozenset[int] = frozenset()
    durations: frozenset[int] = frozenset()
    epoch: object = WINDOWS_EPOCH


PartT = TypeVar("PartT", bound=Part)


def _read(part: PartT, archive: zipfile.ZipFile, name: str) -> PartT:
    part.parse(archive, name)
    return part


def read_book(archive: zipfile.ZipFile, budget: Budget) -> Book:
    """The worksheets in workbook order (chart sheets and missing parts left out), strings and styles."""
    names = set(archive.namelist())
    workbook = _read(WorkbookPart(budget), archive, WORKBOOK_PART)
    rels = _read(Relationships(budget), archive, WORKBOOK_RELS).targets if WORKBOOK_RELS in names else {}
    sheets = []
    for sheet_name, rel in workbook.sheets:
        if rel not in rels:
            raise WorkbookError(DAMAGED)
        kind, path = rels[rel]
        if path in names and "chartsheet" not in kind:
            sheets.append(SheetPart(sheet_name, path))
    book = Book(sheets, epoch=workbook.epoch)
    styles = _related(rels, "/styles", "xl/styles.xml", names)
    if styles:
        book.dates, book.durations = _read(Styles(budget), archive, styles).dates()
    strings = _related(rels, "/sharedStrings", "xl/sharedStrings.xml", names)
    if strings:
        book.strings = _read(SharedStrings(budget), archive, strings).strings
    return book


def _related(rels: dict[str, tuple[str, str]], kind: str, default: str, names: set[str]) -> str | None:
    path = next((path for rel_kind, path in rels.values() if rel_kind.endswith(kind)), default)
    return path if path in names else None
