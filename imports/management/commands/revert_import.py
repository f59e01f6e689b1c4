"""``python manage.py revert_import ID --reason TEXT``: undo a committed import (issue 12, 导入撤销).

The same service as the record page's 撤销本次导入 (``imports.revert.revert_import``): one
transaction, refused — writing nothing, exit status 1 — when a later change touched what it would
undo, naming each row.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from imports.models import ImportRecord
from imports.revert import RevertRefused, revert_import


class Command(BaseCommand):
    help = "撤销一次名单导入（删除其新建的数据，恢复其修改的数据）"

    def add_arguments(self, parser):
        parser.add_argument("record", type=int, help="导入记录编号（导入记录页面上的 #）")
        parser.add_argument("--reason", required=True, help="撤销原因（记入审计日志）")
        parser.add_argument("--user", help="记为撤销人的用户名（默认不记名）")

    def handle(self, *args, record, reason, user, **options):
        found = ImportRecord.objects.filter(pk=record).first()
        if found is None:
            raise CommandError(f"没有导入记录 #{record}")
        actor = None
        if user:
            actor = get_user_model().objects.filter(username=user).first()
            if actor is None:
                raise CommandError(f"--user：没有用户 {user}")
            if not actor.is_bureau:
                raise CommandError(f"--user：{user} 无权撤销导入")
        try:
            summary = revert_import(record=found, user=actor, reason=reason)
        except RevertRefused as refused:
            for problem in refused.problems:
                self.stderr.write(problem)
            raise CommandError(
                f"无法撤销导入记录 #{record}：{len(refused.problems)} 处导入后又有变化，未写入任何数据。"
            ) from None
        self.stdout.write(self.style.SUCCESS(f"{summary.text()}。"))
