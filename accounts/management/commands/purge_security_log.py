from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.models import SecurityEvent


class Command(BaseCommand):
    help = "删除超过保留期（SECURITY_LOG_RETENTION_DAYS，默认 365 天，不少于 180 天）的安全日志。"

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=settings.SECURITY_LOG_RETENTION_DAYS)

    def handle(self, *args, days, **options):
        if days < 180:
            raise CommandError("安全日志至少保留 180 天（等保 2.0）")
        deleted, _ = SecurityEvent.objects.older_than(days).delete()
        self.stdout.write(f"已删除 {deleted} 条超过 {days} 天的安全日志。")
