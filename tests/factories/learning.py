"""Course trees for the learning tests: index -> course -> modules -> lessons, published,
with lessons mapped to the unit's indicators."""

import itertools

from content.models.framework import Indicator
from content.pages.course import CourseIndexPage, CoursePage, ModulePage
from content.pages.home import HomePage
from content.pages.lesson import LessonPage
from content.services.review import review_workflow_ensure
from tests.factories.framework import make_framework_unit

_seq = itertools.count(1)

BODY = [
    {"type": "heading", "value": {"text": "重點", "level": "2"}},
    {"type": "rich_text", "value": "<p>忠誠度方案是一套回饋重複消費的機制。</p>"},
    {"type": "callout", "value": {"kind": "tip", "title": "提醒", "body": "<p>先看條款。</p>"}},
    {"type": "rich_text", "value": "<p>第二段內容。</p>"},
]


def course_index() -> CourseIndexPage:
    index = CourseIndexPage.objects.first()
    if index is None:
        home = HomePage.objects.first()
        index = home.add_child(instance=CourseIndexPage(title="課程", slug="courses"))
        review_workflow_ensure(page=index)
    return index


def make_learning_course(
    *, unit=None, modules: int = 2, lessons_per_module: int = 2, **fields
) -> CoursePage:
    n = next(_seq)
    unit = unit or make_framework_unit()
    indicators = list(Indicator.objects.filter(unit=unit).order_by("sort_order"))
    fields.setdefault("title", f"學習課程 {n}")
    fields.setdefault("slug", f"learning-course-{n}")
    course = course_index().add_child(instance=CoursePage(unit=unit, **fields))
    counter = itertools.count()
    for m in range(1, modules + 1):
        module = course.add_child(
            instance=ModulePage(title=f"單元 {m}", slug=f"module-{m}", intro="<p>介紹</p>")
        )
        for i in range(1, lessons_per_module + 1):
            add_lesson(
                module,
                title=f"課 {m}.{i}",
                slug=f"lesson-{m}-{i}",
                indicators=[indicators[next(counter) % len(indicators)]] if indicators else [],
            )
    return course


def add_lesson(
    module: ModulePage, *, title: str, slug: str, indicators=(), body=None, live: bool = True
) -> LessonPage:
    lesson = LessonPage(title=title, slug=slug, summary="摘要", body=body or BODY, live=live)
    lesson.indicators = list(indicators)
    module.add_child(instance=lesson)
    return lesson


def lessons_of(course: CoursePage) -> list[LessonPage]:
    return list(LessonPage.objects.descendant_of(course).order_by("path"))
