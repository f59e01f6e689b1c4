"""The one counting module: every figure on a page, in JSON, in Excel and in an assessment.

Definitions (docs/domain.md §6; the record-level rules are ``enterprises.status``):

- ``high_tech`` — valid HTEs at date D: distinct enterprises holding at least one
  certificate with issue date ≤ D ≤ valid-through date, not revoked on or before D.
- ``tech_sme`` — registered SMEs of year Y as of D: distinct enterprises with a
  registration for evaluation year Y, registered on or before D, not revoked on or
  before D.
- ``high_tech_new`` — first-time HTEs of year Y as of D: distinct enterprises with a
  首次认定 certificate issued in Y on or before D, not revoked on or before D.

Figures are grouped by the enterprise's county; the city figure is the sum over
counties. A figure as of D reads only records dated on or before D, so a report for a
past date can be reproduced. Each function runs a fixed number of queries, whatever
the number of enterprises.

Every function takes the reader's ``Scope`` and filters in SQL: the whole city is counted per
unit; a single unit is counted alone, beside the city totals (a county official sees both),
so no unit's rows are read for a reader who may not see them.
"""

from .figures import (
    CITY,
    FOUR_PLACES,
    INDICATORS,
    ONE_DAY,
    PERIOD,
    UNIT_AT,
    Figures,
    _count_figures_many,
    completion_ratio,
    count_figures,
    count_figures_many,
    default_as_of,
    sme_registrations,
    unit_on_q,
    valid_high_tech_certificates,
)
from .forecast import (
    Forecast,
    ForecastCounts,
    expiry_horizon,
    known_certificates_q,
    lapsing_certificates,
    stage_counts,
    year_end_forecast,
)

__all__ = [
    "CITY",
    "FOUR_PLACES",
    "INDICATORS",
    "ONE_DAY",
    "PERIOD",
    "UNIT_AT",
    "Figures",
    "Forecast",
    "ForecastCounts",
    "_count_figures_many",
    "completion_ratio",
    "count_figures",
    "count_figures_many",
    "default_as_of",
    "expiry_horizon",
    "known_certificates_q",
    "lapsing_certificates",
    "sme_registrations",
    "stage_counts",
    "unit_on_q",
    "valid_high_tech_certificates",
    "year_end_forecast",
]
