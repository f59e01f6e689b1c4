"""Which year the dashboard at ``/`` opens on, and whether the plan behind it has ended (issue 14).

Once a plan sets targets for the running year, ``/`` shows that year. Until then (the
2023–2025 plan ended with 2025 and no plan sets targets for 2026 yet) it shows the last year
that has targets, says that its plan ended, links to the plan's evaluation and offers bureau
staff the form for the next plan.
"""

import datetime
from dataclasses import dataclass

from targets.models import AnnualTarget, Plan

from .evaluation import plan_title


@dataclass(frozen=True)
class Landing:
    """Which year the dashboard opens on (issue 14): the running year once a plan sets targets
    for it, else the last year that has targets, whose plan may have ended."""

    running_year: int
    year: int
    plan: Plan | None  # the plan of ``year``'s targets; None when no plan sets any

    @property
    def running_year_has_targets(self) -> bool:
        return self.year == self.running_year

    @property
    def ended(self) -> bool:
        """The plan of the last targeted year is over and no plan sets targets for the running year."""
        return self.plan is not None and self.plan.last_year < self.running_year

    @property
    def plan_title(self) -> str:
        return plan_title(self.plan) if self.plan else ""

    @property
    def notice(self) -> bool:
        return self.plan is not None and not self.running_year_has_targets


def landing_for(today: datetime.date) -> Landing:
    """The dashboard's default year as of ``today`` (one query): the latest year up to the
    running year that has a city target."""
    target = AnnualTarget.objects.filter(year__lte=today.year).select_related("plan").order_by("-year").first()
    if target is None:
        return Landing(running_year=today.year, year=today.year, plan=None)
    return Landing(running_year=today.year, year=target.year, plan=target.plan)
