import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from demo.dataset import DatasetGenerator
from enterprises.models import Enterprise


class Command(BaseCommand):
    help = "生成合成数据集（用于性能测试）：--enterprises N [--seed S]。数据库中已有非合成企业时拒绝运行。"

    def add_arguments(self, parser):
        parser.add_argument("--enterprises", type=int, required=True)
        parser.add_argument("--seed", type=int, default=7)

    def handle(self, *args, enterprises, seed, **options):
        if enterprises <= 0:
            raise CommandError("--enterprises 应为正整数")
        if Enterprise.objects.filter(is_demo=False).exists():
            raise CommandError("数据库中已有非合成（真实）企业，拒绝生成合成数据。")
        started = time.perf_counter()

        def progress(counts):
            self.stderr.write(f"  已生成企业 {counts['enterprises']:,} 家 …")

        counts = DatasetGenerator(enterprises=enterprises, seed=seed, today=timezone.localdate()).run(progress)
        elapsed = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"已生成企业 {counts['enterprises']:,} 家、高新技术企业证书 {counts['certifications']:,} 张、"
                f"入库登记 {counts['registrations']:,} 条，用时 {elapsed:.1f} 秒。"
            )
        )
