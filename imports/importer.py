"""The import services: ``import_preview`` and ``import_commit`` (issue 4).

``import_preview`` reads a file and says, row by row, what committing it would do
(see ``planning``); ``import_commit`` does it in one transaction, or writes nothing when
any row is in error. Writes are bulk (``bulk_create``/``bulk_update``); since bulk writes
send no signals, the audit trail's entries are written here in bulk too, in the form
django-auditlog's own receivers give them, with the importing user as actor. County quotas
are written the same way; their import locks the plan row first, as the quota grid's save
does (``targets.services.quotas_save``), so the two are serialised and a grid loaded before
the import is refused as stale.
"""

import contextlib
import dataclasses
import datetime
import functools
from collections.abc import Sequence
from typing import Any

from auditlog.cid import get_cid
from auditlog.context import auditlog_value, set_extra_data
from auditlog.diff import model_instance_diff
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from enterprises import events
from enterprises.models import Enterprise, EnterpriseEvent, StageChange
from imports.models import ImportKind, ImportRecord
from targets.models import Plan
from units.scope import Scope

from . import journal
from .kinds import plan_import
from .planning import ImportOptions, ImportResult, Outcome, RowResult, Writes
from .workbook import WorkbookError

__all__ = [
    "ImportOptions",
    "ImportResult",
    "Outcome",
    "RowResult",
    "import_commit",
    "import_preview",
    "kinds_allowed_for",
]

WRITE_BATCH = 500


def kinds_allowed_for(user) -> list[ImportKind]:
    """Which lists a user may import: bureau staff every kind (county quotas included, as only
    they edit quotas), a county official only the registry of their own unit, leaders none
    (read-only). ``None`` is the command line's operator, who runs the server and so has the
    bureau's powers."""
    all_kinds = [ImportKind.ENTERPRISES, ImportKind.HTE, ImportKind.SME, ImportKind.QUOTAS]
    if user is None or user.is_bureau:
        return all_kinds
    if user.is_county_official and user.county_id:
        return [ImportKind.ENTERPRISES]
    return []


def _for_user(user, options: ImportOptions) -> ImportOptions:
    """Refuse a kind the user may not import; a county official imports for their own unit,
    whatever the options say. A quota list names its unit and year on every row: the other
    options do not apply to it (and its record is not tied to one unit)."""
    if options.kind not in kinds_allowed_for(user):
        raise PermissionDenied("无权导入该类名单")
    if options.kind == ImportKind.QUOTAS:
        return dataclasses.replace(options, announced_on=None, county=None, year=None)
    if user is not None and user.is_county_official:
        return dataclasses.replace(options, county=user.county)
    return options


def importer_scope(user) -> Scope:
    """The units an import may touch and see: the user's scope; the whole city for the command
    line's operator (``user`` None), who runs the server."""
    return Scope.city() if user is None else Scope.of(user)


def _plan(*, user, content: bytes, file_name: str, options: ImportOptions) -> tuple[ImportResult, Writes]:
    scope = importer_scope(user)
    result, writes = plan_import(content=content, file_name=file_name, options=options, scope=scope)
    history = ImportRecord.objects.visible_to(scope)
    earlier = history.filter(sha256=result.sha256, kind=options.kind).order_by("-imported_at").first()
    if earlier is not None:
        when = timezone.localtime(earlier.imported_at)
        result.notices.append(f"同一文件（SHA-256 相同）已于 {when:%Y-%m-%d %H:%M} 导入过。")
    return result, writes


def import_preview(*, user, content: bytes, file_name: str, options: ImportOptions) -> ImportResult:
    """What importing ``content`` would do, row by row; writes nothing.

    Raises WorkbookError for a file that cannot be read, PermissionDenied for a kind the
    user may not import.
    """
    options = _for_user(user, options)
    result, _writes = _plan(user=user, content=content, file_name=file_name, options=options)
    return result


def import_commit(
    *,
    user,
    content: bytes,
    file_name: str,
    options: ImportOptions,
    remote_addr: str | None = None,
    source: str = "web",
) -> ImportResult:
    """Import ``content`` in one transaction and record it; when any row is in error, write nothing.

    The plan is made again inside the transaction, so what is written matches the database
    at commit time, not at preview time. ``result.record`` is the ImportRecord, or None when
    nothing was written.
    """
    options = _for_user(user, options)
    with transaction.atomic():
        if options.plan is not None and not Plan.objects.select_for_update().filter(pk=options.plan.pk).exists():
            raise WorkbookError("所选行动方案已不存在，请重新选择后再导入。")
        result, writes = _plan(user=user, content=content, file_name=file_name, options=options)
        if result.has_errors:
            return result
        counts = result.counts
        record = ImportRecord.objects.create(
            kind=options.kind,
            file_name=file_name[:255],
            sha256=result.sha256,
            imported_by=user,
            county=options.county,
            rows_total=counts["total"],
            created=counts["create"],
            updated=counts["update"],
            unchanged=counts["unchanged"],
            warnings=counts["warning"],
            options={
                "source": source,
                "announced_on": options.announced_on.isoformat() if options.announced_on else None,
                "county": options.county.code if options.county else None,
                "year": options.year,
                "plan": options.plan.pk if options.plan else None,
                "plan_name": options.plan.name if options.plan else None,
                "sheets": result.sheets,
                "enterprises_created": len(writes.new_enterprises),
                "enterprises_moved": len(writes.moves),
            },
        )
        try:
            with transaction.atomic():
                stage_rows, events_written = _write(writes, record=record, user=user, remote_addr=remote_addr)
                journal.record_changes(
                    record=record, result=result, writes=writes, stage_rows=stage_rows, events=events_written
                )
        except IntegrityError as error:
            # Someone changed the same rows between our reads and our writes.
            raise WorkbookError("导入时数据被他人同时修改，未写入任何数据，请重新预览后再导入。") from error
        result.record = record
        return result


def _write(writes: Writes, *, record: ImportRecord, user, remote_addr: str | None) -> tuple[list, list]:
    now = timezone.now()
    Enterprise.objects.bulk_create(writes.new_enterprises, batch_size=WRITE_BATCH)
    _bulk_update(Enterprise, writes.enterprise_updates, now)
    # Certificates, registrations (or any other kind's records), model by model: updates first,
    # as they may free what a new record takes (an evaluation year, the one 首次认定). bulk_create
    # takes each new enterprise's pk, given to it a moment ago, from the related object.
    touched = [type(obj) for obj in writes.new_records] + [type(after) for _, after in writes.record_updates]
    record_models = list(dict.fromkeys(touched))
    model: Any
    for model in record_models:
        _bulk_update(model, [pair for pair in writes.record_updates if type(pair[1]) is model], now)
        new = [obj for obj in writes.new_records if type(obj) is model]
        model.objects.bulk_create(new, batch_size=WRITE_BATCH)
    common = {
        "actor_id": getattr(user, "pk", None),
        "actor_email": getattr(user, "email", None) or None,
        "remote_addr": remote_addr,
        "cid": get_cid(),
        "timestamp": now,
        "additional_data": {"import_record": record.pk, "file_name": record.file_name},
    }
    content_types = ContentType.objects.get_for_models(Enterprise, *record_models)
    entries = []
    for obj in [*writes.new_enterprises, *writes.new_records]:
        changes = creation_changes(obj)
        entries.append(_log_entry(obj, content_types[type(obj)], LogEntry.Action.CREATE, changes, common))
    for before, after in [*writes.enterprise_updates, *writes.record_updates]:
        changes = {name: list(pair) for name, pair in (model_instance_diff(before, after) or {}).items()}
        entries.append(_log_entry(after, content_types[type(after)], LogEntry.Action.UPDATE, changes, common))
    LogEntry.objects.bulk_create([entry for entry in entries if entry is not None], batch_size=WRITE_BATCH)
    # Last: a move saves the enterprise (its own audit entry for the unit), which the diffs above
    # must not see.
    return _write_history(writes, record=record, user=user, remote_addr=remote_addr)


def _write_history(
    writes: Writes, *, record: ImportRecord, user, remote_addr: str | None
) -> tuple[list[StageChange], list[EnterpriseEvent]]:
    """The stage history (bulk) and the moves: each a dated event through
    ``enterprises.events.enterprise_move``, which ends the unit period and saves the enterprise
    (its audit entry names the importing user and this import). Returns both, for the journal."""
    stage_rows = StageChange.objects.bulk_create(
        [
            StageChange(enterprise=enterprise, from_stage=before, to_stage=after, changed_by=user)
            for enterprise, before, after in writes.stage_changes
        ],
        batch_size=WRITE_BATCH,
    )
    if not writes.moves:
        return stage_rows, []
    reason = f"名单导入（导入记录 #{record.pk}）"
    moved = []
    with _audited_as(user=user, remote_addr=remote_addr, record=record):
        for move in writes.moves:
            event = events.enterprise_move(
                user=user,
                enterprise=move.enterprise,
                to_county=move.to_county,
                on=move.on,
                reason=reason,
                document=record.file_name[:200],
            )
            moved.append(event)
    return stage_rows, moved


@contextlib.contextmanager
def _audited_as(*, user, remote_addr: str | None, record: ImportRecord):
    """Audit entries written by single saves inside carry the importing user, the address and the
    import, as the bulk entries do; whatever context was set before comes back afterwards.

    The context is built from the arguments alone: django-auditlog leaves an earlier context's
    values behind in ``auditlog_value`` (a finished request's actor, say), so they are not read.
    """
    extra = {
        "actor": user,
        "remote_addr": remote_addr,
        "additional_data": {"import_record": record.pk, "file_name": record.file_name},
    }
    token = auditlog_value.set(auditlog_value.get(None))  # set_extra_data leaves its data behind
    try:
        with set_extra_data(context_data=extra):
            yield
    finally:
        auditlog_value.reset(token)


def _bulk_update(model: Any, pairs: Sequence[tuple[Any, Any]], now: datetime.datetime) -> None:
    """Write the changed fields of ``pairs`` (before, after), stamping ``updated_at`` on models
    that have one (county quotas have none)."""
    if not pairs:
        return
    fields = model._meta.concrete_fields
    stamped = any(f.name == "updated_at" for f in fields)
    names = {"updated_at"} if stamped else set()
    for before, after in pairs:
        if stamped:
            after.updated_at = now
        names.update(f.name for f in fields if getattr(before, f.attname) != getattr(after, f.attname))
    model.objects.bulk_update([after for _, after in pairs], sorted(names), batch_size=WRITE_BATCH)


@functools.cache
def _audited_attributes(model) -> tuple[tuple[str, str], ...] | None:
    """(field name, attribute to read) for each concrete field django-auditlog tracks on ``model``,
    per its include/exclude settings; None when the model masks fields (then auditlog's own diff
    is used)."""
    registered = auditlog.get_model_fields(model)
    if registered["mask_fields"]:
        return None
    include, exclude = registered["include_fields"], registered["exclude_fields"]
    by_name = settings.AUDITLOG_USE_FK_STRING_REPRESENTATION
    return tuple(
        (field.name, field.name if by_name or not field.is_relation else field.attname)
        for field in model._meta.concrete_fields
        if (not include or field.name in include) and field.name not in exclude
    )


def creation_changes(obj: models.Model) -> dict:
    """The ``changes`` django-auditlog's create receiver records for ``obj``: every tracked field
    from "None" to its value as text (related objects by their string form, datetimes as naive
    UTC), fields whose value is None left out.

    ``auditlog.diff.model_instance_diff`` gives the same for concrete fields (a test holds them
    equal) but reads several settings per field, which on a 10,000-row list costs more than
    the inserts; it also lists reverse relations, whose "values" carry no information.
    """
    attributes = _audited_attributes(type(obj))
    if attributes is None:
        return {name: list(pair) for name, pair in model_instance_diff(None, obj).items()}
    changes = {}
    for name, attribute in attributes:
        value = getattr(obj, attribute)
        if value is None:
            continue
        if isinstance(value, datetime.datetime) and timezone.is_aware(value):
            value = timezone.make_naive(value, datetime.UTC)
        changes[name] = ["None", str(value)]
    return changes


def _log_entry(
    obj: models.Model, content_type: ContentType, action: int, changes: dict | None, common: dict
) -> LogEntry | None:
    """A django-auditlog entry as its signal handlers would write it (see auditlog.receivers).

    Every field is given, so that building 20,000 of them costs no default lookups.
    """
    if not changes:
        return None
    return LogEntry(
        content_type_id=content_type.pk,
        object_pk=str(obj.pk),
        object_id=obj.pk,
        object_repr=str(obj),
        action=action,
        changes=changes,
        serialized_data=None,
        changes_text="",
        remote_port=None,
        **common,
    )
