"""List filters of /enterprises/ (django-filter; labels given explicitly because its
catalogue is zh_CN, which does not load under zh-hans)."""

import datetime

import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from units.models import County

from . import status
from .models import Enterprise, HighTechCertification, Stage, TechSMERegistration


class HteStatus:
    VALID = "valid"
    EXPIRING = "expiring"
    EXPIRED = "expired"
    NONE = "none"
    CHOICES = [
        (VALID, "有效期内"),
        (EXPIRING, "即将到期（年底前或6个月内）"),
        (EXPIRED, "已过期或已取消"),
        (NONE, "从未认定"),
    ]


def hte_status_q(hte_status: str, today: datetime.date) -> Q:
    """Enterprises by high-tech status on ``today``, by the one rule of ``status``."""
    certs = HighTechCertification.objects.filter(enterprise=OuterRef("pk"))
    valid = certs.valid_on(today)
    if hte_status == HteStatus.VALID:
        return Q(Exists(valid))
    if hte_status == HteStatus.EXPIRING:
        horizon = status.lapse_horizon(today)
        # Valid today, and no certificate of the enterprise reaches beyond the horizon.
        return Q(Exists(valid)) & ~Q(Exists(valid.filter(valid_until__gt=horizon)))
    if hte_status == HteStatus.EXPIRED:
        return Q(Exists(certs)) & ~Q(Exists(valid))
    if hte_status == HteStatus.NONE:
        return ~Q(Exists(certs))
    return Q()


class ChineseOrderingFilter(django_filters.OrderingFilter):
    """OrderingFilter with Chinese "descending" labels (django-filter's zh_CN catalogue is not loaded)."""

    def build_choices(self, fields, labels):
        choices = []
        for field, param in fields.items():
            label = labels.get(field, param)
            choices.append((param, f"{label}（升序）"))
            choices.append((f"-{param}", f"{label}（降序）"))
        return choices


class EnterpriseFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="名称或信用代码", method="filter_search")
    county = django_filters.ModelChoiceFilter(
        label="旗县市区", field_name="county", queryset=County.objects.none(), empty_label="全部"
    )
    stage = django_filters.ChoiceFilter(
        label="培育阶段", choices=Stage.choices, method="filter_stage", empty_label="全部"
    )
    hte_status = django_filters.ChoiceFilter(
        label="高企状态", choices=HteStatus.CHOICES, method="filter_hte_status", empty_label="全部"
    )
    sme_year = django_filters.NumberFilter(label="入库年度", method="filter_sme_year", min_value=2000, max_value=2100)
    ordering = ChineseOrderingFilter(
        label="排序",
        fields=[("name", "name"), ("county__order", "county"), ("stage", "stage"), ("updated_at", "updated")],
        field_labels={"name": "企业名称", "county__order": "旗县市区", "stage": "培育阶段", "updated_at": "更新时间"},
        empty_label="默认",
    )

    class Meta:
        model = Enterprise
        fields: list[str] = []

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = timezone.localdate()
        if user.sees_all_counties:
            self.filters["county"].queryset = County.objects.visible_to(user)
        else:
            del self.filters["county"]

    @property
    def form(self):
        form = super().form
        for field in form.fields.values():
            is_select = field.widget.input_type == "select" if hasattr(field.widget, "input_type") else True
            field.widget.attrs.setdefault(
                "class", "form-select form-select-sm" if is_select else "form-control form-control-sm"
            )
        return form

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(credit_code__icontains=value.upper()))

    def filter_stage(self, queryset, name, value):
        """已认定 is holding a valid certificate today; the other stages are stored, among the rest."""
        valid = Exists(HighTechCertification.objects.filter(enterprise=OuterRef("pk")).valid_on(self.today))
        if value == Stage.CERTIFIED:
            return queryset.filter(valid)
        return queryset.filter(~Q(valid), stage=value)

    def filter_hte_status(self, queryset, name, value):
        return queryset.filter(hte_status_q(value, self.today))

    def filter_sme_year(self, queryset, name, value):
        # As the figures count it (docs/domain.md §6): the year's registrations at its 12-31, or today.
        year = int(value)
        as_of = min(datetime.date(year, 12, 31), self.today)
        registered = TechSMERegistration.objects.registered_in(year, as_of).filter(enterprise=OuterRef("pk"))
        return queryset.filter(Exists(registered))
