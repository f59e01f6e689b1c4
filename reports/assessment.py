"""The annual assessment (考核): scoring quota completion per unit, drafts and publications.

Rules (issue 6; the plan publishes no formula, so the scheme is data):

- completion = actual ÷ quota; points = max_points × min(completion, cap);
- a quota of 0 gives full points; a missing quota leaves the indicator out of the unit's
  total and flags it;
- actual figures come from ``counting`` at the scheme's date (default: the year's 12-31);
- Decimal arithmetic; completion kept to 4 places, points rounded to 2 places (half up)
  per item, and the total is the sum of the rounded points, so the figures shown add up;
- ranks by total, highest first; equal totals share a rank (1, 1, 3);
- publishing freezes the draft; a result published before its year's 12-31, or counted at a date
  after the day of publication, is 阶段性结果 (interim) and needs a reason (issue 12).

A year without a scheme of its own scores 10 points for each indicator with cap 1.0.
"""

import datetime
import hashlib
import json
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils import timezone

from targets import lookup
from targets.models import Indicator
from units.models import County

from . import counting
from .models import AssessmentPublication, AssessmentScheme, SchemeItem

DEFAULT_ITEMS = {indicator.value: (Decimal("10"), Decimal("1.0")) for indicator in Indicator}
FOUR_PLACES = Decimal("0.0001")
TWO_PLACES = Decimal("0.01")


def decimal_text(value: Decimal) -> str:
    """A Decimal as plain text without exponent or trailing zeros: 10.00 → "10", 8.50 → "8.5"."""
    text = format(value.normalize(), "f")
    return text


@dataclass(frozen=True)
class Item:
    indicator: str
    quota: int | None
    actual: int
    max_points: Decimal
    cap: Decimal

    @property
    def completion(self) -> Decimal | None:
        if self.quota is None:
            return None
        if self.quota == 0:
            return Decimal(1)
        return (Decimal(self.actual) / Decimal(self.quota)).quantize(FOUR_PLACES, rounding=ROUND_HALF_UP)

    @property
    def points(self) -> Decimal | None:
        if self.quota is None:
            return None
        if self.quota == 0:
            return self.max_points.quantize(TWO_PLACES)
        ratio = min(Decimal(self.actual) / Decimal(self.quota), self.cap)
        return (self.max_points * ratio).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)

    @property
    def shortfall(self) -> int:
        """Enterprises the quota still needed (what would have raised the score)."""
        if self.quota is None:
            return 0
        return max(self.quota - self.actual, 0)


@dataclass
class UnitScore:
    code: str
    name: str
    items: dict[str, Item] = field(default_factory=dict)
    rank: int = 0

    @property
    def total(self) -> Decimal:
        return sum((item.points for item in self.items.values() if item.points is not None), Decimal("0.00"))

    @property
    def missing_quotas(self) -> list[str]:
        return [ind for ind, item in self.items.items() if item.quota is None]


@dataclass
class Assessment:
    year: int
    as_of: datetime.date
    scheme: dict[str, tuple[Decimal, Decimal]]
    units: list[UnitScore]
    own_scheme: bool = False  # False: the year has no scheme of its own and uses DEFAULT_ITEMS


def scheme_for(year: int) -> tuple[datetime.date, dict[str, tuple[Decimal, Decimal]], bool]:
    """(as_of date, indicator → (max points, cap), whether the year has its own scheme)."""
    scheme = AssessmentScheme.objects.filter(year=year).prefetch_related("items").first()
    year_end = datetime.date(year, 12, 31)
    if scheme is None:
        return year_end, dict(DEFAULT_ITEMS), False
    items = {item.indicator: (item.max_points, item.cap) for item in scheme.items.all()}
    return scheme.as_of or year_end, items, True


def rank_units(units: list[UnitScore]) -> None:
    """Competition ranking by total: equal totals share a rank, the next rank skips (1, 1, 3)."""
    ordered = sorted(units, key=lambda unit: unit.total, reverse=True)
    for position, unit in enumerate(ordered, start=1):
        previous = ordered[position - 2] if position > 1 else None
        unit.rank = previous.rank if previous is not None and previous.total == unit.total else position
    units[:] = ordered


def assessment_compute(*, year: int) -> Assessment:
    """The live draft for every active unit (a fixed number of queries)."""
    as_of, scheme, own_scheme = scheme_for(year)
    figures = counting.count_figures(year=year, as_of=as_of)
    quotas = lookup.county_quotas(year)
    units = []
    for county in County.objects.filter(is_active=True):
        unit = UnitScore(code=county.code, name=county.name)
        for indicator, (max_points, cap) in scheme.items():
            unit.items[indicator] = Item(
                indicator=indicator,
                quota=quotas.get((county.pk, indicator)),
                actual=figures.county(county.pk, indicator),
                max_points=max_points,
                cap=cap,
            )
        units.append(unit)
    rank_units(units)
    return Assessment(year=year, as_of=as_of, scheme=scheme, units=units, own_scheme=own_scheme)


def serialize_units(units: list[UnitScore]) -> list[dict]:
    """The JSON form of units, as published and as served by ``/reports/assessment/<year>.json``."""
    rows = []
    for unit in units:
        items = {}
        for indicator, item in unit.items.items():
            items[indicator] = {
                "quota": item.quota,
                "actual": item.actual,
                "completion": None if item.completion is None else str(item.completion),
                "points": None if item.points is None else str(item.points),
                "max_points": decimal_text(item.max_points),
                "cap": decimal_text(item.cap),
                "shortfall": item.shortfall,
            }
        rows.append(
            {
                "code": unit.code,
                "name": unit.name,
                "total": str(unit.total.quantize(TWO_PLACES)),
                "rank": unit.rank,
                "missing_quotas": unit.missing_quotas,
                "items": items,
            }
        )
    return rows


def serialize(assessment: Assessment) -> dict:
    return {
        "year": assessment.year,
        "as_of": assessment.as_of.isoformat(),
        "scheme": {
            ind: {"max_points": decimal_text(mp), "cap": decimal_text(cap)}
            for ind, (mp, cap) in assessment.scheme.items()
        },
        "counties": serialize_units(assessment.units),
    }


def city_totals(rows: list[dict]) -> dict[str, dict]:
    """Per indicator, the city's quota (the units' sum; None if no unit has one) and actual figure
    (the sum over the units, docs/domain.md §6) and their completion, of serialized unit rows."""
    totals: dict[str, dict] = {}
    for row in rows:
        for indicator, item in row["items"].items():
            total = totals.setdefault(indicator, {"quota": None, "actual": 0})
            total["actual"] += item["actual"]
            if item["quota"] is not None:
                total["quota"] = (total["quota"] or 0) + item["quota"]
    for total in totals.values():
        ratio = counting.completion_ratio(total["actual"], total["quota"])
        total["completion"] = None if ratio is None else str(ratio)
    return totals


def is_interim(year: int, as_of: datetime.date, today: datetime.date) -> bool:
    """Whether a result published ``today`` is 阶段性结果: before the year's 12-31, or counted at a
    date still to come, later certificates and registrations of the year can change it."""
    return today < datetime.date(year, 12, 31) or as_of > today


def interim_grounds(year: int, as_of: datetime.date, today: datetime.date) -> str:
    """Why a result published ``today`` would be interim, in words ("" when it would not)."""
    grounds = []
    if today < datetime.date(year, 12, 31):
        grounds.append(f"{year} 年度尚未结束")
    if as_of > today:
        grounds.append(f"统计日期 {as_of:%Y-%m-%d} 晚于今天")
    return "，".join(grounds)


def digest(data: dict) -> str:
    """A fingerprint of a serialized draft: the confirmation page's figures are those published."""
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


class PublishRefused(ValueError):
    """A publication that may not go ahead as asked; the message says why, in Chinese."""


class ReasonRequired(PublishRefused):
    """The year is already published (perhaps a moment ago): a republication needs a reason."""


class DraftChanged(PublishRefused):
    """The figures changed after the confirmation page was shown."""


@transaction.atomic
def assessment_publish(
    *,
    user,
    year: int,
    note: str = "",
    reason: str = "",
    interim_reason: str = "",
    confirmed: str | None = None,
    today: datetime.date | None = None,
) -> AssessmentPublication:
    """Freeze the current draft as the next version of ``year``'s published assessment.

    A republication needs ``reason``; a result published before the year's 12-31 or counted at a
    later date needs ``interim_reason`` and is marked 阶段性结果. ``confirmed`` is the ``digest`` of
    the draft the publisher saw; when given, a draft that has changed since is refused.
    """
    today = today or timezone.localdate()
    # Lock the year's versions; two simultaneous first publications collide on the unique
    # (year, version) constraint instead of both succeeding.
    versions = list(
        AssessmentPublication.objects.select_for_update().filter(year=year).values_list("version", flat=True)
    )
    version = max(versions, default=0) + 1
    if version > 1 and not reason.strip():
        raise ReasonRequired("重新发布须说明原因")
    data = serialize(assessment_compute(year=year))
    if confirmed is not None and confirmed != digest(data):
        raise DraftChanged("确认页面打开后考核数字已有变化，请核对最新数字后再发布")
    as_of = datetime.date.fromisoformat(data["as_of"])
    interim = is_interim(year, as_of, today)
    if interim and not interim_reason.strip():
        raise PublishRefused(f"{interim_grounds(year, as_of, today)}，现在发布的是阶段性结果，须说明提前发布的原因")
    return AssessmentPublication.objects.create(
        year=year,
        version=version,
        published_by=user,
        note=note,
        reason=reason.strip() if version > 1 else "",
        interim=interim,
        interim_reason=interim_reason.strip() if interim else "",
        data=data,
    )


def latest_publication(year: int) -> AssessmentPublication | None:
    return AssessmentPublication.objects.filter(year=year).order_by("-version").first()


def published_scores(year: int) -> dict[str, tuple[str, int]] | None:
    """County code → (total, rank) of the latest published version, or None if nothing is published."""
    publication = latest_publication(year)
    if publication is None:
        return None
    return {row["code"]: (row["total"], row["rank"]) for row in publication.data["counties"]}


@transaction.atomic
def scheme_save(*, user, year: int, as_of, note: str, items: dict) -> AssessmentScheme:
    """Replace ``year``'s scheme with ``items`` (indicator → (max points, cap))."""
    scheme, _ = AssessmentScheme.objects.update_or_create(year=year, defaults={"as_of": as_of, "note": note})
    # Item by item (not bulk), so the audit trail records every change of points and caps.
    existing = {item.indicator: item for item in scheme.items.all()}
    for indicator, (max_points, cap) in items.items():
        item = existing.pop(indicator, None) or SchemeItem(scheme=scheme, indicator=indicator)
        if item.pk is None or (item.max_points, item.cap) != (max_points, cap):
            item.max_points, item.cap = max_points, cap
            item.save()
    for item in existing.values():
        item.delete()
    return scheme
