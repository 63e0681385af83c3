"""Written answers are marked against the rubric of the question version answered: the
trainer authors criteria whose points add up to the question's; the assessor scores each
criterion through the marking view and the answer's score is their sum; the trainee's
review shows the scores per criterion when the quiz's review policy allows. Through HTTP
as the role that acts."""

import random
from decimal import Decimal

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from assessments.services.workspace import assessor_assignment_create
from content.models.questions import Question, QuestionRubricCriterion
from content.pages.quiz import QuizPage
from core.models import AuditEntry
from people.models import Cohort
from tests.factories.quizzes import enrol, make_module, make_question, make_quiz
from training.models.quiz_attempts import QuizAttempt, QuizResponse
from training.services import quizzes as services

pytestmark = pytest.mark.django_db

ADD = reverse("wagtailsnippets_content_question:add")
MODEL_ANSWER = "先道歉，再說明補救方式，最後確認顧客是否滿意。"
CRITERIA = (("先向顧客道歉並聆聽", "1"), ("說明具體的補救方式", "0.5"), ("確認顧客是否滿意", "0.5"))


def written_form(criteria, *, points="2", code="write-rubric") -> dict:
    return nested_form_data(
        {
            "code": code,
            "qtype": "written",
            "text": "顧客抱怨點數沒有入帳，你會怎麼回應？",
            "difficulty": "medium",
            "points": points,
            "partial_credit": "all_or_nothing",
            "penalty": "1",
            "true_false_answer": "on",
            "numeric_tolerance": "0",
            "numeric_unit": "",
            "model_answer": MODEL_ANSWER,
            "feedback": "",
            "tags": "",
            "assessment_method": "questioning",
            "options": inline_formset([]),
            "rubric_criteria": inline_formset(
                [{"text": text, "points": pts} for text, pts in criteria]
            ),
        }
    )


# --- the trainer's question form ------------------------------------------------------------


def test_written_question_without_criteria_is_refused_with_the_error(client_as):
    client, _user = client_as("trainer")
    response = client.post(ADD, written_form(()))
    assert response.status_code == 200
    assert "簡答題需要評分規準：請至少新增一個評分項目。" in response.content.decode()
    assert not Question.objects.filter(code="write-rubric").exists()


def test_criteria_that_do_not_add_up_are_refused_with_the_error(client_as):
    client, _user = client_as("trainer")
    response = client.post(ADD, written_form((("道歉", "1"), ("補救", "0.5"))))
    assert response.status_code == 200
    assert "評分項目合計 1.5 分，但本題配分為 2 分：兩者必須相同。" in response.content.decode()
    assert not Question.objects.filter(code="write-rubric").exists()


def test_a_rubric_on_another_type_is_refused(client_as):
    client, _user = client_as("trainer")
    data = written_form(CRITERIA)
    data["qtype"] = "numeric"
    data["numeric_answer"] = "5"
    response = client.post(ADD, data)
    assert response.status_code == 200
    assert "只有簡答題有評分規準：請刪除這些評分項目。" in response.content.decode()
    assert not Question.objects.filter(code="write-rubric").exists()


def test_a_valid_rubric_saves_as_a_draft(client_as):
    client, _user = client_as("trainer")
    response = client.post(ADD, written_form(CRITERIA))
    assert response.status_code == 302, response.content.decode()[:2000]
    question = Question.objects.get(code="write-rubric")
    assert question.live is False  # a draft until a second person approves it
    assert [(c.text, c.points) for c in question.rubric_criteria.order_by("sort_order")] == [
        (text, Decimal(pts)) for text, pts in CRITERIA
    ]


def test_the_form_tells_what_each_partial_credit_setting_means(client_as):
    client, _user = client_as("trainer")
    html = client.get(ADD).content.decode()
    assert "全對才給分：只有完全答對才得分" in html
    assert "配對題每配對正確一組得一份分數" in html
    assert "排序題每個項目放在正確位置得一份分數" in html


# --- marking per criterion --------------------------------------------------------------------


def _written_question(criteria=CRITERIA) -> Question:
    question = make_question("written", points=Decimal("2"), model_answer=MODEL_ANSWER)
    for order, (text, pts) in enumerate(criteria):
        QuestionRubricCriterion.objects.create(
            question=question, text=text, points=Decimal(pts), sort_order=order
        )
    return question


@pytest.fixture
def world(client_as):
    """A trainee in an assessor's scope, a quiz of one written question with a rubric."""
    _c, trainee = client_as("trainee")
    _c, assessor = client_as("assessor")
    cohort = Cohort.objects.create(code="rubric-q", name="評分規準梯次")
    trainee.profile.cohorts.add(cohort)
    assessor_assignment_create(admin=None, assessor=assessor, cohort=cohort)
    module = make_module()
    question = _written_question()
    quiz = make_quiz(module, [question], pass_mark=50)
    enrol(trainee, module)
    return quiz, question, trainee


def _start(quiz, trainee) -> QuizAttempt:
    return services.quiz_attempt_start(quiz=quiz, trainee=trainee, rng=random.Random(5))


def _submit(client, attempt) -> None:
    response = client.post(
        reverse("training:quiz_submit", args=[attempt.pk]),
        {"seq": str(attempt.sequence + 1), "q1": "我會先道歉，再幫顧客補登點數。"},
    )
    assert response.status_code == 302


def _criterion_data(response: QuizResponse, *scores: str, comment: str = "") -> dict:
    rubric = response.question_version.snapshot.rubric
    data = {f"criterion_{c.pk}": s for c, s in zip(rubric, scores, strict=False)}
    data["comment"] = comment
    return data


def _mark_url(response: QuizResponse) -> str:
    return reverse("assessments:marking_mark", args=[response.pk])


def test_assessor_marks_each_criterion_and_the_score_is_the_sum(client_as, world):
    quiz, _question, _trainee = world
    trainee_client, trainee = client_as("trainee")
    attempt = _start(quiz, trainee)
    _submit(trainee_client, attempt)
    row = attempt.responses.get()
    marker, assessor = client_as("assessor")

    html = marker.get(_mark_url(row)).content.decode()
    assert MODEL_ANSWER in html
    for text, pts in CRITERIA:
        assert f"{text} · {pts} 分" in html
    assert "以 0.25 分為單位" in html
    assert 'name="score"' not in html  # the score is the sum, not typed

    response = marker.post(_mark_url(row), _criterion_data(row, "1", "0.25", "0.5", comment="好"))
    assert response.status_code == 302
    row.refresh_from_db()
    attempt.refresh_from_db()
    assert row.status == QuizResponse.Status.MARKED
    assert row.fraction * row.points == Decimal("1.75")
    assert attempt.state == QuizAttempt.State.GRADED and attempt.score == Decimal("87.50")
    rubric = row.question_version.snapshot.rubric
    assert row.rubric_scores == {
        str(rubric[0].pk): "1",
        str(rubric[1].pk): "0.25",
        str(rubric[2].pk): "0.5",
    }
    entry = AuditEntry.objects.get(action="quiz_response.marked")
    assert entry.data["criterion_scores"] == row.rubric_scores and entry.data["score"] == "1.75"

    # The trainee's review (policy: after submission) shows each criterion's score.
    html = trainee_client.get(reverse("training:quiz_result", args=[attempt.pk])).content.decode()
    assert f'data-testid="rubric-scores-{row.slot}"' in html
    assert '<span lang="zh-hant">先向顧客道歉並聆聽</span>：1 / 1' in html
    assert '<span lang="zh-hant">說明具體的補救方式</span>：0.25 / 0.5' in html
    assert '<span lang="zh-hant">確認顧客是否滿意</span>：0.5 / 0.5' in html


@pytest.mark.parametrize(
    "scores",
    [
        ("1.5", "0.5", "0.5"),  # above the criterion's points
        ("-0.5", "0.5", "0.5"),  # below 0
        ("1", "0.5"),  # a criterion not scored
        ("0.3", "0.5", "0.5"),  # not in the stated steps
        ("abc", "0.5", "0.5"),
    ],
)
def test_out_of_range_or_missing_criterion_scores_are_refused_and_nothing_changes(
    client_as, world, scores
):
    quiz, _question, _trainee = world
    trainee_client, trainee = client_as("trainee")
    attempt = _start(quiz, trainee)
    _submit(trainee_client, attempt)
    row = attempt.responses.get()
    marker, _assessor = client_as("assessor")
    response = marker.post(_mark_url(row), _criterion_data(row, *scores))
    assert response.status_code == 400
    assert "is-invalid" in response.content.decode()
    row.refresh_from_db()
    attempt.refresh_from_db()
    assert row.status == QuizResponse.Status.NEEDS_MARKING
    assert row.fraction is None and row.rubric_scores == {}
    assert attempt.state == QuizAttempt.State.AWAITING_MARKING
    assert not AuditEntry.objects.filter(action="quiz_response.marked").exists()


def test_the_service_refuses_a_score_that_is_not_the_sum(world, assessor):
    quiz, _question, trainee = world
    attempt = _start(quiz, trainee)
    services.quiz_attempt_submit(attempt_id=attempt.pk, trainee=trainee)
    row = attempt.responses.get()
    rubric = row.question_version.snapshot.rubric
    with pytest.raises(services.QuizError):
        services.quiz_response_mark(
            response_id=row.pk,
            marker=assessor,
            score=Decimal("2"),
            comment="",
            criterion_scores={c.pk: Decimal("0") for c in rubric},
        )
    with pytest.raises(services.QuizError):
        services.quiz_response_mark(
            response_id=row.pk, marker=assessor, score=Decimal("2"), comment=""
        )
    row.refresh_from_db()
    assert row.status == QuizResponse.Status.UNANSWERED


def test_no_criterion_scores_when_the_review_policy_is_never(client_as, world):
    quiz, _question, _trainee = world
    quiz.review_policy = QuizPage.ReviewPolicy.NEVER
    quiz.save()
    trainee_client, trainee = client_as("trainee")
    attempt = _start(quiz, trainee)
    _submit(trainee_client, attempt)
    row = attempt.responses.get()
    marker, _assessor = client_as("assessor")
    assert marker.post(_mark_url(row), _criterion_data(row, "1", "0.5", "0.5")).status_code == 302
    html = trainee_client.get(reverse("training:quiz_result", args=[attempt.pk])).content.decode()
    assert "rubric-scores" not in html and "先向顧客道歉並聆聽" not in html


def test_marking_an_old_attempt_uses_the_rubric_of_the_version_answered(client_as, world):
    quiz, question, _trainee = world
    trainee_client, trainee = client_as("trainee")
    attempt = _start(quiz, trainee)  # draws the version with the rubric as it is now
    # The trainer then rewrites the rubric (as the bank row now reads).
    first, second, third = question.rubric_criteria.order_by("sort_order")
    first.text, first.points = "改版後的第一項", Decimal("1.5")
    first.save()
    third.delete()
    second.text = "改版後的第二項"
    second.save()
    _submit(trainee_client, attempt)
    row = attempt.responses.get()
    marker, _assessor = client_as("assessor")

    html = marker.get(_mark_url(row)).content.decode()
    for text, _pts in CRITERIA:
        assert text in html
    assert "改版後" not in html
    # The old rubric's first criterion is worth 1: 1.5 is refused.
    assert marker.post(_mark_url(row), _criterion_data(row, "1.5", "0.5", "0")).status_code == 400
    assert marker.post(_mark_url(row), _criterion_data(row, "1", "0.5", "0")).status_code == 302
    row.refresh_from_db()
    assert row.fraction * row.points == Decimal("1.5")
    assert len(row.rubric_scores) == 3

    # A new attempt draws the rubric as it reads now.
    _c, other = client_as("other_trainee")
    enrol(other, quiz.get_parent().specific)
    fresh = _start(quiz, other).responses.get()
    assert [(c.text, c.points) for c in fresh.question_version.snapshot.rubric] == [
        ("改版後的第一項", Decimal("1.5")),
        ("改版後的第二項", Decimal("0.5")),
    ]


def test_questions_without_criteria_keep_their_version_digest(world):
    """A version made before rubrics existed (no "rubric" key) is found again, not
    duplicated, for a question that has no criteria."""
    from training.models.question_versions import QuestionVersion
    from training.services.question_versions import question_versions_current

    plain = make_question("single")
    before = question_versions_current(question_ids=[plain.pk])[plain.pk]
    assert "rubric" not in before.content
    again = question_versions_current(question_ids=[plain.pk])[plain.pk]
    assert again.pk == before.pk
    assert QuestionVersion.objects.filter(question=plain).count() == 1


def test_demo_written_questions_have_rubrics_and_pairs_state_their_setting():
    from pathlib import Path

    import yaml

    from content.demo import questions as demo

    data = yaml.safe_load(Path(demo.DATA).read_text(encoding="utf-8"))["questions"]
    written = [q for q in data if q["type"] == "written"]
    assert written
    for question in written:
        rubric = question["rubric"]
        assert 2 <= len(rubric) <= 4, question["code"]
        total = sum(Decimal(str(c["points"])) for c in rubric)
        assert total == Decimal(str(question.get("points", 1))), question["code"]
    for question in data:
        if question["type"] in ("matching", "ordering"):
            assert question["partial_credit"] in ("proportional", "all_or_nothing")
    with pytest.raises(demo.QuestionDataError):
        demo._rubric_specs("x", "written", Decimal("2"), [{"text": "甲", "points": 1}])
