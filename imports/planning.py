"""Planning an import: reading the rows of a list and deciding, row by row, what it would do.

1. read the sheets whose header is found (``workbook.read_tables``) and parse each cell
   with its column's parser (``kinds.py``);
2. load what already exists for the keys in the file — enterprises by credit code and by
   name key, certificates or registrations by number — in a fixed number of queries;
3. run the kind's planning function over the rows: it records each row's outcome and
   messages, and the objects to create or update (``Writes``).

Matching (domain.md §7): an enterprise is found by credit code, else by ``rules.name_key``
(full-/half-width brackets and spaces folded). Matching looks at every enterprise, not only
those the user may see: a credit code is unique city-wide, so a row that hits another
unit's enterprise must become an error — one that names no detail of that enterprise.

County quotas (issue 6) name no enterprise: each row is a unit and a year of the plan chosen
for the import, with one value per indicator.
"""

import copy
import datetime
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.db import models
from django.db.models import Min
from django.utils import timezone

from enterprises import rules
from enterprises.models import CertificationKind, Enterprise, HighTechCertification, Stage, TechSMERegistration
from imports.models import ImportKind, ImportRecord
from targets.models import CountyQuota, Indicator, Plan
from units.models import County

from . import kinds
from .kinds import KindSpec
from .workbook import CellError, SheetTable, WorkbookError, cell_text, file_sha256, read_tables

# Keys per IN (...) query; well under every backend's parameter limit.
LOOKUP_CHUNK = 2000


class Outcome(models.TextChoices):
    CREATE = "create", "新增"
    UPDATE = "update", "更新"
    UNCHANGED = "unchanged", "未变化"
    ERROR = "error", "错误"


@dataclass(frozen=True)
class ImportOptions:
    """What the person importing says about the file: its kind, the announcement date for rows
    without a date, a unit for rows without one, the evaluation year for an SME list, the plan
    a quota list belongs to."""

    kind: str
    announced_on: datetime.date | None = None
    county: County | None = None
    year: int | None = None
    plan: Plan | None = None


@dataclass
class RowResult:
    """The outcome of one data row, with Chinese messages that name sheet, row, column and value."""

    sheet: str
    number: int
    label: str = ""
    key: str = ""
    outcome: str = Outcome.UNCHANGED
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)

    @property
    def where(self) -> str:
        return f"工作表“{self.sheet}”第{self.number}行"

    def _message(self, column: str, value, reason: str) -> str:
        shown = "" if value is None else str(value).strip()
        if shown:
            return f"{self.where}，“{column}”列的“{shown}”：{reason}"
        return f"{self.where}，“{column}”列为空：{reason}"

    def error(self, column: str, value, reason: str) -> None:
        self.errors.append(self._message(column, value, reason))
        self.outcome = Outcome.ERROR

    def warn(self, column: str, value, reason: str) -> None:
        self.warnings.append(self._message(column, value, reason))

    @property
    def outcome_label(self) -> str:
        return Outcome(self.outcome).label


@dataclass
class ImportResult:
    """A planned (or committed) import: each row's outcome and the file-level notices."""

    kind: str
    file_name: str
    sha256: str
    sheets: list[str] = field(default_factory=list)
    rows: list[RowResult] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    record: ImportRecord | None = None

    def count(self, outcome: str) -> int:
        return sum(1 for row in self.rows if row.outcome == outcome)

    @property
    def counts(self) -> dict[str, int]:
        result = {outcome.value: self.count(outcome) for outcome in Outcome}
        result["warning"] = sum(1 for row in self.rows if row.warnings)
        result["total"] = len(self.rows)
        return result

    @property
    def has_errors(self) -> bool:
        return any(row.outcome == Outcome.ERROR for row in self.rows)

    @property
    def kind_label(self) -> str:
        return ImportKind(self.kind).label

    @property
    def row_headings(self) -> tuple[str, str]:
        """What the preview calls each row's label and key (企业名称/编号, or 旗县市区/年度)."""
        return kinds.SPECS[self.kind].row_headings

    def summary(self) -> str:
        counts = self.counts
        return (
            f"共 {counts['total']} 行：新增 {counts['create']}，更新 {counts['update']}，"
            f"未变化 {counts['unchanged']}，错误 {counts['error']}，有提示 {counts['warning']}"
        )

    def record_summary(self) -> dict:
        """What the security log keeps about a committed import."""
        return {
            "import_record": self.record.pk if self.record else None,
            "list_kind": self.kind,
            "file_name": self.file_name,
            "sha256": self.sha256,
            "counts": self.counts,
        }

    def error_messages(self) -> Iterator[str]:
        for row in self.rows:
            yield from row.errors

    def warning_messages(self) -> Iterator[str]:
        for row in self.rows:
            yield from row.warnings


# --- Reading rows ---------------------------------------------------------------------------


@dataclass
class _Row:
    """A data row: parsed values by column key (None when blank), the text as written, the headers."""

    result: RowResult
    values: dict[str, object]
    written: dict[str, str]
    headers: dict[str, str]

    def header(self, spec: KindSpec, key: str) -> str:
        return self.headers.get(key) or spec.column(key).label

    def error(self, spec: KindSpec, key: str, reason: str) -> None:
        self.result.error(self.header(spec, key), self.written.get(key, ""), reason)

    def warn(self, spec: KindSpec, key: str, reason: str) -> None:
        self.result.warn(self.header(spec, key), self.written.get(key, ""), reason)


def _read_rows(content: bytes, spec: KindSpec) -> tuple[list[str], list[_Row]]:
    tables = read_tables(content, aliases=spec.aliases(), required=spec.required, required_labels=spec.required_labels)
    rows = []
    for table in tables:
        if spec.required_any and not any(key in table.columns for key in spec.required_any):
            wanted = "”“".join(spec.column(key).label for key in spec.required_any)
            raise WorkbookError(f"工作表“{table.name}”的表头中没有“{wanted}”中的任何一列。")
        columns = [(spec.column(key), index) for key, index in table.columns.items()]
        for number, cells in table.rows:
            row = _parse_row(spec, table, columns, number, cells)
            if row is not None:
                rows.append(row)
    return [table.name for table in tables], rows


def _parse_row(spec: KindSpec, table: SheetTable, columns: list, number: int, cells: tuple) -> _Row | None:
    """A data row parsed column by column, or None for a row that is not data."""
    raw = {column.key: cells[index] if index < len(cells) else None for column, index in columns}
    written = {}
    for key, value in raw.items():
        try:
            written[key] = cell_text(value)
        except CellError:
            written[key] = str(value)
    if not any(text for key, text in written.items() if key != "serial"):
        return None  # a note or a subtitle standing in the 序号 column
    if all(written[key] == table.headers[key] for key in written):
        return None  # the header repeated (a list pasted from several pages)
    row = _Row(RowResult(table.name, number), {}, written, table.headers)
    for column, _index in columns:
        if not written[column.key]:
            row.values[column.key] = None
            continue
        try:
            value = column.parse(raw[column.key])
        except CellError as error:
            row.error(spec, column.key, error.reason)
            continue
        # A parsed 0 is a value (a quota of 0); only an empty result counts as blank.
        row.values[column.key] = None if value is None or value == "" else value
    row.result.label = row.values.get("name") or written.get("name", "")
    row.result.key = row.values.get("number") or row.values.get("credit_code") or written.get("number", "")
    return row


# --- What already exists -------------------------------------------------------------------


def _chunks(values: Iterable, size: int = LOOKUP_CHUNK) -> Iterator[list]:
    values = sorted(set(values))
    for start in range(0, len(values), size):
        yield values[start : start + size]


class _Counties:
    """Units by id (all of them) and, for the active ones, by code, name, short name and place
    text ("通辽市科尔沁区"): a list may only assign an enterprise to an active unit."""

    def __init__(self):
        self.by_id = {county.pk: county for county in County.objects.all()}
        self.active = [county for county in self.by_id.values() if county.is_active]
        self.by_text = {}
        for county in self.active:
            self.by_text[county.code] = county
            self.by_text[county.name] = county
        by_code = {county.code: county for county in self.active}
        for alias, code in kinds.COUNTY_ALIASES.items():
            if code in by_code:
                self.by_text.setdefault(alias, by_code[code])

    def find(self, text: str) -> County | None:
        text = text.replace(" ", "")
        found = self.by_text.get(text)
        while found is None:
            shorter = next((text.removeprefix(p) for p in kinds.PLACE_PREFIXES if text.startswith(p)), text)
            if shorter == text:
                break
            text = shorter
            found = self.by_text.get(text)
        return found

    @property
    def allowed(self) -> str:
        return "、".join(county.name for county in self.active)


@dataclass
class _Context:
    """What planning needs: the options, the user's scope, existing rows by key, and what this
    file has already claimed (so a later row can be checked against an earlier one)."""

    spec: KindSpec
    options: ImportOptions
    scope: County | None
    counties: _Counties
    by_code: dict[str, Enterprise] = field(default_factory=dict)
    by_key: dict[str, Enterprise] = field(default_factory=dict)
    by_pk: dict[int, Enterprise] = field(default_factory=dict)
    # Rows of this file that created an enterprise, by id() of the unsaved instance.
    new_rows: dict[int, RowResult] = field(default_factory=dict)
    seen: dict[tuple, RowResult] = field(default_factory=dict)
    today: datetime.date = field(default_factory=timezone.localdate)

    def adopt(self, enterprise: Enterprise) -> Enterprise:
        """One Python object per enterprise, whichever query loaded it."""
        known = self.by_pk.setdefault(enterprise.pk, enterprise)
        if known is enterprise:
            enterprise.county = self.counties.by_id[enterprise.county_id]
            self.by_code[enterprise.credit_code] = enterprise
            self.by_key[enterprise.name_key] = enterprise
        return known

    def in_scope(self, enterprise: Enterprise) -> bool:
        return self.scope is None or enterprise.county_id == self.scope.pk

    def describe(self, enterprise: Enterprise) -> str:
        """How a message names an enterprise: in detail only when the user may see it."""
        if enterprise.pk is None:
            return f"“{enterprise.name}”（本文件{self.new_rows[id(enterprise)].where}）"
        if not self.in_scope(enterprise):
            return "其他旗县市区已登记的一家企业"
        return f"“{enterprise.name}”（统一社会信用代码 {enterprise.credit_code}）"

    def first_seen(self, key: tuple, row: RowResult) -> RowResult | None:
        """The earlier row of this file with the same key, or None (and remember this one)."""
        earlier = self.seen.get(key)
        if earlier is None:
            self.seen[key] = row
        return earlier


def _load_enterprises(ctx: _Context, rows: list[_Row]) -> None:
    codes = {row.values["credit_code"] for row in rows if row.values.get("credit_code")}
    keys = {rules.name_key(row.values["name"]) for row in rows if row.values.get("name")}
    for chunk in _chunks(codes):
        for enterprise in Enterprise.objects.filter(credit_code__in=chunk):
            ctx.adopt(enterprise)
    keys -= set(ctx.by_key)
    for chunk in _chunks(keys):
        for enterprise in Enterprise.objects.filter(name_key__in=chunk):
            ctx.adopt(enterprise)


# --- Writes ---------------------------------------------------------------------------------


@dataclass
class Writes:
    """Objects to create and (before, after) pairs to update, in the order they are written."""

    new_enterprises: list[Enterprise] = field(default_factory=list)
    enterprise_updates: list[tuple[Enterprise, Enterprise]] = field(default_factory=list)
    new_records: list[models.Model] = field(default_factory=list)
    record_updates: list[tuple[models.Model, models.Model]] = field(default_factory=list)


def _set_fields(obj: models.Model, changes: dict[str, object]) -> models.Model:
    """Apply ``changes`` to ``obj``; return a copy of it as it was, for the audit diff."""
    before = copy.copy(obj)
    for name, value in changes.items():
        setattr(obj, name, value)
    return before


def _display(value) -> str:
    if value is None or value == "":
        return "（空）"
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def _describe_changes(model, changes: dict[str, object], old: models.Model) -> list[str]:
    lines = []
    for name, value in changes.items():
        model_field = model._meta.get_field(name)
        if model_field.choices:
            choices = dict(model_field.flatchoices)
            before, after = choices.get(getattr(old, name), getattr(old, name)), choices.get(value, value)
        else:
            before, after = getattr(old, name), value
        lines.append(f"{model_field.verbose_name}：{_display(before)} → {_display(after)}")
    return lines


def _differences(obj: models.Model, wanted: dict[str, object]) -> dict[str, object]:
    """The fields of ``wanted`` whose value differs from ``obj``'s; None means "not given"."""
    return {name: value for name, value in wanted.items() if value is not None and getattr(obj, name) != value}


# --- Enterprise resolution shared by every kind ------------------------------------------------

_NEW = object()


def _resolve_enterprise(row: _Row, ctx: _Context):
    """The row's enterprise: an existing (or earlier in this file) Enterprise, ``_NEW`` when none
    matches, or None after recording an error (the credit code and the name disagree)."""
    code = row.values.get("credit_code")
    key = rules.name_key(row.values["name"])
    named = ctx.by_key.get(key)
    if code:
        coded = ctx.by_code.get(code)
        if coded is not None:
            if named is not None and named is not coded:
                row.error(
                    ctx.spec,
                    "name",
                    f"企业名称与{ctx.describe(named)}相同，而统一社会信用代码 {code} 属于另一家企业",
                )
                return None
            if coded.name_key != key and ctx.spec.kind != ImportKind.ENTERPRISES and ctx.in_scope(coded):
                row.warn(ctx.spec, "name", f"与名录中的企业名称“{coded.name}”不同，已按统一社会信用代码匹配")
            return coded
        if named is not None:
            row.error(
                ctx.spec,
                "name",
                f"企业名称与{ctx.describe(named)}相同，但统一社会信用代码不同（表中为 {code}）",
            )
            return None
        return _NEW
    return named if named is not None else _NEW


def _county_of_row(row: _Row, ctx: _Context) -> tuple[County | None, bool]:
    """The unit a row names (by name or code), else the one chosen for the import.

    Returns (county, ok); ok is False after an error was recorded.
    """
    written = row.values.get("county")
    if written:
        county = ctx.counties.find(written)
        if county is None:
            row.error(ctx.spec, "county", f"无法识别的旗县市区，应为以下之一（或其6位代码）：{ctx.counties.allowed}")
            return None, False
        return county, True
    return ctx.options.county, True


def _new_enterprise(row: _Row, ctx: _Context, stage: str) -> Enterprise | None:
    """An enterprise for a row no registry entry matches, or None after an error naming what is missing."""
    county, ok = _county_of_row(row, ctx)
    if not ok:
        return None
    missing = []
    if not row.values.get("credit_code"):
        missing.append("统一社会信用代码")
    if county is None:
        missing.append("所属旗县市区（表中没有该列或为空，导入时也未选择）")
    if missing:
        row.error(ctx.spec, "name", f"名录中没有该企业，新建企业还缺少：{'、'.join(missing)}")
        return None
    if not _check_scope(row, ctx, county):
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
    return enterprise


def _check_scope(row: _Row, ctx: _Context, county: County) -> bool:
    if ctx.scope is not None and county != ctx.scope:
        row.error(ctx.spec, "county", f"该行属于{county.name}，您只能导入本单位（{ctx.scope.name}）的企业")
        return False
    return True


def _announced(row: _Row, ctx: _Context, key: str) -> datetime.date | None:
    """The row's own date, else the announcement date given for the file, else an error."""
    value = row.values.get(key) or ctx.options.announced_on
    if value is None:
        row.error(ctx.spec, key, "该行没有日期，导入时也未填写公告日期")
    return value


# --- Planning per kind ------------------------------------------------------------------------

ENTERPRISE_FIELDS = ("established_on", "tech_field", "industry", "address", "contact_person", "contact_phone", "stage")
# What a county official may change on an enterprise already registered (as CultivationForm).
COUNTY_EDITABLE_FIELDS = ("contact_person", "contact_phone", "stage")


def _plan_enterprises(rows: list[_Row], ctx: _Context, writes: Writes) -> None:
    """企业名录: create or update registry entries; blank cells never erase what is recorded."""
    _load_enterprises(ctx, rows)
    for row in rows:
        result = row.result
        if result.outcome == Outcome.ERROR:
            continue
        if not row.values.get("name"):
            row.error(ctx.spec, "name", "企业名称不能为空")
            continue
        code = row.values.get("credit_code")
        key = rules.name_key(row.values["name"])
        earlier = ctx.first_seen(("code", code), result) if code else None
        if earlier is not None:
            row.error(ctx.spec, "credit_code", f"与本文件{earlier.where}重复")
            continue
        earlier = ctx.first_seen(("name", key), result)
        if earlier is not None:
            row.error(ctx.spec, "name", f"与本文件{earlier.where}的企业名称重复")
            continue
        enterprise = _resolve_enterprise(row, ctx)
        if enterprise is None:
            continue
        if enterprise is _NEW:
            if not code:
                row.error(ctx.spec, "credit_code", "名录中没有该企业，新建企业须填写统一社会信用代码")
                continue
            created = _new_enterprise(row, ctx, stage=row.values.get("stage") or Stage.RESERVE)
            if created is None:
                continue
            for name in ENTERPRISE_FIELDS:
                if row.values.get(name) is not None:
                    setattr(created, name, row.values[name])
            writes.new_enterprises.append(created)
            result.outcome = Outcome.CREATE
            result.changes.append(f"新建企业（{created.county.name}）")
            continue
        if not ctx.in_scope(enterprise):
            row.error(ctx.spec, "credit_code", "该企业已登记在其他旗县市区，只能由市科技局调整")
            continue
        county, ok = _county_of_row(row, ctx)
        if not ok or (county is not None and not _check_scope(row, ctx, county)):
            continue
        if ctx.scope is not None:
            # A county official updates cultivation fields only; the registry is the bureau's.
            wanted = {name: row.values.get(name) for name in COUNTY_EDITABLE_FIELDS}
            other = {name: row.values.get(name) for name in ENTERPRISE_FIELDS if name not in COUNTY_EDITABLE_FIELDS}
            if _differences(enterprise, other) or enterprise.name_key != key:
                row.warn(
                    ctx.spec,
                    "name",
                    "已登记企业只导入培育阶段、联系人和联系电话；名称、成立日期、技术领域、行业、地址的差异"
                    "未导入，如需更改请联系市科技局",
                )
        else:
            wanted = {name: row.values.get(name) for name in ENTERPRISE_FIELDS}
            if row.values.get("county"):
                wanted["county"] = county
            if enterprise.name_key != key:
                wanted["name"] = row.values["name"]
                wanted["name_key"] = key
        changes = _differences(enterprise, wanted)
        if not changes:
            result.outcome = Outcome.UNCHANGED
            continue
        before = _set_fields(enterprise, changes)
        writes.enterprise_updates.append((before, enterprise))
        changes.pop("name_key", None)
        result.outcome = Outcome.UPDATE
        result.changes.extend(_describe_changes(Enterprise, changes, before))
        if "name" in changes:
            ctx.by_key[key] = enterprise


def _holder_check(row: _Row, ctx: _Context, enterprise, holder: Enterprise, what: str):
    """An existing certificate/registration number: the row must be about its holder.

    A row naming no enterprise of the registry and giving no credit code is taken to be the
    holder under an earlier name (a certificate keeps its number when its holder is renamed).
    """
    if enterprise is _NEW and not row.values.get("credit_code"):
        row.warn(ctx.spec, "name", f"名录中没有该名称；该{what}属于{ctx.describe(holder)}（可能已更名），按编号匹配")
        return holder
    if enterprise is not holder:
        row.error(ctx.spec, "number", f"该{what}已属于另一家企业：{ctx.describe(holder)}")
        return None
    return holder


def _plan_hte(rows: list[_Row], ctx: _Context, writes: Writes) -> None:
    """高新技术企业认定名单: certificates by number; an unknown enterprise is created when its
    credit code and unit are known. A certificate's type, when the list has none, is 重新认定
    if the enterprise held an earlier certificate, else 首次认定 (domain.md §4)."""
    _load_enterprises(ctx, rows)
    existing = {}
    for chunk in _chunks(row.values["number"] for row in rows if row.values.get("number")):
        for cert in HighTechCertification.objects.filter(number__in=chunk).select_related("enterprise"):
            cert.enterprise = ctx.adopt(cert.enterprise)
            existing[cert.number] = cert
    first_issued = {}
    for chunk in _chunks(ctx.by_pk):
        query = HighTechCertification.objects.filter(enterprise_id__in=chunk).values("enterprise_id")
        for item in query.annotate(first=Min("issued_on")):
            first_issued[item["enterprise_id"]] = item["first"]
    for row in rows:
        result = row.result
        if result.outcome == Outcome.ERROR:
            continue
        for key, label in (("name", "企业名称"), ("number", "证书编号")):
            if not row.values.get(key):
                row.error(ctx.spec, key, f"{label}不能为空")
        if result.outcome == Outcome.ERROR:
            continue
        number = row.values["number"]
        earlier = ctx.first_seen(("number", number), result)
        if earlier is not None:
            row.error(ctx.spec, "number", f"与本文件{earlier.where}的证书编号重复")
            continue
        cert = existing.get(number)
        # The announcement date stands in only for a new certificate's missing date; a recorded
        # certificate keeps its date unless the row itself gives one.
        issued_on = row.values.get("issued_on") if cert is not None else _announced(row, ctx, "issued_on")
        enterprise = _resolve_enterprise(row, ctx)
        if enterprise is None or (cert is None and issued_on is None):
            continue
        for warning in rules.hte_number_warnings(number, issued_on):
            row.warn(ctx.spec, "number", warning)
        if issued_on is not None and issued_on > ctx.today:
            row.warn(ctx.spec, "issued_on", "发证日期晚于今天，请核对")
        if cert is not None:
            if _holder_check(row, ctx, enterprise, cert.enterprise, "证书编号") is None:
                continue
            wanted = {"issued_on": issued_on, "kind": row.values.get("kind"), "batch": row.values.get("batch")}
            changes = _differences(cert, wanted)
            if "issued_on" in changes:
                changes["valid_until"] = rules.hte_valid_until(issued_on)
            _record_update(result, writes, cert, changes)
            continue
        if enterprise is _NEW:
            enterprise = _new_enterprise(row, ctx, stage=Stage.CERTIFIED)
            if enterprise is None:
                continue
            writes.new_enterprises.append(enterprise)
            result.changes.append(f"同时新建企业（{enterprise.county.name}）")
        cert = HighTechCertification(
            enterprise=enterprise,
            number=number,
            issued_on=issued_on,
            valid_until=rules.hte_valid_until(issued_on),
            kind=row.values.get("kind") or "",
            batch=row.values.get("batch") or "",
        )
        writes.new_records.append(cert)
        result.outcome = Outcome.CREATE
        if enterprise.pk is not None:
            earliest = first_issued.get(enterprise.pk)
            first_issued[enterprise.pk] = min(earliest, issued_on) if earliest else issued_on
    _infer_certification_kinds(writes, first_issued)


def _infer_certification_kinds(writes: Writes, first_issued: dict) -> None:
    """Fill in 认定类型 for new certificates whose row gave none (see ``_plan_hte``)."""
    earliest_new: dict[int, datetime.date] = {}
    for cert in writes.new_records:
        if cert.enterprise.pk is None:
            ident = id(cert.enterprise)
            earliest_new[ident] = min(earliest_new.get(ident, cert.issued_on), cert.issued_on)
    for cert in writes.new_records:
        if cert.kind:
            continue
        enterprise = cert.enterprise
        earliest = earliest_new[id(enterprise)] if enterprise.pk is None else first_issued[enterprise.pk]
        cert.kind = CertificationKind.RENEWAL if earliest < cert.issued_on else CertificationKind.FIRST


def _ident(enterprise: Enterprise) -> tuple:
    """A hashable identity for an enterprise, saved or created earlier in this file."""
    return ("pk", enterprise.pk) if enterprise.pk is not None else ("new", id(enterprise))


def _plan_sme(rows: list[_Row], ctx: _Context, writes: Writes) -> None:
    """科技型中小企业入库名单: registrations by number, one per enterprise and evaluation year
    (domain.md §5); the year comes from the row, else from the import's options."""
    _load_enterprises(ctx, rows)
    existing = {}
    for chunk in _chunks(row.values["number"] for row in rows if row.values.get("number")):
        for registration in TechSMERegistration.objects.filter(number__in=chunk).select_related("enterprise"):
            registration.enterprise = ctx.adopt(registration.enterprise)
            existing[registration.number] = registration
    # (enterprise, year) → (registration, where it comes from) — one registration per year.
    per_year: dict[tuple, tuple[TechSMERegistration, str]] = {}
    for chunk in _chunks(ctx.by_pk):
        for registration in TechSMERegistration.objects.filter(enterprise_id__in=chunk):
            per_year[(("pk", registration.enterprise_id), registration.year)] = (registration, "")
    for row in rows:
        result = row.result
        if result.outcome == Outcome.ERROR:
            continue
        for key, label in (("name", "企业名称"), ("number", "入库登记编号")):
            if not row.values.get(key):
                row.error(ctx.spec, key, f"{label}不能为空")
        if result.outcome == Outcome.ERROR:
            continue
        number = row.values["number"]
        earlier = ctx.first_seen(("number", number), result)
        if earlier is not None:
            row.error(ctx.spec, "number", f"与本文件{earlier.where}的入库登记编号重复")
            continue
        year = row.values.get("year") or ctx.options.year
        if year is None:
            row.error(ctx.spec, "year", "该行没有评价年度，导入时也未选择年度")
        registration = existing.get(number)
        # As for certificates: the announcement date never moves a recorded registration.
        if registration is not None:
            registered_on = row.values.get("registered_on")
        else:
            registered_on = _announced(row, ctx, "registered_on")
        enterprise = _resolve_enterprise(row, ctx)
        if year is None or enterprise is None or (registration is None and registered_on is None):
            continue
        for warning in rules.sme_number_warnings(number, year):
            row.warn(ctx.spec, "number", warning)
        if registration is not None:
            enterprise = _holder_check(row, ctx, enterprise, registration.enterprise, "入库登记编号")
            if enterprise is None:
                continue
        if enterprise is not _NEW:
            other, where = per_year.get((_ident(enterprise), year), (None, ""))
            if other is not None and other is not registration:
                row.error(ctx.spec, "number", f"该企业 {year} 年度已有入库登记编号 {other.number}{where}")
                continue
        if registration is not None:
            old_key = (_ident(enterprise), registration.year)
            changes = _differences(registration, {"year": year, "registered_on": registered_on})
            _record_update(result, writes, registration, changes)
            if per_year.get(old_key, (None, ""))[0] is registration:
                del per_year[old_key]  # its year changed: the old year is free again
            per_year[(_ident(enterprise), year)] = (registration, "")
            continue
        if enterprise is _NEW:
            enterprise = _new_enterprise(row, ctx, stage=Stage.RESERVE)
            if enterprise is None:
                continue
            writes.new_enterprises.append(enterprise)
            result.changes.append(f"同时新建企业（{enterprise.county.name}）")
        registration = TechSMERegistration(enterprise=enterprise, year=year, number=number, registered_on=registered_on)
        writes.new_records.append(registration)
        per_year[(_ident(enterprise), year)] = (registration, f"（本文件{result.where}）")
        result.outcome = Outcome.CREATE


def _record_update(result: RowResult, writes: Writes, obj: models.Model, changes: dict[str, object]) -> None:
    if not changes:
        result.outcome = Outcome.UNCHANGED
        return
    before = _set_fields(obj, changes)
    writes.record_updates.append((before, obj))
    result.outcome = Outcome.UPDATE
    shown = {name: value for name, value in changes.items() if name != "valid_until"}
    result.changes.extend(_describe_changes(type(obj), shown, before))


def _quota_text(value: int | None) -> str:
    return "（未设定）" if value is None else str(value)


def _plan_quotas(rows: list[_Row], ctx: _Context, writes: Writes) -> None:
    """旗县市区任务数: each row sets a unit's quotas for one year of the chosen plan, one value per
    indicator column; a blank cell leaves that indicator's quota as it is (issue 6).

    A row creates when none of its indicators had a quota yet, updates when any value differs
    from the stored one, and is unchanged otherwise. A year outside the plan, an unknown unit
    and a second row for the same year and unit are errors; a total row (合计) is skipped
    with a warning, as it is no unit's quota.
    """
    plan = ctx.options.plan
    if plan is None:
        raise WorkbookError("导入旗县市区任务数须选择一个现有的行动方案。")
    stored = {
        (quota.year, quota.county_id, quota.indicator): quota
        for quota in CountyQuota.objects.filter(plan=plan).select_related("plan", "county")
    }
    for row in rows:
        result = row.result
        result.label = row.written.get("county", "")
        result.key = row.written.get("year", "")
        if result.outcome == Outcome.ERROR:
            continue
        if (row.values.get("county") or "").replace(" ", "") in kinds.QUOTA_TOTAL_ROWS:
            result.warnings.append(f"{result.where}：合计行，不导入（全市目标在“目标与任务”页面设定）")
            continue
        year = row.values.get("year")
        if year is None:
            row.error(ctx.spec, "year", "年度不能为空")
        elif year not in plan.years:
            row.error(ctx.spec, "year", f"不在方案“{plan.name}”的年度范围内（{plan.first_year}—{plan.last_year}年）")
        county = None
        if not row.values.get("county"):
            row.error(ctx.spec, "county", "所属旗县市区不能为空")
        else:
            county = ctx.counties.find(row.values["county"])
            if county is None:
                row.error(
                    ctx.spec, "county", f"无法识别的旗县市区，应为以下之一（或其6位代码）：{ctx.counties.allowed}"
                )
        if result.outcome == Outcome.ERROR:
            continue
        result.label = county.name
        earlier = ctx.first_seen(("quota", year, county.pk), result)
        if earlier is not None:
            row.error(ctx.spec, "county", f"与本文件{earlier.where}的年度和旗县市区重复")
            continue
        given = []
        for indicator in Indicator:
            if row.values.get(indicator.value) is not None:
                given.append((indicator, row.values[indicator.value]))
        if not given:
            result.warnings.append(f"{result.where}：该行没有填写任何指标的任务数，不作更改")
            continue
        existed = False
        for indicator, value in given:
            quota = stored.get((year, county.pk, indicator.value))
            if quota is not None:
                existed = True
                if quota.value == value:
                    continue
                result.changes.append(f"{indicator.label}：{_quota_text(quota.value)} → {value}")
                before = _set_fields(quota, {"value": value})
                writes.record_updates.append((before, quota))
            else:
                result.changes.append(f"{indicator.label}：{_quota_text(None)} → {value}")
                writes.new_records.append(
                    CountyQuota(plan=plan, year=year, county=county, indicator=indicator.value, value=value)
                )
        if not result.changes:
            result.outcome = Outcome.UNCHANGED
        else:
            result.outcome = Outcome.UPDATE if existed else Outcome.CREATE


PLANNERS = {
    ImportKind.ENTERPRISES: _plan_enterprises,
    ImportKind.HTE: _plan_hte,
    ImportKind.SME: _plan_sme,
    ImportKind.QUOTAS: _plan_quotas,
}


def plan_import(*, content: bytes, file_name: str, options: ImportOptions, scope: County | None):
    """Read ``content`` and plan it: returns (ImportResult, Writes). ``scope`` is the only unit
    rows may belong to (a county official's), or None."""
    spec = kinds.SPECS[options.kind]
    result = ImportResult(kind=options.kind, file_name=file_name, sha256=file_sha256(content))
    result.sheets, rows = _read_rows(content, spec)
    result.rows = [row.result for row in rows]
    ctx = _Context(spec=spec, options=options, scope=scope, counties=_Counties())
    writes = Writes()
    PLANNERS[options.kind](rows, ctx, writes)
    return result, writes
