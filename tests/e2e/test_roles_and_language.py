import pytest

from tests.e2e.conftest import login

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize(
    ("fixture", "nav"),
    [
        ("trainee", "learning"),
        ("trainer", "authoring"),
        ("assessor", "assessing"),
        ("admin_user", "admin"),
    ],
)
def test_each_role_sees_its_navigation(request, page, live_server, fixture, nav):
    user = request.getfixturevalue(fixture)
    login(page, live_server, user)
    navigation = page.get_by_test_id("role-nav")
    assert navigation.locator(f'[data-nav="{nav}"]').count() == 1
    assert page.get_by_test_id("signed-in-as").inner_text() == user.profile.full_name
    others = {"learning", "authoring", "assessing", "admin"} - {nav}
    if nav == "admin":
        others -= {"authoring", "assessing"}
    for other in others:
        assert navigation.locator(f'[data-nav="{other}"]').count() == 0


def test_switch_language_to_english_and_back(page, live_server):
    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "zh-Hant"
    page.select_option("#language-select", "en")
    with page.expect_navigation():
        page.get_by_test_id("language-switcher").locator("button").click()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("link", name="Log in", exact=True).count() >= 1
    page.select_option("#language-select", "zh-hant")
    with page.expect_navigation():
        page.get_by_test_id("language-switcher").locator("button").click()
    assert page.locator("html").get_attribute("lang") == "zh-Hant"


def test_logout_ends_the_session(page, live_server, trainee):
    login(page, live_server, trainee)
    with page.expect_navigation():
        page.get_by_role("button", name="登出").click()
    assert page.get_by_test_id("signed-in-as").count() == 0
    page.goto(live_server.url + "/learn/")
    assert "/accounts/login/" in page.url
