"""The one counting module: every figure on a page, in JSON, in Excel and in an assessment.

Definitions (docs/domain.md §6; the record-level rules are ``enterprises.status``):

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

Every function takes the reader's ``Scope`` and filters in SQL: the whole city is counted per
unit; a single unit is counted alone, beside the city totals (a county official sees both),
so no unit's rows are read for a reader who may not see them.
"""

import datetime
import operator
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import reduce
from itertools import groupby
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Value
from django.utils import timezone

from enterprises.models import Enterprise, HighTechCertification, TechSMERegistration, period_covers_q
from enterprises.status import (
    certificate_valid_q,
    first_time_q,
    lapse_horizon,
    not_revoked_q,
    registration_in_force_q,
)
from targets.models import Indicator
from units.scope import Scope

from . import caching

INDICATORS = (Indicator.HIGH_TECH, Indicator.TECH_SME, Indicator.HIGH_TECH_NEW)
ONE_DAY = datetime.timedelta(days=1)
CITY = Scope.city()
FOUR_PLACES = Decimal("0.0001")


def completion_ratio(actual: int, target: int | None) -> Decimal | None:
    """The one completion ratio: actual ÷ target to 4 places (half up); None where no target is
    set (未设定, never 0 %); a target of 0 counts as met (1)."""
    if target is None:
        return None
    if target == 0:
        return Decimal(1)
    return (Decimal(actual) / Decimal(target)).quantize(FOUR_PLACES, rounding=ROUND_HALF_UP)


def default_as_of(year: int, today: datetime.date | None = None) -> datetime.date:
    """A year's figure is taken at its 12-31; the running (or a future) year's at today."""
    today = today or timezone.localdate()
    return min(datetime.date(year, 12, 31), today)


@dataclass(frozen=True)
class Figures:
    """Counts of each indicator per county id (of the scope) for one year as of one date.

    ``totals`` holds the city's figures when the scope is narrower than the city; for the city
    scope they are the sum over its units.
    """

    year: int
    as_of: datetime.date
    by_county: Mapping[int, Mapping[str, int]]
    totals: Mapping[str, int] | None = None

    def county(self, county_id: int, indicator: str) -> int:
        return self.by_county.get(county_id, {}).get(indicator, 0)

    def city(self, indicator: str) -> int:
        if self.totals is not None:
            return self.totals.get(indicator, 0)
        return sum(counts.get(indicator, 0) for counts in self.by_county.values())


def valid_high_tech_certificates(as_of: datetime.date, scope: Scope = CITY) -> QuerySet[HighTechCertification]:
    """Certificates in force on ``as_of`` of enterprises whose unit on ``as_of`` is in ``scope``: the
    rows behind ``high_tech``. Read the unit as ``UNIT_AT`` (e.g. ``f"{UNIT_AT}__name"``)."""
    return HighTechCertification.objects.filter(certificate_valid_q(as_of) & unit_on_q(as_of) & scope.q(UNIT_AT))


def sme_registrations(year: int, as_of: datetime.date, scope: Scope = CITY) -> QuerySet[TechSMERegistration]:
    """Registrations for evaluation year ``year`` in force on ``as_of`` of enterprises whose unit on
    ``as_of`` is in ``scope`` (behind ``tech_sme``); the unit is ``UNIT_AT``."""
    return TechSMERegistration.objects.filter(
        registration_in_force_q(year, as_of) & unit_on_q(as_of) & scope.q(UNIT_AT)
    )


@dataclass(frozen=True)
class _Counted:
    """One indicator's counts per year: per county id of the scope, and the city totals when the
    scope is narrower than the city (None otherwise)."""

    by_county: dict[int, dict[int, int]]
    totals: dict[int, int] | None


# From a certificate or registration to the unit period of its enterprise: figures as of D group by
# the unit of the period covering D (``UNIT_AT``), not by the enterprise's current unit.
PERIOD = "enterprise__unit_periods__"
UNIT_AT = f"{PERIOD}county"


def unit_on_q(as_of: datetime.date, prefix: str = PERIOD) -> Q:
    """Rows whose enterprise's unit period covers ``as_of`` (exactly one per enterprise in the city)."""
    return period_covers_q(as_of, prefix) & Q(**{f"{prefix}county_id__isnull": False})


def _per_county_many(queryset: QuerySet[Any], conditions: dict[int, Q], scope: Scope) -> _Counted:
    """Year → county id → distinct enterprises of ``queryset`` meeting that year's condition.

    One query, whatever the number of years: a conditional COUNT(DISTINCT) per year over a
    single scan of the rows that meet any year's condition. Each year's condition includes the
    enterprise's unit period covering that year's date, so an enterprise counts in the unit it
    belonged to on that date (docs/domain.md §8) and in none once it had left or closed. The city
    is grouped by that unit; a narrower scope is counted without grouping, its own unit's figure
    (a condition on the period's unit in SQL) beside the city's total.
    """
    rows = queryset.filter(reduce(operator.or_, conditions.values())).order_by()
    if scope.is_city:
        annotations = {f"n{year}": Count("enterprise_id", distinct=True, filter=q) for year, q in conditions.items()}
        result: dict[int, dict[int, int]] = {year: {} for year in conditions}
        for row in rows.values(f"{PERIOD}county_id").annotate(**annotations):
            for year in conditions:
                if row[f"n{year}"]:
                    result[year][row[f"{PERIOD}county_id"]] = row[f"n{year}"]
        return _Counted(by_county=result, totals=None)
    aggregates = {f"n{year}": Count("enterprise_id", distinct=True, filter=q) for year, q in conditions.items()}
    if scope.is_unit:
        unit = scope.q(f"{PERIOD}county")
        aggregates |= {
            f"u{year}": Count("enterprise_id", distinct=True, filter=q & unit) for year, q in conditions.items()
        }
    counted = rows.aggregate(**aggregates)
    by_county: dict[int, dict[int, int]] = {year: {} for year in conditions}
    if scope.is_unit and scope.county_id is not None:
        for year in conditions:
            if counted[f"u{year}"]:
                by_county[year][scope.county_id] = counted[f"u{year}"]
    return _Counted(by_county=by_county, totals={year: counted[f"n{year}"] for year in conditions})


def count_figures_many(dates: Mapping[int, datetime.date], scope: Scope = CITY) -> dict[int, Figures]:
    """Figures for several years at once (year → as-of date), for ``scope``.

    Three counting queries in all, or none when the same question was answered for the
    current data version (``reports.caching``; one query reads the version).
    """
    if not dates:
        return {}
    key = (scope.key, *sorted(dates.items()))
    figures: dict[int, Figures] = caching.cached("counts", key, lambda: _count_figures_many(dict(dates), scope))
    return figures


def _count_figures_many(dates: Mapping[int, datetime.date], scope: Scope = CITY) -> dict[int, Figures]:
    certificates = HighTechCertification.objects.all()
    within = {year: unit_on_q(as_of) for year, as_of in dates.items()}
    per_indicator = {
        Indicator.HIGH_TECH: _per_county_many(
            certificates, {year: certificate_valid_q(as_of) & within[year] for year, as_of in dates.items()}, scope
        ),
        Indicator.TECH_SME: _per_county_many(
            TechSMERegistration.objects.all(),
            {year: registration_in_force_q(year, as_of) & within[year] for year, as_of in dates.items()},
            scope,
        ),
        Indicator.HIGH_TECH_NEW: _per_county_many(
            certificates, {year: first_time_q(year, as_of) & within[year] for year, as_of in dates.items()}, scope
        ),
    }
    figures = {}
    for year, as_of in dates.items():
        by_county: dict[int, dict[str, int]] = {}
        for indicator, counted in per_indicator.items():
            for county_id, n in counted.by_county[year].items():
                by_county.setdefault(county_id, {})[indicator.value] = n
        totals = None
        if not scope.is_city:
            totals = {
                indicator.value: counted.totals[year]
                for indicator, counted in per_indicator.items()
                if counted.totals is not None
            }
        figures[year] = Figures(year=year, as_of=as_of, by_county=by_county, totals=totals)
    return figures


def count_figures(*, year: int, as_of: datetime.date | None = None, scope: Scope = CITY) -> Figures:
    """Count every indicator for ``year`` as of ``as_of`` (default: ``default_as_of``). Three queries."""
    as_of = as_of or default_as_of(year)
    return count_figures_many({year: as_of}, scope)[year]


# -- Year-end forecast, lapsing certificates, cultivation stages ------------------------------


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
