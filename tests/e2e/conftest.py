"""Browser tests: Playwright drives Debian's chromium against pytest-django's live_server.

Use the `page` fixture and `login(page, live_server, user)`. Every test here is marked e2e."""

import os

import pytest
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


@pytest.fixture(autouse=True)
def _site_data(transactional_db):
    """Transactional tests flush the database after each test: put back what migrations
    would have created."""
    from wagtail.models import Locale

    from content.services.site import site_ensure_home
    from people.services import roles_sync

    Locale.objects.get_or_create(language_code="zh-hant")
    site_ensure_home()
    roles_sync()


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def context(browser):
    context = browser.new_context(locale="zh-TW", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    yield context
    context.close()


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
    )
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def login(page, live_server, user, password: str = PASSWORD) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", password)
    page.click("main form button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
