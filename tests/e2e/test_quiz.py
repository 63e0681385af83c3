"""A trainee takes a quiz in the browser: answers autosave, the attempt is submitted and
graded on the server, and the review follows the quiz's policy."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from content.pages.quiz import QuizPage
from tests.e2e.conftest import login
from tests.factories.quizzes import quiz_setup
from training.models.quiz_attempts import QuizAttempt

pytestmark = pytest.mark.django_db(transaction=True)


def make_quiz(trainee, **fields):
    quiz, questions = quiz_setup(
        trainee,
        types=("single", "numeric", "true_false"),
        shuffle_options=False,
        pass_mark=60,
        **fields,
    )
    numeric = questions[1]
    numeric.numeric_answer = Decimal("32.5")
    numeric.numeric_tolerance = Decimal("0.1")
    numeric.feedback = "208 ÷ 640 × 100 ＝ 32.5"
    numeric.save()
    return quiz, questions


def test_trainee_takes_a_quiz_and_sees_the_review(page, live_server, trainee):
    quiz, questions = make_quiz(trainee)
    login(page, live_server, trainee)
    page.goto(live_server.url + quiz.url)  # the Wagtail page sends trainees to the quiz
    page.get_by_test_id("start-attempt").click()
    page.wait_for_url("**/learn/quiz/attempt/*/")

    # Nothing about the right answers is on the page before submission.
    html = page.content()
    assert "208 ÷ 640" not in html and "32.5" not in html

    page.get_by_label("正確選項").check()
    # Autosave is debounced: wait for the save that carries the last answer, not just any.
    with page.expect_response(
        lambda r: "/save/" in r.url and "32.5" in (r.request.post_data or "")
    ) as saved:
        page.fill("input[name=q2]", "32.5")
    assert saved.value.ok
    expect(page.locator("[data-quiz-status]")).to_have_text(re.compile(r"\S"))
    # Autosaved: a reload brings the answers back.
    page.reload()
    assert page.get_by_label("正確選項").is_checked()
    assert page.input_value("input[name=q2]") == "32.5"

    page.locator("input[name=q3][value=false]").check()  # the statement is true: wrong
    page.get_by_test_id("submit-attempt").click()  # the confirm step first
    dialog = page.get_by_test_id("confirm-dialog")
    expect(dialog).to_be_visible()
    expect(dialog.locator("[data-summary-complete]")).to_be_visible()
    dialog.get_by_test_id("confirm-submit").click()
    page.wait_for_url("**/result/")

    attempt = QuizAttempt.objects.get(trainee=trainee)
    assert attempt.state == QuizAttempt.State.GRADED
    assert attempt.score == Decimal("66.67") and attempt.passed
    assert page.get_by_test_id("result-passed").is_visible()
    review = page.get_by_test_id("review-2")
    assert "208 ÷ 640" in review.inner_text()
    assert page.get_by_test_id("review-3").is_visible()


def test_review_is_withheld_when_the_policy_says_never(phone_page, live_server, trainee):
    quiz, _questions = make_quiz(trainee, review_policy=QuizPage.ReviewPolicy.NEVER)
    page = phone_page
    login(page, live_server, trainee)
    page.goto(f"{live_server.url}/learn/quiz/{quiz.pk}/")
    page.get_by_test_id("start-attempt").click()
    page.wait_for_url("**/learn/quiz/attempt/*/")
    page.fill("input[name=q2]", "10")
    page.get_by_test_id("submit-attempt").click()
    page.get_by_test_id("confirm-submit").click()
    page.wait_for_url("**/result/")
    assert page.get_by_test_id("result-failed").is_visible()
    assert page.get_by_test_id("no-review").is_visible()
    assert "208 ÷ 640" not in page.content()
