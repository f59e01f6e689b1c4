"""The enterprise list as an Excel workbook: ``/enterprises/export.xlsx`` (issue 14).

The same rows as the list page for the same query string: ``visible_to(request.user)``, then
``EnterpriseFilter`` (a query the filter refuses shows everything, as the page does), in the list's
order, with the list's status columns. The workbook is written in openpyxl's write-only mode
from a streamed queryset into a temporary file and sent from there, so memory does not grow with
the number of enterprises. Text that a spreadsheet could take for a formula (``=``, ``+``, ``-``,
``@``, tab, CR first) is written as a string cell with Excel's quote prefix, never as a formula
(as ``reports/excel.py`` does). Every download is in the security log.
"""

import datetime
import tempfile
from dataclasses import dataclass

from django.http import FileResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from accounts import security
from units.models import County

from . import status
from .filters import EnterpriseFilter
from .models import Enterprise
from .views import _annotate_status

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
TITLE_FONT = Font(bold=True, size=13)
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")
HEADER_ALIGNMENT = Alignment(wrap_text=True, vertical="center", horizontal="center")
CHUNK = 2000


@dataclass(frozen=True)
class Column:
    header: str
    width: float
    date: bool = False


COLUMNS = (
    Column("序号", 6),
    Column("企业名称", 40),
    Column("统一社会信用代码", 22),
    Column("旗县市区", 18),
    Column("培育阶段", 10),
    Column("高新技术企业", 12),
    Column("证书有效期至", 13, date=True),
    Column("最近入库年度", 12),
    Column("技术领域", 16),
    Column("行业", 16),
    Column("成立日期", 12, date=True),
    Column("地址", 30),
    Column("联系人", 10),
    Column("联系电话", 16),
    Column("状态", 12),
    Column("备注", 30),
)


def text_cell(ws, value: str, **style) -> WriteOnlyCell:
    """A string cell that stays a string: never a formula, even when it starts like one."""
    cell = WriteOnlyCell(ws, value)
    cell.data_type = "s"
    if value.startswith(FORMULA_TRIGGERS):
        cell.quotePrefix = True  # Excel keeps it text even when the cell is edited and re-entered
    for name, setting in style.items():
        setattr(cell, name, setting)
    return cell


def cell_value(ws, value, column: Column):
    """Dates as dates, numbers as numbers, text as text (a formula-like text in its own text cell)."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return text_cell(ws, value) if value.startswith(FORMULA_TRIGGERS) else value
    if column.date and isinstance(value, datetime.date):
        cell = WriteOnlyCell(ws, value)
        cell.number_format = "yyyy-mm-dd"
        return cell
    return value


def hte_text(enterprise, horizon: datetime.date) -> str:
    """The list page's 高新技术企业 column in words."""
    if enterprise.hte_valid_until:
        return "即将到期" if enterprise.hte_valid_until <= horizon else "有效"
    return "已失效" if enterprise.hte_last_until else "从未认定"


def state_text(enterprise) -> str:
    if enterprise.left_city_on:
        return f"已迁出（{enterprise.left_city_on:%Y-%m-%d}）"
    if enterprise.closed_on:
        return f"已注销（{enterprise.closed_on:%Y-%m-%d}）"
    return ""


def row_values(n: int, enterprise, horizon: datetime.date) -> tuple:
    """One enterprise, in ``COLUMNS`` order."""
    return (
        n,
        enterprise.name,
        enterprise.credit_code,
        enterprise.county.name,
        "已认定" if enterprise.hte_valid_until else enterprise.get_stage_display(),
        hte_text(enterprise, horizon),
        enterprise.hte_valid_until,
        enterprise.sme_latest_year,
        enterprise.get_tech_field_display(),
        enterprise.industry,
        enterprise.established_on,
        enterprise.address,
        enterprise.contact_person,
        enterprise.contact_phone,
        state_text(enterprise),
        enterprise.notes,
    )


def filter_summary(filterset: EnterpriseFilter) -> str:
    """The filters in force, in words (``旗县市区：开鲁县；高企状态：有效期内``), or 全部企业."""
    if not filterset.is_bound or not filterset.is_valid():
        return "全部企业"
    form = filterset.form
    parts = []
    for name, field in form.fields.items():
        value = form.cleaned_data.get(name)
        if value not in (None, "", [], ()):
            parts.append(f"{field.label}：{_shown(field, value)}")
    return "；".join(parts) or "全部企业"


def _shown(field, value) -> str:
    """A filter's value as the form shows it: a choice's label, a unit's name, or the value."""
    if hasattr(field, "queryset"):  # a model choice (the unit): already the object, no query
        return str(value)
    choices = {str(key): label for key, label in getattr(field, "choices", ())}
    values = value if isinstance(value, list | tuple) else [value]
    return "、".join(str(choices.get(str(item), item)) for item in values)


def start_sheet(wb: Workbook, title: str) -> Worksheet:
    ws = wb.create_sheet("企业名录")
    for index, column in enumerate(COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(index)].width = column.width
    ws.freeze_panes = "C3"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_title_rows = "1:2"
    ws.append([text_cell(ws, title, font=TITLE_FONT)])
    ws.append(
        [text_cell(ws, c.header, font=HEADER_FONT, fill=HEADER_FILL, alignment=HEADER_ALIGNMENT) for c in COLUMNS]
    )
    return ws


def write_workbook(output, queryset, *, title: str, today: datetime.date) -> int:
    """Write the rows of ``queryset`` (annotated as the list is) to ``output``; returns the row count."""
    wb = Workbook(write_only=True)
    ws = start_sheet(wb, title)
    horizon = status.lapse_horizon(today)
    n = 0
    for n, enterprise in enumerate(queryset.iterator(chunk_size=CHUNK), start=1):
        ws.append(
            [cell_value(ws, value, c) for c, value in zip(COLUMNS, row_values(n, enterprise, horizon), strict=True)]
        )
    if n:
        ws.auto_filter.ref = f"A2:{get_column_letter(len(COLUMNS))}{n + 2}"
    wb.save(output)
    return n


def scope_name(user) -> str:
    if user.sees_all_counties:
        return "全市"
    county = County.objects.visible_to(user).first()
    return county.name if county else "无"


@require_GET
def enterprise_export(request):
    """The list page's rows for the same query string, as an Excel workbook."""
    today = timezone.localdate()
    base = Enterprise.objects.visible_to(request.user).select_related("county")
    filterset = EnterpriseFilter(request.GET or None, queryset=base, user=request.user)
    queryset = filterset.qs if filterset.is_bound and filterset.is_valid() else base
    summary = filter_summary(filterset)
    unit = scope_name(request.user)
    title = f"通辽市科技企业名录（{unit}）　{summary}　导出日期 {today:%Y-%m-%d}"
    # Deleted when FileResponse closes it after sending, hence no context manager.
    output = tempfile.TemporaryFile()  # noqa: SIM115
    rows = write_workbook(output, _annotate_status(queryset, today), title=title, today=today)
    output.seek(0)
    security.record(security.Kind.EXPORT, request=request, report="enterprises.xlsx", filters=summary, rows=rows)
    response = FileResponse(output, content_type=XLSX_CONTENT_TYPE)
    name = f"通辽市科技企业名录_{unit}_{today:%Y%m%d}.xlsx"
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=name)
    return response
