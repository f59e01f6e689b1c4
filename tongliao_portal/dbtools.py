"""pg_dump / pg_restore around the configured PostgreSQL database (backups that restore)."""

import os
import subprocess
from urllib.parse import urlsplit

from django.core.management.base import CommandError


def libpq_env(settings_dict: dict) -> tuple[list[str], dict[str, str]]:
    """Connection arguments and environment for the PostgreSQL client tools (password via PGPASSWORD)."""
    args = []
    if settings_dict.get("HOST"):
        args += ["-h", str(settings_dict["HOST"])]
    if settings_dict.get("PORT"):
        args += ["-p", str(settings_dict["PORT"])]
    if settings_dict.get("USER"):
        args += ["-U", str(settings_dict["USER"])]
    env = dict(os.environ)
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    return args, env


def settings_from_url(url: str) -> dict:
    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql", "pgsql"):
        raise CommandError("目标数据库须为 PostgreSQL 地址，例如 postgres://user@host:5432/dbname")
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": parts.path.lstrip("/"),
        "HOST": parts.hostname or "",
        "PORT": parts.port or "",
        "USER": parts.username or "",
        "PASSWORD": parts.password or "",
    }


def require_postgresql(settings_dict: dict):
    if "postgresql" not in settings_dict["ENGINE"]:
        raise CommandError("备份与恢复仅适用于 PostgreSQL；SQLite 试用库可直接复制数据库文件。")


def run(command: list[str], env: dict[str, str]):
    try:
        result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise CommandError(
            f"找不到 {command[0]}：请安装 PostgreSQL 客户端（apt-get install postgresql-client）"
        ) from None
    if result.returncode != 0:
        raise CommandError(f"{command[0]} 失败：{result.stderr.strip()}")
    return result


def public_table_count(target: dict) -> int:
    """How many tables the target database's public schema holds."""
    args, env = libpq_env(target)
    query = "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
    return int(run(["psql", *args, "-d", target["NAME"], "-At", "-c", query], env).stdout.strip())


def restore(target: dict, path: str):
    """Restore ``path`` into ``target`` as one transaction: a truncated or damaged dump, a
    failing statement or an interrupted run rolls everything back and leaves the target
    exactly as it was."""
    args, env = libpq_env(target)
    command = ["pg_restore", "--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error"]
    run([*command, *args, "-d", target["NAME"], path], env)
