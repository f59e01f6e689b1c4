"""The import services: preview counts, every row error, all-or-nothing, idempotence, scope, audit."""

import datetime

from auditlog.diff import model_instance_diff
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from enterprises.models import (
    CertificationKind,
    Enterprise,
    HighTechCertification,
    Stage,
    TechField,
    TechSMERegistration,
)
from imports import kinds
from imports.importer import ImportOptions, creation_changes, import_commit, import_preview
from imports.models import ImportRecord
from imports.tests.test_import_workbook import HTE_HEADER, xlsx
from tongliao_portal import testing

SME_HEADER = ["序号", "企业名称", "统一社会信用代码", "入库登记编号", "入库日期", "所在地区"]
REGISTRY_HEADER = ["统一社会信用代码", "企业名称", "所属旗县市区", "技术领域", "联系电话", "培育阶段"]
NOV_20 = datetime.date(2023, 11, 20)


def hte(user, content, **options):
    return import_preview(
        user=user, content=content, file_name="名单.xlsx", options=ImportOptions(kind="hte", **options)
    )


def commit(user, kind, content, **options):
    return import_commit(user=user, content=content, file_name="名单.xlsx", options=ImportOptions(kind=kind, **options))


class ImportTestCase(TestCase, testing.Personas):
    @classmethod
    def setUpTestData(cls):
        cls.make_personas()
        cls.kerqin_code = testing.credit_code("150502")
        cls.known = testing.enterprise(cls.county_a, name="通辽既有（集团）有限公司", credit_code=cls.kerqin_code)
        cls.known_cert = testing.certificate(cls.known, datetime.date(2022, 12, 14), number="GR202215000001")
        cls.other = testing.enterprise(cls.county_b, name="开鲁某某科技有限公司")

    def only(self, result):
        """The messages of the single row in error."""
        [row] = [row for row in result.rows if row.errors]
        return row.errors


class PreviewTests(ImportTestCase):
    def test_preview_counts_each_outcome_and_writes_nothing(self):
        new_code = testing.credit_code("150523")
        content = xlsx(
            [
                HTE_HEADER,
                [1, "通辽既有(集团)有限公司", "", "GR202215000001", "2022-12-14", ""],  # unchanged
                [2, "通辽既有 (集团) 有限公司", "", "GR202315000002", "2023年11月20日", ""],  # new cert
                [3, "开鲁新创科技有限公司", new_code, "GR202315000003", "2023.11.20", "开鲁县"],  # new both
                [4, self.other.name, "", "GR202315000004", "2023/11/20", ""],  # new cert, other unit
                [5, "无代码新企业有限公司", "", "GR202315000005", "2023-11-20", "开鲁县"],  # error
            ],
            title="2023年第一批高新技术企业名单",
        )
        before = (Enterprise.objects.count(), HighTechCertification.objects.count(), LogEntry.objects.count())
        result = hte(self.bureau, content)
        self.assertEqual(
            result.counts, {"create": 3, "update": 0, "unchanged": 1, "error": 1, "warning": 0, "total": 5}
        )
        self.assertEqual([row.outcome for row in result.rows], ["unchanged", "create", "create", "create", "error"])
        self.assertEqual(result.rows[2].changes, ["同时新建企业（开鲁县）"])
        self.assertEqual(result.rows[0].number, 3)
        self.assertEqual(result.sheets, ["名单"])
        after = (Enterprise.objects.count(), HighTechCertification.objects.count(), LogEntry.objects.count())
        self.assertEqual(before, after)

    def test_a_changed_date_is_an_update_listing_the_change(self):
        content = xlsx([HTE_HEADER, [1, self.known.name, self.kerqin_code, "GR202215000001", "2022-12-15"]])
        [row] = hte(self.bureau, content).rows
        self.assertEqual(row.outcome, "update")
        self.assertEqual(row.changes, ["发证日期：2022-12-14 → 2022-12-15"])

    def test_every_date_spelling_gives_the_same_date(self):
        spellings = ["2023年11月20日", "2023-11-20", "2023.11.20", "2023/11/20", NOV_20, 45250]
        rows = [HTE_HEADER]
        for index, spelling in enumerate(spellings, start=1):
            rows.append(
                [index, f"日期{index}有限公司", testing.credit_code(), f"GR2023150001{index:02d}", spelling, "科尔沁区"]
            )
        result = commit(self.bureau, "hte", xlsx(rows))
        self.assertFalse(result.has_errors, list(result.error_messages()))
        dates = set(HighTechCertification.objects.filter(number__startswith="GR2023150001").values_list("issued_on"))
        self.assertEqual(dates, {(NOV_20,)})

    def test_announcement_date_applies_to_rows_without_one(self):
        content = xlsx([["企业名称", "证书编号"], [self.known.name, "GR202315000009"]])
        self.assertEqual(
            self.only(hte(self.bureau, content)),
            ["工作表“名单”第2行，“发证日期”列为空：该行没有日期，导入时也未填写公告日期"],
        )
        result = commit(self.bureau, "hte", content, announced_on=NOV_20)
        self.assertEqual(result.counts["create"], 1)
        cert = HighTechCertification.objects.get(number="GR202315000009")
        self.assertEqual((cert.issued_on, cert.valid_until), (NOV_20, datetime.date(2026, 11, 19)))

    def test_a_later_announcement_date_never_moves_a_recorded_certificate(self):
        content = xlsx([["企业名称", "证书编号"], [self.known.name, "GR202315000009"]])
        commit(self.bureau, "hte", content, announced_on=NOV_20)
        again = commit(self.bureau, "hte", content, announced_on=datetime.date(2023, 12, 8))
        self.assertEqual((again.counts["update"], again.counts["unchanged"]), (0, 1))
        self.assertEqual(HighTechCertification.objects.get(number="GR202315000009").issued_on, NOV_20)
        again = commit(self.bureau, "hte", content)  # no announcement date: nothing to ask for
        self.assertEqual(again.counts["unchanged"], 1)


class RowErrorTests(ImportTestCase):
    """Every error names sheet, row, column, the value and the reason, in Chinese."""

    def test_bad_check_character(self):
        content = xlsx([HTE_HEADER, [1, "甲公司", "91350100M000100Y44", "GR202315000001", "2023-11-20", "科尔沁区"]])
        self.assertEqual(
            self.only(hte(self.bureau, content)),
            [
                "工作表“名单”第2行，“统一社会信用代码”列的“91350100M000100Y44”：统一社会信用代码校验位错误：第18位应为“3”，实为“4”"
            ],
        )

    def test_malformed_certificate_number(self):
        content = xlsx([HTE_HEADER, [1, self.known.name, "", "GR2023150001", "2023-11-20"]])
        self.assertEqual(
            self.only(hte(self.bureau, content)),
            [
                "工作表“名单”第2行，“证书编号”列的“GR2023150001”："
                "证书编号格式应为 GR + 4位年份 + 2位省份代码 + 6位序号，例如 GR202315000123"
            ],
        )

    def test_unknown_unit(self):
        content = xlsx([HTE_HEADER, [1, "甲公司", testing.credit_code(), "GR202315000001", "2023-11-20", "火星区"]])
        [message] = self.only(hte(self.bureau, content))
        self.assertTrue(
            message.startswith("工作表“名单”第2行，“所属旗县市区”列的“火星区”：无法识别的旗县市区，应为以下之一")
        )
        self.assertIn("科尔沁区、科尔沁左翼中旗", message)

    def test_unit_by_code_by_place_name_and_by_short_name(self):
        rows = [HTE_HEADER]
        for index, place in enumerate(
            ["150523", "内蒙古自治区通辽市开鲁县", "科左中旗", "通辽经济技术开发区"], start=1
        ):
            rows.append(
                [index, f"地区{index}有限公司", testing.credit_code(), f"GR2023150000{index:02d}", "2023-11-20", place]
            )
        result = commit(self.bureau, "hte", xlsx(rows))
        self.assertFalse(result.has_errors, list(result.error_messages()))
        codes = (
            Enterprise.objects.filter(name__startswith="地区").order_by("name").values_list("county__code", flat=True)
        )
        self.assertEqual(list(codes), ["150523", "150523", "150521", "150571"])

    def test_duplicate_number_within_the_file(self):
        content = xlsx(
            [
                HTE_HEADER,
                [1, self.known.name, "", "GR202315000001", "2023-11-20"],
                [2, self.other.name, "", "GR202315000001", "2023-11-20"],
            ]
        )
        self.assertEqual(
            self.only(hte(self.bureau, content)),
            ["工作表“名单”第3行，“证书编号”列的“GR202315000001”：与本文件工作表“名单”第2行的证书编号重复"],
        )

    def test_number_already_held_by_another_enterprise(self):
        content = xlsx([HTE_HEADER, [1, self.other.name, "", "GR202215000001", "2022-12-14"]])
        self.assertEqual(
            self.only(hte(self.bureau, content)),
            [
                "工作表“名单”第2行，“证书编号”列的“GR202215000001”："
                f"该证书编号已属于另一家企业：“通辽既有（集团）有限公司”（统一社会信用代码 {self.kerqin_code}）"
            ],
        )

    def test_name_matching_an_enterprise_whose_credit_code_differs(self):
        stranger = testing.credit_code("150502")
        content = xlsx([HTE_HEADER, [1, "通辽既有(集团)有限公司", stranger, "GR202315000001", "2023-11-20"]])
        self.assertEqual(
            self.only(hte(self.bureau, content)),
            [
                "工作表“名单”第2行，“企业名称”列的“通辽既有(集团)有限公司”："
                f"企业名称与“通辽既有（集团）有限公司”（统一社会信用代码 {self.kerqin_code}）相同，"
                f"但统一社会信用代码不同（表中为 {stranger}）"
            ],
        )

    def test_unknown_enterprise_without_code_or_unit_names_what_is_missing(self):
        content = xlsx([["企业名称", "证书编号", "发证日期"], ["新来的有限公司", "GR202315000001", "2023-11-20"]])
        self.assertEqual(
            self.only(hte(self.bureau, content)),
            [
                "工作表“名单”第2行，“企业名称”列的“新来的有限公司”：名录中没有该企业，新建企业还缺少："
                "统一社会信用代码、所属旗县市区（表中没有该列或该格为空，导入时也未选择“新企业所属旗县市区”）"
            ],
        )

    def test_unit_chosen_in_the_form_lets_an_unknown_enterprise_be_created(self):
        code = testing.credit_code("150525")
        content = xlsx(
            [
                ["企业名称", "统一社会信用代码", "证书编号", "发证日期"],
                ["新来的有限公司", code, "GR202315000001", "2023-11-20"],
            ]
        )
        result = commit(self.bureau, "hte", content, county=testing.county("150525"))
        self.assertEqual(result.counts["create"], 1)
        created = Enterprise.objects.get(credit_code=code)
        # 已认定 is never stored: it follows from the certificate (the stored stage is 储备).
        self.assertEqual((created.county.code, created.stage), ("150525", Stage.RESERVE))
        self.assertEqual(created.stage_on(datetime.date(2023, 11, 20)), Stage.CERTIFIED)

    def test_a_number_typed_as_a_long_number_is_an_error(self):
        content = xlsx([HTE_HEADER, [1, "甲公司", 911505021234567890, "GR202315000001", "2023-11-20"]])
        [message] = self.only(hte(self.bureau, content))
        self.assertIn("“统一社会信用代码”列", message)
        self.assertIn("Excel 已丢失末尾数字", message)

    def test_the_template_example_row_is_refused(self):
        result = import_preview(
            user=self.bureau,
            content=kinds.template_for(kinds.HTE),
            file_name="模板.xlsx",
            options=ImportOptions(kind="hte"),
        )
        self.assertIn("这是模板中的示例行，请删除后再导入", self.only(result)[0])

    def test_warnings_do_not_block(self):
        content = xlsx(
            [
                HTE_HEADER,
                [1, self.known.name, "", "GR202312000934", "2023-11-20"],
                [2, self.other.name, "", "GR202215000777", "2023-11-20"],
            ]
        )
        result = commit(self.bureau, "hte", content)
        self.assertIsNotNone(result.record)
        self.assertEqual(
            result.rows[0].warnings,
            [
                "工作表“名单”第2行，“证书编号”列的“GR202312000934”："
                "证书编号的省份代码为 12（非内蒙古 15），请确认是否为整体迁入企业"
            ],
        )
        self.assertIn("证书编号中的年份 2022 与发证日期 2023 年不一致", result.rows[1].warnings[0])
        self.assertEqual((result.counts["warning"], result.record.warnings), (2, 2))


class CommitTests(ImportTestCase):
    def test_one_bad_last_row_writes_nothing(self):
        rows = [HTE_HEADER]
        for index in range(1, 6):
            rows.append(
                [
                    index,
                    f"原子{index}有限公司",
                    testing.credit_code(),
                    f"GR2023150000{index:02d}",
                    "2023-11-20",
                    "科尔沁区",
                ]
            )
        rows.append([6, "原子6有限公司", testing.credit_code(), "GR2023-BAD", "2023-11-20", "科尔沁区"])
        counts = (Enterprise.objects.count(), HighTechCertification.objects.count(), LogEntry.objects.count())
        result = commit(self.bureau, "hte", xlsx(rows))
        self.assertTrue(result.has_errors)
        self.assertIsNone(result.record)
        self.assertEqual(
            counts, (Enterprise.objects.count(), HighTechCertification.objects.count(), LogEntry.objects.count())
        )
        self.assertFalse(ImportRecord.objects.exists())

    def test_importing_the_same_file_twice_changes_nothing_the_second_time(self):
        code = testing.credit_code("150502")
        content = xlsx(
            [
                HTE_HEADER,
                [1, "通辽既有(集团)有限公司", "", "GR202315000010", "2023-11-20", ""],
                [2, "通辽重复科技(有限)公司", code, "GR202315000011", "2023年11月20日", "科尔沁区"],
            ],
            title="名单",
        )
        first = commit(self.bureau, "hte", content)
        self.assertEqual((first.counts["create"], first.counts["update"]), (2, 0))
        entries = LogEntry.objects.count()
        second = commit(self.bureau, "hte", content)
        self.assertEqual((second.counts["create"], second.counts["update"], second.counts["unchanged"]), (0, 0, 2))
        self.assertEqual(LogEntry.objects.count(), entries)
        self.assertEqual((second.record.created, second.record.updated, second.record.unchanged), (0, 0, 2))
        self.assertTrue(second.notices[0].startswith("同一文件（SHA-256 相同）已于"))

    def test_commit_writes_normalised_rows_and_records_the_import(self):
        code = testing.credit_code("150502")
        content = xlsx(
            [HTE_HEADER, [1, " 通辽 新星(科技)有限公司 ", code.lower(), "gr202315000020", "2023-11-20", "科尔沁区"]]
        )
        result = commit(self.bureau, "hte", content, announced_on=NOV_20)
        created = Enterprise.objects.get(credit_code=code)
        self.assertEqual((created.name, created.name_key), ("通辽新星（科技）有限公司", "通辽新星(科技)有限公司"))
        cert = created.certifications.get()
        self.assertEqual(
            (cert.number, cert.valid_until, cert.kind), ("GR202315000020", datetime.date(2026, 11, 19), "first")
        )
        record = result.record
        self.assertEqual(
            (record.kind, record.file_name, record.imported_by, record.rows_total, record.created),
            ("hte", "名单.xlsx", self.bureau, 1, 1),
        )
        self.assertEqual(record.sha256, result.sha256)
        self.assertEqual(len(record.sha256), 64)
        self.assertEqual(record.options["announced_on"], "2023-11-20")

    def test_changes_appear_in_the_audit_trail_with_actor_address_and_import(self):
        code = testing.credit_code("150502")
        content = xlsx(
            [
                HTE_HEADER,
                [1, "审计新企业有限公司", code, "GR202315000030", "2023-11-20", "科尔沁区"],
                [2, self.known.name, "", "GR202215000001", "2022-12-15", ""],
            ]
        )
        result = import_commit(
            user=self.bureau,
            content=content,
            file_name="a.xlsx",
            options=ImportOptions(kind="hte"),
            remote_addr="10.1.2.3",
        )
        created = Enterprise.objects.get(credit_code=code)
        entry = LogEntry.objects.get_for_object(created).get()
        self.assertEqual(
            (entry.action, entry.actor, entry.remote_addr), (LogEntry.Action.CREATE, self.bureau, "10.1.2.3")
        )
        self.assertEqual(entry.changes["credit_code"], ["None", code])
        self.assertEqual(entry.changes["county"], ["None", "科尔沁区"])
        self.assertEqual(entry.additional_data["import_record"], result.record.pk)
        self.assertNotIn("name_key", entry.changes)
        cert_entry = LogEntry.objects.get_for_object(created.certifications.get()).get()
        self.assertEqual(cert_entry.changes["number"], ["None", "GR202315000030"])
        update = LogEntry.objects.get_for_object(self.known_cert).get(action=LogEntry.Action.UPDATE)
        self.assertEqual((update.actor, update.object_repr), (self.bureau, "GR202215000001"))
        self.assertEqual(
            update.changes, {"issued_on": ["2022-12-14", "2022-12-15"], "valid_until": ["2025-12-13", "2025-12-14"]}
        )
        self.known_cert.refresh_from_db()
        self.assertEqual(self.known_cert.valid_until, datetime.date(2025, 12, 14))

    def test_bulk_audit_changes_are_those_auditlog_itself_records(self):
        for obj in (Enterprise.objects.get(pk=self.known.pk), self.known_cert):
            concrete = {field.name for field in type(obj)._meta.concrete_fields}
            expected = {name: list(pair) for name, pair in model_instance_diff(None, obj).items() if name in concrete}
            self.assertEqual(creation_changes(obj), expected)

    def test_query_count_does_not_grow_with_the_rows(self):
        ContentType.objects.get_for_models(Enterprise, HighTechCertification, LogEntry)
        self.assertTrue(self.bureau.is_bureau)

        def queries_for(count: int, start: int) -> int:
            rows = [HTE_HEADER]
            for n in range(start, start + count):
                rows.append([n, f"规模{n}有限公司", testing.credit_code(), f"GR2023150{n:05d}", "2023-11-20", "开鲁县"])
            rows.append([0, self.known.name, "", f"GR2023159{start:05d}", "2023-11-20", ""])
            content = xlsx(rows)
            with CaptureQueriesContext(connection) as context:
                result = commit(self.bureau, "hte", content)
            self.assertEqual(result.counts["create"], count + 1)
            return len(context.captured_queries)

        # 10 and 25 rows stay within one bulk statement per table even on SQLite (about 60 rows per
        # INSERT); beyond that, bulk writes add one query per batch of rows, never one per row.
        self.assertEqual(queries_for(10, 100), queries_for(25, 200))

    def test_certificate_type_is_inferred_from_earlier_certificates(self):
        code = testing.credit_code("150502")
        content = xlsx(
            [
                [*HTE_HEADER, "认定类型"],
                [1, self.known.name, "", "GR202515000040", "2025-11-20", "", ""],
                [2, "推定新企业有限公司", code, "GR202515000041", "2025-11-20", "科尔沁区", ""],
                [3, "推定新企业有限公司", code, "GR202215000042", "2022-11-20", "科尔沁区", ""],
                [4, self.other.name, "", "GR202515000043", "2025-11-20", "", "重新认定"],
            ]
        )
        result = commit(self.bureau, "hte", content)
        self.assertFalse(result.has_errors, list(result.error_messages()))
        kinds_by_number = dict(HighTechCertification.objects.values_list("number", "kind"))
        self.assertEqual(kinds_by_number["GR202515000040"], CertificationKind.RENEWAL)
        self.assertEqual(kinds_by_number["GR202515000041"], CertificationKind.RENEWAL)
        self.assertEqual(kinds_by_number["GR202215000042"], CertificationKind.FIRST)
        self.assertEqual(kinds_by_number["GR202515000043"], CertificationKind.RENEWAL)
        self.assertEqual(Enterprise.objects.filter(credit_code=code).count(), 1)

    def test_a_certificate_listed_under_an_earlier_name_matches_its_holder(self):
        content = xlsx([HTE_HEADER, [1, "通辽旧名称有限公司", "", "GR202215000001", "2022-12-14", ""]])
        [row] = hte(self.bureau, content).rows
        self.assertEqual(row.outcome, "unchanged")
        self.assertIn("可能已更名", row.warnings[0])

    def test_leaders_and_county_officials_cannot_import_certificates(self):
        content = xlsx([HTE_HEADER])
        for user in (self.leader, self.county_a_user):
            with self.assertRaises(PermissionDenied):
                hte(user, content)


class SMETests(ImportTestCase):
    def test_year_from_the_form_and_dates_from_the_rows(self):
        code = testing.credit_code("150523")
        content = xlsx(
            [
                SME_HEADER,
                [1, self.known.name, self.kerqin_code, "202315050200000001", "2023-07-14", ""],
                [2, "科小新企业有限公司", code, "202315052300000002", "2023年7月14日", "开鲁县"],
            ],
            title="2023年第三批入库科技型中小企业名单",
        )
        result = commit(self.bureau, "sme", content, year=2023)
        self.assertEqual(result.counts["create"], 2)
        registration = TechSMERegistration.objects.get(number="202315052300000002")
        self.assertEqual((registration.year, registration.registered_on), (2023, datetime.date(2023, 7, 14)))
        self.assertEqual(registration.enterprise.county.code, "150523")

    def test_missing_year_is_an_error(self):
        content = xlsx([SME_HEADER, [1, self.known.name, "", "202315050200000001", "2023-07-14"]])
        result = import_preview(
            user=self.bureau, content=content, file_name="x.xlsx", options=ImportOptions(kind="sme")
        )
        self.assertEqual(
            self.only(result), ["工作表“名单”第2行，“评价年度”列为空：该行没有评价年度，导入时也未选择年度"]
        )

    def test_number_not_beginning_with_its_year_is_a_warning(self):
        content = xlsx(
            [[*SME_HEADER, "评价年度"], [1, self.known.name, "", "2022150502000001", "2023-07-14", "", "2023年"]]
        )
        result = commit(self.bureau, "sme", content)
        self.assertIsNotNone(result.record)
        self.assertEqual(
            result.rows[0].warnings,
            ["工作表“名单”第2行，“入库登记编号”列的“2022150502000001”：入库登记编号未以评价年度 2023 开头，请核对"],
        )

    def test_second_registration_of_an_enterprise_for_one_year_is_an_error(self):
        testing.registration(self.known, 2023, datetime.date(2023, 7, 1), number="202315050200000777")
        content = xlsx([SME_HEADER, [1, self.known.name, "", "202315050200000888", "2023-07-14"]])
        result = import_preview(
            user=self.bureau, content=content, file_name="x.xlsx", options=ImportOptions(kind="sme", year=2023)
        )
        self.assertEqual(
            self.only(result),
            [
                "工作表“名单”第2行，“入库登记编号”列的“202315050200000888”："
                "该企业 2023 年度已有入库登记编号 202315050200000777"
            ],
        )

    def test_number_held_by_another_enterprise(self):
        testing.registration(self.other, 2023, datetime.date(2023, 7, 1), number="202315052300000777")
        content = xlsx([SME_HEADER, [1, self.known.name, "", "202315052300000777", "2023-07-14"]])
        result = import_preview(
            user=self.bureau, content=content, file_name="x.xlsx", options=ImportOptions(kind="sme", year=2023)
        )
        self.assertIn("该入库登记编号已属于另一家企业：“开鲁某某科技有限公司”", self.only(result)[0])


class RegistryTests(ImportTestCase):
    def registry(self, user, rows, **options):
        return import_commit(
            user=user,
            content=xlsx([REGISTRY_HEADER, *rows]),
            file_name="名录.xlsx",
            options=ImportOptions(kind="enterprises", **options),
        )

    def test_bureau_creates_and_updates_without_erasing_blank_cells(self):
        self.known.contact_phone = "0475-1234567"
        self.known.save()
        code = testing.credit_code("150502")
        result = self.registry(
            self.bureau,
            [
                [self.kerqin_code, "通辽既有(集团)有限公司", "", "新材料", "", "重点培育"],
                [code, "名录新企业有限公司", "150502", "", 13904750000, ""],
            ],
        )
        self.assertEqual((result.counts["update"], result.counts["create"]), (1, 1))
        self.assertEqual(result.rows[0].changes, ["技术领域：（空） → 新材料", "培育阶段：储备 → 重点培育"])
        self.known.refresh_from_db()
        self.assertEqual(
            (self.known.tech_field, self.known.stage, self.known.contact_phone),
            (TechField.MATERIALS, Stage.KEY, "0475-1234567"),
        )
        self.assertEqual(Enterprise.objects.get(credit_code=code).contact_phone, "13904750000")

    def test_duplicates_within_the_registry_file(self):
        code = testing.credit_code("150502")
        result = self.registry(self.bureau, [[code, "甲有限公司", "科尔沁区"], [code, "乙有限公司", "科尔沁区"]])
        self.assertEqual(
            self.only(result), [f"工作表“名单”第3行，“统一社会信用代码”列的“{code}”：与本文件工作表“名单”第2行重复"]
        )

    def test_unknown_choice_is_named(self):
        result = self.registry(self.bureau, [[self.kerqin_code, self.known.name, "", "量子玄学"]])
        self.assertIn("“技术领域”列的“量子玄学”：无法识别，应为以下之一：电子信息、生物与新医药", self.only(result)[0])

    def test_county_official_imports_their_own_unit_only(self):
        own = testing.credit_code("150502")
        result = self.registry(
            self.county_a_user,
            [
                [own, "本单位新企业有限公司", "", "", "", ""],
                [testing.credit_code("150523"), "外单位新企业有限公司", "开鲁县", "", "", ""],
                [self.other.credit_code, self.other.name, "", "新材料", "", ""],
            ],
            county=self.county_b,  # ignored: a county official imports for their own unit
        )
        self.assertEqual([row.outcome for row in result.rows], ["create", "error", "error"])
        self.assertEqual(
            result.rows[1].errors,
            ["工作表“名单”第3行，“所属旗县市区”列的“开鲁县”：该行属于开鲁县，您只能导入本单位（科尔沁区）的企业"],
        )
        self.assertEqual(
            result.rows[2].errors,
            [
                f"工作表“名单”第4行，“统一社会信用代码”列的“{self.other.credit_code}”：该企业无法在本地区登记，请联系市科技局"
            ],
        )
        self.assertIsNone(result.record)

    def test_county_official_updates_only_cultivation_fields_of_a_registered_enterprise(self):
        self.known.address = "原地址"
        self.known.save()
        result = self.registry(
            self.county_a_user,
            [[self.kerqin_code, "县里想改的名字有限公司", "", "新材料", "13904751111", "重点培育"]],
        )
        self.assertEqual(result.rows[0].outcome, "update")
        self.assertIn("名称、成立日期、技术领域、行业、地址的差异未导入", result.rows[0].warnings[0])
        self.known.refresh_from_db()
        self.assertEqual(
            (self.known.name, self.known.tech_field, self.known.contact_phone, self.known.stage),
            ("通辽既有（集团）有限公司", "", "13904751111", Stage.KEY),
        )

    def test_county_official_commit_is_recorded_for_their_unit(self):
        result = self.registry(self.county_a_user, [[testing.credit_code("150502"), "本单位企业有限公司", "科尔沁区"]])
        self.assertEqual((result.record.county, result.record.imported_by), (self.county_a, self.county_a_user))
        self.assertEqual(ImportRecord.objects.visible_to(self.county_b_user).count(), 0)
        self.assertEqual(ImportRecord.objects.visible_to(self.county_a_user).count(), 1)

    def test_name_clash_with_another_units_enterprise_names_no_details(self):
        result = self.registry(self.county_a_user, [[testing.credit_code("150502"), self.other.name, ""]])
        # Worded so as not to confirm that another unit has registered it (issue 13 finding 9).
        self.assertEqual(
            self.only(result),
            [f"工作表“名单”第2行，“企业名称”列的“{self.other.name}”：该企业无法在本地区登记，请联系市科技局"],
        )

    def test_rename_by_credit_code(self):
        result = self.registry(self.bureau, [[self.kerqin_code, "通辽更名后科技有限公司", ""]])
        self.assertEqual(result.rows[0].changes, ["企业名称：通辽既有（集团）有限公司 → 通辽更名后科技有限公司"])
        self.known.refresh_from_db()
        self.assertEqual(self.known.name_key, "通辽更名后科技有限公司")
