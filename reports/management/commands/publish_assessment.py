from django.core.management.base import BaseCommand, CommandError

from reports import assessment


class Command(BaseCommand):
    help = "发布某年度考核结果（冻结当前草稿为新版本）：publish_assessment 年度 --note 说明 [--reason 重新发布原因]"

    def add_arguments(self, parser):
        parser.add_argument("year", type=int)
        parser.add_argument("--note", default="", help="发布说明")
        parser.add_argument("--reason", default="", help="重新发布原因（该年度已发布过时必填）")

    def handle(self, *args, year, note, reason, **options):
        if not 2000 <= year <= 2100:
            raise CommandError("年度应在2000至2100之间")
        try:
            publication = assessment.assessment_publish(user=None, year=year, note=note, reason=reason)
        except ValueError as error:
            raise CommandError(str(error)) from None
        top = [row for row in publication.data["counties"] if row["rank"] == 1]
        self.stdout.write(
            self.style.SUCCESS(
                f"已发布 {year} 年度考核结果第 {publication.version} 版，统计日期 {publication.data['as_of']}，"
                f"共 {len(publication.data['counties'])} 个单位；第一名：{'、'.join(r['name'] for r in top)}。"
            )
        )
