"""Reading untrusted workbooks: header detection, dates, and every kind of hostile or broken file.

The builders at the top make workbooks in code; the other import tests use them too.
"""

import datetime
import functools
import io
import re
import time
import zipfile

import openpyxl
import pytest
from django.test import SimpleTestCase, override_settings

from imports import kinds
from imports.workbook import (
    MAX_ZIP_MEMBERS,
    CellError,
    WorkbookError,
    cell_date,
    cell_text,
    read_tables,
    workbook_check,
)

# --- Builders ---------------------------------------------------------------------------------

HTE_HEADER = ["序号", "企业名称", "统一社会信用代码", "证书编号", "发证日期", "所属旗县市区"]


def xlsx(rows, *, title=None, sheet="名单", more_sheets=None, header_merges=()) -> bytes:
    """A workbook with ``rows`` (lists of cell values); ``title`` adds a merged title row above."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet
    width = max((len(row) for row in rows), default=1)
    if title:
        ws.append([title])
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=max(width, 2))
    for row in rows:
        ws.append(row)
    for cell_range in header_merges:
        ws.merge_cells(cell_range)
    for name, extra_rows in (more_sheets or {}).items():
        extra = book.create_sheet(name)
        for row in extra_rows:
            extra.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def rewrite_member(content: bytes, name: str, transform) -> bytes:
    """The same zip with one member's text passed through ``transform``."""
    source = zipfile.ZipFile(io.BytesIO(content))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == name:
                data = transform(data.decode()).encode()
            target.writestr(info.filename, data)
    return buffer.getvalue()


@functools.lru_cache(maxsize=1)
def zip_bomb() -> bytes:
    """2.7 MB that inflate to 600 MB: the parts of a workbook and one huge sheet of zeros."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            chunk = b"\0" * (1 << 20)
            for _ in range(600):
                member.write(chunk)
    return buffer.getvalue()


ENTITY_BOMB = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
    ' <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">\n'
    ' <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">\n'
    ' <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">\n]>\n'
)


def entity_bomb(member: str = "xl/worksheets/sheet1.xml") -> bytes:
    """A valid list whose ``member`` declares nested entities (billion laughs) and uses them."""
    content = xlsx([HTE_HEADER, [1, "通辽某某科技有限公司", "", "GR202315000001", "2023-11-20", "科尔沁区"]])

    def plant(text: str) -> str:
        body = text.split("?>", 1)[1] if text.startswith("<?xml") else text
        return ENTITY_BOMB + body.replace("通辽某某科技有限公司", "&lol4;")

    return rewrite_member(content, member, plant)


def hte_tables(content: bytes):
    spec = kinds.HTE
    return read_tables(content, aliases=spec.aliases(), required=spec.required, required_labels=spec.required_labels)


# --- Header detection -------------------------------------------------------------------------


class HeaderDetectionTests(SimpleTestCase):
    def test_header_is_found_under_merged_title_rows(self):
        content = xlsx(
            [["通辽市科学技术局"], [], HTE_HEADER, [1, "甲公司", "", "GR202315000001", "2023-11-20", "科尔沁区"]],
            title="2023年第一批高新技术企业名单",
        )
        [table] = hte_tables(content)
        self.assertEqual(table.header_row, 4)
        self.assertEqual(table.rows[0][0], 5)
        self.assertEqual(table.columns["number"], 3)

    def test_synonyms_any_order_and_unknown_columns(self):
        content = xlsx(
            [["备注", "证书号", "发证时间", "单位名称", "所在地区"], ["x", "GR202315000001", "", "甲公司", ""]]
        )
        [table] = hte_tables(content)
        self.assertEqual(table.columns, {"number": 1, "issued_on": 2, "name": 3, "county": 4})
        self.assertEqual(table.headers["issued_on"], "发证时间")

    def test_headers_with_spaces_marks_and_hints_match(self):
        content = xlsx([["企 业 名 称*", "证书编号\n", "发证日期（yyyy-mm-dd）"], ["甲公司", "GR202315000001", ""]])
        [table] = hte_tables(content)
        self.assertEqual(set(table.columns), {"name", "number", "issued_on"})

    def test_two_row_header_under_merged_group_cells(self):
        content = xlsx(
            [
                ["序号", "企业名称", "证书信息", None],
                [None, None, "证书编号", "发证日期"],
                [1, "甲公司", "GR202315000001", ""],
            ],
            header_merges=("A1:A2", "B1:B2", "C1:D1"),
        )
        [table] = hte_tables(content)
        self.assertEqual(table.header_row, 2)
        self.assertEqual(table.columns["name"], 1)

    def test_sheets_without_a_header_are_skipped_and_every_list_sheet_is_read(self):
        content = xlsx(
            [["说明：本表为示例"]],
            sheet="说明",
            more_sheets={"第一批": [HTE_HEADER, [1, "甲公司"]], "第二批": [HTE_HEADER, [1, "乙公司"]]},
        )
        self.assertEqual([table.name for table in hte_tables(content)], ["第一批", "第二批"])

    def test_blank_rows_are_skipped(self):
        content = xlsx([HTE_HEADER, [1, "甲公司"], [], [None, "  "], [3, "丙公司"]])
        [table] = hte_tables(content)
        self.assertEqual([number for number, _ in table.rows], [2, 5])

    def test_missing_header_is_a_clear_error(self):
        with self.assertRaisesMessage(
            WorkbookError, "未找到表头：各工作表前 30 行中没有同时包含“企业名称”和“证书编号”的行"
        ):
            hte_tables(xlsx([["名称", "编码"], ["甲", "1"]]))


# --- Cells ------------------------------------------------------------------------------------


class CellTests(SimpleTestCase):
    def test_every_date_spelling_of_the_published_lists(self):
        expected = datetime.date(2023, 11, 20)
        for value in (
            "2023年11月20日",
            "2023-11-20",
            "2023.11.20",
            "2023/11/20",
            "2023/11/20 00:00:00",
            "２０２３年１１月２０日",
            " 2023 年 11 月 20 日 ",
            "20231120",
            datetime.datetime(2023, 11, 20),
            expected,
            45250,  # the serial number of a date typed into a "General" cell
            20231120,
        ):
            self.assertEqual(cell_date(value), expected, value)

    def test_single_digit_months_and_days(self):
        self.assertEqual(cell_date("2016年9月5日"), datetime.date(2016, 9, 5))
        self.assertEqual(cell_date("2016.9.5"), datetime.date(2016, 9, 5))

    def test_impossible_and_unreadable_dates(self):
        with self.assertRaisesMessage(CellError, "日期不存在"):
            cell_date("2023-02-30")
        with self.assertRaisesMessage(
            CellError, "无法识别的日期，应为 2023-11-20、2023/11/20、2023.11.20 或 2023年11月20日"
        ):
            cell_date("去年冬天")

    def test_blank_date_is_none(self):
        self.assertIsNone(cell_date(None))
        self.assertIsNone(cell_date("  "))

    def test_long_numbers_that_excel_has_rounded_are_refused(self):
        with self.assertRaisesMessage(CellError, "超过15位的数字"):
            cell_text(911505021234567890)
        with self.assertRaisesMessage(CellError, "超过15位的数字"):
            cell_text(9.11505021234568e17)
        self.assertEqual(cell_text(13904750000.0), "13904750000")

    def test_excel_error_values_are_refused(self):
        with self.assertRaisesMessage(CellError, "Excel 错误值 #N/A"):
            cell_text("#N/A")


# --- Hostile and broken files -------------------------------------------------------------------


class HostileFileTests(SimpleTestCase):
    def test_defusedxml_guards_openpyxl(self):
        assert openpyxl.DEFUSEDXML is True

    def test_zip_bomb_is_refused_in_well_under_a_second(self):
        bomb = zip_bomb()
        started = time.perf_counter()
        with self.assertRaisesMessage(WorkbookError, "压缩炸弹"):
            workbook_check(bomb)
        self.assertLess(time.perf_counter() - started, 0.1)

    def test_zip_with_too_many_members_is_refused(self):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("[Content_Types].xml", "<Types/>")
            archive.writestr("xl/workbook.xml", "<workbook/>")
            for index in range(MAX_ZIP_MEMBERS):
                archive.writestr(f"xl/media/{index}.bin", b"")
        with self.assertRaisesMessage(WorkbookError, "超过上限 1000"):
            workbook_check(buffer.getvalue())

    def test_xls_bytes_get_a_save_as_message(self):
        legacy = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504
        with self.assertRaisesMessage(WorkbookError, "这是旧版 .xls 文件或加密的工作簿，请在 Excel 中“另存为”"):
            workbook_check(legacy)

    def test_csv_renamed_xlsx_is_refused(self):
        csv = "企业名称,证书编号\n甲公司,GR202315000001\n".encode()
        with self.assertRaisesMessage(WorkbookError, "文件不是 .xlsx 工作簿（可能是 CSV"):
            workbook_check(csv)

    def test_corrupt_zip_is_refused(self):
        with self.assertRaisesMessage(WorkbookError, "文件已损坏"):
            workbook_check(xlsx([HTE_HEADER])[:300])

    def test_other_zip_is_not_taken_for_a_workbook(self):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        with self.assertRaisesMessage(WorkbookError, "不是 Excel 工作簿"):
            workbook_check(buffer.getvalue())

    def test_damaged_sheet_inside_a_sound_zip_is_refused(self):
        broken = rewrite_member(xlsx([HTE_HEADER]), "xl/worksheets/sheet1.xml", lambda text: text[: len(text) // 2])
        with self.assertRaisesMessage(WorkbookError, "文件已损坏或内容不是有效的 Excel 工作簿"):
            hte_tables(broken)

    def test_empty_file_is_refused(self):
        with self.assertRaisesMessage(WorkbookError, "文件为空"):
            workbook_check(b"")

    def test_workbook_without_rows_has_no_header(self):
        with self.assertRaisesMessage(WorkbookError, "未找到表头"):
            hte_tables(xlsx([]))

    @override_settings(IMPORT_MAX_UPLOAD_MB=1)
    def test_oversize_file_is_refused(self):
        with self.assertRaisesMessage(WorkbookError, "文件超过 1 MB 的上限"):
            workbook_check(b"PK\x03\x04" + b"\0" * (1024 * 1024))

    @override_settings(IMPORT_MAX_ROWS=3)
    def test_row_cap(self):
        rows = [HTE_HEADER] + [[n, f"企业{n}", "", f"GR2023150000{n:02d}"] for n in range(1, 5)]
        with self.assertRaisesMessage(WorkbookError, "数据行数超过上限 3 行"):
            hte_tables(xlsx(rows))

    def test_entity_bomb_in_a_sheet_is_refused(self):
        started = time.perf_counter()
        with self.assertRaisesMessage(WorkbookError, "文件含有不安全的 XML 内容"):
            hte_tables(entity_bomb())
        self.assertLess(time.perf_counter() - started, 1)

    def test_entity_bomb_in_the_workbook_part_is_refused(self):
        with self.assertRaisesMessage(WorkbookError, "文件含有不安全的 XML 内容"):
            hte_tables(entity_bomb("xl/workbook.xml"))

    def test_formula_cells_yield_their_cached_value_never_the_formula(self):
        content = xlsx(
            [HTE_HEADER, [1, '=CONCAT("通辽","公式")', "", "GR202315000001"], [2, "=1+1", "", "GR202315000002"]]
        )
        content = rewrite_member(
            content,
            "xl/worksheets/sheet1.xml",
            # The cell is replaced whole: openpyxl serialises it differently with and without lxml
            # (<v /> or <v></v>, characters or character references).
            lambda text: re.sub(
                r'<c r="B2"[^>]*>.*?</c>',
                '<c r="B2" t="str"><f>CONCAT("通辽","公式")</f><v>通辽公式科技有限公司</v></c>',
                text,
                count=1,
                flags=re.S,
            ),
        )
        [table] = hte_tables(content)
        names = [cells[1] for _, cells in table.rows]
        self.assertEqual(names, ["通辽公式科技有限公司", None])


@pytest.mark.parametrize("spec", list(kinds.SPECS.values()), ids=list(kinds.SPECS))
def test_every_template_is_read_back_with_all_its_columns(spec):
    content = kinds.template_for(spec)
    [table] = read_tables(content, aliases=spec.aliases(), required=spec.required, required_labels=spec.required_labels)
    assert set(table.columns) == {column.key for column in spec.columns}
    assert len(table.rows) == 1
