"""Demo enrolments: the cohort "2026-q4" on the demo course, and some progress for trainee1
(two lessons done, the third opened). Idempotent. `manage.py load_demo` runs it after the
demo accounts (demo/accounts.py) and the demo course (content.demo.course) exist."""

from pathlib import Path

import yaml
from django.contrib.auth import get_user_model
from django.db import transaction

from content.demo.course import DATA as COURSE_DATA
from content.pages.course import CoursePage
from people.models import Cohort
from training.completion import course_outline
from training.models.enrolment import Enrolment
from training.services.enrolment import cohort_enrol
from training.services.progress import lesson_complete, lesson_position_save, lesson_visit

COHORT_CODE = "2026-q4"
TRAINER_USERNAME = "trainer"
TRAINEE_WITH_PROGRESS = "trainee1"
LESSONS_DONE = 2


def _course_slug(path: Path = COURSE_DATA) -> str:
    return yaml.safe_load(path.read_text(encoding="utf-8"))["course"]["slug"]


@transaction.atomic
def load(course_slug: str | None = None) -> None:
    User = get_user_model()
    course = CoursePage.objects.filter(slug=course_slug or _course_slug()).first()
    if course is None:
        raise RuntimeError("Load the demo course (content.demo.course) first.")
    cohort = Cohort.objects.filter(code=COHORT_CODE).first()
    if cohort is None:
        raise RuntimeError(f"Cohort {COHORT_CODE} is missing: create the demo accounts first.")
    trainer = User.objects.filter(username=TRAINER_USERNAME).first()
    cohort_enrol(cohort=cohort, course=course, enrolled_by=trainer)

    trainee = User.objects.filter(username=TRAINEE_WITH_PROGRESS).first()
    enrolment = Enrolment.objects.filter(trainee=trainee, course=course).first()
    if trainee is None or enrolment is None:
        return
    lessons = [
        page
        for page in course_outline(course).activities
        if page._meta.label == "content.LessonPage"
    ]
    for lesson in lessons[:LESSONS_DONE]:
        lesson_complete(trainee=trainee, lesson=lesson, enrolment=enrolment, position=99)
    if len(lessons) > LESSONS_DONE:
        current = lessons[LESSONS_DONE]
        lesson_visit(trainee=trainee, lesson=current, enrolment=enrolment)
        lesson_position_save(trainee=trainee, lesson=current, position=2)
