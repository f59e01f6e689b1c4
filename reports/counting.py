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

import calendar
import datetime
import operator
from collections.abc import Mapping
from dataclasses import dataclass
from functools import reduce
from itertools import groupby

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from enterprises.models import (
    CertificationKind,
    Enterprise,
    HighTechCertification,
    TechSMERegistration,
    certificate_validity_q,
    registration_in_force_q,
)
from targets.models import Indicator

from . import caching

INDICATORS = (Indicator.HIGH_TECH, Indicator.TECH_SME, Indicator.HIGH_TECH_NEW)
ONE_DAY = datetime.timedelta(days=1)


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


def first_time_q(year: int, as_of: datetime.date) -> Q:
    """首次认定 certificates issued in ``year`` up to ``as_of`` and not revoked by then."""
    return Q(kind=CertificationKind.FIRST, issued_on__year=year, issued_on__lte=as_of) & _not_revoked(as_of)


def valid_high_tech_certificates(as_of: datetime.date):
    """Certificates in force on ``as_of``: the rows behind ``high_tech``."""
    return HighTechCertification.objects.filter(certificate_validity_q(as_of))


def sme_registrations(year: int, as_of: datetime.date):
    """Registrations for evaluation year ``year`` in force on ``as_of``: the rows behind ``tech_sme``."""
    return TechSMERegistration.objects.filter(registration_in_force_q(year, as_of))


def _per_county_many(queryset, conditions: dict[int, Q]) -> dict[int, dict[int, int]]:
    """Year → county id → distinct enterprises of ``queryset`` meeting that year's condition.

    One query, whatever the number of years: a conditional COUNT(DISTINCT) per year over a
    single scan of the rows that meet any year's condition.
    """
    annotations = {f"n{year}": Count("enterprise_id", distinct=True, filter=q) for year, q in conditions.items()}
    rows = (
        queryset.filter(reduce(operator.or_, conditions.values()))
        .values("enterprise__county_id")
        .annotate(**annotations)
        .order_by()
    )
    result: dict[int, dict[int, int]] = {year: {} for year in conditions}
    for row in rows:
        for year in conditions:
            if row[f"n{year}"]:
                result[year][row["enterprise__county_id"]] = row[f"n{year}"]
    return result


def count_figures_many(dates: Mapping[int, datetime.date]) -> dict[int, Figures]:
    """Figures for several years at once (year → as-of date).

    Three counting queries in all, or none when the same question was answered for the
    current data version (``reports.caching``; one query reads the version).
    """
    if not dates:
        return {}
    key = tuple(sorted(dates.items()))
    return caching.cached("counts", key, lambda: _count_figures_many(dict(dates)))


def _count_figures_many(dates: Mapping[int, datetime.date]) -> dict[int, Figures]:
    certificates = HighTechCertification.objects.all()
    per_indicator = {
        Indicator.HIGH_TECH: _per_county_many(
            certificates, {year: certificate_validity_q(as_of) for year, as_of in dates.items()}
        ),
        Indicator.TECH_SME: _per_county_many(
            TechSMERegistration.objects.all(),
            {year: registration_in_force_q(year, as_of) for year, as_of in dates.items()},
        ),
        Indicator.HIGH_TECH_NEW: _per_county_many(
            certificates, {year: first_time_q(year, as_of) for year, as_of in dates.items()}
        ),
    }
    figures = {}
    for year, as_of in dates.items():
        by_county: dict[int, dict[str, int]] = {}
        for indicator, per_year in per_indicator.items():
            for county_id, n in per_year[year].items():
                by_county.setdefault(county_id, {})[indicator.value] = n
        figures[year] = Figures(year=year, as_of=as_of, by_county=by_county)
    return figures


def count_figures(*, year: int, as_of: datetime.date | None = None) -> Figures:
    """Count every indicator for ``year`` as of ``as_of`` (default: ``default_as_of``). Three queries."""
    as_of = as_of or default_as_of(year)
    return count_figures_many({year: as_of})[year]


# -- Year-end forecast, lapsing certificates, cultivation stages ------------------------------


def known_certificates_q(as_of: datetime.date, horizon: datetime.date) -> Q:
    """Certificates known on ``as_of`` that matter up to ``horizon``.

    Known means issued on or before ``as_of`` (the §6 rule), or recorded in the portal on or
    before ``as_of`` with a later issue date no later than ``horizon`` — a batch entered ahead
    of the date printed on its certificates. Revocations count from their own date, as in §6.
    """
    recorded_ahead = Q(issued_on__gt=as_of, issued_on__lte=horizon, created_at__date__lte=as_of)
    return (Q(issued_on__lte=as_of) | recorded_ahead) & _not_revoked(as_of)


@dataclass(frozen=True)
class ForecastCounts:
    """The three terms of the year-end forecast for one unit (or the city)."""

    valid_now: int = 0
    lapsing: int = 0
    recorded_ahead: int = 0

    @property
    def year_end(self) -> int:
        return self.valid_now - self.lapsing + self.recorded_ahead

    def __add__(self, other: "ForecastCounts") -> "ForecastCounts":
        return ForecastCounts(
            valid_now=self.valid_now + other.valid_now,
            lapsing=self.lapsing + other.lapsing,
            recorded_ahead=self.recorded_ahead + other.recorded_ahead,
        )


@dataclass(frozen=True)
class Forecast:
    """Year-end forecast of valid HTEs per county id (see ``year_end_forecast``)."""

    year: int
    as_of: datetime.date
    by_county: Mapping[int, ForecastCounts]

    @property
    def year_end(self) -> datetime.date:
        return datetime.date(self.year, 12, 31)

    def county(self, county_id: int) -> ForecastCounts:
        return self.by_county.get(county_id, ForecastCounts())

    def city(self) -> ForecastCounts:
        return sum(self.by_county.values(), ForecastCounts())


def year_end_forecast(*, year: int, as_of: datetime.date | None = None) -> Forecast:
    """Forecast of valid HTEs on 12-31 of ``year`` from what is known on ``as_of`` (one query).

    With E = ``year``-12-31 and D = ``as_of`` (D ≤ E), per unit and for the city::

        forecast = valid_now − lapsing + recorded_ahead

    - ``valid_now``: enterprises valid at D — exactly the ``high_tech`` figure at D (§6).
    - ``lapsing``: enterprises in ``valid_now`` holding no known certificate valid at E: their
      certificates run out before E and they are not yet re-certified (a re-certification
      recorded before its old certificate expires keeps the enterprise out of this term).
    - ``recorded_ahead``: enterprises *not* in ``valid_now`` holding a known certificate valid
      at E, i.e. certificates recorded on or before D whose issue date lies after D (see
      ``known_certificates_q``), first-time or renewed.

    First-time certifications issued on or before D are already valid at D and so already in
    ``valid_now``; they are not added a second time. Equivalently, the forecast counts the
    enterprises holding a known certificate valid at E, so every enterprise counts at most once.
    For D = E (a past year's default) the forecast equals the year's figure.
    """
    as_of = as_of or default_as_of(year)
    year_end = datetime.date(year, 12, 31)
    certificates = HighTechCertification.objects.filter(enterprise=OuterRef("pk"))
    held_now = Exists(certificates.filter(certificate_validity_q(as_of)))
    held_at_year_end = Exists(
        certificates.filter(known_certificates_q(as_of, year_end), valid_until__gte=year_end, issued_on__lte=year_end)
    )
    rows = (
        Enterprise.objects.annotate(now=held_now, end=held_at_year_end)
        .filter(Q(now=True) | Q(end=True))
        .values("county_id", "now", "end")
        .annotate(n=Count("pk"))
        .order_by()
    )
    totals: dict[int, dict[str, int]] = {}
    for row in rows:
        counts = totals.setdefault(row["county_id"], {"valid_now": 0, "lapsing": 0, "recorded_ahead": 0})
        if row["now"]:
            counts["valid_now"] += row["n"]
            if not row["end"]:
                counts["lapsing"] += row["n"]
        else:
            counts["recorded_ahead"] += row["n"]
    by_county = {county_id: ForecastCounts(**counts) for county_id, counts in totals.items()}
    return Forecast(year=year, as_of=as_of, by_county=by_county)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """``day`` moved by whole calendar months, clipped to the month's last day (08-31 + 6 → 02-28)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    last_day = calendar.monthrange(year, month)[1]
    return datetime.date(year, month, min(day.day, last_day))


def expiry_horizon(year: int, as_of: datetime.date) -> datetime.date:
    """The end of the re-certification work list: six months after ``as_of``, at least the year's 12-31."""
    return max(add_months(as_of, 6), datetime.date(year, 12, 31))


def lapsing_certificates(
    *, as_of: datetime.date, until: datetime.date, certificates=None
) -> list[HighTechCertification]:
    """The re-certification work list: enterprises valid at ``as_of`` whose cover runs out by ``until``.

    An enterprise's cover is the unbroken run of days, starting at ``as_of``, on which it holds a
    known certificate (``known_certificates_q``): a re-certification issued before (or the day
    after) the old certificate's last day extends it, so an enterprise already re-certified is
    not listed. For each enterprise whose cover ends on a day from ``as_of`` to ``until`` the
    certificate that ends it is returned, ordered by unit, last valid day and name.

    ``certificates`` is the scoped queryset to start from (``visible_to(user)``). One query,
    whatever the number of enterprises; the list is held in memory (it is the work list itself,
    at most the certificates ending within the window, and their successors).
    """
    base = certificates if certificates is not None else HighTechCertification.objects.all()
    # Only enterprises holding a certificate that ends in the window can lapse in it: the rows
    # read (and held) are theirs, a fraction of all valid certificates.
    ending = base.filter(certificate_validity_q(as_of), valid_until__lte=until).values("enterprise_id")
    rows = (
        base.filter(known_certificates_q(as_of, until + ONE_DAY), valid_until__gte=as_of, enterprise_id__in=ending)
        .select_related("enterprise__county")
        .order_by("enterprise_id", "issued_on", "pk")
    )
    lapses = []
    for _, group in groupby(rows, key=lambda certificate: certificate.enterprise_id):
        cover_end, last = None, None
        for certificate in group:
            if cover_end is None:
                if certificate.issued_on > as_of:
                    break  # not valid at as_of: a future certificate only, nothing lapses
                cover_end, last = certificate.valid_until, certificate
            elif certificate.issued_on <= cover_end + ONE_DAY and certificate.valid_until > cover_end:
                cover_end, last = certificate.valid_until, certificate
        if last is not None and cover_end <= until:
            lapses.append(last)
    return sorted(lapses, key=_work_list_order)


def _work_list_order(certificate: HighTechCertification) -> tuple:
    county = certificate.enterprise.county
    return (county.order, county.code, certificate.valid_until, certificate.enterprise.name)


def stage_counts(enterprises) -> dict[int, dict[str, int]]:
    """County id → cultivation stage → number of enterprises in ``enterprises`` (one query).

    The stage is the enterprise's current field (it keeps no history), so this count is
    always as of now, whatever date a report is for.
    """
    rows = enterprises.values("county_id", "stage").annotate(n=Count("pk")).order_by()
    counts: dict[int, dict[str, int]] = {}
    for row in rows:
        counts.setdefault(row["county_id"], {})[row["stage"]] = row["n"]
    return counts
