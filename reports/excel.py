"""The Excel progress report (通辽市科技企业培育进度_YYYY.xlsx), written with openpyxl's write-only mode.

Sheets, in order (issue 5; other tools read them by name): 总览, 分旗县市区, 高新技术企业名单,
科技型中小企业名单, 即将到期, then 通报 (issue 14, ``excel_bulletin``). Every figure comes from
``progress``/``counting``, every list from a ``visible_to`` queryset, so the workbook agrees with
the dashboard and the JSON. Rows are
streamed (write-only mode keeps them on disk, ``.iterator()`` reads them in chunks): memory does
not grow with the number of enterprises.

Text that a spreadsheet could take for a formula (``=``, ``+``, ``-``, ``@``, tab, CR first) is
stored as a string cell with Excel's quote prefix, never as a formula.
"""

import datetime
from collections.abc import Iterable
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell as SheetCell
from openpyxl.chart import BarChart, Reference
from openpyxl.chart.data_source import AxDataSource, StrRef
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from enterprises.models import CertificationKind
from units.models import County
from units.scope import Scope

from . import assessment, counting
from .columns import DATE, DECIMAL, HTE_COLUMNS, INT, LAPSE_COLUMNS, PERCENT, SME_COLUMNS, TEXT, Column, lapse_values
from .progress import SHORT_LABELS, Cell, build_forecast, build_progress, build_series

SHEET_NAMES = ("总览", "分旗县市区", "高新技术企业名单", "科技型中小企业名单", "即将到期", "通报")
NOT_SET = "未设定"
NOT_PUBLISHED = "未发布"
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
NUMBER_FORMATS = {DATE: "yyyy-mm-dd", PERCENT: "0.0%", INT: "0", DECIMAL: "0.00"}
TITLE_FONT = Font(bold=True, size=13)
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")
HEADER_ALIGNMENT = Alignment(wrap_text=True, vertical="center", horizontal="center")
TOTAL_FONT = Font(bold=True)
RIGHT = Alignment(horizontal="right")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def filename(year: int) -> str:
    return f"通辽市科技企业培育进度_{year}.xlsx"


def text_cell(ws, value: str, **style) -> SheetCell:
    """A string cell that stays a string: never a formula, even when it starts like one."""
    cell = WriteOnlyCell(ws, value)
    cell.data_type = "s"
    if value.startswith(FORMULA_TRIGGERS):
        cell.quotePrefix = True  # Excel keeps it text even when the cell is edited and re-entered
    for name, setting in style.items():
        setattr(cell, name, setting)
    return cell


def value_cell(ws, value, kind: str = TEXT, **style):
    """A cell of ``kind``: dates as dates, numbers as numbers, ratios as percentages, text as text.

    Unstyled plain values go in as they are (openpyxl writes a str as a string and a date with
    yyyy-mm-dd), sparing a cell object per value on lists of 100,000 rows; a string that could be
    read as a formula always gets its own text cell.
    """
    if not style:
        if value is None:
            return None
        if kind == TEXT and isinstance(value, str) and not value.startswith(FORMULA_TRIGGERS):
            return value
        if kind == DATE and isinstance(value, datetime.date):
            return value
    if isinstance(value, str):
        if kind != TEXT:  # 未设定 / 未发布 in a column of figures: aligned with them
            style = {"alignment": RIGHT, **style}
        return text_cell(ws, value, **style)
    if isinstance(value, Decimal):
        value = float(value)
    cell = WriteOnlyCell(ws, value)
    if kind in NUMBER_FORMATS and value is not None:
        cell.number_format = NUMBER_FORMATS[kind]
    for name, setting in style.items():
        setattr(cell, name, setting)
    return cell


def completion_value(cell: Cell | None):
    """actual ÷ target as a ratio (shown as a percentage), 未设定 without a target, blank without an actual."""
    if cell is None:
        return None
    if cell.completion is None:
        return NOT_SET
    return cell.completion


def start_sheet(wb: Workbook, name: str, title: str, columns: Iterable[Column]):
    """A sheet with widths, a title row, the header row and the header frozen below them."""
    ws = wb.create_sheet(name)
    columns = list(columns)
    for index, column in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = column.width
    ws.freeze_panes = "A3"
    # Printed: landscape, one page wide, title and header repeated on every page.
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_title_rows = "1:2"
    ws.row_dimensions[1].height = 22
    ws.row_dimensions[2].height = 30  # room for a header wrapped on two lines
    ws.append([text_cell(ws, title, font=TITLE_FONT)])
    ws.append(
        [text_cell(ws, c.header, font=HEADER_FONT, fill=HEADER_FILL, alignment=HEADER_ALIGNMENT) for c in columns]
    )
    return ws


def append_row(ws, columns: Iterable[Column], values: Iterable, **style) -> None:
    ws.append([value_cell(ws, value, column.kind, **style) for column, value in zip(columns, values, strict=True)])


def add_filter(ws, columns: list[Column], last_row: int) -> None:
    if last_row > 2:
        ws.auto_filter.ref = f"A2:{get_column_letter(len(columns))}{last_row}"


def scope_label(scope: Scope) -> str:
    """The scope named in the workbook's titles: 全市, the unit's name, or 无."""
    if scope.is_city:
        return "全市"
    county = County.objects.visible_to(scope).first()
    return county.name if county else "无"


def assessment_columns(year: int) -> dict[str, tuple]:
    """County code → (score, rank) of ``year``'s latest published assessment (issue 6).

    Scores are read from the frozen publication, never recomputed; before publication every
    unit gets 未发布. The one place the 分旗县市区 sheet learns about assessments.
    """
    scores = assessment.published_scores(year) or {}
    return {code: (Decimal(total), rank) for code, (total, rank) in scores.items()}


# -- Sheets ---------------------------------------------------------------------------------------


OVERVIEW_COLUMNS = (
    Column("指标", 26),
    Column("年度", 8, INT),
    Column("统计日期", 12, DATE),
    Column("基数", 10, INT),
    Column("目标", 10, INT),
    Column("实际", 10, INT),
    Column("完成率", 10, PERCENT),
    Column("距目标差额", 12, INT),
)


def write_overview(wb, heading: str, *, year, as_of, scope: Scope) -> None:
    """总览: per indicator, the plan's baselines, then per year the target, actual and completion (city)."""
    ws = start_sheet(wb, "总览", f"{heading} · 全市总览", OVERVIEW_COLUMNS)
    row = 2
    for series in build_series(year=year, as_of=as_of, scope=scope):
        for point in series.points:
            cell = point.cell
            values = (
                series.indicator.label,
                point.year,
                point.as_of,
                point.baseline,
                point.target,
                point.actual,
                completion_value(cell),
                cell.gap if cell else None,
            )
            append_row(ws, OVERVIEW_COLUMNS, values)
            row += 1
    add_filter(ws, list(OVERVIEW_COLUMNS), row)


def county_columns() -> list[Column]:
    columns = [Column("代码", 9), Column("旗县市区", 20)]
    for indicator in counting.INDICATORS:
        short = SHORT_LABELS[indicator]
        columns += [
            Column(f"{short}任务数", 11, INT),
            Column(f"{short}实际数", 11, INT),
            Column(f"{short}完成率", 11, PERCENT),
        ]
    columns += [
        Column("高新技术企业年末预测", 12, INT),
        Column("年末预测完成率", 11, PERCENT),
        Column("考核得分", 10, DECIMAL),
        Column("考核排名", 10, INT),
    ]
    return columns


def write_counties(wb, heading: str, *, year, as_of, scope: Scope) -> None:
    """分旗县市区: per visible unit quota, actual and completion per indicator, forecast, assessment.

    The 全市 row (city targets and totals) is added for users who see every unit. A native bar
    chart of quota against actual per unit follows for each plan indicator.
    """
    columns = county_columns()
    ws = start_sheet(wb, "分旗县市区", f"{heading} · 分旗县市区完成情况", columns)
    progress = build_progress(year=year, as_of=as_of, scope=scope)
    forecast_report = build_forecast(year=year, as_of=as_of, scope=scope)
    forecast = {row.county.pk: row for row in forecast_report.counties if row.county is not None}
    scores = assessment_columns(year)
    for row in progress.counties:
        values: list[object] = [row.county.code, row.county.name]
        for indicator in counting.INDICATORS:
            cell = row.cells[indicator.value]
            values += [cell.target, cell.actual, completion_value(cell)]
        expected = forecast[row.county.pk].cell
        values += [expected.actual, completion_value(expected), *scores.get(row.county.code, (NOT_PUBLISHED,) * 2)]
        append_row(ws, columns, values)
    units = len(progress.counties)
    if scope.is_city:
        values = [None, "全市"]
        for indicator in counting.INDICATORS:
            cell = progress.city[indicator.value]
            values += [cell.target, cell.actual, completion_value(cell)]
        expected = forecast_report.city.cell
        values += [expected.actual, completion_value(expected), None, None]
        append_row(ws, columns, values, font=TOTAL_FONT)
    if units:
        anchor_row = units + (5 if scope.is_city else 4)
        for position, indicator in enumerate(progress.indicators):
            first_column = 3 + 3 * counting.INDICATORS.index(indicator)
            chart = BarChart()
            chart.type = "col"
            chart.title = f"{SHORT_LABELS[indicator]}：任务数与实际数"
            chart.y_axis.title = "企业数"
            chart.x_axis.delete = False
            chart.y_axis.delete = False
            chart.width, chart.height = 22, 8
            data = Reference(ws, min_col=first_column, max_col=first_column + 1, min_row=2, max_row=units + 2)
            chart.add_data(data, titles_from_data=True)
            # Unit names are text: a string reference, or Excel labels the bars 1, 2, 3…
            names = Reference(ws, min_col=2, min_row=3, max_row=units + 2)
            for series in chart.series:
                series.cat = AxDataSource(strRef=StrRef(f=str(names)))
            ws.add_chart(chart, f"B{anchor_row + 17 * position}")


def write_high_tech(wb, heading: str, *, as_of, scope: Scope) -> int:
    """高新技术企业名单: valid HTEs at ``as_of``, one row per enterprise (its latest valid certificate)."""
    ws = start_sheet(wb, "高新技术企业名单", f"{heading} · 有效期内高新技术企业名单", HTE_COLUMNS)
    rows = (
        counting.valid_high_tech_certificates(as_of, scope)
        .order_by(
            f"{counting.UNIT_AT}__order",
            f"{counting.UNIT_AT}__code",
            "enterprise__name",
            "enterprise_id",
            "-valid_until",
        )
        .values_list(
            "enterprise_id",
            f"{counting.UNIT_AT}__name",
            "enterprise__name",
            "enterprise__credit_code",
            "number",
            "issued_on",
            "valid_until",
            "kind",
        )
    )
    kinds = dict(CertificationKind.choices)
    previous, number = None, 0
    for enterprise_id, county, name, code, certificate, issued, valid_until, kind in rows.iterator(chunk_size=2000):
        if enterprise_id == previous:
            continue  # an overlapping re-certification: the enterprise counts once (docs/domain.md §4)
        previous = enterprise_id
        number += 1
        append_row(ws, HTE_COLUMNS, (number, county, name, code, certificate, issued, valid_until, kinds.get(kind)))
    add_filter(ws, list(HTE_COLUMNS), number + 2)
    return number


def write_sme(wb, heading: str, *, year, as_of, scope: Scope) -> int:
    """科技型中小企业名单: registrations for evaluation year ``year`` in force at ``as_of``."""
    ws = start_sheet(wb, "科技型中小企业名单", f"{heading} · {year}年入库科技型中小企业名单", SME_COLUMNS)
    rows = (
        counting.sme_registrations(year, as_of, scope)
        .order_by(f"{counting.UNIT_AT}__order", f"{counting.UNIT_AT}__code", "enterprise__name", "pk")
        .values_list(
            f"{counting.UNIT_AT}__name",
            "enterprise__name",
            "enterprise__credit_code",
            "number",
            "year",
            "registered_on",
        )
    )
    number = 0
    for values in rows.iterator(chunk_size=2000):
        number += 1
        append_row(ws, SME_COLUMNS, (number, *values))
    add_filter(ws, list(SME_COLUMNS), number + 2)
    return number


def write_lapsing(wb, heading: str, *, year, as_of, scope: Scope) -> int:
    """即将到期: the re-certification work list, as on the dashboard."""
    horizon = counting.expiry_horizon(as_of)
    columns = (Column("序号", 6, INT), *LAPSE_COLUMNS)
    title = (
        f"{heading} · 即将到期且尚未重新认定的高新技术企业（有效期在 {as_of:%Y-%m-%d} 至 {horizon:%Y-%m-%d} 间结束）"
    )
    ws = start_sheet(wb, "即将到期", title, columns)
    lapses = counting.lapsing_certificates(as_of=as_of, until=horizon, scope=scope)
    for number, certificate in enumerate(lapses, start=1):
        append_row(ws, columns, (number, *lapse_values(certificate, as_of)))
    add_filter(ws, list(columns), len(lapses) + 2)
    return len(lapses)


def write_progress_workbook(output, *, year: int, as_of: datetime.date, scope: Scope) -> dict[str, int]:
    """Write the whole workbook for ``year`` as of ``as_of``, within ``scope``, to ``output`` (path or file).

    Returns the number of data rows of each list sheet (for the security log and the benchmark).
    """
    wb = Workbook(write_only=True)
    date_text = f"{as_of.year}年{as_of.month}月{as_of.day}日"
    heading = f"通辽市科技企业培育进度 · {year}年 · 统计截至{date_text} · 范围：{scope_label(scope)}"
    write_overview(wb, heading, year=year, as_of=as_of, scope=scope)
    write_counties(wb, heading, year=year, as_of=as_of, scope=scope)
    rows = {
        "高新技术企业名单": write_high_tech(wb, heading, as_of=as_of, scope=scope),
        "科技型中小企业名单": write_sme(wb, heading, year=year, as_of=as_of, scope=scope),
        "即将到期": write_lapsing(wb, heading, year=year, as_of=as_of, scope=scope),
    }
    from .excel_bulletin import write_bulletin  # it builds on this module's cells (no import cycle)

    write_bulletin(wb, heading, year=year, as_of=as_of, scope=scope)
    wb.save(output)
    return rows
