"""The Word draft of the evaluation (…终期评估.docx), in the style of an official document.

Laid out after GB/T 9704-2012 (党政机关公文格式): A4, margins 37/35/28/26 mm, body in 仿宋 三号
(16 pt) on a fixed 28 pt line, first-level headings in 黑体, second-level in 楷体, the title in
小标宋 二号, page numbers "— 1 —" at the foot. The 文号 line is left blank for the secretariat;
the body sentences are ``evaluation_text``'s (the page shows the same words), followed by the
per-unit tables and an 附件 table of the indicators. Fonts are named, not embedded: Word, WPS
and LibreOffice substitute a CJK font where one is missing. Written with python-docx.
"""

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu, Mm, Pt

from .evaluation import CityIndicator, Evaluation, UnitIndicator, YearFigure
from .evaluation_text import city_sections, counting_note, date_text, growth_text, introduction, unit_sections

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
AUTHOR = "通辽市科学技术局"
BODY_FONT, HEADING_FONT, SUBHEADING_FONT, TITLE_FONT = "仿宋", "黑体", "楷体", "方正小标宋简体"
LATIN_FONT = "Times New Roman"
BODY_SIZE, TABLE_SIZE = Pt(16), Pt(10.5)
LINE = Pt(28)
INDENT = Pt(32)  # two characters of the body
PORTRAIT_TEXT_WIDTH = Mm(210 - 28 - 26)
LANDSCAPE_TEXT_WIDTH = Mm(297 - 28 - 26)
NAME_COLUMN = Mm(29)
ROW_HEIGHT = Mm(6.5)
CELL_MARGIN = Mm(1)
NOT_SET = "未设定"
# What may follow w:pBdr in w:pPr (ECMA-376 order, which Word enforces).
PBDR_SUCCESSORS = (
    *("w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct", "w:topLinePunct"),
    *("w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind"),
    *("w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment"),
    *("w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange"),
)


def set_fonts(target, east_asian: str, size=None, bold=None) -> None:
    """Set a run's or a style's fonts: ``east_asian`` for Chinese, Times New Roman for Latin and digits."""
    target.font.name = LATIN_FONT
    target.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), east_asian)
    if size is not None:
        target.font.size = size
    if bold is not None:
        target.font.bold = bold


def add_styles(document) -> None:
    normal = document.styles["Normal"]
    set_fonts(normal, BODY_FONT, BODY_SIZE)
    # The template's defaults mark East Asian text as en-US: say it is Chinese (line breaking, font choice).
    for lang in document.styles.element.iter(qn("w:lang")):
        lang.set(qn("w:eastAsia"), "zh-CN")
    body = normal.paragraph_format
    body.line_spacing_rule, body.line_spacing = WD_LINE_SPACING.EXACTLY, LINE
    body.space_before = body.space_after = Pt(0)
    body.first_line_indent = INDENT
    # Left, not justified: a line that cannot take the next figure (2.7倍, 100.0%) is not spread out.
    body.alignment = WD_ALIGN_PARAGRAPH.LEFT
    table_text = document.styles.add_style("表格文字", WD_STYLE_TYPE.PARAGRAPH)
    table_text.base_style = normal
    set_fonts(table_text, BODY_FONT, TABLE_SIZE)
    cell = table_text.paragraph_format
    cell.first_line_indent, cell.line_spacing_rule = Pt(0), WD_LINE_SPACING.SINGLE
    cell.alignment = WD_ALIGN_PARAGRAPH.CENTER


def set_page(section, landscape: bool = False) -> None:
    """A4 with the margins of GB/T 9704 (top 37, bottom 35, left 28, right 26 mm)."""
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (Mm(297), Mm(210)) if landscape else (Mm(210), Mm(297))
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.footer_distance = Mm(20)


def add_page_numbers(section) -> None:
    """— 1 — centred at the foot of every page (a PAGE field, so every viewer numbers the pages)."""
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.first_line_indent = Pt(0)
    parts = [("text", "— "), ("begin", None), ("instr", "PAGE"), ("separate", None), ("text", "1"), ("end", None)]
    for kind, value in [*parts, ("text", " —")]:
        run = paragraph.add_run()
        set_fonts(run, "宋体", Pt(14))
        if kind == "text":
            run.text = value
        elif kind == "instr":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = value
            run._r.append(instr)
        else:
            field = OxmlElement("w:fldChar")
            field.set(qn("w:fldCharType"), kind)
            run._r.append(field)


def paragraph(document, text: str = "", *, font: str = BODY_FONT, size=None, align=None, indent=True, **run_style):
    item = document.add_paragraph()
    if align is not None:
        item.alignment = align
    if not indent:
        item.paragraph_format.first_line_indent = Pt(0)
    if text:
        set_fonts(item.add_run(text), font, size, run_style.get("bold"))
    return item


def add_red_rule(item) -> None:
    """The red line under the document number (版头分隔线), as the paragraph's bottom border."""
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for name, value in (("val", "single"), ("sz", "12"), ("space", "6"), ("color", "C00000")):
        bottom.set(qn(f"w:{name}"), value)
    borders.append(bottom)
    item._p.get_or_add_pPr().insert_element_before(borders, *PBDR_SUCCESSORS)


def add_title(document, evaluation: Evaluation) -> None:
    number = paragraph(document, "〔　　　　〕　　号", align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    number.paragraph_format.space_after = Pt(12)
    add_red_rule(number)
    paragraph(document, indent=False)
    text = f"关于《{evaluation.plan_title}》{evaluation.kind}情况的报告"
    title = paragraph(document, text, font=TITLE_FONT, size=Pt(22), align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    title.paragraph_format.line_spacing = Pt(35)
    draft = paragraph(document, "（草稿）", font=SUBHEADING_FONT, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    draft.paragraph_format.space_after = Pt(14)


def add_section(document, heading: str, text: str) -> None:
    """A paragraph that opens with its 楷体 heading（（一）…。）and goes on in the body font."""
    item = document.add_paragraph()
    set_fonts(item.add_run(heading), SUBHEADING_FONT)
    set_fonts(item.add_run(text), BODY_FONT)


def mark_row(row, header: bool) -> None:
    """Keep a row on one page, at least ``ROW_HEIGHT`` high; repeat a header row on each page."""
    properties = row._tr.get_or_add_trPr()
    for name in ("w:cantSplit", "w:trHeight", "w:tblHeader") if header else ("w:cantSplit", "w:trHeight"):
        marker = OxmlElement(name)  # in schema order: cantSplit, trHeight, tblHeader
        if name == "w:trHeight":
            marker.set(qn("w:val"), str(int(ROW_HEIGHT.twips)))
            marker.set(qn("w:hRule"), "atLeast")
        else:
            marker.set(qn("w:val"), "true")
        properties.append(marker)


def set_cell_margins(table, side=CELL_MARGIN) -> None:
    """Narrow left and right cell margins, so 未设定 and 100.0% stay on one line in narrow columns."""
    margins = OxmlElement("w:tblCellMar")
    for edge in ("left", "right"):
        margin = OxmlElement(f"w:{edge}")
        margin.set(qn("w:w"), str(int(side.twips)))
        margin.set(qn("w:type"), "dxa")
        margins.append(margin)
    table._tbl.tblPr.insert_element_before(margins, "w:tblLook", "w:tblCaption", "w:tblDescription", "w:tblPrChange")


def new_table(document, widths: list):
    table = document.add_table(rows=0, cols=len(widths))
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    set_cell_margins(table)
    return table


def add_row(table, values: list[str], widths: list, header: bool = False):
    row = table.add_row()
    for cell, value, width in zip(row.cells, values, widths, strict=True):
        fill_cell(cell, value, width, bold=header)
    mark_row(row, header)
    return row


def fill_cell(cell, value: str, width=None, bold: bool = False, align=None) -> None:
    if width is not None:
        cell.width = width
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    item, *extra = cell.paragraphs  # a merged cell keeps the paragraphs of every cell merged into it
    for other in extra:
        other._p.getparent().remove(other._p)
    item.style = "表格文字"
    if align is not None:
        item.alignment = align
    for run in list(item.runs):
        run._r.getparent().remove(run._r)
    set_fonts(item.add_run(value), HEADING_FONT if bold else BODY_FONT, TABLE_SIZE)


def caption(document, text: str) -> None:
    item = paragraph(document, text, font=HEADING_FONT, size=Pt(14), align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    item.paragraph_format.space_before = Pt(8)
    item.paragraph_format.keep_with_next = True


def figure_text(value: int | None) -> str:
    return NOT_SET if value is None else str(value)


def completion_text(figure: YearFigure) -> str:
    percent = figure.cell.completion_percent
    return NOT_SET if percent is None else f"{percent}%"


def unit_table_widths(evaluation: Evaluation, text_width) -> list:
    columns = 2 * len(evaluation.years) + 3
    rest = Emu(int((text_width - NAME_COLUMN) / columns))
    return [NAME_COLUMN] + [rest] * columns


def unit_values(name: str, item: UnitIndicator) -> list[str]:
    values = [name]
    for figure in item.years:
        values += [figure_text(figure.cell.target), str(figure.cell.actual)]
    return [*values, completion_text(item.final), str(item.years_met), item.rank_text]


def add_unit_table(document, evaluation: Evaluation, item: CityIndicator, number: int, text_width) -> None:
    """表N: per unit each year's quota and actual, final completion, years met and rank."""
    caption(document, f"表{number}　{item.indicator.label}分旗县市区完成情况")
    widths = unit_table_widths(evaluation, text_width)
    table = new_table(document, widths)
    years = list(evaluation.years)
    top = add_row(
        table,
        ["旗县市区", *[f"{year}年" for year in years for _ in (0, 1)], "终期完成率", "达标年数", "排名"],
        widths,
        True,
    )
    below = add_row(table, ["", *["任务数", "实际"] * len(years), "", "", ""], widths, True)
    for index in range(len(years)):  # 2023年 over its 任务数 and 实际 columns
        merged = top.cells[1 + 2 * index].merge(top.cells[2 + 2 * index])
        fill_cell(merged, f"{years[index]}年", bold=True)
    for index in (0, *range(1 + 2 * len(years), 4 + 2 * len(years))):  # the other headers span both rows
        text = top.cells[index].text
        fill_cell(top.cells[index].merge(below.cells[index]), text, bold=True)
    for row in evaluation.units:
        add_row(table, unit_values(row.county.name, row.of(item.indicator)), widths)
    final = item.final
    city = ["全市", *[v for figure in item.years for v in (figure_text(figure.cell.target), str(figure.cell.actual))]]
    add_row(table, [*city, completion_text(final), str(item.years_met) if item.has_targets else "—", "—"], widths)


def add_unit_tables(document, evaluation: Evaluation) -> None:
    """The per-unit tables; a plan of more than three years gets a landscape section for them."""
    landscape = len(evaluation.years) > 3
    if landscape:
        section = document.add_section()
        set_page(section, landscape=True)
    width = LANDSCAPE_TEXT_WIDTH if landscape else PORTRAIT_TEXT_WIDTH
    for number, item in enumerate(evaluation.city, start=1):
        add_unit_table(document, evaluation, item, number, width)
    note = (
        "注：完成率为终期年度实际数与任务数之比；达标年数为实际数不低于任务数的年度数；排名按终期完成率，相同者并列。"
    )
    if not evaluation.ranked:
        note += "排名在全市范围内计算，本稿不列。"
    paragraph(document, note, size=Pt(12), indent=False).paragraph_format.space_before = Pt(6)
    if landscape:
        set_page(document.add_section())


def annex_rows(item: CityIndicator) -> list[list[str]]:
    rows = [[f"{year}年底", "—", str(value), "—", "方案基数"] for year, value in item.baselines]
    for figure in item.years:
        note = f"截至{date_text(figure.as_of)}" if figure.as_of.month != 12 or figure.as_of.day != 31 else "年末数"
        rows.append(
            [
                f"{figure.year}年",
                figure_text(figure.cell.target),
                str(figure.cell.actual),
                completion_text(figure),
                note,
            ]
        )
    return rows


def add_annex(document, evaluation: Evaluation) -> None:
    """附件: the indicators, their baselines and each year's target, actual and completion."""
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    paragraph(document, "附件", font=HEADING_FONT, indent=False)
    title = f"{evaluation.plan_title}各项指标完成情况表"
    item = paragraph(document, title, font=TITLE_FONT, size=Pt(18), align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    item.paragraph_format.space_after = Pt(10)
    widths = [Mm(44), Mm(24), Mm(20), Mm(20), Mm(20), Mm(28)]
    table = new_table(document, widths)
    add_row(table, ["指标", "年度", "目标", "实际", "完成率", "说明"], widths, header=True)
    for indicator in evaluation.city:
        rows = [add_row(table, ["", *values], widths) for values in annex_rows(indicator)]
        if indicator.growth is not None:
            growth = add_row(table, ["", "终期", "", "", "", ""], widths)
            merged = growth.cells[2].merge(growth.cells[5])
            fill_cell(merged, growth_text(indicator.growth), align=WD_ALIGN_PARAGRAPH.LEFT)
            rows.append(growth)
        first = rows[0].cells[0]
        fill_cell(first.merge(rows[-1].cells[0]) if len(rows) > 1 else first, indicator.indicator.label)


def build_document(evaluation: Evaluation):
    document = Document()
    add_styles(document)
    properties = document.core_properties
    properties.title = f"{evaluation.plan_title}{evaluation.kind}"
    properties.author = properties.last_modified_by = AUTHOR
    properties.comments = "草稿：由通辽市科技企业培育管理平台生成"
    section = document.sections[0]
    set_page(section)
    add_page_numbers(section)
    add_title(document, evaluation)
    paragraph(document, introduction(evaluation))
    paragraph(document, "一、总体完成情况", font=HEADING_FONT)
    for part in city_sections(evaluation):
        add_section(document, part.heading, part.text)
    paragraph(document, counting_note(evaluation))
    paragraph(document, "二、各旗县市区完成情况", font=HEADING_FONT)
    for part in unit_sections(evaluation):
        add_section(document, part.heading, part.text)
    add_unit_tables(document, evaluation)
    paragraph(document, "三、存在的问题和下一步工作", font=HEADING_FONT)
    paragraph(document, "（此部分由起草人根据评估情况补充。）")
    annex = paragraph(document, f"附件：{evaluation.plan_title}各项指标完成情况表")
    annex.paragraph_format.left_indent = INDENT + Pt(48)  # later lines align after 附件：
    annex.paragraph_format.first_line_indent = -Pt(48)
    paragraph(document)
    paragraph(document)
    for line in (AUTHOR, date_text(evaluation.today)):
        item = paragraph(document, line, align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
        item.paragraph_format.right_indent = Pt(64)
    add_annex(document, evaluation)
    return document


def write_evaluation_docx(output, evaluation: Evaluation) -> None:
    """Write the draft to ``output`` (a path or a binary file)."""
    build_document(evaluation).save(output)
