"""Plans, their annual city targets and baselines, and county quotas.

Plans, years and targets are data (the 2023–2025 plan is loaded by a migration; a
2026–2030 plan is entered the same way), never code.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from units.scope import ScopedQuerySet
from units.versioning import CountedQuerySet


class Indicator(models.TextChoices):
    """What a plan counts (docs/domain.md §1); the counting module defines each one."""

    HIGH_TECH = "high_tech", "有效期内高新技术企业数"
    TECH_SME = "tech_sme", "入库科技型中小企业数"
    HIGH_TECH_NEW = "high_tech_new", "当年首次认定高新技术企业数"


class ScheduleMethod(models.TextChoices):
    """How a year in progress is given its expected figure, 序时进度 (docs/domain.md §9)."""

    AUTO = "auto", "自动：往年有三年记录时按到达规律，否则按时间"
    LINEAR = "linear", "按时间均摊（已过天数 ÷ 全年天数）"
    SEASONAL = "seasonal", "按往年证书、入库到达规律"


# The alert thresholds, as fractions of the 序时进度 (two places: 1.00 = 100 %).
THRESHOLD_VALIDATORS = [MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(2))]


class Plan(models.Model):
    """A multi-year action plan such as 通创办发〔2023〕1号 (2023–2025).

    Besides its years the plan holds how its 序时进度 is computed and the alert thresholds
    (``schedule_method``, ``green_at``, ``yellow_at``; docs/domain.md §9): data the bureau sets.
    """

    name = models.CharField("名称", max_length=200, unique=True)
    document_number = models.CharField("文号", max_length=100, blank=True)
    issued_on = models.DateField("印发日期", null=True, blank=True)
    first_year = models.PositiveSmallIntegerField("起始年度")
    last_year = models.PositiveSmallIntegerField("终止年度")
    schedule_method = models.CharField(
        "序时进度计算方法", max_length=10, choices=ScheduleMethod, default=ScheduleMethod.AUTO
    )
    green_at = models.DecimalField(
        "正常线",
        max_digits=3,
        decimal_places=2,
        default=Decimal("1.00"),
        validators=THRESHOLD_VALIDATORS,
        help_text="完成数达到序时进度的这一倍数及以上为“正常”（绿色），1.00 即 100%",
    )
    yellow_at = models.DecimalField(
        "关注线",
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.80"),
        validators=THRESHOLD_VALIDATORS,
        help_text="达到这一倍数、未到正常线为“关注”（黄色），低于为“滞后”（红色）；0.80 即 80%",
    )

    class Meta:
        verbose_name = "行动方案"
        verbose_name_plural = "行动方案"
        ordering = ["first_year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(last_year__gte=F("first_year")),
                name="plan_years_ordered",
                violation_error_message="终止年度不能早于起始年度",
            ),
            models.CheckConstraint(
                condition=Q(yellow_at__gte=0, yellow_at__lte=F("green_at"), green_at__lte=2),
                name="plan_thresholds_ordered",
                violation_error_message="关注线应在 0 至正常线之间，正常线不超过 2.00",
            ),
        ]

    def __str__(self):
        return f"{self.name}（{self.first_year}—{self.last_year}年）"

    def clean(self):
        if self.first_year and self.last_year:
            overlapping = Plan.objects.filter(first_year__lte=self.last_year, last_year__gte=self.first_year).exclude(
                pk=self.pk
            )
            if overlapping.exists():
                raise ValidationError(f"年度与方案“{overlapping.first().name}”重叠：每个年度只能属于一个方案")

    @property
    def years(self) -> range:
        return range(self.first_year, self.last_year + 1)


class AnnualTarget(models.Model):
    """A city-level target of a plan for one year and indicator (e.g. 2025 high_tech 100)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="targets", verbose_name="方案")
    year = models.PositiveSmallIntegerField("年度")
    indicator = models.CharField("指标", max_length=20, choices=Indicator)
    value = models.PositiveIntegerField("目标值")

    class Meta:
        verbose_name = "年度目标"
        verbose_name_plural = "年度目标"
        ordering = ["plan", "year", "indicator"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "year", "indicator"],
                name="target_unique_plan_year_indicator",
                violation_error_message="该方案该年度该指标已有目标",
            ),
        ]

    def __str__(self):
        return f"{self.year}年 {self.get_indicator_display()} {self.value}"

    def clean(self):
        if self.plan_id and self.year and self.year not in self.plan.years:
            raise ValidationError({"year": f"年度应在方案期内（{self.plan.first_year}—{self.plan.last_year}年）"})


class Baseline(models.Model):
    """A figure a plan quotes for an earlier year (e.g. end of 2020: 37 HTEs)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="baselines", verbose_name="方案")
    year = models.PositiveSmallIntegerField("年度")
    indicator = models.CharField("指标", max_length=20, choices=Indicator)
    value = models.PositiveIntegerField("基数")

    class Meta:
        verbose_name = "基数"
        verbose_name_plural = "基数"
        ordering = ["plan", "year", "indicator"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "year", "indicator"],
                name="baseline_unique_plan_year_indicator",
                violation_error_message="该方案该年度该指标已有基数",
            ),
        ]

    def __str__(self):
        return f"{self.year}年底 {self.get_indicator_display()} {self.value}"


class CountyQuotaQuerySet(ScopedQuerySet, CountedQuerySet):  # type: ignore[override]  # django-stubs types as_manager per base; both bases are plain QuerySets
    unit_path = "county"


class CountyQuota(models.Model):
    """A county's share of a plan's target for one year and indicator (entered by the bureau)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="quotas", verbose_name="方案")
    year = models.PositiveSmallIntegerField("年度")
    county = models.ForeignKey("units.County", on_delete=models.PROTECT, related_name="quotas", verbose_name="旗县市区")
    indicator = models.CharField("指标", max_length=20, choices=Indicator)
    value = models.PositiveIntegerField("任务数")

    objects = CountyQuotaQuerySet.as_manager()

    class Meta:
        verbose_name = "旗县市区任务"
        verbose_name_plural = "旗县市区任务"
        ordering = ["plan", "year", "county__order", "indicator"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "year", "county", "indicator"],
                name="quota_unique_plan_year_county_indicator",
                violation_error_message="该方案该年度该单位该指标已有任务数",
            ),
        ]

    def __str__(self):
        return f"{self.year}年 {self.county} {self.get_indicator_display()} {self.value}"

    def clean(self):
        if self.plan_id and self.year and self.year not in self.plan.years:
            raise ValidationError({"year": f"年度应在方案期内（{self.plan.first_year}—{self.plan.last_year}年）"})
