"""What a row changes on an object already recorded, and how the preview says it."""

import copy
import datetime
from typing import TypeVar

from django.db import models

from .planning import Outcome, RowResult

M = TypeVar("M", bound=models.Model)


def differences(obj: models.Model, wanted: dict[str, object]) -> dict[str, object]:
    """The fields of ``wanted`` whose value differs from ``obj``'s; None means "not given"."""
    return {name: value for name, value in wanted.items() if value is not None and getattr(obj, name) != value}


def set_fields(obj: M, changes: dict[str, object]) -> M:
    """Apply ``changes`` to ``obj``; return a copy of it as it was, for the audit diff."""
    before = copy.copy(obj)
    for name, value in changes.items():
        setattr(obj, name, value)
    return before


def apply_changes(
    result: RowResult,
    updates: list[tuple[M, M]],
    obj: M,
    changes: dict[str, object],
    hidden: tuple[str, ...] = (),
) -> Outcome:
    """Apply ``changes`` to ``obj`` and queue the update in ``updates``; the row lists each change
    but those of ``hidden`` fields (derived ones). No changes: the row is unchanged."""
    if not changes:
        return Outcome.UNCHANGED
    before = set_fields(obj, changes)
    updates.append((before, obj))
    shown = {name: value for name, value in changes.items() if name not in hidden}
    result.changes.extend(describe_changes(type(obj), shown, before))
    return Outcome.UPDATE


def _display(value: object) -> str:
    if value is None or value == "":
        return "（空）"
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def describe_changes(model: type[models.Model], changes: dict[str, object], old: models.Model) -> list[str]:
    """“发证日期：2022-12-14 → 2022-12-15” for each change, choices by their labels."""
    lines = []
    for name, value in changes.items():
        model_field = model._meta.get_field(name)
        assert isinstance(model_field, models.Field)
        if model_field.choices:
            choices = dict(model_field.flatchoices)
            before, after = choices.get(getattr(old, name), getattr(old, name)), choices.get(value, value)
        else:
            before, after = getattr(old, name), value
        lines.append(f"{model_field.verbose_name}：{_display(before)} → {_display(after)}")
    return lines
