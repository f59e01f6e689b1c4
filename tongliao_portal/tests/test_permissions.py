"""The permission matrix: every named URL × every persona, with the expected status.

``test_every_named_url_is_in_the_matrix`` fails when a new URL is added without a row here.
"""

import datetime

from django.test import TestCase
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from screen import links
from targets.models import Plan
from tongliao_portal import testing

ANON, BUREAU, COUNTY_A, COUNTY_B, LEADER = "anonymous", "bureau", "county_a", "county_b", "leader"
PERSONAS = (ANON, BUREAU, COUNTY_A, COUNTY_B, LEADER)
LOGIN = "login-redirect"  # anonymous users are sent to the login page


def statuses(anonymous=LOGIN, bureau=200, county_a=200, county_b=200, leader=200):
    return {ANON: anonymous, BUREAU: bureau, COUNTY_A: county_a, COUNTY_B: county_b, LEADER: leader}


# url name -> (how to build its kwargs from the fixtures, expected GET status per persona).
# Objects belong to county A, so county B must get 404 wherever the object is reachable.
MATRIX = {
    "healthz": (None, statuses(anonymous=200)),
    "home": (None, statuses()),
    "login": (None, statuses(anonymous=200, bureau=302, county_a=302, county_b=302, leader=302)),
    "logout": (None, statuses(bureau=405, county_a=405, county_b=405, leader=405)),
    "password_change": (None, statuses()),
    "password_change_done": (None, statuses()),
    "enterprises:list": (None, statuses()),
    "enterprises:export": (None, statuses()),
    "enterprises:create": (None, statuses(leader=403)),
    "enterprises:detail": ("enterprise", statuses(county_b=404)),
    "enterprises:edit": ("enterprise", statuses(county_b=404, leader=403)),
    "enterprises:certification_create": ("enterprise", statuses(county_a=403, county_b=403, leader=403)),
    "enterprises:registration_create": ("enterprise", statuses(county_a=403, county_b=403, leader=403)),
    "enterprises:certification_revoke": ("certification", statuses(county_a=403, county_b=403, leader=403)),
    "enterprises:registration_revoke": ("registration", statuses(county_a=403, county_b=403, leader=403)),
    "enterprises:enterprise_delete": ("enterprise", statuses(county_a=403, county_b=403, leader=403)),
    "enterprises:event_create": ("enterprise", statuses(county_a=403, county_b=403, leader=403)),
    "enterprises:merge": ("enterprise", statuses(county_a=403, county_b=403, leader=403)),
    "enterprises:certification_edit": ("certification", statuses(county_a=403, county_b=403, leader=403)),
    "enterprises:certification_delete": ("certification", statuses(county_a=403, county_b=403, leader=403)),
    "enterprises:registration_edit": ("registration", statuses(county_a=403, county_b=403, leader=403)),
    "enterprises:registration_delete": ("registration", statuses(county_a=403, county_b=403, leader=403)),
    "targets:index": (None, statuses()),
    "targets:plan_create": (None, statuses(county_a=403, county_b=403, leader=403)),
    "targets:plan_edit": ("plan", statuses(county_a=403, county_b=403, leader=403)),
    "targets:grid": ("plan_year", statuses()),
    "imports:index": (None, statuses()),
    "imports:confirm": (None, statuses(bureau=405, county_a=405, county_b=405, leader=405)),
    "imports:template": ("kind", statuses()),
    "imports:record": ("import_record", statuses(county_b=404)),  # a county A official's import
    "imports:revert": ("import_record", statuses(bureau=405, county_a=405, county_b=405, leader=405)),
    "reports:progress_json": (None, statuses()),
    "reports:progress_xlsx": (None, statuses()),
    "reports:bulletin": (None, statuses()),
    "reports:evaluation": ("plan_span", statuses()),
    "reports:evaluation_json": ("plan_span", statuses()),
    "reports:evaluation_xlsx": ("plan_span", statuses()),
    "reports:evaluation_docx": ("plan_span", statuses()),
    "assessment:page": ("year", statuses()),
    "assessment:json": ("year", statuses(county_a=404, county_b=404, leader=404)),
    "assessment:publish": ("year", statuses(county_a=403, county_b=403, leader=403)),  # GET: the confirmation page
    "assessment:scheme": ("year", statuses(county_a=403, county_b=403, leader=403)),
    "screen:board": (None, statuses()),
    "screen:kiosk": ("kiosk_token", statuses(anonymous=200)),  # no login: the token is the key
    "screen:links": (None, statuses(county_a=403, county_b=403, leader=403)),
    "screen:link_revoke": ("screen_link", statuses(bureau=405, county_a=403, county_b=403, leader=403)),
}

# URL namespaces that are not the portal's own pages.
EXCLUDED_NAMESPACES = {"admin"}


def named_urls(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace or ""
            if ns in EXCLUDED_NAMESPACES:
                continue
            yield from named_urls(pattern, f"{namespace}{ns}:" if ns else namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}"


class PermissionMatrixTests(testing.Personas, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.make_personas()
        cls.enterprise = testing.enterprise(cls.county_a, name="甲县企业有限公司")
        cls.certification = testing.certificate(cls.enterprise, datetime.date(2024, 11, 1))
        cls.registration = testing.registration(cls.enterprise, 2024, datetime.date(2024, 7, 1))
        cls.plan = Plan.objects.get(first_year=2023)
        kiosk = links.create("大厅")
        cls.screen_link, cls.kiosk_token = kiosk.link, kiosk.token
        cls.import_record = cls.county_a_user.importrecord_set.create(
            kind="enterprises", file_name="名录.xlsx", sha256="0" * 64, county=cls.county_a
        )

    def login_as(self, persona):
        if persona != ANON:
            self.client.force_login(
                getattr(self, {COUNTY_A: "county_a_user", COUNTY_B: "county_b_user"}.get(persona, persona))
            )

    def url_for(self, name, fixture):
        if fixture is None:
            return reverse(name)
        if fixture == "kind":
            return reverse(name, kwargs={"kind": "hte"})
        if fixture == "year":
            return reverse(name, kwargs={"year": 2025})
        if fixture == "plan_year":
            return reverse(name, kwargs={"pk": self.plan.pk, "year": 2025})
        if fixture == "kiosk_token":
            return reverse(name, kwargs={"token": self.kiosk_token})
        if fixture == "plan_span":
            return reverse(name, kwargs={"first": self.plan.first_year, "last": self.plan.last_year})
        return reverse(name, kwargs={"pk": getattr(self, fixture).pk})

    def test_every_named_url_is_in_the_matrix(self):
        missing = sorted(set(named_urls()) - set(MATRIX))
        self.assertEqual(missing, [], "add these URLs to MATRIX with their expected statuses")

    def test_get_every_url_as_every_persona(self):
        for name, (fixture, expected) in MATRIX.items():
            url = self.url_for(name, fixture)
            for persona in PERSONAS:
                with self.subTest(url=name, persona=persona):
                    self.client.logout()
                    self.login_as(persona)
                    response = self.client.get(url)
                    if expected[persona] == LOGIN:
                        self.assertEqual(response.status_code, 302)
                        self.assertTrue(response["Location"].startswith(reverse("login")))
                    else:
                        self.assertEqual(response.status_code, expected[persona])

    def test_leader_post_anywhere_is_forbidden(self):
        self.client.force_login(self.leader)
        for name, (fixture, _) in MATRIX.items():
            if name in ("logout", "login", "password_change"):
                continue
            with self.subTest(url=name):
                response = self.client.post(self.url_for(name, fixture), {"name": "x"})
                self.assertEqual(response.status_code, 403)

    def test_other_county_cannot_post_to_the_object(self):
        self.client.force_login(self.county_b_user)
        response = self.client.post(
            reverse("enterprises:edit", kwargs={"pk": self.enterprise.pk}), {"stage": "key", "notes": "改写"}
        )
        self.assertEqual(response.status_code, 404)
        self.enterprise.refresh_from_db()
        self.assertEqual(self.enterprise.notes, "")

    def test_kiosk_answers_a_valid_token_without_login_and_nothing_else(self):
        self.client.logout()
        self.assertEqual(self.client.get(reverse("screen:kiosk", kwargs={"token": self.kiosk_token})).status_code, 200)
        wrong = ("B" if self.kiosk_token[0] == "A" else "A") + self.kiosk_token[1:]
        for token in (wrong, self.kiosk_token[:-1], "0" * 43):
            with self.subTest(token=token):
                self.assertEqual(self.client.get(reverse("screen:kiosk", kwargs={"token": token})).status_code, 404)
        self.assertEqual(self.client.post(reverse("screen:kiosk", kwargs={"token": self.kiosk_token})).status_code, 405)
        links.revoke(self.screen_link)
        self.assertEqual(self.client.get(reverse("screen:kiosk", kwargs={"token": self.kiosk_token})).status_code, 404)
