"""Read access to plans, targets and quotas by year (one query each)."""

from .models import AnnualTarget, Baseline, CountyQuota, Plan


def plan_for_year(year: int) -> Plan | None:
    """The plan whose period covers ``year`` (plans do not overlap)."""
    return Plan.objects.filter(first_year__lte=year, last_year__gte=year).first()


def city_targets(year: int) -> dict[str, int]:
    """Indicator → the city target for ``year``; an indicator without a target is absent."""
    rows = AnnualTarget.objects.filter(year=year).values_list("indicator", "value")
    return dict(rows)


def county_quotas(year: int) -> dict[tuple[int, str], int]:
    """(county id, indicator) → quota for ``year``; a missing quota is absent."""
    rows = CountyQuota.objects.filter(year=year).values_list("county_id", "indicator", "value")
    return {(county_id, indicator): value for county_id, indicator, value in rows}


def baselines() -> dict[tuple[int, str], int]:
    """(year, indicator) → the figure a plan quotes for an earlier year."""
    rows = Baseline.objects.values_list("year", "indicator", "value")
    return {(year, indicator): value for year, indicator, value in rows}
