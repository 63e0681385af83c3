"""A trainee on a 360 px phone (issue 16): /learn/ leads with "My assessment" (above the
course cards) and /assess/me/ shows each indicator as a card; nothing is wider than the phone
and axe finds no serious or critical problem on either page."""

import datetime

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from django.utils import timezone, translation

from assessments.services.decisions import decision_record
from tests.e2e.conftest import login, navigate
from tests.factories.people import make_assessor, make_trainee
from tests.factories.workspace import record_observation, workspace_build

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def learner(role_groups):
    trainee = make_trainee(name="林怡君")
    assessor = make_assessor(name="陳建宏")
    ws = workspace_build(assessor=assessor, trainees=[trainee])
    record_observation(assessor=assessor, trainee=trainee, ws=ws, indicators=ws.indicators[:2])
    today = timezone.localdate()
    decision_record(
        assessor=assessor,
        trainee=trainee,
        unit=ws.unit,
        course=ws.course,
        outcome="not_yet_competent",
        reasons="尚缺知識檢核與部分行為指標的觀察紀錄",
        feedback="請在櫃台主動向顧客說明好生活會員點數方案，並複習會員等級規則。",
        reassessment_on=today + datetime.timedelta(days=21),
        assessed_on=today,
    )
    return trainee


def _serious(page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']}"
        for v in results.response["violations"]
        if v.get("impact") in {"serious", "critical"}
    ]


def _url(name: str) -> str:
    with translation.override("zh-hant"):
        return reverse(name)


def test_my_assessment_on_a_phone(phone_page, live_server, learner):
    page = phone_page
    login(page, live_server, learner)
    page.goto(live_server.url + _url("training:dashboard"))
    card = page.get_by_test_id("learner-status")
    assert card.get_attribute("data-state") == "not_yet_competent"
    assert "尚未適任" in card.inner_text()
    # First: above the course cards.
    course = page.get_by_test_id("course-card").first
    assert card.bounding_box()["y"] < course.bounding_box()["y"]
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert _serious(page) == []

    navigate(page, page.get_by_test_id("learner-me-link"))
    page.wait_for_url(f"**{_url('assessments:me')}")
    cards = page.get_by_test_id("profile-cards").locator("[data-indicator]")
    assert cards.count() >= 2
    assert cards.first.is_visible()
    assert page.locator("table").count() == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert _serious(page) == []
    # The appeal form opens from its summary and fits the phone.
    page.locator(".my-appeal-form summary").click()
    assert page.get_by_test_id("appeal-form").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
