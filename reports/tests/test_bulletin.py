"""The 通报 layout (issue 14 part 4): ``/reports/bulletin/`` and sheet 通报 of progress.xlsx.

2025, high_tech quotas and valid HTEs at 2025-12-31 (the year finished: 序时进度 = quota):
库伦旗 1 of 1 (100 %, 正常, 1st), 扎鲁特旗 4 of 5 (80 %, 关注 at its edge, 2nd), 科尔沁区 2 of 4
and 开鲁县 1 of 2 (50 %, 滞后, 3rd tied); tech_sme: 科尔沁区 2 of 2 and 开鲁县 0 of 0 (a quota of 0
is met), both 1st tied. Every other unit has no quota: no rank, no schedule, no alert.
"""

import datetime
import io

from django.test import TestCase
from django.urls import reverse
from openpyxl import load_workbook

from reports import excel, excel_bulletin
from targets.models import CountyQuota, Plan
from tongliao_portal import testing
from units.models import County

D = datetime.date
YEAR_END = {"year": 2025, "as_of": "2025-12-31"}
KULUN, ZHALUTE = "150524", "150526"


class BulletinData(testing.Personas, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.make_personas()
        plan = Plan.objects.get(first_year=2023)
        quotas = {
            (KULUN, "high_tech"): 1,
            (ZHALUTE, "high_tech"): 5,
            ("150502", "high_tech"): 4,
            ("150523", "high_tech"): 2,
            ("150502", "tech_sme"): 2,
            ("150523", "tech_sme"): 0,
        }
        CountyQuota.objects.bulk_create(
            [
                CountyQuota(plan=plan, year=2025, county=testing.county(code), indicator=indicator, value=value)
                for (code, indicator), value in quotas.items()
            ]
        )
        for code, valid in ((KULUN, 1), (ZHALUTE, 4), ("150502", 2), ("150523", 1)):
            for _ in range(valid):
                testing.certificate(testing.enterprise(testing.county(code)), D(2024, 6, 1))
        for company in testing.bulk_enterprises(cls.county_a, 2, prefix="入库企业"):
            testing.registration(company, 2025, D(2025, 7, 1))

    def page(self, user, params=YEAR_END, status=200):
        self.client.force_login(user)
        response = self.client.get(reverse("reports:bulletin"), params)
        self.assertEqual(response.status_code, status)
        return response

    def workbook(self, user, params=YEAR_END):
        self.client.force_login(user)
        response = self.client.get(reverse("reports:progress_xlsx"), params)
        return load_workbook(io.BytesIO(b"".join(response.streaming_content)))

    @staticmethod
    def block_rows(sheet, label):
        """The lines of the block captioned ``label``: (序号, 旗县市区, …, 预警) up to its 合计 line."""
        rows = list(sheet.iter_rows(min_row=3, values_only=True))
        start = next(i for i, row in enumerate(rows) if row[0] and label in str(row[0]))
        lines = []
        for row in rows[start + 1 :]:
            lines.append(row)
            if row[1] in ("合计", "全市合计"):
                return lines
        raise AssertionError("no 合计 line")


class PageTests(BulletinData):
    def test_units_in_the_official_order_then_the_total(self):
        blocks = self.page(self.bureau).context["blocks"]
        self.assertEqual([block.indicator.value for block in blocks], ["high_tech", "tech_sme"])
        names = [row.name for row in blocks[0].rows]
        self.assertEqual(names, [c.name for c in County.objects.filter(is_active=True).order_by("order", "code")])
        self.assertEqual([row.number for row in blocks[0].rows], list(range(1, len(names) + 1)))
        total = blocks[0].total
        self.assertEqual((total.name, total.cell.actual, total.cell.target, total.cell.schedule), ("合计", 8, 100, 100))

    def test_ranks_by_completion_with_ties_written_binglie(self):
        blocks = self.page(self.bureau).context["blocks"]
        ranks = {row.code: row.rank_text for row in blocks[0].rows}
        self.assertEqual(
            (ranks[KULUN], ranks[ZHALUTE], ranks["150502"], ranks["150523"]), ("1", "2", "3（并列）", "3（并列）")
        )
        self.assertEqual(ranks["150581"], "—")  # no quota
        sme = {row.code: row.rank_text for row in blocks[1].rows}
        self.assertEqual((sme["150502"], sme["150523"]), ("1（并列）", "1（并列）"))
        self.assertEqual(blocks[0].total.rank_text, "—")

    def test_alerts_in_colour_and_in_words(self):
        html = self.page(self.bureau).content.decode()
        block = html[html.index('data-indicator="high_tech"') : html.index('data-indicator="tech_sme"')]

        def row(code):
            start = block.index(f'<tr data-code="{code}"')
            return block[start : block.index("</tr>", start)]

        expected = {
            KULUN: ("green", "success", "正常"),
            ZHALUTE: ("yellow", "warning", "关注"),
            "150502": ("red", "danger", "滞后"),
        }
        for code, (alert, style, word) in expected.items():
            with self.subTest(code):
                self.assertIn(f'data-alert="{alert}"', row(code))
                self.assertIn(f"table-{style}", row(code))
                self.assertIn(word, row(code))
        self.assertNotIn("data-alert", row("150581"))
        self.assertIn("未设定", row("150581"))
        legend = html[html.index('data-testid="legend"') :][:1500]
        for text in ("正常", "关注", "滞后", "100% 及以上", "80%—100%", "低于 80%"):
            self.assertIn(text, legend)
        self.assertIn("年度已结束", block)

    def test_one_indicator(self):
        blocks = self.page(self.bureau, {**YEAR_END, "indicator": "tech_sme"}).context["blocks"]
        self.assertEqual([block.indicator.value for block in blocks], ["tech_sme"])

    def test_mid_year_shows_the_schedule_and_its_method(self):
        response = self.page(self.bureau, {"year": 2025, "as_of": "2025-06-30"})
        block = response.context["blocks"][0]
        kulun = next(row for row in block.rows if row.code == KULUN)
        self.assertEqual(kulun.cell.schedule, 0)  # 1 × 181 ÷ 365 = 0.496 → 0 (no history: linear)
        zhalute = next(row for row in block.rows if row.code == ZHALUTE)
        self.assertEqual((zhalute.cell.schedule, zhalute.cell.alert), (2, "green"))  # 5 × 181 ÷ 365 = 2.48
        self.assertIn("已过 181 天 ÷ 全年 365 天 = 49.6%", response.content.decode())

    def test_bad_parameters_get_400_in_chinese(self):
        self.assertContains(self.page(self.bureau, {"indicator": "nope"}, 400), "没有这一指标", status_code=400)
        self.assertContains(self.page(self.bureau, {"year": 1999}, 400), "年度应在", status_code=400)

    def test_county_official_sees_their_unit_and_the_city_unranked(self):
        response = self.page(self.county_a_user)
        blocks = response.context["blocks"]
        self.assertEqual([row.code for row in blocks[0].rows], ["150502"])
        self.assertEqual(blocks[0].rows[0].rank_text, "—")
        self.assertEqual((blocks[0].total.name, blocks[0].total.cell.actual), ("全市合计", 8))
        self.assertNotContains(response, "库伦旗")
        self.assertNotContains(response, "开鲁县")
        self.assertContains(response, "不列排名")

    def test_leader_sees_what_the_bureau_sees(self):
        self.assertEqual(self.page(self.leader).context["blocks"], self.page(self.bureau).context["blocks"])

    def test_anonymous_to_login_and_get_only(self):
        response = self.client.get(reverse("reports:bulletin"))
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith(reverse("login")))
        self.client.force_login(self.bureau)
        self.assertEqual(self.client.post(reverse("reports:bulletin")).status_code, 405)


class SheetTests(BulletinData):
    def test_the_sheet_is_added_after_the_others(self):
        book = self.workbook(self.bureau)
        self.assertEqual(
            book.sheetnames, ["总览", "分旗县市区", "高新技术企业名单", "科技型中小企业名单", "即将到期", "通报"]
        )
        self.assertEqual(book.sheetnames, list(excel.SHEET_NAMES))
        sheet = book["通报"]
        self.assertIn("统计截至2025年12月31日", sheet["A1"].value)
        self.assertEqual(
            [c.value for c in sheet[2]],
            ["序号", "旗县市区", "目标任务", "完成数", "完成率", "序时进度", "排名"],
        )

    def test_lines_agree_with_the_page(self):
        sheet = self.workbook(self.bureau)["通报"]
        for block in self.page(self.bureau).context["blocks"]:
            with self.subTest(block.indicator.value):
                lines = self.block_rows(sheet, block.indicator.label)
                expected = [
                    (
                        row.number,
                        row.name,
                        row.cell.target if row.cell.target is not None else "未设定",
                        row.cell.actual,
                    )
                    for row in [*block.rows, block.total]
                ]
                self.assertEqual([(line[0] or None, *line[1:4]) for line in lines], expected)
                self.assertEqual([line[6] for line in lines], [row.rank_text for row in [*block.rows, block.total]])
                self.assertEqual(
                    [line[5] for line in lines],
                    [row.cell.schedule if row.cell.schedule is not None else "—" for row in [*block.rows, block.total]],
                )
        lines = self.block_rows(sheet, "有效期内高新技术企业数")
        kulun = next(line for line in lines if line[1] == "库伦旗")
        self.assertEqual(kulun[4:], (1.0, 1, "1"))  # the alert is the cell colour (conditional formats)
        self.assertEqual(lines[-1][1:6], ("合计", 100, 8, 0.08, 100))

    def test_conditional_formats_follow_the_alert_rule(self):
        sheet = self.workbook(self.bureau)["通报"]
        formats = list(sheet.conditional_formatting)
        self.assertEqual(len(formats), 2)  # one range per block
        first = formats[0]
        end = 3 + County.objects.filter(is_active=True).count() + 1  # caption on 3, the units, 合计
        self.assertEqual(str(first.sqref), f"D4:E{end}")
        formulas = [rule.formula[0] for rule in first.rules]
        self.assertEqual(
            formulas,
            [
                "AND(ISNUMBER($F4),$D4*100>=100*$F4)",
                "AND(ISNUMBER($F4),$D4*100>=80*$F4,$D4*100<100*$F4)",
                "AND(ISNUMBER($F4),$D4*100<80*$F4)",
            ],
        )
        fills = [rule.dxf.fill.fgColor.rgb[-6:] for rule in first.rules]
        self.assertEqual(fills, ["D1E7DD", "FFF3CD", "F8D7DA"])  # Bootstrap's subtle success/warning/danger

    def test_print_setup(self):
        sheet = self.workbook(self.bureau)["通报"]
        self.assertEqual(sheet.print_title_rows, "$1:$2")  # the title and the header on every page
        self.assertEqual(str(sheet.page_setup.paperSize), sheet.PAPERSIZE_A4)
        self.assertEqual(sheet.page_setup.orientation, "portrait")
        self.assertEqual(int(sheet.page_setup.fitToWidth), 1)
        self.assertIn("&P", sheet.oddFooter.center.text)
        self.assertIn("&N", sheet.oddFooter.center.text)
        self.assertEqual(sheet.freeze_panes, "A3")
        self.assertIn("A1:G1", {str(r) for r in sheet.merged_cells.ranges})

    def test_county_official_sheet_holds_their_unit_and_the_city(self):
        sheet = self.workbook(self.county_a_user)["通报"]
        names = {row[1] for row in sheet.iter_rows(min_row=3, values_only=True) if row[1]}
        self.assertEqual(names, {"科尔沁区", "全市合计"})
        notes = [
            row[0] for row in sheet.iter_rows(min_row=3, values_only=True) if row[0] and str(row[0]).startswith("注")
        ]
        self.assertTrue(any("不列排名" in note for note in notes))

    def test_thresholds_of_the_plan_reach_the_formats_and_notes(self):
        plan = Plan.objects.get(first_year=2023)
        plan.green_at, plan.yellow_at = "0.95", "0.70"
        plan.save()
        sheet = self.workbook(self.bureau)["通报"]
        formulas = [rule.formula[0] for rule in next(iter(sheet.conditional_formatting)).rules]
        self.assertIn("$D4*100>=95*$F4", formulas[0])
        self.assertIn("$D4*100<70*$F4", formulas[2])
        notes = [
            row[0] for row in sheet.iter_rows(min_row=3, values_only=True) if row[0] and str(row[0]).startswith("注")
        ]
        self.assertTrue(any("95% 及以上" in note and "70%—95%" in note for note in notes))
        self.assertEqual(excel_bulletin.SHEET_NAME, "通报")
