"""A trainee plays a demo scenario on a phone, one step at a time, to an ending."""

import pytest

from content.demo import scenarios as demo
from content.demo.unit import seed_unit
from content.pages.scenario import ScenarioPage
from tests.e2e.conftest import login, navigate
from tests.e2e.test_scenario_run import move
from tests.factories.scenarios import enrol, make_module

pytestmark = pytest.mark.django_db(transaction=True)

EXCELLENT_PATH = [  # join-at-the-till: the privacy-first good path
    "了解，很多人都會擔心個資",
    "手機號碼用來查點數和寄會員通知",
    "滿 100 點就能折；每一點從入帳起",
    "請您在這台平板輸入手機號碼",
    "有的，今天這筆的點數已經入帳",
]


def test_play_demo_scenario_on_a_phone(phone_page, live_server, trainee):
    module = make_module(unit=seed_unit(), course_slug=demo.COURSE_SLUG, module_slug="basics")
    demo.load()
    enrol(trainee, module)
    scenario = ScenarioPage.objects.get(slug="join-at-the-till")
    page = phone_page
    login(page, live_server, trainee)
    page.goto(f"{live_server.url}/learn/scenarios/{scenario.pk}/")
    assert "林小姐" in page.locator("main").inner_text()
    # Starting is a form post and a new page; each move is posted by the page's script and
    # swapped in place (move() waits for the new run state), so the history does not grow.
    navigate(page, page.get_by_test_id("scenario-begin"))

    # A poor first choice, taken back (the scenario allows going back).
    move(page, page.get_by_test_id("scenario-choice").filter(has_text="大家都有加"))
    assert "催促" in page.get_by_test_id("scenario-feedback").inner_text()
    move(page, page.get_by_test_id("scenario-back"))
    assert "不太想留電話" in page.get_by_test_id("scenario-step").inner_text()

    for number, words in enumerate(EXCELLENT_PATH):
        choices = page.get_by_test_id("scenario-choice")
        assert choices.count() >= 2
        move(page, choices.filter(has_text=words))
        if number == 1:
            page.reload(wait_until="domcontentloaded")  # refreshing resumes at the same step
            assert "好處" in page.get_by_test_id("scenario-step").inner_text()
        if number < len(EXCELLENT_PATH) - 1:
            assert page.get_by_test_id("scenario-feedback").is_visible()

    outcome = page.get_by_test_id("scenario-outcome")
    assert outcome.get_attribute("data-rating") == "excellent"
    assert page.get_by_test_id("scenario-verdict").get_attribute("data-passed") == "true"
    transcript = page.get_by_test_id("scenario-transcript").inner_text()
    assert "了解，很多人都會擔心個資" in transcript and "大家都有加" not in transcript
    assert "T2.3" in page.get_by_test_id("scenario-indicators").inner_text()
    # Nothing is wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    navigate(page, page.get_by_test_id("scenario-replay"))
    assert "不太想留電話" in page.get_by_test_id("scenario-step").inner_text()
