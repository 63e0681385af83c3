"""Role-play scenarios as an activity kind: done when a run is finished; the best or the
latest finished run counts, as the course's `scenario_counting` says."""

from training.completion import register_activity_kind
from training.selectors.scenarios import scenario_status


@register_activity_kind("content.ScenarioPage")
def scenario_activity_status(trainee_ids, pages, course=None) -> dict:
    return scenario_status(trainee_ids, pages, course)
