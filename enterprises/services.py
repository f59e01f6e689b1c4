"""Writes of the registry. Each runs in one transaction, takes the acting user and
keyword-only arguments, and assumes its input was validated by a form."""

import datetime
import logging

from django.db import transaction

from .models import Enterprise, HighTechCertification, TechSMERegistration

log = logging.getLogger("portal.audit")


@transaction.atomic
def enterprise_save(*, user, form) -> Enterprise:
    """Create or update an enterprise from a validated EnterpriseForm or CultivationForm.

    A county official's enterprise always belongs to their own county, whatever was posted.
    """
    enterprise = form.save(commit=False)
    if user.is_county_official:
        enterprise.county_id = user.county_id
    enterprise.save()
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
