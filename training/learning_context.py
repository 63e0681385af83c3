"""Gives the course, module and lesson templates the learner's data through the hook that
content defines (content.page_context): where the trainee is, previous / next, progress
(which also draws the course outline beside a lesson: no query per item), resume point.
Showing a lesson writes nothing: the page's script records the visit (its progress started,
the course's resume point) through a POST, and only when there is something to record; a
lesson started but not finished gets the block where the trainee stopped (`resume_position`).
Registered under `content.page_context.LEARNING_CONTEXT_HOOK` in training/wagtail_hooks.py."""

from dataclasses import replace

from django.urls import reverse

from content.pages.course import CoursePage, ModulePage
from content.pages.lesson import LessonPage
from training.completion import course_progress
from training.outline_cache import cached_course_outline, cached_lesson_indicators
from training.page_access import learning_access
from training.selectors.learning import lesson_progress_of, resume_point


def learning_context(*, page, request):
    course, enrolment = learning_access(request, page)
    if course is None:
        return None
    user = request.user
    outline = cached_course_outline(course)
    lesson_progress = None
    if isinstance(page, LessonPage) and enrolment is not None and page.pk in outline.module_of:
        lesson_progress = lesson_progress_of(trainee_id=user.pk, lesson=page)
    trainee_id = enrolment.trainee_id if enrolment else (user.pk or 0)
    progress = course_progress(course=course, trainee_ids=[trainee_id], outline=outline)[trainee_id]
    if lesson_progress is not None and lesson_progress.pk is None:
        _shown_as_started(progress, page.pk)
    context = {
        "learning": True,
        "course": course,
        "enrolment": enrolment,
        "is_preview": enrolment is None,
        "progress": progress,
    }
    if isinstance(page, CoursePage):
        if enrolment is not None:
            context["resume"] = resume_point(enrolment=enrolment, progress=progress)
        return context
    if isinstance(page, ModulePage):
        context["module_progress"] = next(
            (m for m in progress.modules if m.page.pk == page.pk), None
        )
        return context

    activities = progress.activities
    index = next((i for i, a in enumerate(activities) if a.page.pk == page.pk), None)
    if index is None:  # a draft shown in preview, or a page outside any module
        return context
    module = outline.module_of[page.pk]
    module_progress = next(m for m in progress.modules if m.page.pk == module.pk)
    context.update(
        {
            "module": module,
            "module_number": next(
                i for i, m in enumerate(progress.modules, start=1) if m.page.pk == module.pk
            ),
            "module_count": len(progress.modules),
            "module_progress": module_progress,
            "position": [a.page.pk for a in module_progress.activities].index(page.pk) + 1,
            "position_total": len(module_progress.activities),
            "activity": activities[index],
            "previous_activity": activities[index - 1] if index > 0 else None,
            "next_activity": activities[index + 1] if index + 1 < len(activities) else None,
        }
    )
    if isinstance(page, LessonPage) and not getattr(request, "is_preview", False):
        context["taught_indicators"] = cached_lesson_indicators(page)
    if lesson_progress is not None:
        context["lesson_progress"] = lesson_progress
        context["resume_position"] = _resume_position(page, lesson_progress)
        context["complete_url"] = reverse("training:lesson_complete", args=[page.pk])
        context["position_url"] = reverse("training:lesson_position", args=[page.pk])
        if lesson_progress.pk is None or enrolment.resume_page_id != page.pk:
            context["visit_url"] = reverse("training:lesson_visit", args=[page.pk])
        context["search_url"] = reverse("training:search")
    return context


def _shown_as_started(progress, page_id: int) -> None:
    """A lesson opened for the first time is started from the trainee's point of view while
    they read it (its script records the visit just after the page loads)."""
    for activity in progress.activities:
        if activity.page.pk == page_id and not activity.status.started:
            activity.status = replace(activity.status, started=True)


def _resume_position(lesson: LessonPage, lesson_progress) -> int | None:
    """The block where the trainee stopped reading a lesson they have not finished; None at
    the start, once finished, or when the lesson has since become shorter."""
    position = lesson_progress.last_position
    if lesson_progress.completed_at is not None or not 0 < position < len(lesson.body):
        return None
    return position
