"""What the big screen at ``/screen/`` shows (issue 14): the plan's indicators against their
targets, the trend since the plan's baselines, the units' ranking and the certificates lapsing
within 90 days — counts only, never an enterprise's name or code, so the kiosk view may show it
to the hall.

Everything is read through ``reports.progress`` and ``reports.counting`` for one ``Scope``: the
city (the kiosk, bureau staff, leaders) or one unit beside the city totals (a county official).
"""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from reports import counting
from reports.progress import (
    PLAN_INDICATORS,
    SHORT_LABELS,
    Cell,
    CountyProgress,
    build_progress,
    build_series,
)
from units.models import County
from units.scope import Scope

LAPSE_DAYS = 90
TREND_FROM = 2020  # the plan's baseline year (通创办发〔2023〕1号 quotes the end of 2020)


@dataclass(frozen=True)
class Tile:
    """One indicator: the reader's figure (the unit's, or the city's) against its target."""

    key: str
    label: str
    cell: Cell
    city: Cell | None = None  # the city beside a unit's own figure


@dataclass(frozen=True)
class RankRow:
    """A unit's completion of the plan's indicators; ``rank`` None where no quota is set."""

    name: str
    cells: list[Cell]
    overall: Decimal | None  # the mean completion of the indicators with a quota
    rank: int | None = None

    @property
    def overall_percent(self) -> Decimal | None:
        if self.overall is None:
            return None
        return (self.overall * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    @property
    def bar_width(self) -> str:
        """The bar's width in percent, 0–100, written with a dot whatever the locale."""
        return str(min(max(self.overall_percent or Decimal(0), Decimal(0)), Decimal(100)))


@dataclass(frozen=True)
class Board:
    year: int
    as_of: datetime.date
    scope_name: str
    sees_all: bool
    tiles: list[Tile]
    labels: list[str]  # of the plan's indicators, in the ranking's columns
    ranking: list[RankRow]
    city_row: RankRow | None  # the city beside a single unit's row
    lapse_from: datetime.date
    lapse_until: datetime.date
    lapse_total: int
    lapse_by_unit: list[tuple[str, int]]
    trend: dict


def overall_completion(cells: list[Cell]) -> Decimal | None:
    ratios = [cell.completion for cell in cells if cell.completion is not None]
    if not ratios:
        return None
    return (sum(ratios, Decimal(0)) / len(ratios)).quantize(counting.FOUR_PLACES, rounding=ROUND_HALF_UP)


def rank_rows(rows: list[CountyProgress], *, ranked: bool) -> list[RankRow]:
    """Units by overall completion, the furthest ahead first; equal completions share a rank
    (1, 1, 3), units without a quota come last, unranked. A single unit is not ranked: a rank is
    relative to every unit, which a county official's scope does not read."""
    result = []
    for unit in rows:
        cells = [unit.cells[indicator.value] for indicator in PLAN_INDICATORS]
        result.append(RankRow(name=unit.county.name, cells=cells, overall=overall_completion(cells)))
    with_quota = sorted((row for row in result if row.overall is not None), key=_overall, reverse=True)
    without = [row for row in result if row.overall is None]
    if not ranked:
        return with_quota + without
    ranked_rows: list[RankRow] = []
    for position, row in enumerate(with_quota, start=1):
        previous = ranked_rows[-1] if ranked_rows else None
        rank = previous.rank if previous is not None and previous.overall == row.overall else position
        ranked_rows.append(RankRow(name=row.name, cells=row.cells, overall=row.overall, rank=rank))
    return ranked_rows + without


def _overall(row: RankRow) -> Decimal:
    return row.overall if row.overall is not None else Decimal(0)


def city_row(city: dict[str, Cell]) -> RankRow:
    cells = [city[indicator.value] for indicator in PLAN_INDICATORS]
    return RankRow(name="全市", cells=cells, overall=overall_completion(cells))


def lapses(today: datetime.date, scope: Scope) -> tuple[datetime.date, int, list[tuple[str, int]]]:
    """Certificates whose cover ends within ``LAPSE_DAYS`` from ``today``, not yet renewed: the
    total and the count per visible unit (zeros included), from the re-certification work list.
    Always from today, whichever year the indicators show: it is the work still to do."""
    until = today + datetime.timedelta(days=LAPSE_DAYS)
    certificates = counting.lapsing_certificates(as_of=today, until=until, scope=scope)
    per_unit: dict[int, int] = {}
    for certificate in certificates:
        per_unit[certificate.enterprise.county_id] = per_unit.get(certificate.enterprise.county_id, 0) + 1
    units = County.objects.visible_to(scope).filter(is_active=True)
    return until, len(certificates), [(county.name, per_unit.get(county.pk, 0)) for county in units]


def trend(year: int, as_of: datetime.date, scope: Scope) -> dict:
    """The chart's numbers: per plan indicator, actual and target from ``TREND_FROM`` to ``year``."""
    series = [item for item in build_series(year=year, as_of=as_of, scope=scope) if item.indicator in PLAN_INDICATORS]
    points = [[point for point in item.points if TREND_FROM <= point.year <= year] for item in series]
    return {
        "years": [str(point.year) for point in points[0]] if points else [],
        "unit": series[0].unit.name if series and series[0].unit else None,
        "series": [
            {
                "label": SHORT_LABELS[item.indicator],
                "actual": [point.actual for point in item_points],
                "target": [point.target for point in item_points],
                "unit_actual": [point.unit_actual for point in item_points],
            }
            for item, item_points in zip(series, points, strict=True)
        ],
    }


def build_board(*, year: int, as_of: datetime.date, today: datetime.date, scope: Scope) -> Board:
    """The board for ``year`` as of ``as_of`` (lapses from ``today``), within ``scope``."""
    progress = build_progress(year=year, as_of=as_of, scope=scope)
    unit = progress.counties[0] if scope.is_unit and progress.counties else None
    tiles = [
        Tile(
            key=indicator.value,
            label=SHORT_LABELS[indicator],
            cell=unit.cells[indicator.value] if unit else progress.city[indicator.value],
            city=progress.city[indicator.value] if unit else None,
        )
        for indicator in counting.INDICATORS
    ]
    until, total, by_unit = lapses(today, scope)
    return Board(
        year=year,
        as_of=progress.as_of,
        scope_name=unit.county.name if unit else ("全市" if scope.is_city else "—"),
        sees_all=scope.is_city,
        tiles=tiles,
        labels=[SHORT_LABELS[indicator] for indicator in PLAN_INDICATORS],
        ranking=rank_rows(progress.counties, ranked=scope.is_city),
        city_row=None if scope.is_city else city_row(progress.city),
        lapse_from=today,
        lapse_until=until,
        lapse_total=total,
        lapse_by_unit=by_unit,
        trend=trend(year, progress.as_of, scope),
    )
