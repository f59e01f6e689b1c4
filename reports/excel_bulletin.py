"""Sheet 通报 of the progress workbook: the unit table in the layout the bureau circulates (issue 14).

序号 | 旗县市区 | 目标任务 | 完成数 | 完成率 | 序时进度 | 排名, one block per plan indicator,
units in the official order with a 合计 line, ties ranked 并列, the same blocks as
``/reports/bulletin/`` (``progress.build_bulletin``). The alert colours are conditional formats
(openpyxl writes them in write-only mode too: they go out with the sheet's tail) computed in
Excel from 完成数 and 序时进度 by the same rule as ``schedule.ScheduleRule.alert``; the alert is
also written as a word (正常 / 关注 / 滞后), so a black-and-white print loses nothing.

Printed on A4 portrait, one page wide, the title and header rows repeated on every page and
"第 N 页，共 M 页" in the footer.
"""

import datetime

from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from units.scope import Scope

from . import excel, schedule
from .columns import INT, PERCENT, Column
from .progress import BLOCK_NUMERALS, BulletinBlock, BulletinRow, build_bulletin, build_progress

SHEET_NAME = "通报"
COLUMNS = (
    Column("序号", 6, INT),
    Column("旗县市区", 22),
    Column("目标任务", 10, INT),
    Column("完成数", 10, INT),
    Column("完成率", 10, PERCENT),
    Column("序时进度", 10, INT),
    Column("排名", 11),
)
LAST_COLUMN = "G"
THIN = Side(style="thin", color="808080")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTER = Alignment(horizontal="center", vertical="center")
# Named fonts: a bold cell without a font name prints in another typeface in LibreOffice.
FONT = "Calibri"
TITLE_FONT = Font(name=FONT, bold=True, size=14)
HEADER_FONT = Font(name=FONT, bold=True)
TOTAL_FONT = Font(name=FONT, bold=True)
CAPTION_FONT = Font(name=FONT, bold=True, size=11)
LINE_CHARACTERS = 42  # CJK characters on one line across the merged columns
CAPTION_ALIGNMENT = Alignment(horizontal="left", vertical="center", wrap_text=True)
NOTE_ALIGNMENT = Alignment(horizontal="left", vertical="top", wrap_text=True)
DASH = "—"
CENTRED = {"序号", "排名"}
TITLE_ALIGNMENT = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _block_values(row: BulletinRow) -> list:
    """One line's values in ``COLUMNS`` order (未设定 where no target is set)."""
    cell = row.cell
    return [
        row.number,
        row.name,
        excel.NOT_SET if cell.target is None else cell.target,
        cell.actual,
        excel.completion_value(cell),
        DASH if cell.schedule is None else cell.schedule,
        row.rank_text,
    ]


def _append_line(ws, row: BulletinRow, *, total: bool) -> None:
    style = {"border": BORDER, **({"font": TOTAL_FONT} if total else {})}
    cells = []
    for column, value in zip(COLUMNS, _block_values(row), strict=True):
        centred = column.header in CENTRED or (total and column.header == "旗县市区")
        cells.append(excel.value_cell(ws, value, column.kind, **style, **({"alignment": CENTER} if centred else {})))
    if row.number is None:  # the 合计 line: an empty, bordered 序号
        cells[0] = excel.text_cell(ws, "", border=BORDER)
    ws.append(cells)


def alert_rules(rule: schedule.ScheduleRule, first_row: int) -> dict[str, FormulaRule]:
    """The three alert formats for rows from ``first_row`` on: 完成数 (D) against 序时进度 (F).

    Integer arithmetic (thresholds × 100, two places by the model), so Excel draws exactly the
    colour the page shows; a line without a schedule (F not a number) gets none.
    """
    actual, due = f"$D{first_row}*100", f"$F{first_row}"
    green, yellow = rule.green_percent, rule.yellow_percent
    formulas = {
        schedule.GREEN: f"AND(ISNUMBER({due}),{actual}>={green}*{due})",
        schedule.YELLOW: f"AND(ISNUMBER({due}),{actual}>={yellow}*{due},{actual}<{green}*{due})",
        schedule.RED: f"AND(ISNUMBER({due}),{actual}<{yellow}*{due})",
    }
    return {
        alert: FormulaRule(
            formula=[formula],
            fill=PatternFill(
                fill_type="solid", start_color=schedule.ALERT_FILLS[alert], end_color=schedule.ALERT_FILLS[alert]
            ),
            font=Font(color=schedule.ALERT_FONTS[alert]),
        )
        for alert, formula in formulas.items()
    }


def _write_block(ws, position: int, block: BulletinBlock, first_row: int, rule) -> int:
    """A caption line, the unit lines and the 合计 line from ``first_row``; returns the next free row."""
    caption = f"{BLOCK_NUMERALS[position]}、{block.indicator.label}（{block.method}）"
    ws.row_dimensions[first_row].height = line_height(caption)  # write-only: set before the row
    ws.append([excel.text_cell(ws, caption, font=CAPTION_FONT, alignment=CAPTION_ALIGNMENT)])
    ws.merged_cells.add(f"A{first_row}:{LAST_COLUMN}{first_row}")
    for row in block.rows:
        _append_line(ws, row, total=False)
    _append_line(ws, block.total, total=True)
    start, end = first_row + 1, first_row + 1 + len(block.rows)
    for formatting in alert_rules(rule, start).values():
        ws.conditional_formatting.add(f"D{start}:E{end}", formatting)
    ws.append([])
    return end + 2


def line_height(text: str) -> float:
    """Points for ``text`` wrapped across the merged columns (write-only mode cannot fit rows)."""
    lines = -(-len(text) // LINE_CHARACTERS)
    return 16.0 * lines + 4


def title_text(heading: str, year: int) -> str:
    """The 通报's title on two lines: what it is, then the workbook's date and scope."""
    details = heading.split(" · ")[2:]  # 统计截至… · 范围：…
    return f"通辽市{year}年科技企业培育工作进度通报\n（{' · '.join(details) or heading}）"


def notes(rule: schedule.ScheduleRule, *, ranked: bool) -> list[str]:
    """The notes under the blocks: how each column is read (the legend of the colours)."""
    lines = [
        "完成率 = 完成数 ÷ 目标任务；目标任务未设定的不计完成率、序时进度和预警。",
        f"预警：完成数达到序时进度的 {rule.green_percent}% 及以上为“正常”（绿），"
        f"{rule.yellow_percent}%—{rule.green_percent}% 为“关注”（黄），低于 {rule.yellow_percent}% 为“滞后”（红）。",
    ]
    if ranked:
        lines.append("排名按完成率从高到低，完成率相同的并列。")
    else:
        lines.append("排名在全市各旗县市区之间比较，本表只含本单位，不列排名。")
    return [f"注{n}：{line}" for n, line in enumerate(lines, start=1)]


def _start_sheet(wb, title: str):
    """The sheet with its widths and print setup, the title line (merged, centred) and the header."""
    ws = wb.create_sheet(SHEET_NAME)
    for index, column in enumerate(COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(index)].width = column.width
    ws.freeze_panes = "A3"
    ws.print_title_rows = "1:2"
    ws.page_setup.orientation = "portrait"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.footer = 0.3
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    ws.oddFooter.center.size = 9
    ws.row_dimensions[1].height = 44
    ws.row_dimensions[2].height = 22
    ws.append([excel.text_cell(ws, title, font=TITLE_FONT, alignment=TITLE_ALIGNMENT)])
    ws.merged_cells.add(f"A1:{LAST_COLUMN}1")
    header = {"font": HEADER_FONT, "fill": excel.HEADER_FILL, "alignment": excel.HEADER_ALIGNMENT}
    ws.append([excel.text_cell(ws, column.header, border=BORDER, **header) for column in COLUMNS])
    return ws


def write_bulletin(wb, heading: str, *, year: int, as_of: datetime.date, scope: Scope) -> None:
    """通报: one block per plan indicator, scoped like the dashboard (a county official: their unit
    and the city's 全市合计, unranked)."""
    ws = _start_sheet(wb, title_text(heading, year))
    progress = build_progress(year=year, as_of=as_of, scope=scope)
    rule = progress.rule
    assert rule is not None  # build_progress always sets it
    blocks = build_bulletin(progress, ranked=scope.is_city)
    row = 3
    for position, block in enumerate(blocks):
        row = _write_block(ws, position, block, row, rule)
    for line in notes(rule, ranked=scope.is_city):
        ws.row_dimensions[row].height = line_height(line)
        ws.append([excel.text_cell(ws, line, alignment=NOTE_ALIGNMENT)])
        ws.merged_cells.add(f"A{row}:{LAST_COLUMN}{row}")
        row += 1
