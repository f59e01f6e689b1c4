"""Password rules of 等保 2.0 身份鉴别 (issue 13): a new password differs from the current one and
the five before it, and mixes three of upper, lower, digits and symbols."""

import datetime
import os
from io import StringIO
from unittest import mock

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import PasswordHistory, User
from accounts.validators import character_classes
from tongliao_portal import testing

REUSED = "新密码不能与当前密码或最近 5 次使用过的密码相同"
TOO_SIMPLE = "密码须至少包含大写字母、小写字母、数字、符号四类中的 3 类"
DONE = reverse("password_change_done")


class PasswordChangeRulesTests(testing.Personas, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.make_personas()

    def change(self, old, new):
        return self.client.post(
            reverse("password_change"), {"old_password": old, "new_password1": new, "new_password2": new}
        )

    def set_passwords(self, user, *passwords):
        for password in passwords:
            user.set_password(password)
            user.save()

    def test_forced_change_refuses_the_same_password(self):
        with mock.patch.dict(os.environ, {"PORTAL_PASSWORD": "Initial-pass-2026-abc"}):
            call_command("add_user", "firstlogin", "--role", "county", "--county", "150502", stdout=StringIO())
        user = User.objects.get(username="firstlogin")
        self.client.force_login(user)
        response = self.change("Initial-pass-2026-abc", "Initial-pass-2026-abc")
        self.assertContains(response, REUSED)
        user.refresh_from_db()
        self.assertTrue(user.must_change_password)
        self.assertRedirects(self.change("Initial-pass-2026-abc", "Own-choice-2026-xyz"), DONE)

    @override_settings(PASSWORD_MAX_AGE_DAYS=90)
    def test_expiry_change_refuses_the_current_and_the_last_five(self):
        older = [f"Rotation-{n}-pass-2026" for n in range(7)]  # the seventh is the current password
        self.set_passwords(self.leader, *older)
        User.objects.filter(pk=self.leader.pk).update(password_changed_at=timezone.now() - datetime.timedelta(days=91))
        self.client.force_login(self.leader)
        self.assertRedirects(self.client.get(reverse("home")), reverse("password_change"))
        current = older[-1]
        for reused in older[1:]:
            with self.subTest(reused=reused):
                self.assertContains(self.change(current, reused), REUSED)
        # Six passwords back is allowed again.
        self.assertRedirects(self.change(current, older[0]), DONE)
        self.assertEqual(self.client.get(reverse("home")).status_code, 200)

    def test_a_password_needs_three_kinds_of_character(self):
        self.client.force_login(self.bureau)
        for simple in ("onlylowercaseletters", "lowercase-and-symbols", "UPPER12345678901"):
            with self.subTest(password=simple):
                self.assertContains(self.change(testing.TEST_PASSWORD, simple), TOO_SIMPLE)
        self.assertRedirects(self.change(testing.TEST_PASSWORD, "lower-and-digits-2026"), DONE)

    def test_only_the_newest_six_hashes_are_kept(self):
        self.set_passwords(self.bureau, *[f"Keep-{n}-pass-2026" for n in range(9)])
        history = PasswordHistory.objects.filter(user=self.bureau)
        self.assertEqual(history.count(), 6)
        self.assertEqual(history.first().password, User.objects.get(pk=self.bureau.pk).password)

    def test_character_classes(self):
        self.assertEqual(character_classes("abc"), 1)
        self.assertEqual(character_classes("Abc1"), 3)
        self.assertEqual(character_classes("Abc1!"), 4)
        self.assertEqual(character_classes("通辽abc123"), 3)  # Chinese characters count as symbols

    def test_a_new_account_has_no_history_to_compare(self):
        validate_password("Brand-new-pass-2026", User(username="nobody"))
        with self.assertRaises(ValidationError) as raised:
            validate_password("brandnewpassword", User(username="nobody"))
        self.assertIn(TOO_SIMPLE + "。", raised.exception.messages)


class AddUserKeepsWorkingTests(TestCase):
    def add_user(self, password, *args):
        with mock.patch.dict(os.environ, {"PORTAL_PASSWORD": password}):
            call_command("add_user", *args, stdout=StringIO())

    def test_add_user_refuses_a_simple_password_in_chinese(self):
        with self.assertRaisesMessage(CommandError, TOO_SIMPLE):
            self.add_user("alllowercaseletters", "simple", "--role", "leader")
        self.assertFalse(User.objects.filter(username="simple").exists())

    def test_add_user_may_issue_the_same_initial_password_again(self):
        self.add_user("Initial-pass-2026-abc", "again", "--role", "leader")
        self.add_user("Initial-pass-2026-abc", "again", "--role", "bureau")
        user = User.objects.get(username="again")
        self.assertTrue(user.check_password("Initial-pass-2026-abc"))
        self.assertTrue(user.must_change_password)
