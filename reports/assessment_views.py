"""The annual assessment pages and JSON (/reports/assessment/…).

Drafts are bureau-only; county officials see their own unit of the published result;
leaders see the published ranking of all units.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

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


def _page_context(request, year, publish_form=None) -> dict:
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
        context["has_scheme"] = assessment.scheme_for(year)[2]
        context["publish_form"] = publish_form or PublishForm(already_published=bool(versions))
    return context


@require_GET
def assessment_page(request, year):
    _check_year(year)
    return render(request, "reports/assessment.html", _page_context(request, year))


@role_required(Role.BUREAU)
@require_POST
def assessment_publish(request, year):
    _check_year(year)
    already = AssessmentPublication.objects.filter(year=year).exists()
    form = PublishForm(request.POST, already_published=already)
    if form.is_valid():
        try:
            publication = assessment.assessment_publish(
                user=request.user,
                year=year,
                note=form.cleaned_data["note"],
                reason=form.cleaned_data.get("reason", ""),
            )
        except (ValueError, IntegrityError):
            # Someone published this year a moment ago: the form now needs a republication reason.
            form = PublishForm(request.POST, already_published=True)
            form.is_valid()
            form.add_error(None, "发布时该年度已有人发布了新版本，请核对后填写重新发布原因再发布")
        else:
            messages.success(request, f"已发布 {year} 年度考核结果第 {publication.version} 版。")
            return redirect("assessment:page", year=year)
    # Shown again with what was typed and the reason it was refused.
    return render(request, "reports/assessment.html", _page_context(request, year, form), status=400)


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
    else:
        data = publication.data
        published_at = timezone.localtime(publication.published_at).isoformat(timespec="seconds")
        body = {"year": year, "version": publication.version, "published_at": published_at, "draft": False}
        body["note"] = publication.note
    body["as_of"] = data["as_of"]
    body["counties"] = _scoped(data["counties"], request.user)
    return JsonResponse(body, json_dumps_params={"ensure_ascii": False})
