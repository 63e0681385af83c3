"""Writes about a trainee's progress: opening a lesson, how far they read, completing it,
and recording when a course is complete (once; it never flips back)."""

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from wagtail.models import Page

from content.pages.course import CoursePage
from content.pages.lesson import LessonPage
from content.pages.retirement import is_retired
from people.models import User
from training.completion import course_progress
from training.models.enrolment import Enrolment
from training.models.progress import LessonProgress

MAX_POSITION = 10_000
ACTIVITY_GRAIN = timedelta(minutes=5)


@transaction.atomic
def lesson_visit(*, trainee, lesson: LessonPage, enrolment: Enrolment) -> LessonProgress:
    """The trainee opened the lesson: start its progress and remember it as the place to
    resume the course."""
    progress, _created = LessonProgress.objects.get_or_create(trainee=trainee, lesson=lesson)
    now = timezone.now()
    stale = enrolment.last_activity_at is None or now - enrolment.last_activity_at > ACTIVITY_GRAIN
    if enrolment.resume_page_id != lesson.pk or stale:  # spare a write on every reload
        Enrolment.objects.filter(pk=enrolment.pk).update(resume_page=lesson, last_activity_at=now)
        enrolment.resume_page_id = lesson.pk
        enrolment.last_activity_at = now
    return progress


@transaction.atomic
def lesson_position_save(*, trainee, lesson: LessonPage, position: int) -> LessonProgress:
    """Remember the furthest block the trainee reached (used by the resume link)."""
    position = max(0, min(int(position), MAX_POSITION))
    progress, _created = LessonProgress.objects.select_for_update(of=("self",)).get_or_create(
        trainee=trainee, lesson=lesson
    )
    if position != progress.last_position:
        progress.last_position = position
        progress.save(update_fields=["last_position", "last_seen_at"])
    return progress


@transaction.atomic
def lesson_complete(
    *, trainee, lesson: LessonPage, enrolment: Enrolment, position: int | None = None
) -> LessonProgress:
    """Mark the lesson complete (first completion time is kept) and record the course's
    completion when this was the last thing missing."""
    progress, _created = LessonProgress.objects.select_for_update(of=("self",)).get_or_create(
        trainee=trainee, lesson=lesson
    )
    fields = []
    if progress.completed_at is None:
        progress.completed_at = timezone.now()
        fields.append("completed_at")
    if position is not None:
        progress.last_position = max(0, min(int(position), MAX_POSITION))
        fields.append("last_position")
    if fields:
        progress.save(update_fields=[*fields, "last_seen_at"])
    Enrolment.objects.filter(pk=enrolment.pk).update(
        resume_page=lesson, last_activity_at=timezone.now()
    )
    enrolment_update_completion(enrolment=enrolment)
    return progress


@transaction.atomic
def enrolment_update_completion(*, enrolment: Enrolment, at: datetime | None = None) -> bool:
    """Record the course as complete (with its time: `at`, the moment the last missing
    activity finished, or now) when its completion rules are met. Once recorded it stays:
    later edits to the course never undo it. Returns whether the enrolment is complete."""
    enrolment = (
        Enrolment.objects.select_for_update(of=("self",))
        .select_related("course")
        .get(pk=enrolment.pk)
    )
    if enrolment.completed_at is not None:
        return True
    progress = course_progress(course=enrolment.course, trainee_ids=[enrolment.trainee_id])
    if progress[enrolment.trainee_id].is_complete:
        enrolment.completed_at = at or timezone.now()
        enrolment.save(update_fields=["completed_at"])
        return True
    return False


def enrolment_update_completion_for_page(
    *, trainee: User, page: Page, at: datetime | None = None
) -> bool | None:
    """For activity kinds (quizzes, scenarios): after the trainee finishes `page` (at `at`),
    record the completion of the course it belongs to. None when the trainee is not
    enrolled there."""
    course = CoursePage.objects.ancestor_of(page, inclusive=True).first()
    if course is None:
        return None
    enrolment = Enrolment.objects.filter(trainee=trainee, course=course).first()
    if enrolment is None:
        return None
    return enrolment_update_completion(enrolment=enrolment, at=at)


@transaction.atomic
def course_completions_record(*, course: CoursePage, at: datetime | None = None) -> int:
    """Record the completion of every enrolment in `course` whose rules are now met without
    a new activity: after a required activity is retired, trainees who had done everything
    else have finished the course at that moment, not at their next click. One progress
    computation for the whole cohort. Returns how many completions were recorded."""
    pending = list(
        Enrolment.objects.select_for_update(of=("self",)).filter(
            course=course, completed_at__isnull=True
        )
    )
    if not pending:
        return 0
    progress = course_progress(course=course, trainee_ids=[e.trainee_id for e in pending])
    done = [e for e in pending if progress[e.trainee_id].is_complete]
    when = at or timezone.now()
    for enrolment in done:
        enrolment.completed_at = when
    Enrolment.objects.bulk_update(done, ["completed_at"])
    return len(done)


def activity_retirement_published(sender, instance, **kwargs) -> None:
    """Wagtail's `page_published` for the retirable activity pages (connected in
    training/apps.py): a published retired activity no longer counts, so completions it was
    holding back are recorded now."""
    if not is_retired(instance):
        return
    course = CoursePage.objects.ancestor_of(instance, inclusive=True).first()
    if course is not None:
        course_completions_record(course=course)
