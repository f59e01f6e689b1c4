"""The change history of an enterprise in Chinese (bureau staff only, on the enterprise's page).

django-auditlog stores each change as field name → [old, new] in text. This module reads the
entries of the enterprise and of its certificates and registrations (deleted ones too: their
deletion entry carries the enterprise's id, ``services._audit_reason``) and writes each as a
clerk reads it: the field's label (verbose_name), dates as 2025年11月20日, choices by their labels,
related records by their names, the action as 新增/修改/删除, which record (证书 GR…, 入库登记 …),
who, when and the reason where one was given. What is not the clerk's business is left out:
the id, the matching key, timestamps of the row itself, and the reverse relations auditlog
writes as ``enterprises.HighTechCertification.None``.
"""

import datetime
from dataclasses import dataclass, field

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Q

from units.dates import date_text

from .models import Enterprise, HighTechCertification, TechSMERegistration

LIMIT = 200
ACTIONS = {
    LogEntry.Action.CREATE: "新增",
    LogEntry.Action.UPDATE: "修改",
    LogEntry.Action.DELETE: "删除",
    LogEntry.Action.ACCESS: "查看",
}
RECORD_WORDS = {Enterprise: "企业", HighTechCertification: "证书", TechSMERegistration: "入库登记"}
# Fields that are bookkeeping, not the record: never shown.
HIDDEN = {"id", "name_key", "created_at", "updated_at", "is_demo"}
EMPTY = "（空）"


@dataclass(frozen=True)
class Change:
    label: str
    old: str
    new: str


@dataclass
class Row:
    """One audit entry as the history table shows it."""

    when: datetime.datetime
    actor: str
    remote_addr: str
    action: str
    record: str
    reason: str
    changes: list[Change] = field(default_factory=list)

    @property
    def shows_values_only(self) -> bool:
        """A creation or deletion lists the record's values, not old → new."""
        return self.action != ACTIONS[LogEntry.Action.UPDATE]


def _shown_field(model, name: str):
    """The model field behind a change key, or None for what is not shown."""
    if model is None or name in HIDDEN:
        return None
    try:
        model_field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    if not getattr(model_field, "concrete", False) or model_field.auto_created:
        return None  # reverse relations and the automatic id
    return model_field


def value_text(model_field, value) -> str:
    """One stored value in words: 2025年11月20日, a choice's label, 是/否, a name; empty as （空）."""
    if value is None or value in ("None", ""):
        return EMPTY
    text = str(value)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(text, text))
    if isinstance(model_field, models.BooleanField):
        return {"True": "是", "False": "否"}.get(text, text)
    if isinstance(model_field, models.DateField) and not isinstance(model_field, models.DateTimeField):
        try:
            return date_text(datetime.date.fromisoformat(text[:10]))
        except ValueError:
            return text
    # A foreign key is stored as the related record's name (AUDITLOG_USE_FK_STRING_REPRESENTATION).
    return text


def changes_of(entry: LogEntry, model) -> list[Change]:
    """The entry's changes in words, in the model's field order.

    A new or deleted record lists the values it holds (its enterprise is the page's own);
    an update lists old → new.
    """
    raw = entry.changes_dict if isinstance(entry.changes_dict, dict) else {}
    result = []
    for model_field in model._meta.concrete_fields if model is not None else ():
        values = raw.get(model_field.name)
        if _shown_field(model, model_field.name) is None or not isinstance(values, list | tuple) or len(values) != 2:
            continue
        old, new = (value_text(model_field, value) for value in values)
        if entry.action != LogEntry.Action.UPDATE:
            held = new if entry.action == LogEntry.Action.CREATE else old
            if model_field.name == "enterprise" or held == EMPTY:
                continue
        result.append(Change(str(model_field.verbose_name), old, new))
    return result


def actor_text(entry: LogEntry) -> str:
    if entry.actor is not None:
        return entry.actor.get_full_name() or entry.actor.username
    return entry.actor_email or "系统"


def row(entry: LogEntry) -> Row:
    model = entry.content_type.model_class()
    word = RECORD_WORDS.get(model) or (model._meta.verbose_name if model else entry.content_type.name)
    extra = entry.additional_data if isinstance(entry.additional_data, dict) else {}
    return Row(
        when=entry.timestamp,
        actor=actor_text(entry),
        remote_addr=entry.remote_addr or "",
        action=ACTIONS.get(entry.action, str(entry.action)),
        record=f"{word} {entry.object_repr}",
        reason=str(extra.get("reason") or ""),
        changes=changes_of(entry, model),
    )


def entries(enterprise: Enterprise):
    """Audit entries of the enterprise, its certificates and registrations, newest first (one query).

    ``enterprise.certifications`` and ``registrations`` are read as prefetched; records deleted
    since are found through their deletion entry, which names the enterprise.
    """
    types = ContentType.objects.get_for_models(Enterprise, HighTechCertification, TechSMERegistration)
    condition = Q(content_type=types[Enterprise], object_pk=str(enterprise.pk))
    for model, records in (
        (HighTechCertification, enterprise.certifications.all()),
        (TechSMERegistration, enterprise.registrations.all()),
    ):
        deleted = LogEntry.objects.filter(
            content_type=types[model], action=LogEntry.Action.DELETE, additional_data__enterprise=enterprise.pk
        ).values("object_pk")
        condition |= Q(content_type=types[model]) & (
            Q(object_pk__in=[str(record.pk) for record in records]) | Q(object_pk__in=deleted)
        )
    return (
        LogEntry.objects.filter(condition).select_related("actor", "content_type").order_by("-timestamp", "-pk")[:LIMIT]
    )


def history(enterprise: Enterprise) -> list[Row]:
    return [row(entry) for entry in entries(enterprise)]
