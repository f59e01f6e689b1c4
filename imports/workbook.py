"""Opening untrusted .xlsx files safely, finding the header row and reading cell values.

Uploaded lists are untrusted (issues 4 and 13). Before any XML is parsed the file must be a
zip holding an Office Open XML workbook, within limits on its member count and its declared
uncompressed size, so a zip bomb is refused from the central directory alone. Python's
zipfile stops reading a member at its declared size (and fails the CRC check if the data
claimed less), so the declared sizes bound what is really inflated.

The XML is then read by the importer's own streaming reader (``xlsxparts``: the workbook,
styles and shared strings; ``sheetxml``: each worksheet), not by openpyxl's, which pads every
skipped row and every row to its last column: row numbers, columns, cells, nesting, text
and the XML itself are checked as they stream, before values are built, so any file within
the upload limit is read or refused in seconds and bounded memory. A formula cell yields
its cached value, never its formula text. The header is found in each sheet's first rows;
a data row keeps only the header's recognised columns.
"""

import datetime
import hashlib
import io
import logging
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field

import openpyxl
import openpyxl.styles
import openpyxl.utils
from defusedxml import DefusedXmlException
from django.conf import settings
from openpyxl.utils.datetime import from_excel

from . import sheetxml, xlsxparts
from .xlsxparts import WorkbookError

logger = logging.getLogger("portal.security")

ZIP_MAGIC = b"PK\x03\x04"
# Compound File Binary (OLE2): legacy .xls, and also every password-protected .xlsx.
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
REQUIRED_MEMBERS = ("[Content_Types].xml", "xl/workbook.xml")
# A workbook has a few dozen parts; a few hundred sheets at most.
MAX_ZIP_MEMBERS = 1000
# A list at the row cap (200,000 rows of six columns) is about 80 MB of XML; allow room above it.
MAX_UNCOMPRESSED_BYTES = 256 * 1024 * 1024
# The header is looked for in the first rows of each sheet (title rows stand above it).
HEADER_SEARCH_ROWS = 30
# Excel keeps 15 significant digits: a longer number typed into a cell has lost digits.
EXCEL_EXACT_DIGITS = 15

_SPACES_RE = re.compile(r"\s+")
_HINT_RE = re.compile(r"[(（\[【][^)）\]】]*[)）\]】]")
_DATE_TEXT_RE = re.compile(
    r"^(?P<y>\d{4})\s*[年\-./]\s*(?P<m>\d{1,2})\s*[月\-./]\s*(?P<d>\d{1,2})\s*日?"
    r"(?:\s*\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
)
_DATE_COMPACT_RE = re.compile(r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})$")
_EXCEL_ERRORS = {"#N/A", "#VALUE!", "#REF!", "#DIV/0!", "#NUM!", "#NAME?", "#NULL!", "#SPILL!", "#CALC!"}
DATE_SPELLINGS = "2023-11-20、2023/11/20、2023.11.20 或 2023年11月20日"


class CellError(ValueError):
    """A cell value that cannot be used; ``reason`` is Chinese and names no position."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def upload_limit_bytes() -> int:
    return settings.IMPORT_MAX_UPLOAD_MB * 1024 * 1024


def file_sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def workbook_check(content: bytes) -> None:
    """Refuse anything that is not a reasonably sized .xlsx, judging by content, not by name.

    Reads only the zip's central directory, so a zip bomb is refused in microseconds.
    """
    if not content:
        raise WorkbookError("文件为空，请选择一个 .xlsx 工作簿。")
    if len(content) > upload_limit_bytes():
        raise WorkbookError(f"文件超过 {settings.IMPORT_MAX_UPLOAD_MB} MB 的上限，请拆分后分批导入。")
    if content.startswith(OLE_MAGIC):
        raise WorkbookError("这是旧版 .xls 文件或加密的工作簿，请在 Excel 中“另存为”未加密的 .xlsx 格式后再导入。")
    if not content.startswith(ZIP_MAGIC):
        raise WorkbookError(
            "文件不是 .xlsx 工作簿（可能是 CSV、文本或其他格式改了扩展名），请在 Excel 中另存为 .xlsx 后再导入。"
        )
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as error:
        raise WorkbookError("文件已损坏，无法作为 .xlsx 工作簿打开。") from error
    if len(members) > MAX_ZIP_MEMBERS:
        logger.warning("import refused: %d zip members", len(members))
        raise WorkbookError(f"文件包含 {len(members)} 个部件，超过上限 {MAX_ZIP_MEMBERS}，已拒绝。")
    total = sum(member.file_size for member in members)
    if total > MAX_UNCOMPRESSED_BYTES:
        logger.warning("import refused: %d bytes uncompressed", total)
        raise WorkbookError("文件解压后过大（疑似“压缩炸弹”），已拒绝。")
    names = {member.filename for member in members}
    if not all(name in names for name in REQUIRED_MEMBERS):
        raise WorkbookError("文件是压缩包但不是 Excel 工作簿（缺少工作簿结构），请上传 .xlsx 文件。")


def header_key(text) -> str:
    """Fold a header cell for matching: full-width forms, spaces, required-marks and hints dropped.

    ``“ 发证日期（yyyy-mm-dd）*”`` and ``发证日期`` give the same key.
    """
    if text is None:
        return ""
    folded = unicodedata.normalize("NFKC", str(text))
    folded = _HINT_RE.sub("", folded)
    return _SPACES_RE.sub("", folded).replace("*", "")


@dataclass
class SheetTable:
    """The data rows of one sheet under its header: ``columns`` maps a column key to its position."""

    name: str
    header_row: int
    columns: dict[str, int]
    headers: dict[str, str]
    rows: list[tuple[int, tuple]] = field(default_factory=list)


def _match_header(cells: tuple, aliases: dict[str, str]) -> tuple[dict[str, int], dict[str, str]]:
    columns: dict[str, int] = {}
    headers: dict[str, str] = {}
    for index, cell in enumerate(cells):
        key = aliases.get(header_key(cell))
        if key and key not in columns:
            columns[key] = index
            headers[key] = _SPACES_RE.sub("", str(cell))
    return columns, headers


def _find_header(head: list[tuple[int, tuple]], aliases: dict[str, str], required: tuple[str, ...]):
    """The first numbered row holding every required column; a blank cell may be filled from the row
    just above, for two-row headers whose upper cells are merged (e.g. "证书信息" over two columns)."""
    previous: tuple = ()
    previous_number = 0
    for number, cells in head:
        candidates = [cells]
        above = previous if previous_number == number - 1 else ()
        if above:
            width = max(len(cells), len(above))
            candidates.append(tuple(_cell_or_above(cells, above, i) for i in range(width)))
        for candidate in candidates:
            columns, headers = _match_header(candidate, aliases)
            if all(key in columns for key in required):
                return number, columns, headers
        previous, previous_number = cells, number
    return None


def _cell_or_above(cells: tuple, above: tuple, index: int):
    value = cells[index] if index < len(cells) else None
    if value in (None, "") and index < len(above):
        return above[index]
    return value


def read_tables(
    content: bytes, *, aliases: dict[str, str], required: tuple[str, ...], required_labels: tuple[str, ...]
) -> list[SheetTable]:
    """Every sheet whose header is found, with its non-blank data rows (raw cell values).

    ``aliases`` maps a folded header (see ``header_key``) to a column key. Sheets without a
    recognisable header (instructions, summaries) are skipped; a file with none is an error.
    """
    workbook_check(content)
    try:
        tables = _read_workbook(content, aliases, required)
    except WorkbookError:
        raise
    except Exception as error:
        # Untrusted input: any parser failure means "this file cannot be read", never a 500.
        raise _unreadable(error) from error
    if not tables:
        wanted = "”和“".join(required_labels)
        raise WorkbookError(f"未找到表头：各工作表前 {HEADER_SEARCH_ROWS} 行中没有同时包含“{wanted}”的行。")
    return tables


def _read_workbook(content: bytes, aliases: dict[str, str], required: tuple[str, ...]) -> list[SheetTable]:
    """The tables of every sheet with a header: at most ``IMPORT_MAX_ROWS`` rows below the headers
    of all sheets together, blank rows counted (by position), within one budget for the file."""
    budget = xlsxparts.Budget.from_settings()
    rows_left = settings.IMPORT_MAX_ROWS
    tables: list[SheetTable] = []
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        book = xlsxparts.read_book(archive, budget)
        for sheet in book.sheets:
            builder = _TableBuilder(sheet.name, aliases, required, rows_left)
            sheetxml.read_sheet(archive, sheet, book, builder, budget, max_rows=HEADER_SEARCH_ROWS + rows_left)
            table = builder.finish()
            if table is not None:
                rows_left -= builder.rows_used()
                tables.append(table)
    return tables


class _TableBuilder:
    """One sheet's table as its rows stream in (``sheetxml.Sink``): the header is looked for in the
    first ``HEADER_SEARCH_ROWS`` rows, then only the header's columns are kept, no row is let in
    more than ``rows_left`` rows below the header, and reading stops early on a sheet without one."""

    def __init__(self, name: str, aliases: dict[str, str], required: tuple[str, ...], rows_left: int):
        self.name, self.aliases, self.required, self.rows_left = name, aliases, required, rows_left
        self.head: list[tuple[int, tuple]] = []
        self.table: SheetTable | None = None
        self.searched = False
        self.keep: frozenset[int] | None = None
        self.width = 0
        self.last = 0

    def row_start(self, number: int) -> frozenset[int] | None:
        if not self.searched and number > HEADER_SEARCH_ROWS:
            self._search()
            if self.table is None:
                raise xlsxparts.Done  # no header in the first rows: the rest of the sheet is not read
        if self.table is not None:
            self._check_position(number)
        return self.keep

    def _check_position(self, number: int) -> None:
        if self.table is not None and number - self.table.header_row > self.rows_left:
            raise WorkbookError(
                f"数据行数超过上限 {settings.IMPORT_MAX_ROWS} 行（工作表“{self.name}”第 {number} 行已超出，"
                "空行也计入），请删除多余的行或拆分后分批导入。"
            )

    def row_end(self, number: int, cells: dict[int, object]) -> None:
        self.last = number
        if self.searched:
            self._add(number, tuple(map(cells.get, range(1, self.width + 1))))
        else:
            self.head.append((number, tuple(map(cells.get, range(1, max(cells, default=0) + 1)))))

    def finish(self) -> SheetTable | None:
        if not self.searched:
            self._search()
        return self.table

    def rows_used(self) -> int:
        header_row = self.table.header_row if self.table else 0
        return max(self.last, header_row) - header_row

    def _search(self) -> None:
        self.searched = True
        found = _find_header(self.head, self.aliases, self.required)
        if found is None:
            return
        header_row, columns, headers = found
        self.table = SheetTable(self.name, header_row, columns, headers)
        self.keep = frozenset(index + 1 for index in columns.values())
        self.width = max(columns.values()) + 1
        for number, cells in self.head:
            if number > header_row:
                self._check_position(number)
                kept = tuple(value if index + 1 in self.keep else None for index, value in enumerate(cells))
                self._add(number, kept[: self.width])
        self.head = []

    def _add(self, number: int, cells: tuple) -> None:
        if self.table is not None and _has_values(cells):
            self.table.rows.append((number, cells))


def _unreadable(error: Exception) -> WorkbookError:
    """The file-level error for a workbook openpyxl failed on (logged, without its content)."""
    if _caused_by_unsafe_xml(error):
        logger.warning("import refused: unsafe XML declarations")
        return WorkbookError("文件含有不安全的 XML 内容（实体或外部引用声明），已拒绝。")
    logger.info("import: unreadable workbook (%s: %s)", type(error).__name__, error)
    return WorkbookError("文件已损坏或内容不是有效的 Excel 工作簿，无法读取。")


def _caused_by_unsafe_xml(error: BaseException) -> bool:
    """defusedxml's refusal, possibly wrapped by openpyxl in a ValueError."""
    seen = 0
    current: BaseException | None = error
    while current is not None and seen < 10:
        if isinstance(current, DefusedXmlException):
            return True
        current = current.__cause__ or current.__context__
        seen += 1
    return False


def _has_values(cells: tuple) -> bool:
    return any(value is not None and (not isinstance(value, str) or value.strip()) for value in cells)


def cell_text(value) -> str:
    """A cell as clean text: numbers without a spurious ``.0``, Excel error values refused."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int | float):
        return _number_text(value)
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time(0) else value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    text = str(value).replace("\u3000", " ").strip()
    if text in _EXCEL_ERRORS:
        raise CellError(f"单元格为 Excel 错误值 {text}（公式未能算出结果）")
    return text


def _number_text(value: int | float) -> str:
    """A numeric cell as text; a whole number longer than Excel keeps exactly is refused."""
    if isinstance(value, float) and not value.is_integer():
        return repr(value)
    whole = int(value)
    if len(str(abs(whole))) > EXCEL_EXACT_DIGITS:
        raise CellError("该单元格是超过15位的数字，Excel 已丢失末尾数字：请将该列设为“文本”格式后重新填写")
    return str(whole)


def cell_date(value) -> datetime.date | None:
    """A date from an Excel date cell, an Excel serial number or text in the spellings of docs/domain.md §7."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = int(value)
        if number == value and 19000101 <= number <= 21001231:
            return _date_from_parts(str(number)[:4], str(number)[4:6], str(number)[6:])
        # A date typed into a "General" cell keeps its serial number (1 = 1900-01-01).
        if 1 <= value < 73051:  # up to 2099-12-31
            return from_excel(value).date()
        raise CellError(f"无法识别的日期，应为 {DATE_SPELLINGS}")
    text = unicodedata.normalize("NFKC", cell_text(value))
    match = _DATE_TEXT_RE.match(text) or _DATE_COMPACT_RE.match(text)
    if not match:
        raise CellError(f"无法识别的日期，应为 {DATE_SPELLINGS}")
    return _date_from_parts(match["y"], match["m"], match["d"])


def _date_from_parts(year: str, month: str, day: str) -> datetime.date:
    try:
        result = datetime.date(int(year), int(month), int(day))
    except ValueError as error:
        raise CellError("日期不存在（请核对月份和日期）") from error
    if not 1900 <= result.year <= 2100:
        raise CellError("日期年份应在1900至2100年之间")
    return result


def template_workbook(*, sheet_title: str, headers: list[str], example: list, formats: list[str]) -> bytes:
    """A blank list to fill in: the header row, one example row, text-formatted code columns.

    ``formats`` gives each column's number format ("@" keeps long codes as text, so Excel
    does not round an 18-digit number).
    """
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = sheet_title
    sheet.append(headers)
    sheet.append(example)
    bold = openpyxl.styles.Font(bold=True)
    for index, (header, number_format) in enumerate(zip(headers, formats, strict=True), start=1):
        letter = openpyxl.utils.get_column_letter(index)
        dimension = sheet.column_dimensions[letter]
        dimension.width = max(12, len(header) * 2 + 4)
        dimension.number_format = number_format  # applies to cells typed in later
        sheet.cell(row=1, column=index).font = bold
        sheet.cell(row=2, column=index).number_format = number_format
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
