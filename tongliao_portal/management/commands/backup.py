from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import connection
from django.utils import timezone

from tongliao_portal import dbtools


class Command(BaseCommand):
    help = "备份数据库：pg_dump -Fc 写入 --output 目录（默认 backups/），文件名含日期时间。"

    def add_arguments(self, parser):
        parser.add_argument("--output", default="backups", help="备份目录（默认 backups/）")

    def handle(self, *args, output, **options):
        settings_dict = connection.settings_dict
        dbtools.require_postgresql(settings_dict)
        directory = Path(output)
        directory.mkdir(parents=True, exist_ok=True)
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        path = directory / f"tongliao-{settings_dict['NAME']}-{stamp}.dump"
        args, env = dbtools.libpq_env(settings_dict)
        dbtools.run(
            ["pg_dump", "-Fc", "--no-owner", "--no-privileges", *args, "-f", str(path), settings_dict["NAME"]], env
        )
        path.chmod(0o600)
        self.stdout.write(self.style.SUCCESS(f"已备份到 {path}（{path.stat().st_size:,} 字节）"))
        self.stdout.write(str(path))
