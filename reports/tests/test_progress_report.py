"""The dashboard, progress.json, progress.xlsx and export_progress: agreement, scope, format, queries.

One data set (2025, as of 2025-09-30):

- 科尔沁区 (county A, quotas high_tech 5 / tech_sme 4): a1 valid with a 2025 registration,
  a2 lapsing on 2025-10-25, a3 named like a formula, first-time 2025-06-01 and registered,
  a4 registered only;
- 开鲁县 (county B, quota high_tech 3, no tech_sme quota): b1 valid and registered, b2 lapsing
  on 2025-12-13;
- every other unit has nothing.
"""

import datetime
import io
import zipfile
from io import StringIO
from pathlib import Path
from tempfile import TemporaryDirectory

from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import SecurityEvent
from enterprises import rules
from enterprises.models import CertificationKind, Enterprise, HighTechCertification, TechSMERegistration
from reports import counting, excel
from reports.models import AssessmentPublication
from targets.models import CountyQuota, Plan
from tongliao_portal import testing
from units.models import County

D = datetime.date
AS_OF = D(2025, 9, 30)
PARAMS = {"year": 2025, "as_of": "2025-09-30"}
FORMULA_NAME = '=HYPERLINK("http://example.com/x","点我领取补贴")'
OTHER_TRIGGERS = ("+86-475-1234567有限公司", "-减号开头有限公司", "@SUM(1+1)有限公司")


def issue5(cell):
    """An indicator's keys as issue 5 documented them (issue 14 adds ``schedule`` and ``alert``)."""
    return {"actual": cell["actual"], "target": cell["target"]}


def make_enterprise(county, name):
    """Bulk-created, so the name is stored exactly as given (no bracket normalisation)."""
    code = testing.credit_code(county.code)
    return Enterprise.objects.bulk_create(
        [Enterprise(credit_code=code, name=name, name_key=rules.name_key(name), county=county)]
    )[0]


def bulk_certificates(enterprises, issued_on, kind=CertificationKind.FIRST):
    rows = [
        HighTechCertification(
            enterprise=company,
            number=f"GR{issued_on.year}15{9 * 10**5 + company.pk:06d}",
            issued_on=issued_on,
            valid_until=rules.hte_valid_until(issued_on),
            kind=kind,
        )
        for company in enterprises
    ]
    HighTechCertification.objects.bulk_create(rows)


def bulk_registrations(enterprises, year, registered_on):
    rows = [
        TechSMERegistration(
            enterprise=company, year=year, number=f"{year}9{company.pk:012d}", registered_on=registered_on
        )
        for company in enterprises
    ]
    TechSMERegistration.objects.bulk_create(rows)


class ProgressReportTestCase(testing.Personas, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.make_personas()
        plan = Plan.objects.get(first_year=2023)
        quotas = [(cls.county_a, "high_tech", 5), (cls.county_a, "tech_sme", 4), (cls.county_b, "high_tech", 3)]
        CountyQuota.objects.bulk_create(
            [CountyQuota(plan=plan, year=2025, county=c, indicator=i, value=v) for c, i, v in quotas]
        )
        a1, a2, a4 = (testing.enterprise(cls.county_a, name=f"甲县企业{n}有限公司") for n in (1, 2, 4))
        cls.a3 = make_enterprise(cls.county_a, FORMULA_NAME)
        b1, cls.b2 = (testing.enterprise(cls.county_b, name=f"乙县企业{n}有限公司") for n in (1, 2))
        cls.a2 = a2
        testing.certificate(a1, D(2024, 11, 30))
        testing.certificate(a2, D(2022, 10, 26))
        testing.certificate(cls.a3, D(2025, 6, 1))
        testing.certificate(b1, D(2023, 11, 30))
        testing.certificate(cls.b2, D(2022, 12, 14))
        for company in (a1, cls.a3, a4, b1):
            testing.registration(company, 2025, D(2025, 7, 1))
        for name in OTHER_TRIGGERS:
            testing.registration(make_enterprise(cls.county_b, name), 2025, D(2025, 8, 1))

    def get(self, user, name, params=PARAMS):
        if user is not None:
            self.client.force_login(user)
        return self.client.get(reverse(name), params)

    def workbook(self, user, params=PARAMS):
        response = self.get(user, "reports:progress_xlsx", params)
        self.assertEqual(response.status_code, 200)
        return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


class AgreementTests(ProgressReportTestCase):
    """The counting module, the page, the JSON and the workbook show the same figures."""

    def test_counting_page_json_and_workbook_agree(self):
        figures = counting.count_figures(year=2025, as_of=AS_OF)
        expected = {
            county.code: {ind: figures.county(county.pk, ind) for ind in ("high_tech", "tech_sme", "high_tech_new")}
            for county in County.objects.filter(is_active=True)
        }
        self.assertEqual(expected["150502"], {"high_tech": 3, "tech_sme": 3, "high_tech_new": 1})
        self.assertEqual(expected["150523"], {"high_tech": 2, "tech_sme": 4, "high_tech_new": 0})

        page = self.get(self.bureau, "home")
        page_figures = {
            row.county.code: {ind: cell.actual for ind, cell in row.cells.items()}
            for row in page.context["dashboard"].rows
        }
        self.assertEqual(page_figures, expected)

        data = self.get(self.bureau, "reports:progress_json").json()
        json_figures = {
            unit["code"]: {ind: unit[ind]["actual"] for ind in ("high_tech", "tech_sme", "high_tech_new")}
            for unit in data["counties"]
        }
        self.assertEqual(json_figures, expected)
        self.assertEqual(issue5(data["city"]["high_tech"]), {"actual": figures.city("high_tech"), "target": 100})

        sheet = self.workbook(self.bureau)["分旗县市区"]
        header = [cell.value for cell in sheet[2]]
        rows = {row[0]: row for row in sheet.iter_rows(min_row=3, values_only=True) if row[0]}
        sheet_figures = {
            code: {
                "high_tech": row[header.index("高新技术企业实际数")],
                "tech_sme": row[header.index("科技型中小企业实际数")],
                "high_tech_new": row[header.index("首次认定高企实际数")],
            }
            for code, row in rows.items()
        }
        self.assertEqual(sheet_figures, expected)

    def test_city_totals_agree_across_the_overview_the_lists_and_the_json(self):
        data = self.get(self.bureau, "reports:progress_json").json()
        book = self.workbook(self.bureau)
        overview = {
            (row[0], row[1]): row for row in book["总览"].iter_rows(min_row=3, values_only=True) if row[0] is not None
        }
        self.assertEqual(overview[("有效期内高新技术企业数", 2025)][5], data["city"]["high_tech"]["actual"])
        self.assertEqual(overview[("入库科技型中小企业数", 2025)][5], data["city"]["tech_sme"]["actual"])
        self.assertEqual(book["高新技术企业名单"].max_row - 2, data["city"]["high_tech"]["actual"])
        self.assertEqual(book["科技型中小企业名单"].max_row - 2, data["city"]["tech_sme"]["actual"])

    def test_forecast_and_work_list_agree_between_page_and_workbook(self):
        dashboard = self.get(self.bureau, "home").context["dashboard"]
        self.assertEqual(dashboard.forecast.city.counts.year_end, 3)
        book = self.workbook(self.bureau)
        header = [cell.value for cell in book["分旗县市区"][2]]
        city_row = next(r for r in book["分旗县市区"].iter_rows(min_row=3, values_only=True) if r[1] == "全市")
        self.assertEqual(city_row[header.index("高新技术企业年末预测")], dashboard.forecast.city.counts.year_end)
        listed = [row[2] for row in book["即将到期"].iter_rows(min_row=3, values_only=True)]
        self.assertEqual(listed, [c.enterprise.name for c in dashboard.lapses])
        self.assertEqual(listed, ["甲县企业2有限公司", "乙县企业2有限公司"])


class JsonTests(ProgressReportTestCase):
    def test_shape_lists_every_unit_with_zeros_and_null_targets(self):
        data = self.get(self.bureau, "reports:progress_json").json()
        self.assertEqual((data["year"], data["as_of"]), (2025, "2025-09-30"))
        self.assertEqual(set(data["city"]), {"high_tech", "tech_sme", "high_tech_new"})
        self.assertEqual(issue5(data["city"]["tech_sme"]), {"actual": 7, "target": 200})
        self.assertEqual(len(data["counties"]), County.objects.filter(is_active=True).count())
        units = {unit["code"]: unit for unit in data["counties"]}
        self.assertEqual(units["150502"]["name"], "科尔沁区")
        self.assertEqual(issue5(units["150502"]["high_tech"]), {"actual": 3, "target": 5})
        self.assertEqual(issue5(units["150523"]["tech_sme"]), {"actual": 4, "target": None})
        self.assertEqual(issue5(units["150524"]["high_tech"]), {"actual": 0, "target": None})

    def test_county_official_gets_only_their_unit_and_the_city_totals(self):
        bureau = self.get(self.bureau, "reports:progress_json").json()
        for user, code in ((self.county_a_user, "150502"), (self.county_b_user, "150523")):
            data = self.get(user, "reports:progress_json").json()
            self.assertEqual([unit["code"] for unit in data["counties"]], [code])
            self.assertEqual(data["city"], bureau["city"])

    def test_leader_sees_every_unit(self):
        self.assertEqual(
            self.get(self.leader, "reports:progress_json").json(), self.get(self.bureau, "reports:progress_json").json()
        )

    def test_defaults_to_the_running_year(self):
        data = self.get(self.bureau, "reports:progress_json", {}).json()
        self.assertEqual(data["year"], datetime.date.fromisoformat(data["as_of"]).year)
        self.assertEqual(data["as_of"], counting.default_as_of(data["year"]).isoformat())

    def test_past_year_defaults_to_its_year_end(self):
        self.assertEqual(self.get(self.bureau, "reports:progress_json", {"year": 2024}).json()["as_of"], "2024-12-31")

    def test_bad_parameters_get_400_with_a_chinese_message(self):
        cases = {
            "1999": {"year": 1999},
            "abc": {"year": "abc"},
            "next year": {"year": timezone.localdate().year + 1},
            "bad date": {"year": 2025, "as_of": "2025-13-01"},
            "other year": {"year": 2025, "as_of": "2024-12-31"},
        }
        for label, params in cases.items():
            with self.subTest(label):
                response = self.get(self.bureau, "reports:progress_json", params)
                self.assertEqual(response.status_code, 400)
                self.assertTrue(response.json()["error"].startswith("参数错误："))
                self.assertRegex(response.json()["error"], "年度|统计日期")

    def test_anonymous_is_sent_to_the_login_page(self):
        for name in ("home", "reports:progress_json", "reports:progress_xlsx"):
            with self.subTest(name):
                response = self.client.get(reverse(name), PARAMS)
                self.assertEqual(response.status_code, 302)
                self.assertTrue(response["Location"].startswith(reverse("login")))

    def test_only_get_is_allowed(self):
        self.client.force_login(self.bureau)
        self.assertEqual(self.client.post(reverse("reports:progress_json")).status_code, 405)


class DashboardTests(ProgressReportTestCase):
    def test_bureau_and_leader_see_every_unit(self):
        for user in (self.bureau, self.leader):
            with self.subTest(user.username):
                response = self.get(user, "home")
                self.assertEqual(response.status_code, 200)
                self.assertEqual(len(response.context["dashboard"].rows), County.objects.filter(is_active=True).count())
                self.assertContains(response, "甲县企业2有限公司")
                self.assertContains(response, "乙县企业2有限公司")

    def test_county_official_sees_their_unit_and_city_totals_only(self):
        response = self.get(self.county_a_user, "home")
        dashboard = response.context["dashboard"]
        self.assertEqual([row.county.code for row in dashboard.rows], ["150502"])
        self.assertEqual([row.county.code for row in dashboard.forecast.counties], ["150502"])
        self.assertEqual([row.county.code for row in dashboard.stage_rows], ["150502"])
        self.assertEqual(dashboard.progress.city["high_tech"].actual, 5)
        self.assertContains(response, "甲县企业2有限公司")
        self.assertNotContains(response, "乙县企业")
        self.assertNotContains(response, "开鲁县")
        other = self.get(self.county_b_user, "home")
        self.assertNotContains(other, "甲县企业")
        self.assertContains(other, "乙县企业2有限公司")

    def test_work_list_links_to_the_enterprise(self):
        response = self.get(self.bureau, "home")
        self.assertContains(response, f'href="{reverse("enterprises:detail", args=[self.a2.pk])}"')

    def test_missing_target_reads_not_set_never_zero_percent(self):
        response = self.get(self.bureau, "home")
        row = next(r for r in response.context["dashboard"].rows if r.county.code == "150523")
        self.assertIsNone(row.cells["tech_sme"].completion)
        html = response.content.decode()
        start = html.index('<tr data-code="150523">')
        kailu_row = html[start : html.index("</tr>", start)]
        self.assertIn("未设定", kailu_row)
        self.assertIn("66.7%", kailu_row)  # high_tech 2 / 3
        self.assertNotIn("0.0%", kailu_row)

    def test_completion_figures_are_shown(self):
        response = self.get(self.bureau, "home")
        self.assertContains(response, "60.0%")  # 科尔沁区 high_tech 3 / 5
        self.assertContains(response, "75.0%")  # 科尔沁区 tech_sme 3 / 4

    def test_sorting_by_completion_puts_units_without_quota_last(self):
        response = self.get(self.bureau, "home", {**PARAMS, "sort": "-high_tech"})
        codes = [row.county.code for row in response.context["dashboard"].rows]
        self.assertEqual(codes[:2], ["150523", "150502"])  # 2/3 = 66.7% before 3/5 = 60%
        self.assertEqual(len(codes), County.objects.filter(is_active=True).count())

    def test_charts_read_data_from_json_script_and_no_inline_script(self):
        html = self.get(self.bureau, "home").content.decode()
        self.assertIn('<script id="dashboard-data" type="application/json">', html)
        self.assertRegex(html, r'<script src="/static/vendor/echarts/echarts\.min(\.[0-9a-f]+)?\.js">')
        scripts = html.split("<script")[1:]
        for script in scripts:
            self.assertTrue(" src=" in script.split(">")[0] or 'type="application/json"' in script.split(">")[0])
        self.assertNotIn("cdn", html.lower())

    def test_bad_parameters_show_a_form_error(self):
        response = self.get(self.bureau, "home", {"year": 2025, "as_of": "2024-01-01"})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "统计日期应在 2025 年内", status_code=400)


class WorkbookTests(ProgressReportTestCase):
    def test_download_name_and_type(self):
        response = self.get(self.bureau, "reports:progress_xlsx")
        self.assertEqual(response["Content-Type"], excel.XLSX_CONTENT_TYPE)
        self.assertIn(
            "filename*=utf-8''%E9%80%9A%E8%BE%BD%E5%B8%82%E7%A7%91%E6%8A%80%E4%BC%81%E4%B8%9A%E5%9F%B9%E8%82%B2"
            "%E8%BF%9B%E5%BA%A6_2025.xlsx",
            response["Content-Disposition"],
        )
        self.assertTrue(response["Content-Disposition"].startswith("attachment"))
        b"".join(response.streaming_content)
        event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.EXPORT)
        self.assertEqual((event.username, event.detail["year"]), ("bureau", 2025))
        book = self.workbook(self.bureau)
        listed = book["高新技术企业名单"].max_row - 2  # title row and header row
        self.assertEqual(event.detail["rows"]["高新技术企业名单"], listed)

    def test_bad_parameters_get_400_with_a_chinese_message(self):
        response = self.get(self.bureau, "reports:progress_xlsx", {"year": 1999})
        self.assertEqual(response.status_code, 400)
        self.assertIn("年度应在", response.content.decode())
        self.assertFalse(SecurityEvent.objects.filter(kind=SecurityEvent.Kind.EXPORT).exists())

    def test_sheets_headers_title_and_frozen_header(self):
        book = self.workbook(self.bureau)
        self.assertEqual(book.sheetnames, list(excel.SHEET_NAMES))
        expected_headers = {
            "总览": ["指标", "年度", "统计日期", "基数", "目标", "实际", "完成率", "距目标差额"],
            "高新技术企业名单": [
                "序号",
                "旗县市区",
                "企业名称",
                "统一社会信用代码",
                "证书编号",
                "发证日期",
                "有效期至",
                "认定类型",
            ],
            "科技型中小企业名单": [
                "序号",
                "旗县市区",
                "企业名称",
                "统一社会信用代码",
                "入库登记编号",
                "评价年度",
                "入库日期",
            ],
            "即将到期": [
                "序号",
                "旗县市区",
                "企业名称",
                "统一社会信用代码",
                "证书编号",
                "发证日期",
                "有效期至",
                "剩余天数",
            ],
        }
        for sheet in book.worksheets:
            with self.subTest(sheet.title):
                self.assertIn("统计截至2025年9月30日", sheet["A1"].value)
                self.assertEqual(sheet.freeze_panes, "A3")
                self.assertGreater(sheet.column_dimensions["B"].width, 5)
                if sheet.title in expected_headers:
                    self.assertEqual([c.value for c in sheet[2]], expected_headers[sheet.title])
        counties_header = [c.value for c in book["分旗县市区"][2]]
        self.assertEqual(
            counties_header[:5], ["代码", "旗县市区", "高新技术企业任务数", "高新技术企业实际数", "高新技术企业完成率"]
        )
        self.assertEqual(counties_header[-2:], ["考核得分", "考核排名"])

    def test_numbers_dates_and_percentages_have_their_types(self):
        book = self.workbook(self.bureau)
        sheet = book["分旗县市区"]
        header = [c.value for c in sheet[2]]
        kerqin = next(row for row in sheet.iter_rows(min_row=3) if row[0].value == "150502")
        quota, actual, completion = (kerqin[header.index(f"高新技术企业{h}")] for h in ("任务数", "实际数", "完成率"))
        self.assertEqual((quota.value, actual.value), (5, 3))
        self.assertEqual((quota.data_type, actual.data_type), ("n", "n"))
        self.assertAlmostEqual(completion.value, 0.6)
        self.assertEqual(completion.number_format, "0.0%")
        kailu = next(row for row in sheet.iter_rows(min_row=3) if row[0].value == "150523")
        self.assertEqual(kailu[header.index("科技型中小企业完成率")].value, "未设定")
        self.assertIsNone(kailu[header.index("科技型中小企业任务数")].value)
        self.assertEqual(kerqin[header.index("考核得分")].value, "未发布")
        listed = book["高新技术企业名单"]["F3"]
        self.assertTrue(listed.is_date)
        self.assertEqual(listed.number_format, "yyyy-mm-dd")

    def test_native_bar_charts_on_the_county_sheet(self):
        response = self.get(self.bureau, "reports:progress_xlsx")
        with zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))) as archive:
            charts = [name for name in archive.namelist() if name.startswith("xl/charts/chart")]
            self.assertEqual(len(charts), 2)
            xml = archive.read(charts[0]).decode()
        # openpyxl writes `<x />` with the standard library and `<x/>` with lxml (installed with python-docx).
        self.assertRegex(xml, r'<barDir val="col"\s?/>')
        self.assertIn("<strRef><f>'分旗县市区'!$B$3:$B$11</f></strRef>", xml)  # unit names as categories
        self.assertIn("<f>'分旗县市区'!$C$3:$C$11</f>", xml)  # quotas

    def test_text_that_looks_like_a_formula_stays_text(self):
        response = self.get(self.bureau, "reports:progress_xlsx")
        content = b"".join(response.streaming_content)
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            for name in archive.namelist():
                if name.startswith("xl/worksheets/"):
                    self.assertNotIn(b"<f>", archive.read(name), name)
        book = load_workbook(io.BytesIO(content))
        for sheet in book.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    self.assertNotEqual(cell.data_type, "f", f"{sheet.title}!{cell.coordinate}")
        names = [row[2] for row in book["高新技术企业名单"].iter_rows(min_row=3)]
        formula_cell = next(cell for cell in names if cell.value == FORMULA_NAME)
        self.assertEqual(formula_cell.data_type, "s")
        self.assertTrue(formula_cell.quotePrefix)
        self.assertIsNone(formula_cell.hyperlink)
        sme_names = {row[2] for row in book["科技型中小企业名单"].iter_rows(min_row=3, values_only=True)}
        self.assertTrue(set(OTHER_TRIGGERS) <= sme_names)

    def test_assessment_score_and_rank_come_from_the_published_version(self):
        counties = [{"code": "150502", "total": "17.50", "rank": 1}, {"code": "150523", "total": "9.25", "rank": 2}]
        AssessmentPublication.objects.create(year=2025, version=1, data={"as_of": "2025-12-31", "counties": counties})
        sheet = self.workbook(self.bureau)["分旗县市区"]
        header = [c.value for c in sheet[2]]
        rows = {row[0]: row for row in sheet.iter_rows(min_row=3, values_only=True) if row[0]}
        self.assertEqual(rows["150502"][header.index("考核得分") :], (17.5, 1))
        self.assertEqual(rows["150523"][header.index("考核得分") :], (9.25, 2))

    def test_county_official_workbook_holds_their_unit_only(self):
        book = self.workbook(self.county_a_user)
        units = [row[1] for row in book["分旗县市区"].iter_rows(min_row=3, values_only=True) if row[1]]
        self.assertEqual(units, ["科尔沁区"])
        for title in ("高新技术企业名单", "科技型中小企业名单", "即将到期"):
            with self.subTest(title):
                counties = {row[1] for row in book[title].iter_rows(min_row=3, values_only=True)}
                self.assertEqual(counties, {"科尔沁区"})
        self.assertIn("范围：科尔沁区", book["总览"]["A1"].value)
        overview = {(r[0], r[1]): r for r in book["总览"].iter_rows(min_row=3, values_only=True)}
        self.assertEqual(overview[("有效期内高新技术企业数", 2025)][5], 5)  # the city total

    def test_county_b_workbook_has_none_of_county_a(self):
        book = self.workbook(self.county_b_user)
        for sheet in book.worksheets[1:]:
            for row in sheet.iter_rows(min_row=3, values_only=True):
                self.assertNotIn("科尔沁区", row)
                self.assertNotIn(FORMULA_NAME, row)


class ExportCommandTests(ProgressReportTestCase):
    def test_command_writes_the_whole_city_workbook(self):
        with TemporaryDirectory() as folder:
            path = Path(folder) / excel.filename(2025)
            out = StringIO()
            call_command(
                "export_progress", "--year", "2025", "--as-of", "2025-09-30", "--output", str(path), stdout=out
            )
            self.assertIn("已导出", out.getvalue())
            book = load_workbook(path)
            downloaded = self.workbook(self.bureau)
            self.assertEqual(book.sheetnames, list(excel.SHEET_NAMES))
            for title in excel.SHEET_NAMES:
                with self.subTest(title):
                    self.assertEqual(
                        list(book[title].iter_rows(values_only=True)),
                        list(downloaded[title].iter_rows(values_only=True)),
                    )

    def test_command_rejects_bad_parameters(self):
        with self.assertRaisesMessage(CommandError, "统计日期应在 2025 年内"):
            call_command("export_progress", "--year", "2025", "--as-of", "2026-01-01", "--output", "/tmp/x.xlsx")
        with self.assertRaisesMessage(CommandError, "年度"):
            call_command("export_progress", "--year", "19x", "--output", "/tmp/x.xlsx")


class QueryCountTests(ProgressReportTestCase):
    """The number of queries does not depend on the number of enterprises."""

    def test_cached_figures_are_reused_until_the_data_changes(self):
        self.client.force_login(self.leader)
        first = self.client.get(reverse("reports:progress_json"), PARAMS).json()
        with CaptureQueriesContext(connection) as queries:
            again = self.client.get(reverse("reports:progress_json"), PARAMS).json()
        self.assertEqual(again, first)
        self.assertLess(len(queries), 8)  # session, user, groups, data version: no counting
        company = testing.enterprise(self.county_a)
        testing.certificate(company, D(2024, 11, 30))
        after = self.client.get(reverse("reports:progress_json"), PARAMS).json()
        self.assertEqual(after["city"]["high_tech"]["actual"], first["city"]["high_tech"]["actual"] + 1)

    def add_enterprises(self):
        for county in (self.county_a, self.county_b, testing.county("150571")):
            companies = testing.bulk_enterprises(county, 30)
            bulk_certificates(companies[:10], D(2024, 11, 30))
            bulk_certificates(companies[10:20], D(2022, 12, 14))
            bulk_registrations(companies[5:25], 2025, D(2025, 7, 1))

    def count_queries(self, name):
        cache.clear()  # measure the computation, not a hit in the figures cache
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(reverse(name), PARAMS)
            if name == "reports:progress_xlsx":
                b"".join(response.streaming_content)
        self.assertEqual(response.status_code, 200)
        return len(queries)

    def test_dashboard_json_and_workbook(self):
        names = ("home", "reports:progress_json", "reports:progress_xlsx")
        for user in (self.bureau, self.county_a_user):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                small = {name: self.count_queries(name) for name in names}
                self.add_enterprises()
                large = {name: self.count_queries(name) for name in names}
                self.assertEqual(large, small)
                self.assertLess(small["reports:progress_json"], 19)  # issue 14: +3 (plan, season cache, season)
                self.assertLess(small["home"], 60)
        self.assertGreater(counting.count_figures(year=2025, as_of=AS_OF).city("high_tech"), 60)


class LapseListLengthTests(ProgressReportTestCase):
    def test_dashboard_lists_the_first_rows_and_points_to_the_workbook_for_the_rest(self):
        from unittest import mock

        self.client.force_login(self.bureau)
        total = self.client.get(reverse("home"), PARAMS).context["dashboard"].lapse_count
        self.assertGreaterEqual(total, 2)
        with mock.patch("reports.dashboard.LAPSE_ROWS_SHOWN", 1):
            cache.clear()
            response = self.client.get(reverse("home"), PARAMS)
        self.assertEqual(len(response.context["lapse_rows"]), 1)
        self.assertContains(response, f"另有 {total - 1} 家未在此列出")
