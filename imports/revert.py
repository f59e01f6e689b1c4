"""Undoing a committed import (issue 12, 导入撤销): ``revert_import``.

The import's journal (``ImportChange``, ``journal.py``) says what each row wrote. A revert, in one
transaction, deletes what the import created, gives what it updated its before-values back,
undoes its moves (the event and the new unit period deleted, the former period reopened, the
enterprise's unit restored) and deletes the stage history it added. It writes through the ORM one
object at a time, so django-auditlog records every change, with the reason (``additional_data``),
and the data version changes (signals; once more at the end for the tables without them).

It is refused, writing nothing, when something since touched what it would undo: an object's
values are no longer those the import left, an object it created has dependants recorded later
(a certificate added by hand to an enterprise it created, a later event), or a later import
(not itself reverted) wrote the same object. The refusal names each row (sheet, row, object).
An import is reverted once; the record stays, marked 已撤销.
"""

import contextlib
from dataclasses import dataclass, field
from typing import Any

from auditlog.context import auditlog_value, set_extra_data
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

from enterprises.models import (
    Enterprise,
    EnterpriseEvent,
    EnterpriseName,
    HighTechCertification,
    StageChange,
    TechSMERegistration,
    UnitPeriod,
)
from units.versioning import bump_data_version

from .journal import snapshot
from .models import ChangeAction, ImportChange, ImportRecord

REASON_MAX = 200
# What a later hand may have added to an enterprise the import created (related name, what it is).
DEPENDANTS = (
    (HighTechCertification, "高新技术企业证书"),
    (TechSMERegistration, "科技型中小企业入库登记"),
    (EnterpriseEvent, "变更事项"),
    (EnterpriseName, "曾用名"),
    (StageChange, "培育阶段变更记录"),
)


Key = tuple[Any, Any]  # (content type id, object id)


def _data(value: Any) -> dict[str, Any]:
    """An entry's ``before`` or ``after`` (a dict; None for a creation's before)."""
    return value or {}


def _model(content_type_id: Any) -> Any:
    return ContentType.objects.get_for_id(content_type_id).model_class()


class RevertRefused(Exception):
    """The import cannot be reverted; ``problems`` says why, row by row."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("；".join(problems))
        self.problems = problems


@dataclass
class RevertSummary:
    record: ImportRecord
    deleted: int = 0
    restored: int = 0
    moves: int = 0
    stages: int = 0

    def text(self) -> str:
        return (
            f"已撤销导入记录 #{self.record.pk}（{self.record.file_name}）：删除新建 {self.deleted} 条，"
            f"恢复修改 {self.restored} 条，撤销迁移 {self.moves} 项，删除培育阶段变更 {self.stages} 条"
        )


@dataclass
class _State:
    """The journal's entries and the objects they name, as they are now."""

    entries: list[ImportChange]
    objects: dict[Key, models.Model] = field(default_factory=dict)
    own: set[Key] = field(default_factory=set)

    def model_of(self, entry: ImportChange) -> Any:
        return _model(entry.content_type_id)

    def load(self) -> None:
        ids: dict[Any, list[Any]] = {}
        for entry in self.entries:
            ids.setdefault(entry.content_type_id, []).append(entry.object_id)
            self.own.add((entry.content_type_id, entry.object_id))
        for ct_id, pks in ids.items():
            model = _model(ct_id)
            for pk, obj in model._default_manager.in_bulk(pks).items():
                self.objects[(ct_id, pk)] = obj

    def get(self, entry: ImportChange) -> Any:
        return self.objects.get((entry.content_type_id, entry.object_id))


def revert_import(*, record: ImportRecord, user, reason: str, remote_addr: str | None = None) -> RevertSummary:
    """Revert ``record`` (see the module's docstring); raises RevertRefused, having written nothing."""
    reason = reason.strip()[:REASON_MAX]
    if not reason:
        raise RevertRefused(["请填写撤销原因"])
    with transaction.atomic():
        record = ImportRecord.objects.select_for_update().get(pk=record.pk)
        if record.reverted_at is not None:
            when = timezone.localtime(record.reverted_at)
            raise RevertRefused([f"该导入已于 {when:%Y-%m-%d %H:%M} 撤销，不能再次撤销"])
        state = _State(list(record.changes.exclude(action=ChangeAction.NONE).order_by("pk")))
        state.load()
        problems = _problems(record, state)
        if problems:
            raise RevertRefused(problems)
        summary = RevertSummary(record)
        with _audited(user=user, remote_addr=remote_addr, record=record, reason=reason):
            for entry in sorted(reversed(state.entries), key=_phase):
                _undo(entry, state, summary)
        record.reverted_at = timezone.now()
        record.reverted_by = user
        record.revert_reason = reason
        record.save(update_fields=["reverted_at", "reverted_by", "revert_reason"])
        bump_data_version()
    return summary


@contextlib.contextmanager
def _audited(*, user, remote_addr: str | None, record: ImportRecord, reason: str):
    """Audit entries written inside name the user, the address, the import and the reason."""
    extra = {
        "actor": user,
        "remote_addr": remote_addr,
        "additional_data": {"reason": reason, "import_record": record.pk, "revert": True},
    }
    token = auditlog_value.set(auditlog_value.get(None))  # set_extra_data leaves its data behind
    try:
        with set_extra_data(context_data=extra):
            yield
    finally:
        auditlog_value.reset(token)


# --- The checks ------------------------------------------------------------------------------


def _problems(record: ImportRecord, state: _State) -> list[str]:
    later = _later_imports(record, state)
    dependants = _dependants(state)
    problems = []
    for entry in state.entries:
        own = (entry.content_type_id, entry.object_id)
        reason = later.get(_key(entry)) or _changed_since(entry, state) or dependants.get(own, "")
        if reason:
            problems.append(f"{entry.where}（{entry.target}）：{reason}")
    return problems


def _key(entry: ImportChange) -> Key:
    """The object an entry is about, for later imports and dependants: a move's or a stage
    change's is its enterprise."""
    if entry.action in (ChangeAction.MOVE, ChangeAction.STAGE):
        return (ContentType.objects.get_for_model(Enterprise).pk, _data(entry.before)["enterprise"])
    return (entry.content_type_id, entry.object_id)


def _later_imports(record: ImportRecord, state: _State) -> dict[Key, str]:
    keys = {_key(entry) for entry in state.entries}
    later: dict[Key, str] = {}
    by_type: dict[Any, set[Any]] = {}
    for ct_id, pk in keys:
        by_type.setdefault(ct_id, set()).add(pk)
    for ct_id, pks in by_type.items():
        touches = (
            ImportChange.objects.filter(content_type_id=ct_id, object_id__in=pks, record__pk__gt=record.pk)
            .filter(record__reverted_at__isnull=True)
            .select_related("record")
            .order_by("record_id")
        )
        for touch in touches:
            text = f"之后的导入（导入记录 #{touch.record_id}，{touch.record.file_name}，{touch.where}）又修改了它"
            later.setdefault((ct_id, touch.object_id), text)
    return later


def _changed_since(entry: ImportChange, state: _State) -> str:
    obj = state.get(entry)
    if obj is None:
        return "导入后已被删除"
    if entry.action == ChangeAction.MOVE:
        return _move_changed(entry, obj)
    if entry.action == ChangeAction.STAGE:
        newer = StageChange.objects.filter(enterprise_id=obj.enterprise_id, pk__gt=obj.pk).exists()
        return "导入后培育阶段又有变更" if newer else ""
    left = _data(entry.after)
    now = snapshot(obj, list(left))
    if now != left:
        fields = type(obj)._meta.concrete_fields
        names = "、".join(str(f.verbose_name) for f in fields if now.get(f.attname) != left.get(f.attname))
        return f"导入后已被修改（{names}）"
    return ""


def _move_changed(entry: ImportChange, event: EnterpriseEvent) -> str:
    enterprise = Enterprise.objects.get(pk=_data(entry.before)["enterprise"])
    current = UnitPeriod.objects.filter(enterprise=enterprise, ends_on__isnull=True).first()
    moved_to, on = _data(entry.after)["county_id"], _data(entry.after)["on"]
    if enterprise.county_id != moved_to or current is None or current.county_id != moved_to:
        return "导入后该企业的所属旗县市区又有变化"
    if current.starts_on is None or current.starts_on.isoformat() != on:
        return "导入后该企业的所属旗县市区又有变化"
    if EnterpriseEvent.objects.filter(enterprise=enterprise, pk__gt=event.pk).exists():
        return "导入后该企业又登记了变更事项"
    return ""


def _dependants(state: _State) -> dict[Key, str]:
    """For each enterprise the import created: what was recorded for it since, by others."""
    enterprise_type = ContentType.objects.get_for_model(Enterprise).pk
    created = [
        entry.object_id
        for entry in state.entries
        if entry.action == ChangeAction.CREATE and entry.content_type_id == enterprise_type
    ]
    found: dict[Key, str] = {}
    if not created:
        return found
    for model, what in DEPENDANTS:
        own_type = ContentType.objects.get_for_model(model).pk
        own = [pk for ct_id, pk in state.own if ct_id == own_type]
        rows = model._default_manager.filter(enterprise_id__in=created).exclude(pk__in=own)
        for enterprise_id, pk in rows.values_list("enterprise_id", "pk"):
            found.setdefault((enterprise_type, enterprise_id), f"导入后又为该企业登记了{what}（#{pk}）")
    return found


# --- The undo --------------------------------------------------------------------------------


def _phase(entry: ImportChange) -> int:
    """The undo's order, the import's backwards: moves, stage history, then certificates,
    registrations and quotas (new ones deleted before the updated ones get their values back, as
    they may hold what those had: the one 首次认定, an evaluation year), then enterprises."""
    order = [ChangeAction.MOVE, ChangeAction.STAGE, ChangeAction.CREATE, ChangeAction.UPDATE]
    phase = order.index(ChangeAction(entry.action))
    if entry.content_type_id == ContentType.objects.get_for_model(Enterprise).pk:
        phase += 2
    return phase


def _undo(entry: ImportChange, state: _State, summary: RevertSummary) -> None:
    obj = state.get(entry)
    if entry.action == ChangeAction.MOVE:
        _undo_move(entry, obj)
        summary.moves += 1
    elif entry.action == ChangeAction.STAGE:
        obj.delete()
        summary.stages += 1
    elif entry.action == ChangeAction.CREATE:
        obj.delete()
        summary.deleted += 1
    else:
        for field_ in type(obj)._meta.concrete_fields:
            if field_.attname in _data(entry.before):
                setattr(obj, field_.attname, field_.to_python(_data(entry.before)[field_.attname]))
        obj.save()
        summary.restored += 1


def _undo_move(entry: ImportChange, event: EnterpriseEvent) -> None:
    """The event and the period it opened go, the former period is open again, the unit is back."""
    enterprise = Enterprise.objects.get(pk=_data(entry.before)["enterprise"])
    on = event.occurred_on
    UnitPeriod.objects.filter(enterprise=enterprise, ends_on__isnull=True).delete()
    former = UnitPeriod.objects.get(enterprise=enterprise, ends_on=on, county_id=_data(entry.before)["county_id"])
    former.ends_on = None
    former.save(update_fields=["ends_on"])
    event.delete()
    enterprise.county_id = _data(entry.before)["county_id"]
    enterprise.save()
