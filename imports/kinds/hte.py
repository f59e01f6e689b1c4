"""高新技术企业认定名单: the certificate list — its columns and its record step (docs/domain.md §4, §7).

Certificates are matched by number; an unknown enterprise is created (储备) when its credit code
and unit are known. A certificate's type, when the list has none, is 重新认定 if the enterprise
held an earlier certificate, else 首次认定 (docs/domain.md §4, §7); the preview shows it.
"""

import datetime

from enterprises import rules
from enterprises.models import CertificationKind, Enterprise, HighTechCertification
from imports.models import ImportKind

from .. import cells
from ..changes import apply_changes, differences
from ..columns import COUNTY, CREDIT_CODE, DATE, NAME, SERIAL, TEXT, Column, KindSpec
from ..numbered import NumberedPlanner
from ..planning import Context, Outcome, Row, Writes, chunks

SPEC = KindSpec(
    kind=ImportKind.HTE,
    sheet_title="高新技术企业认定名单",
    required=("name", "number"),
    date_key="issued_on",
    columns=(
        SERIAL,
        NAME,
        CREDIT_CODE,
        Column(
            "number",
            "证书编号",
            ("高新技术企业证书编号", "证书号", "证书号码", "编号"),
            cells.hte_number,
            "GR202315000123",
            TEXT,
        ),
        Column(
            "issued_on",
            "发证日期",
            ("发证时间", "认定日期", "认定时间", "颁发日期", "颁证日期", "发证日"),
            cells.date,
            datetime.date(2023, 11, 20),
            DATE,
        ),
        COUNTY,
        Column(
            "kind",
            "认定类型",
            ("类型", "认定类别"),
            cells.choice(CertificationKind, {"首次": CertificationKind.FIRST, "重新": CertificationKind.RENEWAL}),
            CertificationKind.FIRST.label,
        ),
        Column("batch", "批次", ("认定批次",), cells.text(50), "2023年第一批"),
    ),
)


class CertificatePlanner(NumberedPlanner[HighTechCertification, datetime.date | None]):
    """A row's facts are its issue date (for a new certificate, else the announcement date).

    认定类型 (docs/domain.md §4, §7): a row that gives none is 重新认定 when its enterprise holds an
    earlier certificate — recorded, or listed in this file — else 首次认定. After the last row
    every certificate the file creates or changes is checked against its enterprise's others
    (``HighTechCertification.kind_error``, in issue-date order, so a file's own later 首次认定 is
    the one refused): a 首次认定 that does not fit is a row error — an enterprise has one 首次认定,
    a constraint a bulk write would otherwise break —, a 重新认定 without an earlier certificate a
    warning (the registry may lack it).
    """

    model = HighTechCertification
    number_label = "证书编号"
    date_key = "issued_on"

    def __init__(self, ctx: Context, rows: list[Row]) -> None:
        super().__init__(ctx, rows)
        # Each enterprise's certificates by id() of the enterprise: recorded (the same objects as
        # ``existing`` for those the file lists), then those this file creates.
        self.held: dict[int, list[HighTechCertification]] = {}
        for chunk in chunks(ctx.by_pk):
            for cert in HighTechCertification.objects.filter(enterprise_id__in=chunk):
                cert = self.existing.get(cert.number, cert)
                self.held.setdefault(id(ctx.by_pk[cert.enterprise_id]), []).append(cert)
        # The file's certificates: the row, whether the certificate is new or changed, and
        # whether the row gave its 认定类型.
        self.listed: dict[int, tuple[HighTechCertification, Row, bool, bool]] = {}

    def read(self, row: Row, record: HighTechCertification | None) -> datetime.date | None:
        return self.date(row, record)

    def warn(self, row: Row, number: str, read: datetime.date | None) -> None:
        for warning in rules.hte_number_warnings(number, read):
            row.warn(self.spec, "number", warning)
        if read is not None and read > self.ctx.today:
            row.warn(self.spec, "issued_on", "发证日期晚于今天，请核对")

    def update(
        self,
        row: Row,
        enterprise: Enterprise,
        record: HighTechCertification,
        read: datetime.date | None,
        writes: Writes,
    ) -> Outcome:
        wanted = {"issued_on": read, "kind": row.values.get("kind"), "batch": row.values.get("batch")}
        changes = differences(record, wanted)
        if read is not None and "issued_on" in changes:
            changes["valid_until"] = rules.hte_valid_until(read)
        changed = "issued_on" in changes or "kind" in changes
        self.listed[id(record)] = (record, row, changed, True)
        return apply_changes(row.result, writes.record_updates, record, changes, hidden=("valid_until",))

    def create(
        self, row: Row, enterprise: Enterprise, number: str, read: datetime.date | None
    ) -> HighTechCertification:
        assert read is not None  # a new certificate without a date is an error (``date``)
        cert = HighTechCertification(
            enterprise=enterprise,
            number=number,
            issued_on=read,
            valid_until=rules.hte_valid_until(read),
            kind=row.values.get("kind") or "",
            batch=row.values.get("batch") or "",
        )
        self.held.setdefault(id(enterprise), []).append(cert)
        self.listed[id(cert)] = (cert, row, True, bool(cert.kind))
        return cert

    def finish(self, writes: Writes) -> None:
        """Infer the 认定类型 rows did not give, check every new or changed one, show each row's."""
        for certs in self.held.values():
            for cert in certs:
                if not cert.kind:
                    earlier = any(other.issued_on < cert.issued_on for other in certs if other is not cert)
                    cert.kind = CertificationKind.RENEWAL if earlier else CertificationKind.FIRST
            self._check(certs)
        for cert, row, _changed, given in self.listed.values():
            if row.result.outcome != Outcome.ERROR:
                row.result.certification_kind = cert.get_kind_display() + ("" if given else "（推定）")

    def _check(self, certs: list[HighTechCertification]) -> None:
        """Check one enterprise's new and changed certificates, earliest first, against those
        already accepted (the recorded ones the file leaves as they are, and the earlier checked)."""
        checked = [cert for cert in certs if id(cert) in self.listed and self.listed[id(cert)][2]]
        checked_ids = {id(cert) for cert in checked}
        accepted = [cert for cert in certs if id(cert) not in checked_ids]
        for cert in sorted(checked, key=lambda c: c.issued_on):
            _cert, row, _changed, given = self.listed[id(cert)]
            error = cert.kind_error(accepted)
            if not error:
                accepted.append(cert)
            elif cert.kind == CertificationKind.FIRST:
                row.error(self.spec, "kind", error if given else f"按发证日期推定为首次认定，但{error}")
            else:
                row.warn(self.spec, "kind", f"{error}（名录中可能缺少其早期证书），请核对")
                accepted.append(cert)
