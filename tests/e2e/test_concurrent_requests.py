"""A browser fires writes at the server at the same time (a lesson's position and completion
calls, two tabs); every one of them must succeed. With the live server sharing one
in-memory SQLite connection between its threads, these interleaved their savepoints and
answered 500 (`no such savepoint`): the test database is a file each thread opens itself."""

from pathlib import Path

import pytest
from django.db import connection
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

FIRE = """async ([urls, token]) => {
  const post = (url, position) => fetch(url, {
    method: "POST", credentials: "same-origin",
    headers: {"X-CSRFToken": token, "Accept": "application/json"},
    body: new URLSearchParams({position: String(position)}),
  }).then(r => r.status);
  const calls = [];
  for (let round = 0; round < 6; round++) {
    for (const [i, url] of urls.entries()) calls.push(post(url, 10 * round + i));
  }
  return Promise.all(calls);
}"""


def test_the_live_server_gives_each_thread_its_own_database_connection():
    if connection.vendor == "sqlite":
        assert not connection.is_in_memory_db()


def test_simultaneous_writes_from_one_page_all_succeed(page, live_server, role_groups):
    make_framework_unit(code="FIXTURE1v1", tasks=2, indicators_per_task=2, knowledge=1, skills=1)
    course = load_course(FIXTURE)
    learner = make_trainee(name="林小美")
    enrolment_create(trainee=learner, course=course)
    lessons = list(LessonPage.objects.descendant_of(course).order_by("path"))

    login(page, live_server, learner)
    page.goto(live_server.url + lessons[0].url, wait_until="domcontentloaded")
    token = page.locator("[data-lesson] input[name=csrfmiddlewaretoken]").input_value()
    urls = []
    for lesson in lessons:
        urls.append(reverse("training:lesson_position", args=[lesson.pk]))
        urls.append(reverse("training:lesson_complete", args=[lesson.pk]))

    statuses = page.evaluate(FIRE, [urls, token])

    assert statuses == [200] * len(urls) * 6
    assert LessonProgress.objects.filter(
        trainee=learner, completed_at__isnull=False
    ).count() == len(lessons)
