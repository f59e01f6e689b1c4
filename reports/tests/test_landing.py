"""The landing page after a plan ends (issue 14): which year ``/`` opens on, and the notice.

The 2023–2025 plan (loaded by a migration) sets targets up to 2025. In 2026, until a plan sets
targets for 2026, ``/`` opens on 2025, says the plan ended with a link to its evaluation, and
offers bureau staff the form for the next plan; once 2026 has a target, ``/`` opens on 2026.
Checked at a year-end date and a mid-year date (``timezone.localdate`` patched).
"""

import datetime
from unittest import mock

from django.test import TestCase
from django.urls import reverse

from targets.models import AnnualTarget, Plan
from tongliao_portal import testing

YEAR_END = datetime.date(2026, 12, 31)
MID_YEAR = datetime.date(2026, 6, 15)
ENDED = "方案已于2025年底结束"


def today_is(day):
    return mock.patch("django.utils.timezone.localdate", return_value=day)


class LandingTests(testing.Personas, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.make_personas()
        company = testing.enterprise(cls.county_a)
        testing.certificate(company, datetime.date(2025, 3, 1))

    def home(self, user, day, **params):
        self.client.force_login(user)
        with today_is(day):
            response = self.client.get(reverse("home"), params)
        self.assertEqual(response.status_code, 200)
        return response

    def next_plan(self, *target_years):
        plan = Plan.objects.create(name="通辽市科技企业培育行动方案", first_year=2026, last_year=2030)
        for year in target_years:
            AnnualTarget.objects.create(plan=plan, year=year, indicator="high_tech", value=120)
        return plan

    def test_after_the_plan_the_last_plan_year_is_shown_with_the_notice(self):
        evaluation = reverse("reports:evaluation", kwargs={"first": 2023, "last": 2025})
        for day in (YEAR_END, MID_YEAR):
            with self.subTest(day=day):
                response = self.home(self.bureau, day)
                self.assertEqual(response.context["year"], 2025)
                self.assertEqual(response.context["as_of"], datetime.date(2025, 12, 31))
                self.assertContains(response, ENDED)
                self.assertContains(response, "本页默认显示 2025 年的完成情况")
                self.assertContains(response, f'href="{evaluation}"')
                self.assertContains(response, f'href="{reverse("targets:plan_create")}"')

    def test_only_bureau_staff_are_offered_the_next_plan(self):
        evaluation = reverse("reports:evaluation", kwargs={"first": 2023, "last": 2025})
        for user in (self.county_a_user, self.leader):
            with self.subTest(user=user.username):
                response = self.home(user, YEAR_END)
                self.assertEqual(response.context["year"], 2025)
                self.assertContains(response, ENDED)
                self.assertContains(response, f'href="{evaluation}"')
                self.assertNotContains(response, reverse("targets:plan_create"))

    def test_a_next_plan_without_targets_for_the_running_year_changes_nothing(self):
        self.next_plan(2027, 2028)  # entered, but nothing set for 2026 yet
        for day in (YEAR_END, MID_YEAR):
            with self.subTest(day=day):
                response = self.home(self.bureau, day)
                self.assertEqual(response.context["year"], 2025)
                self.assertContains(response, ENDED)

    def test_once_a_plan_sets_targets_for_the_running_year_it_is_shown(self):
        self.next_plan(2026, 2027)
        for day, as_of in ((YEAR_END, YEAR_END), (MID_YEAR, MID_YEAR)):
            with self.subTest(day=day):
                response = self.home(self.bureau, day)
                self.assertEqual(response.context["year"], 2026)
                self.assertEqual(response.context["as_of"], as_of)
                self.assertNotContains(response, 'data-testid="plan-ended"')
                self.assertContains(response, "120")  # the new target

    def test_within_the_plan_the_running_year_is_shown_without_a_notice(self):
        for day in (datetime.date(2025, 12, 31), datetime.date(2025, 6, 15)):
            with self.subTest(day=day):
                response = self.home(self.bureau, day)
                self.assertEqual(response.context["year"], 2025)
                self.assertEqual(response.context["as_of"], day)
                self.assertNotContains(response, 'data-testid="plan-ended"')

    def test_a_year_asked_for_is_shown_and_the_notice_stays(self):
        response = self.home(self.bureau, MID_YEAR, year=2026)
        self.assertEqual(response.context["year"], 2026)
        self.assertContains(response, ENDED)
        self.assertNotContains(response, "本页默认显示")
        self.assertEqual(self.home(self.bureau, MID_YEAR, year=2024).context["year"], 2024)

    def test_the_progress_json_keeps_the_running_year_as_its_default(self):
        self.client.force_login(self.bureau)
        with today_is(MID_YEAR):
            self.assertEqual(self.client.get(reverse("reports:progress_json")).json()["year"], 2026)

    def test_a_running_plan_without_this_years_targets_links_to_its_grid(self):
        plan = Plan.objects.get(first_year=2023)
        with today_is(datetime.date(2026, 3, 1)):
            Plan.objects.filter(pk=plan.pk).update(last_year=2026)  # the plan runs on, its 2026 targets not yet set
            response = self.home(self.bureau, datetime.date(2026, 3, 1))
        self.assertEqual(response.context["year"], 2025)
        self.assertNotContains(response, ENDED)
        self.assertContains(response, "2026 年尚未设定行动方案目标")
        self.assertContains(response, reverse("targets:grid", kwargs={"pk": plan.pk, "year": 2026}))
