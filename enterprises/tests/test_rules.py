import datetime

import pytest

from enterprises import rules


@pytest.mark.parametrize("code", ["91110000600037341L", "91350100M000100Y43", " 91350100m000100y43 "])
def test_valid_credit_codes_pass_after_normalising(code):
    assert rules.credit_code_error(rules.normalize_credit_code(code)) is None


def test_wrong_check_character_names_the_expected_one():
    error = rules.credit_code_error("91350100M000100Y44")
    assert error == "统一社会信用代码校验位错误：第18位应为“3”，实为“4”"


def test_the_domain_invalid_example_is_refused():
    assert "Z" in rules.credit_code_error("91350100M000100Y4Z")


def test_wrong_length_is_reported_with_the_length():
    assert rules.credit_code_error("9135010") == "统一社会信用代码应为18位，当前为7位"


def test_forbidden_letters_are_named():
    assert "I" in rules.credit_code_error("91350100M000100I43")


def test_names_fold_brackets_and_spaces_to_one_key():
    assert rules.name_key("通辽 某某(集团)有限公司") == rules.name_key("通辽某某（集团）有限公司")
    assert rules.normalize_name(" 通辽某某(集团) 有限公司 ") == "通辽某某（集团）有限公司"


@pytest.mark.parametrize(
    ("issued", "valid_until"),
    [
        (datetime.date(2022, 12, 14), datetime.date(2025, 12, 13)),
        (datetime.date(2024, 2, 29), datetime.date(2027, 2, 28)),
        (datetime.date(2023, 1, 1), datetime.date(2025, 12, 31)),
        (datetime.date(2023, 12, 31), datetime.date(2026, 12, 30)),
    ],
)
def test_certificate_valid_through_the_day_before_third_anniversary(issued, valid_until):
    assert rules.hte_valid_until(issued) == valid_until


@pytest.mark.parametrize("number", ["GR202315000123", "GR202212000934", "GF202315000001", " gr202315000123 "])
def test_well_formed_certificate_numbers(number):
    assert rules.hte_number_error(rules.normalize_hte_number(number)) is None


@pytest.mark.parametrize("number", ["GR20231500012", "GX202315000123", "202315000123", "GR2023150001234"])
def test_malformed_certificate_numbers(number):
    assert rules.hte_number_error(number).startswith("证书编号格式应为")


def test_other_province_certificate_warns_without_blocking():
    warnings = rules.hte_number_warnings("GR202212000934", datetime.date(2022, 12, 1))
    assert warnings == ["证书编号的省份代码为 12（非内蒙古 15），请确认是否为整体迁入企业"]
    assert rules.hte_number_warnings("GR202215000934", datetime.date(2022, 12, 1)) == []


def test_registration_number_not_starting_with_year_warns():
    assert rules.sme_number_warnings("2023150502000001", 2024) == ["入库登记编号未以评价年度 2024 开头，请核对"]
    assert rules.sme_number_warnings("2024150502000001", 2024) == []
