"""Losing the database (issue 13): an error mid-request answers the Chinese 503 page, the next
request succeeds, and a persistent connection the database dropped while idle is replaced
before use (``CONN_HEALTH_CHECKS``)."""

import textwrap
from unittest import mock

import pytest
from django.conf import settings
from django.db import InterfaceError, OperationalError, ProgrammingError, connection
from django.db.backends.utils import CursorWrapper
from django.test import Client, TestCase
from django.urls import reverse

from tongliao_portal import testing
from tongliao_portal.tests.test_production import run_portal_process

real_execute = CursorWrapper.execute


def failing_queries(error, when):
    """Patch every cursor so that statements matching ``when`` raise ``error``, as a dropped
    connection does (transaction statements still pass, so the test's own transaction survives)."""

    def execute(self, sql, params=None):
        if when(sql) and not sql.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK")):
            raise error
        return real_execute(self, sql, params)

    return mock.patch.object(CursorWrapper, "execute", execute)


class LostConnectionTests(testing.Personas, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.make_personas()
        testing.enterprise(cls.county_a, name="断线测试有限公司")

    def setUp(self):
        self.client = Client(raise_request_exception=False)
        self.client.force_login(self.bureau)

    def assert_503_page(self, response):
        self.assertEqual(response.status_code, 503)
        page = response.content.decode()
        self.assertIn("服务暂时不可用（503）", page)
        self.assertIn("数据库暂时无法连接", page)
        self.assertIn(response["X-Request-ID"], page)
        self.assertNotIn("Traceback", page)
        self.assertNotIn("server closed", page)

    def test_connection_lost_in_the_view_answers_503_and_the_next_request_succeeds(self):
        lost = OperationalError("server closed the connection unexpectedly")
        with failing_queries(lost, lambda sql: "enterprises_enterprise" in sql):
            self.assert_503_page(self.client.get(reverse("enterprises:list")))
        self.assertContains(self.client.get(reverse("enterprises:list")), "断线测试有限公司")

    def test_connection_already_closed_answers_503_and_the_next_request_succeeds(self):
        closed = InterfaceError("connection already closed")
        with failing_queries(closed, lambda sql: True):
            self.assert_503_page(self.client.get(reverse("home")))
        self.assertEqual(self.client.get(reverse("home")).status_code, 200)

    def test_a_programming_error_stays_a_500(self):
        with failing_queries(ProgrammingError("column does not exist"), lambda sql: "enterprises_enterprise" in sql):
            response = self.client.get(reverse("enterprises:list"))
        self.assertContains(response, "系统出错（500）", status_code=500)

    def test_persistent_connections_are_checked_before_reuse(self):
        self.assertIs(settings.DATABASES["default"]["CONN_HEALTH_CHECKS"], True)
        self.assertGreater(settings.DATABASES["default"]["CONN_MAX_AGE"], 0)  # production default: 60


@pytest.mark.skipif(connection.vendor != "postgresql", reason="需要 PostgreSQL：SQLite 没有可被断开的连接")
def test_a_connection_dropped_while_idle_is_replaced_without_an_error():
    """The real thing, through Django's WSGI handler (the test client skips the connection
    housekeeping): a persistent connection is killed by the server between two requests."""
    code = textwrap.dedent(
        """
        import io, os, time
        import django
        django.setup()
        import psycopg2
        from django.core.handlers.wsgi import WSGIHandler
        from django.db import connection
        from wsgiref.util import setup_testing_defaults

        app = WSGIHandler()

        def get(path):
            environ = {"PATH_INFO": path, "HTTP_HOST": "testserver", "REMOTE_ADDR": "127.0.0.1"}
            setup_testing_defaults(environ)
            status = []
            result = app(environ, lambda line, headers, exc_info=None: status.append(line))
            b"".join(result)
            result.close()  # request_finished: Django's connection housekeeping
            return status[0].split()[0]

        first = get("/healthz")
        pid = connection.connection.get_backend_pid()
        admin = psycopg2.connect(os.environ["ADMIN_DSN"])
        admin.autocommit = True
        with admin.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
            for _ in range(100):
                cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [pid])
                if cursor.fetchone()[0] == 0:
                    break
                time.sleep(0.05)
        second = get("/healthz")
        third = get("/healthz")
        print(first, second, third, connection.connection.get_backend_pid() != pid)
        """
    )
    db = connection.settings_dict
    host, port = db["HOST"] or "127.0.0.1", db["PORT"] or 5432
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    url = f"postgres://{credentials}@{host}:{port}/postgres"
    result = run_portal_process(
        code,
        DATABASE_URL=url,
        ADMIN_DSN=url.replace("postgres://", "postgresql://"),
        CONN_MAX_AGE="60",
        SECRET_KEY="x" * 50,
        DEBUG="false",
        PORTAL_HTTPS="false",
        ALLOWED_HOSTS="testserver",
    )
    assert result.stdout.split() == ["200", "200", "200", "True"], result.stdout + result.stderr[-3000:]
