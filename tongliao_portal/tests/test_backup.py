"""Backups that restore: dump a populated PostgreSQL database, restore it into a new one,
compare every table's row count and checksum. PostgreSQL only (skipped on SQLite)."""

import datetime
import shutil
from io import StringIO

import psycopg2
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from tongliao_portal import testing

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql" or shutil.which("pg_dump") is None,
    reason="备份恢复测试需要 PostgreSQL 及其客户端工具（SQLite 运行时跳过）",
)


def table_fingerprints(dsn: dict) -> dict[str, tuple[int, str]]:
    """Row count and an order-independent checksum of every table in the public schema."""
    with psycopg2.connect(**dsn) as conn, conn.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
        tables = [row[0] for row in cursor.fetchall()]
        result = {}
        for table in tables:
            cursor.execute(
                f"SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM \"{table}\" t"
            )
            result[table] = cursor.fetchone()
    return result


def dsn_for(settings_dict: dict, name: str) -> dict:
    return {
        "dbname": name,
        "host": settings_dict["HOST"] or None,
        "port": settings_dict["PORT"] or None,
        "user": settings_dict["USER"] or None,
        "password": settings_dict["PASSWORD"] or None,
    }


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_backup_restores_into_a_new_database_with_identical_tables(tmp_path):
    county = testing.county("150502")
    for company in testing.bulk_enterprises(county, 25):
        testing.certificate(company, datetime.date(2024, 11, 1))
        testing.registration(company, 2024, datetime.date(2024, 7, 1))

    out = StringIO()
    call_command("backup", "--output", str(tmp_path), stdout=out)
    dump = out.getvalue().strip().splitlines()[-1]
    assert dump.endswith(".dump") and (tmp_path / dump.split("/")[-1]).exists()

    settings_dict = connection.settings_dict
    source = settings_dict["NAME"]
    target = f"{source}_restore"
    admin = psycopg2.connect(**dsn_for(settings_dict, "postgres"))
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{target}"')
        cursor.execute(f'CREATE DATABASE "{target}"')
    try:
        host = settings_dict["HOST"] or "127.0.0.1"
        port = settings_dict["PORT"] or 5432
        user = settings_dict["USER"] or "postgres"
        password = f":{settings_dict['PASSWORD']}" if settings_dict["PASSWORD"] else ""
        url = f"postgres://{user}{password}@{host}:{port}/{target}"
        call_command("restore", dump, "--target-url", url, stdout=StringIO())
        before = table_fingerprints(dsn_for(settings_dict, source))
        after = table_fingerprints(dsn_for(settings_dict, target))
        assert before["enterprises_enterprise"][0] >= 25
        assert after == before

        with pytest.raises(CommandError, match="不是空库"):
            call_command("restore", dump, "--target-url", url, stdout=StringIO())
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{target}"')
        admin.close()
