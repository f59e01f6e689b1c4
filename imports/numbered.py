"""Lists of numbered records an enterprise holds: certificates (HTE) and registrations (SME).

Both plan a row the same way (docs/domain.md §7): the number is the row's key in the file; the
row's enterprise is resolved by credit code or name; a recorded number must be the row's
enterprise's (``matching.holder_check``) and is updated, an unknown one is created — with its
enterprise, when the registry has none. What differs is each kind's own step: the facts it
reads from a row, the warnings it gives, the conflicts it refuses, and the record it writes.
"""

import datetime
from typing import Generic, TypeVar

from enterprises.models import CultivationStage, Enterprise, HighTechCertification, TechSMERegistration

from .matching import (
    NEW,
    Match,
    announced,
    holder_check,
    load_enterprises,
    new_enterprise,
    resolve_enterprise,
    warn_unit_hints,
)
from .planning import Claim, Context, FileKey, Outcome, Planner, Row, Writes, chunks

F = TypeVar("F")
R = TypeVar("R", HighTechCertification, TechSMERegistration)


class NumberedPlanner(Planner[str], Generic[R, F]):
    """The shared planning of a list of numbered records; a subclass is one kind's record step.

    ``number_label`` names the number in messages, ``date_key`` is the column of the record's
    date, ``stage`` the cultivation stage of an enterprise the list creates (储备: 已认定 is never
    stored, it follows from the certificates). A row whose 所在地区 or credit code points to
    another unit than its enterprise's gets a hint (``matching.warn_unit_hints``).
    """

    model: type[R]
    number_label: str
    date_key: str
    stage: str = CultivationStage.RESERVE

    def __init__(self, ctx: Context, rows: list[Row]) -> None:
        super().__init__(ctx, rows)
        load_enterprises(ctx, rows)
        self.existing: dict[str, R] = {}
        for chunk in chunks(row.values["number"] for row in rows if row.values.get("number")):
            for record in self.model.objects.filter(number__in=chunk).select_related("enterprise"):
                record.enterprise = ctx.adopt(record.enterprise)
                self.existing[record.number] = record

    def claim(self, row: Row) -> Claim[str] | None:
        if not row.require(self.spec, ("name", "number")):
            return None
        number = row.values["number"]
        return Claim((FileKey(("number", number), "number", f"的{self.number_label}重复"),), number)

    def plan(self, row: Row, number: str, writes: Writes) -> Outcome | None:
        """Resolve the row's enterprise, then take the kind's record step (``update`` or ``create``)."""
        record = self.existing.get(number)
        read = self.read(row, record)
        enterprise = resolve_enterprise(row, self.ctx)
        if enterprise is None or row.result.outcome == Outcome.ERROR:
            return None
        self.warn(row, number, read)
        if record is not None:
            return self._update(row, enterprise, record, read, writes)
        return self._create(row, enterprise, number, read, writes)

    def _update(self, row: Row, enterprise: Match, record: R, read: F, writes: Writes) -> Outcome | None:
        holder = holder_check(row, self.ctx, enterprise, record.enterprise, self.number_label)
        if holder is None or self.conflicts(row, holder, record, read):
            return None
        warn_unit_hints(row, self.ctx, holder.county)
        return self.update(row, holder, record, read, writes)

    def _create(self, row: Row, enterprise: Match, number: str, read: F, writes: Writes) -> Outcome | None:
        if self.conflicts(row, enterprise, None, read):
            return None
        if enterprise is NEW:
            created = new_enterprise(row, self.ctx, stage=self.stage)
            if created is None:
                return None
            writes.add_enterprise(created)
            row.result.changes.append(f"同时新建企业（{created.county.name}）")
            enterprise = created
        else:
            warn_unit_hints(row, self.ctx, enterprise.county)
        writes.new_records.append(self.create(row, enterprise, number, read))
        return Outcome.CREATE

    def date(self, row: Row, record: R | None) -> datetime.date | None:
        """The row's date of the record. The announcement date stands in only for a new record's
        missing date; a recorded one keeps its date unless the row itself gives one. The preview
        shows the date the record will have (``RowResult.on``)."""
        if record is not None:
            given = row.values.get(self.date_key)
            row.result.on = given or getattr(record, self.date_key)
            return given
        row.result.on = announced(row, self.ctx, self.date_key)
        return row.result.on

    # A kind's record step.

    def read(self, row: Row, record: R | None) -> F:
        """What the kind reads from the row beyond its number (errors recorded, planning goes on)."""
        raise NotImplementedError

    def warn(self, row: Row, number: str, read: F) -> None:
        """Warnings about a row that will be imported."""

    def conflicts(self, row: Row, enterprise: Match, record: R | None, read: F) -> bool:
        """Whether the row conflicts with what its enterprise holds (an error recorded)."""
        return False

    def update(self, row: Row, enterprise: Enterprise, record: R, read: F, writes: Writes) -> Outcome:
        """Apply the row to its recorded ``record``."""
        raise NotImplementedError

    def create(self, row: Row, enterprise: Enterprise, number: str, read: F) -> R:
        """The record a row creates for ``enterprise``."""
        raise NotImplementedError
