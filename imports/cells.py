"""Reading one cell of a list: each parser turns a non-blank cell into a value or raises CellError.

The column tables (``imports/kinds/``) name a parser for every column; a reason given here
is Chinese and names no position (``planning.RowResult`` adds sheet, row and column).
"""

import datetime
import decimal
import unicodedata
from collections.abc import Callable

from django.db import models

from enterprises import rules
from enterprises.models import Enterprise, TechSMERegistration

from .workbook import CellError, cell_date, cell_text

# A template's example row is marked so that importing it unchanged is an error, not a junk enterprise.
EXAMPLE_MARK = "示例："
EXAMPLE_ROW = "这是模板中的示例行，请删除后再导入"

# The largest quota accepted, as in the grid (targets.forms.QuotaGridForm).
QUOTA_MAX = 100_000
QUOTA_WHOLE = "任务数应为不小于0的整数，例如 12"


def max_length(model: type[models.Model], field_name: str) -> int:
    """The ``max_length`` of a model's text field."""
    model_field = model._meta.get_field(field_name)
    assert isinstance(model_field, models.Field) and model_field.max_length is not None
    return model_field.max_length


def text(limit: int) -> Callable[[object], str]:
    """A plain text cell of at most ``limit`` characters."""

    def parse(value: object) -> str:
        result = cell_text(value)
        if len(result) > limit:
            raise CellError(f"内容过长：最多{limit}个字符，实为{len(result)}个")
        return result

    return parse


def not_example(written: str) -> str:
    """``written``, unless it is the template's example row."""
    if written.startswith(EXAMPLE_MARK):
        raise CellError(EXAMPLE_ROW)
    return written


def enterprise_name(value: object) -> str:
    """An enterprise's name, normalised (``rules.normalize_name``)."""
    return not_example(rules.normalize_name(text(max_length(Enterprise, "name"))(value)))


def credit_code(value: object) -> str:
    """统一社会信用代码, normalised and check-verified (docs/domain.md §3)."""
    code = rules.normalize_credit_code(cell_text(value))
    error = rules.credit_code_error(code)
    if error:
        raise CellError(error)
    return code


def hte_number(value: object) -> str:
    """证书编号: GR/GF + year + province + serial (docs/domain.md §4)."""
    number = rules.normalize_hte_number(cell_text(value))
    error = rules.hte_number_error(number)
    if error:
        raise CellError(error)
    return number


def sme_number(value: object) -> str:
    """入库登记编号: stored as text; its format is unconfirmed (docs/domain.md §5), so only the length is checked."""
    number = rules.normalize_sme_number(cell_text(value))
    limit = max_length(TechSMERegistration, "number")
    if len(number) > limit:
        raise CellError(f"入库登记编号过长：最多{limit}个字符，实为{len(number)}个")
    return number


def date(value: object) -> datetime.date | None:
    """A date in any spelling of docs/domain.md §7."""
    return cell_date(value)


def _four_digit_year(value: object, reason: str) -> int:
    """A year written as 2023, 2023.0, “2023年” or “2023年度”; ``reason`` when it is none."""
    digits = cell_text(value).removesuffix("年度").removesuffix("年").strip()
    if not (digits.isascii() and digits.isdigit() and 2000 <= int(digits) <= 2100):
        raise CellError(reason)
    return int(digits)


def year(value: object) -> int:
    """An SME list's evaluation year."""
    return _four_digit_year(value, "评价年度应为2000至2100之间的4位年份，例如 2023")


def quota_year(value: object) -> int:
    """The year a quota row is for; whether the plan covers it is checked when planning."""
    return _four_digit_year(value, "年度应为2000至2100之间的4位年份，例如 2025")


def quota_value(value: object) -> int:
    """A quota: a whole number from 0 to QUOTA_MAX, written as 12, 12.0, “12” or “12家”."""
    if isinstance(value, bool):
        raise CellError(QUOTA_WHOLE)
    written = unicodedata.normalize("NFKC", cell_text(value)).removesuffix("家").strip()
    try:
        number = decimal.Decimal(written)
    except decimal.InvalidOperation:
        raise CellError(QUOTA_WHOLE) from None
    if not number.is_finite():
        raise CellError(QUOTA_WHOLE)
    if number < 0:
        raise CellError("任务数不能为负数")
    if number != number.to_integral_value():
        raise CellError("任务数应为整数")
    if number > QUOTA_MAX:
        raise CellError(f"任务数过大：不能超过 {QUOTA_MAX}")
    return int(number)


def quota_county(value: object) -> str:
    """A quota row's unit as written (recognised when planning); the template's example row is refused."""
    return not_example(text(50)(value))


def choice(choices: type[models.TextChoices], synonyms: dict[str, str] | None = None) -> Callable[[object], str]:
    """A cell holding one of ``choices`` by its Chinese label (or its stored value, or a synonym)."""
    lookup = {label: value for value, label in choices.choices}
    lookup.update({value: value for value in choices.values})
    lookup.update(synonyms or {})
    allowed = "、".join(choices.labels)

    def parse(value: object) -> str:
        written = cell_text(value).replace(" ", "")
        if written not in lookup:
            raise CellError(f"无法识别，应为以下之一：{allowed}")
        return lookup[written]

    return parse
