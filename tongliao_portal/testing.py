"""Builders shared by every app's tests: valid credit codes, enterprises, personas."""

import datetime
import itertools

from django.contrib.auth.models import Group
from stdnum.cn import uscc

from accounts.models import Role, User
from enterprises import rules
from enterprises.models import CertificationKind, Enterprise, HighTechCertification, TechSMERegistration
from units.models import County

_serial = itertools.count(1)
TEST_PASSWORD = "Tongliao-test-pass-2025"


def credit_code(area: str = "150502", n: int | None = None) -> str:
    """A valid credit code (correct check character) unique within the test run."""
    n = next(_serial) if n is None else n
    body = f"91{area}MA{n:07d}"
    return body + uscc.calc_check_digit(body)


def county(code: str) -> County:
    return County.objects.get(code=code)


def enterprise(county_obj: County, name: str | None = None, **fields) -> Enterprise:
    n = next(_serial)
    return Enterprise.objects.create(
        credit_code=fields.pop("credit_code", None) or credit_code(county_obj.code, n),
        name=name or f"测试企业{n}有限公司",
        county=county_obj,
        **fields,
    )


def bulk_enterprises(county_obj: County, count: int, prefix: str = "批量企业") -> list[Enterprise]:
    rows = []
    for _ in range(count):
        n = next(_serial)
        name = f"{prefix}{n}有限公司"
        rows.append(
            Enterprise(
                credit_code=credit_code(county_obj.code, n),
                name=name,
                name_key=rules.name_key(name),
                county=county_obj,
            )
        )
    return Enterprise.objects.bulk_create(rows)


def certificate(enterprise_obj: Enterprise, issued_on: datetime.date, **fields) -> HighTechCertification:
    """A certificate; unless ``kind`` is given, 首次认定 for the enterprise's first and 重新认定 after."""
    n = next(_serial)
    if "kind" not in fields:
        has_one = HighTechCertification.objects.filter(enterprise=enterprise_obj).exists()
        fields["kind"] = CertificationKind.RENEWAL if has_one else CertificationKind.FIRST
    return HighTechCertification.objects.create(
        enterprise=enterprise_obj,
        number=fields.pop("number", None) or f"GR{issued_on.year}15{n:06d}",
        issued_on=issued_on,
        **fields,
    )


def registration(enterprise_obj: Enterprise, year: int, registered_on: datetime.date, **fields) -> TechSMERegistration:
    n = next(_serial)
    return TechSMERegistration.objects.create(
        enterprise=enterprise_obj,
        year=year,
        number=fields.pop("number", None) or f"{year}15050200{n:06d}",
        registered_on=registered_on,
        **fields,
    )


def user(username: str, role: Role | None, county_obj: County | None = None, **fields) -> User:
    account = User.objects.create_user(username=username, password=TEST_PASSWORD, county=county_obj, **fields)
    if role is not None:
        account.groups.add(Group.objects.get(name=role.value))
    return account


class Personas:
    """Named users built once per test class: bureau, county_a (科尔沁区), county_b (开鲁县), leader."""

    COUNTY_A = "150502"
    COUNTY_B = "150523"

    @classmethod
    def make_personas(cls):
        cls.county_a = county(cls.COUNTY_A)
        cls.county_b = county(cls.COUNTY_B)
        cls.bureau = user("bureau", Role.BUREAU)
        cls.county_a_user = user("county_a", Role.COUNTY, cls.county_a)
        cls.county_b_user = user("county_b", Role.COUNTY, cls.county_b)
        cls.leader = user("leader", Role.LEADER)
