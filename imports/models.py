"""The record of every committed import (docs/domain.md §7)."""

from django.db import models

from units.models import County
from units.scope import ScopedQuerySet


class ImportKind(models.TextChoices):
    ENTERPRISES = "enterprises", "企业名录"
    HTE = "hte", "高新技术企业认定名单"
    SME = "sme", "科技型中小企业入库名单"
    QUOTAS = "quotas", "旗县市区任务数"


class ImportRecordQuerySet(ScopedQuerySet):
    """Bureau staff and leaders see every import; a county official sees the imports made by
    their own unit's officials (not a bureau import that merely named the unit as default)."""

    unit_path = "imported_by__county"


class ImportRecord(models.Model):
    """One committed import of an Excel list: who, when, which file, what it changed."""

    kind = models.CharField("名单类型", max_length=20, choices=ImportKind)
    file_name = models.CharField("文件名", max_length=255)
    sha256 = models.CharField("文件校验值（SHA-256）", max_length=64)
    imported_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, verbose_name="导入人"
    )
    # The unit chosen for new enterprises whose row names none (a county official's own unit).
    county = models.ForeignKey(
        County, on_delete=models.PROTECT, null=True, blank=True, verbose_name="新企业默认旗县市区"
    )
    imported_at = models.DateTimeField("导入时间", auto_now_add=True)
    rows_total = models.PositiveIntegerField("数据行数", default=0)
    created = models.PositiveIntegerField("新增", default=0)
    updated = models.PositiveIntegerField("更新", default=0)
    unchanged = models.PositiveIntegerField("未变化", default=0)
    warnings = models.PositiveIntegerField("提示", default=0)
    options = models.JSONField("导入参数", default=dict, blank=True)
    # An import undone (issue 12, ``imports/revert.py``): the record stays, marked 已撤销.
    reverted_at = models.DateTimeField("撤销时间", null=True, blank=True)
    reverted_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="撤销人"
    )
    revert_reason = models.CharField("撤销原因", max_length=200, blank=True)

    objects = ImportRecordQuerySet.as_manager()

    class Meta:
        verbose_name = "导入记录"
        verbose_name_plural = "导入记录"
        db_table = "enterprises_importrecord"  # kept from when imports lived in enterprises
        ordering = ["-imported_at"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.file_name}"


class ChangeAction(models.TextChoices):
    """What one journal entry did: nothing (a row that changed nothing), create or update an
    object, move an enterprise (a dated event), record a stage change."""

    NONE = "", "—"
    CREATE = "create", "新建"
    UPDATE = "update", "修改"
    MOVE = "move", "迁移"
    STAGE = "stage", "培育阶段变更"


class ImportChange(models.Model):
    """The journal of a committed import: each row, and each object it wrote (``imports/journal.py``).

    ``before``/``after`` hold the written fields (attribute names, JSON values): for an update
    the fields it changed, before and after; for a creation every field as created; for a move
    the enterprise and its units; for a stage change the enterprise and the stages. A row that
    changed nothing has one entry without an object. A revert (``imports/revert.py``) reads these.
    """

    record = models.ForeignKey(ImportRecord, on_delete=models.CASCADE, related_name="changes", verbose_name="导入记录")
    sheet = models.CharField("工作表", max_length=100)
    row = models.PositiveIntegerField("行号")
    label = models.CharField("名单行", max_length=300, blank=True)
    outcome = models.CharField("结果", max_length=10)
    action = models.CharField("写入", max_length=10, choices=ChangeAction, blank=True)
    content_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.PROTECT, null=True, blank=True, verbose_name="对象类型"
    )
    object_id = models.PositiveBigIntegerField("对象编号", null=True, blank=True)
    target = models.CharField("对象", max_length=300, blank=True)
    summary = models.TextField("变化", blank=True)
    before = models.JSONField("导入前", null=True, blank=True)
    after = models.JSONField("导入后", null=True, blank=True)

    class Meta:
        verbose_name = "导入明细"
        verbose_name_plural = "导入明细"
        ordering = ["pk"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="import_change_object")]

    def __str__(self) -> str:
        return f"{self.where} {self.target}"

    @property
    def where(self) -> str:
        return f"工作表“{self.sheet}”第{self.row}行"

    @property
    def outcome_label(self) -> str:
        return {"create": "新增", "update": "更新", "unchanged": "未变化"}.get(self.outcome, self.outcome)
