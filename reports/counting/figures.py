"""Counting the plan's indicators per unit and year (see the package's docstring)."""

import datetime
import operator
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import reduce
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from enterprises.models import HighTechCertification, TechSMERegistration, period_covers_q
from enterprises.status import (
    certificate_valid_q,
    first_time_q,
    registration_in_force_q,
)
from targets.models import Indicator
from units.scope import Scope

from .. import caching

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
