"""Domain rules of the registry as pure functions (see docs/domain.md).

Kept free of the ORM so forms, models, the importer and the counting module share
exactly one implementation of each rule.
"""

import datetime
import re
import unicodedata

from stdnum import exceptions as stdnum_exceptions
from stdnum.cn import uscc

# GB 32100-2015 alphabet: digits and capitals without I, O, Z, S, V (docs/domain.md §3).
CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"

# GR/GF + year of certification + 2-digit province + 6-digit serial (docs/domain.md §4).
HTE_NUMBER_RE = re.compile(r"^G[RF](?P<year>\d{4})(?P<province>\d{2})\d{6}$")
INNER_MONGOLIA = "15"

_SPACES_RE = re.compile(r"\s+")


def normalize_credit_code(value: str) -> str:
    """Upper-case the code and drop surrounding and inner spaces (docs/domain.md §3)."""
    return _SPACES_RE.sub("", unicodedata.normalize("NFKC", value or "")).upper()


def credit_code_error(code: str) -> str | None:
    """Return a Chinese reason why a normalised credit code is invalid, or None if valid."""
    if len(code) != 18:
        return f"统一社会信用代码应为18位，当前为{len(code)}位"
    bad = sorted({ch for ch in code if ch not in CREDIT_CODE_ALPHABET})
    if bad:
        return f"统一社会信用代码含有不允许的字符：{''.join(bad)}（不使用 I、O、Z、S、V）"
    try:
        uscc.validate(code)
    except stdnum_exceptions.InvalidChecksum:
        expected = uscc.calc_check_digit(code[:17])
        return f"统一社会信用代码校验位错误：第18位应为“{expected}”，实为“{code[17]}”"
    except stdnum_exceptions.ValidationError:
        return "统一社会信用代码格式不正确：前8位应为数字（登记管理部门、机构类别和登记机关行政区划码）"
    return None


def normalize_name(value: str) -> str:
    """The display form of an enterprise name: full-width brackets, no stray spaces.

    Published lists mix half-width and full-width brackets and insert spaces
    (docs/domain.md §7); the registry stores the conventional full-width form.
    """
    text = _SPACES_RE.sub("", (value or "").strip())
    return text.replace("(", "（").replace(")", "）")


def name_key(value: str) -> str:
    """The matching key of an enterprise name (unique, indexed).

    NFKC folds full-width letters, digits and brackets to half-width; spaces of every
    kind are dropped; Latin letters are upper-cased. Two spellings of one name give
    one key.
    """
    folded = unicodedata.normalize("NFKC", value or "")
    return _SPACES_RE.sub("", folded).upper()


def hte_valid_until(issued_on: datetime.date) -> datetime.date:
    """Last valid day of a high-tech certificate (docs/domain.md §4).

    Valid from the issue date through the day before the third anniversary:
    2022-12-14 → 2025-12-13; 2024-02-29 → 2027-02-28 (the anniversary of a
    29 February falls on 1 March in a common year).
    """
    year = issued_on.year + 3
    try:
        anniversary = issued_on.replace(year=year)
    except ValueError:  # 29 February → 1 March of a common year
        anniversary = datetime.date(year, 3, 1)
    return anniversary - datetime.timedelta(days=1)


def normalize_hte_number(value: str) -> str:
    return _SPACES_RE.sub("", unicodedata.normalize("NFKC", value or "")).upper()


def hte_number_error(number: str) -> str | None:
    """Chinese reason why a certificate number is malformed, or None."""
    if not HTE_NUMBER_RE.match(number):
        return "证书编号格式应为 GR + 4位年份 + 2位省份代码 + 6位序号，例如 GR202315000123"
    return None


def hte_number_warnings(number: str, issued_on: datetime.date | None) -> list[str]:
    """Warnings that never block: another province, a year that differs from the issue date."""
    match = HTE_NUMBER_RE.match(number)
    if not match:
        return []
    warnings = []
    if match["province"] != INNER_MONGOLIA:
        warnings.append(f"证书编号的省份代码为 {match['province']}（非内蒙古 15），请确认是否为整体迁入企业")
    if issued_on and int(match["year"]) != issued_on.year:
        warnings.append(f"证书编号中的年份 {match['year']} 与发证日期 {issued_on:%Y} 年不一致")
    return warnings


def normalize_sme_number(value: str) -> str:
    return _SPACES_RE.sub("", unicodedata.normalize("NFKC", value or "")).upper()


def sme_number_warnings(number: str, year: int | None) -> list[str]:
    """The registration number format is unconfirmed (docs/domain.md §5): warn, never block."""
    if year and not number.startswith(str(year)):
        return [f"入库登记编号未以评价年度 {year} 开头，请核对"]
    return []
