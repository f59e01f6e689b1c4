"""The year and as-of date every progress report is asked for (page, JSON, workbook, command)."""

import datetime

from django import forms
from django.utils import timezone

from units import dates

from . import counting

FIRST_YEAR = 2000
# Sort keys of the per-unit table: "" keeps the units' own order; "-" sorts descending.
SORT_FIELDS = {
    "name": "旗县市区",
    "high_tech": "高新技术企业完成率",
    "tech_sme": "科技型中小企业完成率",
    "high_tech_new": "首次认定高企完成率",
}
SORT_CHOICES = [("", "默认顺序")] + [
    choice for key, label in SORT_FIELDS.items() for choice in ((key, f"{label}↑"), (f"-{key}", f"{label}↓"))
]


class ProgressParamsForm(forms.Form):
    """``year`` (default: the running year) and ``as_of`` (default: ``counting.default_as_of``).

    The date must fall within the year and not after today: a figure is taken at a day of its
    own year (docs/domain.md §6), and a day still to come has no records yet.
    """

    year = forms.IntegerField(
        label="年度",
        required=False,
        widget=forms.NumberInput(attrs={"class": "form-control", "step": 1}),
        error_messages={"invalid": "年度应为四位数字，例如 2025"},
    )
    as_of = dates.DateField(
        label="统计日期",
        required=False,
        widget=dates.DateInput(attrs={"class": "form-control"}),
        error_messages={"invalid": f"统计{dates.INVALID_MESSAGE}"},
        help_text="留空：往年取12月31日，本年取今天",
    )
    sort = forms.ChoiceField(label="排序", required=False, choices=SORT_CHOICES)

    def __init__(self, *args, today: datetime.date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()
        self.fields["year"].widget.attrs.update(min=FIRST_YEAR, max=self.today.year)

    def clean_year(self):
        year = self.cleaned_data["year"]
        if year is None:
            return self.today.year
        if not FIRST_YEAR <= year <= self.today.year:
            raise forms.ValidationError(f"年度应在 {FIRST_YEAR} 至 {self.today.year} 年之间")
        return year

    def clean(self):
        cleaned = super().clean()
        year = cleaned.get("year")
        as_of = cleaned.get("as_of")
        if year is None or "as_of" in self.errors:
            return cleaned
        if as_of is None:
            cleaned["as_of"] = counting.default_as_of(year, self.today)
        elif as_of.year != year:
            self.add_error("as_of", f"统计日期应在 {year} 年内")
        elif as_of > self.today:
            self.add_error("as_of", f"统计日期不能晚于今天（{self.today:%Y-%m-%d}）")
        return cleaned

    def error_text(self) -> str:
        """All errors in one Chinese sentence, for JSON, the workbook URL and the command line."""
        messages = [str(message) for errors in self.errors.values() for message in errors]
        return "参数错误：" + "；".join(messages)
