"""Filters for showing a ``progress.Cell``: completion as text and as a progress bar."""

from decimal import Decimal

from django import template

register = template.Library()

NOT_SET = "未设定"


@register.filter
def completion(cell):
    """``83.3%``; 未设定 where no target is set (never 0%); a dash without a cell."""
    if cell is None:
        return "—"
    if cell.completion_percent is None:
        return NOT_SET
    return f"{cell.completion_percent}%"


@register.filter
def bar_width(cell) -> str:
    """The bar's width in percent, 0–100, written with a dot whatever the locale (for ``style``)."""
    if cell is None or cell.completion_percent is None:
        return "0"
    return str(min(max(cell.completion_percent, Decimal(0)), Decimal(100)))


@register.filter
def bar_class(cell) -> str:
    if cell is None or cell.completion is None:
        return "bg-secondary"
    if cell.completion >= 1:
        return "bg-success"
    if cell.completion >= Decimal("0.8"):
        return "bg-primary"
    return "bg-warning"


@register.filter
def blank_none(value, text="—"):
    """``None`` shown as a dash (or ``text``): a year not counted, a target not set."""
    return text if value is None else value
