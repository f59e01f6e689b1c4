"""The year-end forecast, the re-certification work list and the cultivation pool (see the
package's docstring)."""

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import groupby
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, Value
from django.utils import timezone

from enterprises.models import Enterprise, HighTechCertification
from enterprises.status import certificate_valid_q, lapse_horizon, not_revoked_q
from units.scope import Scope

from .figures import CITY, ONE_DAY, default_as_of, unit_on_q


def known_certificates_q(as_of: datetime.date, horizon: datetime.date) -> Q:
    """Certificates known on ``as_of`` that matter up to ``horizon``.

    Known means issued on or before ``as_of`` (the §6 rule), or recorded in the portal on or
    before ``as_of`` with a later issue date no later than ``horizon`` — a batch entered ahead
    of the date printed on its certificates. Revocations count from their own date, as in §6.
    """
    recorded_ahead = Q(issued_on__gt=as_of, issued_on__lte=horizon, created_at__date__lte=as_of)
    return (Q(issued_on__lte=as_of) | recorded_ahead) & not_revoked_q(as_of)


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
    """Year-end forecast of valid HTEs per county id of the scope (see ``year_end_forecast``);
    ``totals`` is the city's when the scope is narrower than the city."""

    year: int
    as_of: datetime.date
    by_county: Mapping[int, ForecastCounts]
    totals: ForecastCounts | None = None

    @property
    def year_end(self) -> datetime.date:
        return datetime.date(self.year, 12, 31)

    def county(self, county_id: int) -> ForecastCounts:
        return self.by_county.get(county_id, ForecastCounts())

    def city(self) -> ForecastCounts:
        if self.totals is not None:
            return self.totals
        return sum(self.by_county.values(), ForecastCounts())


def _forecast_counts(rows: list[dict[str, Any]], count: str) -> ForecastCounts:
    """Add up (now, end, n) rows into the forecast's three terms."""
    counts = {"valid_now": 0, "lapsing": 0, "recorded_ahead": 0}
    for row in rows:
        if row["now"]:
            counts["valid_now"] += row[count]
            if not row["end"]:
                counts["lapsing"] += row[count]
        else:
            counts["recorded_ahead"] += row[count]
    return ForecastCounts(**counts)


def year_end_forecast(*, year: int, as_of: datetime.date | None = None, scope: Scope = CITY) -> Forecast:
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
    held_now = Exists(certificates.filter(certificate_valid_q(as_of)))
    held_at_year_end = Exists(
        certificates.filter(known_certificates_q(as_of, year_end), valid_until__gte=year_end, issued_on__lte=year_end)
    )
    held = (
        Enterprise.objects.filter(unit_on_q(as_of, "unit_periods__"))
        .annotate(now=held_now, end=held_at_year_end)
        .filter(Q(now=True) | Q(end=True))
        .order_by()
    )
    unit_id = "unit_periods__county_id"  # the unit on ``as_of``
    if scope.is_city:
        rows = list(held.values(unit_id, "now", "end").annotate(n=Count("pk")))
        by_county = {
            county_id: _forecast_counts([row for row in rows if row[unit_id] == county_id], "n")
            for county_id in {row[unit_id] for row in rows}
        }
        return Forecast(year=year, as_of=as_of, by_county=by_county)
    unit = Count("pk", filter=scope.q("unit_periods__county")) if scope.is_unit else Value(0)
    rows = list(held.values("now", "end").annotate(n=Count("pk"), unit=unit))
    by_county = {}
    if scope.is_unit and scope.county_id is not None:
        by_county[scope.county_id] = _forecast_counts(rows, "unit")
    return Forecast(year=year, as_of=as_of, by_county=by_county, totals=_forecast_counts(rows, "n"))


def expiry_horizon(as_of: datetime.date) -> datetime.date:
    """The end of the re-certification work list: the one “about to lapse” horizon of ``enterprises.status``."""
    return lapse_horizon(as_of)


def lapsing_certificates(
    *, as_of: datetime.date, until: datetime.date, scope: Scope = CITY
) -> list[HighTechCertification]:
    """The re-certification work list: enterprises valid at ``as_of`` whose cover runs out by ``until``.

    An enterprise's cover is the unbroken run of days, starting at ``as_of``, on which it holds a
    known certificate (``known_certificates_q``): a re-certification issued before (or the day
    after) the old certificate's last day extends it, so an enterprise already re-certified is
    not listed. For each enterprise whose cover ends on a day from ``as_of`` to ``until`` the
    certificate that ends it is returned, ordered by unit, last valid day and name.

    Only certificates of enterprises in ``scope`` are read. One query,
    whatever the number of enterprises; the list is held in memory (it is the work list itself,
    at most the certificates ending within the window, and their successors).
    """
    base = HighTechCertification.objects.visible_to(scope)
    # Only enterprises holding a certificate that ends in the window can lapse in it: the rows
    # read (and held) are theirs, a fraction of all valid certificates.
    ending = base.filter(certificate_valid_q(as_of), valid_until__lte=until).values("enterprise_id")
    rows = (
        base.filter(known_certificates_q(as_of, until + ONE_DAY), valid_until__gte=as_of, enterprise_id__in=ending)
        .select_related("enterprise__county")
        .order_by("enterprise_id", "issued_on", "pk")
    )
    lapses = []
    for _, group in groupby(rows, key=lambda certificate: certificate.enterprise_id):
        last = _cover_end(group, as_of)
        if last is not None and last.valid_until <= until:
            lapses.append(last)
    return sorted(lapses, key=_work_list_order)


def _cover_end(certificates: Iterable[HighTechCertification], as_of: datetime.date) -> HighTechCertification | None:
    """The certificate that ends an enterprise's unbroken cover from ``as_of`` (its certificates in
    issue order); None when none is valid at ``as_of`` (a future certificate only)."""
    last: HighTechCertification | None = None
    for certificate in certificates:
        if last is None:
            if certificate.issued_on > as_of:
                return None
            last = certificate
        elif certificate.issued_on <= last.valid_until + ONE_DAY and certificate.valid_until > last.valid_until:
            last = certificate
    return last


def _work_list_order(certificate: HighTechCertification) -> tuple[int, str, datetime.date, str]:
    county = certificate.enterprise.county
    return (county.order, county.code, certificate.valid_until, certificate.enterprise.name)


def stage_counts(scope: Scope = CITY, as_of: datetime.date | None = None) -> dict[int, dict[str, int]]:
    """County id → cultivation stage → number of enterprises in ``scope`` still in the city (one query).

    已认定 is derived: an enterprise holding a certificate valid on ``as_of`` (default today) counts
    there, whatever its stored stage, so the stage total agrees with the valid-HTE count; the others
    count in their stored stage (which keeps its history, not its past values), in their current unit.
    """
    as_of = as_of or timezone.localdate()
    valid = Exists(HighTechCertification.objects.filter(certificate_valid_q(as_of), enterprise=OuterRef("pk")))
    rows = (
        Enterprise.objects.visible_to(scope)
        .filter(left_city_on__isnull=True, closed_on__isnull=True)
        .annotate(certified=valid)
        .values("county_id", "stage", "certified")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts: dict[int, dict[str, int]] = {}
    for row in rows:
        stage = "certified" if row["certified"] else row["stage"]
        unit = counts.setdefault(row["county_id"], {})
        unit[stage] = unit.get(stage, 0) + row["n"]
    return counts
