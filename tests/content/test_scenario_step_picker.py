"""A scenario choice's "at step" and "leads to step" are picked from the scenario's steps
(key and text), not typed: the editor offers the saved revision's steps, keeps a key that
names no step selected (and says so), and a step added in the same edit can be chosen and
saved. The linter still refuses to publish a choice leading nowhere."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from content.pages.scenario import ScenarioPage
from tests.content.test_scenario_authoring import (
    BROKEN_CHOICES,
    BROKEN_STEPS,
    choice_row,
    page_post,
    step,
)
from tests.factories.scenarios import make_module

pytestmark = pytest.mark.django_db


def add_url(module):
    with translation.override("zh-hant"):
        return reverse("wagtailadmin_pages:add", args=["content", "scenariopage", module.pk])


def edit_url(page):
    with translation.override("zh-hant"):
        return reverse("wagtailadmin_pages:edit", args=[page.pk])


def select_of(html: str, name: str) -> str:
    match = re.search(rf'<select name="{re.escape(name)}"[^>]*>(.*?)</select>', html, re.S)
    assert match, name
    return match.group(0)


def options(select_html: str) -> list[tuple[str, bool]]:
    return [
        (value, bool(selected))
        for value, selected in re.findall(r'<option value="([^"]*)"( selected)?', select_html)
    ]


def test_editor_offers_the_steps_of_the_revision(trainer_client):
    module = make_module()
    response = trainer_client.post(
        add_url(module),
        page_post(module, steps=BROKEN_STEPS, choices=BROKEN_CHOICES, publish=False),
    )
    assert response.status_code == 302
    page = ScenarioPage.objects.get(slug="new-scenario")
    html = trainer_client.get(edit_url(page)).content.decode()
    first_to = select_of(html, "choices-0-to_key")
    assert "data-step-key-select" in first_to
    assert options(first_to) == [("", False), ("start", False), ("ask", True), ("end", False)]
    assert "ask · 然後呢？" in first_to  # key and the start of the step's text
    assert options(select_of(html, "choices-0-from_key"))[1] == ("start", True)
    # A key that names no step stays selected, marked as such.
    nowhere = select_of(html, "choices-1-to_key")
    assert ("nowhere", True) in options(nowhere)
    assert "尚無此步驟" in nowhere
    assert "js/scenario_step_picker.js" in html


def test_a_step_added_in_the_same_edit_can_be_chosen_and_saved(trainer_client):
    module = make_module()
    steps = [
        step("start", "你好", start=True),
        step("apology", "新加的步驟"),
        step("end", "結束", kind="ending", rating="excellent"),
    ]
    choices = [
        choice_row("start", "apology", "對不起", "很好", "T2.1:+1"),
        choice_row("apology", "end", "補點數", "很好", "T2.1:+2"),
    ]
    response = trainer_client.post(
        add_url(module), page_post(module, steps=steps, choices=choices, publish=False)
    )
    assert response.status_code == 302
    page = ScenarioPage.objects.get(slug="new-scenario")
    revision = page.get_latest_revision_as_object()
    assert [(c.from_key, c.to_key) for c in revision.choices.all()] == [
        ("start", "apology"),
        ("apology", "end"),
    ]


def test_publishing_still_refuses_a_choice_leading_nowhere(trainer_client):
    module = make_module()
    response = trainer_client.post(
        add_url(module), page_post(module, steps=BROKEN_STEPS, choices=BROKEN_CHOICES, publish=True)
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "指向不存在的步驟" in html
    # The re-shown form keeps the posted keys selected in the pickers.
    assert ("nowhere", True) in options(select_of(html, "choices-1-to_key"))
    assert not ScenarioPage.objects.filter(slug="new-scenario").exists()
