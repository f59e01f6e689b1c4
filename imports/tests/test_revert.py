"""Undoing an import (issue 12, 导入撤销): every affected table back as it was, refusals that name the
row, the record page and its scope, the command."""

import datetime
import io

from auditlog.models import LogEntry
from django.core.management import CommandError, call_command
from django.test import TestCase
from django.urls import reverse

from enterprises import events
from enterprises.models import (
    Enterprise,
    EnterpriseEvent,
    HighTechCertification,
    StageChange,
    TechSMERegistration,
    UnitPeriod,
)
from imports.importer import ImportOptions, import_commit
from imports.models import ImportChange, ImportRecord
from imports.revert import RevertRefused, revert_import
from imports.tests.test_import_quotas import QUOTA_HEADER
from imports.tests.test_import_service import REGISTRY_HEADER, SME_HEADER
from imports.tests.test_import_workbook import HTE_HEADER, xlsx
from targets.models import CountyQuota, Indicator, Plan
from tongliao_portal import testing
from units.versioning import data_version

TABLES = (
    Enterprise,
    HighTechCertification,
    TechSMERegistration,
    CountyQuota,
    UnitPeriod,
    EnterpriseEvent,
    StageChange,
)
MARCH_1 = datetime.date(2024, 3, 1)
REASON = "误导入了旧版名单"


def tables() -> dict[str, list[tuple]]:
    """Every row of every affected table, all columns but ``updated_at``."""
    result = {}
    for model in TABLES:
        columns = [f.attname for f in model._meta.concrete_fields if f.name != "updated_at"]
        result[model._meta.db_table] = list(model.objects.order_by("pk").values_list(*columns))
    return result


class RevertTestCase(TestCase, testing.Personas):
    @classmethod
    def setUpTestData(cls):
        cls.make_personas()
        cls.plan = Plan.objects.get(first_year=2023)
        cls.known = testing.enterprise(cls.county_a, name="通辽撤销测试有限公司", stage="reserve")
        cls.known_cert = testing.certificate(cls.known, datetime.date(2022, 12, 14), number="GR202215000001")
        cls.known_reg = testing.registration(cls.known, 2024, datetime.date(2024, 7, 1), number="202415050200000101")
        cls.mover = testing.enterprise(cls.county_a, name="通辽迁移撤销有限公司")
        cls.quota = CountyQuota.objects.create(
            plan=cls.plan, year=2025, county=cls.county_a, indicator=Indicator.HIGH_TECH, value=5
        )

    def commit(self, kind, rows, user=None, **options):
        result = import_commit(
            user=user or self.bureau,
            content=xlsx(rows),
            file_name="名单.xlsx",
            options=ImportOptions(kind=kind, **options),
        )
        self.assertIsNotNone(result.record, [m for row in result.rows for m in row.errors])
        return result.record

    def revert(self, record, user=None):
        return revert_import(record=record, user=user or self.bureau, reason=REASON)

    def hte_rows(self, new_code=None):
        return [
            HTE_HEADER,
            [1, self.known.name, self.known.credit_code, "GR202215000001", "2022-12-15", ""],
            [
                2,
                "撤销新建科技有限公司",
                new_code or testing.credit_code("150523"),
                "GR202315000002",
                "2023-11-20",
                "开鲁县",
            ],
        ]

    def assert_round_trip(self, kind, rows, **options):
        before = tables()
        version = data_version()
        record = self.commit(kind, rows, **options)
        self.assertNotEqual(tables(), before)
        summary = self.revert(record)
        self.assertEqual(tables(), before)
        self.assertNotEqual(data_version(), version)
        record.refresh_from_db()
        self.assertIsNotNone(record.reverted_at)
        self.assertEqual((record.reverted_by, record.revert_reason), (self.bureau, REASON))
        return summary


class RoundTripTests(RevertTestCase):
    """For each kind, the revert leaves every affected table exactly as it was before the import."""

    def test_enterprises(self):
        rows = [
            REGISTRY_HEADER,
            [self.known.credit_code, self.known.name, "科尔沁区", "电子信息", "0475-1234567", "重点培育"],
            [testing.credit_code("150502"), "撤销名录新企业有限公司", "科尔沁区", "", "", "已申报"],
        ]
        summary = self.assert_round_trip("enterprises", rows)
        self.assertEqual((summary.deleted, summary.restored), (1, 1))
        self.assertEqual(summary.stages, 2)  # the known one's and the new one's first stage

    def test_enterprises_with_a_move(self):
        rows = [
            REGISTRY_HEADER,
            [self.mover.credit_code, self.mover.name, "开鲁县", "", "0475-7654321", ""],
        ]
        summary = self.assert_round_trip("enterprises", rows, announced_on=MARCH_1)
        self.assertEqual(summary.moves, 1)
        self.mover.refresh_from_db()
        self.assertEqual(self.mover.county, self.county_a)

    def test_hte(self):
        summary = self.assert_round_trip("hte", self.hte_rows(), announced_on=datetime.date(2023, 11, 20))
        self.assertEqual((summary.deleted, summary.restored), (2, 1))  # the certificate and its new enterprise

    def test_sme(self):
        rows = [
            SME_HEADER,
            [1, self.known.name, self.known.credit_code, "202415050200000101", "2024-07-02", ""],
            [2, "撤销入库新企业有限公司", testing.credit_code("150523"), "202415052300000102", "2024-06-01", "开鲁县"],
        ]
        self.assert_round_trip("sme", rows, year=2024)

    def test_quotas(self):
        rows = [QUOTA_HEADER, [2025, "科尔沁区", 7, 4, None], [2025, "开鲁县", 3, None, None]]
        summary = self.assert_round_trip("quotas", rows, plan=self.plan)
        self.assertEqual((summary.deleted, summary.restored), (2, 1))

    def test_the_revert_is_in_the_audit_trail_with_its_reason(self):
        record = self.commit("hte", self.hte_rows(), announced_on=datetime.date(2023, 11, 20))
        known_entries = set(LogEntry.objects.values_list("pk", flat=True))
        self.revert(record)
        entries = LogEntry.objects.exclude(pk__in=known_entries)
        self.assertEqual(entries.count(), 3)  # two deletions, one update
        for entry in entries:
            self.assertEqual(entry.actor, self.bureau)
            self.assertEqual(entry.additional_data["reason"], REASON)
            self.assertEqual(entry.additional_data["import_record"], record.pk)

    def test_the_journal_keeps_every_row(self):
        record = self.commit("hte", self.hte_rows(), announced_on=datetime.date(2023, 11, 20))
        changes = list(ImportChange.objects.filter(record=record).values_list("row", "outcome", "action"))
        self.assertEqual(
            changes, [(2, "update", "update"), (3, "create", "create"), (3, "create", "create"), (3, "create", "stage")]
        )
        [update] = ImportChange.objects.filter(record=record, action="update")
        self.assertEqual(update.summary, "发证日期：2022-12-14 → 2022-12-15")
        self.assertEqual(update.before, {"issued_on": "2022-12-14", "valid_until": "2025-12-13"})

    def test_an_import_is_reverted_once(self):
        record = self.commit("hte", self.hte_rows(), announced_on=datetime.date(2023, 11, 20))
        self.revert(record)
        with self.assertRaises(RevertRefused) as refused:
            self.revert(record)
        self.assertIn("不能再次撤销", refused.exception.problems[0])


class RefusalTests(RevertTestCase):
    """Refused, naming the row, when something since touched what the revert would undo; nothing is written."""

    def refused(self, record) -> list[str]:
        before = tables()
        with self.assertRaises(RevertRefused) as refused:
            self.revert(record)
        self.assertEqual(tables(), before)
        record.refresh_from_db()
        self.assertIsNone(record.reverted_at)
        return refused.exception.problems

    def test_a_later_edit_of_an_updated_certificate(self):
        record = self.commit("hte", self.hte_rows(), announced_on=datetime.date(2023, 11, 20))
        self.known_cert.refresh_from_db()
        self.known_cert.issued_on = datetime.date(2022, 12, 20)
        self.known_cert.save()
        self.assertEqual(
            self.refused(record),
            ["工作表“名单”第2行（高新技术企业证书 GR202215000001）：导入后已被修改（发证日期、有效期至）"],
        )

    def test_a_later_edit_of_a_created_quota(self):
        record = self.commit("quotas", [QUOTA_HEADER, [2025, "开鲁县", 3, None, None]], plan=self.plan)
        quota = CountyQuota.objects.get(county=self.county_b, year=2025)
        quota.value = 9
        quota.save()
        [problem] = self.refused(record)
        self.assertTrue(problem.startswith("工作表“名单”第2行（2025年"), problem)
        self.assertIn("导入后已被修改（任务数）", problem)

    def test_a_certificate_added_by_hand_to_an_enterprise_the_import_created(self):
        code = testing.credit_code("150523")
        record = self.commit("hte", self.hte_rows(code), announced_on=datetime.date(2023, 11, 20))
        created = Enterprise.objects.get(credit_code=code)
        testing.certificate(created, datetime.date(2024, 11, 1), kind="renewal")
        [problem] = self.refused(record)
        self.assertTrue(
            problem.startswith(
                "工作表“名单”第3行（企业“撤销新建科技有限公司”）：导入后又为该企业登记了高新技术企业证书"
            )
        )

    def test_a_later_import_of_the_same_objects(self):
        record = self.commit("hte", self.hte_rows(), announced_on=datetime.date(2023, 11, 20))
        rows = [HTE_HEADER, [1, self.known.name, self.known.credit_code, "GR202215000001", "2022-12-16", ""]]
        later = self.commit("hte", rows)
        [problem] = self.refused(record)
        self.assertIn("工作表“名单”第2行（高新技术企业证书 GR202215000001）", problem)
        self.assertIn(f"之后的导入（导入记录 #{later.pk}", problem)
        # Once the later one is reverted, the earlier one can be.
        self.revert(later)
        self.revert(record)

    def test_a_later_move_of_a_moved_enterprise(self):
        rows = [REGISTRY_HEADER, [self.mover.credit_code, self.mover.name, "开鲁县", "", "", ""]]
        record = self.commit("enterprises", rows, announced_on=MARCH_1)
        self.mover.refresh_from_db()
        events.enterprise_move(
            user=self.bureau,
            enterprise=self.mover,
            to_county=self.county_a,
            on=datetime.date(2025, 1, 1),
            reason="回迁",
        )
        [problem] = self.refused(record)
        self.assertTrue(problem.startswith("工作表“名单”第2行（企业“通辽迁移撤销有限公司”的所属旗县市区）"), problem)


class RecordPageTests(RevertTestCase):
    def setUp(self):
        self.record = self.commit("hte", self.hte_rows(), announced_on=datetime.date(2023, 11, 20))
        # An import by county A's official: in county A's scope, not county B's.
        rows = [REGISTRY_HEADER, [self.known.credit_code, self.known.name, "科尔沁区", "", "0475-1111111", ""]]
        self.county_record = self.commit("enterprises", rows, user=self.county_a_user)

    def url(self, record, name="imports:record"):
        return reverse(name, kwargs={"pk": record.pk})

    def test_the_page_lists_the_rows_and_the_history_links_to_it(self):
        self.client.force_login(self.bureau)
        response = self.client.get(self.url(self.record))
        self.assertContains(response, "高新技术企业证书 GR202215000001")
        self.assertContains(response, "发证日期：2022-12-14 → 2022-12-15")
        self.assertContains(response, "新增")
        self.assertContains(response, "撤销本次导入")
        self.assertContains(self.client.get(reverse("imports:index")), self.url(self.record))

    def test_the_page_is_scoped(self):
        self.client.force_login(self.county_b_user)
        self.assertEqual(self.client.get(self.url(self.county_record)).status_code, 404)
        self.client.force_login(self.county_a_user)
        response = self.client.get(self.url(self.county_record))
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, "撤销本次导入</button>")
        self.assertEqual(self.client.get(self.url(self.record)).status_code, 404)  # the bureau's import

    def test_the_leader_sees_but_cannot_revert(self):
        self.client.force_login(self.leader)
        self.assertEqual(self.client.get(self.url(self.record)).status_code, 200)
        response = self.client.post(self.url(self.record, "imports:revert"), {"reason": REASON, "confirm": "on"})
        self.assertEqual(response.status_code, 403)
        self.record.refresh_from_db()
        self.assertIsNone(self.record.reverted_at)

    def test_the_reason_and_the_confirmation_are_required(self):
        self.client.force_login(self.bureau)
        for data in ({"confirm": "on"}, {"reason": REASON}):
            with self.subTest(data=data):
                response = self.client.post(self.url(self.record, "imports:revert"), data)
                self.assertEqual(response.status_code, 400)
        self.record.refresh_from_db()
        self.assertIsNone(self.record.reverted_at)

    def test_bureau_staff_revert_from_the_page(self):
        self.client.force_login(self.bureau)
        response = self.client.post(self.url(self.county_record, "imports:revert"), {"reason": REASON, "confirm": "on"})
        self.assertRedirects(response, self.url(self.county_record))
        page = self.client.get(self.url(self.county_record))
        self.assertContains(page, "已撤销")
        self.assertContains(page, REASON)
        self.assertNotContains(page, "撤销本次导入</button>")

    def test_a_refusal_names_the_row_on_the_page(self):
        self.known_cert.refresh_from_db()
        self.known_cert.issued_on = datetime.date(2022, 12, 20)
        self.known_cert.save()
        self.client.force_login(self.bureau)
        response = self.client.post(self.url(self.record, "imports:revert"), {"reason": REASON, "confirm": "on"})
        self.assertContains(response, "工作表“名单”第2行（高新技术企业证书 GR202215000001）", status_code=409)


class CommandTests(RevertTestCase):
    def test_the_command_reverts_and_says_so(self):
        record = self.commit("hte", self.hte_rows(), announced_on=datetime.date(2023, 11, 20))
        out = io.StringIO()
        call_command("revert_import", str(record.pk), "--reason", REASON, stdout=out)
        self.assertIn(f"已撤销导入记录 #{record.pk}（名单.xlsx）：删除新建 2 条，恢复修改 1 条", out.getvalue())
        record.refresh_from_db()
        self.assertEqual(record.revert_reason, REASON)
        self.assertIsNone(record.reverted_by)

    def test_the_command_fails_on_a_refusal(self):
        record = self.commit("hte", self.hte_rows(), announced_on=datetime.date(2023, 11, 20))
        HighTechCertification.objects.filter(number="GR202315000002").get().delete()
        err = io.StringIO()
        with self.assertRaises(CommandError) as failed:
            call_command("revert_import", str(record.pk), "--reason", REASON, stderr=err)
        self.assertIn("未写入任何数据", str(failed.exception))
        self.assertIn("工作表“名单”第3行（高新技术企业证书 GR202315000002）：导入后已被删除", err.getvalue())
        self.assertIsNone(ImportRecord.objects.get(pk=record.pk).reverted_at)

    def test_an_unknown_record(self):
        with self.assertRaises(CommandError):
            call_command("revert_import", "999999", "--reason", REASON)
