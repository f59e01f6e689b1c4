"""Phone, desktop, print and big-screen layout in Debian's Chromium (issue 14).

On the demo data set, the dashboard, the assessment and the evaluation are opened at 390 px (a
phone) and 1440 px and printed to A4 PDFs; the big screen at 1920×1080. Screenshots and PDFs are
written to a temporary directory (``PORTAL_LAYOUT_DIR`` to keep them) for a person to look at;
the test asserts what can be measured: the page is no wider than the phone, no header wraps to
one character per line, charts are drawn at a legible size, printing hides navigation and
buttons and repeats the title and statistics date on every sheet, and the big screen fits
1920×1080 without scrolling.
"""

import contextlib
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from conftest import needs_chromium
from demo.loader import DemoLoader
from screen import links
from tongliao_portal import testing

pytestmark = [pytest.mark.browser, needs_chromium]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1440, "height": 900}
HALL = {"width": 1920, "height": 1080}
ASSESSMENT_YEAR = 2025

# Elements whose text must never stand one character per line: headers, labels, buttons.
HEADERS = "th, h1, h2, h3, h4, h5, h6, .card-header, .btn, .badge, label, .nav-link, dt, .screen-tile-label"

# Every visible header whose text wraps onto several lines no wider than a character or two:
# the lines of its text are the distinct tops of its range's client rectangles.
SQUEEZED_HEADERS_JS = """(selector) => {
  const squeezed = [];
  for (const element of document.querySelectorAll(selector)) {
    const style = getComputedStyle(element);
    if (style.display === 'none' || style.visibility === 'hidden' || !element.getClientRects().length) continue;
    const text = element.innerText.trim();
    if ([...text].length < 2) continue;
    const range = document.createRange();
    range.selectNodeContents(element);
    const lines = new Map();
    for (const rect of range.getClientRects()) {
      if (rect.width < 1 || rect.height < 1) continue;
      const top = Math.round(rect.top / 4);
      const line = lines.get(top) || {left: rect.left, right: rect.right};
      line.left = Math.min(line.left, rect.left);
      line.right = Math.max(line.right, rect.right);
      lines.set(top, line);
    }
    const widest = Math.max(0, ...[...lines.values()].map((line) => line.right - line.left));
    if (lines.size > 1 && widest < 1.8 * parseFloat(style.fontSize)) {
      squeezed.push(`${element.tagName.toLowerCase()}「${text.slice(0, 20)}」 ${lines.size} lines`);
    }
  }
  return squeezed;
}"""

CHART_SIZES_JS = """() => [...document.querySelectorAll('[data-chart]')]
  .filter((chart) => !chart.hidden)
  .map((chart) => [chart.getAttribute('data-chart'), chart.clientWidth, chart.clientHeight])"""


@pytest.fixture
def out_dir(tmp_path):
    """Where screenshots and PDFs go: ``PORTAL_LAYOUT_DIR`` when set (kept), else a temporary directory."""
    kept = os.environ.get("PORTAL_LAYOUT_DIR")
    path = Path(kept) if kept else tmp_path
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(autouse=True)
def plain_static_names(settings):
    """Serve the stylesheets and scripts as they are in static/: the live server's static handler
    finds files by their own names, not the hashed names of the collected manifest."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def demo():
    DemoLoader(seed=2023, today=timezone.localdate()).run()
    county = testing.county(testing.Personas.COUNTY_A)
    return {
        "bureau": testing.user("layout_bureau", testing.Role.BUREAU),
        "county": testing.user("layout_county", testing.Role.COUNTY, county),
    }


def log_in(page, live_server, user):
    """Hand the browser a session of ``user`` (the login form has its own test)."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.clear_cookies()
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])


def pages():
    """The printed and phone-read pages: the dashboard, the assessment and (once built) the evaluation."""
    urls = {"dashboard": reverse("home"), "assessment": reverse("assessment:page", kwargs={"year": ASSESSMENT_YEAR})}
    with contextlib.suppress(NoReverseMatch):
        urls["evaluation"] = reverse("reports:evaluation", kwargs={"first": 2023, "last": 2025})
    return urls


def open_page(page, url, viewport):
    page.set_viewport_size(viewport)
    response = page.goto(url)
    assert response.status == 200, url
    page.wait_for_load_state("networkidle")


def check_layout(page, name, viewport, out_dir):
    page.screenshot(path=str(out_dir / f"{name}-{viewport['width']}.png"), full_page=True)
    width, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width <= inner, f"{name} at {viewport['width']} px is {width} px wide"
    assert page.evaluate(SQUEEZED_HEADERS_JS, HEADERS) == [], name
    for kind, chart_width, chart_height in page.evaluate(CHART_SIZES_JS):
        assert chart_width >= 300 and chart_height >= 240, (name, kind, chart_width, chart_height)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_pages_read_on_a_phone_and_a_desktop(live_server, browser_page, demo, out_dir):
    page = browser_page
    for who in ("bureau", "county"):
        log_in(page, live_server, demo[who])
        for name, url in pages().items():
            for viewport in (PHONE, DESKTOP):
                with_role = f"{name}-{who}"
                open_page(page, live_server.url + url, viewport)
                check_layout(page, with_role, viewport, out_dir)
    # On a phone the wide tables scroll sideways inside their card, the unit's name staying in view.
    log_in(page, live_server, demo["bureau"])
    open_page(page, live_server.url + reverse("home"), PHONE)
    table = page.locator(".units-table")
    assert table.evaluate("t => t.parentElement.scrollWidth > t.parentElement.clientWidth")
    first = page.locator(".units-table tbody tr:first-child > :first-child")
    assert first.evaluate("cell => getComputedStyle(cell).position") == "sticky"


def pdf_pages_text(path: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return [sheet for sheet in text.split("\f") if sheet.strip()]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_pages_print_on_a4_with_the_title_and_date_on_every_sheet(live_server, browser_page, demo, out_dir):
    page = browser_page
    log_in(page, live_server, demo["bureau"])
    for name, url in pages().items():
        open_page(page, live_server.url + url, {"width": 1366, "height": 900})
        page.emulate_media(media="print")
        hidden = page.evaluate(
            "() => [...document.querySelectorAll('nav.navbar, footer, .btn')]"
            ".filter((e) => getComputedStyle(e).display !== 'none').map((e) => e.outerHTML.slice(0, 80))"
        )
        assert hidden == [], (name, hidden)
        kept_whole = page.evaluate(
            "() => [...document.querySelectorAll('.print-body tr, .chart')]"
            ".every((e) => getComputedStyle(e).breakInside === 'avoid')"
        )
        assert kept_whole, name
        title = page.locator("main h1").first.inner_text().split("\n")[0].strip()
        path = out_dir / f"{name}.pdf"
        page.pdf(path=str(path), format="A4", prefer_css_page_size=True, print_background=True)
        if shutil.which("pdftotext"):
            sheets = pdf_pages_text(path)
            assert sheets, name
            for number, sheet in enumerate(sheets, start=1):
                flat = re.sub(r"\s+", "", sheet)
                assert re.sub(r"\s+", "", title)[:12] in flat, (name, number, title)
                if name != "assessment":  # its dates are per card (published, draft): see the heading
                    assert "统计截至" in flat, (name, number)
        if shutil.which("pdftoppm"):
            subprocess.run(["pdftoppm", "-png", "-r", "50", str(path), str(out_dir / name)], check=True)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_big_screen_fits_the_hall_display_and_the_kiosk_link_shows_counts_only(
    live_server, browser_page, demo, out_dir
):
    page = browser_page
    log_in(page, live_server, demo["bureau"])
    open_page(page, live_server.url + reverse("screen:board"), HALL)
    page.wait_for_selector("[data-chart=trend] canvas")
    page.screenshot(path=str(out_dir / "screen-1920.png"))
    size = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.scrollHeight]")
    assert size == [1920, 1080], size
    assert page.evaluate(SQUEEZED_HEADERS_JS, HEADERS) == []
    assert page.locator("meta[http-equiv=refresh]").get_attribute("content") == "300"
    assert page.locator("[data-testid=ranking] tbody tr").count() == 9

    log_in(page, live_server, demo["county"])
    open_page(page, live_server.url + reverse("screen:board"), HALL)
    page.screenshot(path=str(out_dir / "screen-county-1920.png"))
    assert page.evaluate("document.documentElement.scrollHeight") == 1080

    page.context.clear_cookies()
    kiosk = links.create("一楼大厅")
    open_page(page, live_server.url + kiosk.path, HALL)
    page.wait_for_selector("[data-chart=trend] canvas")
    page.screenshot(path=str(out_dir / "kiosk-1920.png"))
    html = page.content()
    assert "有限公司" not in html and "返回平台" not in html
    assert page.evaluate("document.documentElement.scrollHeight") == 1080
    links.revoke(kiosk.link)
    assert page.goto(live_server.url + kiosk.path).status == 404
