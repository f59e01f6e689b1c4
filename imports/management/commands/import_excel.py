"""``manage.py import_excel {enterprises,hte,sme,quotas} FILE``: the import page's flow on the command line.

County quotas go into the plan named by ``--plan`` (its name or its document number).
"""

from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from accounts import security
from imports import kinds
from imports.importer import ImportOptions, import_commit, import_preview
from imports.models import ImportKind
from imports.workbook import CellError, WorkbookError, cell_date, upload_limit_bytes
from targets.models import Plan
from units.models import County


def _date(text: str):
    try:
        return cell_date(text)
    except CellError as error:
        raise CommandError(f"--date：{error.reason}") from error


class Command(BaseCommand):
    help = (
        "导入 Excel 名单：enterprises（企业名录）、hte（高新技术企业认定名单）、sme（科技型中小企业入库名单）、"
        "quotas（旗县市区任务数，须用 --plan 指定行动方案）。"
        "先校验全部行；任何一行有错误则不写入任何数据并以非零状态退出。"
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(kinds.SPECS), help="名单类型")
        parser.add_argument("file", help=".xlsx 文件路径")
        parser.add_argument(
            "--date", help="公告日期（YYYY-MM-DD）：用于名单中没有日期的行，也是企业名录中迁移的生效日期"
        )
        parser.add_argument(
            "--county",
            help="新企业所属旗县市区代码（6位）：名单中没有所属旗县市区的新企业归入该单位；不给则这样的行为错误",
        )
        parser.add_argument("--year", type=int, help="评价年度（科技型中小企业名单中没有该列时使用）")
        parser.add_argument("--plan", help="行动方案的名称或文号（导入旗县市区任务数时必填）")
        parser.add_argument("--dry-run", action="store_true", help="只校验并报告，不写入")
        parser.add_argument("--user", help="记为导入人的用户名（默认不记名）")

    def handle(self, *args, kind, file, date, county, year, plan, dry_run, user, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"找不到文件：{file}")
        if path.stat().st_size > upload_limit_bytes():
            raise CommandError(f"文件超过 {settings.IMPORT_MAX_UPLOAD_MB} MB 的上限，请拆分后分批导入。")
        if kind == ImportKind.QUOTAS and not plan:
            raise CommandError("导入旗县市区任务数须用 --plan 指定行动方案（名称或文号）。")
        if plan and kind != ImportKind.QUOTAS:
            raise CommandError("--plan 只用于旗县市区任务数（quotas）。")
        import_options = ImportOptions(
            kind=kind,
            announced_on=_date(date) if date else None,
            county=self._county(county) if county else None,
            year=year,
            plan=self._plan(plan) if plan else None,
        )
        actor = self._user(user) if user else None
        call = import_preview if dry_run else import_commit
        arguments = {"user": actor, "content": path.read_bytes(), "file_name": path.name, "options": import_options}
        if not dry_run:
            arguments["source"] = "command"
        try:
            result = call(**arguments)
        except WorkbookError as error:
            raise CommandError(error.message) from error
        except PermissionDenied as error:
            raise CommandError(f"--user：{user} 无权导入{ImportKind(kind).label}") from error
        self._report(result, verbose=options["verbosity"] >= 2)
        if result.has_errors:
            raise CommandError(f"有 {result.counts['error']} 行存在错误，未写入任何数据。")
        if dry_run:
            self.stdout.write(self.style.SUCCESS("试运行：校验通过，未写入数据。"))
        else:
            security.record(security.Kind.IMPORT, user=actor, username=user or "manage.py", **result.record_summary())
            self.stdout.write(self.style.SUCCESS(f"已导入（导入记录 #{result.record.pk}）。"))

    def _report(self, result, *, verbose: bool) -> None:
        self.stdout.write(f"{result.kind_label}，工作表：{'、'.join(result.sheets)}")
        self.stdout.write(result.summary())
        for notice in result.notices:
            self.stdout.write(notice)
        for message in result.error_messages():
            self.stderr.write(f"错误：{message}")
        for message in result.warning_messages():
            self.stdout.write(f"提示：{message}")
        if verbose:
            for row in result.rows:
                details = "；".join(row.changes)
                self.stdout.write(f"{row.where} {row.outcome_label} {row.label} {row.key} {details}".rstrip())

    def _county(self, code: str) -> County:
        county = County.objects.filter(code=code.strip(), is_active=True).first()
        if county is None:
            codes = "、".join(f"{c.code} {c.name}" for c in County.objects.filter(is_active=True))
            raise CommandError(f"--county：未知的旗县市区代码 {code}，应为：{codes}")
        return county

    def _plan(self, text: str) -> Plan:
        """The plan whose name, else whose document number, is ``text`` exactly."""
        text = text.strip()
        found = Plan.objects.filter(name=text).first()
        if found is not None:
            return found
        by_number = list(Plan.objects.filter(document_number=text)[:2]) if text else []
        if len(by_number) == 1:
            return by_number[0]
        if len(by_number) > 1:
            raise CommandError(f"--plan：文号 {text} 对应多个行动方案，请改用方案名称")
        names = "；".join(f"{p.name}（{p.document_number or '无文号'}）" for p in Plan.objects.all())
        raise CommandError(f"--plan：没有名称或文号为“{text}”的行动方案，现有：{names or '无'}")

    def _user(self, username: str):
        account = get_user_model().objects.filter(username=username, is_active=True).first()
        if account is None:
            raise CommandError(f"--user：没有用户 {username}")
        return account
