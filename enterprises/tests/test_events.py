"""Dated enterprise events and merges: services, forms and pages (docs/domain.md §8)."""

import datetime

from django.db.models import F
from django.test import TestCase
from django.urls import reverse

from enterprises import events
from enterprises.event_forms import EventForm
from enterprises.models import CertificationKind, EnterpriseEvent, EnterpriseName, EventKind, UnitPeriod
from tongliao_portal import testing

D = datetime.date


class EventServiceTests(testing.Personas, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.make_personas()
        cls.enterprise = testing.enterprise(cls.county_a, name="原名有限公司")

    def test_a_new_enterprise_has_one_open_period_in_its_unit(self):
        period = UnitPeriod.objects.get(enterprise=self.enterprise)
        self.assertEqual((period.county, period.starts_on, period.ends_on), (self.county_a, None, None))

    def test_a_bulk_created_enterprise_has_its_period_too(self):
        (created,) = testing.bulk_enterprises(self.county_b, 1)
        self.assertEqual(UnitPeriod.objects.get(enterprise=created).county, self.county_b)

    def test_a_move_closes_the_period_and_opens_one_in_the_new_unit(self):
        event = events.enterprise_move(
            user=self.bureau, enterprise=self.enterprise, to_county=self.county_b, on=D(2026, 3, 1), reason="迁址"
        )
        periods = list(
            UnitPeriod.objects.filter(enterprise=self.enterprise)
            .order_by(F("starts_on").asc(nulls_first=True))
            .values_list("county", "starts_on", "ends_on")
        )
        self.assertEqual(periods, [(self.county_a.pk, None, D(2026, 3, 1)), (self.county_b.pk, D(2026, 3, 1), None)])
        self.enterprise.refresh_from_db()
        self.assertEqual(self.enterprise.county, self.county_b)
        self.assertEqual(
            (event.from_county, event.to_county, event.recorded_by), (self.county_a, self.county_b, self.bureau)
        )

    def test_a_second_move_must_be_dated_after_the_first(self):
        events.enterprise_move(
            user=self.bureau, enterprise=self.enterprise, to_county=self.county_b, on=D(2026, 3, 1), reason="迁址"
        )
        self.enterprise.refresh_from_db()
        error = events.event_error(self.enterprise, EventKind.MOVE, D(2026, 2, 1), self.county_a)
        self.assertIn("生效日期应晚于该企业迁入开鲁县的日期（2026年3月1日）", error)

    def test_a_rename_keeps_the_old_name(self):
        events.enterprise_rename(
            user=self.bureau, enterprise=self.enterprise, new_name="新名有限公司", on=D(2026, 5, 1), reason="工商变更"
        )
        self.enterprise.refresh_from_db()
        self.assertEqual(self.enterprise.name, "新名有限公司")
        self.assertEqual(
            list(EnterpriseName.objects.values_list("name", "used_until")), [("原名有限公司", D(2026, 5, 1))]
        )

    def test_nothing_can_be_recorded_after_closing(self):
        events.enterprise_close(user=self.bureau, enterprise=self.enterprise, on=D(2026, 5, 1), reason="注销")
        self.enterprise.refresh_from_db()
        self.assertFalse(self.enterprise.is_active)
        self.assertIn("已迁出市外或已注销", events.event_error(self.enterprise, EventKind.RENAME, D(2026, 6, 1)))


class MergeTests(testing.Personas, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.make_personas()
        cls.keep = testing.enterprise(cls.county_a, name="保留有限公司")
        cls.dup = testing.enterprise(cls.county_a, name="重复录入有限公司")
        cls.old = testing.certificate(cls.dup, D(2019, 11, 1))
        cls.new = testing.certificate(cls.keep, D(2022, 11, 1))
        testing.registration(cls.dup, 2024, D(2024, 6, 1))

    def test_merge_moves_records_keeps_one_first_certificate_and_the_old_name(self):
        events.enterprise_merge(user=self.bureau, keep=self.keep, merged=self.dup, reason="重复录入")
        kinds = dict(self.keep.certifications.values_list("number", "kind"))
        self.assertEqual(kinds, {self.old.number: CertificationKind.FIRST, self.new.number: CertificationKind.RENEWAL})
        self.assertEqual(self.keep.registrations.count(), 1)
        self.assertTrue(EnterpriseName.objects.filter(enterprise=self.keep, name="重复录入有限公司").exists())
        self.assertEqual(EnterpriseEvent.objects.get(enterprise=self.keep).kind, EventKind.MERGE)

    def test_merge_is_refused_when_both_hold_a_registration_for_one_year(self):
        testing.registration(self.keep, 2024, D(2024, 6, 2))
        self.assertIn("2024 年度", events.merge_error(self.keep, self.dup))


class EventPageTests(testing.Personas, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.make_personas()
        cls.enterprise = testing.enterprise(cls.county_a, name="页面测试有限公司")

    def test_bureau_records_a_move_through_the_page(self):
        self.client.force_login(self.bureau)
        url = reverse("enterprises:event_create", args=[self.enterprise.pk])
        data = {
            "kind": "move",
            "occurred_on": "2026年3月1日",
            "to_county": self.county_b.pk,
            "reason": "迁址",
            "document": "通科发〔2026〕1号",
        }
        response = self.client.post(url, data)
        self.assertRedirects(
            response, reverse("enterprises:detail", args=[self.enterprise.pk]), fetch_redirect_response=False
        )
        self.assertEqual(EnterpriseEvent.objects.get().document, "通科发〔2026〕1号")

    def test_a_move_without_a_unit_keeps_what_was_typed_and_says_why(self):
        self.client.force_login(self.bureau)
        url = reverse("enterprises:event_create", args=[self.enterprise.pk])
        response = self.client.post(url, {"kind": "move", "occurred_on": "2026-03-01", "reason": "迁址"})
        self.assertContains(response, "迁移须选择迁入的旗县市区", status_code=200)
        self.assertContains(response, 'value="迁址"')
        self.assertFalse(EnterpriseEvent.objects.exists())

    def test_a_future_date_is_refused(self):
        form = EventForm({"kind": "close", "occurred_on": "2999-01-01", "reason": "x"}, enterprise=self.enterprise)
        self.assertIn("生效日期不能晚于今天", form.errors["occurred_on"])

    def test_county_officials_and_leaders_cannot_record_events(self):
        url = reverse("enterprises:event_create", args=[self.enterprise.pk])
        for user, status in ((self.county_a_user, 403), (self.county_b_user, 403), (self.leader, 403)):
            self.client.force_login(user)
            with self.subTest(user=user.username):
                self.assertEqual(self.client.get(url).status_code, status)
