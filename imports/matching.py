"""Which enterprise a row is about, and the enterprise a row creates (docs/domain.md §7).

An enterprise is found by credit code, else by ``rules.name_key`` (full-/half-width brackets
and spaces folded), else — for a row without a credit code — by a former name
(``EnterpriseName``), among every enterprise of the city and those created by earlier rows of
the file. A unit may only be given to an enterprise within the user's scope; a county
official's row that hits another unit's enterprise is refused in words that do not confirm it
exists (``OTHER_UNIT``). A row whose 所在地区 or credit code points to another unit than the
one it is filed under gets a hint (``warn_unit_hints``).
"""

import datetime
import enum
from typing import Literal

from enterprises import rules
from enterprises.models import Enterprise, EnterpriseName
from imports.models import ImportKind
from units.models import County

from .planning import Context, Row, chunks

# A county official's row about another unit's enterprise (issue 13 finding 9): neither its name
# nor that it exists is confirmed.
OTHER_UNIT = "该企业无法在本地区登记，请联系市科技局"


class Unmatched(enum.Enum):
    """No enterprise of the registry, nor one created by an earlier row, matches the row."""

    NEW = "new"


NEW = Unmatched.NEW
Match = Enterprise | Literal[Unmatched.NEW]


def load_enterprises(ctx: Context, rows: list[Row]) -> None:
    """Every enterprise the file's credit codes and names may match, two queries per chunk."""
    codes = {row.values["credit_code"] for row in rows if row.values.get("credit_code")}
    keys = {rules.name_key(row.values["name"]) for row in rows if row.values.get("name")}
    for chunk in chunks(codes):
        for enterprise in Enterprise.objects.filter(credit_code__in=chunk):
            ctx.adopt(enterprise)
    keys -= set(ctx.by_key)
    for chunk in chunks(keys):
        for enterprise in Enterprise.objects.filter(name_key__in=chunk):
            ctx.adopt(enterprise)
    keys -= set(ctx.by_key)
    for chunk in chunks(keys):
        for old in EnterpriseName.objects.filter(name_key__in=chunk).select_related("enterprise"):
            known = ctx.by_old_key.setdefault(old.name_key, [])
            enterprise = ctx.adopt(old.enterprise)
            if enterprise not in known:
                known.append(enterprise)


def resolve_enterprise(row: Row, ctx: Context) -> Match | None:
    """The row's enterprise: an existing (or earlier in this file) Enterprise, ``NEW`` when none
    matches, or None after recording an error (the credit code and the name disagree, or the
    enterprise is another unit's and the user a county official)."""
    code = row.values.get("credit_code")
    key = rules.name_key(row.values["name"])
    named = ctx.by_key.get(key)
    coded = ctx.by_code.get(code) if code else None
    former: Match | None = NEW
    if coded is None and named is None:
        former = _by_former_name(row, ctx, key, code)
        if former is None:
            return None
    if _elsewhere(row, ctx, coded, named if named is not None else former):
        return None
    if coded is not None:
        if named is not None and named is not coded:
            reason = f"企业名称与{ctx.describe(named)}相同，而统一社会信用代码 {code} 属于另一家企业"
            row.error(ctx.spec, "name", reason)
            return None
        _warn_renamed(row, ctx, coded, key)
        return coded
    if code and named is not None:
        row.error(ctx.spec, "name", f"企业名称与{ctx.describe(named)}相同，但统一社会信用代码不同（表中为 {code}）")
        return None
    return named if named is not None else former


def _by_former_name(row: Row, ctx: Context, key: str, code: str | None) -> Match | None:
    """The enterprise formerly known by the row's name (``NEW`` when none, None after an error).

    A row with a credit code the registry does not know is a new enterprise even so: the code
    is the stronger key, and a name once freed may be taken by another company.
    """
    formerly = ctx.by_old_key.get(key, [])
    if not formerly:
        return NEW
    if code:
        shown = [e for e in formerly if ctx.in_scope(e)]
        if shown:
            row.warn(ctx.spec, "name", f"该名称是{ctx.describe(shown[0])}的曾用名；统一社会信用代码不同，按新企业处理")
        return NEW
    if len(formerly) > 1:
        if not _elsewhere(row, ctx, None, *formerly):
            named = "、".join(ctx.describe(e) for e in formerly)
            row.error(ctx.spec, "name", f"该名称是多家企业的曾用名（{named}），请填写统一社会信用代码")
        return None
    [enterprise] = formerly
    if ctx.in_scope(enterprise):
        row.warn(ctx.spec, "name", f"为{ctx.describe(enterprise)}的曾用名，已按曾用名匹配")
    return enterprise


def _elsewhere(row: Row, ctx: Context, coded: Enterprise | None, *named: Match | None) -> bool:
    """Whether a county official's row hits a registered enterprise of another unit (an error,
    worded so as not to confirm that enterprise: ``OTHER_UNIT``). Bureau staff see every unit."""
    if ctx.scope.is_city:
        return False
    for key, enterprise in (("credit_code", coded), *(("name", e) for e in named)):
        if isinstance(enterprise, Enterprise) and enterprise.pk is not None and not ctx.in_scope(enterprise):
            row.error(ctx.spec, key, OTHER_UNIT)
            return True
    return False


def is_former_name(ctx: Context, enterprise: Enterprise, key: str) -> bool:
    """Whether ``key`` is the name key of one of ``enterprise``'s former names."""
    return any(e is enterprise for e in ctx.by_old_key.get(key, ()))


def _warn_renamed(row: Row, ctx: Context, coded: Enterprise, key: str) -> None:
    """A certificate or registration list naming an enterprise otherwise than the registry does."""
    if coded.name_key == key or not ctx.in_scope(coded):
        return
    if is_former_name(ctx, coded, key):
        row.warn(ctx.spec, "name", f"为该企业的曾用名（现名称“{coded.name}”），已按统一社会信用代码匹配，名称不变")
    elif ctx.spec.kind != ImportKind.ENTERPRISES:
        row.warn(ctx.spec, "name", f"与名录中的企业名称“{coded.name}”不同，已按统一社会信用代码匹配")


def county_of_row(row: Row, ctx: Context) -> tuple[County | None, bool]:
    """The unit a row names (by name or code), else the one chosen for the import.

    Returns (county, ok); ok is False after an error was recorded.
    """
    written = row.values.get("county")
    if written:
        county = ctx.county_named(row, written)
        return county, county is not None
    return ctx.options.county, True


def check_scope(row: Row, ctx: Context, county: County) -> bool:
    """Whether the user may import a row of ``county``; an error when not."""
    if not ctx.scope.includes(county.pk):
        row.error(ctx.spec, "county", f"该行属于{county.name}，您只能导入本单位（{ctx.unit_name}）的企业")
        return False
    return True


def new_enterprise(row: Row, ctx: Context, stage: str) -> Enterprise | None:
    """An enterprise for a row no registry entry matches, or None after an error naming what is missing."""
    county, ok = county_of_row(row, ctx)
    if not ok:
        return None
    missing = []
    if not row.values.get("credit_code"):
        missing.append("统一社会信用代码")
    if county is None:
        missing.append("所属旗县市区（表中没有该列或该格为空，导入时也未选择“新企业所属旗县市区”）")
    if missing:
        row.error(ctx.spec, "name", f"名录中没有该企业，新建企业还缺少：{'、'.join(missing)}")
        return None
    assert county is not None
    if not check_scope(row, ctx, county):
        return None
    name = row.values["name"]
    enterprise = Enterprise(
        credit_code=row.values["credit_code"],
        name=name,
        name_key=rules.name_key(name),
        county=county,
        stage=stage,
    )
    ctx.by_code[enterprise.credit_code] = enterprise
    ctx.by_key[enterprise.name_key] = enterprise
    ctx.new_rows[id(enterprise)] = row.result
    warn_unit_hints(row, ctx, county, new=True)
    return enterprise


def warn_unit_hints(row: Row, ctx: Context, filed: County, *, new: bool = False, column: bool = True) -> None:
    """A hint (never an error) when the row's 所在地区 (with ``column``) or its credit code's area
    code names another unit than ``filed``, the one the row's enterprise is (or, ``new``, will be)
    filed under."""
    held = f"将归入{filed.name}" if new else f"登记在{filed.name}"
    written = row.values.get("county")
    named = ctx.counties.find(written) if column and written else None
    if named is not None and named != filed:
        row.warn(ctx.spec, "county", f"表中为{named.name}，而该企业{held}；本名单不改变企业的所属旗县市区")
    code: str = row.values.get("credit_code") or ""
    area = ctx.counties.of_credit_code(code)
    if area is not None and area != filed:
        row.warn(
            ctx.spec,
            "credit_code",
            f"统一社会信用代码第3—8位 {code[2:8]} 是{area.name}的代码，而该企业{held}，请核对所属旗县市区",
        )


def holder_check(row: Row, ctx: Context, enterprise: Match, holder: Enterprise, what: str) -> Enterprise | None:
    """An existing certificate/registration number: the row must be about its holder.

    A row naming no enterprise of the registry and giving no credit code is taken to be the
    holder under an earlier name (a certificate keeps its number when its holder is renamed).
    """
    if enterprise is NEW and not row.values.get("credit_code"):
        row.warn(ctx.spec, "name", f"名录中没有该名称；该{what}属于{ctx.describe(holder)}（可能已更名），按编号匹配")
        return holder
    if enterprise is not holder:
        row.error(ctx.spec, "number", f"该{what}已属于另一家企业：{ctx.describe(holder)}")
        return None
    return holder


def announced(row: Row, ctx: Context, key: str) -> datetime.date | None:
    """The row's own date, else the announcement date given for the file, else an error."""
    value = row.values.get(key) or ctx.options.announced_on
    if value is None:
        row.error(ctx.spec, key, "该行没有日期，导入时也未填写公告日期")
    return value
