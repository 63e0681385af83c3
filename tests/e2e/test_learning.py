"""A trainee on a phone reads a lesson, completes it (only by pressing the button: reaching
the end saves the place), watches the dashboard move and resumes; axe finds no serious or critical problem on the lesson page and the dashboard; a
trainee who is not enrolled is kept out."""

from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse

from content.demo.course import load_course
from content.pages.lesson import LessonPage
from tests.e2e.conftest import login
from tests.factories.framework import make_framework_unit
from tests.factories.people import make_trainee
from training.models.progress import LessonProgress
from training.services.enrolment import enrolment_create

pytestmark = pytest.mark.django_db(transaction=True)
FIXTURE = Path(__file__).resolve().parents[1] / "content" / "fixtures" / "course_small.yaml"


@pytest.fixture
def course(role_groups):
    make_framework_unit(code="FIXTURE1v1", tasks=2, indicators_per_task=2, knowledge=1, skills=1)
    return load_course(FIXTURE)


@pytest.fixture
def learner(course):
    user = make_trainee(name="林小美")
    enrolment_create(trainee=user, course=course)
    return user


def _lessons(course):
    return list(LessonPage.objects.descendant_of(course).order_by("path"))


def _serious(page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']}"
        for v in results.response["violations"]
        if v.get("impact") in {"serious", "critical"}
    ]


def test_trainee_reads_completes_and_resumes_on_a_phone(phone_page, live_server, course, learner):
    page = phone_page
    first, second = _lessons(course)[:2]
    # Bootstrap scrolls smoothly; a click that scrolls first would land mid-animation.
    page.emulate_media(reduced_motion="reduce")
    login(page, live_server, learner)
    page.goto(live_server.url + reverse("training:dashboard"))
    assert page.get_by_test_id("course-progress").get_attribute("data-percent") == "0"

    page.get_by_test_id("resume-link").click()
    page.wait_for_url(f"**{first.url}", wait_until="domcontentloaded")
    # Self-check gives instant feedback.
    page.locator("[data-self-check] input[type=radio]").first.check()
    page.locator("[data-self-check] button[type=submit]").click()
    assert "正確" in page.locator("[data-self-check-feedback]").inner_text()
    # Nothing is wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    # Completing is a press of the button (sent by the page's script, no reload).
    with page.expect_response(lambda r: "/complete/" in r.url and r.request.method == "POST"):
        page.get_by_test_id("mark-complete").click()
    page.locator("[data-completion-status] .state-done").wait_for()
    assert page.get_by_test_id("mark-complete").count() == 0
    assert page.get_by_test_id("completion-next").get_attribute("href") == second.url
    next_link = page.get_by_test_id("next-link")
    next_link.scroll_into_view_if_needed()
    next_link.tap()
    page.wait_for_url(f"**{second.url}", wait_until="domcontentloaded")

    page.goto(live_server.url + reverse("training:dashboard"))
    assert page.get_by_test_id("course-progress").get_attribute("data-percent") == "33"
    resume = page.get_by_test_id("resume-link")
    assert second.title in resume.inner_text()
    resume.click()
    page.wait_for_url(f"**{second.url}**", wait_until="domcontentloaded")


def test_reaching_the_end_saves_the_place_but_never_completes(
    phone_page, live_server, course, learner
):
    page = phone_page
    first = _lessons(course)[0]
    login(page, live_server, learner)
    page.goto(live_server.url + first.url, wait_until="domcontentloaded")
    page.mouse.wheel(0, 200)
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    last = page.locator("[data-block-index]").last
    last.wait_for()
    page.wait_for_function(
        "() => document.querySelector('[data-complete-form] input[name=position]').value !== '0'"
    )
    with page.expect_response(lambda r: "/position/" in r.url and r.request.method == "POST"):
        page.evaluate("window.dispatchEvent(new Event('pagehide'))")
    progress = LessonProgress.objects.get(trainee=learner, lesson=first)
    assert progress.last_position > 0 and progress.completed_at is None
    assert page.get_by_test_id("mark-complete").is_visible()
    page.goto(live_server.url + reverse("training:dashboard"))
    assert page.get_by_test_id("course-progress").get_attribute("data-percent") == "0"


def test_lesson_and_dashboard_have_no_serious_accessibility_problems(
    phone_page, live_server, course, learner
):
    page = phone_page
    login(page, live_server, learner)
    page.goto(live_server.url + _lessons(course)[0].url, wait_until="domcontentloaded")
    assert _serious(page) == []
    page.goto(live_server.url + reverse("training:dashboard"))
    page.locator("[data-testid=coverage] summary").click()
    assert _serious(page) == []


def test_trainee_not_enrolled_is_kept_out(page, live_server, course):
    outsider = make_trainee(name="王大明")
    login(page, live_server, outsider)
    response = page.goto(live_server.url + _lessons(course)[0].url, wait_until="domcontentloaded")
    assert response.status == 403
    assert page.get_by_test_id("not-enrolled").is_visible()
    assert page.get_by_test_id("mark-complete").count() == 0
    # The course allows self-enrolment: one click, and the lesson opens.
    page.get_by_test_id("self-enrol").click()
    page.wait_for_url(f"**{course.url}", wait_until="domcontentloaded")
    response = page.goto(live_server.url + _lessons(course)[0].url, wait_until="domcontentloaded")
    assert response.status == 200
