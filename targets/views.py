"""Plans, city targets and county quotas. Everyone reads what is in their scope; bureau staff edit."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import Role
from accounts.permissions import refuse, role_required
from units.models import County

from . import services
from .forms import PlanForm, QuotaGridForm, quota_field_name, target_field_name
from .models import Indicator, Plan


@require_GET
def plan_list(request):
    plans = Plan.objects.all()
    this_year = timezone.localdate().year
    return render(request, "targets/plan_list.html", {"plans": plans, "this_year": this_year})


@role_required(Role.BUREAU)
@require_http_methods(["GET", "POST"])
def plan_edit(request, pk=None):
    plan = get_object_or_404(Plan, pk=pk) if pk else None
    form = PlanForm(request.POST or None, instance=plan)
    if request.method == "POST" and form.is_valid():
        plan = services.plan_save(user=request.user, form=form)
        messages.success(request, f"已保存方案“{plan.name}”。")
        return redirect("targets:grid", pk=plan.pk, year=plan.first_year)
    return render(request, "targets/plan_form.html", {"form": form, "plan": plan})


def _initial(targets, quotas, counties):
    initial = {target_field_name(ind): targets.get(ind.value) for ind in Indicator}
    for county in counties:
        for ind in Indicator:
            initial[quota_field_name(county.code, ind)] = quotas.get((county.code, ind.value))
    return initial


def _sums(counties, quotas, targets):
    """Per indicator: the sum of the quotas set, the city target, and whether the quotas fall short."""
    sums = []
    for ind in Indicator:
        values = [quotas[(c.code, ind.value)] for c in counties if (c.code, ind.value) in quotas]
        total, target = sum(values), targets.get(ind.value)
        short = target is not None and total < target
        sums.append(
            {"indicator": ind, "sum": total, "target": target, "short": short, "gap": target - total if short else 0}
        )
    return sums


@require_http_methods(["GET", "POST"])
def quota_grid(request, pk, year):
    plan = get_object_or_404(Plan, pk=pk)
    if year not in plan.years:
        raise Http404("该方案不包含此年度")
    if request.method == "POST" and not request.user.is_bureau:
        refuse(request, "only bureau staff edit quotas")
    counties = list(County.objects.visible_to(request.user).filter(is_active=True))
    targets, all_quotas = services.grid_values(plan=plan, year=year)
    # The fingerprint covers every stored quota (inactive units too), as the save compares it so.
    version = services.grid_version(targets, all_quotas)
    quotas = {key: value for key, value in all_quotas.items() if key[0] in {c.code for c in counties}}
    form = None
    if request.user.is_bureau:
        initial = {**_initial(targets, quotas, counties), "version": version}
        form = QuotaGridForm(request.POST or None, initial=initial, counties=counties)
        if request.method == "POST" and form.is_valid():
            try:
                result = services.quotas_save(
                    user=request.user,
                    plan=plan,
                    year=year,
                    targets=form.targets(),
                    quotas=form.quotas(),
                    expected_version=form.cleaned_data["version"],
                )
            except services.StaleGridError:
                form.add_error(
                    None,
                    "保存失败：在您编辑期间，其他人已修改了本年度的目标或任务数。您填写的内容仍保留在下方；请在新窗口中查看最新数据后再保存。",
                )
            else:
                messages.success(request, f"已保存 {year} 年度目标和任务数（{result['changed']} 项有变化）。")
                return redirect("targets:grid", pk=plan.pk, year=year)
    context = {
        "plan": plan,
        "year": year,
        "form": form,
        "counties": counties,
        "indicators": list(Indicator),
        "targets": targets,
        "rows": [{"county": c, "values": [quotas.get((c.code, ind.value)) for ind in Indicator]} for c in counties],
        "target_values": [targets.get(ind.value) for ind in Indicator],
        "sums": _sums(counties, quotas, targets) if request.user.sees_all_counties else None,
    }
    return render(request, "targets/quota_grid.html", context)
