"""A restore is one transaction (issue 13): a truncated dump fails with exit status 1 and leaves
the target database exactly as it was (no tables). PostgreSQL only (skipped on SQLite)."""

import datetime
import os
import shutil
import subprocess
import sys
from io import StringIO

import psycopg2
import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from tongliao_portal import testing
from tongliao_portal.tests.test_backup import dsn_for, table_fingerprints

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql" or shutil.which("pg_restore") is None,
    reason="恢复测试需要 PostgreSQL 及其客户端工具（SQLite 运行时跳过）",
)


@pytest.fixture
def empty_target():
    """A new empty database beside the test database; yields its URL and its psycopg2 DSN."""
    db = connection.settings_dict
    name = f"{db['NAME']}_restore_safety"
    admin = psycopg2.connect(**dsn_for(db, "postgres"))
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    host, port = db["HOST"] or "127.0.0.1", db["PORT"] or 5432
    credentials = (db["USER"] or "postgres") + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    try:
        yield f"postgres://{credentials}@{host}:{port}/{name}", dsn_for(db, name)
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.close()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_restore_of_a_truncated_dump_fails_and_leaves_the_target_untouched(tmp_path, empty_target):
    url, target_dsn = empty_target
    for company in testing.bulk_enterprises(testing.county("150502"), 25):
        testing.certificate(company, datetime.date(2024, 11, 1))
        testing.registration(company, 2024, datetime.date(2024, 7, 1))
    out = StringIO()
    call_command("backup", "--output", str(tmp_path), stdout=out)
    dump = out.getvalue().strip().splitlines()[-1]

    # Cut off the end: the table of contents is intact, so pg_restore creates the tables and
    # starts loading rows before it reaches the missing bytes — the case that used to leave
    # empty tables behind.
    content = open(dump, "rb").read()
    truncated = tmp_path / "truncated.dump"
    truncated.write_bytes(content[: len(content) - 2000])
    listing = subprocess.run(["pg_restore", "--list", str(truncated)], capture_output=True, text=True)
    assert listing.returncode == 0 and "TABLE DATA public enterprises_enterprise" in listing.stdout

    result = subprocess.run(
        [sys.executable, "manage.py", "restore", str(truncated), "--target-url", url],
        cwd=settings.BASE_DIR,
        env=os.environ,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert table_fingerprints(target_dsn) == {}
    assert "已整体回滚" in result.stderr and "未作任何修改" in result.stderr

    # The target is still a valid empty target: the whole dump restores into it.
    call_command("restore", dump, "--target-url", url, stdout=StringIO())
    assert table_fingerprints(target_dsn)["enterprises_enterprise"][0] >= 25
