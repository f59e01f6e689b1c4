"""Reading one worksheet of an untrusted .xlsx as it streams, checking every reference first.

Each check runs when its element opens, before any value is built (issue 13):

- the declared dimension (``<dimension ref="A1:F20"/>``): past ``IMPORT_MAX_COLUMNS`` columns
  or the sheet's row limit, the file is refused before its first row;
- each row number: 1 … 1,048,576 (Excel's last row) and ascending; the sink — the table being
  built — refuses a row more than ``IMPORT_MAX_ROWS`` below the header, blank rows counted, so a
  row numbered 2,000,000,000 costs nothing;
- each cell's column: at most ``IMPORT_MAX_COLUMNS``, and at most ``IMPORT_MAX_CELLS`` cells in
  the file. A value is built only for the columns the sink keeps (every column while the header
  is looked for, then the header's recognised columns), so no row is wider than its header.

Values are openpyxl's, read-only with ``data_only``: a formula cell gives its cached value;
numbers in a date style become dates; shared and inline strings their text (phonetic hints left
out). Reading stops at ``</sheetData>``: nothing after it is needed.
"""

import re
import zipfile
from typing import Protocol

from django.conf import settings
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel, from_ISO8601

from .xlsxparts import MAX_CELL_CHARS, MAX_DEPTH, TOO_COMPLEX, Book, Budget, Done, Part, SheetPart, WorkbookError, tags

EXCEL_MAX_ROWS = 1_048_576
EXCEL_MAX_COLUMNS = 16_384
_REF_RE = re.compile(r"\$?([A-Za-z]{1,3})\$?([0-9]+)")
_TAGS = tags("row", "c", "v", "is", "t", "rPh", "dimension", "sheetData")
_DIGITS = "0123456789"
# "A" … "XFD" → 1 … 16,384, for the common spelling of a reference (capitals, no "$").
_COLUMNS = {get_column_letter(number): number for number in range(1, EXCEL_MAX_COLUMNS + 1)}


class Sink(Protocol):
    """Receives the rows of one sheet as they stream."""

    def row_start(self, number: int) -> frozenset[int] | None:
        """Check a row's position; the columns to build values for (None: all). May raise ``Done``."""

    def row_end(self, number: int, cells: dict[int, object]) -> None:
        """A row's values by column number (1 = A), only for the columns kept."""


def column_number(reference: str) -> int | None:
    """The column of a cell reference such as ``B7`` or ``$ab$12``; None if it is not one."""
    letters = reference.rstrip(_DIGITS)
    if len(letters) < len(reference) and letters in _COLUMNS:
        return _COLUMNS[letters]
    match = _REF_RE.fullmatch(reference)
    if match is None:
        return None
    number = 0
    for letter in match[1].upper():
        number = number * 26 + ord(letter) - 64
    return number


def row_number(text: str) -> int | None:
    """A row's ``r`` attribute as openpyxl reads it (``"7"``, also ``"7.0"``); None if it is none."""
    try:
        return int(text)
    except ValueError:
        pass
    try:
        value = float(text)
    except ValueError:
        return None
    return int(value) if value.is_integer() else None


class SheetReader(Part):
    """The handlers of one worksheet; see the module's docstring for what each element checks."""

    def __init__(self, sheet: SheetPart, book: Book, sink: Sink, budget: Budget, *, max_rows: int):
        super().__init__(budget)
        self.name, self.book, self.sink, self.max_rows = sheet.name, book, sink, max_rows
        self.max_columns = min(settings.IMPORT_MAX_COLUMNS, EXCEL_MAX_COLUMNS)
        self.left, self.cells_left = budget.elements, budget.cells
        self.row = self.column = 0
        self.row_text = "0"
        self.cells: dict[int, object] = {}
        self.keep: frozenset[int] | None = None
        self.keeping = self.capturing = self.inline = self.inline_seen = False
        self.kind: str | None = None
        self.style: str | None = None
        self.pieces: list[str] = []
        self.phonetic = 0

    def start(self, name, attrs):
        self.depth += 1
        self.left -= 1
        if self.depth > MAX_DEPTH or self.left < 0:
            self.overrun()
        tag = _TAGS.get(name)
        if tag is None:
            return
        if tag == "c":
            self.open_cell(attrs)
        elif tag == "v":
            self.capturing = self.keeping and self.kind != "inlineStr"
        elif tag == "t":
            self.capturing = self.inline and self.keeping and not self.phonetic
        elif tag == "row":
            self.open_row(attrs.get("r"))
        elif tag == "is":
            self.inline = self.inline_seen = self.kind == "inlineStr"
        elif tag == "rPh":
            self.phonetic += 1
        elif tag == "dimension":
            self.check_dimension(attrs.get("ref", ""))

    def end(self, name):
        self.depth -= 1
        tag = _TAGS.get(name)
        if tag is None:
            return
        if tag == "c":
            if self.keeping:
                self.cells[self.column] = self.value()
            self.keeping = self.capturing = False
        elif tag == "v" or tag == "t":
            self.capturing = False
        elif tag == "row":
            self.sink.row_end(self.row, self.cells)
        elif tag == "is":
            self.inline = False
        elif tag == "rPh":
            self.phonetic -= 1
        elif tag == "sheetData":
            raise Done

    def text(self, data):
        if self.capturing:
            self.pieces.append(data)  # a run is at most 256 KB (the tag gap); the cell is checked when it ends

    def overrun(self):
        if self.depth > MAX_DEPTH:
            raise WorkbookError(TOO_COMPLEX.format(what=f"元素嵌套超过 {MAX_DEPTH} 层"))
        raise self.budget.out_of_elements()

    def check_dimension(self, reference: str) -> None:
        last = reference.rpartition(":")[2]
        match = _REF_RE.fullmatch(last)
        if match is None:
            return  # no usable dimension: every row and cell is checked anyway
        if (column_number(last) or 0) > self.max_columns or int(match[2]) > self.max_rows:
            raise WorkbookError(
                f"工作表“{self.name}”声明的数据范围 {reference} 超过上限（最多 {self.max_columns} 列、"
                f"{self.max_rows} 行），已拒绝。请删除多余的空行和空列（包括只设置了格式的单元格）后重新保存，"
                "或拆分后分批导入。"
            )

    def open_row(self, reference: str | None) -> None:
        number = self.row + 1 if reference is None else row_number(reference)
        if number is None or not 0 < number <= EXCEL_MAX_ROWS:
            raise WorkbookError(
                f"工作表“{self.name}”的行号“{reference}”无效（Excel 的行号为 1 至 {EXCEL_MAX_ROWS}），"
                "文件已损坏或是构造的。"
            )
        if number <= self.row:
            raise WorkbookError(
                f"工作表“{self.name}”的行号顺序错误（第 {number} 行排在第 {self.row} 行之后），文件已损坏，"
                "请在 Excel 中打开后重新保存。"
            )
        self.row, self.column, self.cells, self.row_text = number, 0, {}, str(number)
        self.keep = self.sink.row_start(number)

    def open_cell(self, attrs: dict[str, str]) -> None:
        self.cells_left -= 1
        if self.cells_left < 0:
            raise WorkbookError(
                f"文件的单元格超过 {settings.IMPORT_MAX_CELLS} 个的上限（空单元格也计入），"
                "请删除多余的内容或拆分后分批导入。"
            )
        reference = attrs.get("r")
        column: int | None
        if reference is None:
            column = self.column + 1
        elif reference.endswith(self.row_text):  # "AB12" in row 12: one slice and one look-up
            column = _COLUMNS.get(reference[: -len(self.row_text)]) or column_number(reference)
        else:
            column = column_number(reference)
        if column is None:
            raise WorkbookError(f"工作表“{self.name}”第 {self.row} 行的单元格引用“{reference}”无效，文件已损坏。")
        if column > self.max_columns:
            self.too_wide(reference or f"{get_column_letter(column)}{self.row}", column)
        self.column = column
        self.keeping = self.keep is None or column in self.keep
        if self.keeping:
            self.kind, self.style = attrs.get("t"), attrs.get("s")
            self.pieces, self.inline_seen = [], False

    def too_wide(self, reference: str, column: int):
        raise WorkbookError(
            f"工作表“{self.name}”第 {self.row} 行的单元格 {reference} 位于第 {column} 列，超过列数上限 "
            f"{self.max_columns} 列，已拒绝。请删除表格右侧多余的列（包括只设置了格式的空白单元格）后重新保存。"
        )

    def value(self) -> object:
        """The cell's value as openpyxl gives it (read-only, ``data_only``)."""
        text = "".join(self.pieces)
        if len(text) > MAX_CELL_CHARS:
            raise WorkbookError(
                f"工作表“{self.name}”第 {self.row} 行有单元格超过 Excel 的 {MAX_CELL_CHARS} 个字符上限，文件已损坏。"
            )
        kind = self.kind
        if kind == "inlineStr":
            if not self.inline_seen:
                return None
            self.budget.keep_text(len(text))
            return text
        if not text:
            return None
        if kind is None or kind == "n":
            return self.number(text)
        if kind == "s":
            return self.book.strings[int(text)]
        if kind == "b":
            return bool(int(text))
        if kind == "d":
            return from_ISO8601(text)
        self.budget.keep_text(len(text))  # "str" (a formula's text result), "e" (an error value) …
        return text

    def number(self, text: str) -> object:
        value = float(text) if ("." in text or "E" in text or "e" in text) else int(text)
        if self.book.dates and self.style and int(self.style) in self.book.dates:
            try:
                return from_excel(value, self.book.epoch, timedelta=int(self.style) in self.book.durations)
            except (OverflowError, ValueError):
                return "#VALUE!"
        return value


def read_sheet(archive: zipfile.ZipFile, sheet: SheetPart, book: Book, sink: Sink, budget: Budget, *, max_rows: int):
    """Stream ``sheet`` into ``sink``; ``max_rows`` bounds the declared dimension."""
    reader = SheetReader(sheet, book, sink, budget, max_rows=max_rows)
    try:
        reader.parse(archive, sheet.path)
    finally:
        budget.elements, budget.cells = reader.left, reader.cells_left
