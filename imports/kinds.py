"""The column tables of each kind of list (domain.md §7, issue 4).

Each kind is a table of columns: the key the importer uses, the header the template
prints, the header synonyms published lists use, and how a cell is read. Reading and
planning (``planning.py``) are driven by these tables; a kind is one table here, one
planning function in ``planning.PLANNERS`` and one line in ``importer.kinds_allowed_for``
(the county quotas of issue 6 were added that way).
"""

import datetime
import decimal
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from stdnum.cn import uscc

from enterprises import rules
from enterprises.models import CertificationKind, Enterprise, Stage, TechField, TechSMERegistration
from imports.models import ImportKind
from targets.models import Indicator

from .workbook import CellError, cell_date, cell_text, header_key, template_workbook

# A template's example row is marked so that importing it unchanged is an error, not a junk enterprise.
EXAMPLE_MARK = "示例："


def _max_length(model, field_name: str) -> int:
    return model._meta.get_field(field_name).max_length


def text(max_length: int) -> Callable[[object], str]:
    """A plain text cell of at most ``max_length`` characters."""

    def parse(value) -> str:
        result = cell_text(value)
        if len(result) > max_length:
            raise CellError(f"内容过长：最多{max_length}个字符，实为{len(result)}个")
        return result

    return parse


def enterprise_name(value) -> str:
    name = rules.normalize_name(text(_max_length(Enterprise, "name"))(value))
    if name.startswith(EXAMPLE_MARK):
        raise CellError("这是模板中的示例行，请删除后再导入")
    return name


def credit_code(value) -> str:
    """统一社会信用代码, normalised and check-verified (domain.md §3)."""
    code = rules.normalize_credit_code(cell_text(value))
    error = rules.credit_code_error(code)
    if error:
        raise CellError(error)
    return code


def hte_number(value) -> str:
    """证书编号: GR/GF + year + province + serial (domain.md §4)."""
    number = rules.normalize_hte_number(cell_text(value))
    error = rules.hte_number_error(number)
    if error:
        raise CellError(error)
    return number


def sme_number(value) -> str:
    """入库登记编号: stored as text; its format is unconfirmed (domain.md §5), so only the length is checked."""
    number = rules.normalize_sme_number(cell_text(value))
    limit = _max_length(TechSMERegistration, "number")
    if len(number) > limit:
        raise CellError(f"入库登记编号过长：最多{limit}个字符，实为{len(number)}个")
    return number


def date(value) -> datetime.date | None:
    return cell_date(value)


def _four_digit_year(value, reason: str) -> int:
    """A year written as 2023, 2023.0, “2023年” or “2023年度”; ``reason`` when it is none."""
    digits = cell_text(value).removesuffix("年度").removesuffix("年").strip()
    if not (digits.isascii() and digits.isdigit() and 2000 <= int(digits) <= 2100):
        raise CellError(reason)
    return int(digits)


def year(value) -> int:
    """An SME list's evaluation year."""
    return _four_digit_year(value, "评价年度应为2000至2100之间的4位年份，例如 2023")


def quota_year(value) -> int:
    """The year a quota row is for; whether the plan covers it is checked when planning."""
    return _four_digit_year(value, "年度应为2000至2100之间的4位年份，例如 2025")


# The largest quota accepted, as in the grid (targets.forms.QuotaGridForm).
QUOTA_MAX = 100_000


def quota_value(value) -> int:
    """A quota: a whole number from 0 to QUOTA_MAX, written as 12, 12.0, “12” or “12家”."""
    if isinstance(value, bool):
        raise CellError("任务数应为不小于0的整数，例如 12")
    written = unicodedata.normalize("NFKC", cell_text(value)).removesuffix("家").strip()
    try:
        number = decimal.Decimal(written)
    except decimal.InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        raise CellError("任务数应为不小于0的整数，例如 12")
    if number < 0:
        raise CellError("任务数不能为负数")
    if number != number.to_integral_value():
        raise CellError("任务数应为整数")
    if number > QUOTA_MAX:
        raise CellError(f"任务数过大：不能超过 {QUOTA_MAX}")
    return int(number)


def quota_county(value) -> str:
    """A quota row's unit as written (recognised when planning); the template's example row is refused."""
    written = text(50)(value)
    if written.startswith(EXAMPLE_MARK):
        raise CellError("这是模板中的示例行，请删除后再导入")
    return written


def choice(choices: type, synonyms: dict[str, str] | None = None) -> Callable[[object], str]:
    """A cell holding one of ``choices`` by its Chinese label (or its stored value, or a synonym)."""
    lookup = {label: value for value, label in choices.choices}
    lookup.update({value: value for value in choices.values})
    lookup.update(synonyms or {})
    allowed = "、".join(choices.labels)

    def parse(value) -> str:
        written = cell_text(value).replace(" ", "")
        if written not in lookup:
            raise CellError(f"无法识别，应为以下之一：{allowed}")
        return lookup[written]

    return parse


@dataclass(frozen=True)
class Column:
    """One column of a list: ``label`` is the template's header; ``synonyms`` are other headers
    seen in published lists; ``parse`` turns a non-blank cell into a value or raises CellError."""

    key: str
    label: str
    synonyms: tuple[str, ...] = ()
    parse: Callable[[object], object] = cell_text
    example: object = ""
    number_format: str = "General"


@dataclass(frozen=True)
class KindSpec:
    """A kind of list: its columns, the keys its header must contain (all of ``required``, and
    at least one of ``required_any`` when given), its template's names, and the headings of
    the label and key each row shows in the preview."""

    kind: ImportKind
    columns: tuple[Column, ...]
    required: tuple[str, ...]
    sheet_title: str
    required_any: tuple[str, ...] = ()
    row_headings: tuple[str, str] = ("企业名称", "编号")

    @property
    def template_file_name(self) -> str:
        return f"{self.kind.label}导入模板.xlsx"

    def column(self, key: str) -> Column:
        for column in self.columns:
            if column.key == key:
                return column
        raise KeyError(key)

    def aliases(self) -> dict[str, str]:
        """Folded header text → column key, for every label and synonym."""
        result = {}
        for column in self.columns:
            for header in (column.label, *column.synonyms):
                result.setdefault(header_key(header), column.key)
        return result

    @property
    def required_labels(self) -> tuple[str, ...]:
        return tuple(self.column(key).label for key in self.required)


def _example_credit_code() -> str:
    body = "91150502MA0000001"
    return body + uscc.calc_check_digit(body)


EXAMPLE_CODE = _example_credit_code()
EXAMPLE_NAME = f"{EXAMPLE_MARK}通辽某某科技有限公司（导入前请删除本行）"
TEXT = "@"
DATE = "yyyy-mm-dd"

# Columns several kinds share.
SERIAL = Column("serial", "序号", ("排序",), cell_text, 1)
NAME = Column(
    "name",
    "企业名称",
    ("单位名称", "公司名称", "企业名", "名称", "申报单位", "申报企业名称", "企业全称"),
    enterprise_name,
    EXAMPLE_NAME,
)
CREDIT_CODE = Column(
    "credit_code",
    "统一社会信用代码",
    ("社会信用代码", "信用代码", "统一信用代码", "统一社会信用代码证号", "组织机构代码/统一社会信用代码"),
    credit_code,
    EXAMPLE_CODE,
    TEXT,
)
COUNTY = Column(
    "county",
    "所属旗县市区",
    (
        "所属旗县",
        "旗县市区",
        "旗县区",
        "所在旗县市区",
        "所在地区",
        "所在地",
        "所属地区",
        "地区",
        "所属区域",
        "区域",
        "旗县",
    ),
    text(50),
    "科尔沁区",
)

ENTERPRISES = KindSpec(
    kind=ImportKind.ENTERPRISES,
    sheet_title="企业名录",
    required=("credit_code", "name"),
    columns=(
        SERIAL,
        CREDIT_CODE,
        NAME,
        COUNTY,
        Column(
            "established_on",
            "成立日期",
            ("成立时间", "注册日期", "注册时间"),
            date,
            datetime.date(2018, 5, 20),
            DATE,
        ),
        Column(
            "tech_field",
            "技术领域",
            ("所属技术领域", "高新技术领域", "领域"),
            choice(TechField),
            TechField.MANUFACTURING.label,
        ),
        Column(
            "industry",
            "行业",
            ("所属行业", "国民经济行业", "行业类别"),
            text(_max_length(Enterprise, "industry")),
            "专用设备制造业",
        ),
        Column(
            "address",
            "地址",
            ("企业地址", "注册地址", "通讯地址", "联系地址", "详细地址"),
            text(_max_length(Enterprise, "address")),
            "通辽市科尔沁区某某路1号",
        ),
        Column(
            "contact_person",
            "联系人",
            ("企业联系人", "联系人姓名"),
            text(_max_length(Enterprise, "contact_person")),
            "张三",
        ),
        Column(
            "contact_phone",
            "联系电话",
            ("电话", "手机", "手机号码", "联系方式", "联系人电话"),
            text(_max_length(Enterprise, "contact_phone")),
            "0475-0000000",
            TEXT,
        ),
        Column("stage", "培育阶段", ("阶段",), choice(Stage), Stage.KEY.label),
    ),
)

HTE = KindSpec(
    kind=ImportKind.HTE,
    sheet_title="高新技术企业认定名单",
    required=("name", "number"),
    columns=(
        SERIAL,
        NAME,
        CREDIT_CODE,
        Column(
            "number",
            "证书编号",
            ("高新技术企业证书编号", "证书号", "证书号码", "编号"),
            hte_number,
            "GR202315000123",
            TEXT,
        ),
        Column(
            "issued_on",
            "发证日期",
            ("发证时间", "认定日期", "认定时间", "颁发日期", "颁证日期", "发证日"),
            date,
            datetime.date(2023, 11, 20),
            DATE,
        ),
        COUNTY,
        Column(
            "kind",
            "认定类型",
            ("类型", "认定类别"),
            choice(CertificationKind, {"首次": CertificationKind.FIRST, "重新": CertificationKind.RENEWAL}),
            CertificationKind.FIRST.label,
        ),
        Column("batch", "批次", ("认定批次",), text(50), "2023年第一批"),
    ),
)

SME = KindSpec(
    kind=ImportKind.SME,
    sheet_title="科技型中小企业入库名单",
    required=("name", "number"),
    columns=(
        SERIAL,
        NAME,
        CREDIT_CODE,
        Column(
            "number",
            "入库登记编号",
            ("登记编号", "入库编号", "编号", "入库登记号"),
            sme_number,
            "202315050200000123",
            TEXT,
        ),
        Column(
            "registered_on",
            "入库日期",
            ("入库时间", "登记日期", "登记时间"),
            date,
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
        Column("year", "评价年度", ("年度", "入库年度", "年份"), year, 2023),
    ),
)

# 旗县市区任务数: one row per year and unit, one column per indicator headed by the
# indicator's own name (targets.models.Indicator); the column key is the indicator's value.
QUOTAS = KindSpec(
    kind=ImportKind.QUOTAS,
    sheet_title="旗县市区任务数",
    required=("year", "county"),
    required_any=(Indicator.HIGH_TECH.value, Indicator.TECH_SME.value, Indicator.HIGH_TECH_NEW.value),
    row_headings=("旗县市区", "年度"),
    columns=(
        Column("year", "年度", ("年份", "任务年度", "考核年度"), quota_year, 2025),
        Column(
            "county",
            COUNTY.label,
            (*COUNTY.synonyms, "单位", "单位名称", "所属单位"),
            quota_county,
            f"{EXAMPLE_MARK}科尔沁区（导入前请删除本行）",
        ),
        Column(
            Indicator.HIGH_TECH.value,
            Indicator.HIGH_TECH.label,
            ("有效期内高新技术企业", "高新技术企业数", "高新技术企业任务数"),
            quota_value,
            30,
        ),
        Column(
            Indicator.TECH_SME.value,
            Indicator.TECH_SME.label,
            ("入库科技型中小企业", "科技型中小企业数", "科技型中小企业任务数"),
            quota_value,
            45,
        ),
        Column(
            Indicator.HIGH_TECH_NEW.value,
            Indicator.HIGH_TECH_NEW.label,
            ("当年首次认定高新技术企业", "首次认定高新技术企业数", "当年新认定高新技术企业数"),
            quota_value,
            8,
        ),
    ),
)

# What a quota sheet's total row says in its unit column; such a row is not a unit's quota.
QUOTA_TOTAL_ROWS = ("合计", "总计", "小计", "全市", "全市合计", "通辽市", "通辽市合计")

SPECS: dict[str, KindSpec] = {spec.kind.value: spec for spec in (ENTERPRISES, HTE, SME, QUOTAS)}

# Common short names of the units, keyed by their stable code (domain.md §2).
COUNTY_ALIASES = {
    "科左中旗": "150521",
    "科尔沁左翼中旗": "150521",
    "科左后旗": "150522",
    "科尔沁左翼后旗": "150522",
    "开鲁": "150523",
    "库伦": "150524",
    "奈曼": "150525",
    "扎鲁特": "150526",
    "扎旗": "150526",
    "霍林郭勒": "150581",
    "霍市": "150581",
    "开发区": "150571",
    "经济技术开发区": "150571",
    "经开区": "150571",
    "通辽开发区": "150571",
    "通辽经开区": "150571",
    "科尔沁": "150502",
}
# Prefixes a place column may carry before the unit's own name.
PLACE_PREFIXES = ("内蒙古自治区", "内蒙古", "通辽市", "通辽")


def template_for(spec: KindSpec) -> bytes:
    """The downloadable blank list of a kind: its headers and one example row."""
    return template_workbook(
        sheet_title=spec.sheet_title,
        headers=[column.label for column in spec.columns],
        example=[column.example for column in spec.columns],
        formats=[column.number_format for column in spec.columns],
    )
