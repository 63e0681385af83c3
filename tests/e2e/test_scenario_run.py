"""A role-play run in the browser: choices are swapped in place (Back leaves the run for the
page before it), the progress cue follows the graph, and the end screen reads on a phone
(indicator cards, no horizontal overflow, axe clean)."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import translation

from tests.e2e.conftest import login, navigate
from tests.factories.scenarios import enrol, make_module, make_scenario

pytestmark = pytest.mark.django_db(transaction=True)


def move(page, locator) -> None:
    """Click a choice (or "go back one step") and wait until the page shows the run's next
    state: the script posts the move and swaps the new content in place (no navigation)."""
    seq = page.locator("[data-scenario-run]").get_attribute("data-seq")
    locator.click()
    page.locator(f'[data-scenario-run]:not([data-seq="{seq}"]):not([aria-busy])').wait_for()


def _serious(page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']}"
        for v in results.response["violations"]
        if v.get("impact") in {"serious", "critical"}
    ]


def _start(page, live_server, trainee, **spec):
    module = make_module()
    enrol(trainee, module)
    scenario = make_scenario(module, **spec)
    login(page, live_server, trainee)
    with translation.override("zh-hant"):
        start_url = f"{live_server.url}/learn/scenarios/{scenario.pk}/"
    page.goto(start_url)
    navigate(page, page.get_by_test_id("scenario-begin"))
    return scenario, start_url


def test_choices_add_no_history_and_back_leaves_the_run(page, live_server, trainee):
    _scenario, start_url = _start(page, live_server, trainee, slug="back", extra_steps=2)
    run_url = page.url
    length = page.evaluate("history.length")
    for words in ("先聽您說", "點頭回應 0", "點頭回應 1"):
        move(page, page.get_by_test_id("scenario-choice").filter(has_text=words))
        assert page.url == run_url
    assert "那你能怎麼處理" in page.get_by_test_id("scenario-step").inner_text()
    assert page.evaluate("history.length") == length  # three choices, no new entries
    # Focus moved to what changed (the feedback), for keyboard and screen reader users.
    assert page.evaluate("document.activeElement.dataset.testid") == "scenario-feedback"
    page.go_back(wait_until="domcontentloaded")
    assert page.url == start_url
    assert page.get_by_test_id("scenario-begin").first.is_visible()  # the resume button


def test_progress_cue_follows_the_graph(page, live_server, trainee):
    _start(page, live_server, trainee, slug="cue", extra_steps=2)
    cue = page.get_by_test_id("scenario-progress")
    assert "第 1 步，約共 2 步" in cue.inner_text()
    bar = cue.locator("progress")
    assert bar.get_attribute("value") == "0"
    assert page.locator("#scenario-progress-label").inner_text() in cue.inner_text()
    move(page, page.get_by_test_id("scenario-choice").filter(has_text="先聽您說"))
    assert "第 2 步，共 4 步" in cue.inner_text()
    assert cue.get_attribute("data-exact") == "true"
    assert cue.locator("progress").get_attribute("value") == "25"


def test_end_screen_reads_on_a_phone(phone_page, live_server, trainee):
    page = phone_page
    _start(page, live_server, trainee, slug="phone")
    assert _serious(page) == []  # the run page
    move(page, page.get_by_test_id("scenario-choice").filter(has_text="系統不會錯的"))
    move(page, page.get_by_test_id("scenario-choice").filter(has_text="好吧"))
    outcome = page.get_by_test_id("scenario-outcome")
    assert outcome.get_attribute("data-rating") == "poor"
    rows = page.get_by_test_id("scenario-indicator")
    assert rows.count() == 2
    first = rows.first
    assert first.evaluate("el => getComputedStyle(el).display") == "block"  # a card, no table
    assert "指標 T2.1" in first.inner_text() and "0 / 3 分" in first.inner_text()
    assert "「系統不會錯的。」扣 1 分。" in first.inner_text()
    narration = outcome.locator(".narration")
    assert narration.evaluate("el => getComputedStyle(el).fontStyle") == "italic"
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert _serious(page) == []
