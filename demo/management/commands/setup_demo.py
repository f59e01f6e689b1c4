import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand

from accounts.models import Role, User
from enterprises.models import Enterprise
from units.models import County

LOGINS_FILE = Path(settings.BASE_DIR) / "demo-logins.txt"
DEMO_COUNTY_CODE = "150502"  # 科尔沁区

# username, role, first name shown in the navigation
DEMO_ACCOUNTS = [
    ("demo_admin", None, "演示管理员"),
    ("demo_bureau", Role.BUREAU, "市科技局（演示）"),
    ("demo_county", Role.COUNTY, "科尔沁区科技局（演示）"),
    ("demo_leader", Role.LEADER, "市领导（演示）"),
]


class Command(BaseCommand):
    help = "make run 的第二步：数据库为空时加载演示数据，并为每个角色创建演示账号（随机密码）。"

    def handle(self, *args, **options):
        if not Enterprise.objects.exists():
            call_command("load_demo", stdout=self.stdout)
        if Enterprise.objects.filter(is_demo=False).exists():
            self.stdout.write("数据库中有真实企业数据：不创建演示账号。")
            return
        if LOGINS_FILE.exists() and User.objects.filter(username__in=[a[0] for a in DEMO_ACCOUNTS]).count() == len(
            DEMO_ACCOUNTS
        ):
            self.stdout.write(f"演示账号已存在，登录信息见 {LOGINS_FILE.name}：\n")
            self.stdout.write(LOGINS_FILE.read_text(encoding="utf-8"))
            return
        lines = ["演示账号（仅用于演示数据，密码随机生成）", "登录地址：http://127.0.0.1:8000/accounts/login/", ""]
        county = County.objects.get(code=DEMO_COUNTY_CODE)
        for username, role, first_name in DEMO_ACCOUNTS:
            password = secrets.token_urlsafe(12)
            user, _ = User.objects.get_or_create(username=username)
            user.first_name = first_name
            user.is_superuser = user.is_staff = role is None
            user.county = county if role == Role.COUNTY else None
            user.set_password(password)
            user.save()
            user.groups.set([Group.objects.get(name=role.value)] if role else [])
            label = Role(role).label if role else "超级管理员（后台）"
            lines.append(f"{label:<12} 用户名 {username:<12} 密码 {password}")
        text = "\n".join(lines) + "\n"
        LOGINS_FILE.write_text(text, encoding="utf-8")
        LOGINS_FILE.chmod(0o600)
        self.stdout.write(text)
        self.stdout.write(f"以上登录信息已保存到 {LOGINS_FILE.name}（不纳入版本库）。")
