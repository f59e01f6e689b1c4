"""Importing county quotas (issue 6): preview counts, every row error, all-or-nothing, idempotence,
audit, who may import them, the command's exit codes and the page's upload → preview → confirm.

The 2023–2025 plan is the one the migration loads. Stored before each test: 科尔沁区 2025
high_tech 5 and tech_sme 4; 开鲁县 2025 high_tech 3.
"""

import contextlib
import io
import tempfile
from pathlib import Path
from unittest import mock

import openpyxl
from auditlog.diff import model_instance_diff
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.management import ManagementUtility, call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import SecurityEvent
from enterprises.models import Enterprise
from imports import kinds, staging
from imports.importer import (
    ImportOptions,
    creation_changes,
    import_commit,
    import_preview,
    kinds_allowed_for,
)
from imports.models import ImportKind, ImportRecord
from imports.tests.test_import_workbook import xlsx
from imports.views import PENDING_KEY
from imports.workbook import WorkbookError
from targets import services
from targets.models import CountyQuota, Indicator, Plan
from tongliao_portal import testing

QUOTA_HEADER = ["年度", "所属旗县市区", "有效期内高新技术企业数", "入库科技型中小企业数", "当年首次认定高新技术企业数"]
INDEX = reverse("imports:index")
CONFIRM = reverse("imports:confirm")


def upload(content: bytes, name: str = "任务数.xlsx"):
    handle = io.BytesIO(content)
    handle.name = name
    return handle


class QuotaImportTestCase(TestCase, testing.Personas):
    @classmethod
    def setUpTestData(cls):
        cls.make_personas()
        cls.plan = Plan.objects.get(first_year=2023)
        cls.later_plan = Plan.objects.create(
            name="通辽市科技企业培育五年行动方案",
            document_number="通创办发〔2026〕1号",
            first_year=2026,
            last_year=2030,
        )
        cls.a_2025_high_tech = CountyQuota.objects.create(
            plan=cls.plan, year=2025, county=cls.county_a, indicator=Indicator.HIGH_TECH, value=5
        )
        CountyQuota.objects.create(plan=cls.plan, year=2025, county=cls.county_a, indicator=Indicator.TECH_SME, value=4)
        CountyQuota.objects.create(
            plan=cls.plan, year=2025, county=cls.county_b, indicator=Indicator.HIGH_TECH, value=3
        )

    def preview(self, rows, *, user=None, plan=None):
        return import_preview(
            user=user or self.bureau,
            content=xlsx([QUOTA_HEADER, *rows]),
            file_name="任务数.xlsx",
            options=ImportOptions(kind="quotas", plan=plan or self.plan),
        )

    def commit(self, rows, *, user=None, plan=None, content=None, remote_addr=None):
        return import_commit(
            user=user or self.bureau,
            content=content or xlsx([QUOTA_HEADER, *rows]),
            file_name="任务数.xlsx",
            options=ImportOptions(kind="quotas", plan=plan or self.plan),
            remote_addr=remote_addr,
        )

    def stored(self) -> dict[tuple[int, str, str], int]:
        rows = CountyQuota.objects.values_list("year", "county__code", "indicator", "value")
        return {(year, code, indicator): value for year, code, indicator, value in rows}

    def only(self, result) -> list[str]:
        """The messages of the single row in error."""
        [row] = [row for row in result.rows if row.errors]
        return row.errors


class PreviewTests(QuotaImportTestCase):
    def test_preview_counts_each_outcome_per_row_and_writes_nothing(self):
        before = (CountyQuota.objects.count(), LogEntry.objects.count())
        result = self.preview(
            [
                [2025, "科尔沁区", 5, 4, None],  # unchanged
                [2025, "开鲁县", 6, None, 1],  # update: one value changed, one new
                [2024, "150502", 4, 3, 1],  # create
                ["2025年", "科左中旗", 0, 0, 0],  # create: 0 is a quota
                [2026, "科尔沁区", 1, 1, 1],  # error: outside the plan
            ]
        )
        self.assertEqual(
            result.counts, {"create": 2, "update": 1, "unchanged": 1, "error": 1, "warning": 0, "total": 5}
        )
        self.assertEqual([row.outcome for row in result.rows], ["unchanged", "update", "create", "create", "error"])
        self.assertEqual(
            result.rows[1].changes, ["有效期内高新技术企业数：3 → 6", "当年首次认定高新技术企业数：（未设定） → 1"]
        )
        self.assertEqual(
            result.rows[3].changes,
            [
                "有效期内高新技术企业数：（未设定） → 0",
                "入库科技型中小企业数：（未设定） → 0",
                "当年首次认定高新技术企业数：（未设定） → 0",
            ],
        )
        self.assertEqual((result.rows[2].label, result.rows[2].key), ("科尔沁区", "2024"))
        self.assertEqual(result.row_headings, ("旗县市区", "年度"))
        self.assertEqual(before, (CountyQuota.objects.count(), LogEntry.objects.count()))

    def test_title_rows_synonyms_and_some_indicator_columns_only(self):
        content = xlsx(
            [["序号", "年份", "旗县市区", "高新技术企业数（家）"], [1, "2024年度", "通辽市开鲁县", "7家"]],
            title="2024年各旗县市区高新技术企业任务分解表",
        )
        result = self.commit([], content=content)
        self.assertFalse(result.has_errors, list(result.error_messages()))
        self.assertEqual(self.stored()[(2024, "150523", "high_tech")], 7)
        self.assertNotIn((2024, "150523", "tech_sme"), self.stored())

    def test_a_header_without_any_indicator_column_is_refused(self):
        content = xlsx([["年度", "所属旗县市区", "备注"], [2025, "科尔沁区", "无"]])
        with self.assertRaises(WorkbookError) as caught:
            self.commit([], content=content)
        self.assertEqual(
            caught.exception.message,
            "工作表“名单”的表头中没有“有效期内高新技术企业数”“入库科技型中小企业数”“当年首次认定高新技术企业数”中的任何一列。",
        )

    def test_a_row_without_any_indicator_value_changes_nothing_and_says_so(self):
        [row] = self.preview([[2025, "科尔沁区", None, None, None]]).rows
        self.assertEqual(row.outcome, "unchanged")
        self.assertEqual(row.warnings, ["工作表“名单”第2行：该行没有填写任何指标的任务数，不作更改"])

    def test_a_total_row_is_skipped_with_a_warning(self):
        result = self.preview([[2024, "科尔沁区", 1, 1, 1], [None, "合 计", 1, 1, 1]])
        self.assertEqual([row.outcome for row in result.rows], ["create", "unchanged"])
        self.assertEqual(
            result.rows[1].warnings, ["工作表“名单”第3行：合计行，不导入（全市目标在“目标与任务”页面设定）"]
        )

    def test_the_template_has_the_headers_and_an_example_row_that_cannot_be_imported(self):
        sheet = openpyxl.load_workbook(io.BytesIO(kinds.template_for(kinds.QUOTAS))).active
        header, example = list(sheet.iter_rows(values_only=True))
        self.assertEqual(list(header), QUOTA_HEADER)
        self.assertEqual(example[0], 2025)
        result = import_preview(
            user=self.bureau,
            content=kinds.template_for(kinds.QUOTAS),
            file_name="模板.xlsx",
            options=ImportOptions(kind="quotas", plan=self.plan),
        )
        self.assertIn("这是模板中的示例行，请删除后再导入", self.only(result)[0])


class RowErrorTests(QuotaImportTestCase):
    """Every error names sheet, row, column, the value and the reason, in Chinese."""

    def test_year_outside_the_plan(self):
        self.assertEqual(
            self.only(self.preview([[2026, "科尔沁区", 1, 1, 1]])),
            [
                "工作表“名单”第2行，“年度”列的“2026”：不在方案“通辽市培育高新技术企业和入库科技型中小企业三年行动方案”"
                "的年度范围内（2023—2025年）"
            ],
        )
        result = self.preview([[2025, "科尔沁区", 1, 1, 1]], plan=self.later_plan)
        self.assertIn("（2026—2030年）", self.only(result)[0])

    def test_year_that_is_not_a_year_or_is_blank(self):
        self.assertEqual(
            self.only(self.preview([["明年", "科尔沁区", 1, 1, 1]])),
            ["工作表“名单”第2行，“年度”列的“明年”：年度应为2000至2100之间的4位年份，例如 2025"],
        )
        self.assertEqual(
            self.only(self.preview([[None, "科尔沁区", 1, 1, 1]])),
            ["工作表“名单”第2行，“年度”列为空：年度不能为空"],
        )

    def test_unknown_or_blank_unit(self):
        [message] = self.only(self.preview([[2025, "火星区", 1, 1, 1]]))
        self.assertTrue(
            message.startswith("工作表“名单”第2行，“所属旗县市区”列的“火星区”：无法识别的旗县市区，应为以下之一")
        )
        self.assertIn("科尔沁区、科尔沁左翼中旗", message)
        self.assertEqual(
            self.only(self.preview([[2025, None, 1, 1, 1]])),
            ["工作表“名单”第2行，“所属旗县市区”列为空：所属旗县市区不能为空"],
        )

    def test_year_and_unit_errors_are_both_reported(self):
        self.assertEqual(len(self.only(self.preview([[2030, "火星区", 1, 1, 1]]))), 2)

    def test_negative_fractional_text_and_oversized_values(self):
        cases = [
            (-3, "“有效期内高新技术企业数”列的“-3”：任务数不能为负数"),
            (2.5, "“有效期内高新技术企业数”列的“2.5”：任务数应为整数"),
            ("十个", "“有效期内高新技术企业数”列的“十个”：任务数应为不小于0的整数，例如 12"),
            (100_001, "“有效期内高新技术企业数”列的“100001”：任务数过大：不能超过 100000"),
        ]
        for value, message in cases:
            with self.subTest(value=value):
                self.assertEqual(
                    self.only(self.preview([[2025, "科尔沁区", value, 4, None]])), [f"工作表“名单”第2行，{message}"]
                )

    def test_a_second_row_for_the_same_year_and_unit(self):
        result = self.preview([[2025, "科尔沁区", 1, None, None], [2025, "150502", None, 2, None]])
        self.assertEqual(
            self.only(result),
            ["工作表“名单”第3行，“所属旗县市区”列的“150502”：与本文件工作表“名单”第2行的年度和旗县市区重复"],
        )

    def test_no_plan_is_a_file_level_error(self):
        with self.assertRaisesMessage(WorkbookError, "导入旗县市区任务数须选择一个现有的行动方案。"):
            import_preview(
                user=self.bureau,
                content=xlsx([QUOTA_HEADER, [2025, "科尔沁区", 1, 1, 1]]),
                file_name="x.xlsx",
                options=ImportOptions(kind="quotas"),
            )


class CommitTests(QuotaImportTestCase):
    def test_a_bad_last_row_writes_nothing(self):
        rows = [[2024, county.code, 1, 2, 3] for county in (self.county_a, self.county_b)]
        rows.append([2024, "科尔沁区", 1, 2, -1])  # also a duplicate, but the bad value is reported first
        before = (self.stored(), LogEntry.objects.count())
        result = self.commit(rows)
        self.assertTrue(result.has_errors)
        self.assertIsNone(result.record)
        self.assertEqual(before, (self.stored(), LogEntry.objects.count()))
        self.assertFalse(ImportRecord.objects.exists())

    def test_commit_writes_values_keeps_blank_indicators_and_records_the_import(self):
        result = self.commit([[2025, "科尔沁区", 7, None, 0], [2024, "开鲁县", 2, 3, 1]])
        self.assertEqual((result.counts["update"], result.counts["create"]), (1, 1))
        stored = self.stored()
        self.assertEqual(
            [stored[(2025, "150502", ind)] for ind in ("high_tech", "tech_sme", "high_tech_new")], [7, 4, 0]
        )
        self.assertEqual(stored[(2024, "150523", "tech_sme")], 3)
        record = result.record
        self.assertEqual(
            (record.kind, record.imported_by, record.county, record.rows_total, record.created, record.updated),
            (ImportKind.QUOTAS, self.bureau, None, 2, 1, 1),
        )
        self.assertEqual((record.options["plan"], record.options["plan_name"]), (self.plan.pk, self.plan.name))

    def test_options_that_do_not_apply_to_quotas_are_not_recorded(self):
        result = import_commit(
            user=self.bureau,
            content=xlsx([QUOTA_HEADER, [2024, "科尔沁区", 1, 1, 1]]),
            file_name="x.xlsx",
            options=ImportOptions(kind="quotas", plan=self.plan, county=self.county_b, year=2023),
        )
        self.assertEqual((result.record.county, result.record.options["year"]), (None, None))
        self.assertEqual(ImportRecord.objects.visible_to(self.county_b_user).count(), 0)

    def test_importing_the_same_file_twice_changes_nothing_the_second_time(self):
        content = xlsx([QUOTA_HEADER, [2025, "科尔沁区", 8, 4, 2], [2023, "开鲁县", 1, 2, 0]])
        first = self.commit([], content=content)
        self.assertEqual((first.counts["create"], first.counts["update"], first.counts["unchanged"]), (1, 1, 0))
        entries = LogEntry.objects.count()
        second = self.commit([], content=content)
        self.assertEqual((second.counts["create"], second.counts["update"], second.counts["unchanged"]), (0, 0, 2))
        self.assertEqual((second.record.created, second.record.updated), (0, 0))
        self.assertEqual(LogEntry.objects.count(), entries)
        self.assertTrue(second.notices[0].startswith("同一文件（SHA-256 相同）已于"))

    def test_changes_appear_in_the_audit_trail_with_actor_address_and_import(self):
        result = self.commit(
            [[2025, "科尔沁区", 9, None, None], [2024, "开鲁县", 2, None, None]], remote_addr="10.1.2.3"
        )
        update = LogEntry.objects.get_for_object(self.a_2025_high_tech).get(action=LogEntry.Action.UPDATE)
        self.assertEqual((update.actor, update.remote_addr), (self.bureau, "10.1.2.3"))
        self.assertEqual(update.changes, {"value": ["5", "9"]})
        self.assertEqual(update.additional_data["import_record"], result.record.pk)
        created = CountyQuota.objects.get(year=2024, county=self.county_b)
        entry = LogEntry.objects.get_for_object(created).get()
        self.assertEqual((entry.action, entry.actor), (LogEntry.Action.CREATE, self.bureau))
        self.assertEqual(entry.changes["value"], ["None", "2"])
        self.assertEqual(entry.changes["county"], ["None", "开鲁县"])
        self.assertEqual(entry.object_repr, str(created))

    def test_bulk_audit_changes_are_those_auditlog_itself_records(self):
        quota = CountyQuota.objects.get(pk=self.a_2025_high_tech.pk)
        concrete = {field.name for field in CountyQuota._meta.concrete_fields}
        expected = {name: list(pair) for name, pair in model_instance_diff(None, quota).items() if name in concrete}
        self.assertEqual(creation_changes(quota), expected)

    def test_query_count_does_not_grow_with_the_rows(self):
        ContentType.objects.get_for_models(Enterprise, CountyQuota, LogEntry)
        self.assertTrue(self.bureau.is_bureau)  # the role, read once per user object
        counties = list(testing.county(code) for code in ("150502", "150521", "150522", "150523", "150524", "150525"))

        def queries_for(year: int, count: int) -> int:
            rows = [[year, county.code, 1, 2, 3] for county in counties[:count]]
            with CaptureQueriesContext(connection) as context:
                result = self.commit(rows)
            self.assertEqual(result.counts["create"], count)
            return len(context.captured_queries)

        few = queries_for(2023, 2)
        self.assertEqual(few, queries_for(2024, 6))
        self.assertLessEqual(few, 20)

    def test_a_grid_loaded_before_the_import_is_refused_as_stale(self):
        targets, quotas = services.grid_values(plan=self.plan, year=2025)
        version = services.grid_version(targets, quotas)
        self.commit([[2025, "科尔沁区", 6, None, None]])
        with self.assertRaises(services.StaleGridError):
            services.quotas_save(
                user=self.bureau,
                plan=self.plan,
                year=2025,
                targets={},
                quotas={("150502", "high_tech"): 5},
                expected_version=version,
            )
        self.assertEqual(self.stored()[(2025, "150502", "high_tech")], 6)


class PermissionTests(QuotaImportTestCase):
    def test_only_bureau_staff_and_the_command_line_may_import_quotas(self):
        self.assertIn(ImportKind.QUOTAS, kinds_allowed_for(self.bureau))
        self.assertIn(ImportKind.QUOTAS, kinds_allowed_for(None))
        self.assertEqual(kinds_allowed_for(self.county_a_user), [ImportKind.ENTERPRISES])
        self.assertEqual(kinds_allowed_for(self.leader), [])

    def test_county_officials_and_leaders_are_refused_by_the_service(self):
        for user in (self.county_a_user, self.leader):
            with self.subTest(user=user.username), self.assertRaises(PermissionDenied):
                self.commit([[2025, "科尔沁区", 99, 99, 99]], user=user)
        self.assertEqual(self.stored()[(2025, "150502", "high_tech")], 5)

    def test_county_officials_and_leaders_get_403_on_the_page(self):
        content = xlsx([QUOTA_HEADER, [2025, "科尔沁区", 99, 99, 99]])
        for user in (self.county_a_user, self.leader):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                response = self.client.post(INDEX, {"kind": "quotas", "plan": self.plan.pk, "file": upload(content)})
                self.assertEqual(response.status_code, 403)
        self.assertTrue(SecurityEvent.objects.filter(kind=SecurityEvent.Kind.REFUSED, username="county_a").exists())
        self.assertEqual(self.stored()[(2025, "150502", "high_tech")], 5)

    def test_county_officials_form_has_no_quotas_kind_and_no_plan(self):
        self.client.force_login(self.county_a_user)
        form = self.client.get(INDEX).context["form"]
        self.assertEqual([value for value, _ in form.fields["kind"].choices], ["enterprises"])
        self.assertNotIn("plan", form.fields)


class CommandTests(QuotaImportTestCase):
    def setUp(self):
        directory = tempfile.TemporaryDirectory()
        self.addCleanup(directory.cleanup)
        self.directory = Path(directory.name)

    def file(self, rows, name: str = "任务数.xlsx") -> str:
        path = self.directory / name
        path.write_bytes(xlsx([QUOTA_HEADER, *rows]))
        return str(path)

    def run_command(self, *args):
        out, err = io.StringIO(), io.StringIO()
        call_command("import_excel", *args, stdout=out, stderr=err)
        return out.getvalue(), err.getvalue()

    def exit_status(self, *args) -> int:
        # run_from_argv closes every connection when it ends, which would end the test's
        # transaction; keep it open.
        with (
            mock.patch("django.core.management.base.connections"),
            contextlib.redirect_stderr(io.StringIO()),
            contextlib.redirect_stdout(io.StringIO()),
        ):
            try:
                ManagementUtility(["manage.py", "import_excel", *args]).execute()
            except SystemExit as stop:
                return stop.code
        return 0

    def test_commit_by_plan_name_then_again_by_document_number(self):
        path = self.file([[2025, "科尔沁区", 6, 4, None], [2024, "开鲁县", 1, 2, 3]])
        out, err = self.run_command("quotas", path, "--plan", self.plan.name)
        self.assertIn("旗县市区任务数，工作表：名单", out)
        self.assertIn("共 2 行：新增 1，更新 1，未变化 0，错误 0，有提示 0", out)
        self.assertIn("已导入（导入记录 #", out)
        self.assertEqual(err, "")
        record = ImportRecord.objects.get()
        self.assertEqual((record.options["source"], record.options["plan"]), ("command", self.plan.pk))
        self.assertEqual(self.stored()[(2025, "150502", "high_tech")], 6)
        out, _err = self.run_command("quotas", path, "--plan", "通创办发〔2023〕1号")
        self.assertIn("新增 0，更新 0，未变化 2", out)

    def test_exit_status_is_zero_when_committed_and_non_zero_with_nothing_written(self):
        before = self.stored()
        bad = self.file([[2025, "科尔沁区", 9, 9, 9], [2031, "开鲁县", 1, 1, 1]], "bad.xlsx")
        self.assertEqual(self.exit_status("quotas", bad, "--plan", self.plan.name), 1)
        self.assertEqual(self.exit_status("quotas", bad, "--plan", "没有这个方案"), 1)
        self.assertEqual(self.exit_status("quotas", bad), 1)
        self.assertEqual(self.stored(), before)
        self.assertFalse(ImportRecord.objects.exists())
        good = self.file([[2025, "科尔沁区", 9, 9, 9]], "good.xlsx")
        self.assertEqual(self.exit_status("quotas", good, "--plan", self.plan.name), 0)
        self.assertEqual(self.stored()[(2025, "150502", "tech_sme")], 9)

    def test_row_errors_are_printed_and_nothing_is_written(self):
        path = self.file([[2025, "科尔沁区", 9, 9, 9], [2026, "开鲁县", 1, 1, 1]])
        err = io.StringIO()
        with self.assertRaises(CommandError) as caught:
            call_command("import_excel", "quotas", path, "--plan", self.plan.name, stdout=io.StringIO(), stderr=err)
        self.assertEqual(str(caught.exception), "有 1 行存在错误，未写入任何数据。")
        self.assertIn("错误：工作表“名单”第3行，“年度”列的“2026”：不在方案", err.getvalue())
        self.assertEqual(self.stored()[(2025, "150502", "high_tech")], 5)

    def test_plan_option_mistakes_get_clear_messages(self):
        path = self.file([[2025, "科尔沁区", 9, 9, 9]])
        cases = [
            (("quotas", path, "--plan", "没有这个方案"), "--plan：没有名称或文号为“没有这个方案”的行动方案，现有："),
            (("quotas", path), "导入旗县市区任务数须用 --plan 指定行动方案（名称或文号）。"),
            (("hte", path, "--plan", self.plan.name), "--plan 只用于旗县市区任务数（quotas）。"),
            (
                ("quotas", path, "--plan", self.plan.name, "--user", "county_a"),
                "--user：county_a 无权导入旗县市区任务数",
            ),
        ]
        for args, message in cases:
            with self.subTest(args=args[-1]), self.assertRaises(CommandError) as caught:
                self.run_command(*args)
            self.assertIn(message, str(caught.exception))
        self.assertEqual(self.stored()[(2025, "150502", "high_tech")], 5)

    def test_dry_run_writes_nothing(self):
        path = self.file([[2025, "科尔沁区", 9, 9, 9]])
        out, _err = self.run_command("quotas", path, "--plan", self.plan.name, "--dry-run")
        self.assertIn("试运行：校验通过，未写入数据。", out)
        self.assertEqual(self.stored()[(2025, "150502", "high_tech")], 5)


class WebTests(QuotaImportTestCase):
    def preview_page(self, rows, **data):
        self.client.force_login(self.bureau)
        fields = {"kind": "quotas", "plan": self.plan.pk, "file": upload(xlsx([QUOTA_HEADER, *rows])), **data}
        response = self.client.post(INDEX, fields)
        token = response.context.get("token") if response.context else None
        if token:
            self.addCleanup(staging.staged_discard, token)
        return response, token

    def test_bureau_sees_the_quotas_kind_its_template_and_a_plan_select(self):
        self.client.force_login(self.bureau)
        response = self.client.get(INDEX)
        form = response.context["form"]
        self.assertIn("quotas", [value for value, _ in form.fields["kind"].choices])
        self.assertEqual(list(form.fields["plan"].queryset), [self.plan, self.later_plan])
        self.assertContains(response, 'name="plan"')
        self.assertContains(response, reverse("imports:template", args=["quotas"]))
        template = self.client.get(reverse("imports:template", args=["quotas"]))
        self.assertEqual(template.status_code, 200)
        self.assertIn("filename*=utf-8''", template["Content-Disposition"])

    def test_bureau_previews_then_confirms(self):
        response, token = self.preview_page([[2025, "科尔沁区", 7, None, None], [2024, "开鲁县", 1, 2, 3]])
        self.assertTemplateUsed(response, "imports/preview.html")
        self.assertContains(response, "导入预览：旗县市区任务数")
        self.assertContains(response, f"方案 {self.plan}")
        self.assertContains(response, "<th>旗县市区</th><th>年度</th>", html=False)
        self.assertContains(response, "有效期内高新技术企业数：5 → 7")
        self.assertEqual(self.client.session[PENDING_KEY][token]["plan"], self.plan.pk)
        self.assertEqual(self.stored()[(2025, "150502", "high_tech")], 5)

        response = self.client.post(CONFIRM, {"token": token}, follow=True)
        self.assertRedirects(response, INDEX)
        self.assertContains(response, "导入完成：共 2 行：新增 1，更新 1")
        self.assertEqual(self.stored()[(2025, "150502", "high_tech")], 7)
        self.assertEqual(self.stored()[(2024, "150523", "high_tech_new")], 3)
        record = ImportRecord.objects.get()
        self.assertEqual(
            (record.imported_by, record.options["plan"], record.options["source"]), (self.bureau, self.plan.pk, "web")
        )
        entry = LogEntry.objects.get_for_object(self.a_2025_high_tech).get(action=LogEntry.Action.UPDATE)
        self.assertEqual((entry.actor, entry.remote_addr), (self.bureau, "127.0.0.1"))
        self.assertTrue(SecurityEvent.objects.filter(kind=SecurityEvent.Kind.IMPORT, username="bureau").exists())

    def test_rows_in_error_are_listed_and_cannot_be_confirmed(self):
        response, _token = self.preview_page([[2026, "科尔沁区", 1, 1, 1]])
        self.assertContains(response, "整个文件都不会导入")
        self.assertContains(response, "工作表“名单”第2行，“年度”列的“2026”：不在方案")
        self.assertNotContains(response, "确认导入")

    def test_a_plan_must_be_chosen_and_must_exist(self):
        for plan, message in (
            ("", "导入旗县市区任务数须选择行动方案。"),
            ("999999", "没有该行动方案，请从列表中选择。"),
        ):
            with self.subTest(plan=plan):
                response, token = self.preview_page([[2025, "科尔沁区", 1, 1, 1]], plan=plan)
                self.assertTemplateUsed(response, "imports/index.html")
                self.assertContains(response, message)
                self.assertIsNone(token)

    def test_a_plan_is_not_required_for_other_kinds(self):
        self.client.force_login(self.bureau)
        content = xlsx([["企业名称", "证书编号"], ["无此企业有限公司", "GR202315000001"]])
        response = self.client.post(INDEX, {"kind": "hte", "plan": "", "file": upload(content)})
        self.assertTemplateUsed(response, "imports/preview.html")

    def test_a_plan_deleted_after_the_preview_writes_nothing(self):
        doomed = Plan.objects.create(name="临时方案", first_year=2031, last_year=2032)
        response, token = self.preview_page([[2031, "科尔沁区", 1, 1, 1]], plan=doomed.pk)
        self.assertEqual(response.context["result"].counts["create"], 1)
        doomed.delete()
        response = self.client.post(CONFIRM, {"token": token}, follow=True)
        self.assertContains(response, "导入旗县市区任务数须选择一个现有的行动方案。")
        self.assertFalse(CountyQuota.objects.filter(year=2031).exists())
        self.assertFalse(ImportRecord.objects.exists())
