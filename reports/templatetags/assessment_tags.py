from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template

register = template.Library()


@register.filter
def ratio_percent(value):
    """A completion ratio given as text ("0.8333") shown as a percentage ("83.33%"); None → 未设定."""
    if value in (None, ""):
        return "未设定"
    try:
        percent = (Decimal(value) * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    except (InvalidOperation, TypeError):
        return value
    return f"{percent}%"
