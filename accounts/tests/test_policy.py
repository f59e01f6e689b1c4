import datetime
import os
from io import StringIO
from unittest import mock

from django.core.management import CommandError, call_command
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import SecurityEvent, User
from tongliao_portal import testing


class PasswordPolicyTests(testing.Personas, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.make_personas()

    def test_account_from_add_user_must_change_password_at_first_login(self):
        with mock.patch.dict(os.environ, {"PORTAL_PASSWORD": "Initial-pass-2026-abc"}):
            call_command("add_user", "newclerk", "--role", "bureau", stdout=StringIO())
        user = User.objects.get(username="newclerk")
        self.assertTrue(user.must_change_password)
        self.client.force_login(user)
        self.assertRedirects(self.client.get(reverse("enterprises:list")), reverse("password_change"))
        response = self.client.post(
            reverse("password_change"),
            {
                "old_password": "Initial-pass-2026-abc",
                "new_password1": "My-own-pass-2026-xyz",
                "new_password2": "My-own-pass-2026-xyz",
            },
        )
        self.assertRedirects(response, reverse("password_change_done"))
        user.refresh_from_db()
        self.assertFalse(user.must_change_password)
        self.assertEqual(self.client.get(reverse("enterprises:list")).status_code, 200)
        self.assertTrue(SecurityEvent.objects.filter(kind="password_changed", username="newclerk").exists())

    @override_settings(PASSWORD_MAX_AGE_DAYS=90)
    def test_expired_password_sends_user_to_the_change_form(self):
        User.objects.filter(pk=self.leader.pk).update(password_changed_at=timezone.now() - datetime.timedelta(days=91))
        self.client.force_login(self.leader)
        self.assertRedirects(self.client.get(reverse("home")), reverse("password_change"))

    @override_settings(PASSWORD_MAX_AGE_DAYS=0)
    def test_expiry_can_be_turned_off(self):
        User.objects.filter(pk=self.leader.pk).update(password_changed_at=timezone.now() - datetime.timedelta(days=900))
        self.client.force_login(self.leader)
        self.assertEqual(self.client.get(reverse("enterprises:list")).status_code, 200)


class AccountMaintenanceTests(TestCase):
    def test_idle_accounts_are_disabled_and_logged(self):
        long_ago = timezone.now() - datetime.timedelta(days=120)
        idle = testing.user("idle", testing.Role.COUNTY, testing.county("150523"))
        User.objects.filter(pk=idle.pk).update(last_login=long_ago)
        never = testing.user("never", testing.Role.LEADER)
        User.objects.filter(pk=never.pk).update(date_joined=long_ago)
        active = testing.user("active", testing.Role.BUREAU)
        User.objects.filter(pk=active.pk).update(last_login=timezone.now())
        out = StringIO()
        call_command("disable_inactive_users", "--days", "90", stdout=out)
        self.assertIn("已停用 2 个", out.getvalue())
        states = dict(User.objects.values_list("username", "is_active"))
        self.assertEqual((states["idle"], states["never"], states["active"]), (False, False, True))
        self.assertEqual(SecurityEvent.objects.filter(kind="account_disabled").count(), 2)

    def test_security_log_retention_has_a_floor_of_180_days(self):
        old = SecurityEvent.objects.create(kind="login", username="x")
        SecurityEvent.objects.filter(pk=old.pk).update(at=timezone.now() - datetime.timedelta(days=400))
        SecurityEvent.objects.create(kind="login", username="y")
        call_command("purge_security_log", "--days", "365", stdout=StringIO())
        self.assertEqual(list(SecurityEvent.objects.values_list("username", flat=True)), ["y"])
        with self.assertRaisesMessage(CommandError, "至少保留 180 天"):
            call_command("purge_security_log", "--days", "30")

    def test_security_log_is_read_only_in_admin(self):
        admin_user = User.objects.create_superuser("root", password="Root-pass-2026-abc")
        event = SecurityEvent.objects.create(kind="login", username="x")
        self.client.force_login(admin_user)
        self.assertEqual(self.client.get(reverse("admin:accounts_securityevent_changelist")).status_code, 200)
        change = self.client.post(reverse("admin:accounts_securityevent_change", args=[event.pk]), {"username": "y"})
        self.assertNotEqual(change.status_code, 302)
        self.assertEqual(
            self.client.get(reverse("admin:accounts_securityevent_delete", args=[event.pk])).status_code, 403
        )
        event.refresh_from_db()
        self.assertEqual(event.username, "x")
