"""The trainee's actions on lessons and courses: record opening a lesson (the page's script,
so that showing the page writes nothing), complete a lesson (only ever when they press the
button: JSON for the page's script, a redirect back to the lesson's completion section
without it), remember how far they read, enrol themselves. All POST with CSRF; ids outside
the trainee's enrolments give 404."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core.numbers import bounded_int
from people.permissions import trainee_required
from training.selectors.learning import course_for_enrolment, enrolment_of, lesson_for_trainee
from training.services.enrolment import enrolment_self
from training.services.progress import lesson_complete, lesson_position_save, lesson_visit


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _position(request) -> int | None:
    """A whole number >= 0 (the service caps it), or None."""
    return bounded_int(request.POST.get("position"))


@never_cache
@require_POST
@trainee_required
def lesson_complete_view(request, lesson_id: int):
    lesson, enrolment = lesson_for_trainee(request.user, lesson_id)
    lesson_complete(
        trainee=request.user, lesson=lesson, enrolment=enrolment, position=_position(request)
    )
    enrolment.refresh_from_db(fields=["completed_at"])
    if _wants_json(request):
        return JsonResponse(
            {"completed": True, "course_completed": enrolment.completed_at is not None}
        )
    messages.success(request, _("Lesson marked as complete."))
    # Back to the lesson's completion section (its status and the next activity), not the top.
    return HttpResponseRedirect(f"{lesson.get_url(request) or '/'}#lesson-complete")


@never_cache
@require_POST
@trainee_required
def lesson_position_view(request, lesson_id: int):
    lesson, _enrolment = lesson_for_trainee(request.user, lesson_id)
    position = _position(request)
    if position is None:
        return JsonResponse({"error": _("The position must be a whole number.")}, status=400)
    saved = lesson_position_save(trainee=request.user, lesson=lesson, position=position)
    return JsonResponse({"position": saved.last_position})


@never_cache
@require_POST
@trainee_required
def lesson_visit_view(request, lesson_id: int):
    """The lesson was opened: its progress starts and it becomes the course's resume point
    (idempotent: a repeated or retried call changes nothing more)."""
    lesson, enrolment = lesson_for_trainee(request.user, lesson_id)
    progress = lesson_visit(trainee=request.user, lesson=lesson, enrolment=enrolment)
    return JsonResponse({"started": True, "completed": progress.completed_at is not None})


@never_cache
@require_POST
@trainee_required
def course_self_enrol_view(request, course_id: int):
    course = course_for_enrolment(request.user, course_id)
    if enrolment_of(request.user, course) is None:
        try:
            enrolment_self(trainee=request.user, course=course)
        except ValidationError as error:
            return render(
                request,
                "training/enrolment/not_enrolled.html",
                {"course": course, "can_self_enrol": False, "errors": error.messages},
                status=403,
            )
        messages.success(request, _("You are enrolled. Welcome to the course!"))
    return HttpResponseRedirect(course.get_url(request) or "/")
