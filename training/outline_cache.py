"""The course outline (`training.completion.course_outline`) from the shared cache.

The outline changes only when pages are published, unpublished, moved or deleted, so it is
cached under a key of the page tree's version (content/tree_cache.py): each of those changes
bumps one version number in the cache, and every app server reading the same cache backend
sees the new version on its next request."""

from dataclasses import replace

from content.pages.course import CoursePage
from content.tree_cache import tree_cached
from training.completion import CourseOutline, activity_kinds, course_outline


def cached_course_outline(course: CoursePage) -> CourseOutline:
    """As `course_outline(course)`; no query when the shared cache holds it."""

    def build():
        outline = course_outline(course)
        # Activity kinds hold functions (not picklable): stored by label, looked up on read.
        labels = {pk: kind.label for pk, kind in outline.kind_of.items()}
        return replace(outline, kind_of={}), labels

    outline, labels = tree_cached("outline", course.pk, build=build)
    kinds = activity_kinds()
    return replace(
        outline, course=course, kind_of={pk: kinds[label] for pk, label in labels.items()}
    )


def cached_lesson_indicators(lesson) -> list:
    """The indicators a live lesson teaches (shown in its header), from the shared cache."""
    return tree_cached("lesson-indicators", lesson.pk, build=lambda: list(lesson.indicators.all()))
