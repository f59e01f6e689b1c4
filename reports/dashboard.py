"""The dashboard at ``/``: progress, series, forecast, the re-certification work list and the pool.

Everything is read through ``progress`` and ``counting`` and scoped with ``visible_to``; the
JSON and the workbook show the same figures for the same year and date.
"""

import datetime
from dataclasses import dataclass

from enterprises.models import HighTechCertification, Stage
from units.models import County
from units.scope import Scope

from . import counting
from .progress import (
    PLAN_INDICATORS,
    SHORT_LABELS,
    CountyProgress,
    ForecastReport,
    Progress,
    Series,
    build_forecast,
    build_progress,
    build_series,
)

LAPSE_ROWS_SHOWN = 100


@dataclass(frozen=True)
class StageRow:
    """Enterprises of one unit (or the total, ``county`` None) per cultivation stage."""

    county: County | None
    counts: list[int]

    @property
    def total(self) -> int:
        return sum(self.counts)


@dataclass(frozen=True)
class Dashboard:
    progress: Progress
    rows: list[CountyProgress]  # progress.counties in the order asked for
    series: list[Series]
    forecast: ForecastReport
    lapses: list[HighTechCertification]  # the first LAPSE_ROWS_SHOWN of the work list
    lapse_count: int  # the whole work list
    lapses_by_unit: list[tuple[str, int]]  # (unit name, certificates on the work list), in list order
    lapsing_this_year: int
    horizon: datetime.date
    stage_rows: list[StageRow]
    stage_total: StageRow

    def chart_data(self) -> dict:
        """Every number a chart draws; the tables on the page carry the same numbers."""
        return {
            "series": [
                {
                    "label": SHORT_LABELS[series.indicator],
                    "title": series.indicator.label,
                    "years": [str(point.year) for point in series.points],
                    "baseline": [point.baseline for point in series.points],
                    "target": [point.target for point in series.points],
                    "actual": [point.actual for point in series.points],
                    "unit": series.unit.name if series.unit else None,
                    "unit_quota": [point.unit_quota for point in series.points],
                    "unit_actual": [point.unit_actual for point in series.points],
                }
                for series in self.series
                if series.indicator in PLAN_INDICATORS
            ],
            "units": {
                "names": [row.county.name for row in self.progress.counties],
                "indicators": [
                    {
                        "label": SHORT_LABELS[indicator],
                        "quota": [row.cells[indicator.value].target for row in self.progress.counties],
                        "actual": [row.cells[indicator.value].actual for row in self.progress.counties],
                    }
                    for indicator in PLAN_INDICATORS
                ],
            },
            "stages": {
                "names": [row.county.name for row in self.stage_rows if row.county is not None],
                "stages": [
                    {"label": stage.label, "values": [row.counts[i] for row in self.stage_rows]}
                    for i, stage in enumerate(Stage)
                ],
            },
        }


def sort_rows(rows: list[CountyProgress], key: str) -> list[CountyProgress]:
    """Rows in the order asked for: ``name`` or an indicator's completion, ``-`` for descending.

    Units without a quota (completion 未设定) come last either way.
    """
    field = key.lstrip("-")
    descending = key.startswith("-")
    if field == "name":
        return sorted(rows, key=lambda row: row.county.name, reverse=descending)
    if field not in {row_key for row in rows for row_key in row.cells}:
        return list(rows)
    with_target = [row for row in rows if row.cells[field].completion is not None]
    without = [row for row in rows if row.cells[field].completion is None]
    with_target.sort(key=lambda row: (row.cells[field].completion, row.cells[field].actual), reverse=descending)
    return with_target + without


def build_stage_rows(scope: Scope) -> tuple[list[StageRow], StageRow]:
    """The cultivation pool per visible unit and stage, and the total over those units."""
    counts = counting.stage_counts(scope)
    rows = [
        StageRow(county=county, counts=[counts.get(county.pk, {}).get(stage.value, 0) for stage in Stage])
        for county in County.objects.visible_to(scope).filter(is_active=True)
    ]
    total = StageRow(county=None, counts=[sum(row.counts[i] for row in rows) for i in range(len(Stage))])
    return rows, total


def build_dashboard(*, year: int, as_of: datetime.date, scope: Scope, sort: str = "") -> Dashboard:
    """Everything the dashboard shows for ``year`` as of ``as_of``, within ``scope``."""
    progress = build_progress(year=year, as_of=as_of, scope=scope)
    horizon = counting.expiry_horizon(as_of)
    stage_rows, stage_total = build_stage_rows(scope)
    lapses = counting.lapsing_certificates(as_of=as_of, until=horizon, scope=scope)
    by_unit: dict[str, int] = {}
    for certificate in lapses:
        by_unit[certificate.enterprise.county.name] = by_unit.get(certificate.enterprise.county.name, 0) + 1
    forecast = build_forecast(year=year, as_of=as_of, scope=scope)
    return Dashboard(
        progress=progress,
        rows=sort_rows(progress.counties, sort),
        series=build_series(year=year, as_of=as_of, scope=scope),
        forecast=forecast,
        # The page lists the first rows only (the workbook's 即将到期 sheet has them all), and
        # a cached dashboard stays small whatever the size of the work list.
        lapses=lapses[:LAPSE_ROWS_SHOWN],
        lapse_count=len(lapses),
        lapses_by_unit=list(by_unit.items()),
        lapsing_this_year=sum(1 for certificate in lapses if certificate.valid_until < forecast.year_end),
        horizon=horizon,
        stage_rows=stage_rows,
        stage_total=stage_total,
    )
