"""Reading a quiz attempt's posted answers and grading them on the server: the answer key
of the question version each response is pinned to (never the bank row as edited since),
the stored answer for one slot, and the attempt's totals per indicator.
The services in training/services/quizzes.py lock rows and call these."""

from datetime import datetime
from decimal import Decimal

from content.models.questions import QuestionType
from core.numbers import bounded_int
from training import grading
from training.models.quiz_attempts import QuizAttempt, QuizResponse
from training.question_snapshots import FrozenQuestion

MAX_TEXT = 4000


def answer_key(question: FrozenQuestion) -> grading.AnswerKey:
    """The key of the question version answered (its options in their authored order)."""
    return grading.AnswerKey(
        qtype=question.qtype,
        options=tuple(
            grading.KeyOption(
                id=option.pk,
                is_correct=option.is_correct,
                position=position,
                match_id=option.pk if question.qtype == QuestionType.MATCHING else None,
            )
            for position, option in enumerate(question.options, start=1)
        ),
        partial_credit=question.partial_credit,
        penalty=question.penalty,
        true_false_answer=question.true_false_answer,
        numeric_answer=question.numeric_answer,
        numeric_tolerance=question.numeric_tolerance,
    )


def parse_answer(response: QuizResponse, qtype: str, data) -> object:
    """The stored answer for one slot from posted form data (a QueryDict). Choices are posted
    as positions in the order this trainee was shown; they become option ids here. A value
    that is not one of the positions offered (garbage, negative, huge) counts as no answer."""
    name = f"q{response.slot}"
    order = response.option_order or []

    def option_at(value) -> int | None:
        index = bounded_int(value, maximum=len(order) - 1)
        return None if index is None else order[index]

    if qtype == QuestionType.SINGLE:
        return option_at(data.get(name))
    if qtype == QuestionType.MULTIPLE:
        chosen = {option_at(value) for value in data.getlist(name)}
        return sorted(option_id for option_id in chosen if option_id is not None)
    if qtype == QuestionType.TRUE_FALSE:
        value = data.get(name)
        return value if value in ("true", "false") else None
    if qtype in (QuestionType.NUMERIC, QuestionType.WRITTEN):
        value = (data.get(name) or "").strip()
        limit = 40 if qtype == QuestionType.NUMERIC else MAX_TEXT
        return value[:limit] or None
    if qtype == QuestionType.MATCHING:
        right = response.right_order or []
        pairs = {}
        for index, option_id in enumerate(order):
            choice = bounded_int(data.get(f"{name}-{index}"), maximum=len(right) - 1)
            if choice is not None:
                pairs[str(option_id)] = right[choice]
        return pairs or None
    if qtype == QuestionType.ORDERING:
        positions = {}
        for index, option_id in enumerate(order):
            position = bounded_int(data.get(f"{name}-{index}"), minimum=1, maximum=len(order))
            if position is not None:
                positions[str(option_id)] = position
        return positions or None
    return None


def responses_for_update(attempt: QuizAttempt) -> list[QuizResponse]:
    return list(
        attempt.responses.select_related("question_version")
        .only(
            "id",
            "attempt_id",
            "question_id",
            "question_version_id",
            "slot",
            "option_order",
            "right_order",
            "answer",
            "checked",
            "saved_at",
            "question_version__id",
            "question_version__content",
        )
        .order_by("slot")
    )


def apply_answers(
    responses: list[QuizResponse], data, now: datetime, *, only_slot: int | None = None
) -> list[QuizResponse]:
    changed = changed_answers(responses, data, now, only_slot=only_slot)
    if changed:
        QuizResponse.objects.bulk_update(changed, ["answer", "saved_at"])
    return changed


def changed_answers(
    responses: list[QuizResponse], data, now: datetime, *, only_slot: int | None = None
) -> list[QuizResponse]:
    """The responses whose posted answer differs from the stored one, changed in memory
    (answer, saved_at) but not written."""
    changed = []
    for response in responses:
        if response.checked or (only_slot is not None and response.slot != only_slot):
            continue
        answer = parse_answer(response, response.question_version.snapshot.qtype, data)
        if answer != response.answer:
            response.answer = answer
            response.saved_at = now
            changed.append(response)
    return changed


def graded_responses(attempt: QuizAttempt) -> list[QuizResponse]:
    """Responses with the question versions they answered: one query."""
    return list(attempt.responses.select_related("question_version").order_by("slot"))


def grade_response(response: QuizResponse) -> None:
    """Grade by the key of the version drawn, never the bank's question as edited since."""
    if response.status == QuizResponse.Status.MARKED:
        return  # a person's mark stands
    result = grading.grade(answer_key(response.question_version.snapshot), response.answer)
    response.status = {
        grading.GRADED: QuizResponse.Status.GRADED,
        grading.NEEDS_MARKING: QuizResponse.Status.NEEDS_MARKING,
        grading.UNANSWERED: QuizResponse.Status.UNANSWERED,
    }[result.status]
    response.fraction = None if result.status == grading.NEEDS_MARKING else result.fraction


def totals(attempt: QuizAttempt, responses: list[QuizResponse], now: datetime) -> None:
    earned = Decimal("0")
    possible = Decimal("0")
    by_indicator: dict[str, dict[str, Decimal]] = {}
    waiting = False
    for response in responses:
        points = response.points
        got = (response.fraction or Decimal("0")) * points
        waiting = waiting or response.status == QuizResponse.Status.NEEDS_MARKING
        earned += got
        possible += points
        for indicator_id in response.question_version.snapshot.indicator_ids:
            entry = by_indicator.setdefault(
                str(indicator_id), {"earned": Decimal("0"), "possible": Decimal("0")}
            )
            entry["earned"] += got
            entry["possible"] += points
    attempt.points_earned = earned.quantize(Decimal("0.01"))
    attempt.points_possible = possible
    attempt.indicator_scores = {
        key: {
            "earned": str(value["earned"].quantize(Decimal("0.01"))),
            "possible": str(value["possible"]),
        }
        for key, value in by_indicator.items()
    }
    if waiting:
        attempt.state = QuizAttempt.State.AWAITING_MARKING
        attempt.score = None
        attempt.passed = None
    else:
        attempt.state = QuizAttempt.State.GRADED
        attempt.score = grading.percentage(earned, possible)
        attempt.passed = attempt.score >= attempt.pass_mark
        attempt.graded_at = now
