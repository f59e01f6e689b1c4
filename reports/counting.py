"""The one counting module: every figure on a page, in JSON, in Excel and in an assessment.

Definitions (../shared/domain.md §6):

- ``high_tech`` — valid HTEs at date D: distinct enterprises holding at least one
  certificate with issue date ≤ D ≤ valid-through date, not revoked on or before D.
- ``tech_sme`` — registered SMEs of year Y as of D: distinct enterprises with a
  registration for evaluation year Y, registered on or before D, not revoked on or
  before D.
- ``high_tech_new`` — first-time HTEs of year Y as of D: distinct enterprises with a
  首次认定 certificate issued in Y on or before D, not revoked on or before D.

Figures are grouped by the enterprise's county; the city figure is the sum over
counties. A figure as of D reads only records dated on or before D, so a report for a
past date can be reproduced. Each function runs a fixed number of queries, whatever
the number of enterprises.
"""

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone

from enterprises.models import CertificationKind, HighTechCertification, TechSMERegistration
from targets.models import Indicator

INDICATORS = (Indicator.HIGH_TECH, Indicator.TECH_SME, Indicator.HIGH_TECH_NEW)


def default_as_of(year: int, today: datetime.date | None = None) -> datetime.date:
    """A year's figure is taken at its 12-31; the running (or a future) year's at today."""
    today = today or timezone.localdate()
    return min(datetime.date(year, 12, 31), today)


@dataclass(frozen=True)
class Figures:
    """Counts of each indicator per county id for one year as of one date."""

    year: int
    as_of: datetime.date
    by_county: Mapping[int, Mapping[str, int]]

    def county(self, county_id: int, indicator: str) -> int:
        return self.by_county.get(county_id, {}).get(indicator, 0)

    def city(self, indicator: str) -> int:
        return sum(counts.get(indicator, 0) for counts in self.by_county.values())


def _not_revoked(as_of: datetime.date) -> Q:
    return Q(revoked_on__isnull=True) | Q(revoked_on__gt=as_of)


def valid_high_tech_certificates(as_of: datetime.date):
    """Certificates in force on ``as_of``: the rows behind ``high_tech``."""
    return HighTechCertification.objects.valid_on(as_of)


def first_time_certificates(year: int, as_of: datetime.date):
    """首次认定 certificates issued in ``year`` up to ``as_of``: the rows behind ``high_tech_new``."""
    return HighTechCertification.objects.filter(
        Q(kind=CertificationKind.FIRST, issued_on__year=year, issued_on__lte=as_of) & _not_revoked(as_of)
    )


def sme_registrations(year: int, as_of: datetime.date):
    """Registrations for evaluation year ``year`` in force on ``as_of``: the rows behind ``tech_sme``."""
    return TechSMERegistration.objects.registered_in(year, as_of)


def _per_county(queryset) -> dict[int, int]:
    rows = queryset.values("enterprise__county_id").annotate(n=Count("enterprise_id", distinct=True))
    return {row["enterprise__county_id"]: row["n"] for row in rows.order_by()}


def count_figures(*, year: int, as_of: datetime.date | None = None) -> Figures:
    """Count every indicator for ``year`` as of ``as_of`` (default: ``default_as_of``). Three queries."""
    as_of = as_of or default_as_of(year)
    per_indicator = {
        Indicator.HIGH_TECH: _per_county(valid_high_tech_certificates(as_of)),
        Indicator.TECH_SME: _per_county(sme_registrations(year, as_of)),
        Indicator.HIGH_TECH_NEW: _per_county(first_time_certificates(year, as_of)),
    }
    by_county: dict[int, dict[str, int]] = {}
    for indicator, counts in per_indicator.items():
        for county_id, n in counts.items():
            by_county.setdefault(county_id, {})[indicator.value] = n
    return Figures(year=year, as_of=as_of, by_county=by_county)


def count_series(years: Iterable[int], today: datetime.date | None = None) -> dict[int, Figures]:
    """Figures for several years, each at its own default date (three queries a year)."""
    return {year: count_figures(year=year, as_of=default_as_of(year, today)) for year in years}
