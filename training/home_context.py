"""The front page for a signed-in trainee: the one next step (the lesson, quiz or role play
to carry on with in the course they were last active in). Registered under content's
LEARNING_CONTEXT_HOOK in training/wagtail_hooks.py; other pages get nothing from it."""

from content.pages.home import HomePage
from people import roles
from training.completion import course_progress
from training.models.enrolment import Enrolment
from training.outline_cache import cached_course_outline
from training.selectors.learning import resume_point


def home_next_step(*, page, request):
    if not isinstance(page, HomePage) or not roles.is_trainee(request.user):
        return None
    enrolment = (
        Enrolment.objects.filter(trainee=request.user, course__live=True)
        .select_related("course", "course__unit")
        .order_by("completed_at", "-last_activity_at", "enrolled_at")
        .first()
    )
    if enrolment is None:
        return {"next_step": None, "next_step_checked": True}
    course = enrolment.course
    outline = cached_course_outline(course)
    progress = course_progress(course=course, trainee_ids=[request.user.pk], outline=outline)[
        request.user.pk
    ]
    return {
        "next_step_checked": True,
        "next_step": {
            "course": course,
            "progress": progress,
            "resume": resume_point(enrolment=enrolment, progress=progress),
            "completed": enrolment.completed_at is not None,
        },
    }
