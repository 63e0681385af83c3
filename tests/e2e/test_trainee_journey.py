"""A trainee's whole journey on a 360 px phone (issue 16): the front page's next step, the
dashboard leading with the assessment (a Not Yet Competent decision with its reassessment
date), a lesson with the course outline completed by its button, a timed quiz with the
unanswered summary and the 5-minute warning, a role play to its end screen, the notification
the decision sent, and the profile. On every page: axe finds no serious or critical problem,
nothing is wider than the phone, and the console stays clean."""

import datetime

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import expect

from assessments.models.decisions import Decision
from assessments.services.decisions import decision_record
from content.pages.course import ModulePage
from people.models import Notification
from tests.e2e.conftest import login, navigate
from tests.e2e.test_scenario_run import move
from tests.factories.learning import add_lesson
from tests.factories.people import make_assessor
from tests.factories.quizzes import make_question, make_quiz
from tests.factories.scenarios import make_scenario
from tests.factories.workspace import workspace_build
from training.models.quiz_attempts import QuizAttempt

pytestmark = pytest.mark.django_db(transaction=True)


class Checks:
    """What every page of the journey must satisfy, collected as the trainee goes."""

    def __init__(self, page):
        self.page = page
        self.console: list[str] = []
        page.on(
            "console",
            lambda message: message.type == "error" and self.console.append(message.text),
        )
        page.on("pageerror", lambda error: self.console.append(str(error)))

    def page_is_sound(self, name: str) -> None:
        page = self.page
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, f"{name}: {width} px wide on a 360 px phone"
        violations = [
            f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']]}"
            for v in Axe().run(page).response["violations"]
            if v.get("impact") in {"serious", "critical"}
        ]
        assert violations == [], f"{name}: {violations}"
        assert self.console == [], f"{name}: console {self.console}"


@pytest.fixture
def journey(trainee):
    assessor = make_assessor(name="陳評量")
    ws = workspace_build(assessor=assessor, trainees=[trainee], tasks=3, per_task=2)
    module = ws.course.add_child(instance=ModulePage(title="會員方案入門", slug="basics"))
    lesson = add_lesson(module, title="點數怎麼算", slug="points", indicators=ws.indicators[:2])
    add_lesson(module, title="會員等級", slug="tiers", indicators=ws.indicators[2:3])
    questions = [
        make_question("single", indicators=[ws.indicators[i % len(ws.indicators)]])
        for i in range(3)
    ]
    quiz = make_quiz(module, questions, time_limit_minutes=6, shuffle_options=False)
    scenario = make_scenario(module)
    decision_record(
        assessor=assessor,
        trainee=trainee,
        unit=ws.unit,
        course=ws.course,
        outcome=Decision.Outcome.NOT_YET_COMPETENT,
        reasons="T2 的處理還需要練習。",
        feedback="客訴時先傾聽，再說明權限內的做法。",
        assessed_on=datetime.date.today(),
        reassessment_on=datetime.date.today() + datetime.timedelta(days=14),
    )
    return {"course": ws.course, "lesson": lesson, "quiz": quiz, "scenario": scenario}


def test_a_trainees_whole_journey_on_a_phone(phone_page, live_server, trainee, journey):
    page = phone_page
    page.emulate_media(reduced_motion="reduce")
    page.clock.install()  # time runs as usual; the quiz's timer is fast-forwarded below
    checks = Checks(page)
    base = live_server.url
    with translation.override("zh-hant"):
        dashboard_url = reverse("training:dashboard")
        notifications_url = reverse("notifications")
        profile_url = reverse("profile")
    login(page, live_server, trainee)

    # The front page: straight to the next step.
    page.goto(base + "/")
    expect(page.get_by_test_id("next-step-link")).to_have_attribute("href", journey["lesson"].url)
    checks.page_is_sound("home")

    # The dashboard leads with the assessment: the decision and its reassessment date.
    page.goto(base + dashboard_url)
    status = page.get_by_test_id("learner-status")
    expect(status).to_contain_text("尚未適任")
    expect(page.get_by_test_id("learner-reassessment")).to_be_visible()
    first_card = page.locator("main [data-testid=learner-status], main [data-testid=course-card]")
    assert first_card.first.get_attribute("data-testid") == "learner-status"
    checks.page_is_sound("dashboard")

    # A lesson with its outline (closed on a phone), completed by its button.
    page.goto(base + journey["lesson"].url)
    outline = page.get_by_test_id("course-outline")
    expect(outline).to_be_attached()
    expect(outline.locator("[aria-current=page]")).to_contain_text("點數怎麼算")
    checks.page_is_sound("lesson")
    with page.expect_response(lambda r: "/complete/" in r.url and r.request.method == "POST"):
        page.get_by_test_id("mark-complete").click()
    expect(page.get_by_test_id("completion-next")).to_be_visible()
    assert page.evaluate("document.activeElement !== document.body")

    # A timed quiz: one question answered, the 5-minute warning, the unanswered summary.
    page.goto(f"{base}/learn/quiz/{journey['quiz'].pk}/")
    checks.page_is_sound("quiz page")
    navigate(page, page.get_by_test_id("start-attempt"))
    with page.expect_response(lambda r: "/save/" in r.url):
        page.get_by_label("正確選項").first.check()
    page.clock.fast_forward("01:05")
    expect(page.get_by_test_id("timer-alert")).to_contain_text("剩下不到 5 分鐘")
    checks.page_is_sound("quiz attempt")
    page.get_by_test_id("submit-attempt").click()
    dialog = page.get_by_test_id("confirm-dialog")
    expect(dialog.get_by_test_id("summary-unanswered").locator("a:visible")).to_have_count(2)
    checks.page_is_sound("quiz confirm")
    with page.expect_navigation(url="**/result/"):
        dialog.get_by_test_id("confirm-submit").click()
    expect(page.get_by_test_id("result-unanswered")).to_contain_text("2 題未作答")
    assert QuizAttempt.objects.get(quiz=journey["quiz"]).state == QuizAttempt.State.GRADED
    checks.page_is_sound("quiz result")

    # A role play to its end screen; the browser's Back leaves the run.
    page.goto(f"{base}/learn/scenarios/{journey['scenario'].pk}/")
    checks.page_is_sound("scenario start")
    navigate(page, page.get_by_test_id("scenario-begin"))
    expect(page.get_by_test_id("scenario-progress")).to_be_visible()
    checks.page_is_sound("scenario run")
    move(page, page.get_by_test_id("scenario-choice").filter(has_text="先聽您說"))
    move(page, page.get_by_test_id("scenario-choice").filter(has_text="查明細"))
    expect(page.get_by_test_id("scenario-outcome")).to_have_attribute("data-rating", "excellent")
    checks.page_is_sound("scenario end")

    # The decision's notification: unread in the header, opened from the list.
    page.goto(base + dashboard_url)
    expect(page.get_by_test_id("unread-count")).to_be_visible()
    page.goto(base + notifications_url)
    items = page.get_by_test_id("notification")
    expect(items.first).to_be_visible()
    checks.page_is_sound("notifications")
    navigate(page, items.first.locator("a").first)
    assert Notification.objects.filter(user=trainee, read_at__isnull=True).count() < 2

    # The profile: the name exactly as the certificate will print it.
    page.goto(base + profile_url)
    expect(page.get_by_test_id("printed-name")).to_contain_text("林小美")
    checks.page_is_sound("profile")
