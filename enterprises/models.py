"""The registry: enterprises, high-tech certificates and SME registrations.

Rules come from docs/domain.md; the pure functions live in ``rules.py``.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from units.models import County
from units.scope import ScopedQuerySet
from units.versioning import CountedQuerySet

from . import rules, status


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
    """Cultivation stage (培育阶段) the bureau and counties track."""

    RESERVE = "reserve", "储备"
    KEY = "key", "重点培育"
    APPLIED = "applied", "已申报"
    CERTIFIED = "certified", "已认定"


class EnterpriseQuerySet(ScopedQuerySet, CountedQuerySet):  # type: ignore[override]  # django-stubs types as_manager per base; both bases are plain QuerySets
    unit_path = "county"


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
    )
    established_on = models.DateField("成立日期", null=True, blank=True)
    tech_field = models.CharField("技术领域", max_length=20, choices=TechField, blank=True)
    industry = models.CharField("行业", max_length=100, blank=True)
    address = models.CharField("地址", max_length=200, blank=True)
    contact_person = models.CharField("联系人", max_length=50, blank=True)
    contact_phone = models.CharField("联系电话", max_length=50, blank=True)
    stage = models.CharField("培育阶段", max_length=20, choices=Stage, default=Stage.RESERVE)
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


class CertificationKind(models.TextChoices):
    FIRST = "first", "首次认定"
    RENEWAL = "renewal", "重新认定"


class CertificationQuerySet(ScopedQuerySet, CountedQuerySet):  # type: ignore[override]  # django-stubs types as_manager per base; both bases are plain QuerySets
    unit_path = "enterprise__county"

    def valid_on(self, as_of: datetime.date):
        return self.filter(status.certificate_valid_q(as_of))


class HighTechCertification(models.Model):
    """A high-tech enterprise certificate (docs/domain.md §4).

    ``valid_until`` is derived from ``issued_on`` (through the day before the third
    anniversary) and stored for indexing. A revocation takes effect on ``revoked_on``.
    """

    enterprise = models.ForeignKey(
        Enterprise,
        on_delete=models.CASCADE,
        related_name="certifications",
        verbose_name="企业",
    )
    number = models.CharField("证书编号", max_length=20, unique=True)
    issued_on = models.DateField("发证日期")
    valid_until = models.DateField("有效期至", editable=False)
    kind = models.CharField("认定类型", max_length=10, choices=CertificationKind, default=CertificationKind.FIRST)
    batch = models.CharField("批次", max_length=50, blank=True, help_text="例如：2023年第一批")
    revoked_on = models.DateField("取消资格日期", null=True, blank=True)
    revoke_reason = models.CharField("取消资格原因", max_length=200, blank=True)
    revoke_document = models.CharField("取消资格文号", max_length=100, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = CertificationQuerySet.as_manager()

    class Meta:
        verbose_name = "高新技术企业证书"
        verbose_name_plural = "高新技术企业证书"
        ordering = ["-issued_on", "number"]
        indexes = [
            models.Index(fields=["issued_on", "valid_until"], name="hte_validity"),
            models.Index(fields=["valid_until"], name="hte_valid_until"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__gt=models.F("issued_on")),
                name="hte_valid_after_issue",
                violation_error_message="有效期至应晚于发证日期",
            ),
            models.CheckConstraint(
                condition=Q(revoked_on__isnull=True) | Q(revoked_on__gte=models.F("issued_on")),
                name="hte_revoked_after_issue",
                violation_error_message="取消资格日期不能早于发证日期",
            ),
            models.CheckConstraint(
                condition=Q(revoked_on__isnull=True) | ~Q(revoke_reason=""),
                name="hte_revocation_has_reason",
                violation_error_message="取消资格须填写原因",
            ),
        ]

    def __str__(self):
        return self.number

    def save(self, *args, **kwargs):
        self.number = rules.normalize_hte_number(self.number)
        if self.issued_on:
            self.valid_until = rules.hte_valid_until(self.issued_on)
        super().save(*args, **kwargs)

    def clean(self):
        self.number = rules.normalize_hte_number(self.number)
        error = rules.hte_number_error(self.number)
        if error:
            raise ValidationError({"number": error})
        if self.issued_on:
            self.valid_until = rules.hte_valid_until(self.issued_on)

    def is_valid_on(self, as_of: datetime.date) -> bool:
        return status.is_certificate_valid(self, as_of)

    def status_on(self, as_of: datetime.date) -> status.Status:
        return status.certificate_status(self, as_of)

    @property
    def warnings(self) -> list[str]:
        return rules.hte_number_warnings(self.number, self.issued_on)


class RegistrationQuerySet(ScopedQuerySet, CountedQuerySet):  # type: ignore[override]  # django-stubs types as_manager per base; both bases are plain QuerySets
    unit_path = "enterprise__county"

    def registered_in(self, year: int, as_of: datetime.date):
        """Registrations for evaluation year ``year`` in force on ``as_of`` (docs/domain.md §6)."""
        return self.filter(status.registration_in_force_q(year, as_of))


class TechSMERegistration(models.Model):
    """A registration (入库登记) of a technology-based SME for one evaluation year.

    A registration number is valid for its evaluation year only (docs/domain.md §5): an
    enterprise counts as registered in year Y only with a registration for Y.
    """

    enterprise = models.ForeignKey(
        Enterprise,
        on_delete=models.CASCADE,
        related_name="registrations",
        verbose_name="企业",
    )
    year = models.PositiveSmallIntegerField("评价年度")
    number = models.CharField("入库登记编号", max_length=40, unique=True)
    registered_on = models.DateField("入库日期")
    revoked_on = models.DateField("移出日期", null=True, blank=True)
    revoke_reason = models.CharField("移出原因", max_length=200, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        verbose_name = "科技型中小企业入库登记"
        verbose_name_plural = "科技型中小企业入库登记"
        ordering = ["-year", "number"]
        indexes = [models.Index(fields=["year", "registered_on"], name="sme_year_date")]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "year"],
                name="sme_one_per_enterprise_year",
                violation_error_message="该企业本评价年度已有入库登记",
            ),
            models.CheckConstraint(
                condition=Q(year__gte=2000) & Q(year__lte=2100),
                name="sme_year_range",
                violation_error_message="评价年度应在2000至2100之间",
            ),
            models.CheckConstraint(
                condition=Q(revoked_on__isnull=True) | Q(revoked_on__gte=models.F("registered_on")),
                name="sme_revoked_after_registration",
                violation_error_message="移出日期不能早于入库日期",
            ),
            models.CheckConstraint(
                condition=Q(revoked_on__isnull=True) | ~Q(revoke_reason=""),
                name="sme_revocation_has_reason",
                violation_error_message="移出须填写原因",
            ),
        ]

    def __str__(self):
        return self.number

    def save(self, *args, **kwargs):
        self.number = rules.normalize_sme_number(self.number)
        super().save(*args, **kwargs)

    def clean(self):
        self.number = rules.normalize_sme_number(self.number)

    @property
    def warnings(self) -> list[str]:
        return rules.sme_number_warnings(self.number, self.year)

    def is_registered_on(self, as_of: datetime.date) -> bool:
        return status.is_registration_held(self, as_of)

    def status_on(self, as_of: datetime.date) -> status.Status:
        return status.registration_status(self, as_of)
