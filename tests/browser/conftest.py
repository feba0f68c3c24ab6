"""Playwright on Debian's Chromium against pytest-django's live_server (never `playwright install`)."""

import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 768}
SCREENSHOTS = Path(django_settings.BASE_DIR) / "var" / "screenshots"
PASSWORD = "pass-1234"


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="module")
def browser(_allow_orm_beside_playwright):
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed at /usr/bin/chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module", autouse=True)
def _allow_orm_beside_playwright():
    # Playwright's sync API marks an asyncio loop as running in this thread while it is started; Django would
    # refuse ORM calls (test data, the database flush) next to it. Set for the browser modules only, not at
    # import: leaked into the session, it fails `check --deploy` in the settings tests (async.E001).
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


@pytest.fixture
def foreign_requests():
    """Every request the page made to a host other than the live server (the app must work offline)."""
    return []


@pytest.fixture
def new_page(browser, live_server, foreign_requests):
    """``new_page(viewport)`` → a fresh page (own cookies) that records requests leaving the live server."""
    contexts = []

    def make(viewport=PHONE, locale="th-TH"):
        context = browser.new_context(viewport=viewport, locale=locale)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)

        def watch(request):
            if not request.url.startswith((live_server.url, "data:", "blob:", "about:")):
                foreign_requests.append(request.url)

        page.on("request", watch)
        return page

    yield make
    for context in contexts:
        context.close()
    # The test database is flushed right after this; a TRUNCATE racing a tile query the live server is still
    # answering for a page just closed deadlocks and fails the next test. Wait for the server's queries.
    _wait_for_other_sessions_to_finish()


def _wait_for_other_sessions_to_finish(timeout_s: float = 10.0) -> None:
    from django.db import connection

    others = (
        "FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() "
        "AND state IN ('active', 'idle in transaction')"
    )
    time.sleep(0.3)  # a request accepted just before the page closed may not have reached the DB yet
    deadline = time.monotonic() + timeout_s
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(f"SELECT count(*) {others}")
            if cursor.fetchone()[0] == 0:
                return
            time.sleep(0.05)
        # Still busy: answers no page is waiting for any more. End them rather than deadlock the flush.
        cursor.execute(f"SELECT pg_terminate_backend(pid) {others}")


def login(page, live_server, username, password=PASSWORD):
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("ชื่อผู้ใช้").fill(username)
    page.get_by_label("รหัสผ่าน").fill(password)
    page.get_by_role("button", name="เข้าสู่ระบบ").click()
    page.wait_for_load_state("networkidle")


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
