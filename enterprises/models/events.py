"""What happens to an enterprise over time: dated events, its units over time, old names, stages.

- ``EnterpriseEvent``: 更名, 迁移 (to another unit), 迁出市外, 注销 and 合并, each with its date, reason
  and document, and who recorded it (docs/domain.md §8).
- ``UnitPeriod``: the unit an enterprise belonged to from ``starts_on`` (inclusive; null = from the
  start) to ``ends_on`` (exclusive; null = still). Every figure as of D counts an enterprise in the
  unit of its period covering D, and not at all when no period covers D (it had left the city or
  closed). Every enterprise has at least one period; the services keep them in step with events.
- ``EnterpriseName``: names an enterprise was known by, matched by later imports.
- ``StageChange``: the history of the stored cultivation stage.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q

from units.models import County
from units.scope import ScopedQuerySet
from units.versioning import CountedQuerySet

from .. import rules
from .registry import CultivationStage, Enterprise


class EventKind(models.TextChoices):
    RENAME = "rename", "更名"
    MOVE = "move", "迁移"
    LEAVE = "leave", "迁出市外"
    CLOSE = "close", "注销"
    MERGE = "merge", "合并"


class EventQuerySet(ScopedQuerySet):
    unit_path = "enterprise__county"


class EnterpriseEvent(models.Model):
    """One dated change of an enterprise, as recorded by bureau staff or an import."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="events", verbose_name="企业")
    kind = models.CharField("事项", max_length=10, choices=EventKind)
    occurred_on = models.DateField("生效日期")
    from_county = models.ForeignKey(
        County, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="原旗县市区"
    )
    to_county = models.ForeignKey(
        County, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="新旗县市区"
    )
    old_name = models.CharField("原名称", max_length=200, blank=True)
    new_name = models.CharField("新名称", max_length=200, blank=True)
    reason = models.CharField("原因", max_length=200)
    document = models.CharField("依据文件", max_length=200, blank=True)
    detail = models.JSONField("详情", default=dict, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, verbose_name="记录人"
    )
    recorded_at = models.DateTimeField("记录时间", auto_now_add=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = "企业变更事项"
        verbose_name_plural = "企业变更事项"
        ordering = ["-occurred_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.occurred_on:%Y-%m-%d}"

    @property
    def summary(self) -> str:
        """The event in words, as the enterprise page lists it."""
        if self.kind == EventKind.RENAME:
            return f"更名：{self.old_name} → {self.new_name}"
        if self.kind == EventKind.MOVE:
            return f"迁移：{self.from_county} → {self.to_county}"
        if self.kind == EventKind.LEAVE:
            return f"迁出市外（原属{self.from_county}）"
        if self.kind == EventKind.CLOSE:
            return "注销"
        return f"合并：{self.detail.get('merged_name', '')}（{self.detail.get('merged_credit_code', '')}）并入本企业"


class UnitPeriodQuerySet(ScopedQuerySet, CountedQuerySet):  # type: ignore[override]  # django-stubs types as_manager per base; both bases are plain QuerySets
    unit_path = "county"


def period_covers_q(as_of: datetime.date, prefix: str = "") -> Q:
    """Periods covering ``as_of``: started on or before it and not yet ended on it."""
    started = Q(**{f"{prefix}starts_on__isnull": True}) | Q(**{f"{prefix}starts_on__lte": as_of})
    running = Q(**{f"{prefix}ends_on__isnull": True}) | Q(**{f"{prefix}ends_on__gt": as_of})
    return started & running


class UnitPeriod(models.Model):
    """The unit an enterprise belonged to over a span of days (see the module's docstring)."""

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="unit_periods", verbose_name="企业"
    )
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+", verbose_name="旗县市区")
    starts_on = models.DateField("起始日期", null=True, blank=True)
    ends_on = models.DateField("截止日期（不含）", null=True, blank=True)

    objects = UnitPeriodQuerySet.as_manager()

    class Meta:
        verbose_name = "所属旗县市区期间"
        verbose_name_plural = "所属旗县市区期间"
        ordering = ["enterprise", "starts_on"]
        indexes = [models.Index(fields=["enterprise", "county"], name="unit_period_enterprise")]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_on__isnull=True) | Q(ends_on__isnull=True) | Q(ends_on__gt=models.F("starts_on")),
                name="unit_period_ends_after_start",
                violation_error_message="截止日期应晚于起始日期",
            ),
            models.UniqueConstraint(
                fields=["enterprise"],
                condition=Q(ends_on__isnull=True),
                name="unit_period_one_open",
                violation_error_message="一家企业只有一个当前所属旗县市区",
            ),
        ]

    def __str__(self) -> str:
        start = f"{self.starts_on:%Y-%m-%d}" if self.starts_on else "…"
        end = f"{self.ends_on:%Y-%m-%d}" if self.ends_on else "今"
        return f"{self.county} {start}—{end}"


class EnterpriseName(models.Model):
    """A name the enterprise was known by until ``used_until`` (a rename or a merged entry's name)."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="old_names", verbose_name="企业")
    name = models.CharField("曾用名", max_length=200)
    name_key = models.CharField("名称匹配键", max_length=200, db_index=True, editable=False)
    used_until = models.DateField("使用至", null=True, blank=True)

    class Meta:
        verbose_name = "曾用名"
        verbose_name_plural = "曾用名"
        ordering = ["-used_until"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.name = rules.normalize_name(self.name)
        self.name_key = rules.name_key(self.name)
        super().save(*args, **kwargs)


class StageChange(models.Model):
    """One change of the stored cultivation stage: when, from, to, by whom."""

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="stage_changes", verbose_name="企业"
    )
    changed_at = models.DateTimeField("时间", auto_now_add=True)
    from_stage = models.CharField("原阶段", max_length=20, choices=CultivationStage, blank=True)
    to_stage = models.CharField("新阶段", max_length=20, choices=CultivationStage)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, verbose_name="修改人"
    )

    class Meta:
        verbose_name = "培育阶段变更"
        verbose_name_plural = "培育阶段变更"
        ordering = ["-changed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_from_stage_display()} → {self.get_to_stage_display()}"
