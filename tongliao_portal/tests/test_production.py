"""Production readiness: deploy checks, headers, health, error pages, recovery from a lost database."""

import os
import secrets
import subprocess
import sys
import textwrap

from django.conf import settings
from django.test import TestCase
from django.urls import reverse

from tongliao_portal import testing


def run_portal_process(code: str, **env) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "PORTAL_HTTPS")}
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**base, "DJANGO_SETTINGS_MODULE": "tongliao_portal.settings", **env},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deploy_check_passes_with_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env={
            **os.environ,
            "SECRET_KEY": secrets.token_urlsafe(50),
            "DEBUG": "false",
            "PORTAL_HTTPS": "true",
            "ALLOWED_HOSTS": "portal.example.gov.cn",
        },
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_portal_answers_503_without_database_and_recovers_when_it_returns(tmp_path):
    database_dir = tmp_path / "not-yet"
    code = textwrap.dedent(
        """
        import os, django
        django.setup()
        from django.test import Client
        client = Client(raise_request_exception=False)
        down = client.get("/healthz")
        page = client.get("/enterprises/", HTTP_COOKIE="sessionid=abcdefghijklmnopqrstuvwxyz012345")
        os.makedirs(os.environ["DB_DIR"])
        up = client.get("/healthz")
        print(down.status_code, page.status_code, up.status_code)
        print("数据库暂时无法连接" in page.content.decode(), "Traceback" in page.content.decode())
        """
    )
    result = run_portal_process(
        code,
        DATABASE_URL=f"sqlite:///{database_dir}/portal.sqlite3",
        DB_DIR=str(database_dir),
        SECRET_KEY="x" * 50,
        DEBUG="false",
        PORTAL_HTTPS="false",
        ALLOWED_HOSTS="testserver",
    )
    lines = result.stdout.split("\n")
    assert lines[0] == "503 503 200", result.stdout + result.stderr[-2000:]
    assert lines[1] == "True False"


class HeaderAndErrorPageTests(testing.Personas, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.make_personas()

    def test_pages_carry_csp_frame_and_no_store_headers(self):
        self.client.force_login(self.bureau)
        response = self.client.get(reverse("enterprises:list"))
        self.assertIn("script-src 'self'", response["Content-Security-Policy"])
        self.assertNotIn("unsafe-inline' 'self'; script", response["Content-Security-Policy"])
        self.assertEqual(response["X-Frame-Options"], "DENY")
        self.assertIn("no-store", response["Cache-Control"])

    def test_no_template_contains_an_inline_script(self):
        import pathlib
        import re

        inline = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)
        offenders = [
            str(path)
            for path in pathlib.Path(settings.BASE_DIR, "templates").rglob("*.html")
            if inline.search(path.read_text(encoding="utf-8"))
        ]
        self.assertEqual(offenders, [])

    def test_health_endpoint_needs_no_login_and_reveals_nothing(self):
        response = self.client.get(reverse("healthz"))
        self.assertEqual(response.json(), {"status": "ok", "database": "ok"})

    def test_error_pages_are_chinese_and_reveal_nothing(self):
        self.client.force_login(self.county_b_user)
        company = testing.enterprise(self.county_a)
        not_found = self.client.get(reverse("enterprises:detail", kwargs={"pk": company.pk}))
        self.assertContains(not_found, "页面不存在", status_code=404)
        forbidden = self.client.get(reverse("enterprises:certification_create", kwargs={"pk": company.pk}))
        self.assertContains(forbidden, "无权访问", status_code=403)
        self.assertNotContains(forbidden, "role", status_code=403)

    def test_a_bad_request_gets_the_chinese_400_page(self):
        response = self.client.get("/healthz", HTTP_HOST="not-our-host.example")
        self.assertContains(response, "请求有误", status_code=400)

    def test_security_settings(self):
        self.assertEqual(settings.SECURITY_LOG_RETENTION_DAYS >= 180, True)
        self.assertTrue(settings.SECURE_CONTENT_TYPE_NOSNIFF)
