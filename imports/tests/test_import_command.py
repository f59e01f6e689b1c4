"""``manage.py import_excel``: the same summary and errors as the page, and exit codes."""

import contextlib
import io
import tempfile
from pathlib import Path
from unittest import mock

from django.core.management import ManagementUtility, call_command
from django.core.management.base import CommandError
from django.test import TestCase, override_settings

from accounts.models import SecurityEvent
from enterprises.models import Enterprise, HighTechCertification, TechSMERegistration
from imports.models import ImportRecord
from imports.tests.test_import_service import SME_HEADER
from imports.tests.test_import_workbook import HTE_HEADER, xlsx
from tongliao_portal import testing


class ImportCommandTests(TestCase, testing.Personas):
    @classmethod
    def setUpTestData(cls):
        cls.make_personas()
        cls.known = testing.enterprise(cls.county_a, name="命令行既有有限公司")

    def setUp(self):
        directory = tempfile.TemporaryDirectory()
        self.addCleanup(directory.cleanup)
        self.directory = Path(directory.name)

    def file(self, content: bytes, name: str = "名单.xlsx") -> str:
        path = self.directory / name
        path.write_bytes(content)
        return str(path)

    def run_command(self, *args):
        out, err = io.StringIO(), io.StringIO()
        call_command("import_excel", *args, stdout=out, stderr=err)
        return out.getvalue(), err.getvalue()

    def good_hte(self) -> str:
        return self.file(
            xlsx(
                [
                    ["企业名称", "统一社会信用代码", "证书编号"],
                    [self.known.name, "", "GR202315000301"],
                    ["命令行新企业有限公司", testing.credit_code("150523"), "GR202315000302"],
                ],
                title="2023年第一批",
            )
        )

    def test_commit_with_date_and_county_options(self):
        path = self.good_hte()
        out, err = self.run_command("hte", path, "--date", "2023-11-20", "--county", "150523")
        self.assertIn("共 2 行：新增 2，更新 0，未变化 0，错误 0，有提示 0", out)
        self.assertIn("已导入（导入记录 #", out)
        self.assertEqual(err, "")
        created = Enterprise.objects.get(name="命令行新企业有限公司")
        self.assertEqual(created.county.code, "150523")
        record = ImportRecord.objects.get()
        event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.IMPORT)
        self.assertEqual((event.username, event.detail["sha256"]), ("manage.py", record.sha256))
        self.assertEqual(
            (record.imported_by, record.options["source"], record.county.code), (None, "command", "150523")
        )
        # Twice: nothing changes the second time.
        out, _err = self.run_command("hte", path, "--date", "2023-11-20", "--county", "150523")
        self.assertIn("新增 0，更新 0，未变化 2", out)

    def test_dry_run_writes_nothing(self):
        out, _err = self.run_command(
            "hte", self.good_hte(), "--date", "2023年11月20日", "--county", "150523", "--dry-run"
        )
        self.assertIn("试运行：校验通过，未写入数据。", out)
        self.assertFalse(HighTechCertification.objects.exists())
        self.assertFalse(ImportRecord.objects.exists())

    def test_rows_in_error_exit_non_zero_and_write_nothing(self):
        with self.assertRaises(CommandError) as caught:
            self.run_command("hte", self.good_hte())  # no date, no unit
        self.assertEqual(caught.exception.returncode, 1)
        self.assertEqual(str(caught.exception), "有 2 行存在错误，未写入任何数据。")
        self.assertFalse(HighTechCertification.objects.exists())
        self.assertFalse(Enterprise.objects.filter(name="命令行新企业有限公司").exists())

    def test_errors_are_printed_with_sheet_row_and_column(self):
        err = io.StringIO()
        with self.assertRaises(CommandError):
            call_command("import_excel", "hte", self.good_hte(), stdout=io.StringIO(), stderr=err)
        self.assertIn("错误：工作表“名单”第3行，“发证日期”列为空：该行没有日期，导入时也未填写公告日期", err.getvalue())

    def test_process_exit_status(self):
        good, bad = self.good_hte(), self.file(xlsx([HTE_HEADER, [1, "x", "", "GR1"]]), "bad.xlsx")

        def exit_status(*args) -> int:
            # run_from_argv closes every connection when it ends, which would end the test's
            # transaction; keep it open.
            with mock.patch("django.core.management.base.connections"), contextlib.redirect_stderr(io.StringIO()):
                try:
                    ManagementUtility(["manage.py", "import_excel", *args]).execute()
                except SystemExit as stop:
                    return stop.code
            return 0

        self.assertEqual(exit_status("hte", bad, "--date", "2023-11-20"), 1)
        self.assertEqual(exit_status("patents", good), 2)  # argparse: not a kind
        with contextlib.redirect_stdout(io.StringIO()):
            self.assertEqual(exit_status("hte", good, "--date", "2023-11-20", "--county", "150523"), 0)
        self.assertEqual(HighTechCertification.objects.count(), 2)

    def test_sme_year_and_user_options(self):
        path = self.file(xlsx([SME_HEADER, [1, self.known.name, "", "202315050200000301", "2023-07-14", ""]]))
        self.run_command("sme", path, "--year", "2023", "--user", "bureau")
        self.assertEqual(TechSMERegistration.objects.get().year, 2023)
        self.assertEqual(ImportRecord.objects.get().imported_by, self.bureau)

    def test_the_same_sme_list_twice_is_a_no_op(self):
        path = self.file(xlsx([SME_HEADER, [1, self.known.name, "", "202015050200000302", "2020-07-14", ""]]))
        self.run_command("sme", path, "--year", "2020")
        out, err = self.run_command("sme", path, "--year", "2020")
        self.assertIn("共 1 行：新增 0，更新 0，未变化 1，错误 0", out)
        self.assertEqual(err, "")

    def test_a_move_in_a_registry_list_is_dated_by_date(self):
        row = [self.known.credit_code, self.known.name, "开鲁县"]
        path = self.file(xlsx([["统一社会信用代码", "企业名称", "所属旗县市区"], row]))
        with self.assertRaisesMessage(CommandError, "有 1 行存在错误"):
            self.run_command("enterprises", path)
        out, _err = self.run_command("enterprises", path, "--date", "2024-03-01")
        self.assertIn("提示：工作表“名单”第2行，“所属旗县市区”列的“开鲁县”：迁移：", out)
        self.assertEqual(self.known.events.get().occurred_on.isoformat(), "2024-03-01")

    def test_bad_options_and_files_get_clear_messages(self):
        good = self.good_hte()
        cases = [
            (("hte", good, "--county", "999999"), "--county：未知的旗县市区代码 999999"),
            (("hte", good, "--date", "明天"), "--date：无法识别的日期"),
            (("hte", good, "--user", "nobody"), "--user：没有用户 nobody"),
            (("hte", str(self.directory / "missing.xlsx")), "找不到文件"),
            (("hte", self.file(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504, "old.xls")), "这是旧版 .xls 文件"),
            (("hte", self.file("企业名称,证书编号\n".encode(), "list.xlsx")), "可能是 CSV"),
        ]
        for args, message in cases:
            with self.assertRaises(CommandError) as caught:
                self.run_command(*args)
            self.assertIn(message, str(caught.exception))

    @override_settings(IMPORT_MAX_UPLOAD_MB=1)
    def test_oversize_file_is_refused_before_it_is_read(self):
        path = self.file(b"PK\x03\x04" + b"\0" * (1024 * 1024 + 1))
        with self.assertRaisesMessage(CommandError, "文件超过 1 MB 的上限"):
            self.run_command("hte", path)
