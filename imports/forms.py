"""The upload form of the import page (issue 4)."""

from django import forms
from django.conf import settings
from django.utils import timezone

from targets.lookup import plan_for_year
from targets.models import Plan
from units.models import County

from .importer import ImportOptions, kinds_allowed_for
from .models import ImportKind
from .workbook import WorkbookError, upload_limit_bytes, workbook_check


class ImportUploadForm(forms.Form):
    """Kind, file and what the list itself may not say: the announcement date, the unit of new
    enterprises whose row names none (chosen explicitly: nothing is preselected), a year, and for
    county quotas the plan they belong to (required for that kind only).

    The file is read here and checked by content (``workbook_check``): size, zip structure,
    member count and uncompressed size. A county official imports only their own unit's
    registry, so for them the kind is fixed and the unit is theirs.
    """

    kind = forms.ChoiceField(label="名单类型")
    file = forms.FileField(
        label="Excel 文件（.xlsx）",
        help_text=f"仅接受 .xlsx 工作簿，不超过 {settings.IMPORT_MAX_UPLOAD_MB} MB。表头可在任意行，列顺序不限。",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )
    plan = forms.ModelChoiceField(
        label="行动方案",
        queryset=Plan.objects.none(),
        required=False,
        empty_label="（请选择）",
        help_text="导入旗县市区任务数时必选：任务数计入该方案，表中年度须在方案期内。",
        error_messages={"invalid_choice": "没有该行动方案，请从列表中选择。"},
    )
    announced_on = forms.DateField(
        label="公告日期",
        required=False,
        help_text=(
            "名单中没有发证日期或入库日期时，适用于每一行；企业名录中已登记企业的所属旗县市区变化时，"
            "为迁移的生效日期。例如 2023-11-20 或 2023年11月20日。"
        ),
    )
    county = forms.ModelChoiceField(
        label="新企业所属旗县市区",
        queryset=County.objects.none(),
        required=False,
        initial=None,
        empty_label="（不指定）",
        help_text=(
            "名单中没有“所属旗县市区/所在地区”列或该格为空时，名单新建的企业归入此单位；不指定时，"
            "这样的行为错误。已登记企业的所属旗县市区不受影响。"
        ),
    )
    year = forms.IntegerField(
        label="评价年度",
        required=False,
        min_value=2000,
        max_value=2100,
        help_text="科技型中小企业名单中没有“评价年度”列时使用。",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.content = b""
        self.fields["kind"].choices = [(kind.value, kind.label) for kind in kinds_allowed_for(user)]
        if user.is_county_official:
            # Their own unit's registry only: nothing else to choose.
            for name in ("announced_on", "county", "year"):
                del self.fields[name]
        else:
            self.fields["county"].queryset = County.objects.visible_to(user).filter(is_active=True)
        if ImportKind.QUOTAS in kinds_allowed_for(user):
            self.fields["plan"].queryset = Plan.objects.all()
            self.fields["plan"].initial = plan_for_year(timezone.localdate().year)
        else:
            del self.fields["plan"]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > upload_limit_bytes():
            raise forms.ValidationError(f"文件超过 {settings.IMPORT_MAX_UPLOAD_MB} MB 的上限，请拆分后分批导入。")
        content = upload.read()
        try:
            workbook_check(content)
        except WorkbookError as error:
            raise forms.ValidationError(error.message) from error
        self.content = content
        return upload

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == ImportKind.QUOTAS and not cleaned.get("plan") and "plan" not in self.errors:
            self.add_error("plan", "导入旗县市区任务数须选择行动方案。")
        return cleaned

    @property
    def file_name(self) -> str:
        # Only ever displayed and recorded; no path is built from it.
        return self.cleaned_data["file"].name[:255]

    def options(self) -> ImportOptions:
        data = self.cleaned_data
        return ImportOptions(
            kind=data["kind"],
            announced_on=data.get("announced_on"),
            county=data.get("county"),
            year=data.get("year"),
            plan=data.get("plan") if data["kind"] == ImportKind.QUOTAS else None,
        )


class RevertForm(forms.Form):
    """撤销本次导入: the reason is required and kept with the record and in the audit trail."""

    reason = forms.CharField(label="撤销原因", max_length=200, strip=True)
    confirm = forms.BooleanField(label="我已核对，确认撤销本次导入写入的全部数据", required=True)
