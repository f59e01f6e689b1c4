"""Every write leaves a trace (issue 13, 等保 2.0 安全审计).

Each named URL that accepts POST has a row in ``CASES``: how to post a valid form to it and
which log must gain an entry — the audit log (django-auditlog's ``LogEntry``: data changes) or
the security log (``accounts.models.SecurityEvent``: logins, logouts, passwords, imports).

``test_every_post_url_has_a_case`` finds the URLs that accept POST by posting to every named
URL as bureau staff (anything but 405 accepts it) and fails when one has no row here — so a new
view that writes cannot skip the audit — or when a row names a URL that no longer accepts POST.
"""

import datetime
import io
from collections.abc import Callable
from dataclasses import dataclass

import openpyxl
from auditlog.models import LogEntry
from django.db import transaction
from django.test import Client, TestCase
from django.urls import NoReverseMatch, reverse

from accounts.models import SecurityEvent
from imports import staging
from imports.importer import ImportOptions, import_commit
from reports.models import SchemeItem
from screen import links
from targets.models import Plan
from tongliao_portal import testing
from tongliao_portal.tests import test_permissions as permissions

AUDIT = "audit"  # auditlog.models.LogEntry gains an entry, made by the persona
SECURITY = "security"  # accounts.models.SecurityEvent gains an entry
NOTHING = "nothing"  # accepts POST but writes nothing (say why): neither log may change

ANON, BUREAU = "anonymous", "bureau"
NEW_PASSWORD = "Audit-new-pass-2026"

Post = Callable[["AuditEveryWriteTests", str], object]


@dataclass(frozen=True)
class Case:
    logs: tuple[str, ...]  # the logs that must gain an entry, or (NOTHING,)
    post: Post  # posts a valid form to the URL with the test's client
    persona: str = BUREAU  # who posts (ANON: nobody logged in)
    why: str = ""  # for NOTHING: why a POST here writes nothing
    fixture: str | None = None  # the URL's object, while the permission matrix has no row for it


def form(**data) -> Post:
    """Post exactly ``data``; a callable value is called with the test (for fixtures' keys)."""
    return lambda test, url: test.client.post(
        url, {key: value(test) if callable(value) else value for key, value in data.items()}
    )


def edited(**changes) -> Post:
    """Post what the page's form shows now, with ``changes``."""
    return lambda test, url: test.client.post(url, test.current_values(url, **changes))


def login(test, url):
    return test.client.post(url, {"username": "county_a", "password": testing.TEST_PASSWORD})


def hte_list() -> io.BytesIO:
    book = openpyxl.Workbook()
    book.active.append(["序号", "企业名称", "统一社会信用代码", "证书编号", "发证日期", "所属旗县市区"])
    book.active.append([1, "审计导入新企业有限公司", testing.credit_code("150523"), "GR202315000777", "", "开鲁县"])
    handle = io.BytesIO()
    book.save(handle)
    handle.seek(0)
    handle.name = "名单.xlsx"
    return handle


def uploaded(test):
    """Upload an HTE list (the import's preview); returns the response and its staging token."""
    response = test.client.post(
        reverse("imports:index"), {"kind": "hte", "file": hte_list(), "announced_on": "2023-11-20"}
    )
    token = response.context["token"]
    test.addCleanup(staging.staged_discard, token)
    return response, token


def imported_certificate(user):
    """A committed import (a new certificate for a registered enterprise), for imports:revert."""
    book = openpyxl.Workbook()
    book.active.append(["序号", "企业名称", "统一社会信用代码", "证书编号", "发证日期", "所属旗县市区"])
    registered = testing.enterprise(testing.county("150502"), name="审计撤销导入有限公司")
    book.active.append([1, registered.name, registered.credit_code, "GR202315000778", "2023-11-20", ""])
    handle = io.BytesIO()
    book.save(handle)
    options = ImportOptions(kind="hte")
    return import_commit(user=user, content=handle.getvalue(), file_name="撤销.xlsx", options=options).record


def import_confirmed(test, url):
    _, token = uploaded(test)
    return test.client.post(url, {"token": token})


# ── The table: one row per named URL that accepts POST. Extend it with every new form. ──
CASES: dict[str, Case] = {
    # accounts: the security log
    "login": Case((SECURITY,), login, persona=ANON),
    "logout": Case((SECURITY,), form()),
    "password_change": Case(
        (SECURITY,), form(old_password=testing.TEST_PASSWORD, new_password1=NEW_PASSWORD, new_password2=NEW_PASSWORD)
    ),
    # enterprises: the audit log
    "enterprises:create": Case(
        (AUDIT,),
        form(
            credit_code=testing.credit_code(),
            name="审计新登记有限公司",
            county=lambda t: t.county_a.pk,
            stage="reserve",
        ),
    ),
    "enterprises:edit": Case((AUDIT,), edited(notes="审计测试：修改备注")),
    "enterprises:certification_create": Case(
        (AUDIT,), form(number="GR202415000777", issued_on="2024-11-20", kind="first")
    ),
    "enterprises:registration_create": Case(
        (AUDIT,), form(year=2024, number="202415050200000777", registered_on="2024-08-01")
    ),
    "enterprises:certification_revoke": Case(
        (AUDIT,), form(revoked_on="2025-06-18", reason="弄虚作假", document="内科高企〔2025〕3号")
    ),
    "enterprises:registration_revoke": Case((AUDIT,), form(revoked_on="2024-11-05", reason="不符合条件")),
    "enterprises:certification_edit": Case((AUDIT,), edited(number="GR202415000888", reason="按证书原件更正")),
    "enterprises:registration_edit": Case((AUDIT,), edited(number="202415050200000888", reason="按公告更正")),
    "enterprises:certification_delete": Case((AUDIT,), form(reason="重复录入")),
    "enterprises:registration_delete": Case((AUDIT,), form(reason="重复录入")),
    "enterprises:enterprise_delete": Case((AUDIT,), form(reason="误录，该企业未入库")),
    "enterprises:event_create": Case(
        (AUDIT,),
        form(kind="rename", occurred_on="2025-03-01", new_name="审计更名后有限公司", reason="工商变更登记"),
        fixture="enterprise",
    ),
    "enterprises:merge": Case(
        (AUDIT,),
        form(other=lambda t: t.duplicate.credit_code, reason="重复录入的同一企业", confirm="on"),
        fixture="enterprise",
    ),
    # imports: the security log (the import) and the audit log (what it changed)
    "imports:confirm": Case((SECURITY, AUDIT), import_confirmed),
    "imports:revert": Case((AUDIT,), form(reason="误导入", confirm="on")),  # the fixture's import, undone
    # the big screen's kiosk links (issue 14): the audit log (the token's hash stays out of it)
    "screen:links": Case((AUDIT,), form(name="审计二楼大厅")),
    "screen:link_revoke": Case((AUDIT,), form()),
    # targets and the assessment: the audit log
    "targets:plan_create": Case(
        (AUDIT,), form(name="通辽市科技企业培育行动方案（2026—2030年）", first_year=2026, last_year=2030)
    ),
    "targets:plan_edit": Case((AUDIT,), edited(name="三年行动方案（审计测试）")),
    "targets:grid": Case((AUDIT,), edited(t_high_tech=101)),
    "assessment:publish": Case((AUDIT,), form(note="审计测试发布")),
    "assessment:scheme": Case(
        (AUDIT,),
        form(as_of="2025-11-30", note="审计测试", max_high_tech="20", cap_high_tech="1.2", max_tech_sme="10"),
    ),
    # Accepting POST without writing.
    "imports:index": Case(
        (NOTHING,),
        lambda test, url: uploaded(test)[0],
        why="an upload is only previewed (the file is staged); the import is logged at imports:confirm",
    ),
}
# ─────────────────────────────────────────────────────────────────────────────────────────


class AuditEveryWriteTests(testing.Personas, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.make_personas()
        cls.enterprise = testing.enterprise(cls.county_a, name="审计甲县企业有限公司")
        certified = testing.enterprise(cls.county_a, name="审计有证企业有限公司")
        cls.certification = testing.certificate(certified, datetime.date(2024, 11, 1))
        registered = testing.enterprise(cls.county_a, name="审计入库企业有限公司")
        cls.registration = testing.registration(registered, 2024, datetime.date(2024, 7, 1))
        cls.duplicate = testing.enterprise(cls.county_a, name="审计重复录入有限公司")
        cls.plan = Plan.objects.get(first_year=2023)
        cls.import_record = imported_certificate(cls.bureau)
        kiosk = links.create("审计大厅")
        cls.screen_link, cls.kiosk_token = kiosk.link, kiosk.token

    def url_for(self, name):
        case = CASES.get(name)
        fixture = permissions.MATRIX[name][0] if name in permissions.MATRIX else getattr(case, "fixture", None)
        kwargs = {
            None: {},
            "kind": {"kind": "hte"},
            "year": {"year": 2025},
            "plan_year": {"pk": self.plan.pk, "year": 2025},
            "plan_span": {"first": 2023, "last": 2025},
            "kiosk_token": {"token": self.kiosk_token},
        }.get(fixture)
        return reverse(name, kwargs=kwargs if kwargs is not None else {"pk": getattr(self, fixture).pk})

    def current_values(self, url, **changes):
        form = self.client.get(url).context["form"]
        data = {name: ("" if form[name].value() is None else form[name].value()) for name in form.fields}
        return {**data, **changes}

    def client_for(self, persona):
        client = Client(raise_request_exception=False)
        if persona != ANON:
            client.force_login(getattr(self, persona))
        return client

    def test_every_post_url_has_a_case(self):
        accepting, unreachable = set(), []
        for name in permissions.named_urls():
            try:
                url = self.url_for(name)
            except NoReverseMatch:
                unreachable.append(name)
                continue
            with transaction.atomic():
                response = self.client_for(BUREAU).post(url, {})
                transaction.set_rollback(True)
            if response.status_code != 405:
                accepting.add(name)
        self.assertEqual(unreachable, [], "add these to the permission matrix (or give their CASES row a fixture)")
        missing = sorted(accepting - set(CASES))
        self.assertEqual(missing, [], "these URLs accept POST: add a row to CASES saying which log records them")
        stale = sorted(set(CASES) - accepting)
        self.assertEqual(stale, [], "these rows name URLs that do not accept POST (any more): remove them")

    def test_every_post_is_recorded(self):
        for name, case in CASES.items():
            with self.subTest(url=name), transaction.atomic():
                self.run_case(name, case)
                transaction.set_rollback(True)

    def run_case(self, name, case):
        self.client = self.client_for(case.persona)
        audit_before = set(LogEntry.objects.values_list("pk", flat=True))
        security_before = SecurityEvent.objects.count()
        response = case.post(self, self.url_for(name))
        new_audit = LogEntry.objects.exclude(pk__in=audit_before)
        if NOTHING in case.logs:
            self.assertTrue(case.why, "say why a POST here writes nothing")
            self.assertEqual(response.status_code, 200)
            self.assertEqual((new_audit.count(), SecurityEvent.objects.count()), (0, security_before))
            return
        form = (getattr(response, "context", None) or {}).get("form")
        self.assertEqual(response.status_code, 302, getattr(form, "errors", ""))
        if AUDIT in case.logs:
            self.assertTrue(new_audit.exists(), "no audit-log entry")
            self.assertEqual({entry.actor_id for entry in new_audit}, {getattr(self, case.persona).pk})
        if SECURITY in case.logs:
            self.assertGreater(SecurityEvent.objects.count(), security_before, "no security-log entry")

    def test_a_scheme_edit_records_the_new_points(self):
        self.client.force_login(self.bureau)
        url = reverse("assessment:scheme", kwargs={"year": 2025})
        self.client.post(url, {"max_high_tech": "20", "cap_high_tech": "1.0"})
        self.client.post(url, {"max_high_tech": "25", "cap_high_tech": "1.0"})
        new_points = [
            entry.changes_dict.get("max_points", [None, None])[1]
            for entry in LogEntry.objects.get_for_model(SchemeItem)
        ]
        self.assertTrue({"25", "25.00"} & set(new_points), new_points)
