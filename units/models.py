"""The ground floor: the assessment units and the data version (docs/domain.md §2).

Both tables keep the names they had when they lived in ``enterprises`` (``db_table``), so an
installed portal upgrades with ``migrate`` alone and every foreign key stays as it was.
"""

from django.db import models
from django.db.models import Q

from .scope import ScopedQuerySet
from .versioning import CountedQuerySet


class DataVersion(models.Model):
    """One row whose token changes with every write to a counted table (``versioning``)."""

    token = models.CharField(max_length=32, default="initial")
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "enterprises_dataversion"
        verbose_name = "数据版本"
        verbose_name_plural = "数据版本"

    def __str__(self) -> str:
        return self.token


class CountyQuerySet(ScopedQuerySet, CountedQuerySet):  # type: ignore[override]  # django-stubs types as_manager per base; both bases are plain QuerySets
    unit_path = ""


class County(models.Model):
    """An assessment unit (旗县市区 or the development zone), keyed by its 6-digit code.

    The list is data (docs/domain.md §2): the nine units are loaded by a migration and can be
    edited in the admin; ``code`` is the stable key used in URLs, JSON and imports.
    """

    code = models.CharField("代码", max_length=6, unique=True)
    name = models.CharField("名称", max_length=50, unique=True)
    order = models.PositiveSmallIntegerField("排序", default=0)
    is_active = models.BooleanField("启用", default=True)

    objects = CountyQuerySet.as_manager()

    class Meta:
        db_table = "enterprises_county"
        verbose_name = "旗县市区"
        verbose_name_plural = "旗县市区"
        ordering = ["order", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^[0-9]{6}$"),
                name="county_code_six_digits",
                violation_error_message="代码应为6位数字",
            ),
        ]

    def __str__(self) -> str:
        return self.name
