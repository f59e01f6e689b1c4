"""The big screen's figures, ranking and lapses, for the city and for one unit (issue 14).

One data set on 2025-10-01 (the 2023–2025 plan's city targets come from the migration):

- 科尔沁区 (A; quotas high_tech 4, tech_sme 2): a1 and a3 valid, a2 lapsing on 2025-11-19,
  a4 renewed before its certificate runs out; one 2025 SME registration → 4/4, 1/2: 75 %.
- 开鲁县 (B; quotas 1, 1): one HTE, registered → 100 %, rank 1.
- 科尔沁左翼中旗 (C; high_tech quota 4 only): c1 valid, c2 lapsing on 2025-12-19 → 2/4: 50 %.
- 库伦旗 (D; quotas 2, 2): two HTEs, one registration → 75 %, tied with A at rank 2.
- every other unit: no quota, unranked, last.
"""

import datetime
import re
from unittest import mock

from django.test import TestCase
from django.urls import reverse

from screen import board
from targets.models import CountyQuota, Plan
from tongliao_portal import testing
from units.scope import Scope

D = datetime.date
TODAY = D(2025, 10, 1)


def today_is(day):
    return mock.patch("django.utils.timezone.localdate", return_value=day)


class BoardData(testing.Personas):
    @classmethod
    def build(cls):
        cls.make_personas()
        cls.county_c = testing.county("150521")
        cls.county_d = testing.county("150524")
        plan = Plan.objects.get(first_year=2023)
        quotas = {
            cls.county_a: {"high_tech": 4, "tech_sme": 2},
            cls.county_b: {"high_tech": 1, "tech_sme": 1},
            cls.county_c: {"high_tech": 4},
            cls.county_d: {"high_tech": 2, "tech_sme": 2},
        }
        CountyQuota.objects.bulk_create(
            CountyQuota(plan=plan, year=2025, county=county, indicator=indicator, value=value)
            for county, values in quotas.items()
            for indicator, value in values.items()
        )
        a1 = testing.enterprise(cls.county_a, name="大屏甲一有限公司")
        testing.certificate(a1, D(2024, 11, 1))
        testing.registration(a1, 2025, D(2025, 5, 1))
        cls.a2 = testing.enterprise(cls.county_a, name="大屏甲二有限公司")
        testing.certificate(cls.a2, D(2022, 11, 20))  # valid through 2025-11-19
        testing.certificate(testing.enterprise(cls.county_a, name="大屏甲三有限公司"), D(2023, 2, 1))
        a4 = testing.enterprise(cls.county_a, name="大屏甲四有限公司")
        testing.certificate(a4, D(2022, 11, 1))
        testing.certificate(a4, D(2025, 9, 1))
        b1 = testing.enterprise(cls.county_b, name="大屏乙一有限公司")
        testing.certificate(b1, D(2024, 6, 1))
        testing.registration(b1, 2025, D(2025, 4, 1))
        testing.certificate(testing.enterprise(cls.county_c, name="大屏丙一有限公司"), D(2023, 6, 1))
        testing.certificate(testing.enterprise(cls.county_c, name="大屏丙二有限公司"), D(2022, 12, 20))
        d1 = testing.enterprise(cls.county_d, name="大屏丁一有限公司")
        testing.certificate(d1, D(2024, 3, 1))
        testing.registration(d1, 2025, D(2025, 6, 1))
        testing.certificate(testing.enterprise(cls.county_d, name="大屏丁二有限公司"), D(2024, 4, 1))


class BoardTests(BoardData, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.build()

    def board(self, scope):
        return board.build_board(year=2025, as_of=TODAY, today=TODAY, scope=scope)

    def test_city_tiles_against_the_plans_targets(self):
        tiles = {tile.key: tile for tile in self.board(Scope.city()).tiles}
        self.assertEqual((tiles["high_tech"].cell.actual, tiles["high_tech"].cell.target), (9, 100))
        self.assertEqual((tiles["tech_sme"].cell.actual, tiles["tech_sme"].cell.target), (3, 200))
        self.assertIsNone(tiles["high_tech"].city)

    def test_ranking_by_overall_completion_with_shared_ranks_and_unranked_units_last(self):
        ranking = self.board(Scope.city()).ranking
        top = [(row.rank, row.name, row.overall_percent) for row in ranking[:4]]
        self.assertEqual(
            top,
            [
                (1, "开鲁县", 100),
                (2, "科尔沁区", 75),
                (2, "库伦旗", 75),
                (4, "科尔沁左翼中旗", 50),
            ],
        )
        self.assertEqual(len(ranking), 9)
        self.assertTrue(all(row.rank is None and row.overall is None for row in ranking[4:]))

    def test_lapses_within_ninety_days_counted_per_unit(self):
        result = self.board(Scope.city())
        self.assertEqual(result.lapse_until, D(2025, 12, 30))
        self.assertEqual(result.lapse_total, 2)
        per_unit = dict(result.lapse_by_unit)
        self.assertEqual((per_unit["科尔沁区"], per_unit["科尔沁左翼中旗"], per_unit["开鲁县"]), (1, 1, 0))

    def test_trend_from_2020_with_the_years_figures(self):
        trend = self.board(Scope.city()).trend
        self.assertEqual(trend["years"], ["2020", "2021", "2022", "2023", "2024", "2025"])
        high_tech = trend["series"][0]
        self.assertEqual(high_tech["actual"][-1], 9)
        self.assertEqual(high_tech["target"][-1], 100)
        self.assertIsNone(trend["unit"])

    def test_a_county_official_sees_the_unit_beside_the_city_unranked(self):
        result = self.board(Scope.of(self.county_a_user))
        tiles = {tile.key: tile for tile in result.tiles}
        self.assertEqual((tiles["high_tech"].cell.actual, tiles["high_tech"].cell.target), (4, 4))
        self.assertEqual(tiles["high_tech"].city.actual, 9)
        self.assertEqual([(row.name, row.rank) for row in result.ranking], [("科尔沁区", None)])
        self.assertEqual(result.city_row.name, "全市")
        self.assertEqual(result.lapse_by_unit, [("科尔沁区", 1)])
        self.assertEqual(result.trend["unit"], "科尔沁区")


class BoardPageTests(BoardData, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.build()

    def get(self, user, url=None):
        self.client.force_login(user)
        with today_is(TODAY):
            return self.client.get(url or reverse("screen:board"))

    def test_the_page_refreshes_itself_without_a_script_of_its_own(self):
        response = self.get(self.bureau)
        html = response.content.decode()
        self.assertContains(response, '<meta http-equiv="refresh" content="300">', html=False)
        self.assertContains(response, 'id="screen-data"')
        self.assertRegex(html, r'<script src="/static/js/screen(\.[0-9a-f]+)?\.js">')
        inline = [tag for tag in re.findall(r"<script[^>]*>", html) if "src=" not in tag]
        self.assertEqual(inline, ['<script id="screen-data" type="application/json">'])
        self.assertEqual(response.context["board"].year, 2025)

    def test_the_county_officials_board_shows_the_unit(self):
        response = self.get(self.county_a_user)
        self.assertContains(response, "本单位完成情况")
        self.assertNotContains(response, "开鲁县")

    def test_the_page_names_no_enterprise(self):
        html = self.get(self.bureau).content.decode()
        self.assertNotIn("有限公司", html)
