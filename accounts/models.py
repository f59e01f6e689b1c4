"""Portal accounts: Django users with a role (a group) and, for county officials, a county."""

from functools import cached_property

from django.contrib.auth.models import AbstractUser
from django.db import models


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
        "enterprises.County",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="officials",
        verbose_name="所属旗县市区",
    )

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

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
