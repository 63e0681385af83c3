"""Gives the course, module and lesson templates the learner's data through the hook that
content defines (content.page_context): where the trainee is, previous / next, progress,
resume point. Opening a lesson starts its progress and remembers it as the resume point.
Registered under `content.page_context.LEARNING_CONTEXT_HOOK` in training/wagtail_hooks.py."""

from django.urls import reverse

from content.pages.course import CoursePage, ModulePage
from content.pages.lesson import LessonPage
from training.completion import course_outline, course_progress
from training.page_access import learning_access
from training.selectors.learning import resume_point
from training.services.progress import lesson_visit


def learning_context(*, page, request):
    course, enrolment = learning_access(request, page)
    if course is None:
        return None
    user = request.user
    outline = course_outline(course)
    trainee_id = enrolment.trainee_id if enrolment else (user.pk or 0)
    progress = course_progress(course=course, trainee_ids=[trainee_id], outline=outline)[trainee_id]
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
    if isinstance(page, LessonPage) and enrolment is not None:
        context["lesson_progress"] = lesson_visit(trainee=user, lesson=page, enrolment=enrolment)
        context["complete_url"] = reverse("training:lesson_complete", args=[page.pk])
        context["position_url"] = reverse("training:lesson_position", args=[page.pk])
    return context
