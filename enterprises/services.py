"""Writes of the registry. Each runs in one transaction, takes the acting user and
keyword-only arguments, and assumes its input was validated by a form."""

import contextlib
import datetime
import logging

from auditlog.context import auditlog_value, set_extra_data
from django.db import transaction
from django.db.models import ProtectedError

from . import events
from .models import CertificationKind, Enterprise, HighTechCertification, TechSMERegistration

log = logging.getLogger("portal.audit")


@transaction.atomic
def enterprise_save(*, user, form) -> Enterprise:
    """Create or update an enterprise from a validated EnterpriseForm or CultivationForm.

    A county official's enterprise always belongs to their own county, whatever was posted.
    """
    from_stage = form.initial.get("stage", "") if form.instance.pk else ""
    enterprise = form.save(commit=False)
    if user.is_county_official:
        enterprise.county_id = user.county_id
    enterprise.save()
    events.record_stage_change(user=user, enterprise=enterprise, from_stage=from_stage)
    log.info("enterprise saved id=%s by=%s", enterprise.pk, user.username)
    return enterprise


@transaction.atomic
def certification_record(*, user, enterprise: Enterprise, form) -> HighTechCertification:
    certification = form.save(commit=False)
    certification.enterprise = enterprise
    certification.save()
    log.info("certification recorded %s enterprise=%s by=%s", certification.number, enterprise.pk, user.username)
    return certification


@transaction.atomic
def certification_revoke(
    *, user, certification: HighTechCertification, revoked_on: datetime.date, reason: str, document: str = ""
) -> HighTechCertification:
    certification.revoked_on = revoked_on
    certification.revoke_reason = reason
    certification.revoke_document = document
    certification.save(update_fields=["revoked_on", "revoke_reason", "revoke_document", "updated_at"])
    log.info("certification revoked %s on %s by=%s", certification.number, revoked_on, user.username)
    return certification


@transaction.atomic
def registration_record(*, user, enterprise: Enterprise, form) -> TechSMERegistration:
    registration = form.save(commit=False)
    registration.enterprise = enterprise
    registration.save()
    log.info("registration recorded %s enterprise=%s by=%s", registration.number, enterprise.pk, user.username)
    return registration


@transaction.atomic
def registration_revoke(
    *, user, registration: TechSMERegistration, revoked_on: datetime.date, reason: str
) -> TechSMERegistration:
    registration.revoked_on = revoked_on
    registration.revoke_reason = reason
    registration.save(update_fields=["revoked_on", "revoke_reason", "updated_at"])
    log.info("registration revoked %s on %s by=%s", registration.number, revoked_on, user.username)
    return registration


# Corrections (issue 12): bureau staff edit or delete a mistyped record, with a reason. The
# reason goes into the audit entry's ``additional_data`` through django-auditlog's own context
# (``auditlog.context.set_extra_data``), with the enterprise's id, so the enterprise's history
# still finds a deleted record's entries. Every save and delete changes the data version
# (``units.versioning``), so the figures follow at once.


class EnterpriseInUse(ValueError):
    """The enterprise holds certificates or registrations and cannot be deleted."""


IN_USE_MESSAGE = (
    "该企业已有高新技术企业证书或科技型中小企业入库登记，不能删除。"
    "企业已不存在的，请办理注销；记录录入有误的，请先更正或删除该记录。"
)


@contextlib.contextmanager
def _audit_reason(*, user, reason: str, enterprise_id: int):
    """Audit entries written inside carry the reason; the request's actor and address are kept."""
    outer = auditlog_value.get(None)
    extra = {key: value for key, value in (outer or {}).items() if key != "signal_duid"}
    if extra.get("actor") is None:
        extra["actor"] = user
    extra["additional_data"] = {"reason": reason, "enterprise": enterprise_id}
    token = auditlog_value.set(outer)  # set_extra_data leaves its data behind; reset() brings back the request's
    try:
        with set_extra_data(context_data=extra):
            yield
    finally:
        auditlog_value.reset(token)


@transaction.atomic
def certification_correct(*, user, certification: HighTechCertification, form, reason: str) -> HighTechCertification:
    """Save a validated CertificationCorrectionForm of ``certification``."""
    with _audit_reason(user=user, reason=reason, enterprise_id=certification.enterprise_id):
        certification = form.save()
    log.info("certification corrected %s by=%s reason=%s", certification.number, user.username, reason)
    return certification


def _orphaned_renewals(enterprise: Enterprise) -> list[str]:
    """Warnings for 重新认定 certificates left without an earlier certificate."""
    certificates = sorted(enterprise.certifications.all(), key=lambda c: c.issued_on)
    if not certificates or certificates[0].kind != CertificationKind.RENEWAL:
        return []
    first = certificates[0]
    return [f"证书 {first.number} 为重新认定，但该企业已没有更早的证书，请核对并将其更正为首次认定"]


@transaction.atomic
def certification_delete(*, user, certification: HighTechCertification, reason: str) -> list[str]:
    """Delete a certificate recorded in error; returns warnings about what it leaves behind."""
    enterprise = certification.enterprise
    number = certification.number
    with _audit_reason(user=user, reason=reason, enterprise_id=enterprise.pk):
        certification.delete()
    log.info("certification deleted %s enterprise=%s by=%s reason=%s", number, enterprise.pk, user.username, reason)
    return _orphaned_renewals(enterprise)


@transaction.atomic
def registration_correct(*, user, registration: TechSMERegistration, form, reason: str) -> TechSMERegistration:
    """Save a validated RegistrationCorrectionForm of ``registration``."""
    with _audit_reason(user=user, reason=reason, enterprise_id=registration.enterprise_id):
        registration = form.save()
    log.info("registration corrected %s by=%s reason=%s", registration.number, user.username, reason)
    return registration


@transaction.atomic
def registration_delete(*, user, registration: TechSMERegistration, reason: str) -> None:
    """Delete a registration recorded in error; its number and year are free again."""
    number, enterprise_id = registration.number, registration.enterprise_id
    with _audit_reason(user=user, reason=reason, enterprise_id=enterprise_id):
        registration.delete()
    log.info("registration deleted %s enterprise=%s by=%s reason=%s", number, enterprise_id, user.username, reason)


def enterprise_in_use(enterprise: Enterprise) -> bool:
    """Whether the enterprise holds any certificate or registration (then 注销, not deletion)."""
    return enterprise.certifications.exists() or enterprise.registrations.exists()


@transaction.atomic
def enterprise_delete(*, user, enterprise: Enterprise, reason: str) -> None:
    """Delete an enterprise entered in error; refused while it holds a certificate or registration."""
    # Lock the row: a certificate recorded at the same moment waits, then finds no enterprise.
    enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    if enterprise_in_use(enterprise):
        raise EnterpriseInUse(IN_USE_MESSAGE)
    name = enterprise.name
    with _audit_reason(user=user, reason=reason, enterprise_id=enterprise.pk):
        try:
            enterprise.delete()
        except ProtectedError as error:
            raise EnterpriseInUse(IN_USE_MESSAGE) from error
    log.info("enterprise deleted %s by=%s reason=%s", name, user.username, reason)
