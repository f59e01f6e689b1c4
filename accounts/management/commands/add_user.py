import getpass
import os

from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import get_default_password_validators, validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.models import Role, User
from accounts.validators import PasswordHistoryValidator
from units.models import County


class Command(BaseCommand):
    help = (
        "创建或更新门户账号：add_user 用户名 --role bureau|county|leader [--county 代码]。"
        "密码取自环境变量 PORTAL_PASSWORD，未设置时提示输入两次。"
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=[role.value for role in Role])
        parser.add_argument("--county", help="旗县市区代码（county 角色必填），例如 150502")
        parser.add_argument("--name", default="", help="显示名称")

    def handle(self, *args, username, role, county, name, **options):
        county_obj = None
        if role == Role.COUNTY:
            if not county:
                raise CommandError("county 角色必须用 --county 指定旗县市区代码")
            county_obj = County.objects.filter(code=county).first()
            if county_obj is None:
                raise CommandError(f"未知的旗县市区代码：{county}")
        elif county:
            raise CommandError("只有 county 角色需要 --county")

        user = User.objects.filter(username=username).first() or User(username=username)
        user.county = county_obj
        if name:
            user.first_name = name
        password = self._password(user)
        with transaction.atomic():
            user.set_password(password)
            # The person receiving the account chooses their own password at first login.
            user.must_change_password = True
            user.is_active = True
            user.save()
            user.groups.set([Group.objects.get(name=role)])
        self.stdout.write(
            self.style.SUCCESS(
                f"账号 {username} 已保存，角色：{Role(role).label}"
                + (f"，旗县市区：{county_obj.name}" if county_obj else "")
            )
        )

    def _password(self, user) -> str:
        password = os.environ.get("PORTAL_PASSWORD")
        if password is None:
            password = getpass.getpass("密码：")
            if password != getpass.getpass("再次输入密码："):
                raise CommandError("两次输入的密码不一致")
        # Every rule but the history one: this is an initial password that its holder must
        # replace at first login (and that change is checked against it and the history), so
        # an administrator may issue the same initial password again.
        validators = [v for v in get_default_password_validators() if not isinstance(v, PasswordHistoryValidator)]
        try:
            validate_password(password, user, password_validators=validators)
        except ValidationError as error:
            raise CommandError("密码不符合要求：" + "；".join(error.messages)) from None
        return password
