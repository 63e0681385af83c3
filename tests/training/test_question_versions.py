"""Quiz attempts are pinned to the question versions they were drawn with (Moodle's question
versioning): a trainer's later edit of the bank question never changes an attempt in
progress, its grading, its review or its marking, and item analysis keeps versions apart."""

import csv
import importlib
import io
import random
import re
from decimal import Decimal

import pytest
from django.db.models import Prefetch
from django.test import Client
from django.urls import reverse

from assessments.services.workspace import assessor_assignment_create
from content.models.questions import Question, QuestionOption
from people.models import Cohort
from tests.factories.people import make_trainee
from tests.factories.quizzes import (
    FormData,
    answer_data,
    enrol,
    make_module,
    make_question,
    make_quiz,
    quiz_setup,
)
from training.models.question_versions import QuestionVersion
from training.models.quiz_attempts import QuizAttempt
from training.question_snapshots import content_digest, snapshot_content
from training.services import quizzes as services
from training.services.question_versions import question_version_current

pytestmark = pytest.mark.django_db

OLD_TEXT = "顧客抱怨商品瑕疵時，第一步應該做什麼？"
NEW_TEXT = "顧客要求退貨時，第一步應該做什麼？"


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def edit_question(question: Question, **fields) -> None:
    """A trainer's published edit, as it lands on the bank row."""
    Question.objects.filter(pk=question.pk).update(**fields)


def start_over_http(client, quiz) -> QuizAttempt:
    response = client.post(reverse("training:quiz_start", args=[quiz.pk]))
    attempt = QuizAttempt.objects.filter(quiz=quiz).latest("pk")
    assert response["Location"] == reverse("training:quiz_attempt", args=[attempt.pk])
    return attempt


def position_of(attempt: QuizAttempt, option_id: int) -> str:
    return str(attempt.responses.get(slot=1).option_order.index(option_id))


@pytest.fixture
def edited(client_as):
    """A trainee mid-attempt on a single-choice question; then the trainer edits the text,
    an option's text, which option is right and the points, and deletes an option."""
    client, trainee = client_as("trainee")
    module = make_module()
    question = make_question(
        "single",
        text=OLD_TEXT,
        options=[("先道歉並了解狀況", True), ("立刻退款", False), ("請顧客改天再來", False)],
    )
    quiz = make_quiz(module, [question], attempts_allowed=0, shuffle_options=True)
    enrol(trainee, module)
    first = start_over_http(client, quiz)
    right, wrong, dropped = question.options.order_by("sort_order")
    edit_question(question, text=NEW_TEXT, points=Decimal("5"))
    QuestionOption.objects.filter(pk=wrong.pk).update(text="先確認發票", is_correct=True)
    QuestionOption.objects.filter(pk=right.pk).update(is_correct=False)
    dropped.delete()
    return client, quiz, question, first, (right, wrong, dropped)


def test_an_attempt_in_progress_keeps_the_question_it_drew(edited):
    client, _quiz, _question, first, (right, wrong, dropped) = edited
    html = client.get(reverse("training:quiz_attempt", args=[first.pk])).content.decode()
    assert OLD_TEXT in html and NEW_TEXT not in html
    assert "立刻退款" in html and "先確認發票" not in html
    assert "請顧客改天再來" in html  # the deleted option is still offered
    assert "配分：1)" in html and "配分：5" not in html


def test_grading_and_review_follow_the_old_key(edited):
    client, _quiz, _question, first, (right, wrong, _dropped) = edited
    response = client.post(
        reverse("training:quiz_submit", args=[first.pk]),
        {"seq": "1", "q1": position_of(first, right.pk)},
    )
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.state == QuizAttempt.State.GRADED
    assert first.score == 100 and first.points_possible == Decimal("1")
    html = client.get(reverse("training:quiz_result", args=[first.pk])).content.decode()
    assert OLD_TEXT in html and NEW_TEXT not in html
    review = html[html.index('data-testid="review-1"') :]
    assert "先道歉並了解狀況" in review  # the old key's right option, in its old words
    assert "立刻退款" not in review and "先確認發票" not in html


def test_a_new_attempt_draws_the_new_version_and_its_key(edited):
    client, quiz, question, first, (right, wrong, _dropped) = edited
    client.post(
        reverse("training:quiz_submit", args=[first.pk]),
        {"seq": "1", "q1": position_of(first, right.pk)},
    )
    second = start_over_http(client, quiz)
    assert second.pk != first.pk
    html = client.get(reverse("training:quiz_attempt", args=[second.pk])).content.decode()
    assert NEW_TEXT in html and "先確認發票" in html and "請顧客改天再來" not in html
    client.post(
        reverse("training:quiz_submit", args=[second.pk]),
        {"seq": "1", "q1": position_of(second, right.pk)},  # right by the old key only
    )
    second.refresh_from_db()
    assert second.score == 0 and second.points_possible == Decimal("5")
    third = start_over_http(client, quiz)
    client.post(
        reverse("training:quiz_submit", args=[third.pk]),
        {"seq": "1", "q1": position_of(third, wrong.pk)},
    )
    third.refresh_from_db()
    assert third.score == 100
    versions = {
        attempt.pk: attempt.responses.get().question_version.number
        for attempt in (first, second, third)
    }
    assert versions == {first.pk: 1, second.pk: 2, third.pk: 2}
    assert question.versions.count() == 2


def test_the_marker_reads_the_model_answer_of_the_version_answered(client_as):
    trainee_client, trainee = client_as("trainee")
    marker, assessor = client_as("assessor")
    cohort = Cohort.objects.create(code="ver-mark", name="版本評分梯次")
    trainee.profile.cohorts.add(cohort)
    assessor_assignment_create(admin=None, assessor=assessor, cohort=cohort)
    quiz, (question,) = quiz_setup(trainee, types=("written",))
    edit_question(question, text=OLD_TEXT, model_answer="舊範例：先道歉再補救")
    attempt = start_over_http(trainee_client, quiz)
    trainee_client.post(
        reverse("training:quiz_submit", args=[attempt.pk]), {"seq": "1", "q1": "我會先道歉。"}
    )
    edit_question(question, text=NEW_TEXT, model_answer="新範例：先確認發票")
    queue = marker.get(reverse("assessments:marking_queue")).content.decode()
    assert OLD_TEXT in queue and NEW_TEXT not in queue
    response_row = attempt.responses.get()
    url = reverse("assessments:marking_mark", args=[response_row.pk])
    html = marker.get(url).content.decode()
    assert "舊範例：先道歉再補救" in html and "新範例" not in html
    assert OLD_TEXT in html and NEW_TEXT not in html
    assert marker.post(url, {"score": "1", "comment": "好"}).status_code == 302
    attempt.refresh_from_db()
    assert attempt.state == QuizAttempt.State.GRADED and attempt.score == 100


def _answer(quiz, trainee, *, correct: bool, seed: int):
    attempt = services.quiz_attempt_start(quiz=quiz, trainee=trainee, rng=random.Random(seed))
    data = FormData(answer_data(attempt, correct=correct))
    services.quiz_attempt_submit(
        attempt_id=attempt.pk, trainee=trainee, data=data, sequence=int(data["seq"])
    )


def test_item_analysis_keeps_versions_apart(client_as):
    client, _trainer = client_as("trainer")
    module = make_module()
    question = make_question("single", code="retention-01", text=OLD_TEXT)
    quiz = make_quiz(module, [question], attempts_allowed=0)
    for seed in range(3):  # v1: everybody right
        trainee = make_trainee()
        enrol(trainee, module)
        _answer(quiz, trainee, correct=True, seed=seed)
    edit_question(question, text=NEW_TEXT)
    for seed in range(2):  # v2: everybody wrong
        trainee = make_trainee()
        enrol(trainee, module)
        _answer(quiz, trainee, correct=False, seed=seed)
    html = client.get(reverse("item_analysis:detail", args=[quiz.pk])).content.decode()
    rows = re.findall(
        r'<tr data-question="retention-01" data-version="(\d+)">(.*?)</tr>', html, re.S
    )
    by_version = dict(rows)
    assert set(by_version) == {"1", "2"}
    assert "retention-01 v1" in by_version["1"] and OLD_TEXT in by_version["1"]
    assert "retention-01 v2" in by_version["2"] and NEW_TEXT in by_version["2"]
    assert re.search(r'data-col="answered">3 / 3<', by_version["1"])
    assert re.search(r'data-col="facility">1\.00<', by_version["1"])
    assert re.search(r'data-col="answered">2 / 2<', by_version["2"])
    assert re.search(r'data-col="facility">0\.00<', by_version["2"])
    export = client.get(reverse("item_analysis:csv", args=[quiz.pk]))
    lines = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert [line[0] for line in lines[1:]] == ["retention-01 v1", "retention-01 v2"]


def test_an_unchanged_question_is_one_version_however_often_drawn(trainee, other_trainee):
    quiz, questions = quiz_setup(trainee, attempts_allowed=0)
    enrol(other_trainee, quiz.get_parent().specific)
    for user in (trainee, other_trainee, trainee):
        _answer(quiz, user, correct=True, seed=user.pk)
    assert QuestionVersion.objects.filter(question__in=questions).count() == len(questions)
    assert all(q.versions.get().number == 1 for q in questions)
    # A new option order is not a new version; an edit of an option's text is.
    option = questions[0].options.first()
    QuestionOption.objects.filter(pk=option.pk).update(text="改過的選項")
    _answer(quiz, other_trainee, correct=True, seed=9)
    assert list(questions[0].versions.values_list("number", flat=True)) == [1, 2]
    assert questions[1].versions.count() == 1


def test_question_version_current_is_one_query_when_it_exists(django_assert_num_queries):
    question = make_question("multiple")
    first = question_version_current(question=question)
    prefetched = Question.objects.prefetch_related(
        Prefetch("options", queryset=QuestionOption.objects.order_by("sort_order", "pk")),
        "indicators",
        "competency_items",
    ).get(pk=question.pk)
    with django_assert_num_queries(1):
        again = question_version_current(question=prefetched)
    assert again.pk == first.pk and again.number == 1
    assert again.snapshot.options == first.snapshot.options


def test_versions_are_never_changed(trainee):
    quiz, (question,) = quiz_setup(trainee, types=("single",))
    version = question_version_current(question=question)
    version.content = {**version.content, "text": "偷改"}
    with pytest.raises(ValueError):
        version.save()
    assert QuestionVersion.objects.get(pk=version.pk).content["text"] == question.text


@pytest.mark.parametrize("drawn_before", [False, True])
def test_starting_an_attempt_runs_a_fixed_number_of_queries(
    django_assert_max_num_queries, trainee, drawn_before
):
    counts = []
    for size in (3, 30):
        quiz, _questions = quiz_setup(trainee, count=size, attempts_allowed=0)
        if drawn_before:
            _answer(quiz, trainee, correct=True, seed=1)
        with django_assert_max_num_queries(16) as captured:
            attempt = services.quiz_attempt_start(quiz=quiz, trainee=trainee, rng=random.Random(2))
        assert attempt.responses.count() == size
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]


def test_the_migration_digests_like_the_application():
    """The data migration holds a frozen copy of the snapshot: version 1 of an answered
    question must be found again by the next draw, not duplicated."""
    migration = importlib.import_module("training.migrations.0003_question_versions")
    question = make_question("matching", numeric_tolerance=Decimal("0.5000"))
    options = list(question.options.order_by("sort_order", "pk"))
    indicator_ids = list(question.indicators.values_list("pk", flat=True))
    app = snapshot_content(question, options, indicator_ids=indicator_ids, competency_item_ids=[])
    frozen = migration._content(question, options, indicator_ids, [])
    assert frozen == app
    assert migration._digest(frozen) == content_digest(app)
    assert question_version_current(question=question).digest == content_digest(app)
