"""Competency units for tests: the real seed through the import service, or small synthetic
units of any size for query-count tests."""

import itertools
from pathlib import Path

from content.models.framework import (
    AssessmentMethod,
    CompetencyItem,
    CompetencyUnit,
    Indicator,
    WorkTask,
)
from content.models.observation import ObservationContext, ObservationItem
from content.services.review import review_workflow_ensure
from content.services.units import unit_import

SEED = Path(__file__).resolve().parents[2] / "content" / "data" / "units" / "KPS5R0821v2.txt"
_seq = itertools.count(1)


def import_seed() -> CompetencyUnit:
    return unit_import(data=SEED.read_bytes(), filename=SEED.name).unit


def make_framework_unit(
    *,
    tasks: int = 2,
    indicators_per_task: int = 2,
    knowledge: int = 2,
    skills: int = 1,
    code: str | None = None,
) -> CompetencyUnit:
    n = next(_seq)
    code = code or f"FW{n:03d}v1"
    unit = CompetencyUnit.objects.create(
        code=code, base_code=code.removesuffix("v1"), version="v1", title=f"測試單元 {n}", level=3
    )
    order = itertools.count()
    for t in range(1, tasks + 1):
        task = WorkTask.objects.create(unit=unit, number=t, code=f"T{t}", title=f"任務 {t}")
        for i in range(1, indicators_per_task + 1):
            Indicator.objects.create(
                unit=unit, task=task, code=f"T{t}.{i}", text=f"指標 {t}.{i}", sort_order=next(order)
            )
    for k in range(1, knowledge + 1):
        CompetencyItem.objects.create(
            unit=unit, kind="knowledge", code=f"K{k}", text=f"知識 {k}", sort_order=next(order)
        )
    for s in range(1, skills + 1):
        CompetencyItem.objects.create(
            unit=unit, kind="skill", code=f"S{s}", text=f"技能 {s}", sort_order=next(order)
        )
    return unit


def make_observation(
    indicator: Indicator,
    *,
    method: str = AssessmentMethod.OBSERVATION,
    text: str | None = None,
    items=(),
    contexts=None,
) -> ObservationItem:
    """A live observation item; observable everywhere unless `contexts` names where."""
    obs = ObservationItem.objects.create(  # live: as if approved through the review
        indicator=indicator,
        text=text or f"觀察 {indicator.code}",
        assessment_method=method,
        contexts=list(contexts) if contexts is not None else list(ObservationContext.values),
        live=True,
    )
    obs.indicators.add(indicator)  # ParentalManyToMany: written by save()
    if items:
        obs.competency_items.add(*items)
    obs.save()
    return obs


def make_course(unit: CompetencyUnit, *, slug: str | None = None, **kw):
    """A course (with one module) on `unit`, under the site's course index."""
    from content.pages.course import CourseIndexPage, CoursePage, ModulePage
    from content.pages.home import HomePage

    n = next(_seq)
    index = CourseIndexPage.objects.first()
    if index is None:
        index = HomePage.objects.first().add_child(
            instance=CourseIndexPage(title="課程", slug="courses")
        )
        review_workflow_ensure(page=index)
    course = index.add_child(
        instance=CoursePage(title=f"課程 {n}", slug=slug or f"fw-course-{n}", unit=unit, **kw)
    )
    module = course.add_child(instance=ModulePage(title="模組一", slug="module-1"))
    return course, module


def make_lesson(module, *, indicators=(), items=(), title: str | None = None, live: bool = True):
    """A lesson (lessons teach: they carry no assessment method)."""
    from content.pages.lesson import LessonPage

    n = next(_seq)
    lesson = LessonPage(title=title or f"課程單元 {n}", slug=f"lesson-{n}", live=live)
    module.add_child(instance=lesson)
    lesson.indicators.set(indicators)
    lesson.competency_items.set(items)
    lesson.save()
    return lesson
