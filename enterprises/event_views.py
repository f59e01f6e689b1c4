"""Pages for dated enterprise events and merges (bureau staff). Every object is fetched through
``visible_to(request.user)``."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts.models import Role
from accounts.permissions import get_visible_or_404, refuse, role_required

from . import events
from .event_forms import EventForm, MergeForm
from .models import Enterprise, EventKind

SERVICES = {
    EventKind.RENAME: events.enterprise_rename,
    EventKind.MOVE: events.enterprise_move,
    EventKind.LEAVE: events.enterprise_leave,
    EventKind.CLOSE: events.enterprise_close,
}


@role_required(Role.BUREAU)
@require_http_methods(["GET", "POST"])
def event_create(request, pk):
    enterprise = get_visible_or_404(Enterprise.objects.visible_to(request.user), request, pk=pk)
    if not enterprise.is_active:
        refuse(request, "enterprise no longer active")
    form = EventForm(request.POST or None, enterprise=enterprise)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        extra = {"new_name": data["new_name"]} if data["kind"] == EventKind.RENAME else {}
        if data["kind"] == EventKind.MOVE:
            extra = {"to_county": data["to_county"]}
        event = SERVICES[data["kind"]](
            user=request.user,
            enterprise=enterprise,
            on=data["occurred_on"],
            reason=data["reason"],
            document=data["document"],
            **extra,
        )
        messages.success(request, f"已登记：{event.summary}（{event.occurred_on:%Y-%m-%d} 起）。")
        return redirect("enterprises:detail", pk=enterprise.pk)
    context = {"form": form, "enterprise": enterprise, "title": "登记变更（更名、迁移、迁出市外、注销）"}
    return render(request, "enterprises/enterprise_form.html", context)


@role_required(Role.BUREAU)
@require_http_methods(["GET", "POST"])
def enterprise_merge(request, pk):
    keep = get_visible_or_404(Enterprise.objects.visible_to(request.user), request, pk=pk)
    form = MergeForm(request.POST or None, keep=keep, user=request.user)
    if request.method == "POST" and form.is_valid():
        other = form.cleaned_data["other"]
        events.enterprise_merge(
            user=request.user,
            keep=keep,
            merged=other,
            reason=form.cleaned_data["reason"],
            document=form.cleaned_data["document"],
        )
        messages.success(request, f"已将“{other.name}”（{other.credit_code}）并入本企业。")
        return redirect("enterprises:detail", pk=keep.pk)
    context = {"form": form, "enterprise": keep, "title": f"合并重复记录：并入“{keep.name}”"}
    return render(request, "enterprises/enterprise_form.html", context)
