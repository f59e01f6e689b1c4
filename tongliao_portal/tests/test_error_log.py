"""Crashes are logged (issue 13): a 500 writes its traceback with the request's id, user id and
path to the error log (``LOG_DIR``/portal-error.log and stderr), and the Chinese 500 page shows
the same id. This module is also the test-only URLconf with a view that raises."""

import logging
import re
import tempfile
import textwrap
from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.test import Client, TestCase, override_settings
from django.urls import path, reverse

from tongliao_portal import testing
from tongliao_portal.middleware import RequestLogFilter
from tongliao_portal.tests.test_production import run_portal_process

CRASH_MESSAGE = "测试用：故意抛出的错误"


def crash(request):
    raise RuntimeError(CRASH_MESSAGE)


@login_not_required
def fine(request):
    return HttpResponse("ok")


urlpatterns = [
    path("crash/", crash, name="crash"),
    path("public-crash/", login_not_required(crash), name="public_crash"),
    path("fine/", fine, name="fine"),
]
handler500 = "tongliao_portal.views.server_error"

UUID_HEX = re.compile(r"[0-9a-f]{32}")


@override_settings(ROOT_URLCONF=__name__)
class CrashIsLoggedTests(testing.Personas, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.make_personas()

    def setUp(self):
        self.client = Client(raise_request_exception=False)

    def error_log(self):
        """A file handler built like the configured ``error_file`` one (format, filter, level)."""
        log_path = Path(self.enterContext(tempfile.TemporaryDirectory())) / "portal-error.log"
        handler = logging.FileHandler(log_path, encoding="utf-8")
        handler.setLevel(logging.ERROR)
        handler.addFilter(RequestLogFilter())
        handler.setFormatter(logging.Formatter(settings.LOGGING["formatters"]["plain"]["format"]))
        logger = logging.getLogger("django")
        logger.addHandler(handler)
        self.addCleanup(handler.close)
        self.addCleanup(logger.removeHandler, handler)
        return log_path

    def test_a_crash_logs_traceback_request_id_user_and_path_and_the_page_shows_the_id(self):
        log_path = self.error_log()
        self.client.force_login(self.bureau)
        response = self.client.get(reverse("crash"))
        self.assertEqual(response.status_code, 500)
        request_id = response["X-Request-ID"]
        self.assertRegex(request_id, UUID_HEX)
        page = response.content.decode()
        self.assertIn("系统出错", page)
        self.assertIn(f'错误编号：<code class="user-select-all">{request_id}</code>', page)
        self.assertNotIn("Traceback", page)
        self.assertNotIn(CRASH_MESSAGE, page)
        logged = log_path.read_text(encoding="utf-8")
        self.assertIn("Traceback (most recent call last)", logged)
        self.assertIn(f"RuntimeError: {CRASH_MESSAGE}", logged)
        self.assertIn(f"request={request_id} user={self.bureau.pk} path=/crash/", logged)

    def test_a_request_id_from_the_proxy_is_kept_and_one_from_a_client_is_replaced(self):
        proxy_id = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"
        from_proxy = self.client.get("/public-crash/", HTTP_X_REQUEST_ID=proxy_id, REMOTE_ADDR="127.0.0.1")
        self.assertEqual(from_proxy["X-Request-ID"], proxy_id)
        from_client = self.client.get("/public-crash/", HTTP_X_REQUEST_ID=proxy_id, REMOTE_ADDR="10.15.0.7")
        self.assertNotEqual(from_client["X-Request-ID"], proxy_id)
        self.assertRegex(from_client["X-Request-ID"], UUID_HEX)
        forged = self.client.get("/public-crash/", HTTP_X_REQUEST_ID="x\nFAKE ERROR line", REMOTE_ADDR="127.0.0.1")
        self.assertRegex(forged["X-Request-ID"], UUID_HEX)

    def test_every_response_carries_a_request_id(self):
        response = self.client.get(reverse("fine"))
        self.assertRegex(response["X-Request-ID"], UUID_HEX)

    def test_records_outside_a_request_get_dashes(self):
        record = logging.LogRecord("portal", logging.ERROR, __file__, 1, "no request", None, None)
        RequestLogFilter().filter(record)
        self.assertEqual((record.request_id, record.user_id, record.path), ("-", "-", "-"))


def test_production_settings_write_errors_to_log_dir_and_stderr(tmp_path):
    """With DEBUG off and LOG_DIR set (deploy/env.example), a 500 lands in LOG_DIR/portal-error.log
    and on stderr (journald) with its traceback and request id."""
    code = textwrap.dedent(
        """
        import django
        django.setup()
        from django.test import Client, override_settings
        with override_settings(ROOT_URLCONF="tongliao_portal.tests.test_error_log"):
            response = Client(raise_request_exception=False).get(
                "/public-crash/", HTTP_X_REQUEST_ID="nginx-0123456789abcdef"
            )
        print(response.status_code, response["X-Request-ID"])
        """
    )
    (tmp_path / "logs").mkdir()  # systemd's LogsDirectory= makes it in production
    result = run_portal_process(
        code,
        DATABASE_URL=f"sqlite:///{tmp_path}/unused.sqlite3",
        LOG_DIR=str(tmp_path / "logs"),
        SECRET_KEY="x" * 50,
        DEBUG="false",
        PORTAL_HTTPS="false",
        ALLOWED_HOSTS="testserver",
    )
    assert result.stdout.split() == ["500", "nginx-0123456789abcdef"], result.stdout + result.stderr[-2000:]
    logged = (tmp_path / "logs" / "portal-error.log").read_text(encoding="utf-8")
    assert "ERROR django.request request=nginx-0123456789abcdef user=- path=/public-crash/" in logged
    assert "Traceback (most recent call last)" in logged and CRASH_MESSAGE in logged
    assert "request=nginx-0123456789abcdef" in result.stderr and CRASH_MESSAGE in result.stderr
