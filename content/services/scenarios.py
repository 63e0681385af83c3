"""Writes about scenario pages."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from content import scenario_graph
from content.models.framework import AssessmentMethod, Indicator
from content.selectors.scenarios import (
    scenario_course_of,
    scenario_graph_of,
    scenario_publish_problems,
)


def scenario_publish_check(obj) -> None:
    """Refuse (PermissionDenied, the problems in the message) to publish a scenario the linter
    finds problems in; anything else passes. Called by the review's approval
    (content.review_finish) with the object of the submitted revision."""
    from content.pages.scenario import ScenarioPage

    if not isinstance(obj, ScenarioPage):
        return
    problems = scenario_publish_problems(obj)
    if problems:
        raise PermissionDenied(
            _("The scenario cannot be published until its problems are fixed: %(problems)s")
            % {"problems": " ".join(p.message for p in problems)}
        )


@transaction.atomic
def scenario_choices_map(*, page) -> int:
    """Set each choice's mapping (indicators, role-play method) from the points it gives, so
    the mapping matrix counts scenario choices. Returns how many choices were mapped."""
    course = scenario_course_of(page)
    indicators = Indicator.objects.all()
    if course is not None:
        indicators = indicators.filter(unit_id=course.unit_id)
    by_code = {i.code: i for i in indicators}
    count = 0
    for choice in page.choices.all():
        codes = [item["indicator"] for item in choice.scores or [] if int(item["points"]) > 0]
        choice.indicators.set([by_code[c] for c in codes if c in by_code])
        choice.assessment_method = AssessmentMethod.ROLE_PLAY
        choice.save()
        count += 1
    return count


def scenario_published(sender, instance, **kwargs) -> None:
    """Wagtail's `page_published` signal for ScenarioPage, connected in ContentConfig.ready():
    however a scenario is published (editor, workflow approval, schedule, loader), its
    choices' mappings follow their points. Only wiring: the work is scenario_choices_map's."""
    scenario_choices_map(page=type(instance).objects.get(pk=instance.pk))


class ScenarioDataError(ValueError):
    """The scenario data (a demo file, a factory) describes an invalid scenario."""


@transaction.atomic
def scenario_page_create(*, parent, data: dict):
    """Create and publish a scenario page under a module from plain data (the demo YAML
    format: steps with their choices nested). Idempotent: an existing page with the same
    slug under the parent is returned untouched. Scenarios the linter finds problems in are
    refused. An ending may give its score band as `band: [min, max]`."""
    from content.pages.scenario import ScenarioChoice, ScenarioPage, ScenarioStep

    existing = ScenarioPage.objects.child_of(parent).filter(slug=data["slug"]).first()
    if existing is not None:
        return existing
    course = scenario_course_of(parent)
    indicators = Indicator.objects.all()
    if course is not None:
        indicators = indicators.filter(unit_id=course.unit_id)
    by_code = {i.code: i for i in indicators}
    missing = [c for c in data.get("indicators", []) if c not in by_code]
    if missing:
        raise ScenarioDataError(f"unknown indicator codes {missing} in {data['slug']}")
    persona = data.get("persona", {})
    trainee = data.get("trainee", {})
    options = data.get("options", {})
    page = ScenarioPage(
        title=data["title"],
        slug=data["slug"],
        persona_name=persona.get("name", ""),
        persona_situation=persona.get("situation", ""),
        persona_mood=persona.get("mood", ""),
        persona_wants=persona.get("wants", ""),
        trainee_role=trainee.get("role", ""),
        trainee_goal=trainee.get("goal", ""),
        feedback_timing=options.get("feedback", ScenarioPage.FeedbackTiming.IMMEDIATE),
        allow_back=bool(options.get("allow_back", False)),
        pass_threshold=int(options.get("pass_threshold", 70)),
        assessment_attempts=int(options.get("assessment_attempts", 1)),
    )
    steps, choices = [], []
    for row in data["steps"]:
        steps.append(
            ScenarioStep(
                key=row["key"],
                kind=row.get("kind", scenario_graph.LINE),
                is_start=bool(row.get("start", False)),
                speaker=row.get("speaker", ""),
                text=row["text"].strip(),
                outcome=(row.get("outcome") or "").strip(),
                rating=row.get("rating", ""),
                band_min=(row.get("band") or [None, None])[0],
                band_max=(row.get("band") or [None, None])[1],
            )
        )
        for choice in row.get("choices", []):
            scores = choice.get("scores", [])
            if isinstance(scores, str):
                scores = scenario_graph.parse_scores(scores)
            choices.append(
                ScenarioChoice(
                    from_key=row["key"],
                    to_key=choice["to"],
                    text=choice["text"].strip(),
                    feedback=(choice.get("feedback") or "").strip(),
                    scores=scores,
                )
            )
    page.steps = steps
    page.choices = choices
    page.indicators = [by_code[c] for c in data.get("indicators", [])]
    problems = scenario_graph.lint(scenario_graph_of(page), known_codes=list(by_code))
    if problems:
        raise ScenarioDataError(
            f"scenario {data['slug']}: " + "; ".join(p.message for p in problems)
        )
    parent.add_child(instance=page)
    page.save_revision(log_action=False).publish(log_action=False)
    # Publishing maps the choices (the page_published receiver calls scenario_choices_map).
    return ScenarioPage.objects.get(pk=page.pk)
