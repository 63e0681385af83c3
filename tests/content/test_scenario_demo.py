"""The demo scenarios: valid, big enough, more than one good path, loaded idempotently."""

import pytest

from content import scenario_graph
from content.demo import scenarios as demo
from content.pages.course import ModulePage
from content.pages.scenario import ScenarioChoice, ScenarioPage
from content.selectors.scenarios import scenario_graph_of
from tests.factories.scenarios import make_module


def _graph_of_data(item) -> scenario_graph.Graph:
    steps, choices = [], []
    for row in item["steps"]:
        steps.append(
            scenario_graph.Step(
                key=row["key"],
                kind=row.get("kind", "line"),
                text=row["text"],
                speaker=row.get("speaker", ""),
                rating=row.get("rating", ""),
                is_start=bool(row.get("start")),
            )
        )
        for i, c in enumerate(row.get("choices", [])):
            choices.append(
                scenario_graph.Choice(
                    id=f"{row['key']}-{i}",
                    from_key=row["key"],
                    to_key=c["to"],
                    text=c["text"],
                    feedback=c.get("feedback", ""),
                    scores=scenario_graph.scores_tuple(scenario_graph.parse_scores(c["scores"])),
                )
            )
    return scenario_graph.Graph(
        steps=steps, choices=choices, claimed_codes=tuple(item["indicators"])
    )


def _good_paths(graph: scenario_graph.Graph) -> int:
    """Simple paths from the start to an excellent ending."""
    steps = graph.step_map()
    out = graph.choices_from()
    count = 0

    def walk(key, seen):
        nonlocal count
        step = steps[key]
        if step.kind == "ending":
            count += step.rating == "excellent"
            return
        for c in out[key]:
            if c.to_key not in seen:
                walk(c.to_key, seen | {c.to_key})

    start = graph.start_keys()[0]
    walk(start, {start})
    return count


@pytest.mark.parametrize("item", demo.read_data()["scenarios"], ids=lambda i: i["slug"])
def test_demo_scenario_is_valid_and_rich_enough(item):
    graph = _graph_of_data(item)
    codes = [f"T{t}.{i}" for t, n in ((1, 3), (2, 4), (3, 3), (4, 3)) for i in range(1, n + 1)]
    assert scenario_graph.validate(graph, known_codes=codes) == []
    assert len(graph.steps) >= 8
    endings = [s for s in graph.steps if s.kind == "ending"]
    assert len(endings) >= 2
    assert {"excellent", "poor"} <= {s.rating for s in endings}
    assert _good_paths(graph) >= 2  # more than one way to an excellent ending


@pytest.mark.django_db
def test_demo_loader_places_three_scenarios_idempotently():
    from content.demo.unit import seed_unit

    module = make_module(unit=seed_unit(), course_slug=demo.COURSE_SLUG, module_slug="other")
    course = module.course
    first = demo.load_scenarios()
    expected = len(demo.read_data()["scenarios"])
    assert expected >= 5
    assert len(first) == expected
    role_play = ModulePage.objects.child_of(course).get(slug="role-play")
    pages = ScenarioPage.objects.child_of(role_play).live()
    assert pages.count() == expected
    second = demo.load_scenarios()
    assert [p.pk for p in second] == [p.pk for p in first]
    assert ScenarioPage.objects.count() == expected
    for page in pages:
        problems = scenario_graph.validate(scenario_graph_of(page))
        assert problems == []
        mapped = ScenarioChoice.objects.filter(page=page, indicators__isnull=False).distinct()
        assert mapped.exists()  # choices count in the mapping matrix
        assert set(
            ScenarioChoice.objects.filter(page=page).values_list("assessment_method", flat=True)
        ) == {"role_play"}


@pytest.mark.django_db
def test_demo_loader_without_the_course_does_nothing():
    assert demo.load_scenarios() == []
    assert not ScenarioPage.objects.exists()
