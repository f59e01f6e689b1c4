"""The enterprise registry (docs/domain.md §2, §3)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from units.models import County
from units.scope import ScopedQuerySet
from units.versioning import CountedQuerySet

from .. import rules, status


class TechField(models.TextChoices):
    """The eight fields of 国家重点支持的高新技术领域 (docs/domain.md §4)."""

    ELECTRONICS = "electronics", "电子信息"
    BIOMEDICINE = "biomedicine", "生物与新医药"
    AEROSPACE = "aerospace", "航空航天"
    MATERIALS = "materials", "新材料"
    HIGH_TECH_SERVICES = "services", "高技术服务"
    ENERGY = "energy", "新能源与节能"
    ENVIRONMENT = "environment", "资源与环境"
    MANUFACTURING = "manufacturing", "先进制造与自动化"


class Stage(models.TextChoices):
    """Cultivation stage (培育阶段) as pages show it.

    已认定 is never stored: an enterprise is 已认定 exactly while it holds a valid certificate
    (``enterprises.status``), so the stage cannot drift from the certificates. The stored field
    holds the cultivation stage of the others (``CultivationStage``), with its history
    (``StageChange``).
    """

    RESERVE = "reserve", "储备"
    KEY = "key", "重点培育"
    APPLIED = "applied", "已申报"
    CERTIFIED = "certified", "已认定"


class CultivationStage(models.TextChoices):
    """The stored stage: where an enterprise without a valid certificate stands."""

    RESERVE = "reserve", "储备"
    KEY = "key", "重点培育"
    APPLIED = "applied", "已申报"


FOUNDED_EARLIEST = datetime.date(1900, 1, 1)


class EnterpriseQuerySet(ScopedQuerySet, CountedQuerySet):  # type: ignore[override]  # django-stubs types as_manager per base; both bases are plain QuerySets
    unit_path = "county"

    def bulk_create(self, objs, *args, **kwargs):
        """Bulk-created enterprises get their unit period too, as single saves do (``open_unit_period``)."""
        from .events import UnitPeriod

        created = super().bulk_create(objs, *args, **kwargs)
        UnitPeriod.objects.bulk_create(
            [UnitPeriod(enterprise_id=e.pk, county_id=e.county_id) for e in created if e.pk is not None]
        )
        return created


class Enterprise(models.Model):
    """An enterprise in the registry.

    The credit code is unique and check-verified (docs/domain.md §3) unless bureau staff
    record an override reason for a real pilot code that fails the check. The name is
    unique by ``name_key``, which folds full-/half-width brackets and spaces. The county
    is the enterprise's own field, never derived from the credit code (docs/domain.md §2).
    """

    credit_code = models.CharField("统一社会信用代码", max_length=18, unique=True)
    credit_code_override = models.CharField(
        "校验位例外说明",
        max_length=200,
        blank=True,
        help_text="仅用于校验位不通过但真实存在的早期试点代码，须写明依据",
    )
    name = models.CharField("企业名称", max_length=200)
    name_key = models.CharField("名称匹配键", max_length=200, unique=True, editable=False)
    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="enterprises", verbose_name="所属旗县市区"
    )  # the current unit; figures as of a date use the unit of that date (``UnitPeriod``)
    established_on = models.DateField("成立日期", null=True, blank=True)
    tech_field = models.CharField("技术领域", max_length=20, choices=TechField, blank=True)
    industry = models.CharField("行业", max_length=100, blank=True)
    address = models.CharField("地址", max_length=200, blank=True)
    contact_person = models.CharField("联系人", max_length=50, blank=True)
    contact_phone = models.CharField("联系电话", max_length=50, blank=True)
    stage = models.CharField("培育阶段", max_length=20, choices=CultivationStage, default=CultivationStage.RESERVE)
    left_city_on = models.DateField("迁出市外日期", null=True, blank=True, editable=False)
    closed_on = models.DateField("注销日期", null=True, blank=True, editable=False)
    notes = models.TextField("备注", blank=True)
    is_demo = models.BooleanField("演示数据", default=False, editable=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = EnterpriseQuerySet.as_manager()

    class Meta:
        verbose_name = "企业"
        verbose_name_plural = "企业"
        # By name: an index scan serves the first page of the whole registry (county, name)
        # serves a county's); ordering by the county's display order would sort every row.
        ordering = ["name"]
        indexes = [
            models.Index(fields=["county", "name"], name="enterprise_county_name"),
            models.Index(fields=["name"], name="enterprise_name"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(credit_code__regex=r"^[0-9A-HJ-NPQRTUWXY]{18}$"),
                name="enterprise_credit_code_format",
                violation_error_message="统一社会信用代码应为18位数字或大写字母（不含 I、O、Z、S、V）",
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.credit_code = rules.normalize_credit_code(self.credit_code)
        self.name = rules.normalize_name(self.name)
        self.name_key = rules.name_key(self.name)
        super().save(*args, **kwargs)

    def clean(self):
        self.credit_code = rules.normalize_credit_code(self.credit_code)
        self.name = rules.normalize_name(self.name)
        self.name_key = rules.name_key(self.name)
        error = rules.credit_code_error(self.credit_code)
        if error and not self.credit_code_override.strip():
            raise ValidationError({"credit_code": error})
        if self.established_on and not FOUNDED_EARLIEST <= self.established_on <= timezone.localdate():
            raise ValidationError({"established_on": "成立日期应在1900年1月1日至今天之间"})

    @property
    def is_active(self) -> bool:
        """Neither moved out of the city nor closed (注销)."""
        return self.left_city_on is None and self.closed_on is None

    def stage_on(self, as_of: datetime.date) -> str:
        """The stage shown on ``as_of``: 已认定 while a certificate is valid, else the stored stage."""
        if any(status.is_certificate_valid(c, as_of) for c in self.certifications.all()):
            return Stage.CERTIFIED
        return self.stage

    def validate_unique(self, exclude=None):
        """Report a duplicate name on ``name`` in words a clerk understands, not on ``name_key``."""
        errors = {}
        try:
            super().validate_unique(exclude=set(exclude or ()) | {"name_key"})
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        clash = Enterprise.objects.filter(name_key=self.name_key).exclude(pk=self.pk).first()
        if clash and "name" not in (exclude or ()):
            errors.setdefault("name", []).append(f"企业名称与已登记的“{clash.name}”相同（忽略括号全半角和空格）")
        if errors:
            raise ValidationError(errors)
