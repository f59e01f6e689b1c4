"""Progress against the plan: counts from ``counting`` beside targets and quotas.

Every page, JSON document and workbook that shows progress is built from ``build_progress``,
so they agree figure for figure.
"""

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from enterprises.models import County
from targets import lookup
from targets.models import Indicator

from . import counting

# The indicators a plan sets city targets for, in display order.
PLAN_INDICATORS = (Indicator.HIGH_TECH, Indicator.TECH_SME)


@dataclass(frozen=True)
class Cell:
    """One indicator's actual figure beside its target (``None``: 未设定)."""

    actual: int
    target: int | None

    @property
    def completion(self) -> Decimal | None:
        """actual ÷ target, or None where no target is set (never shown as 0%)."""
        if self.target is None:
            return None
        if self.target == 0:
            return Decimal(1)
        return Decimal(self.actual) / Decimal(self.target)

    @property
    def completion_percent(self) -> Decimal | None:
        if self.completion is None:
            return None
        return (self.completion * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    @property
    def gap(self) -> int | None:
        """Enterprises still needed to reach the target (0 once reached)."""
        if self.target is None:
            return None
        return max(self.target - self.actual, 0)

    @property
    def behind(self) -> bool:
        return self.target is not None and self.actual < self.target


@dataclass(frozen=True)
class CountyProgress:
    county: County
    cells: dict[str, Cell] = field(default_factory=dict)


@dataclass(frozen=True)
class Progress:
    year: int
    as_of: datetime.date
    city: dict[str, Cell]
    counties: list[CountyProgress]
    indicators: tuple = PLAN_INDICATORS


def build_progress(*, year: int, as_of: datetime.date | None, user) -> Progress:
    """City figures for everyone; per-county rows only for the counties ``user`` may see."""
    figures = counting.count_figures(year=year, as_of=as_of)
    targets = lookup.city_targets(year)
    quotas = lookup.county_quotas(year)
    city = {
        indicator.value: Cell(actual=figures.city(indicator), target=targets.get(indicator.value))
        for indicator in counting.INDICATORS
    }
    rows = []
    for county in County.objects.visible_to(user).filter(is_active=True):
        cells = {
            indicator.value: Cell(
                actual=figures.county(county.pk, indicator),
                target=quotas.get((county.pk, indicator.value)),
            )
            for indicator in counting.INDICATORS
        }
        rows.append(CountyProgress(county=county, cells=cells))
    return Progress(year=year, as_of=figures.as_of, city=city, counties=rows)
