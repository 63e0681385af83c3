"""The lesson page in a browser (issue 16), at 360 px and 1280 px: the course outline is a
sticky sidebar on a desktop and a closed "課程大綱" disclosure above the lesson on a phone;
nothing is wider than the screen; axe finds no serious or critical problem; a keyboard user
completes the lesson and keeps their place (focus moves to the completion status, then the
next activity); a worked example shows nothing of its answer until revealed; a trainee who
stopped part-way can jump back to where they stopped."""

from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from content.demo.course import load_course
from content.pages.lesson import LessonPage
from tests.e2e.conftest import login
from tests.factories.framework import make_framework_unit
from tests.factories.people import make_trainee
from training.models.progress import LessonProgress
from training.services.enrolment import enrolment_create
from training.services.progress import lesson_position_save

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


def _no_overflow(page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_desktop_outline_is_a_sticky_sidebar_and_keyboard_completion_keeps_focus(
    page, live_server, course, learner
):
    first, second = _lessons(course)[:2]
    login(page, live_server, learner)
    page.goto(live_server.url + first.url, wait_until="domcontentloaded")
    outline = page.get_by_test_id("course-outline")
    expect(outline).to_have_attribute("open", "")
    assert outline.evaluate("el => getComputedStyle(el).position") == "sticky"
    assert page.locator(".course-outline-toggle").is_hidden()
    box, article = outline.bounding_box(), page.locator("article.lesson").bounding_box()
    assert box["x"] + box["width"] <= article["x"]  # beside the lesson, not above it
    current = outline.locator("a[aria-current=page]")
    expect(current).to_have_count(1)
    assert current.get_attribute("href") == first.url
    expect(current).to_contain_text("進行中")
    expect(outline.locator("a", has_text=second.title)).to_contain_text("尚未開始")
    _no_overflow(page, 1280)
    assert _serious(page) == []

    button = page.get_by_test_id("mark-complete")
    button.focus()
    with page.expect_response(lambda r: "/complete/" in r.url and r.request.method == "POST"):
        page.keyboard.press("Enter")
    status = page.locator("[data-completion-status]")
    expect(status).to_be_visible()
    expect(status).to_be_focused()
    expect(page.get_by_test_id("mark-complete")).to_have_count(0)
    expect(page.get_by_test_id("completion-rule")).to_contain_text("您已完成這一堂課。")
    expect(current).to_contain_text("已完成")
    page.keyboard.press("Tab")
    expect(page.get_by_test_id("completion-next")).to_be_focused()
    assert page.get_by_test_id("completion-next").get_attribute("href") == second.url
    assert LessonProgress.objects.get(trainee=learner, lesson=first).completed_at is not None
    assert _serious(page) == []


def test_phone_outline_is_closed_above_the_lesson_and_opens(
    phone_page, live_server, course, learner
):
    page = phone_page
    first = _lessons(course)[0]
    login(page, live_server, learner)
    page.goto(live_server.url + first.url, wait_until="domcontentloaded")
    outline = page.get_by_test_id("course-outline")
    toggle = page.locator(".course-outline-toggle")
    expect(toggle).to_be_visible()
    expect(toggle).to_contain_text("課程大綱")
    assert outline.get_attribute("open") is None
    expect(outline.locator("a[aria-current=page]")).to_be_hidden()
    assert outline.bounding_box()["y"] < page.locator("article.lesson h1").bounding_box()["y"]
    _no_overflow(page, 360)
    assert _serious(page) == []
    toggle.click()
    expect(outline.locator("a[aria-current=page]")).to_be_visible()
    _no_overflow(page, 360)
    assert _serious(page) == []


def test_worked_example_reveals_its_answer_only_on_request(
    phone_page, live_server, course, learner
):
    page = phone_page
    login(page, live_server, learner)
    page.goto(live_server.url + _lessons(course)[0].url, wait_until="domcontentloaded")
    example = page.locator("[data-worked-example]")
    expect(example).to_contain_text("期初 200 人")
    expect(example.locator("textarea")).to_be_visible()
    answer = example.locator("[data-worked-answer]")
    expect(answer).to_be_hidden()
    expect(example.locator(".worked-steps")).to_be_hidden()
    example.locator("textarea").fill("我猜 85%")
    summary = example.locator("summary")
    summary.focus()
    page.keyboard.press("Enter")
    expect(answer).to_be_visible()
    expect(answer).to_contain_text("85%")
    _no_overflow(page, 360)
    assert _serious(page) == []


def test_a_trainee_who_stopped_part_way_jumps_back(page, live_server, course, learner):
    first = _lessons(course)[0]
    lesson_position_save(trainee=learner, lesson=first, position=6)
    login(page, live_server, learner)
    page.goto(live_server.url + first.url, wait_until="domcontentloaded")
    cue = page.get_by_test_id("resume-cue")
    expect(cue).to_contain_text("您上次讀到這堂課的中途。")
    page.get_by_test_id("resume-jump").click()
    marker = page.get_by_test_id("resume-marker")
    expect(marker).to_be_focused()
    expect(marker).to_be_in_viewport()
    # The marker sits just before the block where the trainee stopped.
    assert marker.evaluate("el => el.nextElementSibling.id") == "block-6"
    assert _serious(page) == []
