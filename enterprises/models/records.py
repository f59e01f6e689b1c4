"""High-tech certificates and SME registrations (docs/domain.md §4–§6)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from units.scope import ScopedQuerySet
from units.versioning import CountedQuerySet

from .. import rules, status
from .registry import Enterprise


class CertificationKind(models.TextChoices):
    FIRST = "first", "首次认定"
    RENEWAL = "renewal", "重新认定"


# The current regime of 高新技术企业认定 (国科发火〔2016〕32号 replaced the 2008 rules; certificates
# of the 2008 regime are the oldest the registry holds).
ISSUED_EARLIEST = datetime.date(2008, 1, 1)


def _date_text(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


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
            models.UniqueConstraint(
                fields=["enterprise"],
                condition=Q(kind="first"),
                name="hte_one_first_per_enterprise",
                violation_error_message="该企业已有首次认定的证书：一家企业只有一张首次认定证书，其后的为重新认定",
            ),
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
            if not ISSUED_EARLIEST <= self.issued_on <= timezone.localdate():
                raise ValidationError({"issued_on": "发证日期应在2008年1月1日至今天之间"})
        if self.enterprise_id and self.issued_on:
            kind_error = self.kind_error(self.enterprise.certifications.exclude(pk=self.pk))
            if kind_error:
                raise ValidationError({"kind": kind_error})

    def kind_error(self, others) -> str:
        """Why this certificate's 认定类型 does not fit the enterprise's other certificates, or "".

        An enterprise has one 首次认定, its earliest certificate; every later one is 重新认定, and a
        重新认定 needs an earlier certificate (docs/domain.md §4).
        """
        others = list(others)
        earlier = [c for c in others if c.issued_on < self.issued_on]
        if self.kind == CertificationKind.FIRST:
            if earlier:
                oldest = min(earlier, key=lambda c: c.issued_on)
                return f"该企业已有 {oldest.issued_on:%Y-%m-%d} 发证的证书 {oldest.number}，再次认定应选择“重新认定”"
            first = next((c for c in others if c.kind == CertificationKind.FIRST), None)
            if first is not None:
                return (
                    f"该企业已有首次认定的证书 {first.number}（{_date_text(first.issued_on)}发证），"
                    "一家企业只有一张首次认定证书；如本证书更早，请先将该证书更正为重新认定"
                )
        elif not earlier:
            return "重新认定须有更早的高新技术企业证书，该企业没有更早的证书，应为首次认定"
        return ""

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
        if self.registered_on and self.year and self.registered_on.year < self.year:
            raise ValidationError({"registered_on": f"入库日期应在评价年度 {self.year} 年或以后"})

    @property
    def warnings(self) -> list[str]:
        return rules.sme_number_warnings(self.number, self.year)

    def is_registered_on(self, as_of: datetime.date) -> bool:
        return status.is_registration_held(self, as_of)

    def status_on(self, as_of: datetime.date) -> status.Status:
        return status.registration_status(self, as_of)
