"""Forms of the registry pages. Field errors are in Chinese and name the reason."""

import datetime

from crispy_forms.helper import FormHelper
from django import forms
from django.utils import timezone

from . import rules
from .models import CertificationKind, County, Enterprise, HighTechCertification, TechSMERegistration


def _helper() -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    return helper


class EnterpriseForm(forms.ModelForm):
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
        widgets = {
            "established_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
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

    def clean_credit_code(self):
        code = rules.normalize_credit_code(self.cleaned_data["credit_code"])
        override = self.data.get(self.add_prefix("credit_code_override"), "").strip()
        error = rules.credit_code_error(code)
        if error and not (override and "credit_code_override" in self.fields):
            raise forms.ValidationError(error)
        return code

    def clean_name(self):
        return rules.normalize_name(self.cleaned_data["name"])


class CultivationForm(forms.ModelForm):
    """What a county official may change on their own county's enterprise."""

    class Meta:
        model = Enterprise
        fields = ["stage", "contact_person", "contact_phone", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class CertificationForm(forms.ModelForm):
    """Record a high-tech certificate; the valid-through date is derived, never typed."""

    class Meta:
        model = HighTechCertification
        fields = ["number", "issued_on", "kind", "batch"]
        widgets = {"issued_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
        error_messages = {"number": {"unique": "该证书编号已登记"}}

    def __init__(self, *args, enterprise, **kwargs):
        super().__init__(*args, **kwargs)
        self.enterprise = enterprise
        self.earlier = enterprise.certifications.exclude(pk=self.instance.pk).order_by("issued_on").first()
        if self.earlier is not None:
            self.fields["kind"].initial = CertificationKind.RENEWAL
        self.helper = _helper()

    def clean(self):
        cleaned = super().clean()
        issued_on = cleaned.get("issued_on")
        if (
            cleaned.get("kind") == CertificationKind.FIRST
            and self.earlier is not None
            and (issued_on is None or self.earlier.issued_on < issued_on)
        ):
            # 首次认定 counts in the year's first-time figure (high_tech_new); a later certificate is 重新认定.
            self.add_error(
                "kind",
                f"该企业已有 {self.earlier.issued_on:%Y-%m-%d} 发证的证书 {self.earlier.number}，"
                "再次认定应选择“重新认定”",
            )
        return cleaned

    def clean_number(self):
        number = rules.normalize_hte_number(self.cleaned_data["number"])
        error = rules.hte_number_error(number)
        if error:
            raise forms.ValidationError(error)
        if HighTechCertification.objects.filter(number=number).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError("该证书编号已登记")
        return number

    def clean_issued_on(self):
        issued_on = self.cleaned_data["issued_on"]
        if issued_on > timezone.localdate():
            raise forms.ValidationError("发证日期不能晚于今天")
        return issued_on


class RegistrationForm(forms.ModelForm):
    """Record an SME registration for one evaluation year."""

    class Meta:
        model = TechSMERegistration
        fields = ["year", "number", "registered_on"]
        widgets = {"registered_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
        error_messages = {"number": {"unique": "该入库登记编号已登记"}}

    def __init__(self, *args, enterprise, **kwargs):
        super().__init__(*args, **kwargs)
        self.enterprise = enterprise
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
        registered_on = cleaned.get("registered_on")
        if registered_on and year and registered_on.year != year:
            self.add_error("registered_on", f"入库日期应在评价年度 {year} 年内")
        return cleaned


class RevocationForm(forms.Form):
    """Revoke a certificate (取消资格) or a registration (撤销/移出): date and reason are required."""

    revoked_on = forms.DateField(label="生效日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
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
