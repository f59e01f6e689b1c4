"""Kiosk links of the big screen (issue 14): a long random token per display, stored as its hash."""

from auditlog.registry import auditlog
from django.conf import settings
from django.db import models
from django.utils import timezone

NAME_MAX_LENGTH = 100


class ScreenLink(models.Model):
    """One display's read-only address ``/screen/k/<token>/``.

    Only the SHA-256 of the token is kept (``screen.links``); the token itself is shown once, when
    the link is made. A revoked link stays in the table for the record and answers 404.
    """

    name = models.CharField("名称", max_length=NAME_MAX_LENGTH, unique=True, help_text="例如：一楼大厅")
    token_hash = models.CharField("令牌摘要（SHA-256）", max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="创建人",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    revoked_at = models.DateTimeField("撤销时间", null=True, blank=True)
    last_used_at = models.DateTimeField("最近访问", null=True, blank=True)

    class Meta:
        verbose_name = "大屏链接"
        verbose_name_plural = "大屏链接"
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.name

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


# Making and revoking a link is in the audit trail; the hash and the visits are not (a visit is
# written with a queryset update, which sends no signal).
auditlog.register(ScreenLink, exclude_fields=["token_hash", "last_used_at"])
