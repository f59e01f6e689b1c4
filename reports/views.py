from django.shortcuts import render
from django.utils import timezone

from targets import lookup

from .progress import PLAN_INDICATORS, build_progress


def home(request):
    """Where the city and each visible unit stand against this year's plan targets."""
    year = timezone.localdate().year
    progress = build_progress(year=year, as_of=None, user=request.user)
    plan = lookup.plan_for_year(year) or lookup.plan_for_year(year - 1)
    plan_rows = []
    if plan is not None:
        targets = {(t.year, t.indicator): t.value for t in plan.targets.all()}
        plan_rows = [
            {"year": y, "values": [targets.get((y, ind.value)) for ind in PLAN_INDICATORS]} for y in plan.years
        ]
    context = {
        "progress": progress,
        "indicators": PLAN_INDICATORS,
        "plan": plan,
        "plan_rows": plan_rows,
    }
    return render(request, "reports/home.html", context)
