"""The one status rule (enterprises.status) at its edges, and the pages that show it."""

import datetime
from types import SimpleNamespace

from django.test import SimpleTestCase, TestCase
from django.urls import reverse
from django.utils import timezone

from enterprises import status
from enterprises.models import HighTechCertification
from tongliao_portal import testing

D = datetime.date


def cert(issued, until, revoked=None):
    return SimpleNamespace(issued_on=issued, valid_until=until, revoked_on=revoked)


def reg(registered, revoked=None):
    return SimpleNamespace(registered_on=registered, revoked_on=revoked)


class CertificateStatusTests(SimpleTestCase):
    def test_valid_on_the_issue_day_and_the_last_valid_day_not_after(self):
        c = cert(D(2023, 11, 20), D(2026, 11, 19))
        self.assertEqual(status.certificate_status(c, D(2023, 11, 20)).code, "valid")
        self.assertTrue(status.certificate_status(c, D(2026, 11, 19)).counts)
        self.assertEqual(status.certificate_status(c, D(2026, 11, 20)).code, "expired")
        self.assertEqual(status.certificate_status(c, D(2023, 11, 19)).code, "pending")

    def test_a_revocation_counts_from_its_own_day(self):
        c = cert(D(2023, 11, 20), D(2026, 11, 19), revoked=D(2025, 5, 1))
        self.assertEqual(status.certificate_status(c, D(2025, 5, 1)).label, "已取消资格")
        before = status.certificate_status(c, D(2025, 4, 30))
        self.assertEqual((before.code, before.label), ("revoking", "将于2025年5月1日取消资格"))
        self.assertTrue(before.counts)

    def test_about_to_lapse_within_six_months_or_before_the_years_end(self):
        # Six calendar months after 2025-09-30 is 2026-03-30; before September the year's end wins.
        self.assertEqual(status.lapse_horizon(D(2025, 9, 30)), D(2026, 3, 30))
        self.assertEqual(status.lapse_horizon(D(2025, 3, 1)), D(2025, 12, 31))
        c = cert(D(2023, 3, 31), D(2026, 3, 30))
        self.assertEqual(status.certificate_status(c, D(2025, 9, 30)).code, "expiring")
        self.assertEqual(status.certificate_status(c, D(2025, 9, 29)).code, "valid")


class RegistrationStatusTests(SimpleTestCase):
    def test_a_future_removal_still_counts_and_says_when(self):
        r = reg(D(2025, 6, 1), revoked=D(2025, 9, 1))
        self.assertEqual(status.registration_status(r, D(2025, 8, 31)).label, "将于2025年9月1日撤销")
        self.assertEqual(status.registration_status(r, D(2025, 9, 1)).label, "已撤销")
        self.assertEqual(status.registration_status(reg(D(2025, 6, 1)), D(2025, 5, 31)).code, "pending")


class StatusQueriesAgreeWithObjectsTests(TestCase):
    """The Q builders and the object rule say the same on every edge day."""

    @classmethod
    def setUpTestData(cls):
        county = testing.county("150502")
        e = testing.enterprise(county)
        cls.plain = testing.certificate(e, D(2023, 11, 20))
        cls.revoked = testing.certificate(
            testing.enterprise(county), D(2023, 11, 20), revoked_on=D(2025, 5, 1), revoke_reason="测试"
        )

    def test_certificate_valid_q_matches_is_certificate_valid(self):
        for day in (D(2023, 11, 19), D(2023, 11, 20), D(2025, 4, 30), D(2025, 5, 1), D(2026, 11, 19), D(2026, 11, 20)):
            in_query = set(HighTechCertification.objects.filter(status.certificate_valid_q(day)))
            by_rule = {c for c in (self.plain, self.revoked) if status.is_certificate_valid(c, day)}
            with self.subTest(day=day):
                self.assertEqual(in_query, by_rule)


class DetailPageFutureRevocationTests(testing.Personas, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.make_personas()
        cls.enterprise = testing.enterprise(cls.county_a)
        future = timezone.localdate() + datetime.timedelta(days=30)
        testing.certificate(
            cls.enterprise, timezone.localdate() - datetime.timedelta(days=100), revoked_on=future, revoke_reason="测试"
        )
        cls.future = future

    def test_a_future_revocation_shows_as_will_be_revoked_and_the_enterprise_as_valid(self):
        self.client.force_login(self.bureau)
        page = self.client.get(reverse("enterprises:detail", args=[self.enterprise.pk])).content.decode()
        self.assertIn(f"将于{self.future.year}年{self.future.month}月{self.future.day}日取消资格", page)
        self.assertNotIn("已取消资格", page)
        self.assertIn("有效期内高新技术企业", page)
