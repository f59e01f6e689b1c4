from django.core.management.base import BaseCommand, CommandError

from reports import excel
from reports.forms import ProgressParamsForm
from units.scope import Scope


class Command(BaseCommand):
    help = "导出全市科技企业培育进度工作簿：export_progress --year 年度 [--as-of YYYY-MM-DD] --output 文件.xlsx"

    def add_arguments(self, parser):
        parser.add_argument("--year", required=True, help="年度，例如 2025")
        parser.add_argument("--as-of", dest="as_of", default="", help="统计日期，默认往年取12月31日、本年取今天")
        parser.add_argument("--output", required=True, help="输出的 .xlsx 文件路径")

    def handle(self, *args, year, as_of, output, **options):
        form = ProgressParamsForm({"year": year, "as_of": as_of})
        if not form.is_valid():
            raise CommandError(form.error_text())
        year, as_of = form.cleaned_data["year"], form.cleaned_data["as_of"]
        try:
            rows = excel.write_progress_workbook(output, year=year, as_of=as_of, scope=Scope.city())
        except OSError as error:
            raise CommandError(f"无法写入 {output}：{error.strerror or error}") from None
        counts = "，".join(f"{sheet} {n:,} 行" for sheet, n in rows.items())
        self.stdout.write(
            self.style.SUCCESS(f"已导出 {year} 年培育进度（统计截至 {as_of:%Y-%m-%d}）到 {output}：{counts}")
        )
