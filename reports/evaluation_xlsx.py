"""The evaluation workbook (…终期评估.xlsx), openpyxl write-only, cell for cell the JSON's figures.

Sheets, in order: 总体评估 (per indicator the final year against its target and the earliest
baseline), 分年度 (the city's baselines and each year's target, actual and completion) and
分旗县市区 (per unit and indicator each year's quota, actual and completion, years met, final
completion and rank). Built from one ``evaluation.Evaluation``; text that a spreadsheet could
take for a formula is stored as text (``excel.value_cell``).
"""

from openpyxl import Workbook

from .columns import DATE, DECIMAL, INT, PERCENT, Column
from .evaluation import Evaluation
from .evaluation_text import date_text, growth_text
from .excel import add_filter, append_row, completion_value, start_sheet, value_cell

SHEET_NAMES = ("总体评估", "分年度", "分旗县市区")
MULTIPLE_FORMAT = "0.0000"

SUMMARY_COLUMNS = (
    Column("指标", 26),
    Column("终期年度", 9, INT),
    Column("统计日期", 12, DATE),
    Column("目标", 9, INT),
    Column("实际", 9, INT),
    Column("完成率", 10, PERCENT),
    Column("最早基数年度", 10, INT),
    Column("最早基数", 9, INT),
    Column("为最早基数的倍数", 12, DECIMAL),
    Column("年均增长率", 10, PERCENT),
    Column("评估表述", 60),
)
YEAR_COLUMNS = (
    Column("指标", 26),
    Column("年度", 8, INT),
    Column("类别", 8),
    Column("统计日期", 12, DATE),
    Column("基数", 9, INT),
    Column("目标", 9, INT),
    Column("实际", 9, INT),
    Column("完成率", 10, PERCENT),
)


def filename(evaluation: Evaluation, extension: str) -> str:
    plan = evaluation.plan
    return f"行动方案{plan.first_year}-{plan.last_year}年{evaluation.kind}.{extension}"


def heading(evaluation: Evaluation) -> str:
    scope = "全市" if evaluation.ranked else "、".join(row.county.name for row in evaluation.units) or "无"
    return f"{evaluation.plan_title} · {evaluation.kind} · 统计截至{date_text(evaluation.as_of)} · 范围：{scope}"


def write_summary(wb, evaluation: Evaluation) -> None:
    ws = start_sheet(wb, "总体评估", f"{heading(evaluation)} · 总体评估", SUMMARY_COLUMNS)
    for item in evaluation.city:
        final, growth = item.final, item.growth
        rate = growth.annual_rate_percent if growth else None
        values = [
            item.indicator.label,
            final.year,
            final.as_of,
            final.cell.target,
            final.cell.actual,
            completion_value(final.cell),
            growth.baseline_year if growth else None,
            growth.baseline if growth else None,
        ]
        row = [
            value_cell(ws, value, column.kind)
            for column, value in zip(SUMMARY_COLUMNS[: len(values)], values, strict=True)
        ]
        multiple = growth.multiple if growth else None
        row.append(value_cell(ws, multiple, DECIMAL, number_format=MULTIPLE_FORMAT) if multiple is not None else None)
        row.append(value_cell(ws, rate / 100, PERCENT) if rate is not None else None)
        row.append(value_cell(ws, growth_text(growth)) if growth else None)
        ws.append(row)
    add_filter(ws, list(SUMMARY_COLUMNS), len(evaluation.city) + 2)


def write_years(wb, evaluation: Evaluation) -> None:
    ws = start_sheet(wb, "分年度", f"{heading(evaluation)} · 全市分年度完成情况", YEAR_COLUMNS)
    rows = 2
    for item in evaluation.city:
        label = item.indicator.label
        for year, value in item.baselines:
            append_row(ws, YEAR_COLUMNS, (label, year, "基数", None, value, None, None, None))
            rows += 1
        for figure in item.years:
            cell = figure.cell
            values = (
                label,
                figure.year,
                "方案年度",
                figure.as_of,
                None,
                cell.target,
                cell.actual,
                completion_value(cell),
            )
            append_row(ws, YEAR_COLUMNS, values)
            rows += 1
    add_filter(ws, list(YEAR_COLUMNS), rows)


def unit_columns(evaluation: Evaluation) -> list[Column]:
    columns = [Column("代码", 9), Column("旗县市区", 20), Column("指标", 26)]
    for year in evaluation.years:
        columns += [
            Column(f"{year}年任务数", 9, INT),
            Column(f"{year}年实际数", 9, INT),
            Column(f"{year}年完成率", 10, PERCENT),
        ]
    columns += [
        Column("达标年数", 9, INT),
        Column("终期完成率", 10, PERCENT),
        Column("排名", 8, INT),
        Column("并列", 6),
    ]
    return columns


def write_units(wb, evaluation: Evaluation) -> None:
    columns = unit_columns(evaluation)
    note = "" if evaluation.ranked else "（排名在全市范围内计算，本范围不列）"
    ws = start_sheet(wb, "分旗县市区", f"{heading(evaluation)} · 分旗县市区完成情况{note}", columns)
    rows = 2
    for row in evaluation.units:
        for item in row.indicators:
            values: list[object] = [row.county.code, row.county.name, item.indicator.label]
            for figure in item.years:
                values += [figure.cell.target, figure.cell.actual, completion_value(figure.cell)]
            values += [item.years_met, completion_value(item.final.cell), item.rank, "并列" if item.tied else None]
            append_row(ws, columns, values)
            rows += 1
    add_filter(ws, columns, rows)


def write_evaluation_workbook(output, evaluation: Evaluation) -> int:
    """Write the workbook to ``output`` (path or file); returns the number of unit rows."""
    wb = Workbook(write_only=True)
    write_summary(wb, evaluation)
    write_years(wb, evaluation)
    write_units(wb, evaluation)
    wb.save(output)
    return len(evaluation.units)
