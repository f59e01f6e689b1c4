"""序时进度 and 三色预警 (issue 14 part 3; docs/domain.md §9).

The rule on its own (shares, rounding, thresholds at their edges), then on data: an
autumn-heavy history, where at 2025-03-31 the linear schedule says red and the seasonal one
green; fewer than three earlier years; a finished year; the JSON's keys; the plan form; the
dashboard's words and legend; the number of queries.
"""

import datetime
from decimal import Decimal
from fractions import Fraction

from django.core.cache import cache
from django.db import connection
from django.test import SimpleTestCase, TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports import counting, schedule
from reports.progress import build_progress
from targets import lookup
from targets.models import CountyQuota, Plan
from tongliao_portal import testing
from units.scope import Scope

D = datetime.date
SPRING = D(2025, 3, 31)


def rule(share=Fraction(1, 2), green="1.00", yellow="0.80", method=schedule.LINEAR):
    kinds = (schedule.HTE, schedule.SME)
    return schedule.ScheduleRule(
        year=2025,
        as_of=SPRING,
        chosen="auto",
        methods=dict.fromkeys(kinds, method),
        shares=dict.fromkeys(kinds, share),
        season_years={},
        green_at=Decimal(green),
        yellow_at=Decimal(yellow),
    )


class RuleTests(SimpleTestCase):
    def test_linear_share_counts_the_statistics_date_itself(self):
        self.assertEqual(schedule.linear_share(D(2025, 1, 1)), Fraction(1, 365))
        self.assertEqual(schedule.linear_share(SPRING), Fraction(90, 365))
        self.assertEqual(schedule.linear_share(D(2024, 3, 31)), Fraction(91, 366))  # leap year
        self.assertEqual(schedule.linear_share(D(2025, 12, 31)), 1)

    def test_schedule_is_target_times_share_rounded_half_up(self):
        half = rule(Fraction(1, 2))
        self.assertEqual(half.schedule("high_tech", 73), 37)  # 36.5 → 37
        self.assertEqual(half.schedule("high_tech", 72), 36)
        self.assertEqual(half.schedule("tech_sme", 1), 1)  # 0.5 → 1
        self.assertEqual(half.schedule("tech_sme", 0), 0)
        self.assertIsNone(half.schedule("tech_sme", None))
        spring = rule(schedule.linear_share(SPRING))
        self.assertEqual(spring.schedule("tech_sme", 200), 49)  # 200 × 90 ÷ 365 = 49.3
        self.assertEqual(spring.schedule("high_tech", 73), 18)  # 18.0

    def test_alert_thresholds_at_their_edges(self):
        default = rule()
        cases = {10: "green", 11: "green", 9: "yellow", 8: "yellow", 7: "red", 0: "red"}
        for actual, expected in cases.items():
            with self.subTest(actual=actual):
                self.assertEqual(default.alert(actual, 10), expected)
        strict = rule(green="0.90", yellow="0.60")
        self.assertEqual(
            [strict.alert(n, 10) for n in (9, 8, 6, 5)],
            ["green", "yellow", "yellow", "red"],
        )

    def test_no_schedule_no_alert_and_zero_schedule_is_met(self):
        self.assertIsNone(rule().alert(5, None))
        self.assertEqual(rule().alert(0, 0), "green")

    def test_season_share_includes_the_same_month_day(self):
        season = schedule._season([(2022, 331, 1), (2023, 229, 1), (2024, 1015, 2)])
        self.assertEqual(season.years, (2022, 2023, 2024))
        self.assertEqual(season.share(D(2025, 2, 28)), 0)  # 02-29 arrives after 02-28
        self.assertEqual(season.share(D(2025, 3, 1)), Fraction(1, 4))
        self.assertEqual(season.share(D(2025, 3, 30)), Fraction(1, 4))
        self.assertEqual(season.share(D(2025, 3, 31)), Fraction(2, 4))
        self.assertEqual(season.share(D(2025, 10, 15)), 1)

    def test_describe_names_the_method(self):
        self.assertIn("已过 90 天 ÷ 全年 365 天 = 24.7%", rule(schedule.linear_share(SPRING)).describe("tech_sme"))
        self.assertIn("年度已结束", rule(Fraction(1), method=schedule.FINISHED).describe("high_tech"))


class AlertEdgeTests(SimpleTestCase):
    def test_yellow_edge_is_inclusive_and_exact(self):
        default = rule()
        self.assertEqual(default.alert(3, 4), "red")  # 3 < 3.2
        self.assertEqual(default.alert(4, 5), "yellow")  # 4 = 0.80 × 5 exactly
        self.assertEqual(rule(yellow="0.70").alert(7, 10), "yellow")  # 0.7 × 10 is 7 exactly (not 7.000…1)


def autumn_history(county):
    """Registrations of 2022–2024: one in March of each year, nine from July to October; HTE
    certificates of 2022–2024 issued in November and December, one in March 2022."""
    for year in (2022, 2023, 2024):
        for n, day in enumerate([D(year, 3, 15)] + [D(year, 7 + k % 4, 1 + k) for k in range(9)]):
            company = testing.enterprise(county, name=f"{county.code}往年入库{year}-{n}有限公司")
            testing.registration(company, year, day)
        for n in range(3):
            testing.certificate(
                testing.enterprise(county, name=f"{county.code}往年高企{year}-{n}有限公司"), D(year, 11 + n % 2, 20)
            )
    testing.certificate(testing.enterprise(county, name=f"{county.code}春季高企有限公司"), D(2022, 3, 10))


class ScheduleData(testing.Personas, TestCase):
    """科尔沁区 has quotas for 2025 (tech_sme 30, high_tech 20), the autumn-heavy history and 2
    registrations for 2025 by 2025-03-31."""

    @classmethod
    def setUpTestData(cls):
        cls.make_personas()
        cls.plan = Plan.objects.get(first_year=2023)
        CountyQuota.objects.create(plan=cls.plan, year=2025, county=cls.county_a, indicator="tech_sme", value=30)
        CountyQuota.objects.create(plan=cls.plan, year=2025, county=cls.county_a, indicator="high_tech", value=20)
        autumn_history(cls.county_a)
        for n, day in enumerate((D(2025, 3, 20), D(2025, 3, 31))):
            testing.registration(testing.enterprise(cls.county_a, name=f"今年入库{n}有限公司"), 2025, day)

    def json(self, user=None, **params):
        self.client.force_login(user or self.bureau)
        return self.client.get(reverse("reports:progress_json"), {"year": 2025, **params}).json()

    def unit(self, data, code="150502"):
        return next(unit for unit in data["counties"] if unit["code"] == code)

    def set_plan(self, **fields):
        """Through ``save``: a plan's save changes the data version (a queryset update would not)."""
        for name, value in fields.items():
            setattr(self.plan, name, value)
        self.plan.save()


class ScheduleOnDataTests(ScheduleData):
    def test_spring_is_red_linearly_and_green_seasonally(self):
        data = self.json(as_of="2025-03-31")  # auto: three earlier years hold records → seasonal
        sme = self.unit(data)["tech_sme"]
        # 30 registrations in 2022–2024, 3 of them by 03-31: 30 × 3 ÷ 30 = 3; 2 ≥ 0.80 × 3 = 2.4? no
        self.assertEqual((sme["actual"], sme["schedule"]), (2, 3))
        self.assertEqual(sme["alert"], "red")
        self.set_plan(green_at=Decimal("0.60"), yellow_at=Decimal("0.50"))
        self.assertEqual(self.unit(self.json(as_of="2025-03-31"))["tech_sme"]["alert"], "green")  # 2 ≥ 1.8
        self.set_plan(green_at=Decimal("1.00"), yellow_at=Decimal("0.80"))
        testing.registration(testing.enterprise(self.county_a), 2025, D(2025, 3, 1))
        seasonal = self.unit(self.json(as_of="2025-03-31"))["tech_sme"]
        self.assertEqual((seasonal["actual"], seasonal["schedule"], seasonal["alert"]), (3, 3, "green"))
        self.set_plan(schedule_method="linear")
        linear = self.unit(self.json(as_of="2025-03-31"))["tech_sme"]
        self.assertEqual((linear["schedule"], linear["alert"]), (7, "red"))  # 30 × 90 ÷ 365 = 7.4 → 7

    def test_seasonal_city_schedule_of_the_hte_indicator(self):
        data = self.json(as_of="2025-03-31")
        # 10 certificates in 2022–2024, 1 by 03-31 (2022-03-10): 100 × 1 ÷ 10 = 10; the city has 9 valid.
        self.assertEqual(data["city"]["high_tech"]["schedule"], 10)
        self.assertEqual(data["city"]["high_tech"]["target"], 100)
        progress = build_progress(year=2025, as_of=SPRING, scope=Scope.city())
        self.assertEqual(progress.rule.method("high_tech"), schedule.SEASONAL)
        self.assertEqual(progress.rule.season_years["hte"], (2022, 2023, 2024))
        self.assertIn("2022—2024年高新技术企业证书发证日期截至3月31日的占比 10.0%", progress.rule.describe("high_tech"))

    def test_a_finished_year_is_due_in_full(self):
        data = self.json(as_of="2025-12-31")
        self.assertEqual(self.unit(data)["tech_sme"]["schedule"], 30)
        self.assertEqual(data["city"]["tech_sme"]["schedule"], 200)
        self.assertEqual(data["city"]["tech_sme"]["alert"], "red")  # 2 of 200
        past = self.json(year=2024)
        self.assertEqual(past["as_of"], "2024-12-31")
        self.assertEqual(past["city"]["high_tech"]["schedule"], 80)  # the 2024 target

    def test_null_where_no_target_or_quota(self):
        data = self.json(as_of="2025-03-31")
        self.assertEqual(
            self.unit(data, "150523")["tech_sme"], {"actual": 0, "target": None, "schedule": None, "alert": None}
        )
        self.assertIsNone(data["city"]["high_tech_new"]["schedule"])
        self.assertIsNone(data["city"]["high_tech_new"]["alert"])

    def test_county_official_gets_the_same_schedule_for_their_unit_and_the_city(self):
        bureau = self.json(as_of="2025-03-31")
        official = self.json(self.county_a_user, as_of="2025-03-31")
        self.assertEqual(official["city"], bureau["city"])
        self.assertEqual(official["counties"], [self.unit(bureau)])

    def test_seasonal_needs_three_years_unless_chosen(self):
        # For 2026 the earlier years are 2023–2025: three for SMEs, 2025 has no certificate.
        rule_2026 = schedule.schedule_rule(2026, D(2026, 3, 31))
        self.assertEqual(rule_2026.method("tech_sme"), schedule.SEASONAL)
        self.assertEqual(rule_2026.method("high_tech"), schedule.LINEAR)  # 2023, 2024 only
        Plan.objects.create(name="下一期", first_year=2026, last_year=2030, schedule_method="seasonal")
        chosen = schedule.schedule_rule(2026, D(2026, 3, 31))
        self.assertEqual(chosen.method("high_tech"), schedule.SEASONAL)
        self.assertEqual(chosen.season_years["hte"], (2023, 2024))
        self.assertEqual(schedule.schedule_rule(2030, D(2030, 3, 31)).method("high_tech"), schedule.LINEAR)  # none

    def test_a_registration_dated_after_its_evaluation_year_arrives_at_its_end(self):
        testing.registration(testing.enterprise(self.county_a), 2024, D(2025, 1, 5))
        season = schedule.seasons(2025)[schedule.SME]
        self.assertEqual(season.total, 31)
        self.assertEqual(season.share(D(2025, 12, 30)), Fraction(30, 31))

    def test_json_keeps_its_old_keys_and_values(self):
        """Issue 5's shape is unchanged: the same top-level and unit keys, and per indicator the same
        ``actual`` and ``target``; ``schedule`` and ``alert`` are the only keys added."""
        data = self.json(as_of="2025-03-31")
        self.assertEqual(set(data), {"year", "as_of", "city", "counties"})
        figures = counting.count_figures(year=2025, as_of=SPRING)
        targets, quotas = lookup.city_targets(2025), lookup.county_quotas(2025)
        for indicator in ("high_tech", "tech_sme", "high_tech_new"):
            city = data["city"][indicator]
            self.assertEqual(set(city), {"actual", "target", "schedule", "alert"})
            self.assertEqual((city["actual"], city["target"]), (figures.city(indicator), targets.get(indicator)))
        for unit in data["counties"]:
            self.assertEqual(set(unit), {"code", "name", "high_tech", "tech_sme", "high_tech_new"})
            county = testing.county(unit["code"])
            for indicator in ("high_tech", "tech_sme", "high_tech_new"):
                old = {key: unit[indicator][key] for key in ("actual", "target")}
                self.assertEqual(
                    old, {"actual": figures.county(county.pk, indicator), "target": quotas.get((county.pk, indicator))}
                )
                self.assertIn(unit[indicator]["alert"], (None, "green", "yellow", "red"))

    def test_dashboard_shows_the_schedule_in_words_and_a_legend(self):
        self.client.force_login(self.bureau)
        response = self.client.get(reverse("home"), {"year": 2025, "as_of": "2025-03-31"})
        html = response.content.decode()
        start = html.index('<tr data-code="150502">')
        row = html[start : html.index("</tr>", start)]
        self.assertIn('data-alert="red"', row)
        self.assertIn("滞后", row)
        legend = html[html.index('data-testid="schedule-legend"') :]
        for word in ("正常", "关注", "滞后", "100% 及以上", "80%—100%", "低于 80%"):
            self.assertIn(word, legend[:2000])
        self.assertIn("按往年到达规律", legend[:2000])
        self.assertIn(reverse("reports:bulletin"), html)
        cards = html[html.index('id="headline"') : html.index('id="series-title"')]
        self.assertIn(
            "序时进度 <strong>200</strong>", self.client.get(reverse("home"), {"year": 2025}).content.decode()
        )
        self.assertIn('data-alert="', cards)


class QueryTests(ScheduleData):
    def test_seasons_take_one_grouped_query_whatever_the_rows(self):
        def cold():
            cache.clear()
            with CaptureQueriesContext(connection) as queries:
                schedule.seasons(2025)
            return len(queries)

        small = cold()
        with CaptureQueriesContext(connection) as queries:
            schedule.seasons(2025)
        self.assertEqual(len(queries), 1)  # the data version: cached
        autumn_history(self.county_b)
        for year in (2022, 2023, 2024):
            testing.registration(testing.enterprise(self.county_b), year, D(year + 1, 1, 2))
        self.assertEqual(cold(), small)
        self.assertEqual(small, 2)  # the data version and one grouped query
        self.assertEqual(schedule.seasons(2025)[schedule.SME].total, 63)

    def test_progress_json_at_mid_year_is_constant_in_rows(self):
        def count():
            cache.clear()
            self.client.force_login(self.bureau)
            with CaptureQueriesContext(connection) as queries:
                self.client.get(reverse("reports:progress_json"), {"year": 2025, "as_of": "2025-03-31"})
            return len(queries)

        small = count()
        autumn_history(self.county_b)
        self.assertEqual(count(), small)


class PlanFormTests(testing.Personas, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.make_personas()
        cls.plan = Plan.objects.get(first_year=2023)

    @staticmethod
    def settings_of(plan):
        return (plan.schedule_method, plan.green_at, plan.yellow_at)

    def post(self, **fields):
        self.client.force_login(self.bureau)
        data = {"name": self.plan.name, "first_year": 2023, "last_year": 2025, **fields}
        return self.client.post(reverse("targets:plan_edit", kwargs={"pk": self.plan.pk}), data)

    def test_defaults_of_the_loaded_plan(self):
        self.assertEqual(
            (self.plan.schedule_method, self.plan.green_at, self.plan.yellow_at),
            ("auto", Decimal("1.00"), Decimal("0.80")),
        )

    def test_bureau_sets_the_method_and_thresholds(self):
        response = self.post(schedule_method="linear", green_at="0.95", yellow_at="0.70")
        self.assertEqual(response.status_code, 302)
        self.plan.refresh_from_db()
        self.assertEqual(
            (self.plan.schedule_method, self.plan.green_at, self.plan.yellow_at),
            ("linear", Decimal("0.95"), Decimal("0.70")),
        )

    def test_yellow_above_green_is_refused_in_chinese(self):
        response = self.post(schedule_method="auto", green_at="0.80", yellow_at="0.90")
        self.assertContains(response, "关注线不能高于正常线")
        self.assertContains(self.post(green_at="2.50", yellow_at="0.80"), "不能超过 2.00")

    def test_omitted_fields_keep_their_values(self):
        self.assertEqual(self.post().status_code, 302)
        self.plan.refresh_from_db()
        self.assertEqual((self.plan.green_at, self.plan.yellow_at), (Decimal("1.00"), Decimal("0.80")))

    def test_form_page_shows_the_schedule_fields(self):
        self.client.force_login(self.bureau)
        html = self.client.get(reverse("targets:plan_edit", kwargs={"pk": self.plan.pk})).content.decode()
        for text in ("序时进度与预警", "序时进度计算方法", "正常线", "关注线"):
            self.assertIn(text, html)
