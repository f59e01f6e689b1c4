"""What an import changes on a registered enterprise over time (issue 12): a move is a dated event,
former names match, 已认定 is never stored, stage changes are kept, and a county official's row
about another unit's enterprise confirms nothing."""

import datetime

from auditlog.models import LogEntry
from django.test import TestCase

from enterprises import events
from enterprises.models import (
    CultivationStage,
    Enterprise,
    EnterpriseEvent,
    EnterpriseName,
    EventKind,
    HighTechCertification,
    StageChange,
    UnitPeriod,
)
from imports.importer import ImportOptions, import_commit, import_preview
from imports.tests.test_import_service import REGISTRY_HEADER
from imports.tests.test_import_workbook import HTE_HEADER, xlsx
from tongliao_portal import testing

MARCH_1 = datetime.date(2024, 3, 1)
OTHER_UNIT = "该企业无法在本地区登记，请联系市科技局"


def run(call, user, kind, rows, **options):
    return call(user=user, content=xlsx(rows), file_name="名录.xlsx", options=ImportOptions(kind=kind, **options))


class RegistryChangesTestCase(TestCase, testing.Personas):
    @classmethod
    def setUpTestData(cls):
        cls.make_personas()
        cls.known = testing.enterprise(cls.county_a, name="通辽迁移测试有限公司")
        cls.other = testing.enterprise(cls.county_b, name="开鲁他处有限公司")

    def errors(self, result):
        return [message for row in result.rows for message in row.errors]


class MoveTests(RegistryChangesTestCase):
    def rows(self, unit="开鲁县"):
        return [REGISTRY_HEADER, [self.known.credit_code, self.known.name, unit, "", "", ""]]

    def test_the_preview_shows_a_move_and_writes_nothing(self):
        result = run(import_preview, self.bureau, "enterprises", self.rows(), announced_on=MARCH_1)
        [row] = result.rows
        self.assertEqual(row.outcome, "update")
        self.assertEqual(
            row.warnings,
            [
                "工作表“名单”第2行，“所属旗县市区”列的“开鲁县”："
                "迁移：科尔沁区 → 开鲁县，自 2024-03-01 起（此前的统计仍计入科尔沁区）",
                f"工作表“名单”第2行，“统一社会信用代码”列的“{self.known.credit_code}”："
                "统一社会信用代码第3—8位 150502 是科尔沁区的代码，而该企业将归入开鲁县，请核对所属旗县市区",
            ],
        )
        self.known.refresh_from_db()
        self.assertEqual(self.known.county, self.county_a)
        self.assertFalse(EnterpriseEvent.objects.exists())

    def test_confirming_records_a_dated_move(self):
        result = run(import_commit, self.bureau, "enterprises", self.rows(), announced_on=MARCH_1)
        self.assertIsNotNone(result.record, self.errors(result))
        event = EnterpriseEvent.objects.get(enterprise=self.known)
        self.assertEqual(
            (event.kind, event.occurred_on, event.from_county, event.to_county, event.recorded_by),
            (EventKind.MOVE, MARCH_1, self.county_a, self.county_b, self.bureau),
        )
        self.assertEqual(event.document, "名录.xlsx")
        periods = list(
            UnitPeriod.objects.filter(enterprise=self.known)
            .order_by("ends_on")
            .values_list("county", "starts_on", "ends_on")
        )
        self.assertEqual(
            sorted(periods, key=lambda p: p[1] or datetime.date.min),
            [(self.county_a.pk, None, MARCH_1), (self.county_b.pk, MARCH_1, None)],
        )
        self.known.refresh_from_db()
        self.assertEqual(self.known.county, self.county_b)
        entry = LogEntry.objects.get_for_object(self.known).filter(action=LogEntry.Action.UPDATE).get()
        self.assertEqual((entry.actor, entry.additional_data["import_record"]), (self.bureau, result.record.pk))
        self.assertEqual(result.record.options["enterprises_moved"], 1)
        again = run(import_commit, self.bureau, "enterprises", self.rows(), announced_on=MARCH_1)
        self.assertEqual(again.counts["unchanged"], 1)
        self.assertEqual(EnterpriseEvent.objects.count(), 1)

    def test_a_move_and_other_changes_are_audited_once_each(self):
        rows = [REGISTRY_HEADER, [self.known.credit_code, self.known.name, "开鲁县", "新材料", "", ""]]
        result = run(import_commit, self.bureau, "enterprises", rows, announced_on=MARCH_1)
        self.assertIsNotNone(result.record, self.errors(result))
        entries = LogEntry.objects.get_for_object(self.known).filter(action=LogEntry.Action.UPDATE)
        changed = sorted(sorted(entry.changes) for entry in entries)
        self.assertEqual(changed, [["county"], ["tech_field"]])

    def test_a_move_without_an_announcement_date_is_an_error(self):
        result = run(import_commit, self.bureau, "enterprises", self.rows())
        self.assertEqual(
            self.errors(result),
            [
                "工作表“名单”第2行，“所属旗县市区”列的“开鲁县”："
                "该企业登记在科尔沁区，表中为开鲁县：迁移须有生效日期，请在导入时填写公告日期"
            ],
        )
        self.known.refresh_from_db()
        self.assertEqual(self.known.county, self.county_a)

    def test_a_move_dated_before_the_current_unit_began_is_refused(self):
        events.enterprise_move(
            user=self.bureau, enterprise=self.known, to_county=testing.county("150525"), on=MARCH_1, reason="核实"
        )
        result = run(import_preview, self.bureau, "enterprises", self.rows(), announced_on=datetime.date(2024, 1, 1))
        self.assertIn("生效日期应晚于该企业迁入奈曼旗的日期（2024年3月1日）", self.errors(result)[0])

    def test_a_county_official_never_moves_an_enterprise(self):
        result = run(import_commit, self.county_a_user, "enterprises", self.rows(), announced_on=MARCH_1)
        self.assertEqual(
            self.errors(result),
            ["工作表“名单”第2行，“所属旗县市区”列的“开鲁县”：该行属于开鲁县，您只能导入本单位（科尔沁区）的企业"],
        )
        self.assertFalse(EnterpriseEvent.objects.exists())


class FormerNameTests(RegistryChangesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        EnterpriseName.objects.create(enterprise=cls.known, name="通辽旧名称（科技）有限公司", used_until=MARCH_1)

    def test_a_former_name_matches_after_code_and_current_name(self):
        rows = [HTE_HEADER, [1, "通辽旧名称(科技)有限公司", "", "GR202415000001", "2024-11-20", ""]]
        result = run(import_commit, self.bureau, "hte", rows)
        self.assertIsNotNone(result.record, self.errors(result))
        self.assertEqual(HighTechCertification.objects.get(number="GR202415000001").enterprise, self.known)
        self.assertIn("的曾用名，已按曾用名匹配", result.rows[0].warnings[0])
        self.assertEqual(Enterprise.objects.count(), 2)

    def test_a_registry_list_under_a_former_name_does_not_rename_back(self):
        rows = [REGISTRY_HEADER, [self.known.credit_code, "通辽旧名称（科技）有限公司", "", "", "", ""]]
        result = run(import_commit, self.bureau, "enterprises", rows)
        self.assertEqual(result.rows[0].outcome, "unchanged")
        self.assertIn("为该企业的曾用名（现名称“通辽迁移测试有限公司”）", result.rows[0].warnings[0])
        self.known.refresh_from_db()
        self.assertEqual(self.known.name, "通辽迁移测试有限公司")

    def test_an_unknown_credit_code_under_a_former_name_is_a_new_enterprise(self):
        code = testing.credit_code("150502")
        rows = [REGISTRY_HEADER, [code, "通辽旧名称（科技）有限公司", "科尔沁区", "", "", ""]]
        result = run(import_commit, self.bureau, "enterprises", rows)
        self.assertEqual(result.rows[0].outcome, "create")
        self.assertIn("的曾用名；统一社会信用代码不同，按新企业处理", result.rows[0].warnings[0])

    def test_another_units_former_name_confirms_nothing_to_a_county_official(self):
        EnterpriseName.objects.create(enterprise=self.other, name="开鲁旧名有限公司")
        rows = [REGISTRY_HEADER, ["", "开鲁旧名有限公司", "", "", "", "重点培育"]]
        result = run(import_preview, self.county_a_user, "enterprises", rows)
        self.assertEqual(self.errors(result), [f"工作表“名单”第2行，“企业名称”列的“开鲁旧名有限公司”：{OTHER_UNIT}"])


class StageTests(RegistryChangesTestCase):
    def test_certified_in_the_stage_column_changes_nothing_and_says_why(self):
        code = testing.credit_code("150502")
        rows = [
            REGISTRY_HEADER,
            [self.known.credit_code, self.known.name, "", "", "", "已认定"],
            [code, "已认定新企业有限公司", "科尔沁区", "", "", "已认定"],
        ]
        result = run(import_commit, self.bureau, "enterprises", rows)
        self.assertEqual([row.outcome for row in result.rows], ["unchanged", "create"])
        for row in result.rows:
            self.assertEqual(row.warnings[-1].rsplit("：", 1)[1], "已认定由证书自动判断，未修改培育阶段")
        self.assertEqual(Enterprise.objects.get(credit_code=code).stage, CultivationStage.RESERVE)
        self.known.refresh_from_db()
        self.assertEqual(self.known.stage, CultivationStage.RESERVE)

    def test_stage_changes_are_recorded_with_the_importing_user(self):
        code = testing.credit_code("150502")
        rows = [
            REGISTRY_HEADER,
            [self.known.credit_code, self.known.name, "", "", "", "重点培育"],
            [code, "阶段新企业有限公司", "科尔沁区", "", "", "已申报"],
        ]
        result = run(import_commit, self.county_a_user, "enterprises", rows)
        self.assertIsNotNone(result.record, self.errors(result))
        changes = {
            (change.enterprise.credit_code, change.from_stage, change.to_stage, change.changed_by)
            for change in StageChange.objects.select_related("enterprise")
        }
        self.assertEqual(
            changes,
            {
                (self.known.credit_code, CultivationStage.RESERVE, CultivationStage.KEY, self.county_a_user),
                (code, "", CultivationStage.APPLIED, self.county_a_user),
            },
        )
        again = run(import_commit, self.county_a_user, "enterprises", rows)
        self.assertEqual(again.counts["unchanged"], 2)
        self.assertEqual(StageChange.objects.count(), 2)

    def test_an_hte_list_creates_enterprises_in_the_reserve_stage(self):
        code = testing.credit_code("150502")
        rows = [HTE_HEADER, [1, "证书新企业有限公司", code, "GR202315000002", "2023-11-20", "科尔沁区"]]
        run(import_commit, self.bureau, "hte", rows)
        created = Enterprise.objects.get(credit_code=code)
        self.assertEqual(created.stage, CultivationStage.RESERVE)
        self.assertEqual(
            list(StageChange.objects.filter(enterprise=created).values_list("from_stage", "to_stage", "changed_by")),
            [("", CultivationStage.RESERVE, self.bureau.pk)],
        )


class OtherUnitTests(RegistryChangesTestCase):
    def test_a_county_official_is_told_only_to_ask_the_bureau(self):
        cases = {
            "by credit code": [self.other.credit_code, "本单位新名字有限公司"],
            "by name, another code": [testing.credit_code("150502"), self.other.name],
            "by name, no code": ["", "开鲁他处 有限公司"],
        }
        for case, cells in cases.items():
            with self.subTest(case):
                result = run(
                    import_preview, self.county_a_user, "enterprises", [REGISTRY_HEADER, [*cells, "", "", "", ""]]
                )
                [message] = self.errors(result)
                self.assertEqual(message.rsplit("：", 1)[1], OTHER_UNIT)
                self.assertNotIn("其他旗县市区", message)

    def test_bureau_staff_keep_the_precise_message(self):
        stranger = testing.credit_code("150502")
        rows = [REGISTRY_HEADER, [stranger, self.other.name, "", "", "", ""]]
        result = run(import_preview, self.bureau, "enterprises", rows)
        self.assertEqual(
            self.errors(result),
            [
                f"工作表“名单”第2行，“企业名称”列的“{self.other.name}”：企业名称与“{self.other.name}”"
                f"（统一社会信用代码 {self.other.credit_code}）相同，但统一社会信用代码不同（表中为 {stranger}）"
            ],
        )
