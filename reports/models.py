"""Assessment (考核) of the county-level units: scoring schemes and published snapshots.

The plan scores each unit's completion of its quotas in the annual science-work
assessment but publishes no formula (docs/domain.md §1), so the scheme is data per year.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q

from targets.models import Indicator


class AssessmentScheme(models.Model):
    """How a year's assessment is scored; a year without one uses ``DEFAULT_ITEMS``."""

    year = models.PositiveSmallIntegerField("考核年度", unique=True)
    as_of = models.DateField("统计日期", null=True, blank=True, help_text="留空则取当年12月31日")
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "考核评分办法"
        verbose_name_plural = "考核评分办法"
        ordering = ["-year"]

    def __str__(self):
        return f"{self.year}年考核评分办法"


class SchemeItem(models.Model):
    """One indicator of a scheme: points = max_points × min(actual ÷ quota, cap)."""

    scheme = models.ForeignKey(
        AssessmentScheme, on_delete=models.CASCADE, related_name="items", verbose_name="评分办法"
    )
    indicator = models.CharField("指标", max_length=20, choices=Indicator)
    max_points = models.DecimalField("满分", max_digits=6, decimal_places=2)
    cap = models.DecimalField(
        "完成率上限", max_digits=4, decimal_places=2, default=Decimal("1.00"), help_text="1.00 表示超额完成不加分"
    )

    class Meta:
        verbose_name = "评分项"
        verbose_name_plural = "评分项"
        ordering = ["scheme", "indicator"]
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "indicator"], name="scheme_item_unique", violation_error_message="该指标已有评分项"
            ),
            models.CheckConstraint(
                condition=Q(max_points__gte=0),
                name="scheme_item_points_nonnegative",
                violation_error_message="满分不能为负",
            ),
            models.CheckConstraint(
                condition=Q(cap__gt=0), name="scheme_item_cap_positive", violation_error_message="完成率上限应大于0"
            ),
        ]

    def __str__(self):
        return f"{self.get_indicator_display()} 满分{self.max_points}"


class AssessmentPublication(models.Model):
    """A frozen, published version of a year's assessment.

    ``data`` holds the whole computed result at publication (as_of date, scheme and every
    unit's items, total and rank), so later corrections of enterprises, certificates or
    quotas never change it. Republishing adds a version; every version stays readable.
    """

    year = models.PositiveSmallIntegerField("考核年度")
    version = models.PositiveSmallIntegerField("版本")
    published_at = models.DateTimeField("发布时间", auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, verbose_name="发布人"
    )
    note = models.CharField("发布说明", max_length=500, blank=True)
    reason = models.CharField("重新发布原因", max_length=500, blank=True)
    # Published before the year's 12-31, or counted at a date after the day of publication: later
    # certificates and registrations of the year can still change the figures (issue 12).
    interim = models.BooleanField("阶段性结果", default=False)
    interim_reason = models.CharField("提前发布原因", max_length=500, blank=True)
    data = models.JSONField("考核结果快照")

    class Meta:
        verbose_name = "已发布考核结果"
        verbose_name_plural = "已发布考核结果"
        ordering = ["-year", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "version"], name="publication_unique_version", violation_error_message="该版本已存在"
            ),
            models.CheckConstraint(
                condition=Q(version=1) | ~Q(reason=""),
                name="publication_republish_has_reason",
                violation_error_message="重新发布须说明原因",
            ),
            models.CheckConstraint(
                condition=Q(interim=False) | ~Q(interim_reason=""),
                name="publication_interim_has_reason",
                violation_error_message="阶段性结果须说明提前发布的原因",
            ),
        ]

    def __str__(self):
        kind = "（阶段性结果）" if self.interim else ""
        return f"{self.year}年考核结果 第{self.version}版{kind}"
