"""Progress pages and downloads: the dashboard at ``/``, ``progress.json`` and ``progress.xlsx`` (issue 5).

Anonymous requests are sent to the login page by ``LoginRequiredMiddleware``, the JSON included
(like ``/reports/assessment/<year>.json``). Every figure is counted for the reader's
``Scope``: a county official sees their unit and the city totals.
"""

import tempfile

from django.http import FileResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header, urlencode
from django.views.decorators.http import require_GET

from accounts import security
from enterprises.models import Stage
from units.scope import Scope

from . import caching, counting, excel
from .columns import LAPSE_COLUMNS, lapse_values
from .dashboard import build_dashboard
from .evaluation_landing import landing_for
from .forms import SORT_FIELDS, ProgressParamsForm
from .progress import PLAN_INDICATORS, SHORT_LABELS, build_progress, progress_as_json

JSON_OPTIONS = {"ensure_ascii": False}


def _params_form(request, default_year: int | None = None) -> ProgressParamsForm:
    """The year/date form bound to the query string; ``default_year`` (else the running year)
    is filled in when absent."""
    data = request.GET.copy()
    if not data.get("year"):
        data["year"] = str(default_year or timezone.localdate().year)
    return ProgressParamsForm(data)


@require_GET
def home(request):
    """The dashboard: where the city and each visible unit stand against the plan.

    It opens on the running year once a plan sets targets for it; until then on the last year
    that has targets, saying when that plan ended (issue 14: ``evaluation_landing``).
    """
    landing = landing_for(timezone.localdate())
    form = _params_form(request, landing.year)
    if not form.is_valid():
        return render(request, "reports/home.html", {"form": form, "landing": landing}, status=400)
    year, as_of, sort = form.cleaned_data["year"], form.cleaned_data["as_of"], form.cleaned_data["sort"]
    scope = Scope.of(request.user)
    dashboard = caching.cached(
        "dashboard",
        (year, as_of, sort, scope.key),
        lambda: build_dashboard(year=year, as_of=as_of, scope=scope, sort=sort),
    )
    query = {"year": year, "as_of": as_of.isoformat()}
    context = {
        "form": form,
        "year": year,
        "as_of": as_of,
        "sort": sort,
        "dashboard": dashboard,
        "progress": dashboard.progress,
        "plan_indicators": PLAN_INDICATORS,
        "all_indicators": [indicator.value for indicator in counting.INDICATORS],
        "indicator_labels": {indicator.value: indicator.label for indicator in counting.INDICATORS},
        "short_labels": {indicator.value: label for indicator, label in SHORT_LABELS.items()},
        "sort_links": _sort_links(query, sort),
        "lapse_columns": LAPSE_COLUMNS,
        "lapse_rows": [
            {"cells": list(zip(lapse_values(c, as_of), LAPSE_COLUMNS, strict=True)), "enterprise_id": c.enterprise_id}
            for c in dashboard.lapses
        ],
        "lapse_rows_hidden": dashboard.lapse_count - len(dashboard.lapses),
        "stages": list(Stage),
        "chart_data": dashboard.chart_data(),
        "query": urlencode(query),
        "sees_all": scope.is_city,
        "landing": landing,
    }
    return render(request, "reports/home.html", context)


def _sort_links(query: dict, current: str) -> dict[str, dict]:
    """Per sortable column: the URL that sorts by it (toggling direction) and the arrow shown now."""
    links = {}
    for field in SORT_FIELDS:
        descending_first = field != "name"  # completions: the furthest ahead first
        if current == field:
            target, arrow = f"-{field}", "▲"
        elif current == f"-{field}":
            target, arrow = field, "▼"
        else:
            target, arrow = (f"-{field}" if descending_first else field), ""
        links[field] = {"url": f"{reverse('home')}?{urlencode({**query, 'sort': target})}#units", "arrow": arrow}
    return links


@require_GET
def progress_json(request):
    """``{"year", "as_of", "city": {...}, "counties": [...]}`` — the shape documented in issue 5."""
    form = _params_form(request)
    if not form.is_valid():
        body = {"error": form.error_text(), "errors": form.errors.get_json_data()}
        return JsonResponse(body, status=400, json_dumps_params=JSON_OPTIONS)
    year, as_of = form.cleaned_data["year"], form.cleaned_data["as_of"]
    scope = Scope.of(request.user)
    body = caching.cached(
        "progress.json",
        (year, as_of, scope.key),
        lambda: progress_as_json(build_progress(year=year, as_of=as_of, scope=scope)),
    )
    return JsonResponse(body, json_dumps_params=JSON_OPTIONS)


@require_GET
def progress_xlsx(request):
    """The Excel progress report, scoped like the dashboard, streamed from a temporary file."""
    form = _params_form(request)
    if not form.is_valid():
        return HttpResponseBadRequest(form.error_text(), content_type="text/plain; charset=utf-8")
    year, as_of = form.cleaned_data["year"], form.cleaned_data["as_of"]
    # Deleted when FileResponse closes it after sending, hence no context manager.
    output = tempfile.TemporaryFile()  # noqa: SIM115
    rows = excel.write_progress_workbook(output, year=year, as_of=as_of, scope=Scope.of(request.user))
    output.seek(0)
    security.record(
        security.Kind.EXPORT, request=request, report="progress.xlsx", year=year, as_of=as_of.isoformat(), rows=rows
    )
    name = excel.filename(year)
    response = FileResponse(output, content_type=excel.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=name)
    return response
