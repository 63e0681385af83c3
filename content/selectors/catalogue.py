"""What the front page says about the published courses: modules, lessons, role plays,
quizzes and time. Three queries (content types are cached) whatever the number of courses."""

from collections import defaultdict
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from wagtail.models import Page

from content.pages.course import CoursePage, ModulePage
from content.pages.lesson import LessonPage
from content.pages.quiz import QuizPage
from content.pages.scenario import ScenarioPage


@dataclass
class CourseSummary:
    course: CoursePage
    modules: int = 0
    lessons: int = 0
    scenarios: int = 0
    quizzes: int = 0

    @property
    def minutes(self) -> int:
        return self.course.estimated_minutes

    @property
    def hours(self) -> int:
        """Rounded to the nearest hour, at least one: "about 5 hours" for 291 minutes."""
        return max(1, round(self.course.estimated_minutes / 60))


def course_summaries() -> list[CourseSummary]:
    courses = list(CoursePage.objects.live().public().select_related("unit").order_by("path"))
    if not courses:
        return []
    kinds = {
        ContentType.objects.get_for_model(model).pk: name
        for model, name in (
            (ModulePage, "modules"),
            (LessonPage, "lessons"),
            (ScenarioPage, "scenarios"),
            (QuizPage, "quizzes"),
        )
    }
    summaries = {course.path: CourseSummary(course=course) for course in courses}
    within = Q()
    for course in courses:
        within |= Q(path__startswith=course.path, depth__gt=course.depth)
    rows = (
        Page.objects.live()
        .filter(within, content_type_id__in=kinds)
        .values("path", "content_type_id")
    )
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for row in rows:  # one row per page: a course has tens of pages, not thousands
        for course in courses:
            if row["path"].startswith(course.path):
                counts[course.path, kinds[row["content_type_id"]]] += 1
                break
    for (path, kind), n in counts.items():
        setattr(summaries[path], kind, n)
    return list(summaries.values())
