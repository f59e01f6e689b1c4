"""Reading a list's data rows: each sheet's table under its header, each cell parsed by its column.

A total row — 合计, 小计, 总计 or 共计 (“合 计”, “合计：15家”, “开鲁县小计”) in the sheet's first
column, the 序号 column or the row's label column (企业名称; a quota list's 旗县市区) — is marked
``Row.total`` and not parsed: it is no enterprise's (or unit's) row, whatever its other cells hold.
"""

import re
import unicodedata

from .columns import Column, KindSpec
from .planning import Row, RowResult
from .workbook import CellError, SheetTable, WorkbookError, cell_text, read_tables


def read_rows(content: bytes, spec: KindSpec) -> tuple[list[str], list[Row]]:
    """The names of the sheets read and their data rows, parsed; a parser's refusal is the row's error."""
    tables = read_tables(content, aliases=spec.aliases(), required=spec.required, required_labels=spec.required_labels)
    rows = []
    for table in tables:
        if spec.required_any and not any(key in table.columns for key in spec.required_any):
            wanted = "”“".join(spec.column(key).label for key in spec.required_any)
            raise WorkbookError(f"工作表“{table.name}”的表头中没有“{wanted}”中的任何一列。")
        columns = [(spec.column(key), index) for key, index in table.columns.items()]
        for number, cells in table.rows:
            row = _parse_row(spec, table, columns, number, cells)
            if row is not None:
                rows.append(row)
    return [table.name for table in tables], rows


# A short place or label before the word is allowed (“开鲁县小计”), a company name is not (“合计科技有限公司”).
TOTAL_RE = re.compile(r"^.{0,10}?(?:合计|小计|总计|共计)(?:[:：(（\d].*)?$")


def is_total(text: str) -> bool:
    """Whether a cell's text marks a total row."""
    folded = unicodedata.normalize("NFKC", text).replace(" ", "")
    return bool(folded) and TOTAL_RE.match(folded) is not None


def _is_total_row(spec: KindSpec, written: dict[str, str], cells: tuple[object, ...]) -> bool:
    first = _written(cells[0]) if cells else ""
    return any(is_total(text) for text in (first, written.get("serial", ""), written.get(spec.label_key, "")))


def _written(value: object) -> str:
    """A cell's text as the messages quote it, even when it cannot be read."""
    try:
        return cell_text(value)
    except CellError:
        return str(value)


def _parse_row(
    spec: KindSpec, table: SheetTable, columns: list[tuple[Column, int]], number: int, cells: tuple[object, ...]
) -> Row | None:
    """A data row parsed column by column, or None for a row that is not data."""
    raw = {column.key: cells[index] if index < len(cells) else None for column, index in columns}
    written = {key: _written(value) for key, value in raw.items()}
    if not any(text for key, text in written.items() if key != "serial"):
        return None  # a note or a subtitle standing in the 序号 column
    if all(written[key] == table.headers[key] for key in written):
        return None  # the header repeated (a list pasted from several pages)
    row = Row(RowResult(table.name, number), {}, written, table.headers)
    if _is_total_row(spec, written, cells):
        row.total = True
        row.result.label = written.get(spec.label_key, "")
        return row
    for column, _index in columns:
        if not written[column.key]:
            row.values[column.key] = None
            continue
        try:
            value = column.parse(raw[column.key])
        except CellError as error:
            row.error(spec, column.key, error.reason)
            continue
        # A parsed 0 is a value (a quota of 0); only an empty result counts as blank.
        row.values[column.key] = None if value is None or value == "" else value
    row.result.label = row.values.get("name") or written.get("name", "")
    row.result.key = row.values.get("number") or row.values.get("credit_code") or written.get("number", "")
    return row
