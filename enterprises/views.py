"""Registry pages. Every object is fetched through ``visible_to(request.user)``."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import OuterRef, Subquery
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import Role
from accounts.permissions import get_visible_or_404, refuse, role_required

from . import history, services, status
from .filters import EnterpriseFilter
from .forms import CertificationForm, CultivationForm, EnterpriseForm, RegistrationForm, RevocationForm
from .models import Enterprise, HighTechCertification, TechSMERegistration

PAGE_SIZE = 25


def _annotate_status(queryset, today):
    """Add each row's current certificate end date, last certificate end and latest SME year.

    Correlated subqueries keep the page at one query whatever its length.
    """
    certs = HighTechCertification.objects.filter(enterprise=OuterRef("pk"))
    return queryset.annotate(
        hte_valid_until=Subquery(certs.valid_on(today).order_by("-valid_until").values("valid_until")[:1]),
        hte_last_until=Subquery(certs.order_by("-valid_until").values("valid_until")[:1]),
        sme_latest_year=Subquery(
            TechSMERegistration.objects.filter(status.registration_held_q(today), enterprise=OuterRef("pk"))
            .order_by("-year")
            .values("year")[:1]
        ),
    )


@require_GET
def enterprise_list(request):
    today = timezone.localdate()
    base = Enterprise.objects.visible_to(request.user).select_related("county")
    filterset = EnterpriseFilter(request.GET or None, queryset=base, user=request.user)
    queryset = filterset.qs if filterset.is_bound and filterset.is_valid() else base
    page = Paginator(_annotate_status(queryset, today), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filter": filterset,
        "page": page,
        "today": today,
        "expiring_horizon": status.lapse_horizon(today),
        "querystring": query.urlencode(),
    }
    return render(request, "enterprises/enterprise_list.html", context)


@require_GET
def enterprise_detail(request, pk):
    enterprise = get_visible_or_404(
        Enterprise.objects.visible_to(request.user)
        .select_related("county")
        .prefetch_related("certifications", "registrations"),
        request,
        pk=pk,
    )
    today = timezone.localdate()
    events = [("hte", c.issued_on, c, c.status_on(today)) for c in enterprise.certifications.all()]
    events += [("sme", r.registered_on, r, r.status_on(today)) for r in enterprise.registrations.all()]
    events.sort(key=lambda event: event[1], reverse=True)
    context = {
        "enterprise": enterprise,
        "events": events,
        "today": today,
        "hte_valid": any(c.is_valid_on(today) for c in enterprise.certifications.all()),
        "history": history.history(enterprise) if request.user.is_bureau else None,
        "can_edit": request.user.role in (Role.BUREAU, Role.COUNTY),
    }
    return render(request, "enterprises/enterprise_detail.html", context)


@role_required(Role.BUREAU, Role.COUNTY)
@require_http_methods(["GET", "POST"])
def enterprise_create(request):
    form = EnterpriseForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        enterprise = services.enterprise_save(user=request.user, form=form)
        messages.success(request, f"已登记企业“{enterprise.name}”。")
        return redirect("enterprises:detail", pk=enterprise.pk)
    return render(request, "enterprises/enterprise_form.html", {"form": form, "title": "登记企业"})


@role_required(Role.BUREAU, Role.COUNTY)
@require_http_methods(["GET", "POST"])
def enterprise_edit(request, pk):
    enterprise = get_visible_or_404(Enterprise.objects.visible_to(request.user), request, pk=pk)
    form_class = EnterpriseForm if request.user.is_bureau else CultivationForm
    form = form_class(request.POST or None, instance=enterprise, user=request.user)
    if request.method == "POST" and form.is_valid():
        services.enterprise_save(user=request.user, form=form)
        messages.success(request, "已保存修改。")
        return redirect("enterprises:detail", pk=enterprise.pk)
    context = {"form": form, "enterprise": enterprise, "title": f"编辑：{enterprise.name}"}
    return render(request, "enterprises/enterprise_form.html", context)


@role_required(Role.BUREAU)
@require_http_methods(["GET", "POST"])
def certification_create(request, pk):
    enterprise = get_visible_or_404(Enterprise.objects.visible_to(request.user), request, pk=pk)
    form = CertificationForm(request.POST or None, enterprise=enterprise)
    if request.method == "POST" and form.is_valid():
        certification = services.certification_record(user=request.user, enterprise=enterprise, form=form)
        for warning in certification.warnings:
            messages.warning(request, warning)
        messages.success(request, f"已登记高新技术企业证书 {certification.number}。")
        return redirect("enterprises:detail", pk=enterprise.pk)
    context = {"form": form, "enterprise": enterprise, "title": "登记高新技术企业证书"}
    return render(request, "enterprises/enterprise_form.html", context)


@role_required(Role.BUREAU)
@require_http_methods(["GET", "POST"])
def registration_create(request, pk):
    enterprise = get_visible_or_404(Enterprise.objects.visible_to(request.user), request, pk=pk)
    form = RegistrationForm(request.POST or None, enterprise=enterprise)
    if request.method == "POST" and form.is_valid():
        registration = services.registration_record(user=request.user, enterprise=enterprise, form=form)
        for warning in registration.warnings:
            messages.warning(request, warning)
        messages.success(request, f"已登记科技型中小企业入库编号 {registration.number}。")
        return redirect("enterprises:detail", pk=enterprise.pk)
    context = {"form": form, "enterprise": enterprise, "title": "登记科技型中小企业入库"}
    return render(request, "enterprises/enterprise_form.html", context)


@role_required(Role.BUREAU)
@require_http_methods(["GET", "POST"])
def certification_revoke(request, pk):
    certification = get_visible_or_404(
        HighTechCertification.objects.visible_to(request.user).select_related("enterprise"), request, pk=pk
    )
    if certification.revoked_on:
        refuse(request, "certificate already revoked")
    form = RevocationForm(request.POST or None, record=certification)
    if request.method == "POST" and form.is_valid():
        services.certification_revoke(
            user=request.user,
            certification=certification,
            revoked_on=form.cleaned_data["revoked_on"],
            reason=form.cleaned_data["reason"],
            document=form.cleaned_data["document"],
        )
        messages.success(request, f"已取消证书 {certification.number} 的资格。")
        return redirect("enterprises:detail", pk=certification.enterprise_id)
    context = {"form": form, "enterprise": certification.enterprise, "title": f"取消资格：{certification.number}"}
    return render(request, "enterprises/enterprise_form.html", context)


@role_required(Role.BUREAU)
@require_http_methods(["GET", "POST"])
def registration_revoke(request, pk):
    registration = get_visible_or_404(
        TechSMERegistration.objects.visible_to(request.user).select_related("enterprise"), request, pk=pk
    )
    if registration.revoked_on:
        refuse(request, "registration already revoked")
    form = RevocationForm(request.POST or None, record=registration)
    if request.method == "POST" and form.is_valid():
        services.registration_revoke(
            user=request.user,
            registration=registration,
            revoked_on=form.cleaned_data["revoked_on"],
            reason=form.cleaned_data["reason"],
        )
        messages.success(request, f"已撤销入库登记编号 {registration.number}。")
        return redirect("enterprises:detail", pk=registration.enterprise_id)
    context = {"form": form, "enterprise": registration.enterprise, "title": f"撤销入库登记：{registration.number}"}
    return render(request, "enterprises/enterprise_form.html", context)
