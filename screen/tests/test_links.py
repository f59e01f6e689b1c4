"""Kiosk links (issue 14): made on /screen/links/ or with ``screen_link``, stored as a hash, shown
once; the kiosk view answers an unrevoked token only, anonymously, read-only, with counts only."""

import hashlib
import io
import re

from auditlog.models import LogEntry
from django.core.management import CommandError, call_command
from django.test import TestCase
from django.urls import reverse

from enterprises.models import Enterprise, HighTechCertification
from screen import links
from screen.models import ScreenLink
from tongliao_portal import testing

from .test_board import TODAY, BoardData, today_is


def run(*args) -> str:
    out = io.StringIO()
    call_command("screen_link", *args, stdout=out)
    return out.getvalue()


class LinkServiceTests(TestCase):
    def test_only_the_hash_of_a_long_random_token_is_stored(self):
        new = links.create("一楼大厅")
        self.assertGreaterEqual(len(new.token), 43)  # 32 random bytes, URL-safe
        link = ScreenLink.objects.get()
        self.assertEqual(link.token_hash, hashlib.sha256(new.token.encode()).hexdigest())
        stored = " ".join(str(value) for value in ScreenLink.objects.values_list().get())
        self.assertNotIn(new.token, stored)
        self.assertEqual(new.path, f"/screen/k/{new.token}/")
        self.assertNotEqual(links.create("二楼").token, new.token)

    def test_find_active_answers_the_token_only_until_revoked(self):
        new = links.create("一楼大厅")
        self.assertIsNone(new.link.last_used_at)
        self.assertEqual(links.find_active(new.token), new.link)
        self.assertIsNotNone(ScreenLink.objects.get().last_used_at)
        self.assertIsNone(links.find_active(new.token[:-1]))
        self.assertIsNone(links.find_active(""))
        links.revoke(new.link)
        self.assertIsNone(links.find_active(new.token))

    def test_names_are_unique_revoked_links_included(self):
        links.revoke(links.create("一楼大厅").link)
        with self.assertRaisesMessage(links.LinkError, "已被使用"):
            links.create(" 一楼大厅 ")
        with self.assertRaisesMessage(links.LinkError, "请填写名称"):
            links.create("  ")

    def test_revoking_twice_is_refused(self):
        link = links.create("一楼大厅").link
        links.revoke(link)
        with self.assertRaisesMessage(links.LinkError, "已于"):
            links.revoke(link)

    def test_making_and_revoking_are_in_the_audit_trail_without_the_hash(self):
        link = links.create("一楼大厅").link
        links.revoke(link)
        entries = LogEntry.objects.get_for_object(link).order_by("timestamp")
        self.assertEqual([entry.action for entry in entries], [LogEntry.Action.CREATE, LogEntry.Action.UPDATE])
        self.assertNotIn("token_hash", entries[0].changes_dict)
        self.assertIn("revoked_at", entries[1].changes_dict)


class CommandTests(TestCase):
    def test_create_prints_the_url_once_list_and_revoke(self):
        output = run("create", "一楼大厅", "--base-url", "https://kjqy.tongliao.example/")
        url = re.search(r"https://kjqy\.tongliao\.example/screen/k/([A-Za-z0-9_-]{43,})/", output)
        self.assertIsNotNone(url, output)
        self.assertIsNotNone(links.find_active(url.group(1)))
        listed = run("list")
        self.assertIn("一楼大厅\t有效", listed)
        self.assertNotIn(url.group(1), listed)
        self.assertIn("已撤销", run("revoke", "一楼大厅"))
        self.assertIsNone(links.find_active(url.group(1)))
        self.assertIn("已撤销", run("list"))

    def test_without_a_base_url_the_path_is_printed_with_a_hint(self):
        with self.settings(CSRF_TRUSTED_ORIGINS=[]):
            output = run("create", "一楼大厅")
        self.assertRegex(output, r"\n/screen/k/[A-Za-z0-9_-]{43,}/\n")
        self.assertIn("--base-url", output)

    def test_errors_exit_non_zero(self):
        run("create", "一楼大厅")
        with self.assertRaisesMessage(CommandError, "已被使用"):
            run("create", "一楼大厅")
        with self.assertRaisesMessage(CommandError, "没有名为"):
            run("revoke", "二楼")
        self.assertEqual(run("list").count("\n"), 1)


class LinkPageTests(testing.Personas, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.make_personas()

    def setUp(self):
        self.client.force_login(self.bureau)

    def test_a_new_links_address_is_shown_once(self):
        response = self.client.post(reverse("screen:links"), {"name": "一楼大厅"}, follow=True)
        self.assertContains(response, "地址只显示这一次")
        url = response.context["new_link"]["url"]
        token = re.fullmatch(r"http://testserver/screen/k/([A-Za-z0-9_-]{43,})/", url).group(1)
        self.assertEqual(ScreenLink.objects.get().created_by, self.bureau)
        self.assertIsNotNone(links.find_active(token))
        again = self.client.get(reverse("screen:links"))
        self.assertNotContains(again, token)
        self.assertContains(again, "一楼大厅")
        self.assertNotIn(token, str(dict(self.client.session)))

    def test_a_name_in_use_is_refused_on_the_form(self):
        links.create("一楼大厅")
        response = self.client.post(reverse("screen:links"), {"name": "一楼大厅"})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "已被使用")
        self.assertEqual(ScreenLink.objects.count(), 1)

    def test_revoke_from_the_page(self):
        new = links.create("一楼大厅")
        response = self.client.post(reverse("screen:link_revoke", kwargs={"pk": new.link.pk}), follow=True)
        self.assertContains(response, "已撤销大屏链接")
        self.assertIsNone(links.find_active(new.token))
        again = self.client.post(reverse("screen:link_revoke", kwargs={"pk": new.link.pk}), follow=True)
        self.assertContains(again, "已于")

    def test_only_bureau_staff_manage_links(self):
        for user in (self.county_a_user, self.leader):
            self.client.force_login(user)
            self.assertEqual(self.client.get(reverse("screen:links")).status_code, 403)
            self.assertEqual(self.client.post(reverse("screen:links"), {"name": "x"}).status_code, 403)
        self.assertFalse(ScreenLink.objects.exists())


class KioskTests(BoardData, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.build()

    def setUp(self):
        self.new = links.create("一楼大厅")

    def kiosk(self, token=None, method="get"):
        with today_is(TODAY):
            return getattr(self.client, method)(reverse("screen:kiosk", kwargs={"token": token or self.new.token}))

    def test_anonymous_with_a_valid_token_sees_the_citys_counts_only(self):
        response = self.kiosk()
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        self.assertIn("各旗县市区完成情况排名", html)
        self.assertNotIn("返回平台", html)
        for name, code in Enterprise.objects.values_list("name", "credit_code"):
            self.assertNotIn(name, html)
            self.assertNotIn(code, html)
        for number in HighTechCertification.objects.values_list("number", flat=True):
            self.assertNotIn(number, html)
        self.assertNotIn("有限公司", html)
        self.assertContains(response, '<meta http-equiv="refresh" content="300">', html=False)

    def test_a_wrong_or_revoked_token_is_a_404(self):
        wrong = self.new.token[:-1] + ("A" if self.new.token[-1] != "A" else "B")
        self.assertEqual(self.kiosk(token=wrong).status_code, 404)
        self.assertEqual(self.kiosk(token="x").status_code, 404)
        links.revoke(self.new.link)
        self.assertEqual(self.kiosk().status_code, 404)

    def test_read_only(self):
        self.assertEqual(self.kiosk(method="post").status_code, 405)
        self.assertEqual(self.kiosk(method="delete").status_code, 405)

    def test_a_county_official_opening_the_kiosk_sees_the_city(self):
        self.client.force_login(self.county_a_user)
        self.assertContains(self.kiosk(), "开鲁县")
