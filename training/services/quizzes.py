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
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from content.models.questions import Question, QuestionTag, QuestionType
from content.pages.course import CoursePage
from content.pages.quiz import QuizPage, QuizQuestion
from content.pages.retirement import is_retired
from content.quiz_blueprint import BlueprintUnsatisfiable, draw_form
from content.selectors.quiz_pool import blueprint_pool, blueprint_rows, excluded_question_ids
from core.audit import audit_record
from training.models.enrolment import Enrolment
from training.models.quiz_attempts import QuizAttempt, QuizResponse
from training.services import quiz_answers
from training.services.progress import enrolment_update_completion_for_page
from training.services.question_versions import question_versions_current

GRACE = timedelta(seconds=30)
MAX_TEXT = quiz_answers.MAX_TEXT


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


class QuizUndrawable(QuizError):
    pass


QUIZ_UNDRAWABLE = _(
    "This quiz cannot be drawn at the moment: the question bank no longer fills its "
    "blueprint. Please tell your trainer; nothing was recorded."
)


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


def _lock_attempt(attempt_id: int, trainee, *, with_quiz: bool = True) -> QuizAttempt:
    """The trainee's own attempt, locked (404 for anyone else's). An autosave does without
    its quiz page: joining the page's columns cost more than the rest of the query."""
    attempts = QuizAttempt.objects.select_for_update(of=("self",))
    if with_quiz:
        attempts = attempts.select_related("quiz")
    try:
        return attempts.get(pk=attempt_id, trainee=trainee)
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
    """Question ids for a new attempt: fixed, or N per indicator / per tag without repeats;
    live questions only (a draft reaches trainees once the review approves it)."""
    if quiz.selection == QuizPage.Selection.FIXED:
        return list(
            QuizQuestion.objects.filter(page=quiz, question__live=True)
            .order_by("sort_order", "pk")
            .values_list("question_id", flat=True)
        )
    # Practice questions never reach an assessment (content.selectors.quiz_pool).
    excluded = excluded_question_ids(quiz, unit_id)
    if quiz.selection == QuizPage.Selection.BLUEPRINT:
        pool = blueprint_pool(unit_id=unit_id, exclude=excluded)
        try:
            form = draw_form(blueprint_rows(quiz), pool, rng)
        except BlueprintUnsatisfiable as refused:
            raise QuizUndrawable(QUIZ_UNDRAWABLE) from refused
        return [item.id for items in form.values() for item in items]
    groups: dict[object, list[int]] = defaultdict(list)
    if quiz.selection == QuizPage.Selection.PER_INDICATOR:
        through = Question.indicators.through
        rows = (
            through.objects.filter(indicator__unit_id=unit_id, question__live=True)
            .order_by("indicator__sort_order", "indicator__code", "question_id")
            .values_list("indicator_id", "question_id")
        )
    else:
        rows = (
            QuestionTag.objects.filter(tag__name__in=quiz.tag_names, content_object__live=True)
            .order_by("tag__name", "content_object_id")
            .values_list("tag__name", "content_object_id")
        )
    for group, question_id in rows:
        if question_id not in excluded:
            groups[group].append(question_id)
    drawn: list[int] = []
    for candidates in groups.values():
        fresh = [qid for qid in candidates if qid not in drawn]
        drawn.extend(rng.sample(fresh, min(quiz.draw_count, len(fresh))))
    return drawn


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
    QuizResponse.objects.bulk_create(_new_responses(attempt, question_ids, rng))
    return attempt


def _new_responses(
    attempt: QuizAttempt, question_ids: list[int], rng: random.Random
) -> list[QuizResponse]:
    """One response per drawn question, in slot order, pinned to the version of the question
    drawn now, with the option orders this attempt shows (a fixed number of queries,
    whatever the number of questions: `question_versions_current`)."""
    quiz = attempt.quiz
    versions = question_versions_current(question_ids=question_ids)
    responses = []
    for slot, question_id in enumerate((qid for qid in question_ids if qid in versions), start=1):
        version = versions[question_id]
        qtype = version.snapshot.qtype
        order = [option.pk for option in version.snapshot.options]
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
                question_version=version,
                option_order=order,
                right_order=right,
                points=version.snapshot.points,
            )
        )
    return responses


def _course_of(quiz: QuizPage):
    return CoursePage.objects.ancestor_of(quiz).values("pk")


SAVE_TRIES = 3


def quiz_attempt_save(*, attempt_id: int, trainee, data, sequence: int) -> SaveResult:
    """Autosave. Refused (nothing written) when the attempt is closed, the time is up, or the
    sequence number is not newer than the last one accepted (a stale tab).

    The attempt and its responses are read before the write transaction, and the write then
    claims the attempt only if its sequence number is still the one read (every save, check
    and submit changes it): the database stays locked only for the two writes, not for the
    reads and the parsing. Another tab's save in between makes the claim fail, and the save
    starts again on what that one left; after SAVE_TRIES such races it takes the lock
    first, as the other writes do."""
    for _try in range(SAVE_TRIES):
        attempt = _attempt_for_save(attempt_id, trainee)
        now = _now()
        refused = _save_refused(attempt, sequence, now)
        if refused is not None:
            return refused
        changed = quiz_answers.changed_answers(
            quiz_answers.responses_for_update(attempt), data, now
        )
        if not changed:  # the claim is the only write: one statement needs no transaction
            if _claim_attempt(attempt, sequence):
                return SaveResult(True, sequence)
            continue
        with transaction.atomic():
            if _claim_attempt(attempt, sequence):
                QuizResponse.objects.bulk_update(changed, ["answer", "saved_at"])
                return SaveResult(True, sequence)
    return _quiz_attempt_save_locked(
        attempt_id=attempt_id, trainee=trainee, data=data, sequence=sequence
    )


def _claim_attempt(attempt: QuizAttempt, sequence: int) -> bool:
    """Move the attempt on to `sequence`, only if it is still in progress at the sequence
    number read (nobody saved, checked or submitted it since)."""
    return bool(
        QuizAttempt.objects.filter(
            pk=attempt.pk, sequence=attempt.sequence, state=QuizAttempt.State.IN_PROGRESS
        ).update(sequence=sequence)
    )


def _attempt_for_save(attempt_id: int, trainee) -> QuizAttempt:
    try:
        return QuizAttempt.objects.get(pk=attempt_id, trainee=trainee)
    except QuizAttempt.DoesNotExist as exc:
        raise Http404 from exc


def _save_refused(attempt: QuizAttempt, sequence: int, now: datetime) -> SaveResult | None:
    if attempt.state != QuizAttempt.State.IN_PROGRESS:
        return SaveResult(False, attempt.sequence, "closed")
    if _is_late(attempt, now):
        return SaveResult(False, attempt.sequence, "late")
    if sequence <= attempt.sequence:
        return SaveResult(False, attempt.sequence, "stale")
    return None


@transaction.atomic
def _quiz_attempt_save_locked(*, attempt_id: int, trainee, data, sequence: int) -> SaveResult:
    attempt = _lock_attempt(attempt_id, trainee, with_quiz=False)
    now = _now()
    refused = _save_refused(attempt, sequence, now)
    if refused is not None:
        return refused
    quiz_answers.apply_answers(quiz_answers.responses_for_update(attempt), data, now)
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
    quiz_answers.apply_answers(quiz_answers.responses_for_update(attempt), data, now)
    attempt.sequence = sequence
    attempt.save(update_fields=["sequence"])
    response = next((r for r in quiz_answers.graded_responses(attempt) if r.slot == slot), None)
    if response is None:
        raise Http404
    quiz_answers.grade_response(response)
    response.checked = True
    response.save(update_fields=["checked", "status", "fraction"])
    return response


def _finalise(attempt: QuizAttempt, *, now: datetime, late: bool) -> QuizAttempt:
    responses = quiz_answers.graded_responses(attempt)
    for response in responses:
        quiz_answers.grade_response(response)
    QuizResponse.objects.bulk_update(responses, ["status", "fraction"])
    attempt.submitted_at = now
    attempt.closed_late = late
    quiz_answers.totals(attempt, responses, now)
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
        quiz_answers.apply_answers(quiz_answers.responses_for_update(attempt), data, now)
        attempt.sequence = sequence
    return _finalise(attempt, now=now, late=late)


RUBRIC_STEP = Decimal("0.25")  # criterion scores: multiples of this, or the full points


def _rubric_total(rubric, criterion_scores) -> tuple[Decimal, dict[str, str]]:
    """The sum of the marker's scores for every criterion of the rubric, each 0 to its
    points in steps of RUBRIC_STEP, and the scores as stored; refuses anything else."""
    if criterion_scores is None or set(criterion_scores) != {c.pk for c in rubric}:
        raise QuizError(_("Score every criterion of the rubric."))
    total = Decimal("0")
    stored = {}
    for criterion in rubric:
        given = Decimal(criterion_scores[criterion.pk])
        if given < 0 or given > criterion.points:
            raise QuizError(_("Each criterion's score must be between 0 and its points."))
        if given != criterion.points and given % RUBRIC_STEP:
            raise QuizError(
                _("Criterion scores go in steps of %(step)s points.")
                % {"step": f"{RUBRIC_STEP.normalize():f}"}
            )
        total += given
        stored[str(criterion.pk)] = f"{given.normalize():f}"
    return total, stored


@transaction.atomic
def quiz_response_mark(
    *,
    response_id: int,
    marker,
    score: Decimal | None = None,
    comment: str,
    criterion_scores: dict[int, Decimal] | None = None,
) -> QuizAttempt:
    """A trainer or assessor marks a written answer; the attempt's grade follows. When the
    version answered has a rubric, the marker scores each criterion (`criterion_scores`,
    by criterion id) and the answer's score is their sum (a `score` given must equal it);
    a version without a rubric takes one `score`."""
    response = (
        QuizResponse.objects.select_related("question_version")
        .filter(pk=response_id, question_version__content__qtype=QuestionType.WRITTEN)
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
    rubric = response.question_version.snapshot.rubric
    rubric_scores: dict[str, str] = {}
    if rubric:
        total, rubric_scores = _rubric_total(rubric, criterion_scores)
        if score is not None and Decimal(score) != total:
            raise QuizError(_("The score must be the sum of the criterion scores."))
        score = total
    elif score is None:
        raise QuizError(_("The score must be between 0 and the question's points."))
    if score < 0 or score > response.points:
        raise QuizError(_("The score must be between 0 and the question's points."))
    now = _now()
    responses = quiz_answers.graded_responses(attempt)
    for item in responses:
        if item.pk == response.pk:
            item.status = QuizResponse.Status.MARKED
            item.fraction = (Decimal(score) / item.points).quantize(Decimal("0.0001"))
            item.marked_by = marker
            item.marked_at = now
            item.marker_comment = comment.strip()[:MAX_TEXT]
            item.rubric_scores = rubric_scores
            item.save(
                update_fields=[
                    "status",
                    "fraction",
                    "marked_by",
                    "marked_at",
                    "marker_comment",
                    "rubric_scores",
                ]
            )
    quiz_answers.totals(attempt, responses, now)
    attempt.save()
    _record_course_completion(attempt, at=now)
    audit_record(
        actor=marker,
        action="quiz_response.marked",
        obj=response,
        trainee=attempt.trainee,
        summary=f"{attempt.quiz.title} · {score}/{response.points} · {comment.strip()[:300]}",
        data={
            "attempt": attempt.pk,
            "score": str(score),
            "points": str(response.points),
            "comment": comment.strip()[:MAX_TEXT],
            "criterion_scores": rubric_scores,
        },
    )
    from django.urls import reverse_lazy

    from people.models import NotificationKind
    from people.notifications import notification_send

    notification_send(
        user=attempt.trainee,
        kind=NotificationKind.MARKING,
        title=_("Your written answer in %(quiz)s has been marked"),
        body=_("Score: %(score)s of %(points)s points. Comment: %(comment)s"),
        url=reverse_lazy("training:quiz_result", kwargs={"attempt_id": attempt.pk}),
        params={
            "quiz": attempt.quiz.title,
            "score": f"{Decimal(score).normalize():f}",
            "points": f"{Decimal(response.points).normalize():f}",
            "comment": comment.strip()[:MAX_TEXT] or "—",
        },
    )
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
