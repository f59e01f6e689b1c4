from django.conf import settings
from django.core.management.base import BaseCommand
from django.db.models import Q
from django.utils import timezone

from accounts import security
from accounts.models import User


class Command(BaseCommand):
    help = "停用长期未登录的账号（默认 ACCOUNT_INACTIVE_DAYS 天；超级管理员除外）。可由 cron 或 systemd 定时执行。"

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=settings.ACCOUNT_INACTIVE_DAYS)
        parser.add_argument("--dry-run", action="store_true", help="只列出，不停用")

    def handle(self, *args, days, dry_run, **options):
        cutoff = timezone.now() - timezone.timedelta(days=days)
        idle = User.objects.filter(is_active=True, is_superuser=False).filter(
            Q(last_login__lt=cutoff) | Q(last_login__isnull=True, date_joined__lt=cutoff)
        )
        names = list(idle.values_list("username", flat=True))
        if not dry_run:
            for user in idle:
                user.is_active = False
                user.save(update_fields=["is_active"])
                security.record(security.Kind.ACCOUNT_DISABLED, user=user, reason=f"{days} 天未登录")
        verb = "将停用" if dry_run else "已停用"
        self.stdout.write(
            f"{verb} {len(names)} 个超过 {days} 天未登录的账号" + (f"：{'、'.join(names)}" if names else "。")
        )
