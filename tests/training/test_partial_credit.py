"""Partial credit is each question's own setting, for multiple response, matching and
ordering, and the attempt page tells the trainee which applies. Proportional matching earns
the share of pairs matched correctly, proportional ordering the share of items in their
correct position (training/grading.py); all or nothing gives 0 for a partly right answer."""

import random
from decimal import Decimal

import pytest
from django.urls import reverse

from tests.factories.quizzes import enrol, make_module, make_question, make_quiz
from training import grading
from training.grading import AnswerKey, KeyOption
from training.models.quiz_attempts import QuizAttempt, QuizResponse
from training.services import quizzes as services

pytestmark = pytest.mark.django_db

PROPORTIONAL_PAIR = "部分給分：每配對正確一組就得分"
PROPORTIONAL_POSITION = "部分給分：每個放在正確位置的項目都得分"
PROPORTIONAL_SELECTION = "部分給分：每選對一個就得分"
ALL_OR_NOTHING = "全對才給分：只有完全答對才得分"


# --- the rule, as documented in training/grading.py ------------------------------------------

ORDER4 = tuple(KeyOption(i, position=p) for p, i in enumerate((1, 2, 3, 4), 1))


def test_ordering_proportional_counts_items_in_their_correct_position():
    key = AnswerKey("ordering", ORDER4, partial_credit="proportional")
    assert grading.grade(key, {"1": 2, "2": 1, "3": 3, "4": 4}).fraction == Decimal("0.5")
    # Every item moved one place: no item is where it belongs (adjacent pairs would score).
    assert grading.grade(key, {"1": 2, "2": 3, "3": 4, "4": 1}).fraction == 0
    # A position given to several items counts for none of them.
    assert grading.grade(key, {"1": 1, "2": 1, "3": 1, "4": 1}).fraction == 0
    assert grading.grade(key, {"1": 1, "2": 2, "3": 4, "4": 4}).fraction == Decimal("0.5")
    all_or_nothing = AnswerKey("ordering", ORDER4)
    assert grading.grade(all_or_nothing, {"1": 2, "2": 1, "3": 3, "4": 4}).fraction == 0
    assert grading.grade(all_or_nothing, {"1": 1, "2": 2, "3": 3, "4": 4}).fraction == 1


def test_matching_proportional_counts_correct_pairs():
    options = tuple(KeyOption(i, match_id=i) for i in (1, 2, 3, 4))
    key = AnswerKey("matching", options, partial_credit="proportional")
    assert grading.grade(key, {"1": 1, "2": 2, "3": 4, "4": 3}).fraction == Decimal("0.5")
    assert grading.grade(AnswerKey("matching", options), {"1": 1, "2": 2, "3": 4}).fraction == 0


# --- through the attempt page ------------------------------------------------------------------


@pytest.fixture
def quiz(trainee):
    module = make_module()
    questions = [
        make_question("matching", partial_credit="proportional"),
        make_question("matching", partial_credit="all_or_nothing"),
        make_question("ordering", partial_credit="proportional"),
        make_question("ordering", partial_credit="all_or_nothing"),
        make_question("multiple", partial_credit="proportional", penalty=Decimal("0.5")),
        make_question("multiple", partial_credit="all_or_nothing"),
        make_question("single"),
    ]
    quiz = make_quiz(module, questions, shuffle_questions=False, shuffle_options=True)
    enrol(trainee, module)
    return quiz


def _partly_right(attempt: QuizAttempt) -> dict:
    """One wrong part in each question, in the positions this attempt showed: matching with
    two pairs swapped, ordering with the first two items swapped, multiple response with one
    right and one wrong choice."""
    data = {"seq": str(attempt.sequence + 1)}
    for response in attempt.responses.select_related("question").order_by("slot"):
        question = response.question
        options = list(question.options.order_by("sort_order", "pk"))
        name = f"q{response.slot}"
        order = response.option_order
        if question.qtype == "matching":
            right = response.right_order
            swap = {options[0].pk: options[1].pk, options[1].pk: options[0].pk}
            for i, oid in enumerate(order):
                data[f"{name}-{i}"] = str(right.index(swap.get(oid, oid)))
        elif question.qtype == "ordering":
            positions = {o.pk: n for n, o in enumerate(options, start=1)}
            positions[options[0].pk], positions[options[1].pk] = 2, 1
            for i, oid in enumerate(order):
                data[f"{name}-{i}"] = str(positions[oid])
        elif question.qtype == "multiple":
            right = next(o for o in options if o.is_correct)
            wrong = next(o for o in options if not o.is_correct)
            data[name] = [str(order.index(right.pk)), str(order.index(wrong.pk))]
        elif question.qtype == "single":
            data[name] = str(order.index(next(o for o in options if o.is_correct).pk))
    return data


def test_attempt_page_shows_each_questions_setting(trainee_client, trainee, quiz):
    response = trainee_client.post(reverse("training:quiz_start", args=[quiz.pk]))
    html = trainee_client.get(response["Location"]).content.decode()

    def line(slot: int) -> str:
        marker = f'data-testid="credit-{slot}">'
        assert marker in html, slot
        return html.split(marker, 1)[1].split("</p>", 1)[0]

    assert line(1) == PROPORTIONAL_PAIR
    assert line(2) == ALL_OR_NOTHING
    assert line(3) == PROPORTIONAL_POSITION
    assert line(4) == ALL_OR_NOTHING
    assert line(5) == f"{PROPORTIONAL_SELECTION} · 每選錯一個，會扣除一個選對選項分數的 50%。"
    assert line(6) == ALL_OR_NOTHING
    assert 'data-testid="credit-7"' not in html  # single choice: nothing to split


def test_partly_right_answers_score_by_each_questions_setting(trainee_client, trainee, quiz):
    attempt = services.quiz_attempt_start(quiz=quiz, trainee=trainee, rng=random.Random(11))
    response = trainee_client.post(
        reverse("training:quiz_submit", args=[attempt.pk]), _partly_right(attempt)
    )
    assert response.status_code == 302
    earned = {
        r.slot: r.fraction * r.points
        for r in QuizResponse.objects.filter(attempt=attempt).order_by("slot")
    }
    assert earned == {
        1: Decimal("0.3333"),  # 1 of 3 pairs
        2: 0,
        3: Decimal("0.5"),  # 2 of 4 items in place
        4: 0,
        5: Decimal("0.25"),  # (1 right - 0.5 × 1 wrong) / 2 right
        6: 0,
        7: 1,
    }
    # The trainee's review says so.
    html = trainee_client.get(response["Location"]).content.decode()
    assert "0.33 / 1.00" in html and "0.50 / 1.00" in html and "0.25 / 1.00" in html
    attempt.refresh_from_db()
    assert attempt.points_earned == Decimal("2.08")


def test_the_setting_applies_per_version_drawn(trainee_client, trainee, quiz):
    """Changing a question's setting after the draw does not change how the attempt drawn
    before it is graded or what its page says."""
    attempt = services.quiz_attempt_start(quiz=quiz, trainee=trainee, rng=random.Random(11))
    matching = attempt.responses.get(slot=2).question
    matching.partial_credit = "proportional"
    matching.save()
    html = trainee_client.get(reverse("training:quiz_attempt", args=[attempt.pk])).content.decode()
    assert html.split('data-testid="credit-2">', 1)[1].startswith(ALL_OR_NOTHING)
    trainee_client.post(reverse("training:quiz_submit", args=[attempt.pk]), _partly_right(attempt))
    assert attempt.responses.get(slot=2).fraction == 0
