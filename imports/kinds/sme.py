"""科技型中小企业入库名单: the registration list — its columns and its record step (docs/domain.md §5, §7).

Registrations are matched by number, one per enterprise and evaluation year (docs/domain.md §5);
the year comes from the row, else from the import's options.
"""

import datetime

from enterprises import rules
from enterprises.models import Enterprise, TechSMERegistration
from imports.models import ImportKind

from .. import cells
from ..changes import apply_changes, differences
from ..columns import COUNTY, CREDIT_CODE, DATE, NAME, SERIAL, TEXT, Column, KindSpec
from ..matching import NEW, Match
from ..numbered import NumberedPlanner
from ..planning import Context, Outcome, Row, Writes, chunks

SPEC = KindSpec(
    kind=ImportKind.SME,
    sheet_title="科技型中小企业入库名单",
    required=("name", "number"),
    date_key="registered_on",
    columns=(
        SERIAL,
        NAME,
        CREDIT_CODE,
        Column(
            "number",
            "入库登记编号",
            ("登记编号", "入库编号", "编号", "入库登记号"),
            cells.sme_number,
            "202315050200000123",
            TEXT,
        ),
        Column(
            "registered_on",
            "入库日期",
            ("入库时间", "登记日期", "登记时间"),
            cells.date,
            datetime.date(2023, 7, 14),
            DATE,
        ),
        Column(
            "county",
            "所在地区",
            (*COUNTY.synonyms, "所属旗县市区"),
            COUNTY.parse,
            COUNTY.example,
        ),
        Column("year", "评价年度", ("年度", "入库年度", "年份"), cells.year, 2023),
    ),
)

# What a row reads: its evaluation year (None after an error) and its registration date.
Read = tuple[int | None, datetime.date | None]


def _ident(enterprise: Enterprise) -> tuple[str, int]:
    """A hashable identity for an enterprise, saved or created earlier in this file."""
    return ("pk", enterprise.pk) if enterprise.pk is not None else ("new", id(enterprise))


class RegistrationPlanner(NumberedPlanner[TechSMERegistration, Read]):
    """One registration per enterprise and year: ``per_year`` holds, for (enterprise, year), the
    registration and where it comes from (blank when recorded, else the row of this file)."""

    model = TechSMERegistration
    number_label = "入库登记编号"
    date_key = "registered_on"

    def __init__(self, ctx: Context, rows: list[Row]) -> None:
        super().__init__(ctx, rows)
        self.per_year: dict[tuple[tuple[str, int], int | None], tuple[TechSMERegistration, str]] = {}
        for chunk in chunks(ctx.by_pk):
            for registration in TechSMERegistration.objects.filter(enterprise_id__in=chunk):
                # The row's own registration must be the very object ``existing`` holds, or a
                # second import of a list would find each row's registration “already there”.
                registration = self.existing.get(registration.number, registration)
                self.per_year[(("pk", registration.enterprise_id), registration.year)] = (registration, "")

    def read(self, row: Row, record: TechSMERegistration | None) -> Read:
        year = row.values.get("year") or self.ctx.options.year
        if year is None:
            row.error(self.spec, "year", "该行没有评价年度，导入时也未选择年度")
        # As for certificates: the announcement date never moves a recorded registration.
        return year, self.date(row, record)

    def warn(self, row: Row, number: str, read: Read) -> None:
        for warning in rules.sme_number_warnings(number, read[0]):
            row.warn(self.spec, "number", warning)

    def conflicts(self, row: Row, enterprise: Match, record: TechSMERegistration | None, read: Read) -> bool:
        if enterprise is NEW:
            return False
        year = read[0]
        other, where = self.per_year.get((_ident(enterprise), year), (None, ""))
        if other is not None and other is not record:
            row.error(self.spec, "number", f"该企业 {year} 年度已有入库登记编号 {other.number}{where}")
            return True
        return False

    def update(
        self, row: Row, enterprise: Enterprise, record: TechSMERegistration, read: Read, writes: Writes
    ) -> Outcome:
        year, registered_on = read
        old_key = (_ident(enterprise), record.year)
        changes = differences(record, {"year": year, "registered_on": registered_on})
        outcome = apply_changes(row.result, writes.record_updates, record, changes)
        if self.per_year.get(old_key, (None, ""))[0] is record:
            del self.per_year[old_key]  # its year changed: the old year is free again
        self.per_year[(_ident(enterprise), year)] = (record, "")
        return outcome

    def create(self, row: Row, enterprise: Enterprise, number: str, read: Read) -> TechSMERegistration:
        year, registered_on = read
        # A row without a year, or a new registration without a date, is an error (``read``).
        assert year is not None and registered_on is not None
        registration = TechSMERegistration(enterprise=enterprise, year=year, number=number, registered_on=registered_on)
        self.per_year[(_ident(enterprise), year)] = (registration, f"（本文件{row.result.where}）")
        return registration
