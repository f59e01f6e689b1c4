"""The data version: one token that changes with every write to a table figures depend on.

Figures cached under a token (``reports.caching``) are exactly those of the committed state the
token names: tokens are random, not a counter, so a rolled-back write's token is never seen
again. Each app names its counted models with ``count_writes_to`` (in its ``AppConfig.ready``)
and gives them a ``CountedQuerySet`` manager, so single saves and deletes (signals) and bulk
writes (the queryset) both change the version; data edited outside the portal needs
``manage.py bump_data_version``.
"""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.db import models
from django.db.models.signals import post_delete, post_save


def bump_data_version(**kwargs: Any) -> None:
    """Give the counted data a new version token (one UPDATE, in the caller's transaction)."""
    from .models import DataVersion

    DataVersion.objects.filter(pk=1).update(token=uuid.uuid4().hex, changed_at=datetime.datetime.now(datetime.UTC))


def data_version() -> str | None:
    """The current token (one indexed query); None when the row is missing (a flushed test database)."""
    from .models import DataVersion

    token: str | None = DataVersion.objects.filter(pk=1).values_list("token", flat=True).first()
    return token


def count_writes_to(*model_classes: type[models.Model]) -> None:
    """Every save or delete of these models changes the data version."""
    for model in model_classes:
        label = model._meta.label
        post_save.connect(bump_data_version, sender=model, dispatch_uid=f"data-version-save-{label}")
        post_delete.connect(bump_data_version, sender=model, dispatch_uid=f"data-version-delete-{label}")


class CountedQuerySet(models.QuerySet[Any]):
    """Bulk writes to a counted table change the data version, as single saves do (signals)."""

    def bulk_create(self, objs: Any, *args: Any, **kwargs: Any) -> Any:
        created = super().bulk_create(objs, *args, **kwargs)
        if created:
            bump_data_version()
        return created

    def bulk_update(self, objs: Any, *args: Any, **kwargs: Any) -> int:
        updated = super().bulk_update(objs, *args, **kwargs)
        bump_data_version()
        return updated

    def update(self, **kwargs: Any) -> int:
        updated = super().update(**kwargs)
        bump_data_version()
        return updated

    def delete(self) -> tuple[int, dict[str, int]]:
        deleted = super().delete()
        bump_data_version()
        return deleted
