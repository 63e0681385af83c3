"""Trainee views for quizzes: the quiz page, start, take (with autosave), check one question
(immediate review), submit, result. Thin: services write, selectors read."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from core.numbers import MAX_INT, bounded_int
from people.permissions import trainee_required
from training.models.quiz_attempts import QuizAttempt
from training.selectors import quizzes as selectors
from training.services import quizzes as services


def _sequence(request) -> int | None:
    """The posted autosave sequence number; None when it is missing, not a whole number or
    beyond what the attempt can store (QuizAttempt.sequence is a PositiveIntegerField)."""
    return bounded_int(request.POST.get("seq"), maximum=MAX_INT)


def _unreadable_message() -> str:
    return _("These answers could not be read. Reload the page and try again.")


@never_cache
@trainee_required
@require_GET
def quiz_detail(request, quiz_id: int):
    quiz = selectors.quiz_for_trainee(quiz_id=quiz_id, trainee=request.user)
    attempts = selectors.attempts_of(quiz=quiz, trainee=request.user)
    status = selectors.quiz_status([request.user.pk], [quiz]).get((request.user.pk, quiz.pk))
    in_progress = next((a for a in attempts if a.state == QuizAttempt.State.IN_PROGRESS), None)
    left = selectors.attempts_left(quiz, attempts)
    can_start = in_progress is None and left != 0
    course, module = selectors.quiz_trail(quiz)
    waiting = selectors.waiting_by_attempt(attempts)
    return render(
        request,
        "training/quizzes/quiz_detail.html",
        {
            "page": quiz,
            "course": course,
            "module": module,
            "attempts": attempts,
            "attempt_rows": [(a, waiting.get(a.pk)) for a in attempts],
            "attempts_left": left,
            "status": status,
            "in_progress": in_progress,
            "can_start": can_start,
            "new_attempt_warning": selectors.new_attempt_warning(quiz, attempts)
            if can_start
            else "",
        },
    )


@never_cache
@trainee_required
@require_POST
def quiz_start(request, quiz_id: int):
    quiz = selectors.quiz_for_trainee(quiz_id=quiz_id, trainee=request.user)
    try:
        attempt = services.quiz_attempt_start(quiz=quiz, trainee=request.user)
    except PermissionDenied as exc:
        raise Http404 from exc
    except services.QuizError as exc:
        messages.error(request, str(exc))
        return redirect("training:quiz", quiz_id=quiz.pk)
    return redirect("training:quiz_attempt", attempt_id=attempt.pk)


@never_cache
@trainee_required
@require_GET
def attempt_take(request, attempt_id: int):
    attempt = selectors.attempt_for_trainee(attempt_id=attempt_id, trainee=request.user)
    if attempt.state != QuizAttempt.State.IN_PROGRESS:
        return redirect("training:quiz_result", attempt_id=attempt.pk)
    if attempt.deadline and timezone.now() > attempt.deadline + services.GRACE:
        services.quiz_attempt_submit(attempt_id=attempt.pk, trainee=request.user)
        messages.warning(
            request, _("Time is up: the attempt was graded on the answers saved in time.")
        )
        return redirect("training:quiz_result", attempt_id=attempt.pk)
    responses = selectors.attempt_responses(attempt)
    items = selectors.attempt_items(attempt, responses, reveal=False)
    remaining = None
    if attempt.deadline:
        remaining = max(0, int((attempt.deadline - timezone.now()).total_seconds()))
    course, module = selectors.quiz_trail(attempt.quiz)
    return render(
        request,
        "training/quizzes/attempt_take.html",
        {
            "page": attempt.quiz,
            "course": course,
            "module": module,
            "attempt": attempt,
            "items": items,
            "answered": sum(1 for item in items if item.answer_state == "answered"),
            "partly": sum(1 for item in items if item.answer_state == "partly"),
            "unanswered": sum(1 for item in items if item.answer_state == "unanswered"),
            "next_seq": attempt.sequence + 1,
            "remaining": remaining,
            "remaining_text": f"{remaining // 60}:{remaining % 60:02d}"
            if remaining is not None
            else "",
            "immediate": attempt.quiz.review_policy == attempt.quiz.ReviewPolicy.IMMEDIATELY,
        },
    )


@never_cache
@trainee_required
@require_POST
def attempt_save(request, attempt_id: int):
    """Autosave (fetch from static/js/quizzes.js) or the form's Save button."""
    sequence = _sequence(request)
    if sequence is None:
        # Ownership first, so that another trainee's attempt stays a 404.
        selectors.attempt_for_trainee(attempt_id=attempt_id, trainee=request.user)
        if request.headers.get("x-requested-with") == "fetch":
            return JsonResponse(
                {"saved": False, "reason": "invalid", "message": _unreadable_message()},
                status=400,
            )
        messages.error(request, _unreadable_message())
        return redirect("training:quiz_attempt", attempt_id=attempt_id)
    result = services.quiz_attempt_save(
        attempt_id=attempt_id, trainee=request.user, data=request.POST, sequence=sequence
    )
    messages_by_reason = {
        "stale": _("These answers were changed in another window. Reload the page."),
        "late": _("Time is up: answers are no longer saved."),
        "closed": _("This attempt is closed."),
    }
    if request.headers.get("x-requested-with") == "fetch":
        return JsonResponse(
            {
                "saved": result.saved,
                "seq": result.sequence,
                "reason": result.reason,
                "message": messages_by_reason.get(result.reason, _("Saved")),
            },
            status=200 if result.saved else 409,
        )
    if result.saved:
        messages.success(request, _("Your answers are saved."))
    else:
        messages.error(request, messages_by_reason[result.reason])
    return redirect("training:quiz_attempt", attempt_id=attempt_id)


@never_cache
@trainee_required
@require_POST
def attempt_check(request, attempt_id: int, slot: int):
    sequence = _sequence(request)
    if sequence is None:
        selectors.attempt_for_trainee(attempt_id=attempt_id, trainee=request.user)
        messages.error(request, _unreadable_message())
        return redirect(f"{reverse('training:quiz_attempt', args=[attempt_id])}#slot-{slot}")
    try:
        services.quiz_response_check(
            attempt_id=attempt_id,
            trainee=request.user,
            slot=slot,
            data=request.POST,
            sequence=sequence,
        )
    except PermissionDenied as exc:
        raise Http404 from exc
    except services.QuizError as exc:
        messages.error(request, str(exc))
    return redirect(f"{reverse('training:quiz_attempt', args=[attempt_id])}#slot-{slot}")


@never_cache
@trainee_required
@require_POST
def attempt_submit(request, attempt_id: int):
    sequence = _sequence(request)
    if sequence is None:
        attempt = selectors.attempt_for_trainee(attempt_id=attempt_id, trainee=request.user)
        if attempt.state == QuizAttempt.State.IN_PROGRESS:
            messages.error(request, _unreadable_message())
            return redirect("training:quiz_attempt", attempt_id=attempt_id)
        return redirect("training:quiz_result", attempt_id=attempt_id)
    try:
        attempt = services.quiz_attempt_submit(
            attempt_id=attempt_id,
            trainee=request.user,
            data=request.POST,
            sequence=sequence,
        )
    except services.StaleAnswers as exc:
        messages.error(request, str(exc))
        return redirect("training:quiz_attempt", attempt_id=attempt_id)
    if attempt.closed_late:
        messages.warning(
            request, _("Time is up: the attempt was graded on the answers saved in time.")
        )
    return redirect("training:quiz_result", attempt_id=attempt.pk)


@never_cache
@trainee_required
@require_GET
def attempt_result(request, attempt_id: int):
    attempt = selectors.attempt_for_trainee(attempt_id=attempt_id, trainee=request.user)
    if attempt.state == QuizAttempt.State.IN_PROGRESS:
        return redirect("training:quiz_attempt", attempt_id=attempt.pk)
    attempts = selectors.attempts_of(quiz=attempt.quiz, trainee=request.user)
    reveal = selectors.review_allowed(attempt.quiz, attempt, attempts)
    responses = selectors.attempt_responses(attempt)
    items = []
    if reveal:
        items = selectors.attempt_items(attempt, responses, reveal=True)
    status = selectors.quiz_status([request.user.pk], [attempt.quiz]).get(
        (request.user.pk, attempt.quiz_id)
    )
    course, module = selectors.quiz_trail(attempt.quiz)
    return render(
        request,
        "training/quizzes/attempt_result.html",
        {
            "page": attempt.quiz,
            "course": course,
            "module": module,
            "attempt": attempt,
            "attempts_left": selectors.attempts_left(attempt.quiz, attempts),
            "tally": selectors.attempt_tally(responses),
            "items": items,
            "reveal": reveal,
            "status": status,
        },
    )
