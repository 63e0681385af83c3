"""The assessor's to-do list on a 360 px phone: from the dashboard link, grouped cards with
the overdue one marked, each card opens what to act on; nothing scrolls sideways and axe finds
no serious or critical problem."""

import datetime

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from django.utils import timezone, translation

from assessments.models.decisions import Decision
from assessments.services.evidence import observation_draft_start
from tests.e2e.conftest import login, navigate
from tests.factories.workspace import workspace_build

pytestmark = pytest.mark.django_db(transaction=True)


def _serious(page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']}"
        for v in results.response["violations"]
        if v.get("impact") in {"serious", "critical"}
    ]


def test_todo_on_a_phone(phone_page, live_server, assessor, trainee):
    page = phone_page
    ws = workspace_build(assessor=assessor, trainees=[trainee])
    Decision.objects.create(
        trainee=trainee,
        unit=ws.unit,
        assessor=assessor,
        outcome=Decision.Outcome.NOT_YET_COMPETENT,
        reasons="理由",
        assessed_on=timezone.localdate(),
        reassessment_on=timezone.localdate() - datetime.timedelta(days=3),
    )
    observation_draft_start(
        assessor=assessor, trainee=trainee, unit=ws.unit, kind="observation", context="till"
    )
    login(page, live_server, assessor)
    with translation.override("zh-hant"):
        dashboard = reverse("assessments:dashboard")
        trainee_url = reverse("assessments:trainee", args=[trainee.pk])
    page.goto(f"{live_server.url}{dashboard}")
    navigate(page, page.get_by_test_id("todo-link"))
    assert page.get_by_test_id("todo-count-reassessment").inner_text() == "1"
    assert page.get_by_test_id("todo-count-draft").inner_text() == "1"
    assert page.get_by_test_id("todo-overdue").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert _serious(page) == []
    navigate(page, page.get_by_test_id("todo-group-reassessment").get_by_role("link"))
    assert page.url.endswith(trainee_url)
