"""The header in a browser: on a 360 px phone the brand, the notifications link, the menu
toggle and the open menu keep off the screen's edges; on a desktop the brand lines up with
the page content; the current section carries aria-current; the unread count leads to the
notifications, and opening one marks it read; axe finds no serious or critical problem on the
notifications and profile pages."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from django.utils import translation

from people.models import NotificationKind
from people.notifications import notification_send
from tests.e2e.conftest import login, navigate

pytestmark = pytest.mark.django_db(transaction=True)

EDGE = 8  # px: nothing of the header may come closer than this to either side of the screen


def zh_url(name: str) -> str:
    with translation.override("zh-hant"):
        return reverse(name)


def _serious(page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']}"
        for v in results.response["violations"]
        if v.get("impact") in {"serious", "critical"}
    ]


def _off_the_edges(page, selector: str) -> None:
    width = page.viewport_size["width"]
    boxes = page.locator(selector).evaluate_all(
        """els => els.filter(e => e.offsetParent !== null)
                     .map(e => { const r = e.getBoundingClientRect();
                                 return {left: r.left, right: r.right, what: e.outerHTML.slice(0, 60)}; })"""
    )
    assert boxes, selector
    for box in boxes:
        assert box["left"] >= EDGE and box["right"] <= width - EDGE, box


def _notify(user, title: str, url: str):
    return notification_send(
        user=user, kind=NotificationKind.DECISION, title=title, body="請查看評量頁面。", url=url
    )


def test_on_a_phone_the_header_keeps_off_the_edges(phone_page, live_server, trainee):
    page = phone_page
    page.emulate_media(reduced_motion="reduce")
    _notify(trainee, "評量決定已記錄", zh_url("assessments:me"))
    login(page, live_server, trainee)
    page.goto(live_server.url + zh_url("training:dashboard"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    _off_the_edges(page, ".site-header .navbar-brand")
    _off_the_edges(page, ".site-header [data-testid=notifications-link]")
    _off_the_edges(page, ".site-header .navbar-toggler")
    brand, toggler = page.locator(".navbar-brand"), page.locator(".navbar-toggler")
    # One row: the toggle sits beside the brand, not under it.
    assert abs(brand.bounding_box()["y"] - toggler.bounding_box()["y"]) < 20

    toggler.click()
    page.locator("#site-nav.show").wait_for()
    _off_the_edges(page, "#site-nav .nav-link")
    _off_the_edges(page, "#site-nav [data-testid=language-switcher]")
    _off_the_edges(page, "#site-nav [data-testid=signed-in-as]")
    _off_the_edges(page, "#site-nav form button[type=submit]")
    learning = page.locator('#site-nav [data-nav="learning"]')
    assert learning.get_attribute("aria-current") == "page"
    assert page.locator('#site-nav [aria-current="page"]').count() == 1


def test_on_a_desktop_the_brand_lines_up_with_the_content(page, live_server, assessor):
    login(page, live_server, assessor)
    page.goto(live_server.url + zh_url("assessments:dashboard"))
    brand = page.locator(".site-header .navbar-brand").bounding_box()
    content_left = page.locator("main").evaluate(
        "m => m.getBoundingClientRect().left + parseFloat(getComputedStyle(m).paddingLeft)"
    )
    assert abs(brand["x"] - content_left) <= 1
    nav = page.get_by_test_id("role-nav")
    assert nav.locator('[data-nav="assessing"]').get_attribute("aria-current") == "page"
    assert nav.locator('[data-nav="marking"]').get_attribute("aria-current") is None
    # Every section link on one line at 1280 px.
    tops = {
        round(box["y"])
        for box in nav.locator(".nav-link").evaluate_all(
            "els => els.map(e => e.getBoundingClientRect())"
        )
    }
    assert len(tops) == 1


def test_the_unread_count_leads_to_the_notification_and_opening_reads_it(
    page, live_server, trainee
):
    _notify(trainee, "較早的通知", zh_url("training:dashboard"))
    _notify(trainee, "評量決定已記錄", zh_url("assessments:me"))
    login(page, live_server, trainee)
    link = page.get_by_test_id("notifications-link")
    assert page.get_by_test_id("unread-count").locator("[aria-hidden=true]").inner_text() == "2"
    assert "2 則未讀" in link.locator(".visually-hidden").inner_text()
    navigate(page, link)
    assert link.get_attribute("aria-current") == "page"
    items = page.get_by_test_id("notification")
    assert items.first.inner_text().count("評量決定已記錄") == 1  # newest first
    assert items.first.get_attribute("data-unread") == "true"
    navigate(page, items.first.get_by_role("link", name="評量決定已記錄"))
    assert page.url == live_server.url + zh_url("assessments:me")
    assert page.get_by_test_id("unread-count").locator("[aria-hidden=true]").inner_text() == "1"
    page.goto(live_server.url + zh_url("notifications"))
    navigate(page, page.get_by_role("button", name="全部標為已讀"))
    assert page.get_by_test_id("unread-count").count() == 0
    assert page.locator('[data-unread="true"]').count() == 0


@pytest.mark.parametrize("viewport", ["page", "phone_page"])
@pytest.mark.parametrize("prefix", ["", "/en"])
def test_notifications_and_profile_pages_are_accessible(
    request, live_server, trainee, viewport, prefix
):
    page = request.getfixturevalue(viewport)
    _notify(trainee, "評量決定已記錄", zh_url("assessments:me"))
    _notify(trainee, "已讀的通知", zh_url("training:dashboard"))
    login(page, live_server, trainee)
    page.goto(live_server.url + prefix + zh_url("notifications"))
    assert page.get_by_test_id("notification").count() == 2
    assert _serious(page) == []
    page.goto(live_server.url + prefix + zh_url("profile"))
    assert page.get_by_test_id("printed-name").inner_text() == trainee.profile.full_name
    assert _serious(page) == []


def test_saving_english_on_the_profile_switches_the_site(page, live_server, trainee):
    login(page, live_server, trainee)
    page.goto(live_server.url + zh_url("profile"))
    page.select_option("#id_language", "en")
    page.get_by_label("申訴結果").uncheck()
    navigate(page, page.get_by_role("button", name="儲存"))
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.url.endswith("/en/accounts/me/profile/")
    assert page.get_by_label("Appeal outcomes").is_checked() is False
    assert page.get_by_label("Assessment decisions").is_checked() is True
