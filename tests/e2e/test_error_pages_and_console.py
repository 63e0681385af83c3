"""A clean console on every kind of page, and the error pages in the site's layout.

Anonymous visitors, a trainee, a trainer (with the page editor's preview panel open) and an
assessor walk through representative pages; the browser must report nothing: no console
error or warning, no uncaught exception, no Content-Security-Policy violation, no failed
request, no answer >= 400 other than the ones a step expects, and no request to another
site. The 404 and 403 pages show the layout and translated text on a phone and a desktop,
in both languages, with a way back."""

import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.urls import reverse

from content.demo.course import load_course
from content.pages.lesson import LessonPage
from tests.e2e.conftest import login, navigate
from tests.factories.framework import make_framework_unit
from tests.factories.people import make_assessor, make_trainee, make_trainer
from tests.factories.workspace import workspace_build
from training.services.enrolment import enrolment_create

pytestmark = pytest.mark.django_db(transaction=True)

FIXTURE = Path(__file__).resolve().parents[1] / "content" / "fixtures" / "course_small.yaml"
# Lessons may embed these players (the public CSP's frame-src); the test answers for them,
# so nothing leaves the machine and the frame still has to pass the policy.
EMBED = re.compile(r"^https://(www\.youtube-nocookie\.com|player\.vimeo\.com)/")
EMBED_STUB = "<!doctype html><html lang=en><title>player</title><body></body></html>"
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (e) => {
  window.__laCspViolation(
    `${e.violatedDirective} blocked ${e.blockedURI || "inline"} on ${document.location.href}`
    + (e.sourceFile ? ` (${e.sourceFile}:${e.lineNumber})` : "")
  );
});
"""
ICON = re.compile(r"^https?://[^/]+/static/(favicon\.(svg|ico)|apple-touch-icon\.png)$")
STATUS_MESSAGE = re.compile(
    r"^Failed to load resource: the server responded with a status of (\d+)"
)


@dataclass
class Watch:
    """What a page reports that means something is wrong, collected across navigations."""

    base: str
    problems: list[str] = field(default_factory=list)
    expected: dict[str, int] = field(default_factory=dict)  # url -> the status a step expects

    def attach(self, page) -> "Watch":
        context = page.context
        context.expose_binding("__laCspViolation", lambda _source, text: self._add("csp", text))
        context.add_init_script(CSP_LISTENER)
        context.route(EMBED, lambda route: route.fulfill(content_type="text/html", body=EMBED_STUB))
        page.on("console", self._console)
        page.on("pageerror", lambda error: self._add("pageerror", str(error)))
        page.on("requestfailed", self._failed)
        page.on("response", self._response)
        page.on("request", self._request)
        return self

    def _add(self, kind: str, text: str) -> None:
        self.problems.append(f"{kind}: {text}")

    def _console(self, message) -> None:
        if message.type not in ("error", "warning"):
            return
        url = message.location.get("url", "")
        status = STATUS_MESSAGE.match(message.text)
        if status and self.expected.get(url) == int(status.group(1)):
            return  # chromium's note about the error page a step asked for
        self._add(f"console.{message.type}", f"{message.text} [{url}]")

    def _failed(self, request) -> None:
        if request.failure == "net::ERR_ABORTED" and ICON.match(request.url):
            return  # chromium fetches the icon after the load event, and a click away cancels it
        self._add("failed", f"{request.url} {request.failure}")

    def _response(self, response) -> None:
        if response.status >= 400 and self.expected.get(response.url) != response.status:
            self._add("status", f"{response.status} {response.request.method} {response.url}")

    def _request(self, request) -> None:
        url = request.url
        ours = url.startswith(self.base + "/") or EMBED.match(url)
        if url.startswith(("http:", "https:")) and not ours:
            self._add("external", url)

    def visit(self, page, path: str, status: int = 200):
        url = self.base + path
        if status != 200:
            self.expected[url] = status
        response = page.goto(url)
        assert response is not None and response.status == status, (
            path,
            response and response.status,
        )
        self.settle(page)
        return response

    def settle(self, page) -> None:
        """Everything the page loads has loaded (or failed, and been reported)."""
        page.wait_for_load_state("networkidle")

    def assert_clean(self) -> None:
        assert self.problems == [], "\n".join(self.problems)


@pytest.fixture
def world(role_groups):
    """A course a trainee is enrolled in (the small demo-format course, with a video) and an
    assessor assigned to that trainee's cohort."""
    make_framework_unit(code="FIXTURE1v1", tasks=2, indicators_per_task=2, knowledge=1, skills=1)
    course = load_course(FIXTURE)
    trainee = make_trainee(name="林小美")
    enrolment_create(trainee=trainee, course=course)
    assessor = make_assessor(name="陳評審")
    workspace_build(assessor=assessor, trainees=[trainee])
    lessons = list(LessonPage.objects.descendant_of(course).order_by("path"))
    return {"course": course, "lessons": lessons, "trainee": trainee, "assessor": assessor}


def test_anonymous_pages_are_clean(page, live_server, world):
    watch = Watch(live_server.url).attach(page)
    for path in ("/", "/en/", "/accounts/login/", "/accounts/password/reset/", "/verify/"):
        watch.visit(page, path)
    watch.visit(page, "/no-such-page/", status=404)
    # A lesson sends a visitor to log in.
    watch.visit(page, world["lessons"][0].url)
    assert "/accounts/login/" in page.url
    # The icon browsers ask for on their own, and the ones the layout names.
    favicon = page.request.get(live_server.url + "/favicon.ico")
    assert favicon.status == 200 and favicon.headers["content-type"].startswith("image/")
    for icon in page.locator("link[rel=icon], link[rel=apple-touch-icon]").all():
        href = icon.get_attribute("href")
        assert page.request.get(live_server.url + href).status == 200, href
    watch.assert_clean()


def test_trainee_pages_are_clean(page, live_server, world):
    watch = Watch(live_server.url).attach(page)
    login(page, live_server, world["trainee"])
    watch.settle(page)
    lesson = world["lessons"][0]
    for path in (
        "/",
        reverse("training:dashboard"),
        world["course"].url,
        lesson.url,
        reverse("assessments:me"),
        reverse("assessments:certificate_list"),
        "/verify/",
        "/en" + reverse("training:dashboard"),
    ):
        watch.visit(page, path)
    # The video in the first lesson passes the policy's frame-src.
    watch.visit(page, lesson.url)
    page.frame_locator(".lesson-figure iframe").locator("title").wait_for(state="attached")
    watch.visit(page, reverse("assessments:dashboard"), status=403)  # not an assessor
    watch.assert_clean()


def test_assessor_pages_are_clean(page, live_server, world):
    watch = Watch(live_server.url).attach(page)
    login(page, live_server, world["assessor"])
    watch.settle(page)
    trainee = world["trainee"]
    for path in (
        "/",
        reverse("assessments:dashboard"),
        f"/assess/trainees/{trainee.pk}/",
        f"/assess/trainees/{trainee.pk}/decide/",
        reverse("training:marking_queue"),
        reverse("assessments:certificate_list"),
        "/verify/",
    ):
        watch.visit(page, path)
    watch.assert_clean()


def test_trainer_pages_and_preview_panel_are_clean(page, live_server, world):
    watch = Watch(live_server.url).attach(page)
    login(page, live_server, make_trainer(name="張教練"))
    watch.settle(page)
    lesson = world["lessons"][1]
    for path in ("/", "/admin/", reverse("training:manage_courses"), lesson.url):
        watch.visit(page, path)
    watch.visit(page, reverse("wagtailadmin_explore", args=[lesson.get_parent().pk]))
    watch.visit(page, reverse("wagtailadmin_pages:edit", args=[lesson.pk]))
    # Avatars are the default picture: no Gravatar (and no other site) is asked.
    assert "default-user-avatar" in page.locator(".avatar img").first.get_attribute("src")

    # The preview panel: the lesson renders inside the editor.
    with page.expect_response(lambda r: "/edit/preview/" in r.url and r.request.method == "GET"):
        page.locator('[data-side-panel-toggle="preview"]').click()
    preview = page.frame_locator("#w-preview-iframe")
    preview.locator("main h1").filter(has_text=lesson.title).wait_for()
    watch.settle(page)
    watch.assert_clean()


@pytest.mark.parametrize("viewport", ["page", "phone_page"])
@pytest.mark.parametrize(
    ("prefix", "lang", "texts"),
    [
        (
            "",
            "zh-Hant",
            {
                "404": ("找不到頁面", "找不到頁面 · 顧客忠誠度學院"),
                "403": ("您沒有權限開啟這個頁面", "沒有存取權限 · 顧客忠誠度學院"),
                "home": "回到首頁",
            },
        ),
        (
            "/en",
            "en",
            {
                "404": ("Page not found", "Page not found · Loyalty Academy"),
                "403": ("You do not have access to this page", "Access denied · Loyalty Academy"),
                "home": "Go to the home page",
            },
        ),
    ],
)
def test_404_and_403_in_the_layout(request, live_server, world, viewport, prefix, lang, texts):
    page = request.getfixturevalue(viewport)
    width = page.viewport_size["width"]
    watch = Watch(live_server.url).attach(page)

    def check(status: str) -> None:
        assert page.locator("html").get_attribute("lang") == lang
        assert page.locator("header.site-header .navbar-brand").is_visible()
        box = page.get_by_test_id("error-page")
        assert box.get_attribute("data-status") == status
        heading, title = texts[status]
        assert page.locator("h1").inner_text() == heading
        assert page.title() == title
        assert page.get_by_test_id("error-home").inner_text() == texts["home"]
        assert page.get_by_test_id("error-home").is_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= width

    # 404, arriving from a page of ours: a way back, and one home.
    referer = f"{live_server.url}{prefix}/verify/"
    watch.expected[f"{live_server.url}{prefix}/no-such-page/"] = 404
    response = page.goto(f"{live_server.url}{prefix}/no-such-page/", referer=referer)
    assert response.status == 404
    watch.settle(page)
    check("404")
    assert page.get_by_test_id("error-login").is_visible()  # a visitor may log in from here
    navigate(page, page.get_by_test_id("error-back"))
    watch.settle(page)
    assert page.url == referer
    watch.visit(page, prefix + "/no-such-page/", status=404)
    navigate(page, page.get_by_test_id("error-home"))
    watch.settle(page)
    assert page.url == f"{live_server.url}{prefix}/"

    # 403: a trainee on the assessors' area, in the layout with the trainee's own navigation.
    login(page, live_server, world["trainee"])
    watch.settle(page)
    watch.visit(page, prefix + reverse("assessments:dashboard"), status=403)
    check("403")
    assert page.get_by_test_id("signed-in-as").count() == 1
    assert page.get_by_test_id("error-login").count() == 0
    if width < 768:  # the phone: the menu is behind the toggler, and opens
        page.locator(".navbar-toggler").click()
    page.locator('[data-nav="learning"]').wait_for(state="visible")
    watch.assert_clean()


@pytest.mark.urls("tests.config.urls_boom")
@pytest.mark.parametrize("viewport", ["page", "phone_page"])
@pytest.mark.parametrize(
    ("prefix", "lang", "heading"),
    [("", "zh-Hant", "系統發生錯誤"), ("/en", "en", "Something went wrong on our side")],
)
def test_500_page_is_styled_and_clean(request, live_server, viewport, prefix, lang, heading):
    page = request.getfixturevalue(viewport)
    watch = Watch(live_server.url).attach(page)
    watch.visit(page, prefix + "/boom/", status=500)
    assert page.locator("html").get_attribute("lang") == lang
    assert page.locator("h1").inner_text() == heading
    assert page.locator("header.site-header .navbar-brand").is_visible()
    assert page.get_by_test_id("error-retry").get_attribute("href") == prefix + "/boom/"
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    navigate(page, page.get_by_test_id("error-home"))
    watch.settle(page)
    assert page.url == f"{live_server.url}{prefix}/"
    watch.assert_clean()
