"""A unit's indicators and the paths of the courses built on it, from the shared cache: read
on every learner dashboard and assessor profile. A unit's indicators are written once, when
it is imported (a new version of a unit is a new unit, content/services/units.py); courses
change with the page tree, whose version is in the key (content/tree_cache.py)."""

from content.models.framework import Indicator
from content.pages.course import CoursePage
from content.tree_cache import tree_cached


def unit_indicator_ids(unit_id: int) -> dict[str, int]:
    """{indicator code: indicator id} for the unit."""
    return tree_cached(
        "unit-indicators",
        unit_id,
        build=lambda: dict(Indicator.objects.filter(unit_id=unit_id).values_list("code", "pk")),
    )


def unit_course_paths(unit_id: int) -> list[str]:
    """Tree paths of the courses (live or not) built on the unit."""
    return tree_cached(
        "unit-courses",
        unit_id,
        build=lambda: list(
            CoursePage.objects.filter(unit_id=unit_id).values_list("path", flat=True)
        ),
    )
