"""``python manage.py screen_link create NAME | list | revoke NAME``: kiosk links of the big screen."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from screen import links
from screen.models import ScreenLink


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else "—"


class Command(BaseCommand):
    help = (
        "大屏展示链接：create NAME 生成新链接（地址只显示这一次），list 列出全部链接，revoke NAME 撤销链接。"
        "链接只显示全市和各旗县市区的统计数字，不含企业名称和代码。"
    )

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="{create,list,revoke}")
        create = actions.add_parser("create", help="生成新链接并打印其地址")
        create.add_argument("name", help="放置大屏的地点，例如“一楼大厅”（不可重复）")
        create.add_argument(
            "--base-url",
            default="",
            help="平台的访问地址，例如 https://kjqy.tongliao.example（默认取 CSRF_TRUSTED_ORIGINS 的第一个）",
        )
        actions.add_parser("list", help="列出全部链接")
        revoke = actions.add_parser("revoke", help="撤销链接，其地址即刻失效")
        revoke.add_argument("name")

    def handle(self, *args, action, **options):
        try:
            if action == "create":
                self.create(options["name"], options["base_url"])
            elif action == "list":
                self.list()
            else:
                link = links.revoke_named(options["name"])
                self.stdout.write(self.style.SUCCESS(f"已撤销大屏链接“{link.name}”。"))
        except links.LinkError as error:
            raise CommandError(str(error)) from None

    def create(self, name: str, base_url: str) -> None:
        new = links.create(name)
        base = (base_url or next(iter(settings.CSRF_TRUSTED_ORIGINS), "")).rstrip("/")
        self.stdout.write(self.style.SUCCESS(f"已生成大屏链接“{new.link.name}”。地址只显示这一次，请妥善保存："))
        self.stdout.write(f"{base}{new.path}")
        if not base:
            self.stdout.write(
                "（请在地址前加上平台的访问地址，例如 https://kjqy.tongliao.example，或使用 --base-url。）"
            )

    def list(self) -> None:
        rows = ScreenLink.objects.select_related("created_by")
        if not rows:
            self.stdout.write("还没有大屏链接。")
            return
        for link in rows:
            state = "有效" if link.is_active else f"已撤销 {_when(link.revoked_at)}"
            creator = link.created_by.get_username() if link.created_by else "命令行"
            self.stdout.write(
                f"{link.name}\t{state}\t创建 {_when(link.created_at)}（{creator}）\t最近访问 {_when(link.last_used_at)}"
            )
