"""The counting module at the edges of docs/domain.md §6."""

import datetime

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from enterprises.models import CertificationKind
from reports import counting
from tongliao_portal import testing

D = datetime.date


class HighTechCountingTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.kerqin = testing.county("150502")
        cls.kailu = testing.county("150523")

    def count(self, as_of, county=None):
        figures = counting.count_figures(year=as_of.year, as_of=as_of)
        if county is None:
            return figures.city("high_tech")
        return figures.county(county.pk, "high_tech")

    def test_certificate_issued_on_new_years_eve_counts_that_night(self):
        company = testing.enterprise(self.kerqin)
        testing.certificate(company, D(2023, 12, 31))
        self.assertEqual(self.count(D(2023, 12, 30)), 0)
        self.assertEqual(self.count(D(2023, 12, 31)), 1)

    def test_certificate_counts_through_its_last_day_and_not_after(self):
        company = testing.enterprise(self.kerqin)
        testing.certificate(company, D(2022, 12, 14))  # valid through 2025-12-13
        self.assertEqual(self.count(D(2025, 12, 13)), 1)
        self.assertEqual(self.count(D(2025, 12, 14)), 0)

    def test_certificate_from_three_years_back_lapses_during_the_year(self):
        company = testing.enterprise(self.kerqin)
        testing.certificate(company, D(2022, 1, 1))  # valid through 2024-12-31
        self.assertEqual(self.count(D(2024, 12, 31)), 1)
        self.assertEqual(self.count(D(2025, 12, 31)), 0)

    def test_leap_day_certificate_ends_on_28_february(self):
        company = testing.enterprise(self.kerqin)
        testing.certificate(company, D(2024, 2, 29))
        self.assertEqual(self.count(D(2027, 2, 28)), 1)
        self.assertEqual(self.count(D(2027, 3, 1)), 0)

    def test_overlapping_recertification_counts_once(self):
        company = testing.enterprise(self.kerqin)
        testing.certificate(company, D(2022, 12, 14))
        testing.certificate(company, D(2025, 10, 26), kind=CertificationKind.RENEWAL)
        self.assertEqual(self.count(D(2025, 11, 1)), 1)
        self.assertEqual(self.count(D(2025, 11, 1), self.kerqin), 1)

    def test_revocation_counts_from_its_own_day(self):
        company = testing.enterprise(self.kerqin)
        testing.certificate(company, D(2023, 11, 1), revoked_on=D(2024, 6, 18), revoke_reason="弄虚作假")
        self.assertEqual(self.count(D(2024, 6, 17)), 1)
        self.assertEqual(self.count(D(2024, 6, 18)), 0)

    def test_figures_are_grouped_by_the_enterprises_own_county_and_summed_for_the_city(self):
        for county, n in ((self.kerqin, 3), (self.kailu, 2)):
            for _ in range(n):
                testing.certificate(testing.enterprise(county), D(2024, 11, 1))
        figures = counting.count_figures(year=2024, as_of=D(2024, 12, 31))
        self.assertEqual(figures.county(self.kerqin.pk, "high_tech"), 3)
        self.assertEqual(figures.county(self.kailu.pk, "high_tech"), 2)
        self.assertEqual(figures.city("high_tech"), 5)

    def test_first_time_certifications_of_the_year(self):
        first = testing.enterprise(self.kerqin)
        testing.certificate(first, D(2024, 11, 1))
        renewed = testing.enterprise(self.kerqin)
        testing.certificate(renewed, D(2021, 11, 1))
        testing.certificate(renewed, D(2024, 10, 1), kind=CertificationKind.RENEWAL)
        later = testing.enterprise(self.kailu)
        testing.certificate(later, D(2024, 12, 14))
        figures = counting.count_figures(year=2024, as_of=D(2024, 12, 1))
        self.assertEqual(figures.city("high_tech_new"), 1)
        self.assertEqual(counting.count_figures(year=2024, as_of=D(2024, 12, 31)).city("high_tech_new"), 2)


class SMECountingTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.kerqin = testing.county("150502")

    def count(self, year, as_of):
        return counting.count_figures(year=year, as_of=as_of).city("tech_sme")

    def test_registration_later_in_the_year_than_the_date_does_not_count(self):
        testing.registration(testing.enterprise(self.kerqin), 2024, D(2024, 9, 10))
        self.assertEqual(self.count(2024, D(2024, 9, 9)), 0)
        self.assertEqual(self.count(2024, D(2024, 9, 10)), 1)

    def test_registration_counts_for_its_evaluation_year_only(self):
        company = testing.enterprise(self.kerqin)
        testing.registration(company, 2023, D(2023, 8, 1))
        self.assertEqual(self.count(2023, D(2023, 12, 31)), 1)
        self.assertEqual(self.count(2024, D(2024, 12, 31)), 0)

    def test_revoked_registration_stops_counting_on_its_date(self):
        testing.registration(
            testing.enterprise(self.kerqin), 2024, D(2024, 7, 1), revoked_on=D(2024, 11, 5), revoke_reason="不符合条件"
        )
        self.assertEqual(self.count(2024, D(2024, 11, 4)), 1)
        self.assertEqual(self.count(2024, D(2024, 11, 5)), 0)


class CountingQueryCountTests(TestCase):
    def test_query_count_does_not_grow_with_enterprises(self):
        kerqin = testing.county("150502")

        def queries():
            with CaptureQueriesContext(connection) as captured:
                counting._count_figures_many({2024: D(2024, 12, 31)})
            return len(captured)

        small = queries()
        for company in testing.bulk_enterprises(kerqin, 40):
            testing.certificate(company, D(2024, 3, 1))
            testing.registration(company, 2024, D(2024, 7, 1))
        self.assertEqual(queries(), small)
        self.assertEqual(small, 3)


def test_default_date_is_year_end_for_past_years_and_today_for_the_running_year():
    today = D(2026, 11, 28)
    assert counting.default_as_of(2025, today) == D(2025, 12, 31)
    assert counting.default_as_of(2026, today) == today


class SeriesTests(TestCase):
    def test_many_years_in_three_queries_agree_with_one_year_at_a_time(self):
        kerqin, kailu = testing.county("150502"), testing.county("150523")
        for county, issued in ((kerqin, D(2021, 11, 1)), (kerqin, D(2023, 12, 14)), (kailu, D(2024, 2, 29))):
            company = testing.enterprise(county)
            testing.certificate(company, issued)
            testing.registration(company, issued.year, issued)
        revoked = testing.enterprise(kailu)
        testing.certificate(revoked, D(2022, 10, 26), revoked_on=D(2023, 6, 1), revoke_reason="不再符合条件")
        dates = {year: D(year, 12, 31) for year in range(2020, 2026)}
        with CaptureQueriesContext(connection) as captured:
            together = counting._count_figures_many(dates)
        self.assertEqual(len(captured), 3)
        for year, as_of in dates.items():
            alone = counting.count_figures(year=year, as_of=as_of)
            self.assertEqual(together[year].by_county, alone.by_county, year)
        self.assertEqual([together[y].city("high_tech") for y in dates], [0, 1, 2, 2, 2, 2])


class CacheTests(TestCase):
    def test_a_write_makes_the_next_count_fresh_and_a_rollback_leaves_no_trace(self):
        from django.db import transaction

        kerqin = testing.county("150502")
        self.assertEqual(counting.count_figures(year=2024, as_of=D(2024, 12, 31)).city("high_tech"), 0)
        with CaptureQueriesContext(connection) as captured:
            counting.count_figures(year=2024, as_of=D(2024, 12, 31))
        self.assertEqual(len(captured), 1)  # the data version only
        company = testing.enterprise(kerqin)
        testing.certificate(company, D(2024, 3, 1))
        self.assertEqual(counting.count_figures(year=2024, as_of=D(2024, 12, 31)).city("high_tech"), 1)
        try:
            with transaction.atomic():
                testing.certificate(testing.enterprise(kerqin), D(2024, 3, 1))
                self.assertEqual(counting.count_figures(year=2024, as_of=D(2024, 12, 31)).city("high_tech"), 2)
                raise RuntimeError
        except RuntimeError:
            pass
        self.assertEqual(counting.count_figures(year=2024, as_of=D(2024, 12, 31)).city("high_tech"), 1)

    def test_bulk_writes_change_the_data_version(self):
        from reports import caching

        before = caching.data_version()
        testing.bulk_enterprises(testing.county("150523"), 2)
        self.assertNotEqual(caching.data_version(), before)
