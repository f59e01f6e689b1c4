"""The annual assessment pages and JSON (/reports/assessment/…).

Drafts are bureau-only; county officials see their own unit of the published result;
leaders see the published ranking of all units.
"""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import Role
from accounts.permissions import role_required
from targets.models import Indicator
from units.models import County

from . import assessment
from .assessment_forms import PublishForm, SchemeForm
from .models import AssessmentPublication

YEARS = range(2000, 2101)


def _check_year(year):
    if year not in YEARS:
        raise Http404("年度超出范围")


def _visible_codes(user) -> set[str]:
    return set(County.objects.visible_to(user).values_list("code", flat=True))


def _scoped(rows: list[dict], user) -> list[dict]:
    codes = _visible_codes(user)
    return [row for row in rows if row["code"] in codes]


def _publication(year, version=None):
    publications = AssessmentPublication.objects.filter(year=year).order_by("-version")
    if version:
        return publications.filter(version=version).first()
    return publications.first()


def _page_context(request, year) -> dict:
    versions = list(AssessmentPublication.objects.filter(year=year).order_by("-version").defer("data"))
    requested = request.GET.get("version")
    publication = _publication(year, int(requested) if requested and requested.isdigit() else None)
    if requested and publication is None:
        raise Http404("没有该版本")
    context = {
        "year": year,
        "versions": versions,
        "publication": publication,
        "published_rows": _scoped(publication.data["counties"], request.user) if publication else None,
        "indicators": {ind.value: ind.label for ind in Indicator},
        "unit_count": len(publication.data["counties"]) if publication else 0,
    }
    if request.user.is_bureau:
        context["draft"] = assessment.assessment_compute(year=year)
        context["draft_rows"] = assessment.serialize_units(context["draft"].units)
        context["has_scheme"] = context["draft"].own_scheme
        context["interim_grounds"] = assessment.interim_grounds(year, context["draft"].as_of, timezone.localdate())
    return context


@require_GET
def assessment_page(request, year):
    _check_year(year)
    return render(request, "reports/assessment.html", _page_context(request, year))


CONCURRENT = "发布时该年度已有人发布了新版本，请核对后填写重新发布原因再发布"


def _publish_page(request, year, data=None, *, notice="", status=200):
    """The confirmation page: the figures to be frozen, per unit and for the city, and the form.

    ``data`` is what was posted (kept when the page is shown again); its fingerprint of the
    figures is replaced by that of the figures now shown.
    """
    draft = assessment.assessment_compute(year=year)
    serialized = assessment.serialize(draft)
    grounds = assessment.interim_grounds(year, draft.as_of, timezone.localdate())
    already = AssessmentPublication.objects.filter(year=year).exists()
    if data is not None:
        data = data.copy()
        data["confirmed"] = assessment.digest(serialized)
    form = PublishForm(
        data, already_published=already, interim_grounds=grounds, initial={"confirmed": assessment.digest(serialized)}
    )
    if data is not None:
        form.is_valid()
    context = {
        "year": year,
        "draft": draft,
        "rows": serialized["counties"],
        "totals": assessment.city_totals(serialized["counties"]),
        "indicators": {ind.value: ind.label for ind in Indicator},
        "has_scheme": draft.own_scheme,
        "interim_grounds": grounds,
        "already_published": already,
        "form": form,
        "notice": notice,
    }
    return render(request, "reports/assessment_publish.html", context, status=status)


def _publish(request, year, form):
    """Publish from a valid form; the page again, with the reason, when the publication is refused."""
    try:
        publication = assessment.assessment_publish(
            user=request.user,
            year=year,
            note=form.cleaned_data["note"],
            reason=form.cleaned_data.get("reason", ""),
            interim_reason=form.cleaned_data.get("interim_reason", ""),
            confirmed=form.cleaned_data["confirmed"] or None,
        )
    except assessment.DraftChanged as error:
        return _publish_page(request, year, request.POST, notice=str(error), status=409)
    except (assessment.ReasonRequired, IntegrityError):
        # Someone published this year a moment ago: the form now needs a republication reason.
        return _publish_page(request, year, request.POST, notice=CONCURRENT, status=400)
    except assessment.PublishRefused as error:
        return _publish_page(request, year, request.POST, notice=str(error), status=400)
    kind = "（阶段性结果）" if publication.interim else ""
    messages.success(request, f"已发布 {year} 年度考核结果第 {publication.version} 版{kind}。")
    return redirect("assessment:page", year=year)


@role_required(Role.BUREAU)
@require_http_methods(["GET", "POST"])
def assessment_publish(request, year):
    """GET: the confirmation page. POST: publish what it showed."""
    _check_year(year)
    if request.method == "GET":
        return _publish_page(request, year)
    already = AssessmentPublication.objects.filter(year=year).exists()
    as_of = assessment.scheme_for(year)[0]
    grounds = assessment.interim_grounds(year, as_of, timezone.localdate())
    form = PublishForm(request.POST, already_published=already, interim_grounds=grounds)
    if form.is_valid():
        return _publish(request, year, form)
    # Shown again with what was typed and the reason it was refused.
    return _publish_page(request, year, request.POST, status=400)


@role_required(Role.BUREAU)
@require_http_methods(["GET", "POST"])
def scheme_edit(request, year):
    _check_year(year)
    as_of, items, _ = assessment.scheme_for(year)
    initial = {"as_of": as_of if as_of.year != year or (as_of.month, as_of.day) != (12, 31) else None}
    for indicator, (max_points, cap) in items.items():
        initial[f"max_{indicator}"] = max_points
        initial[f"cap_{indicator}"] = cap
    form = SchemeForm(request.POST or None, year=year, initial=initial)
    if request.method == "POST" and form.is_valid():
        assessment.scheme_save(
            user=request.user,
            year=year,
            as_of=form.cleaned_data["as_of"],
            note=form.cleaned_data["note"],
            items=form.items(),
        )
        messages.success(request, f"已保存 {year} 年度考核评分办法。")
        return redirect("assessment:page", year=year)
    return render(request, "reports/assessment_scheme.html", {"form": form, "year": year})


@require_GET
def assessment_json(request, year):
    """Latest published version, scoped like the page; bureau staff may ask for ``?draft=1``."""
    _check_year(year)
    want_draft = request.GET.get("draft") == "1"
    if want_draft and not request.user.is_bureau:
        raise PermissionDenied("考核草稿仅市科技局可见")
    publication = None if want_draft else _publication(year)
    if publication is None and not request.user.is_bureau:
        raise Http404("该年度考核结果尚未发布")
    if publication is None:
        data = assessment.serialize(assessment.assessment_compute(year=year))
        body = {"year": year, "version": None, "published_at": None, "draft": True}
        # Whether the draft, published now, would be 阶段性结果.
        interim = assessment.is_interim(year, datetime.date.fromisoformat(data["as_of"]), timezone.localdate())
    else:
        data = publication.data
        published_at = timezone.localtime(publication.published_at).isoformat(timespec="seconds")
        body = {"year": year, "version": publication.version, "published_at": published_at, "draft": False}
        body["note"] = publication.note
        interim = publication.interim
    body["interim"] = interim
    body["as_of"] = data["as_of"]
    body["counties"] = _scoped(data["counties"], request.user)
    return JsonResponse(body, json_dumps_params={"ensure_ascii": False})
