import datetime

from crispy_forms.helper import FormHelper
from django import forms

from targets.models import Indicator
from units import dates


class PublishForm(forms.Form):
    """What the confirmation page asks before a year's result is frozen.

    ``reason`` when the year is already published; ``interim_reason`` when the result would be
    阶段性结果 (``interim_grounds`` says why); ``confirmed`` carries the fingerprint of the figures
    shown (``assessment.digest``), so figures that changed meanwhile are not published unseen.
    """

    note = forms.CharField(label="发布说明", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    reason = forms.CharField(
        label="重新发布原因", max_length=500, required=False, help_text="已发布过的年度再次发布时必填"
    )
    interim_reason = forms.CharField(label="提前发布原因", max_length=500, required=False)
    confirmed = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, already_published: bool, interim_grounds: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.already_published = already_published
        self.interim_grounds = interim_grounds
        if not already_published:
            del self.fields["reason"]
        if interim_grounds:
            self.fields["interim_reason"].help_text = f"{interim_grounds}：本次发布的是阶段性结果，须说明原因"
        else:
            del self.fields["interim_reason"]
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if self.already_published and not reason:
            raise forms.ValidationError("该年度已发布过考核结果，重新发布须说明原因")
        return reason

    def clean_interim_reason(self):
        reason = self.cleaned_data["interim_reason"].strip()
        if self.interim_grounds and not reason:
            raise forms.ValidationError(f"{self.interim_grounds}，发布的是阶段性结果，须说明提前发布的原因")
        return reason


class SchemeForm(forms.Form):
    """A year's scoring scheme: per indicator the maximum points (blank: not assessed) and the cap."""

    as_of = dates.DateField(label="统计日期", required=False, help_text="留空则取当年12月31日")
    note = forms.CharField(label="说明", max_length=200, required=False)

    def __init__(self, *args, year: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.year = year
        for indicator in Indicator:
            self.fields[f"max_{indicator.value}"] = forms.DecimalField(
                label=f"{indicator.label} 满分",
                required=False,
                min_value=0,
                max_digits=6,
                decimal_places=2,
                help_text="留空表示该指标不参加考核",
            )
            self.fields[f"cap_{indicator.value}"] = forms.DecimalField(
                label=f"{indicator.label} 完成率上限",
                required=False,
                min_value=0.01,
                max_digits=4,
                decimal_places=2,
                help_text="默认 1.00（超额不加分）；大于 1 时奖励超额完成",
            )
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_as_of(self):
        as_of = self.cleaned_data["as_of"]
        if as_of and not (datetime.date(self.year, 1, 1) <= as_of <= datetime.date(self.year + 1, 12, 31)):
            raise forms.ValidationError(f"统计日期应在 {self.year} 年或次年内")
        return as_of

    def clean(self):
        cleaned = super().clean()
        if not any(cleaned.get(f"max_{ind.value}") is not None for ind in Indicator):
            raise forms.ValidationError("至少为一个指标设定满分")
        return cleaned

    def items(self):
        result = {}
        for indicator in Indicator:
            max_points = self.cleaned_data.get(f"max_{indicator.value}")
            if max_points is not None:
                cap = self.cleaned_data.get(f"cap_{indicator.value}") or 1
                result[indicator.value] = (max_points, cap)
        return result
