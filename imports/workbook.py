"""Opening untrusted .xlsx files safely, finding the header row and reading cell values.

Uploaded lists are untrusted (issue 4). Before openpyxl sees a byte the file must be a
zip holding an Office Open XML workbook, within limits on its member count and its
declared uncompressed size, so a zip bomb is refused from the central directory alone.
Python's zipfile stops reading a member at its declared size (and fails the CRC check if
the data claimed less), so the declared sizes bound what is really inflated. openpyxl
parses every part with defusedxml when it is installed; we refuse to run without it.
Workbooks are opened read-only with ``data_only=True``: a formula cell yields its cached
value, never its formula text.
"""

import datetime
import hashlib
import io
import itertools
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
from django.core.exceptions import ImproperlyConfigured
from openpyxl.utils.datetime import from_excel

logger = logging.getLogger("portal.security")

ZIP_MAGIC = b"PK\x03\x04"
# Compound File Binary (OLE2): legacy .xls, and also every password-protected .xlsx.
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
REQUIRED_MEMBERS = ("[Content_Types].xml", "xl/workbook.xml")
# A workbook has a few dozen parts; a few hundred sheets at most.
MAX_ZIP_MEMBERS = 1000
# A list at the row cap (200,000 rows) is about 150 MB of XML; allow some room above it.
MAX_UNCOMPRESSED_BYTES = 512 * 1024 * 1024
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


class WorkbookError(Exception):
    """A file-level problem, with a message in Chinese for the person who uploaded it."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


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


def _find_header(head: list[tuple], aliases: dict[str, str], required: tuple[str, ...]):
    """The first row holding every required column; a blank cell may be filled from the row
    above, for two-row headers whose upper cells are merged (e.g. "证书信息" over two columns)."""
    previous: tuple = ()
    for offset, cells in enumerate(head):
        candidates = [cells]
        if previous:
            width = max(len(cells), len(previous))
            filled = tuple(_cell_or_above(cells, previous, i) for i in range(width))
            candidates.append(filled)
        for candidate in candidates:
            columns, headers = _match_header(candidate, aliases)
            if all(key in columns for key in required):
                return offset + 1, columns, headers
        previous = cells
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
    if not openpyxl.DEFUSEDXML:
        # openpyxl falls back to the unprotected standard-library parser without it.
        raise ImproperlyConfigured("defusedxml must be installed (and OPENPYXL_DEFUSEDXML not disabled)")
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
    """The tables of every sheet with a header, holding at most ``IMPORT_MAX_ROWS`` data rows in all."""
    rows_left = settings.IMPORT_MAX_ROWS
    tables: list[SheetTable] = []
    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    try:
        for sheet in book.worksheets:
            table = _read_sheet(sheet, aliases, required, rows_left)
            if table is not None:
                rows_left -= len(table.rows)
                tables.append(table)
    finally:
        book.close()
    return tables


def _read_sheet(sheet, aliases: dict[str, str], required: tuple[str, ...], rows_left: int) -> SheetTable | None:
    """A sheet's table, or None when no header is found in its first rows; more than ``rows_left``
    data rows is an error naming the file's limit."""
    # The stored dimension may be wrong or missing; read every cell the sheet has.
    sheet.reset_dimensions()
    numbered = enumerate(sheet.iter_rows(min_row=1, values_only=True), start=1)
    head = list(itertools.islice(numbered, HEADER_SEARCH_ROWS))
    found = _find_header([cells for _, cells in head], aliases, required)
    if found is None:
        return None
    header_row, columns, headers = found
    table = SheetTable(sheet.title, header_row, columns, headers)
    for number, cells in itertools.chain(head[header_row:], numbered):
        if _has_values(cells):
            if len(table.rows) >= rows_left:
                max_rows = settings.IMPORT_MAX_ROWS
                raise WorkbookError(f"数据行数超过上限 {max_rows} 行，请拆分后分批导入。")
            table.rows.append((number, cells))
    return table


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
    while error is not None and seen < 10:
        if isinstance(error, DefusedXmlException):
            return True
        error = error.__cause__ or error.__context__
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
