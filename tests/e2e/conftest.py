"""Browser tests: Playwright drives Debian's chromium against pytest-django's live_server.

Use the `page` fixture and `login(page, live_server, user)`. Every test here is marked e2e."""

import os
import threading
import time

import pytest
from django.core.signals import request_finished, request_started
from django.test.client import ClientHandler
from playwright.sync_api import sync_playwright

from tests.factories.people import PASSWORD

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


class _InFlight:
    """Counts the live server's requests in progress. A page can leave a request behind
    (a keepalive position save sent as it closes); if it reached the server after the
    database was flushed for the next test, it would write into that test's data."""

    def __init__(self):
        self.lock = threading.Lock()
        self.active = 0
        self.last_change = time.monotonic()

    def started(self, sender, **kwargs):
        if issubclass(sender, ClientHandler):  # the test client, not the live server
            return
        with self.lock:
            self.active += 1
            self.last_change = time.monotonic()

    def finished(self, sender, **kwargs):
        if sender is None or issubclass(sender, ClientHandler):
            return
        with self.lock:
            self.active -= 1
            self.last_change = time.monotonic()

    def wait_quiet(self, quiet: float = 0.15, limit: float = 10.0) -> None:
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            with self.lock:
                if self.active <= 0 and time.monotonic() - self.last_change >= quiet:
                    return
            time.sleep(0.02)
        raise AssertionError("the live server still had requests in progress after the test")


_in_flight = _InFlight()
request_started.connect(_in_flight.started, dispatch_uid="e2e-in-flight-started")
request_finished.connect(_in_flight.finished, dispatch_uid="e2e-in-flight-finished")


@pytest.fixture(autouse=True)
def _drain_live_server(transactional_db):
    """Torn down after every page and context of the test: wait until the server is quiet
    before the database is flushed."""
    yield
    _in_flight.wait_quiet()


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def context(browser):
    # Reduced motion turns off Bootstrap's colour transitions, so an accessibility check
    # run just after a click never measures a button half-way between two colours.
    context = browser.new_context(
        locale="zh-TW", viewport={"width": 1280, "height": 900}, reduced_motion="reduce"
    )
    context.set_default_timeout(10_000)
    yield context
    _close(context)


@pytest.fixture
def page(context):
    return context.new_page()


@pytest.fixture
def phone_page(browser):
    """A 360 px wide phone."""
    context = browser.new_context(
        locale="zh-TW",
        viewport={"width": 360, "height": 740},
        is_mobile=True,
        has_touch=True,
        device_scale_factor=2,
        reduced_motion="reduce",
    )
    context.set_default_timeout(10_000)
    yield context.new_page()
    _close(context)


def _close(context) -> None:
    # Leaving each page first lets it send what it sends on the way out while we wait.
    for open_page in context.pages:
        open_page.goto("about:blank")
    context.close()


def login(page, live_server, user, password: str = PASSWORD) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", password)
    page.click("main form button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def navigate(page, locator, **wait) -> None:
    """Click something that loads a new page, and return once that page has loaded: a read
    straight after a plain click may still see the old page."""
    with page.expect_navigation(wait_until=wait.get("wait_until", "domcontentloaded")):
        locator.click()
