"""The evaluation of a plan (issue 14): page, JSON, workbook and Word draft against the counting module.

One data set, evaluated on 2026-12-01 (the 2023–2025 plan is over; its targets and baselines
come from the migration):

- 科尔沁区 (A, high_tech quotas 1/2/3, tech_sme 2025 quota 2): one HTE certified in each plan
  year, all valid at the end of 2025; two 2025 SME registrations → meets every year.
- 开鲁县 (B, high_tech quotas 2023: 1, 2025: 3): one HTE lapsing on 2025-12-13, one certified in
  2025, one certified in 2025 and revoked → 2025: 1 of 3; one 2025 SME registration, no quota.
- 科尔沁左翼中旗 (C, high_tech 2025 quota 3): one HTE certified in 2025 → 1 of 3, tied with B.
- 库伦旗 (D, no quota): 95 HTEs certified in 2025, so that the city has 100 valid HTEs at the end
  of 2025, the plan's target, "较2020年底37家增长1.7倍（为其2.7倍）".
"""

import datetime
import io
import re
from decimal import Decimal
from html.parser import HTMLParser
from unittest import mock

import docx
from django.db import connection
from django.test import SimpleTestCase, TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import SecurityEvent
from enterprises import rules
from enterprises.models import CertificationKind, HighTechCertification
from reports import counting
from reports.evaluation import Growth, competition_ranks
from targets.models import CountyQuota, Plan
from tongliao_portal import testing
from units.models import County

D = datetime.date
TODAY = D(2026, 12, 1)
YEARS = (2023, 2024, 2025)
INDICATORS = ("high_tech", "tech_sme", "high_tech_new")
SPAN = {"first": 2023, "last": 2025}
GROWTH_WORDS = "较2020年底37家增长1.7倍（为其2.7倍）"


def today_is(day):
    return mock.patch("django.utils.timezone.localdate", return_value=day)


class GrowthTests(SimpleTestCase):
    def test_the_plans_own_words(self):
        growth = Growth(baseline_year=2020, baseline=37, final_year=2025, actual=100)
        self.assertEqual(growth.increase, Decimal("1.7"))
        self.assertEqual(growth.times, Decimal("2.7"))
        self.assertEqual(growth.multiple, Decimal("2.7027"))
        self.assertEqual(growth.annual_rate_percent, Decimal("22.0"))  # 2.7027 ** (1/5) = 1.2200
        from reports.evaluation_text import growth_text

        self.assertEqual(growth_text(growth), f"{GROWTH_WORDS}，年均增长22.0%")

    def test_a_fall_and_a_standstill(self):
        from reports.evaluation_text import growth_text

        fall = Growth(baseline_year=2020, baseline=20, final_year=2025, actual=3)
        self.assertEqual(fall.times, Decimal("0.2"))  # 0.15, half up
        self.assertEqual(fall.annual_rate_percent, Decimal("-31.6"))
        self.assertEqual(growth_text(fall), "较2020年底20家减少17家（为其0.2倍），年均下降31.6%")
        self.assertEqual(
            growth_text(Growth(baseline_year=2022, baseline=53, final_year=2025, actual=53)), "与2022年底53家持平"
        )

    def test_a_baseline_of_zero_has_no_multiple(self):
        growth = Growth(baseline_year=2020, baseline=0, final_year=2025, actual=5)
        self.assertIsNone(growth.multiple)
        self.assertIsNone(growth.annual_rate_percent)

    def test_ties_share_a_rank(self):
        ranks = competition_ranks({1: Decimal("1"), 2: Decimal("0.3333"), 3: Decimal("0.3333"), 4: Decimal("0.1")})
        self.assertEqual(ranks, {1: (1, False), 2: (2, True), 3: (2, True), 4: (4, False)})


class TableParser(HTMLParser):
    """The rows of each ``unit-table`` on the page: indicator → code → cell texts."""

    def __init__(self):
        super().__init__()
        self.tables, self.indicator, self.code, self.cells, self.text = {}, None, None, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and "unit-table" in (attrs.get("class") or ""):
            self.indicator = attrs["data-indicator"]
            self.tables[self.indicator] = {}
        elif tag == "tr" and self.indicator and "data-code" in attrs:
            self.code, self.cells = attrs["data-code"], []
        elif tag in ("td", "th") and self.cells is not None:
            self.text = ""

    def handle_data(self, data):
        if self.text is not None:
            self.text += data

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.text is not None:
            self.cells.append(" ".join(self.text.split()))
            self.text = None
        elif tag == "tr" and self.cells is not None:
            self.tables[self.indicator][self.code] = self.cells
            self.code, self.cells = None, None
        elif tag == "table":
            self.indicator = None


def bulk_hte(county, n, issued_on):
    enterprises = testing.bulk_enterprises(county, n)
    HighTechCertification.objects.bulk_create(
        HighTechCertification(
            enterprise=company,
            number=f"GR{issued_on.year}15{8 * 10**5 + company.pk:06d}",
            issued_on=issued_on,
            valid_until=rules.hte_valid_until(issued_on),
            kind=CertificationKind.FIRST,
        )
        for company in enterprises
    )


class EvaluationTestCase(testing.Personas, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.make_personas()
        cls.plan = Plan.objects.get(first_year=2023)
        cls.county_c, cls.county_d = testing.county("150521"), testing.county("150524")
        quotas = [
            (cls.county_a, 2023, "high_tech", 1),
            (cls.county_a, 2024, "high_tech", 2),
            (cls.county_a, 2025, "high_tech", 3),
            (cls.county_a, 2025, "tech_sme", 2),
            (cls.county_b, 2023, "high_tech", 1),
            (cls.county_b, 2025, "high_tech", 3),
            (cls.county_c, 2025, "high_tech", 3),
        ]
        CountyQuota.objects.bulk_create(
            CountyQuota(plan=cls.plan, county=c, year=y, indicator=i, value=v) for c, y, i, v in quotas
        )
        for issued in (D(2023, 3, 1), D(2024, 6, 1), D(2025, 5, 1)):
            company = testing.enterprise(cls.county_a)
            testing.certificate(company, issued)
        for company in testing.bulk_enterprises(cls.county_a, 2):
            testing.registration(company, 2025, D(2025, 6, 1))
        lapsing, new, revoked = (testing.enterprise(cls.county_b) for _ in range(3))
        testing.certificate(lapsing, D(2022, 12, 14))  # valid through 2025-12-13
        testing.certificate(new, D(2025, 2, 1))
        testing.certificate(revoked, D(2025, 3, 1), revoked_on=D(2025, 10, 1), revoke_reason="抽查不合格")
        testing.registration(new, 2025, D(2025, 7, 1))
        testing.registration(new, 2024, D(2024, 7, 1))
        testing.certificate(testing.enterprise(cls.county_c), D(2025, 4, 1))
        bulk_hte(cls.county_d, 95, D(2025, 1, 10))

    def setUp(self):
        patcher = today_is(TODAY)
        patcher.start()
        self.addCleanup(patcher.stop)

    def get(self, user, name, span=SPAN):
        self.client.force_login(user)
        return self.client.get(reverse(name, kwargs=span))

    def body(self, user, name):
        response = self.get(user, name)
        self.assertEqual(response.status_code, 200)
        return b"".join(response.streaming_content) if response.streaming else response.content

    def json(self, user):
        response = self.get(user, "reports:evaluation_json")
        self.assertEqual(response.status_code, 200)
        return response.json()


class JsonTests(EvaluationTestCase):
    def test_the_documented_shape_exactly(self):
        data = self.json(self.bureau)
        self.assertEqual(list(data), ["plan", "as_of", "city", "counties"])
        self.assertEqual(
            data["plan"],
            {
                "name": "通辽市培育高新技术企业和入库科技型中小企业三年行动方案",
                "document_number": "通创办发〔2023〕1号",
                "first_year": 2023,
                "last_year": 2025,
            },
        )
        self.assertEqual(data["as_of"], "2025-12-31")
        self.assertEqual(list(data["city"]), list(INDICATORS))
        for indicator, item in data["city"].items():
            self.assertEqual(list(item), ["baselines", "years", "final"])
            self.assertEqual(list(item["years"]), ["2023", "2024", "2025"])
            for cell in item["years"].values():
                self.assertEqual(list(cell), ["target", "actual", "completion"])
                self.assertIsInstance(cell["actual"], int)
                self.assertIn(type(cell["completion"]), (float, type(None)), indicator)
            self.assertEqual(list(item["final"]), ["target", "actual", "completion", "multiple_of_first_baseline"])
        city = data["city"]
        self.assertEqual(city["high_tech"]["baselines"], {"2020": 37, "2022": 53})
        self.assertEqual(city["tech_sme"]["baselines"], {"2020": 20, "2022": 58})
        self.assertEqual(city["high_tech_new"]["baselines"], {})
        self.assertEqual(
            city["high_tech"]["final"],
            {"target": 100, "actual": 100, "completion": 1.0, "multiple_of_first_baseline": 2.7027},
        )
        self.assertEqual(
            city["high_tech_new"]["final"],
            {"target": None, "actual": 98, "completion": None, "multiple_of_first_baseline": None},
        )
        self.assertEqual(city["tech_sme"]["years"]["2025"], {"target": 200, "actual": 3, "completion": 0.015})
        self.assertEqual(len(data["counties"]), County.objects.filter(is_active=True).count())
        for row in data["counties"]:
            self.assertEqual(list(row), ["code", "name", *INDICATORS])
            for indicator in INDICATORS:
                self.assertEqual(list(row[indicator]), ["years", "years_met", "rank"])
                for cell in row[indicator]["years"].values():
                    self.assertEqual(list(cell), ["quota", "actual", "completion"])

    def test_every_figure_is_the_counting_modules(self):
        data = self.json(self.bureau)
        dates = {year: D(year, 12, 31) for year in YEARS}
        figures = counting.count_figures_many(dates)
        quotas = {(q.county.code, q.year, q.indicator): q.value for q in CountyQuota.objects.select_related("county")}
        counties = {county.code: county for county in County.objects.all()}
        for indicator in INDICATORS:
            for year in YEARS:
                city = data["city"][indicator]["years"][str(year)]
                self.assertEqual(city["actual"], figures[year].city(indicator))
                ratio = counting.completion_ratio(city["actual"], city["target"])
                self.assertEqual(city["completion"], None if ratio is None else float(ratio))
                for row in data["counties"]:
                    cell = row[indicator]["years"][str(year)]
                    with self.subTest(unit=row["name"], indicator=indicator, year=year):
                        self.assertEqual(cell["actual"], figures[year].county(counties[row["code"]].pk, indicator))
                        self.assertEqual(cell["quota"], quotas.get((row["code"], year, indicator)))
                        ratio = counting.completion_ratio(cell["actual"], cell["quota"])
                        self.assertEqual(cell["completion"], None if ratio is None else float(ratio))

    def test_years_met_and_ranks_with_a_tie(self):
        rows = {row["code"]: row["high_tech"] for row in self.json(self.bureau)["counties"]}
        a, b, c, d = (rows[code] for code in ("150502", "150523", "150521", "150524"))
        self.assertEqual([a["years"][str(y)]["actual"] for y in YEARS], [1, 2, 3])
        self.assertEqual((a["years_met"], a["rank"]), (3, 1))
        self.assertEqual([b["years"][str(y)]["actual"] for y in YEARS], [1, 1, 1])  # the revoked one never counts
        self.assertEqual((b["years_met"], b["rank"], b["years"]["2025"]["completion"]), (1, 2, 0.3333))
        self.assertEqual((c["years_met"], c["rank"]), (0, 2))
        self.assertEqual((d["years"]["2025"]["actual"], d["years"]["2025"]["quota"], d["rank"]), (95, None, None))
        sme = {row["code"]: row["tech_sme"] for row in self.json(self.bureau)["counties"]}
        self.assertEqual((sme["150502"]["rank"], sme["150502"]["years_met"]), (1, 1))
        self.assertIsNone(sme["150523"]["rank"])  # no quota: not ranked

    def test_a_plan_that_does_not_exist_is_a_404(self):
        for span in ({"first": 2020, "last": 2022}, {"first": 2023, "last": 2024}):
            for name in ("reports:evaluation", "reports:evaluation_json", "reports:evaluation_xlsx"):
                with self.subTest(span=span, name=name):
                    self.assertEqual(self.get(self.bureau, name, span).status_code, 404)

    def test_a_plan_still_running_is_an_interim_evaluation_counted_today(self):
        Plan.objects.create(name="2026—2030年行动方案", first_year=2026, last_year=2030)
        span = {"first": 2026, "last": 2030}
        data = self.get(self.bureau, "reports:evaluation_json", span).json()
        self.assertEqual(data["as_of"], "2026-12-01")
        self.assertEqual(list(data["city"]["high_tech"]["years"]), [str(y) for y in range(2026, 2031)])
        self.assertEqual(data["city"]["high_tech"]["final"]["target"], None)
        page = self.get(self.bureau, "reports:evaluation", span)
        self.assertContains(page, "阶段性评估")
        self.assertContains(page, 'data-testid="interim"')


class ScopeTests(EvaluationTestCase):
    def test_a_county_official_sees_the_city_and_their_own_unit_only(self):
        with CaptureQueriesContext(connection) as queries:
            data = self.json(self.county_a_user)
        # Read now: the next request clears the connection's query log.
        quota_reads = [q["sql"] for q in queries.captured_queries if "targets_countyquota" in q["sql"]]
        self.assertEqual([row["code"] for row in data["counties"]], ["150502"])
        self.assertEqual(data["city"], self.json(self.bureau)["city"])  # the city lines are the same
        own = data["counties"][0]
        self.assertEqual([own["high_tech"]["years"][str(y)]["actual"] for y in YEARS], [1, 2, 3])
        self.assertIsNone(own["high_tech"]["rank"])  # a rank needs every unit's figures: not read for them
        self.assertEqual(len(quota_reads), 2)  # the quotas, and the units (active or with a quota in the plan)
        for sql in quota_reads:  # filtered to the unit in SQL, not afterwards
            self.assertRegex(sql, rf'("county_id"|"enterprises_county"\."id") = {self.county_a.pk}\b')
        page = self.get(self.county_a_user, "reports:evaluation")
        self.assertNotContains(page, "开鲁县")
        self.assertNotContains(page, "库伦旗")

    def test_the_leader_sees_the_city_view(self):
        self.assertEqual(self.json(self.leader), self.json(self.bureau))


class AgreementTests(EvaluationTestCase):
    """The page, the workbook and the Word draft show the JSON's figures, unit by unit."""

    def expected_rows(self, data, indicator):
        """code → [name, quota and actual per year…, final completion, years met, rank] as shown."""
        rows = {}
        for row in data["counties"]:
            item = row[indicator]
            cells = [row["name"]]
            for year in YEARS:
                cell = item["years"][str(year)]
                cells += ["未设定" if cell["quota"] is None else str(cell["quota"]), str(cell["actual"])]
            final = item["years"]["2025"]["completion"]
            cells.append("未设定" if final is None else f"{Decimal(str(final)) * 100:.1f}%")
            cells.append(str(item["years_met"]))
            tied = item["rank"] is not None and [r[indicator]["rank"] for r in data["counties"]].count(item["rank"]) > 1
            cells.append("—" if item["rank"] is None else f"{'并列' if tied else ''}{item['rank']}")
            rows[row["code"]] = cells
        return rows

    def test_the_page(self):
        data = self.json(self.bureau)
        parser = TableParser()
        parser.feed(self.body(self.bureau, "reports:evaluation").decode())
        for indicator in INDICATORS:
            page = dict(parser.tables[indicator])
            page.pop("city")
            self.assertEqual(page, self.expected_rows(data, indicator), indicator)
        self.assertEqual(parser.tables["high_tech"]["150523"][-1], "并列2")
        html = self.body(self.bureau, "reports:evaluation").decode()
        self.assertIn(GROWTH_WORDS, html)
        self.assertIn("方案目标100家的100.0%", html)

    def test_the_workbook(self):
        data = self.json(self.bureau)
        book = load_workbook(io.BytesIO(self.body(self.bureau, "reports:evaluation_xlsx")))
        self.assertEqual(book.sheetnames, ["总体评估", "分年度", "分旗县市区"])
        units = book["分旗县市区"]
        header = [cell.value for cell in units[2]]
        labels = {indicator: label for indicator, label in CountyQuota._meta.get_field("indicator").choices}
        by_key = {(row[0], row[2]): row for row in units.iter_rows(min_row=3, values_only=True)}
        for row in data["counties"]:
            for indicator in INDICATORS:
                line = by_key[(row["code"], labels[indicator])]
                item = row[indicator]
                with self.subTest(unit=row["name"], indicator=indicator):
                    for year in YEARS:
                        cell = item["years"][str(year)]
                        self.assertEqual(line[header.index(f"{year}年任务数")], cell["quota"])
                        self.assertEqual(line[header.index(f"{year}年实际数")], cell["actual"])
                        completion = line[header.index(f"{year}年完成率")]
                        self.assertEqual(completion, "未设定" if cell["completion"] is None else cell["completion"])
                    self.assertEqual(line[header.index("达标年数")], item["years_met"])
                    self.assertEqual(line[header.index("排名")], item["rank"])
        summary = {row[0]: row for row in book["总体评估"].iter_rows(min_row=3, values_only=True)}
        high_tech = summary["有效期内高新技术企业数"]
        self.assertEqual(high_tech[3:6], (100, 100, 1.0))
        self.assertEqual(high_tech[6:9], (2020, 37, 2.7027))
        self.assertAlmostEqual(high_tech[9], 0.22)
        self.assertTrue(high_tech[10].startswith(GROWTH_WORDS))
        years = {(row[0], row[1], row[2]): row for row in book["分年度"].iter_rows(min_row=3, values_only=True)}
        self.assertEqual(years[("有效期内高新技术企业数", 2020, "基数")][4], 37)
        for year in YEARS:
            cell = data["city"]["tech_sme"]["years"][str(year)]
            line = years[("入库科技型中小企业数", year, "方案年度")]
            self.assertEqual(line[5:7], (cell["target"], cell["actual"]))

    def test_the_word_draft(self):
        data = self.json(self.bureau)
        document = docx.Document(io.BytesIO(self.body(self.bureau, "reports:evaluation_docx")))
        text = "\n".join(paragraph.text for paragraph in document.paragraphs)
        self.assertIn("终期评估", text)
        self.assertIn("〔　　　　〕　　号", text)  # the 文号 line, left blank
        self.assertIn(f"2025年底全市有效期内高新技术企业100家，为方案目标100家的100.0%，完成目标；{GROWTH_WORDS}", text)
        self.assertIn("年均增长22.0%", text)
        self.assertEqual(len(document.tables), 4)  # three per-unit tables and the 附件
        codes = {row["name"]: row["code"] for row in data["counties"]}
        for indicator, table in zip(INDICATORS, document.tables, strict=False):
            rows = {}
            for row in table.rows[2:]:
                cells = [cell.text for cell in row.cells]
                if cells[0] != "全市":
                    rows[codes[cells[0]]] = cells
            self.assertEqual(rows, self.expected_rows(data, indicator), indicator)
        annex = [[cell.text for cell in row.cells] for row in document.tables[3].rows]
        self.assertIn(["有效期内高新技术企业数", "2020年底", "—", "37", "—", "方案基数"], annex)
        self.assertIn(["有效期内高新技术企业数", "2025年", "100", "100", "100.0%", "年末数"], annex)
        self.assertIn(["入库科技型中小企业数", "2025年", "200", "3", "1.5%", "年末数"], annex)

    def test_each_download_is_in_the_security_log(self):
        for name, extension in (("reports:evaluation_xlsx", "xlsx"), ("reports:evaluation_docx", "docx")):
            response = self.get(self.bureau, name)
            self.assertEqual(response.status_code, 200)
            self.assertTrue(response["Content-Disposition"].startswith("attachment;"))
            self.assertIn(f"{extension}", response["Content-Disposition"])
            self.assertIn("officedocument", response["Content-Type"])
            b"".join(response.streaming_content)
        reports = list(SecurityEvent.objects.filter(kind="export").values_list("detail__report", flat=True))
        self.assertEqual(sorted(reports), ["evaluation.docx", "evaluation.xlsx"])

    def test_names_that_look_like_formulas_stay_text(self):
        County.objects.filter(pk=self.county_d.pk).update(name='=HYPERLINK("http://example.com","库伦")')
        book = load_workbook(io.BytesIO(self.body(self.bureau, "reports:evaluation_xlsx")))
        names = [row[1] for row in book["分旗县市区"].iter_rows(min_row=3)]
        formula = next(cell for cell in names if str(cell.value).startswith("="))
        self.assertEqual(formula.data_type, "s")
        self.assertTrue(re.match(r"^=HYPERLINK", formula.value))
