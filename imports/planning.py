"""Planning an import: deciding, row by row, what a list would do (docs/domain.md §7).

1. read the sheets whose header is found and parse each cell with its column's parser
   (``rows.read_rows``, ``cells.py``);
2. the kind's planner (``imports/kinds/``) loads what already exists for the keys in the
   file — enterprises by credit code and by name key, certificates or registrations by
   number, a plan's quotas — in a fixed number of queries;
3. ``plan_rows``, the one loop every kind shares, runs over the rows: it skips rows whose
   cells could not be read, asks the planner what each row claims in the file and refuses a
   claim an earlier row made, lets the planner plan the row, and records the row's outcome.
   The planner records each row's messages and the objects to create or update (``Writes``).

Matching (docs/domain.md §7, ``matching.py``): an enterprise is found by credit code, else by
``rules.name_key``, else by a former name (``EnterpriseName``). Matching looks at every
enterprise, not only those the user may see: a credit code is unique city-wide, so a row that
hits another unit's enterprise must become an error — for a county official one that neither
names nor confirms that enterprise (``matching.OTHER_UNIT``).

Total rows (合计, 小计 …, in the first column or the name column) are no data: every kind skips
them with a warning (``rows.read_rows`` marks them).
"""

import datetime
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from django.db import models
from django.utils import timezone

from enterprises.models import Enterprise
from imports.models import ImportKind, ImportRecord
from targets.models import Plan
from units.models import County
from units.scope import Scope

from .columns import KindSpec
from .counties import Counties

# Keys per IN (...) query; well under every backend's parameter limit.
LOOKUP_CHUNK = 2000

F = TypeVar("F")


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
    """The outcome of one data row, with Chinese messages that name sheet, row, column and value.

    ``on`` is the date the row records (a certificate's issue date, a registration's date: the
    row's own, else the announcement date, else the recorded one) and ``certification_kind``
    an HTE row's 认定类型 as it will be written (“（推定）” when the list gave none): the
    preview shows both.
    """

    sheet: str
    number: int
    label: str = ""
    key: str = ""
    on: datetime.date | None = None
    certification_kind: str = ""
    outcome: str = Outcome.UNCHANGED
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)

    @property
    def where(self) -> str:
        return f"工作表“{self.sheet}”第{self.number}行"

    def _message(self, column: str, value: object, reason: str) -> str:
        shown = "" if value is None else str(value).strip()
        if shown:
            return f"{self.where}，“{column}”列的“{shown}”：{reason}"
        return f"{self.where}，“{column}”列为空：{reason}"

    def error(self, column: str, value: object, reason: str) -> None:
        self.errors.append(self._message(column, value, reason))
        self.outcome = Outcome.ERROR

    def warn(self, column: str, value: object, reason: str) -> None:
        self.warnings.append(self._message(column, value, reason))

    @property
    def outcome_label(self) -> str:
        return Outcome(self.outcome).label


@dataclass
class ImportResult:
    """A planned (or committed) import: each row's outcome and the file-level notices.

    ``row_headings`` is what the preview calls each row's label and key (企业名称/编号, or
    旗县市区/年度): the kind's ``KindSpec.row_headings``; ``date_heading`` its date column's
    (发证日期, 入库日期), blank for kinds whose rows record no date. ``options`` are those the
    file was planned with (a county official's unit put in: the preview shows them).
    """

    kind: str
    file_name: str
    sha256: str
    row_headings: tuple[str, str] = ("企业名称", "编号")
    date_heading: str = ""
    options: ImportOptions | None = None
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

    def summary(self) -> str:
        counts = self.counts
        return (
            f"共 {counts['total']} 行：新增 {counts['create']}，更新 {counts['update']}，"
            f"未变化 {counts['unchanged']}，错误 {counts['error']}，有提示 {counts['warning']}"
        )

    def record_summary(self) -> dict[str, object]:
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


@dataclass(frozen=True)
class Move:
    """An enterprise moving to another unit from a date (``enterprises.events.enterprise_move``)."""

    enterprise: Enterprise
    to_county: County
    on: datetime.date


WRITE_LISTS = ("new_enterprises", "enterprise_updates", "new_records", "record_updates", "moves", "stage_changes")


@dataclass
class Writes:
    """Objects to create and (before, after) pairs to update, in the order they are written;
    then the moves (dated events, never an overwritten unit) and the stage history: (enterprise,
    stage before — blank for a new enterprise — and stage after)."""

    new_enterprises: list[Enterprise] = field(default_factory=list)
    enterprise_updates: list[tuple[Enterprise, Enterprise]] = field(default_factory=list)
    new_records: list[models.Model] = field(default_factory=list)
    record_updates: list[tuple[models.Model, models.Model]] = field(default_factory=list)
    moves: list[Move] = field(default_factory=list)
    stage_changes: list[tuple[Enterprise, str, str]] = field(default_factory=list)
    # The row each write comes from, by (list name, index): the import's journal (``journal.py``).
    origin: dict[tuple[str, int], RowResult] = field(default_factory=dict)

    def sizes(self) -> list[int]:
        return [len(getattr(self, name)) for name in WRITE_LISTS]

    def attribute(self, sizes: list[int], row: RowResult) -> None:
        """The writes added since ``sizes`` were taken come from ``row``."""
        for name, start in zip(WRITE_LISTS, sizes, strict=True):
            for index in range(start, len(getattr(self, name))):
                self.origin[(name, index)] = row

    def add_enterprise(self, enterprise: Enterprise) -> None:
        """A new enterprise; its stage history begins with its stage (as the enterprise form's does)."""
        self.new_enterprises.append(enterprise)
        self.stage_changes.append((enterprise, "", enterprise.stage))


@dataclass
class Row:
    """A data row: parsed values by column key (None when blank), the text as written, the headers;
    ``total`` for a 合计/小计 row (not parsed, not planned)."""

    result: RowResult
    values: dict[str, Any]
    written: dict[str, str]
    headers: dict[str, str]
    total: bool = False

    def header(self, spec: KindSpec, key: str) -> str:
        return self.headers.get(key) or spec.column(key).label

    def error(self, spec: KindSpec, key: str, reason: str) -> None:
        self.result.error(self.header(spec, key), self.written.get(key, ""), reason)

    def warn(self, spec: KindSpec, key: str, reason: str) -> None:
        self.result.warn(self.header(spec, key), self.written.get(key, ""), reason)

    def require(self, spec: KindSpec, keys: tuple[str, ...]) -> bool:
        """Whether every cell of ``keys`` is filled in; an error for each blank one (“企业名称不能为空”)."""
        for key in keys:
            if not self.values.get(key):
                self.error(spec, key, f"{spec.column(key).label}不能为空")
        return self.result.outcome != Outcome.ERROR


def chunks(values: Iterable[Any], size: int = LOOKUP_CHUNK) -> Iterator[list[Any]]:
    """``values`` sorted and deduplicated, ``size`` at a time (one IN (...) query each)."""
    ordered = sorted(set(values))
    for start in range(0, len(ordered), size):
        yield ordered[start : start + size]


@dataclass
class Context:
    """What planning needs: the options, the user's scope, existing rows by key, and what this
    file has already claimed (so a later row can be checked against an earlier one)."""

    spec: KindSpec
    options: ImportOptions
    scope: Scope
    counties: Counties
    by_code: dict[str, Enterprise] = field(default_factory=dict)
    by_key: dict[str, Enterprise] = field(default_factory=dict)
    by_pk: dict[int, Enterprise] = field(default_factory=dict)
    # Former names (``EnterpriseName``) by name key: the enterprises that were known by each.
    by_old_key: dict[str, list[Enterprise]] = field(default_factory=dict)
    # Rows of this file that created an enterprise, by id() of the unsaved instance.
    new_rows: dict[int, RowResult] = field(default_factory=dict)
    seen: dict[tuple[object, ...], RowResult] = field(default_factory=dict)
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
        return self.scope.includes(enterprise.county_id)

    @property
    def unit_name(self) -> str:
        """The name of the one unit a county official's scope holds ("" for the city)."""
        unit = self.counties.by_id.get(self.scope.county_id) if self.scope.county_id else None
        return unit.name if unit else ""

    def describe(self, enterprise: Enterprise) -> str:
        """How a message names an enterprise: in detail only when the user may see it."""
        if enterprise.pk is None:
            return f"“{enterprise.name}”（本文件{self.new_rows[id(enterprise)].where}）"
        if not self.in_scope(enterprise):
            return "其他旗县市区已登记的一家企业"
        return f"“{enterprise.name}”（统一社会信用代码 {enterprise.credit_code}）"

    def first_seen(self, key: tuple[object, ...], row: RowResult) -> RowResult | None:
        """The earlier row of this file with the same key, or None (and remember this one)."""
        earlier = self.seen.get(key)
        if earlier is None:
            self.seen[key] = row
        return earlier

    def county_named(self, row: Row, written: str) -> County | None:
        """The active unit ``written`` names (by name, short name or code), or None after an error."""
        county = self.counties.find(written)
        if county is None:
            allowed = self.counties.allowed
            row.error(self.spec, "county", f"无法识别的旗县市区，应为以下之一（或其6位代码）：{allowed}")
        return county


# --- The loop every kind shares -------------------------------------------------------------


@dataclass(frozen=True)
class FileKey:
    """A value no two rows of one file may share: ``key`` is remembered, ``column`` is blamed
    in the error, ``clash`` ends its message (“与本文件工作表…第2行” + ``clash``)."""

    key: tuple[object, ...]
    column: str
    clash: str


@dataclass(frozen=True)
class Claim(Generic[F]):
    """What a row claims in the file (its keys) and what its planner read from it (``facts``)."""

    keys: tuple[FileKey, ...]
    facts: F


class Planner(Generic[F]):
    """A kind's part of planning: ``plan_rows`` asks it, row by row, what the row claims in the
    file (``claim``) and then to plan it (``plan``). It is made once per import, after the
    rows are read, and loads what already exists for them. ``total_note`` is the warning a
    skipped total row gets."""

    total_note = "合计行，不导入"

    def __init__(self, ctx: Context, rows: list[Row]) -> None:
        self.ctx = ctx
        self.spec = ctx.spec

    def show(self, row: Row) -> None:
        """Set what the preview shows of the row (its label and key); by default what ``rows`` read."""

    def claim(self, row: Row) -> Claim[F] | None:
        """The row's keys in the file and its facts, or None after recording why the row is not
        planned (an error, or a warning for a row that is skipped)."""
        raise NotImplementedError

    def plan(self, row: Row, facts: F, writes: Writes) -> Outcome | None:
        """Add the row's writes and return its outcome, or None after recording an error."""
        raise NotImplementedError

    def finish(self, writes: Writes) -> None:
        """Complete the writes after the last row."""


def plan_rows(rows: list[Row], planner: Planner[Any], writes: Writes) -> None:
    """The row loop of every kind: total rows and rows with unreadable cells are skipped; a row
    repeating a key of an earlier row is an error; every other row is planned and given its outcome."""
    for row in rows:
        planner.show(row)
        if row.total:
            row.result.warnings.append(f"{row.result.where}：{planner.total_note}")
            continue
        if row.result.outcome == Outcome.ERROR:
            continue
        claim = planner.claim(row)
        if claim is None or _repeats(row, planner.ctx, claim.keys):
            continue
        sizes = writes.sizes()
        outcome = planner.plan(row, claim.facts, writes)
        writes.attribute(sizes, row.result)
        if outcome is not None:
            row.result.outcome = outcome
    planner.finish(writes)


def _repeats(row: Row, ctx: Context, keys: tuple[FileKey, ...]) -> bool:
    """Whether the row repeats a key an earlier row of the file claimed (then an error names that row)."""
    for file_key in keys:
        earlier = ctx.first_seen(file_key.key, row.result)
        if earlier is not None:
            row.error(ctx.spec, file_key.column, f"与本文件{earlier.where}{file_key.clash}")
            return True
    return False
