"""The attempt page a learner trusts, in the browser (issue 16): on a 360 px phone the
question navigation panel (a bar at the bottom, opened on demand) shows answered / not
answered / flagged states in words, a flag for review survives a reload, jumping lands in
the question, the confirm step lists what is unanswered and flagged; the timer warns at 5
and 1 minutes through a live region and submits at 0 (Playwright's clock, no waiting); on
desktop the panel stays in view. axe finds nothing serious and nothing overflows."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.e2e.conftest import login
from tests.factories.quizzes import quiz_setup
from training.models.quiz_attempts import QuizAttempt

pytestmark = pytest.mark.django_db(transaction=True)


def _serious(page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} {[(n['target'], n.get('failureSummary')) for n in v['nodes']]}"
        for v in results.response["violations"]
        if v.get("impact") in {"serious", "critical"}
    ]


def _no_overflow(page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def _start(page, live_server, quiz):
    page.goto(f"{live_server.url}/learn/quiz/{quiz.pk}/")
    page.get_by_test_id("start-attempt").click()
    page.wait_for_url("**/learn/quiz/attempt/*/")


def _spoken(item) -> str:
    """The words a screen reader reads for a navigation item (hidden word spans skipped)."""
    return item.evaluate(
        "el => Array.from(el.querySelectorAll('.visually-hidden'))"
        ".filter(s => !s.hidden).map(s => s.textContent).join('').trim()"
    )


def test_navigation_flags_and_the_summary_on_a_phone(phone_page, live_server, trainee):
    quiz, _questions = quiz_setup(
        trainee, types=("single", "multiple", "true_false", "numeric"), shuffle_options=False
    )
    page = phone_page
    login(page, live_server, trainee)
    _start(page, live_server, quiz)
    _no_overflow(page, 360)

    # The compact bar: the count, and the panel opened on demand.
    panel = page.locator("#quiz-nav-panel")
    expect(panel).to_be_hidden()
    toggle = page.get_by_test_id("nav-toggle")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    toggle.click()
    expect(panel).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    assert _spoken(page.get_by_test_id("nav-1")) == "第 1 題 尚未作答"

    # Answering updates the panel at once (and the autosave keeps it).
    with page.expect_response(
        lambda r: "/save/" in r.url and 'name="q1"' in (r.request.post_data or "")
    ):
        page.get_by_label("正確選項").check()
    expect(page.get_by_test_id("nav-1")).to_have_class("quiz-nav-item is-answered")
    assert _spoken(page.get_by_test_id("nav-1")) == "第 1 題 已作答"
    expect(page.locator("[data-count-answered]").first).to_have_text("1")

    # Flag question 3 for review: kept for this attempt across a reload.
    flag = page.get_by_test_id("flag-3")
    flag.click()
    expect(flag).to_have_attribute("aria-pressed", "true")
    page.reload()
    expect(page.get_by_test_id("flag-3")).to_have_attribute("aria-pressed", "true")
    page.get_by_test_id("nav-toggle").click()
    item = page.get_by_test_id("nav-3")
    expect(item).to_have_class("quiz-nav-item is-unanswered is-flagged")
    assert _spoken(item) == "第 3 題 尚未作答，已標記待檢查"
    _no_overflow(page, 360)
    assert _serious(page) == []

    # Jump to question 4: the panel closes and the focus is in the question.
    page.get_by_test_id("nav-4").click()
    expect(panel).to_be_hidden()
    assert page.evaluate("document.activeElement.closest('fieldset').id") == "slot-4"

    # The confirm step: what is unanswered and flagged, with links; going back is safe.
    page.get_by_test_id("submit-attempt").click()
    dialog = page.get_by_test_id("confirm-dialog")
    expect(dialog).to_be_visible()
    unanswered = dialog.get_by_test_id("summary-unanswered")
    expect(unanswered.locator("a:visible")).to_have_text(["第 2 題", "第 3 題", "第 4 題"])
    expect(dialog.get_by_test_id("summary-flagged").locator("a:visible")).to_have_text(["第 3 題"])
    assert _serious(page) == []
    dialog.get_by_test_id("confirm-cancel").click()
    expect(dialog).to_be_hidden()
    assert QuizAttempt.objects.get(quiz=quiz).state == QuizAttempt.State.IN_PROGRESS

    # A link in the summary jumps to the question.
    page.get_by_test_id("submit-attempt").click()
    dialog.get_by_test_id("summary-unanswered").get_by_text("第 2 題").click()
    expect(dialog).to_be_hidden()
    assert page.evaluate("document.activeElement.closest('fieldset').id") == "slot-2"

    page.get_by_test_id("submit-attempt").click()
    dialog.get_by_test_id("confirm-submit").click()
    page.wait_for_url("**/result/")
    expect(page.get_by_test_id("result-unanswered")).to_contain_text("你有 3 題未作答")
    assert QuizAttempt.objects.get(quiz=quiz).state == QuizAttempt.State.GRADED
    _no_overflow(page, 360)


def test_timer_warns_at_5_and_1_minutes_then_submits(phone_page, live_server, trainee):
    quiz, _questions = quiz_setup(
        trainee, types=("single", "true_false"), shuffle_options=False, time_limit_minutes=6
    )
    page = phone_page
    page.clock.install()
    login(page, live_server, trainee)
    _start(page, live_server, quiz)
    timer = page.get_by_test_id("quiz-timer")
    alert = page.get_by_test_id("timer-alert")
    expect(timer).to_be_visible()
    expect(timer.locator("[data-quiz-timer]")).to_have_text(re.compile(r"^[56]:\d\d$"))
    expect(alert).to_have_attribute("aria-live", "assertive")
    expect(alert).to_have_text("")

    page.clock.fast_forward("01:05")
    expect(alert).to_contain_text("剩下不到 5 分鐘")
    expect(timer).to_have_class("quiz-timer is-warning")
    expect(timer).to_be_in_viewport()
    _no_overflow(page, 360)
    assert _serious(page) == []

    page.get_by_label("正確選項").check()
    page.clock.fast_forward("04:00")
    expect(alert).to_contain_text("剩下不到 1 分鐘")
    expect(timer).to_have_class("quiz-timer is-warning is-urgent")

    with page.expect_navigation(url="**/result/"):
        page.clock.fast_forward("01:00")
    attempt = QuizAttempt.objects.get(quiz=quiz)
    assert attempt.state == QuizAttempt.State.GRADED and not attempt.closed_late
    assert attempt.responses.get(slot=1).answer is not None  # the answer given was kept


def test_the_panel_and_the_timer_stay_in_view_on_desktop(page, live_server, trainee):
    quiz, _questions = quiz_setup(trainee, count=12, time_limit_minutes=30)
    login(page, live_server, trainee)
    _start(page, live_server, quiz)
    page.get_by_test_id("nav-12").click()
    assert page.evaluate("document.activeElement.closest('fieldset').id") == "slot-12"
    expect(page.get_by_test_id("quiz-nav")).to_be_in_viewport()
    expect(page.get_by_test_id("quiz-timer")).to_be_in_viewport()
    expect(page.get_by_test_id("nav-toggle")).to_be_hidden()
    _no_overflow(page, 1280)
    assert _serious(page) == []
