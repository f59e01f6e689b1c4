"""The enterprise list's Excel export, /enterprises/export.xlsx (issue 14): the list's rows for the
same query string, scoped, formula-like text kept as text, every download in the security log."""

import datetime
import io

from django.test import TestCase
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import SecurityEvent
from enterprises import rules
from enterprises.models import Enterprise
from tongliao_portal import testing

D = datetime.date
FORMULA_NAMES = ('=HYPERLINK("http://example.com/x","点我")有限公司', "+86-475-1234567有限公司", "@SUM(1+1)有限公司")


def workbook(response):
    body = b"".join(response.streaming_content)
    return load_workbook(io.BytesIO(body))


class ExportTests(testing.Personas, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.make_personas()
        cls.valid = testing.enterprise(cls.county_a, name="导出有证企业有限公司", industry="-新材料")
        testing.certificate(cls.valid, D(2024, 11, 1))
        testing.registration(cls.valid, 2024, D(2024, 7, 1))
        cls.pool = testing.enterprise(cls.county_a, name="导出培育企业有限公司", stage="key")
        cls.other = testing.enterprise(cls.county_b, name="导出开鲁企业有限公司")
        # Bulk-created, so the names are stored exactly as given.
        Enterprise.objects.bulk_create(
            Enterprise(
                credit_code=testing.credit_code("150523"), name=name, name_key=rules.name_key(name), county=cls.county_b
            )
            for name in FORMULA_NAMES
        )

    def export(self, user, query=""):
        self.client.force_login(user)
        response = self.client.get(f"{reverse('enterprises:export')}{query}")
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.streaming)
        self.assertIn("attachment", response["Content-Disposition"])
        return response

    def names(self, response):
        sheet = workbook(response)["企业名录"]
        return [row[1] for row in sheet.iter_rows(min_row=3, values_only=True)]

    def test_the_lists_rows_for_the_same_query_string(self):
        for query in (
            "",
            "?hte_status=valid",
            f"?county={self.county_a.pk}&ordering=-name",
            "?q=导出",
            "?sme_year=2024",
        ):
            with self.subTest(query=query):
                self.client.force_login(self.bureau)
                listed = [e.name for e in self.client.get(f"{reverse('enterprises:list')}{query}").context["page"]]
                self.assertEqual(self.names(self.export(self.bureau, query)), listed)

    def test_a_county_official_exports_the_own_unit_only(self):
        names = self.names(self.export(self.county_a_user))
        self.assertEqual(sorted(names), sorted(["导出有证企业有限公司", "导出培育企业有限公司"]))
        sheet = workbook(self.export(self.county_a_user, f"?county={self.county_b.pk}"))["企业名录"]
        self.assertIn("科尔沁区", sheet["A1"].value)

    def test_status_columns_and_title(self):
        sheet = workbook(self.export(self.bureau, "?hte_status=valid"))["企业名录"]
        self.assertIn("高企状态：有效期内", sheet["A1"].value)
        headers = [cell.value for cell in sheet[2]]
        row = dict(zip(headers, next(sheet.iter_rows(min_row=3, values_only=True)), strict=True))
        self.assertEqual(row["企业名称"], "导出有证企业有限公司")
        self.assertEqual(row["培育阶段"], "已认定")
        self.assertEqual(row["高新技术企业"], "有效")
        self.assertEqual(row["证书有效期至"].date(), D(2027, 10, 31))
        self.assertEqual(row["最近入库年度"], 2024)

    def test_formula_like_text_is_stored_as_text(self):
        sheet = workbook(self.export(self.bureau))["企业名录"]
        cells = {row[1].value: row for row in sheet.iter_rows(min_row=3)}
        for name in FORMULA_NAMES:
            cell = cells[name][1]
            self.assertEqual(cell.data_type, "s", name)
            self.assertTrue(cell.quotePrefix, name)
            self.assertEqual(cell.value, name)  # no apostrophe added to the text
        industry = cells["导出有证企业有限公司"][9]
        self.assertEqual((industry.value, industry.data_type, industry.quotePrefix), ("-新材料", "s", True))

    def test_every_download_is_in_the_security_log(self):
        self.export(self.county_a_user, "?stage=key")
        event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.EXPORT)
        self.assertEqual(event.username, "county_a")
        self.assertEqual(event.detail["report"], "enterprises.xlsx")
        self.assertEqual(event.detail["rows"], 1)
        self.assertIn("培育阶段", event.detail["filters"])

    def test_the_list_links_to_the_export_with_its_filters(self):
        self.client.force_login(self.bureau)
        response = self.client.get(reverse("enterprises:list"), {"hte_status": "valid", "page": "1"})
        self.assertContains(response, f'href="{reverse("enterprises:export")}?hte_status=valid"')
        self.assertContains(self.client.get(reverse("enterprises:list")), f'href="{reverse("enterprises:export")}"')
