from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from demo.loader import DemoLoader
from enterprises.models import Enterprise


class Command(BaseCommand):
    help = "加载演示数据（标记为演示数据）；数据库中已有真实企业时拒绝运行。"

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2023, help="随机种子（默认 2023）")

    def handle(self, *args, seed, **options):
        if Enterprise.objects.filter(is_demo=False).exists():
            raise CommandError("数据库中已有非演示企业，拒绝加载演示数据。")
        if Enterprise.objects.filter(is_demo=True).exists():
            self.stdout.write("演示数据已存在，未重复加载。")
            return
        counts = DemoLoader(seed=seed, today=timezone.localdate()).run()
        self.stdout.write(
            self.style.SUCCESS(
                f"已加载演示数据：企业 {counts['enterprises']} 家，高新技术企业证书 {counts['certifications']} 张，"
                f"科技型中小企业入库登记 {counts['registrations']} 条，演示任务数 {counts['quotas']} 项。"
            )
        )
