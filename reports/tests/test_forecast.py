"""The year-end forecast, the re-certification work list and stage counts on hand-made cases."""

import datetime

from django.test import SimpleTestCase, TestCase
from django.utils import timezone

from enterprises import status
from enterprises.models import CertificationKind, HighTechCertification, Stage
from reports import counting
from tongliao_portal import testing
from units.scope import Scope

D = datetime.date
AS_OF = D(2025, 9, 30)
YEAR_END = D(2025, 12, 31)


def recorded_on(certificate: HighTechCertification, day: datetime.date) -> None:
    """Pretend the certificate was entered in the portal on ``day`` (noon, local time)."""
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))
    HighTechCertification.objects.filter(pk=certificate.pk).update(created_at=moment)


class ForecastTests(TestCase):
    """Year 2025 as of 2025-09-30; each enterprise is one case of the definition."""

    @classmethod
    def setUpTestData(cls):
        cls.kerqin = testing.county("150502")
        cls.kailu = testing.county("150523")
        new = cls.enterprise_with

        cls.stays = new(cls.kerqin, "有效至年底", [D(2024, 11, 30)])
        cls.lapses = new(cls.kerqin, "年内到期未重新认定", [D(2022, 10, 26)])  # through 2025-10-25
        cls.renewed = new(cls.kerqin, "已重新认定", [D(2022, 10, 26), D(2025, 8, 1)])
        cls.first_time = new(cls.kailu, "今年首次认定", [D(2025, 6, 1)])
        cls.ahead = new(cls.kailu, "已登记待生效", [D(2025, 11, 30)], recorded=D(2025, 9, 1))
        cls.recorded_later = new(cls.kailu, "统计日后才登记", [D(2025, 11, 30)])  # created today
        cls.renewed_ahead = new(
            cls.kailu, "续证已登记待生效", [D(2022, 10, 26), D(2025, 10, 26)], recorded=D(2025, 9, 15)
        )
        cls.revoked = new(cls.kerqin, "已取消资格", [D(2024, 11, 30)], revoked_on=D(2025, 3, 1))
        cls.lapsed_before = new(cls.kerqin, "统计日前已失效", [D(2022, 3, 1)])  # through 2025-02-28

    @classmethod
    def enterprise_with(cls, county, name, issued, recorded=None, revoked_on=None):
        company = testing.enterprise(county, name=f"{name}有限公司")
        for index, day in enumerate(issued):
            kind = CertificationKind.FIRST if index == 0 else CertificationKind.RENEWAL
            extra = {"revoked_on": revoked_on, "revoke_reason": "不再符合条件"} if revoked_on else {}
            certificate = testing.certificate(company, day, kind=kind, **extra)
            if recorded is not None:
                recorded_on(certificate, recorded)
        return company

    def test_each_term_counts_its_own_cases(self):
        kerqin = counting.year_end_forecast(year=2025, as_of=AS_OF).county(self.kerqin.pk)
        kailu = counting.year_end_forecast(year=2025, as_of=AS_OF).county(self.kailu.pk)
        # 科尔沁区: valid now = stays, lapses, renewed; lapsing = lapses.
        self.assertEqual((kerqin.valid_now, kerqin.lapsing, kerqin.recorded_ahead, kerqin.year_end), (3, 1, 0, 2))
        # 开鲁县: valid now = first_time, renewed_ahead; recorded ahead = ahead.
        self.assertEqual((kailu.valid_now, kailu.lapsing, kailu.recorded_ahead, kailu.year_end), (2, 0, 1, 3))

    def test_city_is_the_sum_of_units(self):
        city = counting.year_end_forecast(year=2025, as_of=AS_OF).city()
        self.assertEqual((city.valid_now, city.lapsing, city.recorded_ahead, city.year_end), (5, 1, 1, 5))

    def test_valid_now_is_the_high_tech_figure(self):
        forecast = counting.year_end_forecast(year=2025, as_of=AS_OF)
        figures = counting.count_figures(year=2025, as_of=AS_OF)
        for county in (self.kerqin, self.kailu):
            self.assertEqual(forecast.county(county.pk).valid_now, figures.county(county.pk, "high_tech"))

    def test_first_time_certification_already_issued_is_not_added_twice(self):
        figures = counting.count_figures(year=2025, as_of=AS_OF)
        self.assertEqual(figures.county(self.kailu.pk, "high_tech_new"), 1)
        kailu = counting.year_end_forecast(year=2025, as_of=AS_OF).county(self.kailu.pk)
        # first_time + renewed_ahead + ahead: three enterprises, the first-time one once.
        self.assertEqual(kailu.year_end, 3)

    def test_certificate_recorded_after_the_date_is_not_known_then(self):
        certificate = self.recorded_later.certifications.get()
        late_evening = timezone.make_aware(datetime.datetime(2025, 9, 30, 23, 30))
        HighTechCertification.objects.filter(pk=certificate.pk).update(created_at=late_evening)
        self.assertEqual(counting.year_end_forecast(year=2025, as_of=AS_OF).county(self.kailu.pk).recorded_ahead, 2)
        next_morning = timezone.make_aware(datetime.datetime(2025, 10, 1, 0, 30))
        HighTechCertification.objects.filter(pk=certificate.pk).update(created_at=next_morning)
        self.assertEqual(counting.year_end_forecast(year=2025, as_of=AS_OF).county(self.kailu.pk).recorded_ahead, 1)

    def test_at_year_end_the_forecast_is_the_figure(self):
        forecast = counting.year_end_forecast(year=2025, as_of=YEAR_END).city()
        figures = counting.count_figures(year=2025, as_of=YEAR_END)
        self.assertEqual((forecast.lapsing, forecast.recorded_ahead), (0, 0))
        self.assertEqual(forecast.year_end, figures.city("high_tech"))

    def test_work_list_holds_enterprises_whose_cover_runs_out(self):
        lapses = counting.lapsing_certificates(as_of=AS_OF, until=D(2026, 3, 30))
        self.assertEqual([c.enterprise for c in lapses], [self.lapses])
        self.assertEqual(lapses[0].valid_until, D(2025, 10, 25))

    def test_work_list_agrees_with_the_forecasts_lapsing_term(self):
        lapses = counting.lapsing_certificates(as_of=AS_OF, until=YEAR_END)
        city = counting.year_end_forecast(year=2025, as_of=AS_OF).city()
        self.assertEqual(len(lapses), city.lapsing)

    def test_work_list_respects_the_scope_it_is_given(self):
        scoped = Scope.unit(self.kailu.pk)
        self.assertEqual(counting.lapsing_certificates(as_of=AS_OF, until=D(2026, 3, 30), scope=scoped), [])


class WorkListEdgeTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.kerqin = testing.county("150502")

    def test_renewal_issued_the_day_after_expiry_leaves_no_gap(self):
        company = testing.enterprise(self.kerqin)
        testing.certificate(company, D(2022, 10, 26))  # through 2025-10-25
        recorded_on(testing.certificate(company, D(2025, 10, 26), kind=CertificationKind.RENEWAL), D(2025, 9, 1))
        self.assertEqual(counting.lapsing_certificates(as_of=AS_OF, until=D(2026, 3, 30)), [])

    def test_renewal_after_a_gap_still_shows_the_lapse(self):
        company = testing.enterprise(self.kerqin)
        old = testing.certificate(company, D(2022, 10, 26))
        recorded_on(testing.certificate(company, D(2025, 10, 28), kind=CertificationKind.RENEWAL), D(2025, 9, 1))
        self.assertEqual(counting.lapsing_certificates(as_of=AS_OF, until=D(2026, 3, 30)), [old])
        # ... while at year end the enterprise holds the new certificate and is not forecast to lapse.
        self.assertEqual(counting.year_end_forecast(year=2025, as_of=AS_OF).city().lapsing, 0)

    def test_certificate_ending_after_the_horizon_is_not_listed(self):
        company = testing.enterprise(self.kerqin)
        testing.certificate(company, D(2023, 5, 1))  # through 2026-04-30
        self.assertEqual(counting.lapsing_certificates(as_of=AS_OF, until=D(2026, 3, 30)), [])
        self.assertEqual(len(counting.lapsing_certificates(as_of=AS_OF, until=D(2026, 4, 30))), 1)

    def test_certificate_ending_on_the_date_itself_is_listed(self):
        company = testing.enterprise(self.kerqin)
        testing.certificate(company, D(2022, 9, 30))  # through 2025-09-29
        testing.certificate(testing.enterprise(self.kerqin), D(2022, 10, 1))  # through 2025-09-30
        lapses = counting.lapsing_certificates(as_of=AS_OF, until=D(2026, 3, 30))
        self.assertEqual([c.valid_until for c in lapses], [D(2025, 9, 30)])


class DateHelperTests(SimpleTestCase):
    def test_add_months_clips_to_the_months_last_day(self):
        self.assertEqual(status.add_months(D(2025, 8, 31), 6), D(2026, 2, 28))
        self.assertEqual(status.add_months(D(2023, 8, 31), 6), D(2024, 2, 29))
        self.assertEqual(status.add_months(D(2025, 12, 15), 6), D(2026, 6, 15))

    def test_horizon_is_six_months_but_at_least_the_year_end(self):
        self.assertEqual(counting.expiry_horizon(D(2025, 3, 1)), D(2025, 12, 31))
        self.assertEqual(counting.expiry_horizon(D(2025, 9, 30)), D(2026, 3, 30))
        self.assertEqual(counting.expiry_horizon(D(2025, 12, 31)), D(2026, 6, 30))


class StageCountTests(TestCase):
    def test_counts_per_unit_and_stage_within_the_scope_given(self):
        kerqin, kailu = testing.county("150502"), testing.county("150523")
        testing.enterprise(kerqin, stage=Stage.KEY)
        testing.enterprise(kerqin, stage=Stage.KEY)
        testing.enterprise(kerqin)
        testing.enterprise(kailu, stage=Stage.APPLIED)
        counts = counting.stage_counts(Scope.city())
        self.assertEqual(counts[kerqin.pk], {"key": 2, "reserve": 1})
        self.assertEqual(counts[kailu.pk], {"applied": 1})
        self.assertNotIn(kailu.pk, counting.stage_counts(Scope.unit(kerqin.pk)))
