from django.core.management.base import BaseCommand

from units.versioning import bump_data_version


class Command(BaseCommand):
    help = "在数据库之外（如 psql）修改了企业、证书或入库数据后执行：使各进程缓存的统计数字失效。"

    def handle(self, *args, **options):
        bump_data_version()
        self.stdout.write("已更新数据版本，统计数字将按最新数据重新计算。")
