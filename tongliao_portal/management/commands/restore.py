from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from tongliao_portal import dbtools


class Command(BaseCommand):
    help = (
        "从 backup 生成的文件恢复到一个空的 PostgreSQL 数据库（默认当前配置的数据库；--target-url 指定其他库）。"
        "恢复在一个事务中进行：失败时目标库保持原样。"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="备份文件（.dump）")
        parser.add_argument(
            "--target-url", help="目标数据库地址，例如 postgres://postgres@127.0.0.1:5432/tongliao_restore"
        )

    def handle(self, *args, file, target_url, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"备份文件不存在：{path}")
        target = dbtools.settings_from_url(target_url) if target_url else dict(connection.settings_dict)
        dbtools.require_postgresql(target)
        tables = dbtools.public_table_count(target)
        if tables:
            raise CommandError(
                f"目标数据库 {target['NAME']} 不是空库（已有 {tables} 张表），为防止覆盖数据，拒绝恢复。"
            )
        try:
            dbtools.restore(target, str(path))
        except CommandError as error:
            raise CommandError(
                f"恢复失败，已整体回滚，目标数据库 {target['NAME']} 未作任何修改（备份文件可能不完整或已损坏）。{error}"
            ) from None
        self.stdout.write(self.style.SUCCESS(f"已将 {path.name} 恢复到数据库 {target['NAME']}。"))
