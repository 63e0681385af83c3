"""Quiz and marking views: every role, answer leaks, review policies, autosave JSON."""

import json
import random
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from assessments.services.workspace import assessor_assignment_create
from content.pages.quiz import QuizPage
from people.models import Cohort
from tests.factories.quizzes import FormData, answer_data, enrol, make_question, quiz_setup
from training.models.quiz_attempts import QuizAttempt
from training.services import quizzes as services

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "trainee", "other_trainee", "trainer", "assessor", "admin")
SECRET_FEEDBACK = "祕密回饋"
SECRET_OPTION_FEEDBACK = "祕密選項說明"
SECRET_MODEL = "祕密範例答案"


def leak_quiz(trainee, **fields):
    """A quiz whose correct answers carry texts that must not reach the page too early."""
    quiz, questions = quiz_setup(trainee, **fields)
    for question in questions:
        question.feedback = f"{SECRET_FEEDBACK}[{question.pk}]"
        question.model_answer = SECRET_MODEL if question.qtype == "written" else ""
        if question.qtype == "numeric":
            question.numeric_answer = Decimal("4321.5")
        question.save()
        question.options.update(feedback=SECRET_OPTION_FEEDBACK)
    return quiz, questions


def start(quiz, trainee):
    return services.quiz_attempt_start(quiz=quiz, trainee=trainee, rng=random.Random(3))


def submit(attempt, trainee, correct=True):
    data = FormData(answer_data(attempt, correct=correct))
    return services.quiz_attempt_submit(
        attempt_id=attempt.pk, trainee=trainee, data=data, sequence=int(data["seq"])
    )


def assert_no_leak(html: str, *extra: str):
    for secret in (
        SECRET_FEEDBACK,
        SECRET_OPTION_FEEDBACK,
        SECRET_MODEL,
        "4321.5",
        "is_correct",
        "is-correct",
        "data-correct",
        *extra,
    ):
        assert secret not in html, secret


# --- role matrices ----------------------------------------------------------------------

EXPECTED_TRAINEE_VIEW = {
    "anonymous": 302,
    "other_trainee": 404,
    "trainer": 403,
    "assessor": 403,
    "admin": 403,
}


@pytest.fixture
def setup(client_as):
    _client, trainee = client_as("trainee")
    _c, other = client_as("other_trainee")
    quiz, questions = leak_quiz(trainee)
    enrol(other, quiz.get_parent().specific)  # enrolled too: still 404 on the trainee's attempt
    attempt = start(quiz, trainee)
    return quiz, attempt


@pytest.mark.parametrize("role", ROLES)
def test_quiz_page_per_role(client_as, role, trainee):
    quiz, _questions = quiz_setup(trainee)
    client, _user = client_as(role)
    response = client.get(reverse("training:quiz", args=[quiz.pk]))
    expected = {**EXPECTED_TRAINEE_VIEW, "trainee": 200, "other_trainee": 404}[role]
    assert response.status_code == expected
    if role == "anonymous":
        assert "/accounts/login/" in response["Location"]
    if role == "trainee":
        assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
        assert 'data-testid="start-attempt"' in response.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_start_per_role(client_as, role, trainee):
    quiz, _questions = quiz_setup(trainee)
    client, user = client_as(role)
    response = client.post(reverse("training:quiz_start", args=[quiz.pk]))
    expected = {**EXPECTED_TRAINEE_VIEW, "trainee": 302}[role]
    assert response.status_code == expected
    assert QuizAttempt.objects.count() == (1 if role == "trainee" else 0)
    if role == "trainee":
        assert client.get(reverse("training:quiz_start", args=[quiz.pk])).status_code == 405


@pytest.mark.parametrize("role", ROLES)
def test_take_attempt_per_role(client_as, role, setup):
    _quiz, attempt = setup
    client, _user = client_as(role)
    response = client.get(reverse("training:quiz_attempt", args=[attempt.pk]))
    assert response.status_code == {**EXPECTED_TRAINEE_VIEW, "trainee": 200}[role]


@pytest.mark.parametrize("role", ROLES)
def test_save_per_role(client_as, role, setup):
    _quiz, attempt = setup
    client, _user = client_as(role)
    data = answer_data(attempt, seq=1)
    response = client.post(
        reverse("training:quiz_save", args=[attempt.pk]), data, HTTP_X_REQUESTED_WITH="fetch"
    )
    assert response.status_code == {**EXPECTED_TRAINEE_VIEW, "trainee": 200}[role]
    attempt.refresh_from_db()
    assert attempt.sequence == (1 if role == "trainee" else 0)
    if role == "trainee":
        body = response.json()
        assert body["saved"] is True and body["seq"] == 1
        assert_no_leak(json.dumps(body))
        stale = client.post(
            reverse("training:quiz_save", args=[attempt.pk]), data, HTTP_X_REQUESTED_WITH="fetch"
        )
        assert stale.status_code == 409 and stale.json()["reason"] == "stale"


@pytest.mark.parametrize("role", ROLES)
def test_submit_per_role(client_as, role, setup):
    _quiz, attempt = setup
    client, _user = client_as(role)
    response = client.post(reverse("training:quiz_submit", args=[attempt.pk]), answer_data(attempt))
    assert response.status_code == {**EXPECTED_TRAINEE_VIEW, "trainee": 302}[role]
    attempt.refresh_from_db()
    assert attempt.is_finished is (role == "trainee")


@pytest.mark.parametrize("role", ROLES)
def test_check_per_role(client_as, role, trainee):
    quiz, _questions = leak_quiz(trainee, review_policy=QuizPage.ReviewPolicy.IMMEDIATELY)
    attempt = start(quiz, trainee)
    client, _user = client_as(role)
    response = client.post(
        reverse("training:quiz_check", args=[attempt.pk, 1]), answer_data(attempt)
    )
    assert response.status_code == {**EXPECTED_TRAINEE_VIEW, "trainee": 302}[role]
    assert attempt.responses.get(slot=1).checked is (role == "trainee")


@pytest.mark.parametrize("role", ROLES)
def test_result_per_role(client_as, role, setup):
    _quiz, attempt = setup
    submit(attempt, attempt.trainee)
    client, _user = client_as(role)
    response = client.get(reverse("training:quiz_result", args=[attempt.pk]))
    assert response.status_code == {**EXPECTED_TRAINEE_VIEW, "trainee": 200}[role]
    if role == "trainee":
        assert "no-store" in response["Cache-Control"]


MARKER_VIEW = {
    "anonymous": 302,
    "trainee": 403,
    "other_trainee": 403,
    "trainer": 403,  # marking is assessment (issue 13): assessors in scope and admins
    "assessor": 200,
    "admin": 200,
}


@pytest.fixture
def written(client_as):
    _c, trainee = client_as("trainee")
    _c, assessor = client_as("assessor")
    cohort = Cohort.objects.create(code="mark-q", name="評分梯次")
    trainee.profile.cohorts.add(cohort)
    assessor_assignment_create(admin=None, assessor=assessor, cohort=cohort)
    quiz, _questions = quiz_setup(trainee, types=("single", "written"), pass_mark=50)
    attempt = submit(start(quiz, trainee), trainee)
    return attempt, attempt.responses.get(question__qtype="written")


@pytest.mark.parametrize("role", ROLES)
def test_marking_queue_per_role(client_as, role, written):
    client, _user = client_as(role)
    response = client.get(reverse("assessments:marking_queue"))
    assert response.status_code == MARKER_VIEW[role]
    if response.status_code == 200:
        html = response.content.decode()
        assert html.count('data-testid="marking-row"') == 1
        assert reverse("assessments:marking_mark", args=[written[1].pk]) in html


@pytest.mark.parametrize("role", ROLES)
def test_marking_form_per_role(client_as, role, written):
    attempt, response_row = written
    client, _user = client_as(role)
    url = reverse("assessments:marking_mark", args=[response_row.pk])
    response = client.post(url, {"score": "1", "comment": "很好"})
    expected = {**MARKER_VIEW, "assessor": 302, "admin": 302}[role]
    assert response.status_code == expected
    attempt.refresh_from_db()
    if expected == 302 and role != "anonymous":
        assert attempt.state == QuizAttempt.State.GRADED and attempt.score == 100
    else:
        assert attempt.state == QuizAttempt.State.AWAITING_MARKING


def test_marking_bad_score_is_refused_with_a_message(client_as, written):
    attempt, response_row = written
    client, _user = client_as("assessor")
    response = client.post(
        reverse("assessments:marking_mark", args=[response_row.pk]), {"score": "5"}
    )
    assert response.status_code == 400
    assert "0" in response.content.decode()
    attempt.refresh_from_db()
    assert attempt.state == QuizAttempt.State.AWAITING_MARKING
    assert client.get(reverse("assessments:marking_mark", args=[999999])).status_code == 404


def test_marked_answer_leaves_the_queue_and_trainee_sees_comment(client_as, written):
    attempt, response_row = written
    marker, _user = client_as("assessor")
    marker.post(
        reverse("assessments:marking_mark", args=[response_row.pk]),
        {"score": "0.5", "comment": "再具體一點"},
    )
    assert (
        'data-testid="marking-row"'
        not in marker.get(reverse("assessments:marking_queue")).content.decode()
    )
    trainee_client, _t = client_as("trainee")
    html = trainee_client.get(reverse("training:quiz_result", args=[attempt.pk])).content.decode()
    assert "再具體一點" in html and "75" in html


# --- answer leaks and review policies -----------------------------------------------------


def test_attempt_page_never_contains_answers_or_feedback(client_as):
    client, trainee = client_as("trainee")
    quiz, questions = leak_quiz(trainee)
    client.post(reverse("training:quiz_start", args=[quiz.pk]))
    attempt = QuizAttempt.objects.get(trainee=trainee)
    html = client.get(reverse("training:quiz_attempt", args=[attempt.pk])).content.decode()
    assert_no_leak(html)
    # No option ids either: choices are named by their position in this trainee's order.
    for response in attempt.responses.filter(question__qtype__in=["single", "multiple"]):
        values = re.findall(rf'name="q{response.slot}" id="[^"]+" value="([^"]+)"', html)
        assert sorted(values) == [str(i) for i in range(len(response.option_order))]
    # Saved (wrong) answers come back into the form, still without the right ones.
    client.post(
        reverse("training:quiz_save", args=[attempt.pk]), answer_data(attempt, seq=1, correct=False)
    )
    html = client.get(reverse("training:quiz_attempt", args=[attempt.pk])).content.decode()
    assert_no_leak(html)
    assert "checked" in html


def test_review_after_submission_shows_answers(client_as):
    client, trainee = client_as("trainee")
    quiz, _questions = leak_quiz(trainee)
    attempt = start(quiz, trainee)
    response = client.post(reverse("training:quiz_submit", args=[attempt.pk]), answer_data(attempt))
    html = client.get(response["Location"]).content.decode()
    assert SECRET_FEEDBACK in html and SECRET_MODEL in html and "4321.5" in html


def test_review_never_shows_only_the_score(client_as):
    client, trainee = client_as("trainee")
    quiz, _questions = leak_quiz(
        trainee, review_policy=QuizPage.ReviewPolicy.NEVER, types=("single", "numeric")
    )
    attempt = start(quiz, trainee)
    client.post(
        reverse("training:quiz_submit", args=[attempt.pk]), answer_data(attempt, correct=False)
    )
    html = client.get(reverse("training:quiz_result", args=[attempt.pk])).content.decode()
    assert_no_leak(html, "正確選項")
    assert 'data-testid="result-failed"' in html and 'data-testid="no-review"' in html


def test_review_after_last_attempt(client_as):
    client, trainee = client_as("trainee")
    quiz, _questions = leak_quiz(
        trainee,
        review_policy=QuizPage.ReviewPolicy.AFTER_LAST_ATTEMPT,
        attempts_allowed=2,
        types=("single", "numeric"),
    )
    first = start(quiz, trainee)
    client.post(reverse("training:quiz_submit", args=[first.pk]), answer_data(first, correct=False))
    assert_no_leak(
        client.get(reverse("training:quiz_result", args=[first.pk])).content.decode(), "正確選項"
    )
    client.post(reverse("training:quiz_start", args=[quiz.pk]))
    second = QuizAttempt.objects.get(trainee=trainee, number=2)
    client.post(reverse("training:quiz_submit", args=[second.pk]), answer_data(second))
    html = client.get(reverse("training:quiz_result", args=[first.pk])).content.decode()
    assert SECRET_FEEDBACK in html and "4321.5" in html
    # No third attempt.
    assert client.post(reverse("training:quiz_start", args=[quiz.pk])).status_code == 302
    assert QuizAttempt.objects.filter(trainee=trainee).count() == 2


def test_immediate_review_shows_only_the_checked_question(client_as):
    client, trainee = client_as("trainee")
    quiz, questions = leak_quiz(
        trainee, review_policy=QuizPage.ReviewPolicy.IMMEDIATELY, types=("single", "numeric")
    )
    attempt = start(quiz, trainee)
    data = answer_data(attempt)
    data["q2"] = "12"
    response = client.post(reverse("training:quiz_check", args=[attempt.pk, 1]), data)
    assert response["Location"].endswith("#slot-1")
    html = client.get(reverse("training:quiz_attempt", args=[attempt.pk])).content.decode()
    assert f"{SECRET_FEEDBACK}[{questions[0].pk}]" in html
    assert f"{SECRET_FEEDBACK}[{questions[1].pk}]" not in html and "4321.5" not in html
    assert 'data-testid="review-1"' in html and 'data-testid="check-2"' in html


def test_late_submission_through_the_view(client_as):
    from datetime import timedelta

    from django.utils import timezone

    client, trainee = client_as("trainee")
    quiz, _questions = quiz_setup(trainee, types=("single",), time_limit_minutes=1)
    attempt = start(quiz, trainee)
    QuizAttempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - timedelta(minutes=5))
    response = client.post(reverse("training:quiz_submit", args=[attempt.pk]), answer_data(attempt))
    assert response.status_code == 302
    attempt.refresh_from_db()
    assert attempt.closed_late and attempt.score == 0
    # Opening the page of an overdue attempt closes it too (covered by the service test).
    replay = client.post(
        reverse("training:quiz_submit", args=[attempt.pk]), answer_data(attempt, seq=50)
    )
    assert replay.status_code == 302
    attempt.refresh_from_db()
    assert attempt.score == 0


def test_not_enrolled_trainee_cannot_start(client_as):
    client, trainee = client_as("trainee")
    quiz, _questions = quiz_setup(None)
    assert client.post(reverse("training:quiz_start", args=[quiz.pk])).status_code == 404
    assert not QuizAttempt.objects.exists()


def test_wagtail_quiz_page_sends_trainees_to_the_quiz(client_as):
    client, trainee = client_as("trainee")
    quiz, _questions = quiz_setup(trainee)
    response = client.get(quiz.url)
    assert response.status_code == 302
    assert response["Location"].endswith(reverse("training:quiz", args=[quiz.pk]))


def test_attempt_page_query_count_does_not_grow(client_as, django_assert_max_num_queries):
    client, trainee = client_as("trainee")
    for size in (2, 15):
        quiz, _questions = quiz_setup(trainee, types=("single", "matching", "ordering") * size)
        attempt = start(quiz, trainee)
        client.get(reverse("training:quiz_attempt", args=[attempt.pk]))  # warm caches
        with django_assert_max_num_queries(14):
            assert (
                client.get(reverse("training:quiz_attempt", args=[attempt.pk])).status_code == 200
            )
        make_question("single")
