from django.core.management.base import BaseCommand, CommandError

from reports import assessment


class Command(BaseCommand):
    help = (
        "发布某年度考核结果（冻结当前草稿为新版本）：publish_assessment 年度 --note 说明 [--reason 原因]。"
        "该年度已发布过，或在该年度12月31日之前（统计日期晚于今天）发布阶段性结果时，须用 --reason 说明原因"
    )

    def add_arguments(self, parser):
        parser.add_argument("year", type=int)
        parser.add_argument("--note", default="", help="发布说明")
        parser.add_argument(
            "--reason", default="", help="重新发布原因，或提前发布阶段性结果的原因（该年度已发布过或尚未结束时必填）"
        )

    def handle(self, *args, year, note, reason, **options):
        if not 2000 <= year <= 2100:
            raise CommandError("年度应在2000至2100之间")
        try:
            publication = assessment.assessment_publish(
                user=None, year=year, note=note, reason=reason, interim_reason=reason
            )
        except assessment.PublishRefused as error:
            raise CommandError(f"{error}（--reason）") from None
        top = [row for row in publication.data["counties"] if row["rank"] == 1]
        kind = "阶段性结果" if publication.interim else "全年结果"
        as_of = publication.data["as_of"]
        self.stdout.write(
            self.style.SUCCESS(
                f"已发布 {year} 年度考核结果第 {publication.version} 版（{kind}），统计日期 {as_of}，"
                f"共 {len(publication.data['counties'])} 个单位；第一名：{'、'.join(r['name'] for r in top)}。"
            )
        )
