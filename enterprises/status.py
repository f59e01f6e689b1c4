"""The one status rule of certificates and registrations (docs/domain.md §4–§6).

Everything that says whether a record counts — the counting module, the list's badges and
filters, the detail page, the dashboard and the workbooks — asks this module:

- a certificate is **valid on D** when issued on or before D, D is on or before its last valid
  day, and it is not revoked on or before D (a revocation takes effect on its own date);
- a registration is **in force for year Y as of D** when it is for evaluation year Y,
  registered on or before D and not revoked on or before D;
- a record whose revocation date lies after D is still valid on D and shows as
  “将于 … 取消资格” (certificates) or “将于 … 撤销” (registrations);
- a valid certificate is **about to lapse** when its last valid day falls on or before the
  horizon ``lapse_horizon(D)``: the end of D's year or ``LAPSE_MONTHS`` calendar months after D,
  whichever is later — a certificate ending this year must be renewed in this year's batches
  (autumn and winter, §4), so it is on the work list from January on.

The Q builders take a ``prefix`` (e.g. ``"certifications__"``) so the same rule serves queries
that start from another model. This module imports no model: models, counting and pages import it.
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass
from typing import Protocol

from django.db.models import Q

LAPSE_MONTHS = 6


def add_months(day: datetime.date, months: int) -> datetime.date:
    """``day`` moved by whole calendar months, clipped to the month's last day (08-31 + 6 → 02-28)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    last_day = calendar.monthrange(year, month)[1]
    return datetime.date(year, month, min(day.day, last_day))


def lapse_horizon(as_of: datetime.date) -> datetime.date:
    """The last day of the “about to lapse” window seen from ``as_of``: ``LAPSE_MONTHS`` months on,
    and at least the 12-31 of ``as_of``'s year."""
    return max(add_months(as_of, LAPSE_MONTHS), datetime.date(as_of.year, 12, 31))


# -- Conditions for queries -------------------------------------------------------------------


def not_revoked_q(as_of: datetime.date, prefix: str = "") -> Q:
    """Records not revoked on or before ``as_of`` (never revoked, or revoked later)."""
    return Q(**{f"{prefix}revoked_on__isnull": True}) | Q(**{f"{prefix}revoked_on__gt": as_of})


def certificate_valid_q(as_of: datetime.date, prefix: str = "") -> Q:
    """Certificates valid on ``as_of`` (docs/domain.md §4, §6)."""
    return Q(**{f"{prefix}issued_on__lte": as_of, f"{prefix}valid_until__gte": as_of}) & not_revoked_q(as_of, prefix)


def first_time_q(year: int, as_of: datetime.date, prefix: str = "") -> Q:
    """首次认定 certificates issued in ``year`` up to ``as_of`` and not revoked by then (§6)."""
    return Q(
        **{f"{prefix}kind": "first", f"{prefix}issued_on__year": year, f"{prefix}issued_on__lte": as_of}
    ) & not_revoked_q(as_of, prefix)


def registration_in_force_q(year: int, as_of: datetime.date, prefix: str = "") -> Q:
    """Registrations for evaluation year ``year`` in force on ``as_of`` (§5, §6: a registration
    counts for its own evaluation year only)."""
    return Q(**{f"{prefix}year": year, f"{prefix}registered_on__lte": as_of}) & not_revoked_q(as_of, prefix)


def registration_held_q(as_of: datetime.date, prefix: str = "") -> Q:
    """Registrations of any year made on or before ``as_of`` and not revoked by then."""
    return Q(**{f"{prefix}registered_on__lte": as_of}) & not_revoked_q(as_of, prefix)


# -- One record's status, for pages -------------------------------------------------------------


class CertificateLike(Protocol):
    issued_on: datetime.date
    valid_until: datetime.date
    revoked_on: datetime.date | None


class RegistrationLike(Protocol):
    registered_on: datetime.date
    revoked_on: datetime.date | None


@dataclass(frozen=True)
class Status:
    """A record's state on a date, as a page shows it: a code, its Chinese label and a badge colour."""

    code: str
    label: str
    badge: str

    @property
    def counts(self) -> bool:
        """Whether the record counts on the date (valid / in force, a later revocation included)."""
        return self.code in {"valid", "expiring", "revoking"}


def _date_text(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def is_revoked(record: CertificateLike | RegistrationLike, as_of: datetime.date) -> bool:
    return record.revoked_on is not None and record.revoked_on <= as_of


def is_certificate_valid(certificate: CertificateLike, as_of: datetime.date) -> bool:
    return certificate.issued_on <= as_of <= certificate.valid_until and not is_revoked(certificate, as_of)


def is_registration_held(registration: RegistrationLike, as_of: datetime.date) -> bool:
    return registration.registered_on <= as_of and not is_revoked(registration, as_of)


def certificate_status(certificate: CertificateLike, as_of: datetime.date) -> Status:
    """已取消资格 / 未生效 / 已过期 / 将于 … 取消资格 / 即将到期 / 有效, on ``as_of``."""
    if is_revoked(certificate, as_of):
        return Status("revoked", "已取消资格", "text-bg-danger")
    if certificate.issued_on > as_of:
        return Status("pending", "未生效", "text-bg-info")
    if certificate.valid_until < as_of:
        return Status("expired", "已过期", "text-bg-secondary")
    if certificate.revoked_on is not None:
        return Status("revoking", f"将于{_date_text(certificate.revoked_on)}取消资格", "text-bg-warning")
    if certificate.valid_until <= lapse_horizon(as_of):
        return Status("expiring", "即将到期", "text-bg-warning")
    return Status("valid", "有效", "text-bg-success")


def registration_status(registration: RegistrationLike, as_of: datetime.date) -> Status:
    """已撤销 / 未生效 / 将于 … 撤销 / 已入库, on ``as_of`` (for the registration's own year)."""
    if is_revoked(registration, as_of):
        return Status("revoked", "已撤销", "text-bg-danger")
    if registration.registered_on > as_of:
        return Status("pending", "未生效", "text-bg-info")
    if registration.revoked_on is not None:
        return Status("revoking", f"将于{_date_text(registration.revoked_on)}撤销", "text-bg-warning")
    return Status("valid", "已入库", "text-bg-success")
