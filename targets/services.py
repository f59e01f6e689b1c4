"""Writes of plans, targets and quotas (audited through django-auditlog's signals)."""

import hashlib
import json

from django.db import transaction

from units.models import County

from .models import AnnualTarget, CountyQuota, Plan


class StaleGridError(Exception):
    """Someone else saved the grid after it was loaded."""


def grid_values(*, plan: Plan, year: int) -> tuple[dict[str, int], dict[tuple[str, str], int]]:
    """The city targets (indicator → value) and quotas ((county code, indicator) → value) of a year."""
    targets = dict(AnnualTarget.objects.filter(plan=plan, year=year).values_list("indicator", "value"))
    quotas = {
        (code, indicator): value
        for code, indicator, value in CountyQuota.objects.filter(plan=plan, year=year).values_list(
            "county__code", "indicator", "value"
        )
    }
    return targets, quotas


def grid_version(targets: dict[str, int], quotas: dict[tuple[str, str], int]) -> str:
    """A fingerprint of a grid's saved values: a save is refused when it no longer matches."""
    payload = json.dumps(
        {"targets": sorted(targets.items()), "quotas": sorted((f"{c}:{i}", v) for (c, i), v in quotas.items())}
    )
    return hashlib.sha256(payload.encode()).hexdigest()[:16]


@transaction.atomic
def quotas_save(
    *,
    user,
    plan: Plan,
    year: int,
    targets: dict[str, int | None],
    quotas: dict[tuple[str, str], int | None],
    expected_version: str,
) -> dict[str, int]:
    """Save a year's city targets and county quotas; ``None`` removes a value.

    The plan row is locked first, so two clerks saving the same grid are serialised and
    the second one, whose ``expected_version`` no longer matches, gets ``StaleGridError``.
    """
    Plan.objects.select_for_update().get(pk=plan.pk)
    current_targets, current_quotas = grid_values(plan=plan, year=year)
    if grid_version(current_targets, current_quotas) != expected_version:
        raise StaleGridError
    changed = 0
    for indicator, value in targets.items():
        changed += _put(AnnualTarget, current_targets.get(indicator), value, plan=plan, year=year, indicator=indicator)
    counties = {county.code: county for county in County.objects.all()}
    for (code, indicator), value in quotas.items():
        changed += _put(
            CountyQuota,
            current_quotas.get((code, indicator)),
            value,
            plan=plan,
            year=year,
            county=counties[code],
            indicator=indicator,
        )
    return {"changed": changed}


def _put(model, old, new, **keys) -> int:
    """Create, update or delete one row; return 1 if anything changed."""
    if old == new:
        return 0
    if new is None:
        for row in model.objects.filter(**keys):
            row.delete()  # one by one, so the audit trail records each removal
        return 1
    row = model.objects.filter(**keys).first() or model(**keys)
    row.value = new
    row.save()
    return 1


@transaction.atomic
def plan_save(*, user, form) -> Plan:
    return form.save()
