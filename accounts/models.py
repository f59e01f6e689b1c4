"""Portal accounts: Django users with a role (a group) and, for county officials, a county."""

import datetime
from functools import cached_property

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone


class Role(models.TextChoices):
    """The three kinds of people the portal serves; each is a Django group of this name."""

    BUREAU = "bureau", "市科技局工作人员"
    COUNTY = "county", "旗县市区科技部门"
    LEADER = "leader", "市领导"


class User(AbstractUser):
    """A portal user.

    The role is the user's group (``bureau``, ``county`` or ``leader``); a superuser acts
    as bureau staff. A county official is bound to exactly one county; without one they
    see nothing.
    """

    county = models.ForeignKey(
        "units.County",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="officials",
        verbose_name="所属旗县市区",
    )
    must_change_password = models.BooleanField(
        "下次登录须修改密码", default=False, help_text="由 add_user 创建的账号首次登录时必须修改密码"
    )
    password_changed_at = models.DateTimeField("密码修改时间", null=True, blank=True)

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def set_password(self, raw_password):
        """Record when the password changed (for expiry) and clear a pending forced change."""
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()
        self.must_change_password = False

    @cached_property
    def role(self) -> str | None:
        if not self.is_authenticated or not self.is_active:
            return None
        if self.is_superuser:
            return Role.BUREAU
        names = set(self.groups.values_list("name", flat=True))
        for role in (Role.BUREAU, Role.LEADER, Role.COUNTY):
            if role.value in names:
                return role
        return None

    @property
    def role_label(self) -> str:
        return Role(self.role).label if self.role else "未分配角色"

    @property
    def is_bureau(self) -> bool:
        return self.role == Role.BUREAU

    @property
    def is_leader(self) -> bool:
        return self.role == Role.LEADER

    @property
    def is_county_official(self) -> bool:
        return self.role == Role.COUNTY

    @property
    def sees_all_counties(self) -> bool:
        return self.role in (Role.BUREAU, Role.LEADER)


class SecurityEventQuerySet(models.QuerySet):
    def older_than(self, days: int):
        return self.filter(at__lt=timezone.now() - datetime.timedelta(days=days))


class SecurityEvent(models.Model):
    """One entry of the security log (等保 2.0 安全审计): logins, failures, lockouts,
    refused accesses, imports and exports. Written by ``accounts.security.record``;
    read-only in the admin and never editable through the portal."""

    class Kind(models.TextChoices):
        LOGIN = "login", "登录"
        LOGOUT = "logout", "退出"
        LOGIN_FAILED = "login_failed", "登录失败"
        LOCKED_OUT = "locked_out", "账号锁定"
        REFUSED = "refused", "拒绝访问"
        IMPORT = "import", "导入"
        EXPORT = "export", "导出"
        PASSWORD_CHANGED = "password_changed", "修改密码"
        ACCOUNT_DISABLED = "account_disabled", "停用账号"

    at = models.DateTimeField("时间", default=timezone.now, db_index=True)
    kind = models.CharField("事件", max_length=20, choices=Kind)
    outcome = models.CharField("结果", max_length=20, default="success")
    username = models.CharField("用户名", max_length=150, blank=True)
    role = models.CharField("角色", max_length=20, blank=True)
    address = models.GenericIPAddressField("来源地址", null=True, blank=True)
    path = models.CharField("地址", max_length=500, blank=True)
    detail = models.JSONField("详情", default=dict, blank=True)

    objects = SecurityEventQuerySet.as_manager()

    class Meta:
        verbose_name = "安全日志"
        verbose_name_plural = "安全日志"
        ordering = ["-at"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.get_kind_display()} {self.username}"


class PasswordHistory(models.Model):
    """A hash a user's password had (等保 2.0 身份鉴别: a new password may not repeat one of the
    last few). Written by ``accounts.validators.PasswordHistoryValidator`` whenever a password
    is set; only the newest ``history + 1`` hashes of a user are kept."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history", verbose_name="用户")
    password = models.CharField("密码哈希", max_length=128)
    set_at = models.DateTimeField("设置时间", default=timezone.now)

    class Meta:
        verbose_name = "历史密码"
        verbose_name_plural = "历史密码"
        ordering = ["user", "-set_at", "-pk"]
        indexes = [models.Index(fields=["user", "-set_at"], name="password_history_latest")]

    def __str__(self):
        return f"{self.user} {self.set_at:%Y-%m-%d %H:%M}"
