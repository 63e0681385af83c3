"""Random finals through HTTP as the trainee: every form drawn by a blueprint satisfies it,
practice questions never appear in an assessment draw, and a blueprint the bank no longer
fills refuses to start with a clear message, recording nothing."""

from decimal import Decimal

import pytest
from django.urls import reverse

from content.pages.quiz import QuizBlueprintRow, QuizPage
from tests.factories.quizzes import enrol, make_module, make_question, make_quiz, make_unit
from training.models.quiz_attempts import QuizAttempt

pytestmark = pytest.mark.django_db


@pytest.fixture
def course(trainee):
    unit = make_unit(indicators=("T1.1", "T1.2"))
    module = make_module(unit)
    t11, t12 = unit.indicators.get(code="T1.1"), unit.indicators.get(code="T1.2")
    bank = [
        make_question("single", indicators=[t11], difficulty="easy"),
        make_question("single", indicators=[t11], difficulty="easy"),
        make_question("numeric", indicators=[t11], points=Decimal("2")),
        make_question("numeric", indicators=[t11], points=Decimal("2")),
        make_question("written", indicators=[t12], difficulty="hard", points=Decimal("3")),
        make_question("single", indicators=[t12]),
        make_question("true_false", indicators=[t12]),
        make_question("multiple", indicators=[t12]),
    ]
    enrol(trainee, module)
    return {"module": module, "t11": t11, "t12": t12, "bank": bank}


def _start_and_abandon(client, quiz) -> list:
    client.post(reverse("training:quiz_start", args=[quiz.pk]))
    attempt = QuizAttempt.objects.filter(quiz=quiz).order_by("-pk").first()
    drawn = [r.question for r in attempt.responses.select_related("question").order_by("slot")]
    attempt.delete()  # test setup: make room for the next draw
    return drawn


def test_every_form_a_trainee_gets_satisfies_the_blueprint(course, trainee_client):
    final = make_quiz(course["module"], selection="blueprint", attempts_allowed=0)
    QuizBlueprintRow.objects.create(
        page=final, indicator=course["t11"], count=2, points=Decimal("3"), calculations=1
    )
    QuizBlueprintRow.objects.create(page=final, indicator=course["t12"], count=2, written=1)
    forms = set()
    for _ in range(25):
        drawn = _start_and_abandon(trainee_client, final)
        t11 = drawn[:2]
        assert sum(q.points for q in t11) == 3
        assert [q.qtype for q in t11].count("numeric") == 1
        assert [q.qtype for q in drawn[2:]].count("written") == 1
        forms.add(tuple(q.pk for q in drawn))
    assert len(forms) > 1


def test_practice_questions_never_appear_in_the_assessment(course, trainee_client):
    practice = course["bank"][:2] + course["bank"][5:6]
    make_quiz(course["module"], practice, purpose=QuizPage.Purpose.FORMATIVE)
    final = make_quiz(course["module"], selection="per_indicator", draw_count=2, attempts_allowed=0)
    seen = set()
    for _ in range(20):
        seen |= {q.pk for q in _start_and_abandon(trainee_client, final)}
    assert seen and not seen & {q.pk for q in practice}


def test_a_blueprint_the_bank_no_longer_fills_refuses_to_start(course, trainee_client):
    final = make_quiz(course["module"], selection="blueprint")
    QuizBlueprintRow.objects.create(page=final, indicator=course["t11"], count=2, calculations=2)
    course["bank"][3].live = False  # one of the two calculations withdrawn
    course["bank"][3].save()
    response = trainee_client.post(reverse("training:quiz_start", args=[final.pk]), follow=True)
    assert response.status_code == 200
    assert "訓練師" in response.content.decode() or "trainer" in response.content.decode()
    assert not QuizAttempt.objects.filter(quiz=final).exists()
