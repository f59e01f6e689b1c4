"""Every figure as of D uses the unit the enterprise belonged to on D (docs/domain.md §8).

One enterprise of 科尔沁区 (A) holds a certificate valid through 2026 and a 2026 registration; it
moves to 开鲁县 (B) on 2026-03-01 and, in a second case, leaves the city on 2026-06-01. Each output —
the counting module, the dashboard, progress.json, progress.xlsx and the assessment draft — is read
on the day before the event and on its day.
"""

import datetime
import io

from django.test import TestCase
from django.urls import reverse
from openpyxl import load_workbook

from enterprises import events
from reports import assessment, counting
from tongliao_portal import testing
from units.scope import Scope

D = datetime.date
MOVE = D(2026, 3, 1)
BEFORE = D(2026, 2, 28)
HIGH_TECH = "high_tech"


class MoveTests(testing.Personas, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.make_personas()
        cls.mover = testing.enterprise(cls.county_a, name="迁移测试有限公司")
        testing.certificate(cls.mover, D(2024, 11, 1))
        testing.registration(cls.mover, 2026, D(2026, 1, 10))
        cls.stayer = testing.enterprise(cls.county_a, name="留守测试有限公司")
        testing.certificate(cls.stayer, D(2024, 11, 1))
        events.enterprise_move(
            user=cls.bureau, enterprise=cls.mover, to_county=cls.county_b, on=MOVE, reason="迁址", document="测试"
        )

    def unit_figures(self, as_of, scope=None):
        figures = counting.count_figures(year=as_of.year, as_of=as_of, scope=scope or Scope.city())
        return (figures.county(self.county_a.pk, HIGH_TECH), figures.county(self.county_b.pk, HIGH_TECH))

    def test_counting_keeps_the_enterprise_in_its_former_unit_until_the_move(self):
        self.assertEqual(self.unit_figures(BEFORE), (2, 0))
        self.assertEqual(self.unit_figures(MOVE), (1, 1))
        figures = counting.count_figures(year=2026, as_of=MOVE)
        self.assertEqual((figures.county(self.county_b.pk, "tech_sme"), figures.city(HIGH_TECH)), (1, 2))

    def test_a_years_figure_before_the_move_is_unchanged(self):
        figures = counting.count_figures(year=2025)
        self.assertEqual(
            (figures.county(self.county_a.pk, HIGH_TECH), figures.county(self.county_b.pk, HIGH_TECH)), (2, 0)
        )

    def test_a_county_officials_scope_follows_the_unit_of_the_date(self):
        b_scope = Scope.of(self.county_b_user)
        self.assertEqual(
            counting.count_figures(year=2026, as_of=BEFORE, scope=b_scope).county(self.county_b.pk, HIGH_TECH), 0
        )
        self.assertEqual(
            counting.count_figures(year=2026, as_of=MOVE, scope=b_scope).county(self.county_b.pk, HIGH_TECH), 1
        )
        self.assertEqual(counting.count_figures(year=2026, as_of=BEFORE, scope=b_scope).city(HIGH_TECH), 2)

    def json_units(self, user, as_of):
        self.client.force_login(user)
        body = self.client.get(reverse("reports:progress_json"), {"year": 2026, "as_of": as_of.isoformat()}).json()
        return {row["code"]: row[HIGH_TECH]["actual"] for row in body["counties"]}

    def test_progress_json_on_the_day_before_and_the_day_of_the_move(self):
        self.assertEqual({k: v for k, v in self.json_units(self.bureau, BEFORE).items() if v}, {self.COUNTY_A: 2})
        self.assertEqual(
            {k: v for k, v in self.json_units(self.bureau, MOVE).items() if v}, {self.COUNTY_A: 1, self.COUNTY_B: 1}
        )
        self.assertEqual(self.json_units(self.county_b_user, BEFORE), {self.COUNTY_B: 0})
        self.assertEqual(self.json_units(self.county_b_user, MOVE), {self.COUNTY_B: 1})

    def test_dashboard_on_the_day_before_and_the_day_of_the_move(self):
        self.client.force_login(self.bureau)
        for as_of, expected in ((BEFORE, (2, 0)), (MOVE, (1, 1))):
            page = self.client.get(reverse("home"), {"year": 2026, "as_of": as_of.isoformat()})
            rows = {row.county.code: row.cells[HIGH_TECH].actual for row in page.context["progress"].counties}
            with self.subTest(as_of=as_of):
                self.assertEqual((rows[self.COUNTY_A], rows[self.COUNTY_B]), expected)

    def workbook(self, as_of):
        self.client.force_login(self.bureau)
        response = self.client.get(reverse("reports:progress_xlsx"), {"year": 2026, "as_of": as_of.isoformat()})
        return load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)

    def test_workbook_units_and_list_on_the_day_before_and_the_day_of_the_move(self):
        for as_of, unit in ((BEFORE, "科尔沁区"), (MOVE, "开鲁县")):
            book = self.workbook(as_of)
            listed = {
                row[2]: row[1] for row in book["高新技术企业名单"].iter_rows(min_row=3, values_only=True) if row[2]
            }
            units = {row[1]: row[3] for row in book["分旗县市区"].iter_rows(min_row=3, values_only=True) if row[1]}
            with self.subTest(as_of=as_of):
                self.assertEqual(listed["迁移测试有限公司"], unit)
                self.assertEqual(units["开鲁县"], 0 if as_of == BEFORE else 1)

    def test_assessment_draft_counts_the_unit_of_its_date(self):
        draft = {unit.code: unit.items[HIGH_TECH].actual for unit in assessment.assessment_compute(year=2025).units}
        self.assertEqual((draft[self.COUNTY_A], draft[self.COUNTY_B]), (2, 0))


class LeaveAndCloseTests(testing.Personas, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.make_personas()
        cls.leaver = testing.enterprise(cls.county_a)
        testing.certificate(cls.leaver, D(2024, 11, 1))
        cls.closer = testing.enterprise(cls.county_a)
        testing.certificate(cls.closer, D(2024, 11, 1))
        events.enterprise_leave(user=cls.bureau, enterprise=cls.leaver, on=D(2026, 6, 1), reason="迁往外地")
        events.enterprise_close(user=cls.bureau, enterprise=cls.closer, on=D(2026, 7, 1), reason="注销登记")

    def test_nobody_is_counted_after_leaving_or_closing(self):
        city = {
            day: counting.count_figures(year=2026, as_of=day).city(HIGH_TECH)
            for day in (D(2026, 5, 31), D(2026, 6, 1), D(2026, 6, 30), D(2026, 7, 1))
        }
        self.assertEqual(city, {D(2026, 5, 31): 2, D(2026, 6, 1): 1, D(2026, 6, 30): 1, D(2026, 7, 1): 0})
        self.assertEqual(counting.count_figures(year=2025).city(HIGH_TECH), 2)

    def test_the_stage_pool_leaves_them_out(self):
        self.assertEqual(counting.stage_counts(Scope.city()), {})
