"""The printable 通报 at ``/reports/bulletin/`` (issue 14): the unit table in the bureau's layout.

``?year=&as_of=&indicator=``: the year (default: the year the dashboard opens on), the date
(default as everywhere: a past year's 12-31, the running year's today) and one indicator (default:
every plan indicator, one block each). Scoped like the dashboard: a county official sees their unit
and the city's 全市合计, without ranks (a rank is relative to every unit). The same blocks are the
通报 sheet of ``progress.xlsx`` (``excel_bulletin``).
"""

from django import forms
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from targets.models import Indicator
from units.scope import Scope

from . import caching, counting
from .evaluation_landing import landing_for
from .forms import ProgressParamsForm
from .progress import BLOCK_NUMERALS, PLAN_INDICATORS, build_bulletin, build_progress


class BulletinParamsForm(ProgressParamsForm):
    """The report's year and date, and optionally one indicator."""

    indicator = forms.ChoiceField(
        label="指标",
        required=False,
        choices=[("", "行动方案各项指标")] + [(i.value, i.label) for i in counting.INDICATORS],
        widget=forms.Select(attrs={"class": "form-select"}),
        error_messages={"invalid_choice": "没有这一指标"},
    )


def _form(request) -> BulletinParamsForm:
    data = request.GET.copy()
    if not data.get("year"):
        data["year"] = str(landing_for(timezone.localdate()).year)
    return BulletinParamsForm(data)


def _blocks(*, year, as_of, indicator: str, scope: Scope):
    progress = build_progress(year=year, as_of=as_of, scope=scope)
    indicators = (Indicator(indicator),) if indicator else PLAN_INDICATORS
    return progress, build_bulletin(progress, ranked=scope.is_city, indicators=indicators)


@require_GET
def bulletin(request):
    form = _form(request)
    if not form.is_valid():
        return render(request, "reports/bulletin.html", {"form": form}, status=400)
    year, as_of = form.cleaned_data["year"], form.cleaned_data["as_of"]
    indicator = form.cleaned_data["indicator"]
    scope = Scope.of(request.user)
    progress, blocks = caching.cached(
        "bulletin",
        (year, as_of, indicator, scope.key),
        lambda: _blocks(year=year, as_of=as_of, indicator=indicator, scope=scope),
    )
    context = {
        "form": form,
        "year": year,
        "as_of": as_of,
        "progress": progress,
        "rule": progress.rule,
        "blocks": blocks,
        "numbered_blocks": list(zip(BLOCK_NUMERALS, blocks, strict=False)),
        "ranked": scope.is_city,
        "query": urlencode({"year": year, "as_of": as_of.isoformat()}),
    }
    return render(request, "reports/bulletin.html", context)
