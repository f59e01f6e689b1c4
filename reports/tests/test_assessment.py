"""The annual assessment: scoring at its edges, freezing on publication, scope of every view."""

import datetime
import json
from decimal import Decimal
from io import StringIO

from django.core.management import CommandError, call_command
from django.test import SimpleTestCase, TestCase
from django.urls import reverse

from enterprises.models import CertificationKind
from reports import assessment
from reports.models import AssessmentPublication
from targets.models import CountyQuota, Plan
from tongliao_portal import testing

D = datetime.date


class ScoringRuleTests(SimpleTestCase):
    def item(self, quota, actual, max_points="10", cap="1.0"):
        return assessment.Item("high_tech", quota, actual, Decimal(max_points), Decimal(cap))

    def test_points_are_max_times_completion(self):
        item = self.item(30, 25)
        self.assertEqual((item.completion, item.points, item.shortfall), (Decimal("0.8333"), Decimal("8.33"), 5))

    def test_cap_one_gives_no_bonus_and_a_higher_cap_rewards_over_completion(self):
        self.assertEqual(self.item(10, 15).points, Decimal("10.00"))
        self.assertEqual(self.item(10, 15, cap="1.2").points, Decimal("12.00"))
        self.assertEqual(self.item(10, 11, cap="1.2").points, Decimal("11.00"))

    def test_zero_quota_gives_full_points(self):
        self.assertEqual(self.item(0, 0).points, Decimal("10.00"))
        self.assertEqual(self.item(0, 0).completion, Decimal(1))

    def test_missing_quota_leaves_the_indicator_out(self):
        item = self.item(None, 7)
        self.assertIsNone(item.points)
        unit = assessment.UnitScore("150502", "科尔沁区", {"high_tech": item, "tech_sme": self.item(10, 5)})
        self.assertEqual(unit.total, Decimal("5.00"))
        self.assertEqual(unit.missing_quotas, ["high_tech"])

    def test_equal_totals_share_a_rank(self):
        units = [
            assessment.UnitScore("a", "甲", {"high_tech": self.item(10, 5)}),
            assessment.UnitScore("b", "乙", {"high_tech": self.item(10, 10)}),
            assessment.UnitScore("c", "丙", {"high_tech": self.item(4, 2)}),
            assessment.UnitScore("d", "丁", {"high_tech": self.item(10, 1)}),
        ]
        assessment.rank_units(units)
        self.assertEqual([(u.code, u.rank) for u in units], [("b", 1), ("a", 2), ("c", 2), ("d", 4)])

    def test_decimal_text(self):
        self.assertEqual(assessment.decimal_text(Decimal("10.00")), "10")
        self.assertEqual(assessment.decimal_text(Decimal("8.50")), "8.5")


class AssessmentFlowTests(testing.Personas, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.make_personas()
        plan = Plan.objects.get(first_year=2023)
        for county, hte_quota, sme_quota in ((cls.county_a, 4, 2), (cls.county_b, 2, None)):
            CountyQuota.objects.create(plan=plan, year=2025, county=county, indicator="high_tech", value=hte_quota)
            if sme_quota is not None:
                CountyQuota.objects.create(plan=plan, year=2025, county=county, indicator="tech_sme", value=sme_quota)
        # County A: 3 valid HTEs (one first-time in 2025) and 2 SMEs; county B: 2 valid HTEs.
        for i in range(3):
            company = testing.enterprise(cls.county_a)
            testing.certificate(company, D(2025, 10, 26) if i == 0 else D(2024, 11, 30), kind=CertificationKind.FIRST)
            if i < 2:
                testing.registration(company, 2025, D(2025, 8, 1))
        for _ in range(2):
            testing.certificate(testing.enterprise(cls.county_b), D(2023, 11, 30))
        cls.page = reverse("assessment:page", kwargs={"year": 2025})
        cls.json_url = reverse("assessment:json", kwargs={"year": 2025})

    def unit(self, data, code):
        return next(row for row in data["counties"] if row["code"] == code)

    def test_draft_scores_each_unit(self):
        data = assessment.serialize(assessment.assessment_compute(year=2025))
        a = self.unit(data, "150502")
        self.assertEqual(
            a["items"]["high_tech"],
            {
                "quota": 4,
                "actual": 3,
                "completion": "0.7500",
                "points": "7.50",
                "max_points": "10",
                "cap": "1",
                "shortfall": 1,
            },
        )
        self.assertEqual(a["items"]["tech_sme"]["points"], "10.00")
        self.assertEqual(a["missing_quotas"], ["high_tech_new"])
        self.assertEqual(a["total"], "17.50")
        b = self.unit(data, "150523")
        self.assertEqual((b["total"], b["rank"], a["rank"]), ("10.00", 2, 1))

    def test_publication_freezes_and_republishing_adds_a_version(self):
        self.client.force_login(self.bureau)
        self.client.post(reverse("assessment:publish", kwargs={"year": 2025}), {"note": "2025年度考核"})
        frozen = self.client.get(self.json_url).json()
        self.assertEqual((frozen["version"], self.unit(frozen, "150502")["total"]), (1, "17.50"))
        self.assertRegex(frozen["published_at"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$")

        testing.certificate(testing.enterprise(self.county_a), D(2025, 12, 1))  # a late correction
        self.assertEqual(self.unit(self.client.get(self.json_url).json(), "150502")["total"], "17.50")
        draft = self.client.get(self.json_url, {"draft": "1"}).json()
        self.assertEqual((draft["draft"], self.unit(draft, "150502")["total"]), (True, "20.00"))

        response = self.client.post(reverse("assessment:publish", kwargs={"year": 2025}), {"note": "补录后的更正说明"})
        self.assertContains(response, "重新发布须说明原因", status_code=400)
        self.assertContains(response, "补录后的更正说明", status_code=400)  # what was typed is kept
        self.assertEqual(AssessmentPublication.objects.filter(year=2025).count(), 1)
        self.client.post(
            reverse("assessment:publish", kwargs={"year": 2025}), {"note": "更正", "reason": "补录一家高企"}
        )
        latest = self.client.get(self.json_url).json()
        self.assertEqual((latest["version"], self.unit(latest, "150502")["total"]), (2, "20.00"))
        first = self.client.get(self.page, {"version": 1})
        self.assertEqual(first.context["publication"].version, 1)

    def test_county_official_sees_only_published_own_unit(self):
        self.client.force_login(self.county_a_user)
        self.assertEqual(self.client.get(self.json_url).status_code, 404)
        self.assertContains(self.client.get(self.page), "尚未发布")
        self.assertEqual(self.client.get(self.json_url, {"draft": "1"}).status_code, 403)
        assessment.assessment_publish(user=self.bureau, year=2025, note="")
        data = self.client.get(self.json_url).json()
        self.assertEqual([row["code"] for row in data["counties"]], ["150502"])
        page = self.client.get(self.page)
        self.assertContains(page, "距任务数还差 <strong>1</strong> 家")
        self.assertNotContains(page, "开鲁县")
        self.assertNotContains(page, "草稿")

    def test_leader_sees_the_published_ranking_but_no_draft(self):
        self.client.force_login(self.leader)
        self.assertEqual(self.client.get(self.json_url).status_code, 404)
        assessment.assessment_publish(user=self.bureau, year=2025, note="")
        data = self.client.get(self.json_url).json()
        self.assertEqual(len(data["counties"]), 9)
        page = self.client.get(self.page)
        self.assertContains(page, "开鲁县")
        self.assertNotContains(page, "草稿")
        self.assertEqual(self.client.post(reverse("assessment:publish", kwargs={"year": 2025})).status_code, 403)

    def test_bureau_sets_a_scheme_with_a_cap_and_a_date(self):
        self.client.force_login(self.bureau)
        response = self.client.post(
            reverse("assessment:scheme", kwargs={"year": 2025}),
            {
                "as_of": "2025-11-30",
                "max_high_tech": "20",
                "cap_high_tech": "1.2",
                "max_tech_sme": "",
                "max_high_tech_new": "",
            },
        )
        self.assertRedirects(response, self.page)
        data = assessment.serialize(assessment.assessment_compute(year=2025))
        self.assertEqual(data["as_of"], "2025-11-30")
        self.assertEqual(list(self.unit(data, "150502")["items"]), ["high_tech"])
        self.assertEqual(self.unit(data, "150502")["items"]["high_tech"]["points"], "15.00")

    def test_publish_command_and_its_reason_rule(self):
        out = StringIO()
        call_command("publish_assessment", "2025", "--note", "命令行发布", stdout=out)
        self.assertIn("已发布 2025 年度考核结果第 1 版", out.getvalue())
        with self.assertRaisesMessage(CommandError, "重新发布须说明原因"):
            call_command("publish_assessment", "2025", stdout=out)
        self.assertEqual(json.loads(json.dumps(assessment.published_scores(2025)))["150502"], ["17.50", 1])

    def test_query_count_does_not_grow_with_enterprises(self):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        def count():
            with CaptureQueriesContext(connection) as captured:
                assessment.assessment_compute(year=2025)
            return len(captured)

        before = count()
        for company in testing.bulk_enterprises(self.county_b, 30):
            testing.certificate(company, D(2025, 3, 1))
        self.assertEqual(count(), before)
