"""Reads for the learner's pages: which course a page belongs to, whether the user may open
it, the "My learning" dashboard and the indicator coverage. Every function runs a fixed
number of queries whatever the size of the course."""

from dataclasses import dataclass, field

from django.http import Http404
from wagtail.models import Page

from content.models.framework import Indicator
from content.pages.course import CourseIndexPage, CoursePage
from content.pages.home import HomePage
from content.pages.lesson import LessonPage
from people import roles
from training.completion import (
    ActivityProgress,
    CourseOutline,
    CourseProgress,
    course_progress,
)
from training.evidence import training_evidence
from training.models.enrolment import Enrolment
from training.models.progress import LessonProgress
from training.outline_cache import cached_course_outline


def may_preview(user) -> bool:
    """Trainers, assessors and admins open any course page without enrolling."""
    return roles.is_trainer(user) or roles.is_assessor(user)


def course_of(page: Page) -> CoursePage | None:
    """The course a page of the course tree belongs to (None for pages outside courses)."""
    if isinstance(page, CoursePage):
        return page if page.pk else None
    if not page.pk or not page.path or isinstance(page, HomePage | CourseIndexPage):
        return None  # e.g. the preview of a page that is being created
    if page.depth <= 2:
        return None
    return CoursePage.objects.ancestor_of(page).first()


def course_and_enrolment(user, page: Page) -> tuple[CoursePage | None, Enrolment | None]:
    """The course a page belongs to and the user's enrolment on it: for an enrolled trainee
    one query (the enrolment, with its course), otherwise the course on its own."""
    if isinstance(page, CoursePage) or not user.is_authenticated:
        course = course_of(page)
        return course, (enrolment_of(user, course) if course is not None else None)
    if (
        not page.pk
        or not page.path
        or page.depth <= 2
        or isinstance(page, HomePage | CourseIndexPage)
    ):
        return None, None
    enrolment = (
        Enrolment.objects.select_related("course")
        .filter(trainee=user, course__in=CoursePage.objects.ancestor_of(page))
        .first()
    )
    if enrolment is not None:
        return enrolment.course, enrolment
    return course_of(page), None


def lesson_progress_of(*, trainee_id: int, lesson: LessonPage) -> LessonProgress:
    """The trainee's progress on a lesson as stored, or a fresh unsaved one when they have
    not started it (a GET reads; the page's own POST records the visit)."""
    stored = LessonProgress.objects.filter(trainee_id=trainee_id, lesson=lesson).first()
    return stored or LessonProgress(trainee_id=trainee_id, lesson=lesson)


def enrolment_of(user, course: CoursePage) -> Enrolment | None:
    if not user.is_authenticated:
        return None
    return Enrolment.objects.filter(trainee=user, course=course).first()


def lesson_for_trainee(user, lesson_id: int) -> tuple[LessonPage, Enrolment]:
    """A live lesson of a course the user is enrolled on, or 404 (never 403: a foreign id
    reveals nothing). A retired lesson only for trainees who started it."""
    lesson = LessonPage.objects.live().filter(pk=lesson_id).defer_streamfields().first()
    if lesson is None:
        raise Http404
    course = course_of(lesson)
    enrolment = enrolment_of(user, course) if course else None
    if enrolment is None:
        raise Http404
    if lesson.retired and not LessonProgress.objects.filter(trainee=user, lesson=lesson).exists():
        raise Http404
    return lesson, enrolment


def course_for_enrolment(user, course_id: int) -> CoursePage:
    course = CoursePage.objects.live().filter(pk=course_id).first()
    if course is None:
        raise Http404
    return course


# --- Indicator coverage ---------------------------------------------------------------


@dataclass
class IndicatorCoverage:
    indicator: Indicator
    lessons_total: int = 0
    lessons_done: int = 0
    practice_passed: int = 0
    practice_total: int = 0

    @property
    def percent(self) -> int:
        if self.lessons_total:
            return round(100 * self.lessons_done / self.lessons_total)
        return 100 if self.practice_passed else 0

    @property
    def state(self) -> str:
        if self.percent >= 100:
            return "covered"
        if self.lessons_done or self.practice_total:
            return "partly"
        return "not_yet"


def indicator_coverage(
    *, course: CoursePage, trainee_id: int, progress: CourseProgress
) -> list[IndicatorCoverage]:
    """For each indicator of the course's unit: the course's lessons that teach it and how
    many of them the trainee completed, plus the trainee's practice (quiz and scenario
    evidence from training.evidence). Queries: three plus one per evidence source."""
    indicators = list(Indicator.objects.filter(unit_id=course.unit_id).order_by("sort_order", "pk"))
    coverage = {i.pk: IndicatorCoverage(indicator=i) for i in indicators}
    lessons = {
        a.page.pk: a
        for a in progress.activities
        if isinstance(a.page, LessonPage) and (not a.retired or a.satisfied)
    }
    if lessons:
        through = LessonPage._meta.get_field("indicators").remote_field.through
        for lesson_id, indicator_id in through.objects.filter(
            lessonpage_id__in=list(lessons)
        ).values_list("lessonpage_id", "indicator_id"):
            item = coverage.get(indicator_id)
            if item is None:
                continue
            item.lessons_total += 1
            if lessons[lesson_id].satisfied:
                item.lessons_done += 1
    for evidence in training_evidence(trainee_ids=[trainee_id], unit_id=course.unit_id):
        item = coverage.get(evidence.indicator_id)
        if item is None:
            continue
        item.practice_total += 1
        if evidence.passed:
            item.practice_passed += 1
    return [coverage[i.pk] for i in indicators]


# --- Resume -------------------------------------------------------------------------------


@dataclass
class ResumePoint:
    activity: ActivityProgress
    position: int = 0  # block index inside a lesson

    @property
    def page(self):
        return self.activity.page


def resume_point(*, enrolment: Enrolment, progress: CourseProgress) -> ResumePoint | None:
    """Where the trainee should carry on: the page they stopped on when it is not finished,
    otherwise the next unfinished activity after it. One query (the lesson position)."""
    stopped = enrolment.resume_page_id
    current = next((a for a in progress.activities if a.page.pk == stopped), None)
    target = current if current is not None and not (current.satisfied or current.retired) else None
    if target is None:
        target = progress.next_activity(after_page_id=stopped)
    if target is None:
        return None
    position = 0
    if isinstance(target.page, LessonPage) and target.status.started:
        position = (
            LessonProgress.objects.filter(trainee_id=enrolment.trainee_id, lesson_id=target.page.pk)
            .values_list("last_position", flat=True)
            .first()
            or 0
        )
    return ResumePoint(activity=target, position=position)


# --- Dashboard ----------------------------------------------------------------------------


@dataclass
class CourseCard:
    enrolment: Enrolment
    course: CoursePage
    progress: CourseProgress
    resume: ResumePoint | None
    coverage: list[IndicatorCoverage] = field(default_factory=list)

    @property
    def completed(self) -> bool:
        """Recorded completion wins: it never flips back when the course changes."""
        return self.enrolment.completed_at is not None


def learning_dashboard(user) -> list[CourseCard]:
    """Each live course the trainee is enrolled on, with progress, resume point, module
    status and indicator coverage. Queries: one for the enrolments, then a fixed number
    per course (never per lesson)."""
    enrolments = list(
        Enrolment.objects.filter(trainee=user, course__live=True)
        .select_related("course", "course__unit", "course__locale")
        .order_by("completed_at", "-last_activity_at", "enrolled_at")
    )
    cards = []
    for enrolment in enrolments:
        course = enrolment.course
        outline: CourseOutline = cached_course_outline(course)
        progress = course_progress(course=course, trainee_ids=[user.pk], outline=outline)[user.pk]
        cards.append(
            CourseCard(
                enrolment=enrolment,
                course=course,
                progress=progress,
                resume=resume_point(enrolment=enrolment, progress=progress),
                coverage=indicator_coverage(course=course, trainee_id=user.pk, progress=progress),
            )
        )
    return cards


def open_courses(user) -> list[CoursePage]:
    """Live courses that allow self-enrolment and the user is not enrolled on (one query)."""
    return list(
        CoursePage.objects.live()
        .filter(allow_self_enrolment=True)
        .select_related("locale")  # the template marks each title with its language
        .exclude(enrolments__trainee=user)
        .order_by("path")
    )


# --- Trainer's view of a course's enrolments --------------------------------------------


@dataclass
class EnrolmentRow:
    enrolment: Enrolment
    progress: CourseProgress


def course_enrolment_rows(course: CoursePage) -> list[EnrolmentRow]:
    enrolments = list(
        Enrolment.objects.filter(course=course)
        .select_related("trainee__profile__store", "cohort")
        .order_by("trainee__profile__full_name", "trainee__username")
    )
    progress = course_progress(course=course, trainee_ids=[e.trainee_id for e in enrolments])
    return [EnrolmentRow(enrolment=e, progress=progress[e.trainee_id]) for e in enrolments]
