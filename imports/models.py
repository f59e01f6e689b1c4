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

    objects = ImportRecordQuerySet.as_manager()

    class Meta:
        verbose_name = "导入记录"
        verbose_name_plural = "导入记录"
        db_table = "enterprises_importrecord"  # kept from when imports lived in enterprises
        ordering = ["-imported_at"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.file_name}"
