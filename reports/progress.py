"""Progress against the plan: counts from ``counting`` beside targets and quotas.

Every page, JSON document and workbook that shows progress is built from ``build_progress``,
so they agree figure for figure.
"""

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from targets import lookup
from targets.models import AnnualTarget, CountyQuota, Indicator
from units.models import County
from units.scope import Scope

from . import counting
from .schedule import ALERT_LABELS, ALERT_STYLES, FINISHED, ScheduleRule, schedule_rule

# The indicators a plan sets city targets for, in display order.
PLAN_INDICATORS = (Indicator.HIGH_TECH, Indicator.TECH_SME)


@dataclass(frozen=True)
class Cell:
    """One indicator's actual figure beside its target (``None``: 未设定), and in a progress report
    the 序时进度 due by the date with its alert (``schedule``; None where no target is set)."""

    actual: int
    target: int | None
    schedule: int | None = None
    alert: str | None = None

    @property
    def alert_label(self) -> str:
        """正常 / 关注 / 滞后: the alert in words, never the colour alone; "" without one."""
        return ALERT_LABELS.get(self.alert or "", "")

    @property
    def alert_style(self) -> str:
        """The alert's Bootstrap colour (success / warning / danger); "" without one."""
        return ALERT_STYLES.get(self.alert or "", "")

    @property
    def completion(self) -> Decimal | None:
        """actual ÷ target (``counting.completion_ratio``), or None where no target is set (never 0%)."""
        return counting.completion_ratio(self.actual, self.target)

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

    @property
    def behind(self) -> bool:
        """Behind schedule: short of the quota on at least one of the plan's indicators."""
        return any(self.cells[indicator.value].behind for indicator in PLAN_INDICATORS if indicator.value in self.cells)


@dataclass(frozen=True)
class Progress:
    year: int
    as_of: datetime.date
    city: dict[str, Cell]
    counties: list[CountyProgress]
    indicators: tuple = PLAN_INDICATORS
    rule: ScheduleRule | None = None  # how the 序时进度 and alerts were computed

    @property
    def schedule_methods(self) -> list[tuple[str, str]]:
        """(short label, how its 序时进度 was computed) per indicator for the page's legend, e.g.
        ("科技型中小企业", "按时间均摊：…"); one line without a label for a finished year."""
        if self.rule is None:
            return []
        if all(method == FINISHED for method in self.rule.methods.values()):
            return [("", self.rule.describe(PLAN_INDICATORS[0].value))]
        return [
            (SHORT_LABELS[indicator], self.rule.describe(indicator.value).removeprefix("序时进度"))
            for indicator in counting.INDICATORS
        ]


def scheduled_cell(rule: ScheduleRule, indicator: str, actual: int, target: int | None) -> Cell:
    """A cell with its 序时进度 and alert under ``rule`` (docs/domain.md §9)."""
    due = rule.schedule(indicator, target)
    return Cell(actual=actual, target=target, schedule=due, alert=rule.alert(actual, due))


def build_progress(*, year: int, as_of: datetime.date | None, scope: Scope) -> Progress:
    """City figures for everyone; per-county rows only for the counties in ``scope``."""
    figures = counting.count_figures(year=year, as_of=as_of, scope=scope)
    targets = lookup.city_targets(year)
    quotas = lookup.county_quotas(year)
    rule = schedule_rule(year, figures.as_of)
    city = {
        indicator.value: scheduled_cell(rule, indicator.value, figures.city(indicator), targets.get(indicator.value))
        for indicator in counting.INDICATORS
    }
    rows = []
    for county in County.objects.visible_to(scope).filter(is_active=True):
        cells = {
            indicator.value: scheduled_cell(
                rule, indicator.value, figures.county(county.pk, indicator), quotas.get((county.pk, indicator.value))
            )
            for indicator in counting.INDICATORS
        }
        rows.append(CountyProgress(county=county, cells=cells))
    return Progress(year=year, as_of=figures.as_of, city=city, counties=rows, rule=rule)


# Short names for table headers, chart legends and Excel columns.
SHORT_LABELS = {
    Indicator.HIGH_TECH: "高新技术企业",
    Indicator.TECH_SME: "科技型中小企业",
    Indicator.HIGH_TECH_NEW: "首次认定高企",
}
# The longest run of years a series chart shows, counted back from the report's year.
MAX_SERIES_YEARS = 15


def progress_as_json(progress: Progress) -> dict:
    """The documented shape of ``/reports/progress.json`` (issue 5): keys may be added, never renamed.

    Per indicator: ``actual``, ``target`` (issue 5), ``schedule`` and ``alert`` (issue 14: the
    序时进度 due by ``as_of`` and green / yellow / red; both null where no target is set).
    """

    def cells(source: dict[str, Cell]) -> dict:
        return {
            indicator.value: {
                "actual": source[indicator.value].actual,
                "target": source[indicator.value].target,
                "schedule": source[indicator.value].schedule,
                "alert": source[indicator.value].alert,
            }
            for indicator in counting.INDICATORS
        }

    return {
        "year": progress.year,
        "as_of": progress.as_of.isoformat(),
        "city": cells(progress.city),
        "counties": [
            {"code": row.county.code, "name": row.county.name, **cells(row.cells)} for row in progress.counties
        ],
    }


def _single_unit(scope: Scope) -> County | None:
    """The one unit a county official sees (their series sit beside the city's); None for the city view."""
    if not scope.is_unit:
        return None
    return County.objects.visible_to(scope).first()


@dataclass(frozen=True)
class SeriesPoint:
    """One year of an indicator's series. ``as_of`` is None for years after the report's year."""

    year: int
    as_of: datetime.date | None
    baseline: int | None
    target: int | None
    actual: int | None
    unit_quota: int | None = None
    unit_actual: int | None = None

    @property
    def cell(self) -> Cell | None:
        return None if self.actual is None else Cell(actual=self.actual, target=self.target)


@dataclass(frozen=True)
class Series:
    indicator: Indicator
    points: list[SeriesPoint]
    unit: County | None = None


def series_years(year: int, marked_years: set[int]) -> range:
    """From the earliest baseline or target year to the latest target year or ``year``."""
    first = max(min(marked_years | {year}), year - MAX_SERIES_YEARS + 1)
    last = max(marked_years | {year})
    return range(first, last + 1)


def build_series(*, year: int, as_of: datetime.date, scope: Scope) -> list[Series]:
    """Each indicator from the plan's baselines to its last target year: baseline, target, actual.

    A year before ``year`` is counted at its 12-31, ``year`` itself at ``as_of``; later years
    carry their targets only, so a report for a past date shows nothing recorded after it.
    For a county official the unit's own quota and actual are added. Three counting queries
    for all the years together, whatever the number of enterprises or years.
    """
    baselines = lookup.baselines()
    targets = {(y, ind): v for y, ind, v in AnnualTarget.objects.values_list("year", "indicator", "value")}
    years = series_years(year, {y for y, _ in baselines} | {y for y, _ in targets})
    unit = _single_unit(scope)
    quotas = {}
    if unit is not None:
        rows = CountyQuota.objects.filter(county=unit, year__in=list(years)).values_list("year", "indicator", "value")
        quotas = {(y, ind): v for y, ind, v in rows}
    figures = counting.count_figures_many(
        {y: as_of if y == year else datetime.date(y, 12, 31) for y in years if y <= year}, scope
    )
    result = []
    for indicator in counting.INDICATORS:
        points = []
        for y in years:
            counted = figures.get(y)
            points.append(
                SeriesPoint(
                    year=y,
                    as_of=counted.as_of if counted else None,
                    baseline=baselines.get((y, indicator.value)),
                    target=targets.get((y, indicator.value)),
                    actual=counted.city(indicator) if counted else None,
                    unit_quota=quotas.get((y, indicator.value)),
                    unit_actual=counted.county(unit.pk, indicator) if counted and unit else None,
                )
            )
        result.append(Series(indicator=indicator, points=points, unit=unit))
    return result


@dataclass(frozen=True)
class ForecastRow:
    """The year-end forecast of valid HTEs for one unit (``county``) or the city (None)."""

    county: County | None
    counts: counting.ForecastCounts
    target: int | None

    @property
    def cell(self) -> Cell:
        return Cell(actual=self.counts.year_end, target=self.target)


@dataclass(frozen=True)
class ForecastReport:
    year: int
    as_of: datetime.date
    city: ForecastRow
    counties: list[ForecastRow]

    @property
    def year_end(self) -> datetime.date:
        return datetime.date(self.year, 12, 31)


def build_forecast(*, year: int, as_of: datetime.date, scope: Scope) -> ForecastReport:
    """``counting.year_end_forecast`` beside the year's HTE target, city-wide and per unit of ``scope``."""
    forecast = counting.year_end_forecast(year=year, as_of=as_of, scope=scope)
    indicator = Indicator.HIGH_TECH.value
    quotas = lookup.county_quotas(year)
    city = ForecastRow(county=None, counts=forecast.city(), target=lookup.city_targets(year).get(indicator))
    rows = [
        ForecastRow(county=county, counts=forecast.county(county.pk), target=quotas.get((county.pk, indicator)))
        for county in County.objects.visible_to(scope).filter(is_active=True)
    ]
    return ForecastReport(year=year, as_of=forecast.as_of, city=city, counties=rows)


# -- The 通报 layout (issue 14): one block per indicator, units in the official order ---------------

BLOCK_NUMERALS = "一二三四五六七八九十"  # the blocks are numbered 一、二、…


@dataclass(frozen=True)
class BulletinRow:
    """One line of a 通报 block: a unit (``number`` its 序号) or the 合计 line (``number`` None)."""

    number: int | None
    name: str
    code: str
    cell: Cell
    rank: int | None = None
    tied: bool = False

    @property
    def rank_text(self) -> str:
        """``3`` or ``3（并列）``; a dash where the unit is not ranked (no quota, or the 合计 line)."""
        if self.rank is None:
            return "—"
        return f"{self.rank}（并列）" if self.tied else str(self.rank)


@dataclass(frozen=True)
class BulletinBlock:
    indicator: Indicator
    rows: list[BulletinRow]
    total: BulletinRow
    method: str  # how the 序时进度 was computed (``ScheduleRule.describe``)
    ranked: bool  # False for a reader who sees one unit: a rank is relative to every unit


def completion_ranks(cells: dict[str, Cell]) -> dict[str, tuple[int, bool]]:
    """Key → (rank, tied) by completion, highest first; equal completions share a rank (1, 2, 2, 4)
    and are marked tied. Keys without a target (completion 未设定) are not ranked."""
    ratios = {key: cell.completion for key, cell in cells.items() if cell.completion is not None}
    ordered = sorted(ratios.values(), reverse=True)
    ranks = {}
    for key, ratio in ratios.items():
        ranks[key] = (ordered.index(ratio) + 1, ordered.count(ratio) > 1)
    return ranks


def build_bulletin(progress: Progress, *, ranked: bool, indicators=PLAN_INDICATORS) -> list[BulletinBlock]:
    """The 通报 of ``progress``: per indicator the units in the official order (``County.order``),
    ranked by completion when the reader sees every unit, and the 合计 line (the city's target
    and figure; 全市合计 beside a single unit)."""
    blocks = []
    for indicator in indicators:
        cells = {row.county.code: row.cells[indicator.value] for row in progress.counties}
        ranks = completion_ranks(cells) if ranked else {}
        rows = [
            BulletinRow(number, county.name, county.code, cells[county.code], *ranks.get(county.code, ()))
            for number, county in enumerate((row.county for row in progress.counties), start=1)
        ]
        total = BulletinRow(None, "合计" if ranked else "全市合计", "city", progress.city[indicator.value])
        method = progress.rule.describe(indicator.value) if progress.rule else ""
        blocks.append(BulletinBlock(indicator=indicator, rows=rows, total=total, method=method, ranked=ranked))
    return blocks
