"""Writes about quiz attempts: start, autosave, check one question, submit, mark, close
overdue attempts. Every function locks the attempt row (or, to start, the enrolment row)
so that double clicks, two tabs and replays change nothing twice.

Each of start / save / submit runs a fixed number of queries, whatever the number of
questions: rows are read in one query per table and written with bulk operations."""

import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from content.models.questions import Question, QuestionOption, QuestionTag, QuestionType
from content.pages.course import CoursePage
from content.pages.quiz import QuizPage, QuizQuestion
from content.pages.retirement import is_retired
from core.numbers import bounded_int
from training import grading
from training.models.enrolment import Enrolment
from training.models.quiz_attempts import QuizAttempt, QuizResponse
from training.services.progress import enrolment_update_completion_for_page

GRACE = timedelta(seconds=30)
MAX_TEXT = 4000


class QuizError(Exception):
    """A refusal the trainee should read (already translated)."""


class AttemptLimitReached(QuizError):
    pass


class StaleAnswers(QuizError):
    pass


class AttemptClosed(QuizError):
    pass


class NoQuestions(QuizError):
    pass


class QuizRetired(QuizError):
    pass


@dataclass(frozen=True)
class SaveResult:
    saved: bool
    sequence: int
    reason: str = ""  # "", "stale", "late", "closed"


# --- helpers ------------------------------------------------------------------------------


def _now() -> datetime:
    return timezone.now()


def _is_late(attempt: QuizAttempt, now: datetime) -> bool:
    return attempt.deadline is not None and now > attempt.deadline + GRACE


def _lock_attempt(attempt_id: int, trainee) -> QuizAttempt:
    try:
        return (
            QuizAttempt.objects.select_for_update(of=("self",))
            .select_related("quiz")
            .get(pk=attempt_id, trainee=trainee)
        )
    except QuizAttempt.DoesNotExist as exc:
        raise Http404 from exc


def _shuffled(items: list, rng: random.Random) -> list:
    """A permutation drawn uniformly from all of them, the original order included: ruling
    the correct order out would itself give the answer away (a two-item ordering question
    would always show the reverse of the right order)."""
    items = list(items)
    rng.shuffle(items)
    return items


def _draw(quiz: QuizPage, unit_id: int, rng: random.Random) -> list[int]:
    """Question ids for a new attempt: fixed, or N per indicator / per tag without repeats."""
    if quiz.selection == QuizPage.Selection.FIXED:
        return list(
            QuizQuestion.objects.filter(page=quiz)
            .order_by("sort_order", "pk")
            .values_list("question_id", flat=True)
        )
    groups: dict[object, list[int]] = defaultdict(list)
    if quiz.selection == QuizPage.Selection.PER_INDICATOR:
        through = Question.indicators.through
        rows = (
            through.objects.filter(indicator__unit_id=unit_id)
            .order_by("indicator__sort_order", "indicator__code", "question_id")
            .values_list("indicator_id", "question_id")
        )
    else:
        rows = (
            QuestionTag.objects.filter(tag__name__in=quiz.tag_names)
            .order_by("tag__name", "content_object_id")
            .values_list("tag__name", "content_object_id")
        )
    for group, question_id in rows:
        groups[group].append(question_id)
    drawn: list[int] = []
    for candidates in groups.values():
        fresh = [qid for qid in candidates if qid not in drawn]
        drawn.extend(rng.sample(fresh, min(quiz.draw_count, len(fresh))))
    return drawn


def _answer_key(question: Question, options: list[QuestionOption]) -> grading.AnswerKey:
    ranked = sorted(options, key=lambda o: (o.sort_order if o.sort_order is not None else 0, o.pk))
    return grading.AnswerKey(
        qtype=question.qtype,
        options=tuple(
            grading.KeyOption(
                id=option.pk,
                is_correct=option.is_correct,
                position=position,
                match_id=option.pk if question.qtype == QuestionType.MATCHING else None,
            )
            for position, option in enumerate(ranked, start=1)
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


def _responses_for_update(attempt: QuizAttempt) -> list[QuizResponse]:
    return list(
        attempt.responses.select_related("question")
        .only(
            "id",
            "attempt_id",
            "question_id",
            "slot",
            "option_order",
            "right_order",
            "answer",
            "checked",
            "saved_at",
            "question__id",
            "question__qtype",
        )
        .order_by("slot")
    )


def _apply_answers(
    responses: list[QuizResponse], data, now: datetime, *, only_slot: int | None = None
) -> list[QuizResponse]:
    changed = []
    for response in responses:
        if response.checked or (only_slot is not None and response.slot != only_slot):
            continue
        answer = parse_answer(response, response.question.qtype, data)
        if answer != response.answer:
            response.answer = answer
            response.saved_at = now
            changed.append(response)
    if changed:
        QuizResponse.objects.bulk_update(changed, ["answer", "saved_at"])
    return changed


def _graded_responses(attempt: QuizAttempt) -> list[QuizResponse]:
    return list(
        attempt.responses.select_related("question")
        .prefetch_related(
            Prefetch("question__options", queryset=QuestionOption.objects.order_by("sort_order")),
            Prefetch("question__indicators"),
        )
        .order_by("slot")
    )


def _grade_response(response: QuizResponse) -> None:
    question = response.question
    if response.status == QuizResponse.Status.MARKED:
        return  # a person's mark stands
    result = grading.grade(_answer_key(question, list(question.options.all())), response.answer)
    response.status = {
        grading.GRADED: QuizResponse.Status.GRADED,
        grading.NEEDS_MARKING: QuizResponse.Status.NEEDS_MARKING,
        grading.UNANSWERED: QuizResponse.Status.UNANSWERED,
    }[result.status]
    response.fraction = None if result.status == grading.NEEDS_MARKING else result.fraction


def _totals(attempt: QuizAttempt, responses: list[QuizResponse], now: datetime) -> None:
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
        for indicator in response.question.indicators.all():
            entry = by_indicator.setdefault(
                str(indicator.pk), {"earned": Decimal("0"), "possible": Decimal("0")}
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


# --- services -------------------------------------------------------------------------------


@transaction.atomic
def quiz_attempt_start(*, quiz: QuizPage, trainee, rng: random.Random | None = None) -> QuizAttempt:
    """Start an attempt, or return the one in progress. Refuses trainees who are not enrolled
    in the quiz's course and attempts beyond the limit, also when two requests race: both
    lock the trainee's enrolment row first."""
    rng = rng or random.SystemRandom()
    enrolment = (
        Enrolment.objects.select_for_update(of=("self",))
        .select_related("course")
        .filter(trainee=trainee, course__in=_course_of(quiz))
        .first()
    )
    if enrolment is None:
        raise PermissionDenied(_("You are not enrolled in this course."))
    now = _now()
    existing = list(QuizAttempt.objects.filter(quiz=quiz, trainee=trainee).order_by("number"))
    for attempt in existing:
        if attempt.state == QuizAttempt.State.IN_PROGRESS:
            if not _is_late(attempt, now):
                return attempt
            _finalise(attempt, now=now, late=True)
    if is_retired(quiz):
        raise QuizRetired(
            _(
                "This quiz has been retired: no new attempts can be started. Your earlier "
                "attempts and results stay available."
            )
        )
    if quiz.attempts_allowed and len(existing) >= quiz.attempts_allowed:
        raise AttemptLimitReached(_("You have used every attempt this quiz allows."))

    question_ids = _draw(quiz, enrolment.course.unit_id, rng)
    if not question_ids:
        raise NoQuestions(_("This quiz has no questions yet."))
    if quiz.shuffle_questions:
        question_ids = _shuffled(question_ids, rng)
    meta = {
        row["id"]: row
        for row in Question.objects.filter(pk__in=question_ids).values("id", "qtype", "points")
    }
    options: dict[int, list[int]] = defaultdict(list)
    for option_id, question_id in (
        QuestionOption.objects.filter(question_id__in=question_ids)
        .order_by("question_id", "sort_order", "pk")
        .values_list("id", "question_id")
    ):
        options[question_id].append(option_id)

    attempt = QuizAttempt(
        quiz=quiz,
        trainee=trainee,
        number=(existing[-1].number if existing else 0) + 1,
        started_at=now,
        deadline=now + timedelta(minutes=quiz.time_limit_minutes)
        if quiz.time_limit_minutes
        else None,
        pass_mark=quiz.pass_mark,
    )
    try:
        with transaction.atomic():
            attempt.save()
    except IntegrityError:
        # Another request created the in-progress attempt first (no row lock on SQLite).
        return QuizAttempt.objects.get(
            quiz=quiz, trainee=trainee, state=QuizAttempt.State.IN_PROGRESS
        )
    responses = []
    for slot, question_id in enumerate((qid for qid in question_ids if qid in meta), start=1):
        qtype = meta[question_id]["qtype"]
        order = options.get(question_id, [])
        right: list[int] = []
        if (
            qtype == QuestionType.ORDERING
            or quiz.shuffle_options
            and qtype in QuestionType.with_options()
        ):
            order = _shuffled(order, rng)
        if qtype == QuestionType.MATCHING:
            right = _shuffled(order, rng)
        responses.append(
            QuizResponse(
                attempt=attempt,
                slot=slot,
                question_id=question_id,
                option_order=order,
                right_order=right,
                points=meta[question_id]["points"],
            )
        )
    QuizResponse.objects.bulk_create(responses)
    return attempt


def _course_of(quiz: QuizPage):
    return CoursePage.objects.ancestor_of(quiz).values("pk")


@transaction.atomic
def quiz_attempt_save(*, attempt_id: int, trainee, data, sequence: int) -> SaveResult:
    """Autosave. Refused (nothing written) when the attempt is closed, the time is up, or the
    sequence number is not newer than the last one accepted (a stale tab)."""
    attempt = _lock_attempt(attempt_id, trainee)
    now = _now()
    if attempt.state != QuizAttempt.State.IN_PROGRESS:
        return SaveResult(False, attempt.sequence, "closed")
    if _is_late(attempt, now):
        return SaveResult(False, attempt.sequence, "late")
    if sequence <= attempt.sequence:
        return SaveResult(False, attempt.sequence, "stale")
    _apply_answers(_responses_for_update(attempt), data, now)
    attempt.sequence = sequence
    attempt.save(update_fields=["sequence"])
    return SaveResult(True, sequence)


@transaction.atomic
def quiz_response_check(
    *, attempt_id: int, trainee, slot: int, data, sequence: int
) -> QuizResponse:
    """Immediate review: save the answers, then lock and grade question `slot` so its
    feedback may be shown. Only for quizzes whose review policy is "immediately"."""
    attempt = _lock_attempt(attempt_id, trainee)
    if attempt.quiz.review_policy != QuizPage.ReviewPolicy.IMMEDIATELY:
        raise PermissionDenied
    now = _now()
    if attempt.state != QuizAttempt.State.IN_PROGRESS or _is_late(attempt, now):
        raise AttemptClosed(_("This attempt is closed."))
    if sequence <= attempt.sequence:
        raise StaleAnswers(_("These answers were changed in another window. Reload the page."))
    _apply_answers(_responses_for_update(attempt), data, now)
    attempt.sequence = sequence
    attempt.save(update_fields=["sequence"])
    response = next((r for r in _graded_responses(attempt) if r.slot == slot), None)
    if response is None:
        raise Http404
    _grade_response(response)
    response.checked = True
    response.save(update_fields=["checked", "status", "fraction"])
    return response


def _finalise(attempt: QuizAttempt, *, now: datetime, late: bool) -> QuizAttempt:
    responses = _graded_responses(attempt)
    for response in responses:
        _grade_response(response)
    QuizResponse.objects.bulk_update(responses, ["status", "fraction"])
    attempt.submitted_at = now
    attempt.closed_late = late
    _totals(attempt, responses, now)
    attempt.save()
    _record_course_completion(attempt, at=now)
    return attempt


def _record_course_completion(attempt: QuizAttempt, *, at: datetime) -> None:
    """Every write that changes a quiz result lets the course record its completion, at the
    moment the result was reached: the submit, the periodic close and the marking alike."""
    enrolment_update_completion_for_page(trainee=attempt.trainee, page=attempt.quiz, at=at)


@transaction.atomic
def quiz_attempt_submit(
    *, attempt_id: int, trainee, data=None, sequence: int | None = None
) -> QuizAttempt:
    """Finish an attempt and grade it on the server. A replay finds it finished and changes
    nothing; after the time limit (plus grace) the posted answers are ignored and the
    attempt is graded on what was saved in time. Posted scores are never read."""
    attempt = _lock_attempt(attempt_id, trainee)
    if attempt.state != QuizAttempt.State.IN_PROGRESS:
        return attempt
    now = _now()
    late = _is_late(attempt, now)
    if data is not None and not late:
        if sequence is None or sequence <= attempt.sequence:
            raise StaleAnswers(_("These answers were changed in another window. Reload the page."))
        _apply_answers(_responses_for_update(attempt), data, now)
        attempt.sequence = sequence
    return _finalise(attempt, now=now, late=late)


@transaction.atomic
def quiz_response_mark(*, response_id: int, marker, score: Decimal, comment: str) -> QuizAttempt:
    """A trainer or assessor marks a written answer; the attempt's grade follows."""
    response = (
        QuizResponse.objects.select_related("question")
        .filter(pk=response_id, question__qtype=QuestionType.WRITTEN)
        .exclude(attempt__trainee=marker)
        .first()
    )
    if response is None:
        raise Http404
    attempt = (
        QuizAttempt.objects.select_for_update(of=("self",))
        .select_related("quiz")
        .get(pk=response.attempt_id)
    )
    if attempt.state not in (QuizAttempt.State.AWAITING_MARKING, QuizAttempt.State.GRADED):
        raise AttemptClosed(_("This attempt has not been submitted yet."))
    if score < 0 or score > response.points:
        raise QuizError(_("The score must be between 0 and the question's points."))
    now = _now()
    responses = _graded_responses(attempt)
    for item in responses:
        if item.pk == response.pk:
            item.status = QuizResponse.Status.MARKED
            item.fraction = (Decimal(score) / item.points).quantize(Decimal("0.0001"))
            item.marked_by = marker
            item.marked_at = now
            item.marker_comment = comment.strip()[:MAX_TEXT]
            item.save(
                update_fields=["status", "fraction", "marked_by", "marked_at", "marker_comment"]
            )
    _totals(attempt, responses, now)
    attempt.save()
    _record_course_completion(attempt, at=now)
    return attempt


def quiz_attempts_close_overdue(*, now: datetime | None = None) -> int:
    """Close timed attempts whose time (plus grace) is over: the periodic job."""
    now = now or _now()
    closed = 0
    overdue = QuizAttempt.objects.filter(
        state=QuizAttempt.State.IN_PROGRESS, deadline__lt=now - GRACE
    ).values_list("pk", "trainee_id")
    for attempt_id, trainee_id in list(overdue):
        with transaction.atomic():
            attempt = (
                QuizAttempt.objects.select_for_update(of=("self",))
                .select_related("quiz")
                .get(pk=attempt_id, trainee_id=trainee_id)
            )
            if attempt.state == QuizAttempt.State.IN_PROGRESS and _is_late(attempt, now):
                _finalise(attempt, now=now, late=True)
                closed += 1
    return closed
