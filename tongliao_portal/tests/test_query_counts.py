"""The exact number of SQL queries of a GET of every named URL, per persona.

Purpose: a refactor cannot add a query unseen. Each count below is pinned exactly
(``assertNumQueries``), and the same table is checked again with many more rows, so a count
must also stay constant in the number of enterprises, certificates, registrations and imports
(an N+1 query fails the second class even where it happens to add nothing to the first).

Each request is measured cold: the figures cache is cleared before it (the suite's conftest
clears it per test, but the cases here are subtests of one test) and so is the process-wide
content-type cache, so no count depends on what ran before. A count includes what every
logged-in request costs: the session and the user are read (2 queries) and, because
``SESSION_SAVE_EVERY_REQUEST`` is on, the session is written back (UPDATE between a SAVEPOINT
and its RELEASE: 3 queries, the savepoints being those of the TestCase's transaction). Most
pages add one query for the user's role (its groups); the layout of a county official's page
adds one for the county shown beside the name.

The counts are the same on SQLite and PostgreSQL. When a change moves a count, check that the
new number is meant (the failure lists every query) and pin it here.
"""

import datetime

from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.test import TestCase
from django.urls import reverse
from django.utils.http import urlencode

from screen import links
from targets.models import Plan
from tongliao_portal import testing
from tongliao_portal.tests.test_permissions import MATRIX

BUREAU, COUNTY_A, LEADER = "bureau", "county_a", "leader"
PERSONAS = (BUREAU, COUNTY_A, LEADER)
YEAR = 2025  # a year of the 2023–2025 plan (loaded by a migration), with targets and quotas

# Query strings a URL is normally opened with; any other URL is requested without one.
QUERY_STRINGS = {
    "home": {"year": YEAR},
    "reports:progress_json": {"year": YEAR},
    "reports:progress_xlsx": {"year": YEAR},
    "reports:bulletin": {"year": YEAR},
}

# url name -> {persona: queries of one GET}. A persona is listed exactly where MATRIX (in
# test_permissions) expects a 200; the URL kwargs come from MATRIX's fixture column.
EXPECTED_QUERIES = {
    "healthz": {BUREAU: 6, COUNTY_A: 6, LEADER: 6},
    "home": {BUREAU: 29, COUNTY_A: 32, LEADER: 29},  # +1: the plan's 序时进度 settings (issue 14)
    "password_change": {BUREAU: 6, COUNTY_A: 7, LEADER: 6},
    "password_change_done": {BUREAU: 6, COUNTY_A: 7, LEADER: 6},
    "enterprises:list": {BUREAU: 9, COUNTY_A: 9, LEADER: 9},
    "enterprises:export": {BUREAU: 8, COUNTY_A: 9, LEADER: 8},
    "enterprises:create": {BUREAU: 7, COUNTY_A: 8},
    "enterprises:detail": {BUREAU: 13, COUNTY_A: 12, LEADER: 11},  # +2: events and former names (issue 12)
    "enterprises:edit": {BUREAU: 8, COUNTY_A: 8},
    "enterprises:certification_create": {BUREAU: 8},
    "enterprises:registration_create": {BUREAU: 7},
    "enterprises:certification_revoke": {BUREAU: 7},
    "enterprises:registration_revoke": {BUREAU: 7},
    "enterprises:enterprise_delete": {BUREAU: 8},
    "enterprises:event_create": {BUREAU: 8},
    "enterprises:merge": {BUREAU: 7},
    "enterprises:certification_edit": {BUREAU: 8},
    "enterprises:certification_delete": {BUREAU: 7},
    "enterprises:registration_edit": {BUREAU: 7},
    "enterprises:registration_delete": {BUREAU: 7},
    "targets:index": {BUREAU: 7, COUNTY_A: 8, LEADER: 7},
    "targets:plan_create": {BUREAU: 6},
    "targets:plan_edit": {BUREAU: 7},
    "targets:grid": {BUREAU: 10, COUNTY_A: 11, LEADER: 10},
    "imports:index": {BUREAU: 11, COUNTY_A: 9, LEADER: 8},
    "imports:template": {BUREAU: 5, COUNTY_A: 5, LEADER: 5},
    "imports:record": {BUREAU: 9, COUNTY_A: 10, LEADER: 9},  # the record, one page of its rows (issue 12)
    "reports:progress_json": {BUREAU: 15, COUNTY_A: 15, LEADER: 15},  # +1: the plan's 序时进度 settings
    "reports:progress_xlsx": {BUREAU: 34, COUNTY_A: 37, LEADER: 34},  # +6: the plan, and sheet 通报 (issue 14)
    "reports:bulletin": {BUREAU: 15, COUNTY_A: 16, LEADER: 15},
    "reports:evaluation": {BUREAU: 16, COUNTY_A: 17, LEADER: 16},
    "reports:evaluation_json": {BUREAU: 16, COUNTY_A: 16, LEADER: 16},
    "reports:evaluation_xlsx": {BUREAU: 17, COUNTY_A: 17, LEADER: 17},
    "reports:evaluation_docx": {BUREAU: 17, COUNTY_A: 17, LEADER: 17},
    "assessment:page": {BUREAU: 15, COUNTY_A: 9, LEADER: 8},
    "assessment:json": {BUREAU: 15},
    "assessment:publish": {BUREAU: 14},
    "assessment:scheme": {BUREAU: 7},
    "screen:board": {BUREAU: 24, COUNTY_A: 26, LEADER: 24},
    "screen:kiosk": {BUREAU: 26, COUNTY_A: 26, LEADER: 26},  # the city for everyone
    "screen:links": {BUREAU: 7},
}


class QueryCountTests(testing.Personas, TestCase):
    """Enterprises in two counties, with certificates (valid, lapsing, renewed, revoked),
    registrations of two years and import records; the URL objects belong to county A."""

    @classmethod
    def setUpTestData(cls):
        cls.make_personas()
        cls.plan = Plan.objects.get(first_year=2023)
        kiosk = links.create("大厅")
        cls.screen_link, cls.kiosk_token = kiosk.link, kiosk.token
        cls.enterprise = testing.enterprise(cls.county_a, name="甲县企业有限公司", stage="key")
        cls.certification = testing.certificate(cls.enterprise, datetime.date(2024, 11, 1))
        cls.registration = testing.registration(cls.enterprise, YEAR, datetime.date(2025, 7, 1))
        testing.registration(cls.enterprise, 2024, datetime.date(2024, 7, 1))
        for county in (cls.county_a, cls.county_b):
            lapsing = testing.enterprise(county, stage="certified")
            testing.certificate(lapsing, datetime.date(2023, 3, 1))  # runs out in 2026-02
            renewed = testing.enterprise(county, stage="certified")
            testing.certificate(renewed, datetime.date(2022, 6, 1))
            testing.certificate(renewed, datetime.date(2025, 5, 20), kind="renewal")
            testing.registration(renewed, YEAR, datetime.date(2025, 5, 1))
            revoked = testing.enterprise(county, stage="applied")
            testing.certificate(
                revoked, datetime.date(2024, 3, 1), revoked_on=datetime.date(2025, 3, 1), revoke_reason="抽查不合格"
            )
            testing.registration(revoked, YEAR, datetime.date(2025, 4, 1))
            testing.enterprise(county)  # in the pool, nothing recorded yet
        for official, county in ((cls.bureau, None), (cls.county_a_user, cls.county_a)):
            cls.import_record = official.importrecord_set.create(
                kind="enterprises", file_name="名录.xlsx", sha256="0" * 64, county=county, rows_total=3, created=3
            )  # the last, county A's, is the record page's
        cls.import_record.changes.create(sheet="名单", row=2, label="甲县企业有限公司", outcome="unchanged")

    def url_for(self, name: str) -> str:
        fixture = MATRIX[name][0]
        if fixture is None:
            url = reverse(name)
        elif fixture == "kind":
            url = reverse(name, kwargs={"kind": "hte"})
        elif fixture == "year":
            url = reverse(name, kwargs={"year": YEAR})
        elif fixture == "plan_year":
            url = reverse(name, kwargs={"pk": self.plan.pk, "year": YEAR})
        elif fixture == "plan_span":
            url = reverse(name, kwargs={"first": self.plan.first_year, "last": self.plan.last_year})
        elif fixture == "kiosk_token":
            url = reverse(name, kwargs={"token": self.kiosk_token})
        else:
            url = reverse(name, kwargs={"pk": getattr(self, fixture).pk})
        query = QUERY_STRINGS.get(name)
        return f"{url}?{urlencode(query)}" if query else url

    def user_for(self, persona: str):
        return {BUREAU: self.bureau, COUNTY_A: self.county_a_user, LEADER: self.leader}[persona]

    def test_every_page_that_answers_200_is_pinned(self):
        answering = {
            (name, persona)
            for name, (_, statuses) in MATRIX.items()
            for persona in PERSONAS
            if statuses[persona] == 200
        }
        pinned = {(name, persona) for name, counts in EXPECTED_QUERIES.items() for persona in counts}
        self.assertEqual(sorted(answering - pinned), [], "pin these in EXPECTED_QUERIES")
        self.assertEqual(sorted(pinned - answering), [], "these do not answer 200 in MATRIX")

    def test_query_count_of_every_page(self):
        for name, counts in EXPECTED_QUERIES.items():
            url = self.url_for(name)
            for persona, expected in counts.items():
                with self.subTest(url=name, persona=persona):
                    self.client.logout()
                    self.client.force_login(self.user_for(persona))
                    cache.clear()
                    ContentType.objects.clear_cache()
                    with self.assertNumQueries(expected):
                        response = self.client.get(url)
                        if response.streaming:  # the workbook: a query made while streaming counts too
                            b"".join(response.streaming_content)
                    self.assertEqual(response.status_code, 200)

    def test_query_count_of_the_kiosk_view_without_login(self):
        """The hall's display: the link is looked up and its visit noted, then the city's board."""
        self.client.logout()
        cache.clear()
        with self.assertNumQueries(20):
            response = self.client.get(self.url_for("screen:kiosk"))
        self.assertEqual(response.status_code, 200)


class QueryCountWithMoreRowsTests(QueryCountTests):
    """The same table with 30 more enterprises per county (more than a page of the list), each
    with certificates and a registration, more certificates, registrations and audit history on
    the URL's own enterprise, more import records and a second plan: every count stays the same."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        for county in (cls.county_a, cls.county_b):
            for n, enterprise in enumerate(testing.bulk_enterprises(county, 30)):
                testing.certificate(enterprise, datetime.date(2023, 1 + n % 12, 1))
                if n % 2:
                    testing.certificate(enterprise, datetime.date(2025, 10, 1), kind="renewal")
                testing.registration(enterprise, YEAR, datetime.date(2025, 3, 1 + n % 28))
        testing.certificate(cls.enterprise, datetime.date(2021, 11, 1))
        testing.certificate(cls.enterprise, datetime.date(2018, 11, 1))
        for year in (2021, 2022, 2023):
            testing.registration(cls.enterprise, year, datetime.date(year, 6, 1))
        cls.enterprise.notes = "重点跟踪"
        cls.enterprise.save()
        for n in range(12):
            official, county = (cls.bureau, cls.county_b) if n % 2 else (cls.county_a_user, cls.county_a)
            official.importrecord_set.create(
                kind="hte", file_name=f"认定名单{n}.xlsx", sha256=f"{n:064d}", county=county, rows_total=n
            )
        for n in range(30):  # the record page's rows: one page of them, whatever their number
            cls.import_record.changes.create(
                sheet="名单", row=3 + n, label=f"批量企业{n}", outcome="update", action="update", summary="联系电话：…"
            )
        Plan.objects.create(name="2026—2030年行动方案", first_year=2026, last_year=2030)
        for n in range(5):
            new = links.create(f"显示屏{n}", user=cls.bureau)
            if n % 2:
                links.revoke(new.link)
