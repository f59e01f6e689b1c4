"""What a kind of list is made of: its columns and its header (docs/domain.md §7, issue 4).

Each kind is a table of columns: the key the importer uses, the header the template prints,
the header synonyms published lists use, and how a cell is read (``cells.py``). The columns
several kinds share are defined here; each kind's own table is in ``imports/kinds/``.
"""

from collections.abc import Callable
from dataclasses import dataclass

from stdnum.cn import uscc

from imports.models import ImportKind

from . import cells
from .workbook import cell_text, header_key, template_workbook


@dataclass(frozen=True)
class Column:
    """One column of a list: ``label`` is the template's header; ``synonyms`` are other headers
    seen in published lists; ``parse`` turns a non-blank cell into a value or raises CellError."""

    key: str
    label: str
    synonyms: tuple[str, ...] = ()
    parse: Callable[[object], object] = cell_text
    example: object = ""
    number_format: str = "General"


@dataclass(frozen=True)
class KindSpec:
    """A kind of list: its columns, the keys its header must contain (all of ``required``, and
    at least one of ``required_any`` when given), its template's names, the headings of the
    label and key each row shows in the preview, the column a row's label is read from (where,
    as in the first column, a total row says 合计) and the column of the date a row records."""

    kind: ImportKind
    columns: tuple[Column, ...]
    required: tuple[str, ...]
    sheet_title: str
    required_any: tuple[str, ...] = ()
    row_headings: tuple[str, str] = ("企业名称", "编号")
    label_key: str = "name"
    date_key: str = ""

    @property
    def template_file_name(self) -> str:
        return f"{self.kind.label}导入模板.xlsx"

    def column(self, key: str) -> Column:
        for column in self.columns:
            if column.key == key:
                return column
        raise KeyError(key)

    def aliases(self) -> dict[str, str]:
        """Folded header text → column key, for every label and synonym."""
        result: dict[str, str] = {}
        for column in self.columns:
            for header in (column.label, *column.synonyms):
                result.setdefault(header_key(header), column.key)
        return result

    @property
    def required_labels(self) -> tuple[str, ...]:
        return tuple(self.column(key).label for key in self.required)


def template_for(spec: KindSpec) -> bytes:
    """The downloadable blank list of a kind: its headers and one example row."""
    return template_workbook(
        sheet_title=spec.sheet_title,
        headers=[column.label for column in spec.columns],
        example=[column.example for column in spec.columns],
        formats=[column.number_format for column in spec.columns],
    )


def _example_credit_code() -> str:
    body = "91150502MA0000001"
    return body + uscc.calc_check_digit(body)


EXAMPLE_CODE = _example_credit_code()
EXAMPLE_NAME = f"{cells.EXAMPLE_MARK}通辽某某科技有限公司（导入前请删除本行）"
# Number formats: text (Excel keeps an 18-character code as typed) and a date.
TEXT = "@"
DATE = "yyyy-mm-dd"

# Columns several kinds share.
SERIAL = Column("serial", "序号", ("排序",), cell_text, 1)
NAME = Column(
    "name",
    "企业名称",
    ("单位名称", "公司名称", "企业名", "名称", "申报单位", "申报企业名称", "企业全称"),
    cells.enterprise_name,
    EXAMPLE_NAME,
)
CREDIT_CODE = Column(
    "credit_code",
    "统一社会信用代码",
    ("社会信用代码", "信用代码", "统一信用代码", "统一社会信用代码证号", "组织机构代码/统一社会信用代码"),
    cells.credit_code,
    EXAMPLE_CODE,
    TEXT,
)
COUNTY = Column(
    "county",
    "所属旗县市区",
    (
        "所属旗县",
        "旗县市区",
        "旗县区",
        "所在旗县市区",
        "所在地区",
        "所在地",
        "所属地区",
        "地区",
        "所属区域",
        "区域",
        "旗县",
    ),
    cells.text(50),
    "科尔沁区",
)
