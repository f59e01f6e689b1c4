"""Suite-wide test setup."""

import os
import shutil

import pytest
from django.conf import settings


@pytest.fixture(scope="session", autouse=True)
def fast_password_hashing():
    """Hash test passwords with MD5: PBKDF2's deliberate slowness would dominate the suite.

    Only the test process changes; the production hashers are untouched.
    """
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    from django.contrib.auth.hashers import get_hashers

    get_hashers.cache_clear()


@pytest.fixture(autouse=True)
def empty_figures_cache():
    """Start every test with an empty cache, so query counts do not depend on test order.

    (A cached entry is never wrong — its key names the data version — but a hit changes how
    many queries a view makes.)
    """
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def own_staging_folder(tmp_path):
    """Each test stages uploads in a folder of its own: the per-user staging limits would otherwise
    count files left by earlier tests (or by another run on the same machine)."""
    from django.test import override_settings

    with override_settings(IMPORT_STAGING_DIR=str(tmp_path)):
        yield


CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
# Browser tests carry this marker: skipped, with the reason, only when no Chromium is installed.
needs_chromium = pytest.mark.skipif(
    not os.path.exists(CHROMIUM), reason="未安装 Chromium（apt-get install chromium），跳过浏览器测试"
)


@pytest.fixture
def browser_page(monkeypatch):
    """A page in Debian's Chromium driven by Playwright (which never downloads its own browser)."""
    # Playwright's sync API runs an event loop in this thread; the ORM calls in the test are
    # still plain synchronous code, so Django's async-safety guard does not apply.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
        )
        page = browser.new_page(locale="zh-CN", viewport={"width": 1366, "height": 900})
        yield page
        browser.close()
