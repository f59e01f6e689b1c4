"""What an import says it will do, row by row (issue 12): a second SME import, 认定类型 inferred and
checked across the registry and the file, the date and 认定类型 in the preview, the unit of new
enterprises chosen explicitly, unit hints, total rows, one error per row."""

import datetime
import io

from django.test import TestCase

from enterprises.models import CertificationKind, Enterprise, HighTechCertification, TechSMERegistration
from imports.forms import ImportUploadForm
from imports.importer import ImportOptions, import_commit, import_preview
from imports.models import ImportRecord
from imports.tests.test_import_service import REGISTRY_HEADER, SME_HEADER
from imports.tests.test_import_workbook import HTE_HEADER, xlsx
from tongliao_portal import testing

KIND_HEADER = [*HTE_HEADER, "认定类型"]


def preview(user, kind, rows, **options):
    return import_preview(
        user=user, content=xlsx(rows), file_name="名单.xlsx", options=ImportOptions(kind=kind, **options)
    )


def commit(user, kind, rows, **options):
    return import_commit(
        user=user, content=xlsx(rows), file_name="名单.xlsx", options=ImportOptions(kind=kind, **options)
    )


class RowsTestCase(TestCase, testing.Personas):
    @classmethod
    def setUpTestData(cls):
        cls.make_personas()
        cls.known = testing.enterprise(cls.county_a, name="通辽认定既有有限公司")
        cls.known_cert = testing.certificate(cls.known, datetime.date(2022, 12, 14), number="GR202215000001")
        cls.other = testing.enterprise(cls.county_b, name="开鲁未认定有限公司")

    def errors(self, result):
        return [message for row in result.rows for message in row.errors]


class SecondSMEImportTests(RowsTestCase):
    def test_the_same_sme_list_imported_again_changes_nothing(self):
        rows = [
            SME_HEADER,
            [1, self.known.name, self.known.credit_code, "202015050200000001", "2020-07-14", ""],
            [
                2,
                "科小二〇二〇新企业有限公司",
                testing.credit_code("150523"),
                "202015052300000002",
                "2020-07-14",
                "开鲁县",
            ],
        ]
        first = commit(self.bureau, "sme", rows, year=2020)
        self.assertEqual(first.counts["create"], 2, self.errors(first))
        second = commit(self.bureau, "sme", rows, year=2020)
        self.assertEqual(self.errors(second), [])
        self.assertEqual((second.counts["create"], second.counts["update"], second.counts["unchanged"]), (0, 0, 2))
        self.assertEqual(TechSMERegistration.objects.filter(year=2020).count(), 2)

    def test_a_second_number_for_the_same_year_is_still_refused(self):
        testing.registration(self.known, 2020, datetime.date(2020, 7, 1), number="202015050200000777")
        rows = [SME_HEADER, [1, self.known.name, "", "202015050200000888", "2020-07-14", ""]]
        self.assertEqual(
            self.errors(preview(self.bureau, "sme", rows, year=2020)),
            [
                "工作表“名单”第2行，“入库登记编号”列的“202015050200000888”："
                "该企业 2020 年度已有入库登记编号 202015050200000777"
            ],
        )


class CertificationKindTests(RowsTestCase):
    def test_an_explicit_first_certification_after_an_earlier_certificate_is_an_error(self):
        rows = [KIND_HEADER, [1, self.known.name, "", "GR202515000050", "2025-11-20", "", "首次认定"]]
        self.assertEqual(
            self.errors(preview(self.bureau, "hte", rows)),
            [
                "工作表“名单”第2行，“认定类型”列的“首次认定”："
                "该企业已有 2022-12-14 发证的证书 GR202215000001，再次认定应选择“重新认定”"
            ],
        )

    def test_an_inferred_first_certification_before_a_recorded_one_is_an_error_not_an_integrity_error(self):
        rows = [KIND_HEADER, [1, self.known.name, "", "GR202015000051", "2020-11-20", "", ""]]
        result = commit(self.bureau, "hte", rows)
        self.assertEqual(
            self.errors(result),
            [
                "工作表“名单”第2行，“认定类型”列为空：按发证日期推定为首次认定，但该企业已有首次认定的证书 "
                "GR202215000001（2022年12月14日发证），一家企业只有一张首次认定证书；如本证书更早，请先将该证书更正为重新认定"
            ],
        )
        self.assertIsNone(result.record)
        self.assertFalse(HighTechCertification.objects.filter(number="GR202015000051").exists())

    def test_two_first_certifications_for_one_enterprise_in_one_file(self):
        code = testing.credit_code("150502")
        rows = [
            KIND_HEADER,
            [1, "两次首次有限公司", code, "GR202315000053", "2023-11-20", "科尔沁区", "首次认定"],
            [2, "两次首次有限公司", code, "GR202015000052", "2020-11-20", "科尔沁区", "首次认定"],
        ]
        result = commit(self.bureau, "hte", rows)
        # The later one is refused, whichever row comes first.
        self.assertEqual([row.outcome for row in result.rows], ["error", "create"])
        self.assertEqual(
            result.rows[0].errors,
            [
                "工作表“名单”第2行，“认定类型”列的“首次认定”："
                "该企业已有 2020-11-20 发证的证书 GR202015000052，再次认定应选择“重新认定”"
            ],
        )
        self.assertFalse(Enterprise.objects.filter(credit_code=code).exists())

    def test_two_blank_rows_of_one_day_cannot_both_be_first(self):
        rows = [
            KIND_HEADER,
            [1, self.other.name, "", "GR202315000054", "2023-11-20", "", ""],
            [2, self.other.name, "", "GR202315000055", "2023-11-20", "", ""],
        ]
        result = commit(self.bureau, "hte", rows)
        self.assertEqual([row.outcome for row in result.rows], ["create", "error"])
        self.assertIn("按发证日期推定为首次认定，但该企业已有首次认定的证书 GR202315000054", result.rows[1].errors[0])

    def test_a_renewal_without_an_earlier_certificate_is_a_warning(self):
        rows = [KIND_HEADER, [1, self.other.name, "", "GR202515000056", "2025-11-20", "", "重新认定"]]
        result = commit(self.bureau, "hte", rows)
        self.assertIsNotNone(result.record)
        self.assertIn("重新认定须有更早的高新技术企业证书", result.rows[0].warnings[0])
        self.assertEqual(HighTechCertification.objects.get(number="GR202515000056").kind, CertificationKind.RENEWAL)

    def test_correcting_the_recorded_first_lets_an_earlier_one_in(self):
        rows = [
            KIND_HEADER,
            [1, self.known.name, "", "GR202215000001", "2022-12-14", "", "重新认定"],
            [2, self.known.name, "", "GR201915000057", "2019-11-20", "", "首次认定"],
        ]
        result = commit(self.bureau, "hte", rows)
        self.assertIsNotNone(result.record, self.errors(result))
        kinds = dict(self.known.certifications.values_list("number", "kind"))
        self.assertEqual(
            kinds, {"GR202215000001": CertificationKind.RENEWAL, "GR201915000057": CertificationKind.FIRST}
        )


class PreviewSaysWhatItWillDoTests(RowsTestCase):
    def test_each_row_shows_its_date_and_its_certification_kind(self):
        code = testing.credit_code("150502")
        rows = [
            KIND_HEADER,
            [1, self.known.name, "", "GR202215000001", "", "", ""],  # recorded: its own date and kind
            [2, self.known.name, "", "GR202515000060", "", "", ""],  # the announcement date; inferred
            [3, "预览新企业有限公司", code, "GR202315000061", "2023年11月20日", "科尔沁区", "重新认定"],
            [4, "预览新企业有限公司", code, "GR202015000062", "2020.11.20", "科尔沁区", ""],
        ]
        result = preview(self.bureau, "hte", rows, announced_on=datetime.date(2025, 11, 20))
        self.assertEqual(result.date_heading, "发证日期")
        self.assertEqual(
            [(row.on, row.certification_kind) for row in result.rows],
            [
                (datetime.date(2022, 12, 14), "首次认定"),
                (datetime.date(2025, 11, 20), "重新认定（推定）"),
                (datetime.date(2023, 11, 20), "重新认定"),
                (datetime.date(2020, 11, 20), "首次认定（推定）"),
            ],
        )

    def test_the_preview_page_shows_the_date_the_kind_and_the_unit_for_new_enterprises(self):
        self.client.force_login(self.bureau)
        content = xlsx([HTE_HEADER, [1, self.known.name, "", "GR202515000063", "", ""]])
        handle = io.BytesIO(content)
        handle.name = "名单.xlsx"
        response = self.client.post(
            "/imports/", {"kind": "hte", "file": handle, "announced_on": "2025-11-20", "county": self.county_b.pk}
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "<th>发证日期</th><th>认定类型</th>", html=False)
        self.assertContains(response, "2025-11-20")
        self.assertContains(response, "重新认定（推定）")
        self.assertContains(response, "新企业默认旗县市区 开鲁县")

    def test_the_unit_for_new_enterprises_is_chosen_explicitly(self):
        form = ImportUploadForm(user=self.bureau)
        field = form.fields["county"]
        self.assertEqual(field.label, "新企业所属旗县市区")
        self.assertIn("名单新建的企业归入此单位", field.help_text)
        self.assertIsNone(form["county"].value())
        self.assertInHTML('<option value="" selected>（不指定）</option>', str(form["county"]))
        self.assertEqual(ImportRecord._meta.get_field("county").verbose_name, "新企业默认旗县市区")
        self.client.force_login(self.bureau)
        self.assertContains(self.client.get("/imports/"), "<th>新企业默认旗县市区</th>", html=False)


class UnitHintTests(RowsTestCase):
    def test_a_listed_unit_other_than_the_enterprises_is_a_hint(self):
        rows = [SME_HEADER, [1, self.known.name, "", "202315050200000070", "2023-07-14", "开鲁县"]]
        result = commit(self.bureau, "sme", rows, year=2023)
        self.assertIsNotNone(result.record)
        self.assertEqual(
            result.rows[0].warnings,
            [
                "工作表“名单”第2行，“所在地区”列的“开鲁县”：表中为开鲁县，而该企业登记在科尔沁区；本名单不改变企业的所属旗县市区"
            ],
        )
        self.known.refresh_from_db()
        self.assertEqual(self.known.county, self.county_a)

    def test_a_credit_code_of_another_unit_is_a_hint(self):
        code = testing.credit_code("150523")
        rows = [HTE_HEADER, [1, "区划码提示有限公司", code, "GR202315000071", "2023-11-20", "科尔沁区"]]
        [row] = preview(self.bureau, "hte", rows).rows
        self.assertEqual(row.outcome, "create")
        self.assertEqual(
            row.warnings,
            [
                f"工作表“名单”第2行，“统一社会信用代码”列的“{code}”："
                "统一社会信用代码第3—8位 150523 是开鲁县的代码，而该企业将归入科尔沁区，请核对所属旗县市区"
            ],
        )

    def test_city_and_unknown_area_codes_give_no_hint(self):
        rows = [HTE_HEADER]
        for index, area in enumerate(("150500", "150504", "110105", "150502"), start=1):
            rows.append(
                [
                    index,
                    f"区划{index}有限公司",
                    testing.credit_code(area),
                    f"GR2023150000{index:02d}",
                    "2023-11-20",
                    "科尔沁区",
                ]
            )
        result = preview(self.bureau, "hte", rows)
        self.assertEqual([row.warnings for row in result.rows], [[], [], [], []])


class TotalRowTests(RowsTestCase):
    def test_total_rows_are_skipped_in_every_kind_wherever_they_stand(self):
        cases = {
            "hte": [
                HTE_HEADER,
                [1, self.known.name, "", "GR202215000001", "2022-12-14", ""],
                ["合计", "", "", "1家", "", ""],
                ["", "小 计", "", "", "", ""],
            ],
            "sme": [
                SME_HEADER,
                [1, self.known.name, "", "202315050200000080", "2023-07-14", ""],
                ["合计：1家", "", "", "1", "", ""],
                [None, "开鲁县小计", "", "0", "", ""],
            ],
            "enterprises": [
                ["序号", *REGISTRY_HEADER],
                [1, self.known.credit_code, self.known.name, "", "", "", ""],
                ["总计", "", "", "", "", "", "1"],
                ["", "", "合计（1家）", "", "", "", ""],
            ],
        }
        for kind, rows in cases.items():
            with self.subTest(kind=kind):
                result = preview(self.bureau, kind, rows, year=2023)
                self.assertEqual(self.errors(result), [])
                self.assertEqual(
                    [row.warnings for row in result.rows[1:]],
                    [["工作表“名单”第3行：合计行，不导入"], ["工作表“名单”第4行：合计行，不导入"]],
                )

    def test_a_name_beginning_with_the_word_is_not_a_total(self):
        rows = [HTE_HEADER, [1, "合计科技有限公司", testing.credit_code(), "GR202315000081", "2023-11-20", "科尔沁区"]]
        [row] = preview(self.bureau, "hte", rows).rows
        self.assertEqual((row.outcome, row.warnings), ("create", []))


class OneErrorPerRowTests(RowsTestCase):
    def test_a_bad_credit_code_is_one_error(self):
        for kind, rows in {
            "hte": [HTE_HEADER, [1, "乙公司", "91350100M000100Y44", "GR202315000090", "2023-11-20", "科尔沁区"]],
            "enterprises": [REGISTRY_HEADER, ["91350100M000100Y44", "乙公司", "科尔沁区"]],
        }.items():
            with self.subTest(kind=kind):
                self.assertEqual(
                    self.errors(preview(self.bureau, kind, rows)),
                    [
                        "工作表“名单”第2行，“统一社会信用代码”列的“91350100M000100Y44”："
                        "统一社会信用代码校验位错误：第18位应为“3”，实为“4”"
                    ],
                )

    def test_a_repeated_malformed_number_is_one_error_per_row(self):
        rows = [
            HTE_HEADER,
            [1, self.known.name, "", "GR20221500001", "2022-12-14", ""],
            [2, self.known.name, "", "GR20221500001", "2022-12-14", ""],
        ]
        result = preview(self.bureau, "hte", rows)
        self.assertEqual([len(row.errors) for row in result.rows], [1, 1])
        self.assertTrue(all("证书编号格式应为" in row.errors[0] for row in result.rows))
