"""Dates as clerks type them: 2024年3月1日, 2024-03-01, 2024/3/1, 2024.3.1 (docs/domain.md §7).

Every date on every form of the portal is a ``DateField`` from here. Its input is a text box:
Chromium's ``<input type="date">`` reads keyboard input segment by segment and turns a typed
2024年3月1日 into 0431-02-02, so the browser never gets to parse a date. The server accepts the
four spellings the bureau's lists use, with or without leading zeros, in half- or full-width
characters, and refuses anything else with a message naming them.

The same four formats are Django's ``DATE_INPUT_FORMATS`` for zh-hans
(``tongliao_portal/formats/zh_Hans/formats.py`` imports them from here), so a form field
that is not one of these still reads the same spellings.
"""

from __future__ import annotations

import datetime
import unicodedata
from typing import Any

from django import forms

# strptime reads %m and %d with or without a leading zero (2024-3-1 and 2024-03-01 alike)
# and %Y as exactly four digits.
INPUT_FORMATS = ["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日"]
ACCEPTED = "2024-03-01、2024/3/1、2024.3.1 或 2024年3月1日"
INVALID_MESSAGE = f"日期无法识别，请按 {ACCEPTED} 的格式填写"
PLACEHOLDER = "例如 2024-03-01"


def date_text(day: datetime.date) -> str:
    """A date as the portal writes it in sentences: 2025年11月20日."""
    return f"{day.year}年{day.month}月{day.day}日"


def normalize(text: str) -> str:
    """Fold full-width digits and separators (２０２４／３／１) and drop spaces."""
    return "".join(unicodedata.normalize("NFKC", text).split())


class DateInput(forms.DateInput):
    """A text box for a date: placeholder, a keyboard with digits and a point on phones."""

    input_type = "text"

    def __init__(self, attrs: dict[str, Any] | None = None, format: str | None = None) -> None:
        defaults = {"placeholder": PLACEHOLDER, "inputmode": "decimal", "autocomplete": "off"}
        super().__init__(attrs={**defaults, **(attrs or {})}, format=format or "%Y-%m-%d")


class DateField(forms.DateField):
    """A date typed in any of the four accepted spellings; anything else is refused in Chinese."""

    widget = DateInput
    input_formats = INPUT_FORMATS
    default_error_messages = {"invalid": INVALID_MESSAGE}

    def to_python(self, value: Any) -> datetime.date | None:
        if isinstance(value, str):
            value = normalize(value)
        return super().to_python(value)
