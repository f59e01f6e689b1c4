"""Dated changes of an enterprise: rename, move, leave the city, close, merge (docs/domain.md §8).

Each service runs in one transaction, takes the acting user and keyword-only arguments, records an
``EnterpriseEvent`` with its date, reason and document, and keeps the enterprise's unit periods in
step, so that every figure as of a date counts the enterprise in the unit it belonged to on that date.
The checks that a person can get wrong are in ``event_error`` (the forms and the importer call it);
the services assume they passed.
"""

import datetime
import logging

from django.db import transaction
from django.utils import timezone

from units.models import County

from .models import (
    Enterprise,
    EnterpriseEvent,
    EnterpriseName,
    EventKind,
    StageChange,
    UnitPeriod,
)

log = logging.getLogger("portal.audit")


def _date_text(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def open_period(enterprise: Enterprise) -> UnitPeriod | None:
    return UnitPeriod.objects.filter(enterprise=enterprise, ends_on__isnull=True).first()


def event_error(enterprise: Enterprise, kind: str, on: datetime.date, to_county: County | None = None) -> str:
    """Why this event cannot be recorded for ``enterprise`` on ``on``, or ""."""
    if not enterprise.is_active:
        return "该企业已迁出市外或已注销，不能再登记变更"
    if kind == EventKind.RENAME:
        return ""
    period = open_period(enterprise)
    if period is None:
        return "该企业没有当前所属旗县市区，请联系系统管理员"
    if period.starts_on is not None and on <= period.starts_on:
        return f"生效日期应晚于该企业迁入{period.county}的日期（{_date_text(period.starts_on)}）"
    if kind == EventKind.MOVE and to_county is not None and to_county.pk == period.county_id:
        return f"该企业已属于{to_county}"
    return ""


def _event(enterprise: Enterprise, user, kind: str, on: datetime.date, reason: str, document: str, **fields):
    return EnterpriseEvent.objects.create(
        enterprise=enterprise,
        kind=kind,
        occurred_on=on,
        reason=reason,
        document=document,
        recorded_by=user,
        **fields,
    )


def _end_period(enterprise: Enterprise, on: datetime.date) -> UnitPeriod:
    period = UnitPeriod.objects.select_for_update().get(enterprise=enterprise, ends_on__isnull=True)
    period.ends_on = on
    period.save(update_fields=["ends_on"])
    return period


@transaction.atomic
def enterprise_rename(
    *, user, enterprise: Enterprise, new_name: str, on: datetime.date, reason: str, document: str = ""
) -> EnterpriseEvent:
    """更名: the old name is kept (and matched by later imports); the enterprise takes the new one."""
    old_name = enterprise.name
    EnterpriseName.objects.create(enterprise=enterprise, name=old_name, used_until=on)
    enterprise.name = new_name
    enterprise.save()
    log.info("enterprise renamed id=%s on %s by=%s", enterprise.pk, on, getattr(user, "username", None))
    return _event(enterprise, user, EventKind.RENAME, on, reason, document, old_name=old_name, new_name=enterprise.name)


@transaction.atomic
def enterprise_move(
    *, user, enterprise: Enterprise, to_county: County, on: datetime.date, reason: str, document: str = ""
) -> EnterpriseEvent:
    """迁移: the enterprise belongs to ``to_county`` from ``on``; every figure before ``on`` keeps it
    in its former unit."""
    period = _end_period(enterprise, on)
    UnitPeriod.objects.create(enterprise=enterprise, county=to_county, starts_on=on)
    enterprise.county = to_county
    enterprise.save()
    log.info("enterprise moved id=%s to %s on %s", enterprise.pk, to_county.code, on)
    return _event(
        enterprise, user, EventKind.MOVE, on, reason, document, from_county_id=period.county_id, to_county=to_county
    )


@transaction.atomic
def enterprise_leave(
    *, user, enterprise: Enterprise, on: datetime.date, reason: str, document: str = ""
) -> EnterpriseEvent:
    """迁出市外: counted nowhere from ``on`` on."""
    period = _end_period(enterprise, on)
    enterprise.left_city_on = on
    enterprise.save()
    log.info("enterprise left the city id=%s on %s", enterprise.pk, on)
    return _event(enterprise, user, EventKind.LEAVE, on, reason, document, from_county_id=period.county_id)


@transaction.atomic
def enterprise_close(
    *, user, enterprise: Enterprise, on: datetime.date, reason: str, document: str = ""
) -> EnterpriseEvent:
    """注销: counted nowhere from ``on`` on; the record and its history stay."""
    period = _end_period(enterprise, on)
    enterprise.closed_on = on
    enterprise.save()
    log.info("enterprise closed id=%s on %s", enterprise.pk, on)
    return _event(enterprise, user, EventKind.CLOSE, on, reason, document, from_county_id=period.county_id)


def merge_error(keep: Enterprise, merged: Enterprise) -> str:
    """Why ``merged`` cannot be merged into ``keep``, or "" (both are entries of one company)."""
    if keep.pk == merged.pk:
        return "不能与自身合并"
    keep_years = set(keep.registrations.values_list("year", flat=True))
    clash = sorted(keep_years & set(merged.registrations.values_list("year", flat=True)))
    if clash:
        years = "、".join(str(year) for year in clash)
        return f"两条记录都有 {years} 年度的入库登记，请先更正或删除其中一条"
    periods = list(merged.unit_periods.all())
    if len(periods) > 1 or (periods and periods[0].county_id != keep.county_id):
        return "两条记录所属旗县市区不同或有迁移记录，请先核实所属旗县市区"
    return ""


@transaction.atomic
def enterprise_merge(*, user, keep: Enterprise, merged: Enterprise, reason: str, document: str = "") -> EnterpriseEvent:
    """合并: two registry entries of one company become ``keep`` (its credit code stays).

    ``merged``'s certificates and registrations move to ``keep`` (one save each, so the audit trail
    records every move), its name is kept as an old name, and the entry is deleted. Of the two
    companies' 首次认定 certificates the earliest stays 首次认定 and any other becomes 重新认定.
    """
    from .models import CertificationKind, HighTechCertification, TechSMERegistration

    certificates = list(HighTechCertification.objects.filter(enterprise__in=[keep, merged]).order_by("issued_on", "pk"))
    first_seen = False
    for certificate in certificates:
        if certificate.kind == CertificationKind.FIRST:
            if first_seen:
                certificate.kind = CertificationKind.RENEWAL
                certificate.save(update_fields=["kind", "updated_at"])
            first_seen = True
    for certificate in HighTechCertification.objects.filter(enterprise=merged):
        certificate.enterprise = keep
        certificate.save(update_fields=["enterprise", "updated_at"])
    for registration in TechSMERegistration.objects.filter(enterprise=merged):
        registration.enterprise = keep
        registration.save(update_fields=["enterprise", "updated_at"])
    EnterpriseName.objects.filter(enterprise=merged).update(enterprise=keep)
    EnterpriseName.objects.create(enterprise=keep, name=merged.name)
    detail = {"merged_name": merged.name, "merged_credit_code": merged.credit_code, "merged_id": merged.pk}
    merged.delete()
    log.info("enterprise merged %s into id=%s by=%s", detail, keep.pk, getattr(user, "username", None))
    return _event(keep, user, EventKind.MERGE, timezone.localdate(), reason, document, detail=detail)


def record_stage_change(*, user, enterprise: Enterprise, from_stage: str) -> None:
    """Keep the stored stage's history: called after a save that changed it."""
    if from_stage != enterprise.stage:
        StageChange.objects.create(
            enterprise=enterprise, from_stage=from_stage, to_stage=enterprise.stage, changed_by=user
        )
