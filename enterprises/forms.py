"""Forms of the registry pages. Field errors are in Chinese and name the reason.

Dates are typed as text (``units.dates.DateField``); the date ranges, the 认定类型 rule and the
other rules of one record live in the models' ``clean()``, which these ModelForms run.
"""

import datetime

from crispy_forms.helper import FormHelper
from django import forms
from django.utils import timezone

from units.dates import DateField, date_text
from units.models import County

from . import rules
from .models import CertificationKind, Enterprise, HighTechCertification, TechSMERegistration

# What a county official is told when a credit code or name is already registered in a unit they
# do not see: the refusal stands, but it does not confirm that (or where) the holder exists.
HIDDEN_CLASH = "该企业无法在本地区登记，请联系市科技局"


def _helper() -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    return helper


class _ModelRulesForm(forms.ModelForm):
    """A ModelForm whose model ``clean()`` does not add a second error to a field the form refused.

    A refused field never reaches the instance, so the model would judge the value it had before
    (empty, for a new record): "统一社会信用代码应为18位，当前为0位" beside the real reason.
    """

    def _update_errors(self, errors):
        if hasattr(errors, "error_dict"):
            errors.error_dict = {name: e for name, e in errors.error_dict.items() if name not in self._errors}
            if not errors.error_dict:
                return
        super()._update_errors(errors)


class EnterpriseForm(_ModelRulesForm):
    """The full registry form (bureau staff; a county official's county is fixed to their own)."""

    class Meta:
        model = Enterprise
        fields = [
            "credit_code",
            "name",
            "county",
            "established_on",
            "tech_field",
            "industry",
            "address",
            "contact_person",
            "contact_phone",
            "stage",
            "notes",
            "credit_code_override",
        ]
        field_classes = {"established_on": DateField}
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}
        error_messages = {
            "credit_code": {"unique": "该统一社会信用代码已登记在其他企业名下"},
            "county": {"invalid_choice": "所选旗县市区不存在或不在您的管辖范围内"},
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["county"].queryset = County.objects.visible_to(user).filter(is_active=True)
        self.fields["county"].empty_label = "请选择"
        self.fields["tech_field"].choices = [("", "未填写"), *self.fields["tech_field"].choices[1:]]
        if user.is_county_official:
            self.fields["county"].initial = user.county_id
            # Only bureau staff may admit a code that fails the check.
            del self.fields["credit_code_override"]
        self.helper = _helper()

    def _held_out_of_sight(self, **lookup) -> bool:
        """Whether a county official's entry clashes with an enterprise outside their unit (one query)."""
        if not self.user.is_county_official:
            return False
        visible = Enterprise.objects.visible_to(self.user).values("pk")
        return Enterprise.objects.filter(**lookup).exclude(pk=self.instance.pk).exclude(pk__in=visible).exists()

    def clean_credit_code(self):
        code = rules.normalize_credit_code(self.cleaned_data["credit_code"])
        override = self.data.get(self.add_prefix("credit_code_override"), "").strip()
        error = rules.credit_code_error(code)
        if error and not (override and "credit_code_override" in self.fields):
            raise forms.ValidationError(error)
        if self._held_out_of_sight(credit_code=code):
            raise forms.ValidationError(HIDDEN_CLASH)
        return code

    def clean_name(self):
        name = rules.normalize_name(self.cleaned_data["name"])
        if self._held_out_of_sight(name_key=rules.name_key(name)):
            raise forms.ValidationError(HIDDEN_CLASH)
        return name


class CultivationForm(forms.ModelForm):
    """What a county official may change on their own county's enterprise."""

    class Meta:
        model = Enterprise
        fields = ["stage", "contact_person", "contact_phone", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class CertificationForm(_ModelRulesForm):
    """Record a high-tech certificate; the valid-through date is derived, never typed.

    The enterprise is set on the instance before validation, so the model's rules that look at
    the enterprise's other certificates (one 首次认定; a 重新认定 needs an earlier one) apply.
    """

    class Meta:
        model = HighTechCertification
        fields = ["number", "issued_on", "kind", "batch"]
        field_classes = {"issued_on": DateField}
        error_messages = {"number": {"unique": "该证书编号已登记"}}

    def __init__(self, *args, enterprise, **kwargs):
        super().__init__(*args, **kwargs)
        self.enterprise = enterprise
        if self.instance.pk is None:
            self.instance.enterprise = enterprise
        earlier = enterprise.certifications.exclude(pk=self.instance.pk).order_by("issued_on").first()
        if earlier is not None:
            self.fields["kind"].initial = CertificationKind.RENEWAL
        self.helper = _helper()

    def clean_number(self):
        number = rules.normalize_hte_number(self.cleaned_data["number"])
        error = rules.hte_number_error(number)
        if error:
            raise forms.ValidationError(error)
        if HighTechCertification.objects.filter(number=number).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError("该证书编号已登记")
        return number


class RegistrationForm(_ModelRulesForm):
    """Record an SME registration for one evaluation year."""

    class Meta:
        model = TechSMERegistration
        fields = ["year", "number", "registered_on"]
        field_classes = {"registered_on": DateField}
        error_messages = {"number": {"unique": "该入库登记编号已登记"}}

    def __init__(self, *args, enterprise, **kwargs):
        super().__init__(*args, **kwargs)
        self.enterprise = enterprise
        if self.instance.pk is None:
            self.instance.enterprise = enterprise
        self.fields["year"].initial = timezone.localdate().year
        self.helper = _helper()

    def clean_number(self):
        number = rules.normalize_sme_number(self.cleaned_data["number"])
        if TechSMERegistration.objects.filter(number=number).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError("该入库登记编号已登记")
        return number

    def clean(self):
        cleaned = super().clean()
        year = cleaned.get("year")
        if year and self.enterprise.registrations.filter(year=year).exclude(pk=self.instance.pk).exists():
            self.add_error("year", f"该企业 {year} 年度已有入库登记")
        return cleaned


# A correction of a recorded certificate or registration: the reason (修改原因) is required and
# kept with the audit entry, something must change, and the dates stay before a revocation.


def _add_reason(form: forms.ModelForm, help_text: str) -> None:
    form.fields["reason"] = forms.CharField(label="修改原因", max_length=200, help_text=help_text)


def _refuse_unchanged(form: forms.ModelForm) -> None:
    if form.is_bound and not [name for name in form.changed_data if name != "reason"]:
        raise forms.ValidationError("没有修改任何内容")


def _refuse_after_revocation(form: forms.ModelForm, field: str, label: str, revocation: str) -> None:
    day = form.cleaned_data.get(field)
    revoked_on = form.instance.revoked_on
    if day and revoked_on and day > revoked_on:
        form.add_error(field, f"{label}不能晚于{revocation}（{date_text(revoked_on)}）")


class CertificationCorrectionForm(CertificationForm):
    """Correct a certificate's number, issue date, kind or batch (bureau staff)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _add_reason(self, "例如：证书编号录入错误，按证书原件更正")

    def clean(self):
        cleaned = super().clean()
        _refuse_after_revocation(self, "issued_on", "发证日期", "取消资格日期")
        _refuse_unchanged(self)
        return cleaned


class RegistrationCorrectionForm(RegistrationForm):
    """Correct a registration's year, number or registration date (bureau staff)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _add_reason(self, "例如：入库登记编号录入错误，按国家平台公告更正")

    def clean(self):
        cleaned = super().clean()
        _refuse_after_revocation(self, "registered_on", "入库日期", "移出日期")
        _refuse_unchanged(self)
        return cleaned


class DeletionForm(forms.Form):
    """Confirm a deletion; the reason (删除原因) is required and kept with the audit entry."""

    reason = forms.CharField(label="删除原因", max_length=200, help_text="例如：重复录入；误录，该企业未入库")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class RevocationForm(forms.Form):
    """Revoke a certificate (取消资格) or a registration (撤销/移出): date and reason are required."""

    revoked_on = DateField(label="生效日期")
    reason = forms.CharField(label="原因", max_length=200)
    document = forms.CharField(label="文号", max_length=100, required=False)

    def __init__(self, *args, record, **kwargs):
        super().__init__(*args, **kwargs)
        self.record = record
        self.helper = _helper()
        if isinstance(record, TechSMERegistration):
            del self.fields["document"]

    def clean_revoked_on(self):
        revoked_on = self.cleaned_data["revoked_on"]
        start = getattr(self.record, "issued_on", None) or self.record.registered_on
        if revoked_on < start:
            raise forms.ValidationError(f"生效日期不能早于 {start:%Y-%m-%d}")
        if revoked_on > timezone.localdate() + datetime.timedelta(days=366):
            raise forms.ValidationError("生效日期过远，请核对")
        return revoked_on
