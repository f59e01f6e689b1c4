from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Fieldset, Layout
from django import forms

from units.dates import DateField

from .models import Indicator, Plan

SCHEDULE_HELP = (
    '<p class="small text-secondary">年度进行中，各旗县市区和全市的完成数与“序时进度”（到统计日期应完成的数）比较：'
    "按时间均摊即目标 × 已过天数 ÷ 全年天数；按到达规律即目标 × 往三年同期已发证书（已入库企业）的占比，"
    "避免证书集中在秋冬、入库集中在6—10月时上半年被误判为滞后。年度结束后序时进度即为目标。</p>"
)
SCHEDULE_FIELDS = ("schedule_method", "green_at", "yellow_at")


class PlanForm(forms.ModelForm):
    """A multi-year plan; its targets and quotas are then entered year by year in the grid."""

    class Meta:
        model = Plan
        fields = [
            "name",
            "document_number",
            "issued_on",
            "first_year",
            "last_year",
            "schedule_method",
            "green_at",
            "yellow_at",
        ]
        field_classes = {"issued_on": DateField}
        widgets = {
            "green_at": forms.NumberInput(attrs={"step": "0.01", "min": 0, "max": 2}),
            "yellow_at": forms.NumberInput(attrs={"step": "0.01", "min": 0, "max": 2}),
        }
        error_messages = {
            field: {
                "invalid": "请输入数字，例如 0.80",
                "max_decimal_places": "最多两位小数",
                "max_digits": "应在 0 至 2.00 之间",
                "min_value": "不能为负数",
                "max_value": "不能超过 2.00",
            }
            for field in ("green_at", "yellow_at")
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in SCHEDULE_FIELDS:
            self.fields[name].required = False
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Fieldset("", "name", "document_number", "issued_on", "first_year", "last_year"),
            Fieldset(
                "序时进度与预警",
                HTML(SCHEDULE_HELP),
                "schedule_method",
                "green_at",
                "yellow_at",
            ),
        )

    def _keep_or_default(self, cleaned) -> None:
        """A schedule field left blank keeps the plan's value (a new plan: the model's default), so a
        form posted without them (an older client, a script) still saves."""
        for name in SCHEDULE_FIELDS:
            if cleaned.get(name) in (None, "") and name not in self.errors:
                cleaned[name] = getattr(self.instance, name)

    def clean(self):
        cleaned = super().clean()
        self._keep_or_default(cleaned)
        first, last = cleaned.get("first_year"), cleaned.get("last_year")
        if first and last and not (2000 <= first <= last <= 2100):
            raise forms.ValidationError("年度应在2000至2100之间，且终止年度不早于起始年度")
        green, yellow = cleaned.get("green_at"), cleaned.get("yellow_at")
        if green is not None and yellow is not None and yellow > green:
            self.add_error("yellow_at", "关注线不能高于正常线")
        if first and last and self.instance.pk:
            # Targets and quotas of years the plan would no longer cover would still count.
            outside = sorted(
                {
                    *self.instance.targets.exclude(year__range=(first, last)).values_list("year", flat=True),
                    *self.instance.quotas.exclude(year__range=(first, last)).values_list("year", flat=True),
                }
            )
            if outside:
                years = "、".join(str(year) for year in outside)
                raise forms.ValidationError(
                    f"方案在 {years} 年已有目标或任务数，请先在对应年度表格中清空后再缩短方案期"
                )
        return cleaned


def quota_field_name(county_code: str, indicator: str) -> str:
    return f"q_{county_code}_{indicator}"


def target_field_name(indicator: str) -> str:
    return f"t_{indicator}"


class QuotaGridForm(forms.Form):
    """One year's city targets and every unit's quota per indicator; a blank cell means 未设定."""

    version = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, counties, **kwargs):
        super().__init__(*args, **kwargs)
        self.counties = counties
        for indicator in Indicator:
            self.fields[target_field_name(indicator)] = self._number(f"全市 {indicator.label}")
            for county in counties:
                self.fields[quota_field_name(county.code, indicator)] = self._number(f"{county.name} {indicator.label}")

    @staticmethod
    def _number(label):
        return forms.IntegerField(
            label=label,
            required=False,
            min_value=0,
            max_value=100_000,
            widget=forms.NumberInput(attrs={"class": "form-control form-control-sm text-end", "min": 0}),
            error_messages={"invalid": "请输入整数", "min_value": "不能为负数"},
        )

    def targets(self) -> dict[str, int | None]:
        return {indicator.value: self.cleaned_data[target_field_name(indicator)] for indicator in Indicator}

    def quotas(self) -> dict[tuple[str, str], int | None]:
        return {
            (county.code, indicator.value): self.cleaned_data[quota_field_name(county.code, indicator)]
            for county in self.counties
            for indicator in Indicator
        }

    def rows(self):
        """Bound fields arranged as the template's table: one row per county."""
        return [
            {"county": county, "cells": [self[quota_field_name(county.code, ind)] for ind in Indicator]}
            for county in self.counties
        ]

    def target_cells(self):
        return [self[target_field_name(ind)] for ind in Indicator]
