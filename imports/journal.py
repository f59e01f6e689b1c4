"""The journal of a committed import (issue 12): what each row wrote, kept for the record's page
and for undoing it (``revert.py``).

``record_changes`` runs inside ``import_commit``'s transaction, after the writes, and writes one
``ImportChange`` per object written (bulk, like the writes): created and updated enterprises,
certificates, registrations and county quotas, the moves (the ``EnterpriseEvent``) and the
stage history (``StageChange``); a row that wrote nothing gets one entry without an object.
A table rather than a JSON field on the record: the page pages through it in SQL (a constant
number of queries whatever the size of the list), and a revert finds a later import that
touched the same object with one indexed query (``content_type``, ``object_id``).
"""

import datetime
import decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from enterprises.models import (
    CultivationStage,
    Enterprise,
    EnterpriseEvent,
    HighTechCertification,
    StageChange,
    TechSMERegistration,
)
from targets.models import CountyQuota
from units.models import County

from .changes import describe_changes
from .models import ChangeAction, ImportChange, ImportRecord
from .planning import ImportResult, RowResult, Writes

WRITE_BATCH = 500
# Kept out of the journal: stamps that every save changes.
STAMPS = {"created_at", "updated_at"}


def to_json(value: Any) -> Any:
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return value


def journal_fields(model: type[models.Model]) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields if not f.primary_key and f.name not in STAMPS]


def snapshot(obj: models.Model, names: list[str] | None = None) -> dict[str, Any]:
    """The object's fields (by attribute name) as JSON values; only ``names`` when given."""
    return {
        f.attname: to_json(f.value_from_object(obj))
        for f in journal_fields(type(obj))
        if names is None or f.attname in names
    }


def target_of(obj: models.Model) -> str:
    """How the journal names an object (without reading a related row)."""
    if isinstance(obj, Enterprise):
        return f"企业“{obj.name}”"
    if isinstance(obj, HighTechCertification):
        return f"高新技术企业证书 {obj.number}"
    if isinstance(obj, TechSMERegistration):
        return f"科技型中小企业入库登记 {obj.number}（{obj.year}年度）"
    if isinstance(obj, CountyQuota):
        return f"{obj.year}年{obj.get_indicator_display()}任务数"
    return str(obj)


def _entry(row: RowResult | None, **fields) -> ImportChange:
    return ImportChange(
        sheet=row.sheet[:100] if row else "",
        row=row.number if row else 0,
        label=" ".join(part for part in (row.label, row.key) if part)[:300] if row else "",
        outcome=row.outcome if row else "",
        **fields,
    )


class _Journal:
    def __init__(self, writes: Writes, content_types: dict[Any, ContentType]) -> None:
        self.writes = writes
        self.content_types = content_types
        self.by_row: dict[int, list[ImportChange]] = {}

    def add(self, key: tuple[str, int], obj: models.Model, **fields) -> None:
        row = self.writes.origin.get(key)
        entry = _entry(row, content_type=self.content_types[type(obj)], object_id=obj.pk, **fields)
        self.by_row.setdefault(id(row), []).append(entry)

    def created(self, key: tuple[str, int], obj: models.Model) -> None:
        self.add(key, obj, action=ChangeAction.CREATE, target=target_of(obj), summary="新建", after=snapshot(obj))

    def updated(self, key: tuple[str, int], before: models.Model, after: models.Model) -> None:
        names = [
            f.attname for f in journal_fields(type(after)) if f.value_from_object(before) != f.value_from_object(after)
        ]
        shown = {
            f.name: f.value_from_object(after)
            for f in journal_fields(type(after))
            if f.attname in names and not f.is_relation and f.name not in ("name_key", "valid_until")
        }
        self.add(
            key,
            after,
            action=ChangeAction.UPDATE,
            target=target_of(after),
            summary="；".join(describe_changes(type(after), shown, before)),
            before=snapshot(before, names),
            after=snapshot(after, names),
        )


def record_changes(
    *,
    record: ImportRecord,
    result: ImportResult,
    writes: Writes,
    stage_rows: list[StageChange],
    events: list[EnterpriseEvent],
) -> None:
    """Write the journal of ``record`` (see the module's docstring)."""
    models_used = {Enterprise, StageChange, EnterpriseEvent, *(type(obj) for obj in writes.new_records)}
    models_used.update(type(after) for _, after in writes.record_updates)
    journal = _Journal(writes, ContentType.objects.get_for_models(*models_used))
    for index, new in enumerate(writes.new_enterprises):
        journal.created(("new_enterprises", index), new)
    for index, (before, after) in enumerate(writes.enterprise_updates):
        journal.updated(("enterprise_updates", index), before, after)
    for index, obj in enumerate(writes.new_records):
        journal.created(("new_records", index), obj)
    for index, pair in enumerate(writes.record_updates):
        journal.updated(("record_updates", index), *pair)
    _stages(journal, stage_rows)
    _moves(journal, events)
    entries = []
    for row in result.rows:
        entries.extend(journal.by_row.pop(id(row), []) or [_entry(row)])
    for rest in journal.by_row.values():
        entries.extend(rest)
    for entry in entries:
        entry.record = record
    ImportChange.objects.bulk_create(entries, batch_size=WRITE_BATCH)


def _stages(journal: _Journal, stage_rows: list[StageChange]) -> None:
    labels = dict(CultivationStage.choices)
    for index, change in enumerate(stage_rows):
        enterprise, before, after = journal.writes.stage_changes[index]
        journal.add(
            ("stage_changes", index),
            change,
            action=ChangeAction.STAGE,
            target=f"企业“{enterprise.name}”的培育阶段",
            summary=f"培育阶段：{labels.get(before) or '（空）'} → {labels.get(after, after)}",
            before={"enterprise": enterprise.pk, "stage": before},
            after={"stage": after},
        )


def _moves(journal: _Journal, events: list[EnterpriseEvent]) -> None:
    if not events:
        return
    names: dict[Any, str] = dict(County.objects.values_list("pk", "name"))
    for index, event in enumerate(events):
        move = journal.writes.moves[index]
        journal.add(
            ("moves", index),
            event,
            action=ChangeAction.MOVE,
            target=f"企业“{move.enterprise.name}”的所属旗县市区",
            summary=f"迁移：{names[event.from_county_id]} → {names[event.to_county_id]}，自 {move.on.isoformat()} 起",
            before={"enterprise": move.enterprise.pk, "county_id": event.from_county_id},
            after={"county_id": event.to_county_id, "on": move.on.isoformat()},
        )
