"""Reads about scenario pages shared by the admin form, the graph views and the training side."""

from __future__ import annotations

from content import scenario_graph
from content.models.framework import Indicator
from content.pages.course import CoursePage


def scenario_graph_of(page) -> scenario_graph.Graph:
    """The plain graph of a scenario page. Works on a saved page (3 queries) and on a draft
    rebuilt from a revision (its steps and choices are held in memory)."""
    steps = [
        scenario_graph.Step(
            key=s.key,
            kind=s.kind,
            text=s.text or "",
            speaker=s.speaker or "",
            rating=s.rating or "",
            is_start=bool(s.is_start),
            band_min=s.band_min,
            band_max=s.band_max,
        )
        for s in page.steps.all()
    ]
    choices = [
        scenario_graph.Choice(
            id=c.pk if c.pk is not None else f"new-{i}",
            from_key=c.from_key,
            to_key=c.to_key,
            text=c.text or "",
            feedback=c.feedback or "",
            scores=scenario_graph.scores_tuple(c.scores),
        )
        for i, c in enumerate(page.choices.all())
    ]
    claimed = tuple(sorted(i.code for i in page.indicators.all()))
    return scenario_graph.Graph(steps=steps, choices=choices, claimed_codes=claimed)


def scenario_course_of(page) -> CoursePage | None:
    """The course a scenario (or the module it is being created in) belongs to."""
    if page is None or page.pk is None:
        return None
    return CoursePage.objects.ancestor_of(page, inclusive=True).select_related("unit").first()


def scenario_unit_indicators(page):
    """Indicators of the course's unit (all indicators when the page is outside a course)."""
    course = scenario_course_of(page)
    qs = Indicator.objects.select_related("unit").order_by("unit_id", "sort_order", "code")
    return qs.filter(unit_id=course.unit_id) if course else qs


def scenario_problems(page, *, parent=None) -> list[scenario_graph.Problem]:
    """Validation problems of a scenario page (a draft or the live one)."""
    anchor = parent if page.pk is None else page
    codes = list(scenario_unit_indicators(anchor).values_list("code", flat=True))
    return scenario_graph.validate(scenario_graph_of(page), known_codes=codes)


def scenario_publish_problems(page, *, parent=None) -> list[scenario_graph.Problem]:
    """What the linter finds in a scenario page (a draft rebuilt from a revision, or the live
    page): the graph's checks, the endings' score bands against every path's score, the
    claimed indicators against the best path. Publishing waits until this is empty."""
    anchor = parent if page.pk is None else page
    codes = list(scenario_unit_indicators(anchor).values_list("code", flat=True))
    return scenario_graph.lint(scenario_graph_of(page), known_codes=codes)
