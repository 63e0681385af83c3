"""Authoring scenarios in the Wagtail admin: drafts save, publishing refuses an invalid
graph with messages naming the step, the graph is drawn, choices join the mapping matrix."""

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from content.models.framework import Indicator
from content.models.mapping import mapped_models
from content.pages.scenario import ScenarioChoice, ScenarioPage
from tests.factories.scenarios import make_module, make_scenario

pytestmark = pytest.mark.django_db


def step(key, text, kind="line", start=False, rating="", speaker=""):
    return {
        "key": key,
        "kind": kind,
        "is_start": start,
        "speaker": speaker,
        "text": text,
        "image": "",
        "outcome": "",
        "rating": rating,
    }


def choice_row(from_key, to_key, text, feedback, scores):
    return {
        "from_key": from_key,
        "to_key": to_key,
        "text": text,
        "feedback": feedback,
        "scores": scores,
    }


def page_post(module, *, steps, choices, publish, slug="new-scenario", codes=("T2.1",)):
    indicator_ids = [
        i.pk for i in Indicator.objects.filter(unit=module.course.unit, code__in=codes)
    ]
    data = nested_form_data(
        {
            "title": "新情境",
            "slug": slug,
            "persona_name": "陳先生",
            "persona_situation": "常客",
            "persona_mood": "生氣",
            "persona_wants": "補點數",
            "trainee_role": "門市人員",
            "trainee_goal": "處理客訴",
            "feedback_timing": "immediate",
            "pass_threshold": 70,
            "assessment_attempts": 1,
            "steps": inline_formset(steps),
            "choices": inline_formset(choices),
            "comments": inline_formset([]),
        }
    )
    data["indicators"] = indicator_ids
    if publish:
        data["action-publish"] = "action-publish"
    return data


BROKEN_STEPS = [
    step("start", "你好", start=True),
    step("ask", "然後呢？"),
    step("end", "結束", kind="ending", rating="excellent"),
]
BROKEN_CHOICES = [
    choice_row("start", "ask", "請說", "好", "T2.1:+1"),
    choice_row("start", "nowhere", "去別處", "回饋", "T2.1:+1"),
    choice_row("ask", "end", "解決", "", "T2.1:+2"),
]


def test_publishing_an_invalid_graph_is_refused_with_step_names(trainer_client):
    module = make_module()
    url = reverse("wagtailadmin_pages:add", args=["content", "scenariopage", module.pk])
    response = trainer_client.post(
        url, page_post(module, steps=BROKEN_STEPS, choices=BROKEN_CHOICES, publish=True)
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "nowhere" in html and "指向不存在的步驟" in html
    assert "「ask」" in html and "沒有回饋" in html
    assert not ScenarioPage.objects.filter(slug="new-scenario").exists()


def test_draft_saves_and_the_graph_tab_shows_picture_and_problems(trainer_client):
    module = make_module()
    url = reverse("wagtailadmin_pages:add", args=["content", "scenariopage", module.pk])
    response = trainer_client.post(
        url, page_post(module, steps=BROKEN_STEPS, choices=BROKEN_CHOICES, publish=False)
    )
    assert response.status_code == 302
    page = ScenarioPage.objects.get(slug="new-scenario")
    assert not page.live
    edit = trainer_client.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
    html = edit.content.decode()
    assert 'data-testid="scenario-graph-panel"' in html
    assert "<svg" in html and "指向不存在的步驟" in html
    assert reverse("scenario_graph:graph", args=[page.pk]) in html  # linked from the action menu
    # Indicators offered are the course unit's only (13), as checkboxes.
    make_module()  # another course with its own unit
    edit = trainer_client.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
    assert edit.content.decode().count('type="checkbox" name="indicators"') == 13
    graph = trainer_client.get(reverse("scenario_graph:graph", args=[page.pk]))
    assert graph.status_code == 200
    assert "<svg" in graph.content.decode() and "nowhere" in graph.content.decode()


def test_publishing_a_valid_graph_maps_choices(admin_client_):
    # Admins publish directly; trainers submit (tests/content/test_review_doors.py).
    trainer_client = admin_client_
    module = make_module()
    url = reverse("wagtailadmin_pages:add", args=["content", "scenariopage", module.pk])
    steps = [
        step("start", "你好", start=True),
        step("ask", "然後呢？"),
        step("end", "結束", kind="ending", rating="excellent"),
        step("end-bad", "離開", kind="ending", rating="poor"),
    ]
    choices = [
        choice_row("start", "ask", "請說", "好", "T2.1:+1"),
        choice_row("start", "end-bad", "不理", "不好", "T2.1:-1"),
        choice_row("ask", "end", "解決", "很好", "T2.1:+2, T3.1:+1"),
    ]
    response = trainer_client.post(
        url, page_post(module, steps=steps, choices=choices, publish=True, codes=("T2.1", "T3.1"))
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    page = ScenarioPage.objects.get(slug="new-scenario")
    assert page.live
    solved = ScenarioChoice.objects.get(page=page, from_key="ask")
    assert solved.scores == [{"indicator": "T2.1", "points": 2}, {"indicator": "T3.1", "points": 1}]
    assert sorted(solved.indicators.values_list("code", flat=True)) == ["T2.1", "T3.1"]
    assert solved.assessment_method == "role_play"
    assert ScenarioChoice in mapped_models()
    assert solved.mapping_edit_url() == reverse("wagtailadmin_pages:edit", args=[page.pk])


def test_bad_score_text_is_a_field_error(trainer_client):
    module = make_module()
    url = reverse("wagtailadmin_pages:add", args=["content", "scenariopage", module.pk])
    choices = [choice_row("start", "end", "好", "好", "T2.1 很多")]
    steps = [step("start", "你好", start=True), step("end", "完", kind="ending", rating="poor")]
    response = trainer_client.post(
        url, page_post(module, steps=steps, choices=choices, publish=False)
    )
    assert response.status_code == 200
    assert "不是有效的分數" in response.content.decode()
    assert not ScenarioPage.objects.filter(slug="new-scenario").exists()


def test_before_publish_hook_refuses_invalid_graph(rf, trainer):
    from django.contrib.messages.storage.fallback import FallbackStorage

    from content.admin_views.scenarios import refuse_invalid_scenario

    page = make_scenario()
    page.steps = [s for s in page.steps.all() if s.key != "end-ok"]
    request = rf.post("/")
    request.user = trainer
    request.session = {}
    request._messages = FallbackStorage(request)
    response = refuse_invalid_scenario(request, page)
    assert response.status_code == 302
    assert any("end-ok" in str(m) for m in request._messages)
    assert refuse_invalid_scenario(request, make_scenario(slug="fine")) is None


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 302),
        ("trainee", 302),
        ("other_trainee", 302),
        ("trainer", 200),
        ("assessor", 302),
        ("admin", 200),
    ],
)
def test_graph_view_per_role(client_as, role, status):
    page = make_scenario()
    client, _user = client_as(role)
    response = client.get(reverse("scenario_graph:graph", args=[page.pk]))
    assert response.status_code == status
    if status == 302:
        assert "login" in response["Location"]
    else:
        assert "<svg" in response.content.decode()


def test_graph_view_unknown_page_is_404(trainer_client):
    assert trainer_client.get(reverse("scenario_graph:graph", args=[999999])).status_code == 404


def test_admin_pages_load_our_admin_stylesheet_and_graphs_have_no_inline_style(admin_client_):
    """The scenario graph's scrolling comes from static/css/admin.css, not inline styles."""
    from pathlib import Path

    response = admin_client_.get("/admin/")
    assert "css/admin.css" in response.content.decode()
    templates = Path(__file__).resolve().parents[2] / "templates"
    for name in (
        "content/scenario/graph_panel.html",
        "content/scenario/graph_view.html",
        "training/scenarios/analytics_detail.html",
    ):
        assert 'style="' not in (templates / name).read_text(), name
