"""One real-browser walk through the bureau's daily work, in Debian's Chromium.

Playwright drives /usr/bin/chromium (never a downloaded browser). The test skips, with a
message saying so, only when no Chromium binary is installed.
"""

import pytest

from conftest import needs_chromium
from enterprises.models import Enterprise, HighTechCertification
from tongliao_portal import testing

pytestmark = [pytest.mark.browser, needs_chromium]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_bureau_adds_enterprise_and_records_certificate(live_server, browser_page):
    testing.user("clerk", testing.Role.BUREAU)
    page = browser_page
    page.goto(f"{live_server.url}/enterprises/")
    assert "/accounts/login/" in page.url

    page.fill("#id_username", "clerk")
    page.fill("#id_password", testing.TEST_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/enterprises/")

    page.click("text=登记企业")
    code = testing.credit_code("150523")
    page.fill("#id_credit_code", code)
    page.fill("#id_name", "浏览器测试(科技)有限公司")
    page.select_option("#id_county", label="开鲁县")
    page.click("button:has-text('保存')")
    page.wait_for_selector("h1:has-text('浏览器测试（科技）有限公司')")

    page.click("text=登记高企证书")
    page.fill("#id_number", "GR202415000321")
    page.fill("#id_issued_on", "2024-11-20")
    page.click("button:has-text('保存')")
    page.wait_for_selector("text=已登记高新技术企业证书 GR202415000321")
    assert "有效期至 2027-11-19" in page.content()

    enterprise = Enterprise.objects.get(credit_code=code)
    assert enterprise.county.code == "150523"
    assert HighTechCertification.objects.get(number="GR202415000321").enterprise == enterprise
