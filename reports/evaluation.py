"""The evaluation of a plan (终期评估, issue 14): each indicator over the plan's years, per unit.

For a plan (``targets.models.Plan``) and a reader's ``Scope``: per indicator the plan's
baselines, each year's city target beside the actual figure (taken at the year's 12-31, a year
not yet over as of today: ``counting.default_as_of``) and its completion, the final year
against its target and the growth over the plan's earliest baseline, in the plan's own words
("较2020年底37家增长1.7倍（为其2.7倍）"); per unit each year's quota beside its actual figure,
the years it met its quota, its final completion and its rank among the units.

Every figure comes from ``counting`` (three counting queries for all the plan's years) and
every ratio from ``counting.completion_ratio``. The reader's scope is applied in SQL: a county
official's evaluation reads the city totals and their own unit's figures and quotas, never
another unit's rows, so it carries no rank (a rank is relative to units they may not see).
The page, JSON, workbook and Word draft are all built from one ``Evaluation``.
"""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q

from targets.models import CountyQuota, Indicator, Plan
from units.models import County
from units.scope import Scope

from . import caching, counting
from .progress import Cell

ONE_PLACE = Decimal("0.1")


def half_up(value: Decimal, places: Decimal = ONE_PLACE) -> Decimal:
    return value.quantize(places, rounding=ROUND_HALF_UP)


def plan_title(plan: Plan) -> str:
    """The plan's name with its years, as its documents cite it (…方案（2023—2025年）)."""
    if str(plan.first_year) in plan.name:
        return plan.name
    return f"{plan.name}（{plan.first_year}—{plan.last_year}年）"


@dataclass(frozen=True)
class Growth:
    """An indicator's final figure against the plan's earliest baseline for it."""

    baseline_year: int
    baseline: int
    final_year: int
    actual: int

    @property
    def ratio(self) -> Decimal | None:
        """actual ÷ baseline, unrounded; None for a baseline of 0 (no multiple of nothing)."""
        if self.baseline == 0:
            return None
        return Decimal(self.actual) / Decimal(self.baseline)

    @property
    def multiple(self) -> Decimal | None:
        """actual ÷ baseline to 4 places (the JSON's ``multiple_of_first_baseline``)."""
        return None if self.ratio is None else half_up(self.ratio, counting.FOUR_PLACES)

    @property
    def times(self) -> Decimal | None:
        """为其N倍: actual ÷ baseline to 1 place."""
        return None if self.ratio is None else half_up(self.ratio)

    @property
    def increase(self) -> Decimal | None:
        """增长N倍: actual ÷ baseline − 1 to 1 place."""
        return None if self.ratio is None else half_up(self.ratio - 1)

    @property
    def years(self) -> int:
        return self.final_year - self.baseline_year

    @property
    def annual_rate_percent(self) -> Decimal | None:
        """Average annual growth, (actual ÷ baseline)^(1 / years) − 1, as a percentage to 1 place."""
        if self.ratio is None or self.years <= 0:
            return None
        rate = self.ratio ** (Decimal(1) / Decimal(self.years)) - 1
        return half_up(rate * 100)


@dataclass(frozen=True)
class YearFigure:
    """One year of an indicator: the date it is counted at, and actual beside target (or quota)."""

    year: int
    as_of: datetime.date
    cell: Cell

    @property
    def met(self) -> bool:
        return self.cell.target is not None and self.cell.actual >= self.cell.target


@dataclass(frozen=True)
class CityIndicator:
    indicator: Indicator
    baselines: tuple[tuple[int, int], ...]  # (year, figure), earliest first
    years: tuple[YearFigure, ...]  # the plan's years, first to last

    @property
    def final(self) -> YearFigure:
        return self.years[-1]

    @property
    def growth(self) -> Growth | None:
        """Against the earliest baseline; None when the plan quotes none for this indicator."""
        if not self.baselines:
            return None
        year, value = self.baselines[0]
        return Growth(baseline_year=year, baseline=value, final_year=self.final.year, actual=self.final.cell.actual)

    @property
    def has_targets(self) -> bool:
        return any(figure.cell.target is not None for figure in self.years)

    @property
    def years_with_target(self) -> int:
        return sum(1 for figure in self.years if figure.cell.target is not None)

    @property
    def years_met(self) -> int:
        return sum(1 for figure in self.years if figure.met)


@dataclass(frozen=True)
class UnitIndicator:
    indicator: Indicator
    years: tuple[YearFigure, ...]
    rank: int | None = None  # by final completion; None without a final quota or outside the city view
    tied: bool = False  # the rank is shared (并列)

    @property
    def final(self) -> YearFigure:
        return self.years[-1]

    @property
    def years_met(self) -> int:
        return sum(1 for figure in self.years if figure.met)

    @property
    def rank_text(self) -> str:
        if self.rank is None:
            return "—"
        return f"并列{self.rank}" if self.tied else str(self.rank)


@dataclass(frozen=True)
class UnitRow:
    county: County
    indicators: tuple[UnitIndicator, ...]  # in ``counting.INDICATORS`` order

    def of(self, indicator: Indicator) -> UnitIndicator:
        return self.indicators[counting.INDICATORS.index(indicator)]


@dataclass(frozen=True)
class Evaluation:
    plan: Plan
    today: datetime.date
    ranked: bool  # ranks are given (the whole city is in scope)
    city: tuple[CityIndicator, ...]  # in ``counting.INDICATORS`` order
    units: tuple[UnitRow, ...]

    @property
    def years(self) -> range:
        return self.plan.years

    @property
    def as_of(self) -> datetime.date:
        """The date the plan's last year is counted at."""
        return counting.default_as_of(self.plan.last_year, self.today)

    @property
    def ended(self) -> bool:
        """The plan's last year is over: this is the final evaluation, not an interim one."""
        return self.today > datetime.date(self.plan.last_year, 12, 31)

    @property
    def plan_title(self) -> str:
        return plan_title(self.plan)

    @property
    def kind(self) -> str:
        return "终期评估" if self.ended else "阶段性评估"

    def of(self, indicator: Indicator) -> CityIndicator:
        return self.city[counting.INDICATORS.index(indicator)]


def find_plan(first_year: int, last_year: int) -> Plan | None:
    """The plan running exactly from ``first_year`` to ``last_year`` (one query)."""
    return Plan.objects.filter(first_year=first_year, last_year=last_year).first()


def plan_dates(plan: Plan, today: datetime.date) -> dict[int, datetime.date]:
    """Each year of the plan → the date its figure is taken at (``counting.default_as_of``)."""
    return {year: counting.default_as_of(year, today) for year in plan.years}


def evaluate(plan: Plan, scope: Scope, today: datetime.date) -> Evaluation:
    """The evaluation of ``plan`` for ``scope`` on ``today``, cached under the data version."""
    key = (plan.pk, plan.first_year, plan.last_year, today, scope.key)
    evaluation: Evaluation = caching.cached("evaluation", key, lambda: _evaluate(plan, scope, today))
    return evaluation


def _evaluate(plan: Plan, scope: Scope, today: datetime.date) -> Evaluation:
    """Four queries (targets, baselines, quotas in scope, units in scope) and three counting queries."""
    dates = plan_dates(plan, today)
    rows = plan.targets.order_by().values_list("year", "indicator", "value")
    targets = {(year, ind): value for year, ind, value in rows}
    baselines = sorted(plan.baselines.order_by().values_list("year", "indicator", "value"))
    quotas = {
        (county_id, year, ind): value
        for county_id, year, ind, value in CountyQuota.objects.visible_to(scope)
        .filter(plan=plan)
        .values_list("county_id", "year", "indicator", "value")
    }
    # The units in scope: every active one, and any since retired that had a quota in the plan.
    counties = list(County.objects.visible_to(scope).filter(Q(is_active=True) | Q(quotas__plan=plan)).distinct())
    figures = counting.count_figures_many(dates, scope)
    city = tuple(
        CityIndicator(
            indicator=indicator,
            baselines=tuple((year, value) for year, ind, value in baselines if ind == indicator.value),
            years=tuple(
                YearFigure(
                    year=year,
                    as_of=as_of,
                    cell=Cell(actual=figures[year].city(indicator), target=targets.get((year, indicator.value))),
                )
                for year, as_of in dates.items()
            ),
        )
        for indicator in counting.INDICATORS
    )
    units = []
    for county in counties:
        indicators = []
        for indicator in counting.INDICATORS:
            years = tuple(
                YearFigure(
                    year=year,
                    as_of=as_of,
                    cell=Cell(
                        actual=figures[year].county(county.pk, indicator),
                        target=quotas.get((county.pk, year, indicator.value)),
                    ),
                )
                for year, as_of in dates.items()
            )
            indicators.append(UnitIndicator(indicator=indicator, years=years))
        units.append(UnitRow(county=county, indicators=tuple(indicators)))
    ranked = tuple(rank_units(units)) if scope.is_city else tuple(units)
    return Evaluation(plan=plan, today=today, ranked=scope.is_city, city=city, units=ranked)


def competition_ranks(values: dict[int, Decimal]) -> dict[int, tuple[int, bool]]:
    """Key → (rank, tied): highest value first, equal values share a rank (1, 1, 3)."""
    ordered = sorted(values.values(), reverse=True)
    ranks = {}
    for key, value in values.items():
        ranks[key] = (ordered.index(value) + 1, ordered.count(value) > 1)
    return ranks


def rank_units(rows: list[UnitRow]) -> list[UnitRow]:
    """Each indicator's rank by final completion among the units with a final quota."""
    ranks = {}
    for indicator in counting.INDICATORS:
        completions = {}
        for position, row in enumerate(rows):
            completion = row.of(indicator).final.cell.completion
            if completion is not None:
                completions[position] = completion
        ranks[indicator] = competition_ranks(completions)
    ranked = []
    for position, row in enumerate(rows):
        indicators = []
        for item in row.indicators:
            rank, tied = ranks[item.indicator].get(position, (None, False))
            indicators.append(UnitIndicator(indicator=item.indicator, years=item.years, rank=rank, tied=tied))
        ranked.append(UnitRow(county=row.county, indicators=tuple(indicators)))
    return ranked


# -- JSON ----------------------------------------------------------------------------------------


def _ratio(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _city_json(item: CityIndicator) -> dict:
    growth = item.growth
    final = item.final.cell
    return {
        "baselines": {str(year): value for year, value in item.baselines},
        "years": {
            str(figure.year): {
                "target": figure.cell.target,
                "actual": figure.cell.actual,
                "completion": _ratio(figure.cell.completion),
            }
            for figure in item.years
        },
        "final": {
            "target": final.target,
            "actual": final.actual,
            "completion": _ratio(final.completion),
            "multiple_of_first_baseline": _ratio(growth.multiple) if growth else None,
        },
    }


def _unit_json(item: UnitIndicator) -> dict:
    return {
        "years": {
            str(figure.year): {
                "quota": figure.cell.target,
                "actual": figure.cell.actual,
                "completion": _ratio(figure.cell.completion),
            }
            for figure in item.years
        },
        "years_met": item.years_met,
        "rank": item.rank,
    }


def evaluation_as_json(evaluation: Evaluation) -> dict:
    """The documented shape of ``/reports/evaluation/<first>-<last>.json`` (issue 14)."""
    plan = evaluation.plan
    return {
        "plan": {
            "name": plan.name,
            "document_number": plan.document_number,
            "first_year": plan.first_year,
            "last_year": plan.last_year,
        },
        "as_of": evaluation.as_of.isoformat(),
        "city": {item.indicator.value: _city_json(item) for item in evaluation.city},
        "counties": [
            {
                "code": row.county.code,
                "name": row.county.name,
                **{item.indicator.value: _unit_json(item) for item in row.indicators},
            }
            for row in evaluation.units
        ],
    }
