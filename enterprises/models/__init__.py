"""The registry's models (docs/domain.md): enterprises, their certificates and registrations, and
what happens to them over time. Import them from here: ``from enterprises.models import Enterprise``."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from .events import EnterpriseEvent, EnterpriseName, EventKind, StageChange, UnitPeriod, period_covers_q
from .records import (
    ISSUED_EARLIEST,
    CertificationKind,
    CertificationQuerySet,
    HighTechCertification,
    RegistrationQuerySet,
    TechSMERegistration,
)
from .registry import FOUNDED_EARLIEST, CultivationStage, Enterprise, EnterpriseQuerySet, Stage, TechField

__all__ = [
    "FOUNDED_EARLIEST",
    "ISSUED_EARLIEST",
    "CertificationKind",
    "CertificationQuerySet",
    "CultivationStage",
    "Enterprise",
    "EnterpriseEvent",
    "EnterpriseName",
    "EnterpriseQuerySet",
    "EventKind",
    "HighTechCertification",
    "RegistrationQuerySet",
    "Stage",
    "StageChange",
    "TechField",
    "TechSMERegistration",
    "UnitPeriod",
    "period_covers_q",
]


@receiver(post_save, sender=Enterprise, dispatch_uid="enterprise-open-unit-period")
def open_unit_period(sender, instance: Enterprise, created: bool, raw: bool = False, **kwargs) -> None:
    """A new enterprise belongs to its unit from the start; a corrected unit (the edit form) is
    a correction of the current period, not a move (moves are dated events, ``events.py``)."""
    if raw:
        return
    if created:
        UnitPeriod.objects.create(enterprise=instance, county_id=instance.county_id)
    elif instance.is_active:
        UnitPeriod.objects.filter(enterprise=instance, ends_on__isnull=True).exclude(
            county_id=instance.county_id
        ).update(county_id=instance.county_id)
