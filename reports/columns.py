"""Columns defined once for a list shown both on a page and in the workbook (style.md, shape 6)."""

import datetime
from dataclasses import dataclass

TEXT, INT, DATE, PERCENT, DECIMAL = "text", "int", "date", "percent", "decimal"


@dataclass(frozen=True)
class Column:
    """A column's header, its width in the workbook (characters), its kind and whether it links."""

    header: str
    width: float = 12
    kind: str = TEXT
    links: bool = False


# The re-certification work list (dashboard and sheet 即将到期).
LAPSE_COLUMNS = (
    Column("旗县市区", 20),
    Column("企业名称", 40, links=True),
    Column("统一社会信用代码", 22),
    Column("证书编号", 18),
    Column("发证日期", 12, DATE),
    Column("有效期至", 12, DATE),
    Column("剩余天数", 10, INT),
)


def lapse_values(certificate, as_of: datetime.date) -> tuple:
    """One row of the work list, in ``LAPSE_COLUMNS`` order."""
    enterprise = certificate.enterprise
    return (
        enterprise.county.name,
        enterprise.name,
        enterprise.credit_code,
        certificate.number,
        certificate.issued_on,
        certificate.valid_until,
        (certificate.valid_until - as_of).days,
    )


# Sheet 高新技术企业名单: valid HTEs at the date, one row per enterprise.
HTE_COLUMNS = (
    Column("序号", 6, INT),
    Column("旗县市区", 20),
    Column("企业名称", 40),
    Column("统一社会信用代码", 22),
    Column("证书编号", 18),
    Column("发证日期", 12, DATE),
    Column("有效期至", 12, DATE),
    Column("认定类型", 10),
)

# Sheet 科技型中小企业名单: the year's registrations in force at the date.
SME_COLUMNS = (
    Column("序号", 6, INT),
    Column("旗县市区", 20),
    Column("企业名称", 40),
    Column("统一社会信用代码", 22),
    Column("入库登记编号", 24),
    Column("评价年度", 10, INT),
    Column("入库日期", 12, DATE),
)
