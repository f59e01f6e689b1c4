"""Publishing an assessment (issue 12, finding 9): a confirmation page shows the figures to be
frozen; a result published before its year's 12-31, or counted at a later date, needs a reason
and is marked 阶段性结果 on the page, in the JSON and in the command's output."""

import datetime
from io import StringIO

from django.apps import apps
from django.core.management import CommandError, call_command
from django.test import SimpleTestCase, TestCase
from django.urls import reverse
from django.utils import timezone

from reports import assessment
from reports.models import AssessmentPublication, AssessmentScheme
from targets.models import CountyQuota, Plan
from tongliao_portal import testing

D = datetime.date
PAST = 2025  # a year of the 2023–2025 plan, over before the suite runs
NEXT = timezone.localdate().year + 1  # a year whose 12-31 is always still to come


class InterimRuleTests(SimpleTestCase):
    def test_before_the_year_end_or_counted_at_a_later_date(self):
        self.assertTrue(assessment.is_interim(2025, D(2025, 12, 31), D(2025, 12, 30)))
        self.assertTrue(assessment.is_interim(2025, D(2025, 11, 30), D(2025, 12, 1)))  # the year still runs
        self.assertFalse(assessment.is_interim(2025, D(2025, 12, 31), D(2025, 12, 31)))
        self.assertFalse(assessment.is_interim(2025, D(2025, 12, 31), D(2026, 1, 5)))
        self.assertTrue(assessment.is_interim(2025, D(2026, 1, 31), D(2026, 1, 10)))  # date still to come
        self.assertFalse(assessment.is_interim(2025, D(2026, 1, 31), D(2026, 2, 1)))

    def test_the_grounds_in_words(self):
        self.assertEqual(
            assessment.interim_grounds(2025, D(2025, 12, 31), D(2025, 12, 1)),
            "2025 年度尚未结束，统计日期 2025-12-31 晚于今天",
        )
        self.assertEqual(assessment.interim_grounds(2025, D(2025, 12, 31), D(2026, 1, 1)), "")


class PublishingTests(testing.Personas, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.make_personas()
        plan = Plan.objects.get(first_year=2023)
        CountyQuota.objects.create(plan=plan, year=PAST, county=cls.county_a, indicator="high_tech", value=4)
        CountyQuota.objects.create(plan=plan, year=PAST, county=cls.county_b, indicator="high_tech", value=2)
        for _ in range(3):
            testing.certificate(testing.enterprise(cls.county_a), D(2024, 11, 30))
        testing.certificate(testing.enterprise(cls.county_b), D(2023, 11, 30))

    def setUp(self):
        self.client.force_login(self.bureau)

    def publish_url(self, year):
        return reverse("assessment:publish", kwargs={"year": year})

    def json(self, year, **params):
        return self.client.get(reverse("assessment:json", kwargs={"year": year}), params).json()

    def test_the_confirmation_page_shows_the_figures_to_be_frozen_and_publishes_nothing(self):
        page = self.client.get(self.publish_url(PAST))
        self.assertEqual(page.status_code, 200)
        self.assertContains(page, "将冻结的各单位得分")
        rows = {row["code"]: row for row in page.context["rows"]}
        self.assertEqual((rows["150502"]["items"]["high_tech"]["actual"], rows["150502"]["total"]), (3, "7.50"))
        self.assertEqual(page.context["totals"]["high_tech"], {"quota": 6, "actual": 4, "completion": "0.6667"})
        self.assertContains(page, "全市合计")
        self.assertContains(page, "66.67%")
        self.assertContains(page, "确认发布")
        self.assertNotContains(page, "阶段性结果")
        self.assertFalse(AssessmentPublication.objects.exists())
        # The assessment page leads there instead of publishing at once.
        self.assertContains(self.client.get(reverse("assessment:page", kwargs={"year": PAST})), self.publish_url(PAST))

    def test_a_past_year_is_published_as_the_whole_year(self):
        confirm = self.client.get(self.publish_url(PAST)).context["form"]["confirmed"].value()
        response = self.client.post(self.publish_url(PAST), {"note": "年度考核", "confirmed": confirm}, follow=True)
        self.assertContains(response, f"已发布 {PAST} 年度考核结果第 1 版。")
        publication = AssessmentPublication.objects.get()
        self.assertEqual((publication.interim, publication.interim_reason), (False, ""))
        self.assertIs(self.json(PAST)["interim"], False)

    def test_an_early_result_needs_a_reason_and_is_marked_interim(self):
        page = self.client.get(self.publish_url(NEXT))
        self.assertContains(page, f"{NEXT} 年度尚未结束")
        self.assertContains(page, "提前发布原因")
        self.assertIs(self.json(NEXT, draft="1")["interim"], True)
        response = self.client.post(self.publish_url(NEXT), {"note": "半年通报"})
        self.assertContains(response, "发布的是阶段性结果，须说明提前发布的原因", status_code=400)
        self.assertContains(response, "半年通报", status_code=400)
        self.assertFalse(AssessmentPublication.objects.exists())

        response = self.client.post(
            self.publish_url(NEXT), {"note": "半年通报", "interim_reason": "市政府半年工作会议需要"}, follow=True
        )
        self.assertContains(response, f"已发布 {NEXT} 年度考核结果第 1 版（阶段性结果）")
        publication = AssessmentPublication.objects.get(year=NEXT)
        self.assertEqual((publication.interim, publication.interim_reason), (True, "市政府半年工作会议需要"))
        self.assertIs(self.json(NEXT)["interim"], True)
        for user in (self.bureau, self.leader, self.county_a_user):
            self.client.force_login(user)
            page = self.client.get(reverse("assessment:page", kwargs={"year": NEXT}))
            self.assertContains(page, "阶段性结果")
            self.assertContains(page, "提前发布原因：市政府半年工作会议需要")

    def test_a_statistics_date_after_today_is_interim_even_after_the_year_end(self):
        AssessmentScheme.objects.create(year=PAST, as_of=D(PAST + 1, 1, 31))
        with self.assertRaisesMessage(assessment.PublishRefused, f"统计日期 {PAST + 1}-01-31 晚于今天"):
            assessment.assessment_publish(user=self.bureau, year=PAST, today=D(PAST + 1, 1, 10))
        publication = assessment.assessment_publish(
            user=self.bureau, year=PAST, interim_reason="一月通报", today=D(PAST + 1, 1, 10)
        )
        self.assertTrue(publication.interim)

    def test_before_the_year_end_with_an_earlier_statistics_date_is_interim(self):
        AssessmentScheme.objects.create(year=PAST, as_of=D(PAST, 11, 30))
        publication = assessment.assessment_publish(
            user=self.bureau, year=PAST, interim_reason="年终总结会提前", today=D(PAST, 12, 5)
        )
        self.assertTrue(publication.interim)
        final = assessment.assessment_publish(user=self.bureau, year=PAST, reason="全年结果", today=D(PAST, 12, 31))
        self.assertEqual((final.version, final.interim, final.interim_reason), (2, False, ""))

    def test_figures_changed_after_the_confirmation_page_are_not_published_unseen(self):
        confirm = self.client.get(self.publish_url(PAST)).context["form"]["confirmed"].value()
        testing.certificate(testing.enterprise(self.county_a), D(2025, 6, 1))  # recorded meanwhile
        response = self.client.post(self.publish_url(PAST), {"note": "年度考核", "confirmed": confirm})
        self.assertContains(response, "确认页面打开后考核数字已有变化", status_code=409)
        self.assertFalse(AssessmentPublication.objects.exists())
        rows = {row["code"]: row for row in response.context["rows"]}
        self.assertEqual(rows["150502"]["items"]["high_tech"]["actual"], 4)  # the new figures are shown
        again = response.context["form"]["confirmed"].value()
        self.assertNotEqual(again, confirm)
        self.client.post(self.publish_url(PAST), {"note": "年度考核", "confirmed": again})
        self.assertEqual(AssessmentPublication.objects.get().data["counties"][0]["items"]["high_tech"]["actual"], 4)

    def test_the_command_refuses_an_early_year_without_a_reason(self):
        out = StringIO()
        with self.assertRaisesMessage(CommandError, f"{NEXT} 年度尚未结束"):
            call_command("publish_assessment", str(NEXT), "--note", "半年通报", stdout=out)
        self.assertFalse(AssessmentPublication.objects.exists())
        call_command("publish_assessment", str(NEXT), "--note", "半年通报", "--reason", "半年会议", stdout=out)
        self.assertIn(f"已发布 {NEXT} 年度考核结果第 1 版（阶段性结果）", out.getvalue())
        publication = AssessmentPublication.objects.get()
        self.assertEqual((publication.interim, publication.interim_reason, publication.reason), (True, "半年会议", ""))
        call_command("publish_assessment", str(PAST), stdout=out)
        self.assertIn(f"已发布 {PAST} 年度考核结果第 1 版（全年结果）", out.getvalue())

    def test_others_may_not_open_the_confirmation_page(self):
        for user in (self.county_a_user, self.leader):
            self.client.force_login(user)
            self.assertEqual(self.client.get(self.publish_url(PAST)).status_code, 403)


class InterimMigrationTests(testing.Personas, TestCase):
    """Versions published before the field existed are marked by what their dates say."""

    def test_earlier_publications_are_marked(self):
        from importlib import import_module

        migration = import_module("reports.migrations.0002_publication_interim")
        early = AssessmentPublication.objects.create(year=2024, version=1, data={"as_of": "2024-12-31", "counties": []})
        late = AssessmentPublication.objects.create(year=2023, version=1, data={"as_of": "2023-12-31", "counties": []})
        AssessmentPublication.objects.filter(pk=early.pk).update(
            published_at=datetime.datetime(2024, 12, 20, 10, tzinfo=datetime.UTC)
        )
        migration.mark_earlier_interim_publications(apps, None)
        early.refresh_from_db()
        late.refresh_from_db()
        self.assertEqual((early.interim, bool(early.interim_reason)), (True, True))
        self.assertEqual((late.interim, late.interim_reason), (False, ""))
