"""A clerk imports a national list as published, in Debian's Chromium (skipped without it)."""

import pytest
from django.urls import reverse

from conftest import needs_chromium
from enterprises.models import Enterprise, HighTechCertification
from imports.models import ImportRecord
from imports.tests.test_import_workbook import HTE_HEADER, xlsx
from tongliao_portal import testing

pytestmark = [pytest.mark.browser, needs_chromium]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_bureau_imports_a_published_list_with_preview_and_confirmation(live_server, browser_page, tmp_path):
    testing.user("clerk", testing.Role.BUREAU)
    known = testing.enterprise(testing.county("150502"), name="通辽已登记科技有限公司")
    new_code = testing.credit_code("150523")
    path = tmp_path / "2023年第一批高新技术企业名单.xlsx"
    path.write_bytes(
        xlsx(
            [
                HTE_HEADER,
                [1, "通辽已登记科技有限公司", "", "GR202315000901", "2023年11月20日", ""],
                [2, "开鲁浏览器(新材料)有限公司", new_code, "GR202315000902", "", "开鲁县"],
            ],
            title="内蒙古自治区2023年第一批认定高新技术企业名单",
        )
    )
    page = browser_page
    page.goto(f"{live_server.url}{reverse('login')}")
    page.fill("#id_username", "clerk")
    page.fill("#id_password", testing.TEST_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}{reverse('imports:index')}")
    page.select_option("#id_kind", "hte")
    page.set_input_files("#id_file", str(path))
    page.fill("#id_announced_on", "2023年11月20日")
    page.click("button:has-text('预览')")
    page.wait_for_selector("h1:has-text('导入预览')")
    assert "同时新建企业（开鲁县）" in page.content()
    assert not HighTechCertification.objects.exists()

    page.click("button:has-text('确认导入')")
    page.wait_for_selector("text=导入完成：共 2 行：新增 2")
    assert "2023年第一批高新技术企业名单.xlsx" in page.content()

    created = Enterprise.objects.get(credit_code=new_code)
    assert created.name == "开鲁浏览器（新材料）有限公司"
    assert {cert.enterprise for cert in HighTechCertification.objects.all()} == {known, created}
    assert ImportRecord.objects.get().created == 2

    page.goto(f"{live_server.url}{reverse('enterprises:detail', args=[created.pk])}")
    page.wait_for_selector("text=GR202315000902")
