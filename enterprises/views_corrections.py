"""Corrections of the registry (issue 12): bureau staff edit or delete a mistyped certificate or
registration, and delete an enterprise entered in error, each with a reason that the audit
trail keeps. A deletion is a POST from a confirmation page that shows what will be deleted.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts.models import Role
from accounts.permissions import get_visible_or_404, role_required

from . import services
from .forms import CertificationCorrectionForm, DeletionForm, RegistrationCorrectionForm
from .models import Enterprise, HighTechCertification, TechSMERegistration


def _certification(request, pk) -> HighTechCertification:
    queryset = HighTechCertification.objects.visible_to(request.user).select_related("enterprise__county")
    return get_visible_or_404(queryset, request, pk=pk)


def _registration(request, pk) -> TechSMERegistration:
    queryset = TechSMERegistration.objects.visible_to(request.user).select_related("enterprise__county")
    return get_visible_or_404(queryset, request, pk=pk)


@role_required(Role.BUREAU)
@require_http_methods(["GET", "POST"])
def certification_edit(request, pk):
    certification = _certification(request, pk)
    number = certification.number
    enterprise = certification.enterprise
    form = CertificationCorrectionForm(request.POST or None, instance=certification, enterprise=enterprise)
    if request.method == "POST" and form.is_valid():
        certification = services.certification_correct(
            user=request.user, certification=certification, form=form, reason=form.cleaned_data["reason"]
        )
        for warning in certification.warnings:
            messages.warning(request, warning)
        messages.success(request, f"已更正高新技术企业证书 {certification.number}。")
        return redirect("enterprises:detail", pk=enterprise.pk)
    context = {"form": form, "enterprise": enterprise, "title": f"更正高新技术企业证书：{number}"}
    return render(request, "enterprises/enterprise_form.html", context)


@role_required(Role.BUREAU)
@require_http_methods(["GET", "POST"])
def certification_delete(request, pk):
    certification = _certification(request, pk)
    form = DeletionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        warnings = services.certification_delete(
            user=request.user, certification=certification, reason=form.cleaned_data["reason"]
        )
        for warning in warnings:
            messages.warning(request, warning)
        messages.success(request, f"已删除高新技术企业证书 {certification.number}。")
        return redirect("enterprises:detail", pk=certification.enterprise_id)
    context = {
        "form": form,
        "enterprise": certification.enterprise,
        "title": f"删除高新技术企业证书：{certification.number}",
        "kind": "hte",
        "record": certification,
    }
    return render(request, "enterprises/confirm_delete.html", context, status=400 if form.is_bound else 200)


@role_required(Role.BUREAU)
@require_http_methods(["GET", "POST"])
def registration_edit(request, pk):
    registration = _registration(request, pk)
    number = registration.number
    enterprise = registration.enterprise
    form = RegistrationCorrectionForm(request.POST or None, instance=registration, enterprise=enterprise)
    if request.method == "POST" and form.is_valid():
        registration = services.registration_correct(
            user=request.user, registration=registration, form=form, reason=form.cleaned_data["reason"]
        )
        for warning in registration.warnings:
            messages.warning(request, warning)
        messages.success(request, f"已更正科技型中小企业入库登记 {registration.number}。")
        return redirect("enterprises:detail", pk=enterprise.pk)
    context = {"form": form, "enterprise": enterprise, "title": f"更正入库登记：{number}"}
    return render(request, "enterprises/enterprise_form.html", context)


@role_required(Role.BUREAU)
@require_http_methods(["GET", "POST"])
def registration_delete(request, pk):
    registration = _registration(request, pk)
    form = DeletionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.registration_delete(user=request.user, registration=registration, reason=form.cleaned_data["reason"])
        messages.success(request, f"已删除科技型中小企业入库登记 {registration.number}。")
        return redirect("enterprises:detail", pk=registration.enterprise_id)
    context = {
        "form": form,
        "enterprise": registration.enterprise,
        "title": f"删除入库登记：{registration.number}",
        "kind": "sme",
        "record": registration,
    }
    return render(request, "enterprises/confirm_delete.html", context, status=400 if form.is_bound else 200)


@role_required(Role.BUREAU)
@require_http_methods(["GET", "POST"])
def enterprise_delete(request, pk):
    enterprise = get_visible_or_404(
        Enterprise.objects.visible_to(request.user).select_related("county"), request, pk=pk
    )
    in_use = services.enterprise_in_use(enterprise)
    form = None if in_use else DeletionForm(request.POST or None)
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            services.enterprise_delete(user=request.user, enterprise=enterprise, reason=form.cleaned_data["reason"])
        except services.EnterpriseInUse:
            in_use, form = True, None  # recorded a moment ago by someone else
        else:
            messages.success(request, f"已删除企业“{enterprise.name}”。")
            return redirect("enterprises:list")
    context = {
        "form": form,
        "enterprise": enterprise,
        "title": f"删除企业：{enterprise.name}",
        "kind": "enterprise",
        "record": enterprise,
        "refusal": services.IN_USE_MESSAGE if in_use else "",
    }
    return render(request, "enterprises/confirm_delete.html", context, status=400 if request.method == "POST" else 200)
