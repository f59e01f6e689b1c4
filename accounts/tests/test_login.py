import os
from io import StringIO
from unittest import mock

from django.conf import settings
from django.core.management import CommandError, call_command
from django.test import TestCase, override_settings
from django.urls import reverse

from accounts.models import Role, SecurityEvent, User
from tongliao_portal import testing


@override_settings(AXES_ENABLED=True)
class LoginTests(testing.Personas, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.make_personas()

    def login(self, username, password, addr="10.0.0.1"):
        return self.client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=addr)

    def test_login_page_is_chinese(self):
        response = self.client.get(reverse("login"))
        self.assertContains(response, "用户登录")
        self.assertContains(response, 'lang="zh-hans"')

    def test_successful_login_lands_on_home(self):
        response = self.login("bureau", testing.TEST_PASSWORD)
        self.assertRedirects(response, reverse("home"), fetch_redirect_response=False)

    def test_wrong_password_message_is_chinese(self):
        response = self.login("bureau", "wrong-password-123")
        self.assertContains(response, "请输入一个正确的")

    def test_five_failures_lock_the_username_from_that_address_only(self):
        for _ in range(settings.AXES_FAILURE_LIMIT):
            self.login("county_a", "wrong-password-123")
        locked = self.login("county_a", testing.TEST_PASSWORD)
        self.assertContains(locked, "账号已暂时锁定", status_code=locked.status_code)
        self.assertNotEqual(locked.status_code, 302)
        # A colleague in the same office (same address) can still log in.
        colleague = self.login("county_b", testing.TEST_PASSWORD)
        self.assertEqual(colleague.status_code, 302)
        # The same user from another address is not locked.
        elsewhere = self.login("county_a", testing.TEST_PASSWORD, addr="10.0.0.2")
        self.assertEqual(elsewhere.status_code, 302)

    def test_logout_is_a_post(self):
        self.client.force_login(self.bureau)
        response = self.client.post(reverse("logout"))
        self.assertRedirects(response, reverse("login"), fetch_redirect_response=False)
        self.assertEqual(self.client.get(reverse("home")).status_code, 302)

    def test_security_log_records_login_failure_and_lockout(self):
        with self.assertLogs("portal.security", level="INFO") as logs:
            self.login("bureau", "wrong-password-123", addr="10.9.9.9")
            self.login("bureau", testing.TEST_PASSWORD, addr="10.9.9.9")
        self.assertTrue(any("login_failed outcome=failure user=bureau" in line for line in logs.output))
        events = list(
            SecurityEvent.objects.order_by("at").values_list("kind", "outcome", "username", "role", "address")
        )
        self.assertEqual(
            events,
            [
                ("login_failed", "failure", "bureau", "", "10.9.9.9"),
                ("login", "success", "bureau", "bureau", "10.9.9.9"),
            ],
        )
        self.client.logout()
        for _ in range(settings.AXES_FAILURE_LIMIT):
            self.login("leader", "wrong-password-123")
        self.assertTrue(SecurityEvent.objects.filter(kind="locked_out", username="leader").exists())


def test_sessions_expire_after_thirty_idle_minutes():
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True


def test_password_policy_requires_twelve_characters():
    from django.contrib.auth.password_validation import get_default_password_validators

    lengths = [v.min_length for v in get_default_password_validators() if hasattr(v, "min_length")]
    assert lengths == [12]


class AddUserCommandTests(TestCase):
    def run_command(self, *args, password="Tongliao-strong-pass-2025"):
        with mock.patch.dict(os.environ, {"PORTAL_PASSWORD": password}):
            call_command("add_user", *args, stdout=StringIO())

    def test_creates_county_official_bound_to_county(self):
        self.run_command("kailu", "--role", "county", "--county", "150523")
        user = User.objects.get(username="kailu")
        self.assertEqual((user.role, user.county.code), (Role.COUNTY, "150523"))
        self.assertTrue(user.check_password("Tongliao-strong-pass-2025"))

    def test_updates_an_existing_account_role(self):
        self.run_command("someone", "--role", "leader")
        self.run_command("someone", "--role", "bureau")
        self.assertEqual(User.objects.get(username="someone").role, Role.BUREAU)

    def test_weak_password_is_refused_in_chinese(self):
        with self.assertRaisesMessage(CommandError, "密码不符合要求"):
            self.run_command("weak", "--role", "leader", password="short")
        self.assertFalse(User.objects.filter(username="weak").exists())

    def test_county_role_needs_a_known_county(self):
        with self.assertRaisesMessage(CommandError, "必须用 --county"):
            self.run_command("nocounty", "--role", "county")
        with self.assertRaisesMessage(CommandError, "未知的旗县市区代码：999999"):
            self.run_command("badcounty", "--role", "county", "--county", "999999")

    def test_password_prompted_twice_when_not_in_environment(self):
        env = {k: v for k, v in os.environ.items() if k != "PORTAL_PASSWORD"}
        with (
            mock.patch.dict(os.environ, env, clear=True),
            mock.patch("getpass.getpass", side_effect=["Tongliao-strong-pass-2025", "different-pass-2025x"]),
            self.assertRaisesMessage(CommandError, "两次输入的密码不一致"),
        ):
            call_command("add_user", "prompted", "--role", "leader", stdout=StringIO())


@override_settings(AXES_ENABLED=True)
class ClientAddressBehindProxyTests(testing.Personas, TestCase):
    """Behind nginx every request comes from 127.0.0.1; the client's own address is X-Real-IP."""

    @classmethod
    def setUpTestData(cls):
        cls.make_personas()

    def fail_from(self, real_ip):
        return self.client.post(
            reverse("login"),
            {"username": "bureau", "password": "wrong-password-123"},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_REAL_IP=real_ip,
        )

    def test_an_attacker_behind_the_proxy_cannot_lock_the_user_out_for_everyone(self):
        for _ in range(settings.AXES_FAILURE_LIMIT):
            self.fail_from("203.0.113.9")
        response = self.client.post(
            reverse("login"),
            {"username": "bureau", "password": testing.TEST_PASSWORD},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_REAL_IP="10.15.2.3",
        )
        self.assertEqual(response.status_code, 302)
        addresses = set(SecurityEvent.objects.values_list("address", flat=True))
        self.assertEqual(addresses, {"203.0.113.9", "10.15.2.3"})

    def test_a_client_that_is_not_the_proxy_cannot_choose_its_address(self):
        self.client.post(
            reverse("login"),
            {"username": "bureau", "password": "wrong-password-123"},
            REMOTE_ADDR="198.51.100.7",
            HTTP_X_REAL_IP="10.0.0.1",
            HTTP_X_FORWARDED_FOR="10.0.0.1",
        )
        self.assertEqual(SecurityEvent.objects.get().address, "198.51.100.7")

    def test_audit_trail_records_the_same_address(self):
        from auditlog.models import LogEntry

        company = testing.enterprise(self.county_a)
        self.client.force_login(self.bureau)
        self.client.post(
            reverse("enterprises:edit", kwargs={"pk": company.pk}),
            {"credit_code": company.credit_code, "name": company.name, "county": self.county_a.pk, "stage": "key"},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_REAL_IP="10.15.2.3",
            HTTP_X_FORWARDED_FOR="6.6.6.6",
        )
        self.assertEqual(LogEntry.objects.get_for_object(company).latest("timestamp").remote_addr, "10.15.2.3")
