"""Forms for dated enterprise events and merges (docs/domain.md §8). The checks a person can get
wrong live in ``events.event_error`` / ``events.merge_error``, shared with the importer."""

from crispy_forms.helper import FormHelper
from django import forms
from django.db.models import Q
from django.utils import timezone

from units.dates import DateField
from units.models import County

from . import events, rules
from .models import Enterprise, EventKind


def _helper() -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    return helper


EVENT_KINDS = [
    (kind.value, kind.label) for kind in (EventKind.RENAME, EventKind.MOVE, EventKind.LEAVE, EventKind.CLOSE)
]


class EventForm(forms.Form):
    """更名 / 迁移 / 迁出市外 / 注销 with its date, reason and document."""

    kind = forms.ChoiceField(label="事项", choices=EVENT_KINDS)
    occurred_on = DateField(label="生效日期")
    new_name = forms.CharField(label="新名称（更名时填写）", max_length=200, required=False)
    to_county = forms.ModelChoiceField(
        label="迁入旗县市区（迁移时填写）", queryset=County.objects.none(), required=False, empty_label="请选择"
    )
    reason = forms.CharField(label="原因", max_length=200)
    document = forms.CharField(label="依据文件（文号或公告）", max_length=200, required=False)

    def __init__(self, *args, enterprise: Enterprise, **kwargs):
        super().__init__(*args, **kwargs)
        self.enterprise = enterprise
        to_county = self.fields["to_county"]
        assert isinstance(to_county, forms.ModelChoiceField)
        to_county.queryset = County.objects.filter(is_active=True).exclude(pk=enterprise.county_id)
        self.helper = _helper()

    def clean_occurred_on(self):
        day = self.cleaned_data["occurred_on"]
        if day > timezone.localdate():
            raise forms.ValidationError("生效日期不能晚于今天")
        return day

    def clean(self):
        cleaned = super().clean()
        kind, day = cleaned.get("kind"), cleaned.get("occurred_on")
        if kind == EventKind.RENAME:
            self._clean_new_name(cleaned)
        if kind == EventKind.MOVE and not cleaned.get("to_county"):
            self.add_error("to_county", "迁移须选择迁入的旗县市区")
        if kind and day:
            error = events.event_error(self.enterprise, kind, day, cleaned.get("to_county"))
            if error:
                self.add_error("occurred_on", error)
        return cleaned

    def _clean_new_name(self, cleaned: dict) -> None:
        name = rules.normalize_name(cleaned.get("new_name") or "")
        if not name:
            self.add_error("new_name", "更名须填写新名称")
            return
        key = rules.name_key(name)
        if key == self.enterprise.name_key:
            self.add_error("new_name", "新名称与现名称相同")
        elif Enterprise.objects.filter(name_key=key).exclude(pk=self.enterprise.pk).exists():
            self.add_error("new_name", "新名称与已登记的其他企业相同")
        cleaned["new_name"] = name


class MergeForm(forms.Form):
    """Merge another registry entry of the same company into this one."""

    other = forms.CharField(label="要并入的记录（统一社会信用代码或企业名称）", max_length=200)
    reason = forms.CharField(label="原因", max_length=200)
    document = forms.CharField(label="依据文件", max_length=200, required=False)
    confirm = forms.BooleanField(
        label="我已核实两条记录是同一家企业；并入后被并入的记录将删除，其证书和入库登记归入本企业"
    )

    def __init__(self, *args, keep: Enterprise, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.keep = keep
        self.user = user
        self.helper = _helper()

    def clean_other(self):
        text = self.cleaned_data["other"].strip()
        code = rules.normalize_credit_code(text)
        found = Enterprise.objects.visible_to(self.user).filter(
            Q(credit_code=code) | Q(name_key=rules.name_key(rules.normalize_name(text)))
        )
        other = found.exclude(pk=self.keep.pk).first()
        if other is None:
            raise forms.ValidationError("没有找到该企业（请填写另一条记录的统一社会信用代码或完整名称）")
        error = events.merge_error(self.keep, other)
        if error:
            raise forms.ValidationError(error)
        return other
