"""序时进度 and 三色预警: the figure a unit should have reached by the statistics date (docs/domain.md §9).

For year Y as of D, each indicator's schedule is ``target × share`` rounded half up to an integer,
where the share of the year due by D is

- **linear** — days elapsed through D ÷ days in Y (the usual 序时进度);
- **seasonal** — the share of this city's records of the ``SEASON_YEARS`` years before Y that
  arrived on or before D's month-day in their own year: certificate issue dates (首次认定 and
  重新认定) for the HTE indicators, registration dates within the evaluation year for SMEs. HTE
  batches come in autumn and winter and SME lists from June to October, so spring is not read
  as behind.

The plan covering Y chooses (``targets.Plan.schedule_method``): ``auto`` is seasonal for a kind
whose three earlier years all hold records, else linear; ``seasonal`` falls back to linear when
no earlier year holds a record. A finished year (D = 12-31) is due in full: the schedule is the
target. The alert compares the actual figure with the schedule: green from ``green_at`` ×
schedule, yellow from ``yellow_at`` × schedule, red below; no target, no schedule and no alert.

The arrival pattern is the city's, the same for every unit and every reader: one grouped query
over (kind, year, month, day) for both kinds (a UNION ALL), cached under the data version. The
figures themselves come from ``counting``.
"""

import bisect
import datetime
import math
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.db.models import Count, IntegerField, Value
from django.db.models.functions import ExtractDay, ExtractMonth, ExtractYear

from enterprises.models import HighTechCertification, TechSMERegistration
from targets import lookup
from targets.models import Indicator, ScheduleMethod

from . import caching

SEASON_YEARS = 3
HTE, SME = "hte", "sme"
KIND_OF = {Indicator.HIGH_TECH: HTE, Indicator.HIGH_TECH_NEW: HTE, Indicator.TECH_SME: SME}
KIND_LABELS = {HTE: "高新技术企业证书发证日期", SME: "科技型中小企业入库日期"}
LINEAR, SEASONAL, FINISHED = "linear", "seasonal", "finished"
GREEN, YELLOW, RED = "green", "yellow", "red"
ALERTS = (GREEN, YELLOW, RED)
ALERT_LABELS = {GREEN: "正常", YELLOW: "关注", RED: "滞后"}
# Bootstrap's contextual colours (page) and the same subtle fill and emphasis text (workbook).
ALERT_STYLES = {GREEN: "success", YELLOW: "warning", RED: "danger"}
ALERT_FILLS = {GREEN: "D1E7DD", YELLOW: "FFF3CD", RED: "F8D7DA"}
ALERT_FONTS = {GREEN: "0A3622", YELLOW: "664D03", RED: "58151C"}
DEFAULT_GREEN_AT = Decimal("1.00")
DEFAULT_YELLOW_AT = Decimal("0.80")
YEAR_END = 1231  # month * 100 + day


def month_day(day: datetime.date) -> int:
    return day.month * 100 + day.day


def linear_share(as_of: datetime.date) -> Fraction:
    """Days elapsed through ``as_of`` (the day itself included) ÷ days in its year."""
    start = datetime.date(as_of.year, 1, 1)
    days_in_year = (datetime.date(as_of.year + 1, 1, 1) - start).days
    return Fraction((as_of - start).days + 1, days_in_year)


@dataclass(frozen=True)
class Season:
    """When one kind of record arrived in the earlier years: records on or before each month-day."""

    years: tuple[int, ...]  # the earlier years holding records, ascending
    days: tuple[int, ...] = ()  # month * 100 + day, ascending
    cumulative: tuple[int, ...] = ()  # records of all those years on or before that month-day

    @property
    def total(self) -> int:
        return self.cumulative[-1] if self.cumulative else 0

    def share(self, as_of: datetime.date) -> Fraction:
        """The share of the records that had arrived by ``as_of``'s month-day (0 before the first)."""
        if not self.total:
            return Fraction(0)
        index = bisect.bisect_right(self.days, month_day(as_of))
        return Fraction(self.cumulative[index - 1] if index else 0, self.total)


def _season(rows: list[tuple[int, int, int]]) -> Season:
    """A ``Season`` from (year, month-day, records) rows."""
    by_day: dict[int, int] = {}
    for _, day, n in rows:
        by_day[day] = by_day.get(day, 0) + n
    days = tuple(sorted(by_day))
    running, cumulative = 0, []
    for day in days:
        running += by_day[day]
        cumulative.append(running)
    return Season(years=tuple(sorted({year for year, _, n in rows if n})), days=days, cumulative=tuple(cumulative))


def _arrivals(first: int, last: int) -> list[tuple[str, int, int, int]]:
    """(kind, year, month-day, records) for the years ``first`` to ``last``, in one grouped query.

    HTE: every certificate (首次认定 and 重新认定) by its issue date. SME: every registration of
    the evaluation years by its registration date within the evaluation year; one dated after
    its evaluation year (a late list) arrived at that year's end.
    """
    hte = (
        HighTechCertification.objects.filter(
            issued_on__gte=datetime.date(first, 1, 1), issued_on__lte=datetime.date(last, 12, 31)
        )
        .annotate(
            source=Value(0, output_field=IntegerField()),
            y=ExtractYear("issued_on"),
            ry=ExtractYear("issued_on"),
            m=ExtractMonth("issued_on"),
            d=ExtractDay("issued_on"),
        )
        .values("source", "y", "ry", "m", "d")
        .annotate(n=Count("pk"))
        .order_by()
    )
    sme = (
        TechSMERegistration.objects.filter(year__gte=first, year__lte=last)
        .annotate(
            source=Value(1, output_field=IntegerField()),
            ry=ExtractYear("registered_on"),
            m=ExtractMonth("registered_on"),
            d=ExtractDay("registered_on"),
        )
        .values("source", "year", "ry", "m", "d")
        .annotate(n=Count("pk"))
        .order_by()
    )
    rows = []
    for row in hte.union(sme, all=True):  # keys of the first part: y is the SME's evaluation year
        year, registered_year, month, day = (int(row[key]) for key in ("y", "ry", "m", "d"))
        arrived = YEAR_END if registered_year > year else month * 100 + day
        rows.append((SME if row["source"] else HTE, year, arrived, int(row["n"])))
    return rows


def seasons(year: int) -> dict[str, Season]:
    """Kind → its arrival pattern over the ``SEASON_YEARS`` years before ``year``.

    One grouped query for both kinds, or none when cached for the current data version.
    """

    def compute() -> dict[str, Season]:
        rows = _arrivals(year - SEASON_YEARS, year - 1)
        return {kind: _season([row[1:] for row in rows if row[0] == kind]) for kind in (HTE, SME)}

    result: dict[str, Season] = caching.cached("season", (year, SEASON_YEARS), compute)
    return result


def _method_for(chosen: str, season: Season) -> str:
    if chosen == ScheduleMethod.LINEAR or not season.total:
        return LINEAR
    if chosen == ScheduleMethod.SEASONAL or len(season.years) >= SEASON_YEARS:
        return SEASONAL
    return LINEAR


@dataclass(frozen=True)
class ScheduleRule:
    """How year ``year`` is scheduled as of ``as_of``: per kind the method used and the share due."""

    year: int
    as_of: datetime.date
    chosen: str  # the plan's ScheduleMethod (auto when no plan covers the year)
    methods: Mapping[str, str]  # kind → LINEAR, SEASONAL or FINISHED
    shares: Mapping[str, Fraction]  # kind → share of the target due by ``as_of``
    season_years: Mapping[str, tuple[int, ...]]  # kind → the earlier years weighted (seasonal only)
    green_at: Decimal = DEFAULT_GREEN_AT
    yellow_at: Decimal = DEFAULT_YELLOW_AT

    def share(self, indicator: str) -> Fraction:
        return self.shares[KIND_OF[Indicator(indicator)]]

    def schedule(self, indicator: str, target: int | None) -> int | None:
        """``target`` × the share due, rounded half up; None where no target is set."""
        if target is None:
            return None
        return math.floor(target * self.share(indicator) + Fraction(1, 2))

    def alert(self, actual: int, schedule: int | None) -> str | None:
        """green, yellow or red against the schedule; None without one."""
        if schedule is None:
            return None
        if actual >= self.green_at * schedule:
            return GREEN
        if actual >= self.yellow_at * schedule:
            return YELLOW
        return RED

    def percent(self, indicator: str) -> Decimal:
        """The share due as a percentage to one place, for captions (e.g. 24.7)."""
        share = self.share(indicator)
        percent = Decimal(share.numerator) * 100 / Decimal(share.denominator)
        return percent.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    def method(self, indicator: str) -> str:
        return self.methods[KIND_OF[Indicator(indicator)]]

    def describe(self, indicator: str) -> str:
        """How the indicator's schedule was computed, in one Chinese phrase."""
        kind = KIND_OF[Indicator(indicator)]
        method = self.methods[kind]
        if method == FINISHED:
            return "年度已结束，序时进度即全年目标"
        if method == LINEAR:
            start = datetime.date(self.as_of.year, 1, 1)
            elapsed = (self.as_of - start).days + 1
            days = (datetime.date(self.as_of.year + 1, 1, 1) - start).days
            return f"序时进度按时间均摊：已过 {elapsed} 天 ÷ 全年 {days} 天 = {self.percent(indicator)}%"
        years = self.season_years[kind]
        span = f"{years[0]}—{years[-1]}年" if len(years) > 1 else f"{years[0]}年"
        day = f"{self.as_of.month}月{self.as_of.day}日"
        return f"序时进度按往年到达规律：{span}{KIND_LABELS[kind]}截至{day}的占比 {self.percent(indicator)}%"

    @property
    def green_percent(self) -> int:
        return int(self.green_at * 100)

    @property
    def yellow_percent(self) -> int:
        return int(self.yellow_at * 100)


def schedule_rule(year: int, as_of: datetime.date) -> ScheduleRule:
    """The rule of ``year`` as of ``as_of`` from the plan covering it (one query) and, for a year
    in progress that is not scheduled linearly, the earlier years' arrivals (``seasons``)."""
    plan = lookup.plan_for_year(year)
    chosen = plan.schedule_method if plan else ScheduleMethod.AUTO
    thresholds = {"green_at": plan.green_at, "yellow_at": plan.yellow_at} if plan else {}
    kinds = (HTE, SME)
    if as_of >= datetime.date(year, 12, 31):
        methods = dict.fromkeys(kinds, FINISHED)
        shares = dict.fromkeys(kinds, Fraction(1))
        return ScheduleRule(year, as_of, chosen, methods, shares, {}, **thresholds)
    found = seasons(year) if chosen != ScheduleMethod.LINEAR else {kind: Season(years=()) for kind in kinds}
    methods = {kind: _method_for(chosen, found[kind]) for kind in kinds}
    shares = {kind: found[kind].share(as_of) if methods[kind] == SEASONAL else linear_share(as_of) for kind in kinds}
    season_years = {kind: found[kind].years for kind in kinds if methods[kind] == SEASONAL}
    return ScheduleRule(year, as_of, chosen, methods, shares, season_years, **thresholds)
