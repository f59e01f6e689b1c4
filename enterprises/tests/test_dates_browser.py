"""Dates typed by keyboard in Debian's Chromium (issue 12, finding 4).

With ``<input type="date">`` Chromium turned a typed 2024年3月1日 into 0431-02-02 and dropped the
other spellings; the text box of ``units.dates`` hands the typed text to the server as it is.
"""

import datetime

import pytest

from conftest import needs_chromium
from enterprises.models import Enterprise
from tongliao_portal import testing

pytestmark = [pytest.mark.browser, needs_chromium]

SPELLINGS = ["2024年3月1日", "2024-03-01", "2024/3/1", "2024.3.1"]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_founding_date_typed_in_each_accepted_spelling_is_stored_as_typed(live_server, browser_page):
    testing.user("clerk", testing.Role.BUREAU)
    page = browser_page
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "clerk")
    page.fill("#id_password", testing.TEST_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")

    for n, typed in enumerate(SPELLINGS):
        page.goto(f"{live_server.url}/enterprises/new/")
        field = page.locator("#id_established_on")
        assert field.get_attribute("type") == "text"
        assert field.get_attribute("placeholder") == "例如 2024-03-01"
        code = testing.credit_code("150502")
        page.fill("#id_credit_code", code)
        page.fill("#id_name", f"日期输入测试{n}有限公司")
        page.select_option("#id_county", label="科尔沁区")
        field.press_sequentially(typed)  # key by key, as a clerk types
        assert field.input_value() == typed
        page.click("button:has-text('保存')")
        page.wait_for_selector(f"h1:has-text('日期输入测试{n}有限公司')")
        assert Enterprise.objects.get(credit_code=code).established_on == datetime.date(2024, 3, 1), typed
        assert "2024-03-01" in page.content()
