"""The scenario linter: endings follow the score, claimed indicators are exercised by the best
path, the enumeration is bounded; a scenario with problems cannot be submitted, approved or
pass `manage.py scenario_lint`, and the demo scenarios are clean."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import translation
from wagtail.models import TaskState

from content import scenario_graph as g
from content.pages.scenario import ScenarioPage
from tests.content.test_scenario_authoring import choice_row, page_post, step
from tests.factories.people import make_trainer
from tests.factories.scenarios import make_module, make_scenario


def _graph(choices, *, endings, claimed=("T2.1",)) -> g.Graph:
    keys = {c[0] for c in choices} - set(endings)
    steps = [g.Step(key="start", text="你好", is_start=True)]
    steps += [g.Step(key=k, text=k) for k in sorted(keys - {"start"})]
    steps += [g.Step(key=k, kind=g.ENDING, text=k, rating=r) for k, r in endings.items()]
    return g.Graph(
        steps=steps,
        choices=[
            g.Choice(id=i, from_key=a, to_key=b, text=f"說 {i}", feedback="回饋", scores=s)
            for i, (a, b, s) in enumerate(choices)
        ],
        claimed_codes=claimed,
    )


# start -> ask (+1) or rude (-1); both reach the excellent ending through "ask".
CHEAP_EXCELLENT = [
    ("start", "ask", (("T2.1", 1),)),
    ("start", "rude", (("T2.1", -1),)),
    ("rude", "ask", (("T2.1", 0),)),
    ("ask", "end-great", (("T2.1", 4),)),
    ("ask", "end-poor", (("T2.1", -2),)),
]
ENDINGS = {"end-great": g.EXCELLENT, "end-poor": g.POOR}


def test_excellent_ending_reached_with_a_failing_score_is_reported():
    graph = _graph(CHEAP_EXCELLENT, endings=ENDINGS)
    assert g.validate(graph) == []  # the old checks saw nothing wrong
    problems = [p for p in g.lint(graph) if p.step_key == "end-great"]
    assert len(problems) == 1
    message = problems[0].message
    assert "start → rude → ask → end-great" in message and "60.0" in message  # 3 of 5
    assert "80–100" in message


def test_a_trainer_override_of_the_band_makes_it_clean():
    graph = _graph(CHEAP_EXCELLENT, endings=ENDINGS)
    graph.steps[-2:] = [
        g.Step(key="end-great", kind=g.ENDING, text="好", rating=g.EXCELLENT, band_min=60),
        g.Step(key="end-poor", kind=g.ENDING, text="差", rating=g.POOR),
    ]
    assert g.lint(graph) == []


def test_claimed_indicator_the_best_path_does_not_score_is_reported():
    choices = [
        ("start", "end-great", (("T2.1", 3),)),
        ("start", "end-ok", (("T3.1", 1),)),
    ]
    graph = _graph(
        choices,
        endings={"end-great": g.EXCELLENT, "end-ok": g.POOR},
        claimed=("T2.1", "T3.1"),
    )
    with translation.override("en"):
        problems = [p.message for p in g.lint(graph)]
    assert any("T3.1" in m and "best path" in m and "start → end-great" in m for m in problems)
    assert not any("T2.1" in m and "best path" in m for m in problems)


def test_maxima_are_the_graphs_and_indicators_clamp_at_zero():
    graph = _graph(CHEAP_EXCELLENT, endings=ENDINGS)
    maxima = g.graph_maxima(graph)
    assert maxima == {"T2.1": 5, g.TOTAL_KEY: 5}
    per_indicator, total = g.run_summary([{"T2.1": -1}, {"T2.1": 0}, {"T2.1": -2}], maxima)
    assert per_indicator["T2.1"] == {"points": 0, "max": 5, "percent": 0.0}
    assert total == 0.0
    # An indicator no path can score is not shown as "x / 0".
    per_indicator, _total = g.run_summary([{"T3.1": -1}], {"T3.1": 0, g.TOTAL_KEY: 5})
    assert per_indicator == {}


def test_enumeration_stops_on_a_loop_and_says_the_bound_was_hit():
    looped = [
        ("start", "ask", (("T2.1", 1),)),
        ("ask", "start", (("T2.1", 1),)),
        ("ask", "end-great", (("T2.1", 1),)),
    ]
    graph = _graph(looped, endings={"end-great": g.EXCELLENT})
    found = g.enumerate_paths(graph, max_depth=12)
    assert found.bound_hit
    assert 1 <= len(found.paths) <= 6  # around the loop at most 5 times in 12 choices
    with translation.override("en"):
        problems = [p.message for p in g.lint(graph, max_depth=12)]
    assert any("stopped" in m and "12" in m for m in problems)
    with translation.override("zh-hant"):
        problems = [p.message for p in g.lint(graph, max_depth=12)]
    assert any("檢查在" in m and "連續 12 個選擇後停止" in m for m in problems)


def test_enumeration_stops_at_the_path_cap():
    # 3 choices at each of 8 steps: 6,561 paths; cap at 100.
    choices = []
    for level in range(8):
        here = "start" if level == 0 else f"s{level}"
        nxt = f"s{level + 1}" if level < 7 else "end-great"
        choices += [(here, nxt, (("T2.1", 1),)) for _ in range(3)]
    graph = _graph(choices, endings={"end-great": g.EXCELLENT})
    found = g.enumerate_paths(graph, max_paths=100)
    assert found.bound_hit and len(found.paths) == 100
    assert not g.enumerate_paths(graph).bound_hit


# --- through the admin and the review -------------------------------------------------------

BAD_STEPS = [
    step("start", "你好", start=True),
    step("ask", "然後呢？"),
    step("end-great", "顧客滿意", kind="ending", rating="excellent"),
    step("end-poor", "顧客離開", kind="ending", rating="poor"),
]
BAD_CHOICES = [
    choice_row("start", "ask", "請說", "好", "T2.1:+1"),
    choice_row("start", "ask", "快點講", "太急", "T2.1:-1"),
    choice_row("ask", "end-great", "我幫您處理", "很好", "T2.1:+4"),
    choice_row("ask", "end-poor", "不知道", "不好", "T2.1:-2"),
]


@pytest.mark.django_db
def test_trainer_submit_of_a_scenario_with_a_cheap_excellent_ending_is_refused(trainer_client):
    module = make_module()
    url = reverse("wagtailadmin_pages:add", args=["content", "scenariopage", module.pk])
    data = page_post(module, steps=BAD_STEPS, choices=BAD_CHOICES, publish=False)
    data["action-submit"] = "action-submit"
    response = trainer_client.post(url, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "end-great" in html and "start → ask → end-great" in html and "60.0" in html
    assert not ScenarioPage.objects.filter(slug="new-scenario").exists()
    # Saving a draft stays allowed.
    draft = page_post(module, steps=BAD_STEPS, choices=BAD_CHOICES, publish=False)
    assert trainer_client.post(url, draft).status_code == 302
    page = ScenarioPage.objects.get(slug="new-scenario")
    assert not page.live


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _make_cheap_excellent(page: ScenarioPage, user) -> None:
    """The author's edit: the poor ending becomes 'excellent' (reachable with 0 %), saved and
    submitted for review."""
    page = ScenarioPage.objects.get(pk=page.pk)
    steps = list(page.steps.all())
    for s in steps:
        if s.key == "end-poor":
            s.rating = "excellent"
    page.steps = steps
    page.save_revision(user=user)
    page.get_workflow().start(page, user)


def _fix(page: ScenarioPage, user) -> None:
    page = ScenarioPage.objects.get(pk=page.pk).get_latest_revision_as_object()
    steps = list(page.steps.all())
    for s in steps:
        if s.key == "end-poor":
            s.rating = "poor"
    page.steps = steps
    page.save_revision(user=user)


@pytest.mark.django_db
def test_approval_and_the_command_refuse_until_fixed(role_groups):
    author, reviewer = make_trainer(name="張雅婷"), make_trainer(name="李志明")
    page = make_scenario(slug="review-me")
    live_before = ScenarioPage.objects.get(pk=page.pk).live_revision_id
    _make_cheap_excellent(page, author)
    task_state = TaskState.objects.get(
        workflow_state__object_id=str(page.pk), status=TaskState.STATUS_IN_PROGRESS
    )

    out = io.StringIO()
    with pytest.raises(CommandError) as refused:
        call_command("scenario_lint", "review-me", stdout=out)
    assert refused.value.returncode == 1
    assert "end-poor" in out.getvalue() and "0.0" in out.getvalue()

    approve = reverse(
        "wagtailadmin_pages:workflow_action", args=[page.pk, "approve", task_state.pk]
    )
    reviewer_client = _client(reviewer)
    response = reviewer_client.post(approve, {"comment": ""})
    assert response.status_code in (302, 403)  # Wagtail's refusal: back to the dashboard
    task_state.refresh_from_db()
    assert task_state.status == TaskState.STATUS_IN_PROGRESS
    assert ScenarioPage.objects.get(pk=page.pk).live_revision_id == live_before
    # The approver sees why in the editor (the graph tab lists the linter's problems).
    edit = reviewer_client.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
    assert "end-poor" in edit.content.decode() and "0.0" in edit.content.decode()

    # Fixed and resubmitted: clean, and the approval publishes it.
    task_state.workflow_state.cancel(user=author)
    _fix(page, author)
    fixed = ScenarioPage.objects.get(pk=page.pk)
    fixed.get_workflow().start(fixed, author)
    call_command("scenario_lint", "review-me", stdout=io.StringIO())  # no error
    task_state = TaskState.objects.get(
        workflow_state__object_id=str(page.pk), status=TaskState.STATUS_IN_PROGRESS
    )
    approve = reverse(
        "wagtailadmin_pages:workflow_action", args=[page.pk, "approve", task_state.pk]
    )
    assert _client(reviewer).post(approve, {"comment": "好"}).status_code in (200, 302)
    assert ScenarioPage.objects.get(pk=page.pk).live_revision_id == task_state.revision_id


@pytest.mark.django_db
def test_the_demo_scenarios_pass_the_linter():
    from content.demo import scenarios as demo
    from content.demo.unit import seed_unit

    make_module(unit=seed_unit(), course_slug=demo.COURSE_SLUG, module_slug="other")
    # the loader refuses a scenario with problems: all of them load
    assert len(demo.load_scenarios()) == len(demo.read_data()["scenarios"])
    out = io.StringIO()
    call_command("scenario_lint", "--all", stdout=out)
    assert out.getvalue().count("join-at-the-till") == 1


@pytest.mark.django_db
def test_command_needs_slugs_or_all():
    with pytest.raises(CommandError):
        call_command("scenario_lint", stdout=io.StringIO())
    with pytest.raises(CommandError):
        call_command("scenario_lint", "no-such-scenario", stdout=io.StringIO())
