"""Issue 18: a trainee's course, module and lesson pages are kept once rendered and given
again (training/page_cache.py) only while nothing they show has changed. Each test changes
one thing the page shows, by the path a real change takes (a service, a bulk update that
no service sees, the admin's group change, a publish), and checks the very next view shows
it. Kept pages are never given to anyone else, never to staff, and carry a working form
token."""

import re

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.crypto import get_random_string

from content.pages.course import ModulePage
from people import roles
from people.models import NotificationKind
from people.notifications import notification_send
from tests.factories.learning import lessons_of, make_learning_course
from tests.factories.people import make_admin, make_trainee, make_trainer
from training.models import Enrolment, LessonProgress
from training.page_cache import HIT_HEADER
from training.services.enrolment import enrolment_create
from training.services.progress import lesson_complete

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def setting(role_groups):
    course = make_learning_course(modules=2, lessons_per_module=2)
    trainee = make_trainee(name="林小安")
    enrolment = enrolment_create(trainee=trainee, course=course)[0]
    return course, trainee, enrolment


def _browser(user, *, csrf_checks: bool = False) -> Client:
    """A signed-in browser that has had its first page (so it holds the CSRF cookie)."""
    client = Client(enforce_csrf_checks=csrf_checks)
    client.force_login(user)
    client.cookies["csrftoken"] = get_random_string(32)
    return client


def _url(page, language: str = "zh-hant") -> str:
    with translation.override(language):
        return page.url


def _get(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response, response.content.decode()


def _kept_twice(client, url) -> str:
    first, _ = _get(client, url)
    assert first[HIT_HEADER] == "rendered"
    second, html = _get(client, url)
    assert second[HIT_HEADER] == "kept"
    return html


def test_the_second_view_is_kept_with_a_fresh_form_token_that_works(setting):
    course, trainee, enrolment = setting
    lesson = lessons_of(course)[0]
    client = _browser(trainee, csrf_checks=True)
    first, first_html = _get(client, _url(lesson))
    second, second_html = _get(client, _url(lesson))
    assert (first[HIT_HEADER], second[HIT_HEADER]) == ("rendered", "kept")
    assert second["Cache-Control"] == first["Cache-Control"]  # still never kept by browsers
    assert "no-cache" in second["Cache-Control"] and "private" in second["Cache-Control"]
    first_token, second_token = TOKEN.search(first_html)[1], TOKEN.search(second_html)[1]
    assert first_token != second_token  # masked anew, as Django does for a rendered page
    assert TOKEN.sub("", first_html) == TOKEN.sub("", second_html)

    done = client.post(
        reverse("training:lesson_complete", args=[lesson.pk]),
        {"csrfmiddlewaretoken": second_token, "position": "0"},
    )
    assert done.status_code == 302
    assert LessonProgress.objects.get(trainee=trainee, lesson=lesson).completed_at is not None

    # The page after the redirect carries the message: rendered, never kept, message shown.
    shown, html = _get(client, _url(lesson))
    assert HIT_HEADER not in shown
    assert "已將本堂課標示為完成。" in html
    # Without the message: rendered once more (the progress changed), then kept.
    _kept_twice(client, _url(lesson))


def test_completing_a_lesson_shows_on_the_next_view_of_the_course(setting):
    course, trainee, enrolment = setting
    client = _browser(trainee)
    assert _percent_done(_kept_twice(client, _url(course))) == 0
    lesson_complete(trainee=trainee, lesson=lessons_of(course)[0], enrolment=enrolment)
    response, html = _get(client, _url(course))
    assert response[HIT_HEADER] == "rendered"
    assert _percent_done(html) == 25


def _percent_done(html: str) -> int:
    """The course's progress bar, as the page draws it."""
    match = re.search(r'<progress class="progress-meter" max="100" value="(\d+)"', html)
    assert match, "no progress bar on the page"
    return int(match[1])


def test_a_bulk_update_no_service_sees_still_shows_at_once(setting):
    course, trainee, enrolment = setting
    lesson = lessons_of(course)[0]
    lesson_complete(trainee=trainee, lesson=lesson, enrolment=enrolment)
    client = _browser(trainee)
    assert _percent_done(_kept_twice(client, _url(course))) == 25
    LessonProgress.objects.filter(trainee=trainee).update(completed_at=None)
    response, html = _get(client, _url(course))
    assert response[HIT_HEADER] == "rendered"
    assert _percent_done(html) == 0


def test_a_new_notification_shows_in_the_header_at_once(setting):
    course, trainee, _ = setting
    client = _browser(trainee)
    assert 'data-testid="unread-count"' not in _kept_twice(client, _url(course))
    notification_send(user=trainee, kind=NotificationKind.values[0], title="新通知")
    response, html = _get(client, _url(course))
    assert response[HIT_HEADER] == "rendered"
    assert 'data-testid="unread-count"' in html


def test_a_changed_printed_name_shows_at_once(setting):
    course, trainee, _ = setting
    client = _browser(trainee)
    assert "林小安" in _kept_twice(client, _url(course))
    trainee.profile.full_name = "林大安"
    trainee.profile.save(update_fields=["full_name"])
    response, html = _get(client, _url(course))
    assert response[HIT_HEADER] == "rendered"
    assert "林大安" in html and "林小安" not in html


def test_a_published_title_shows_at_once(setting):
    course, trainee, _ = setting
    lesson = lessons_of(course)[0]
    client = _browser(trainee)
    _kept_twice(client, _url(lesson))
    lesson.title = "改過的標題"
    lesson.save_revision().publish()
    response, html = _get(client, _url(lesson))
    assert response[HIT_HEADER] == "rendered"
    assert "改過的標題" in html


def test_an_ended_enrolment_refuses_the_next_view(setting):
    course, trainee, enrolment = setting
    lesson = lessons_of(course)[0]
    client = _browser(trainee)
    _kept_twice(client, _url(lesson))
    Enrolment.objects.filter(pk=enrolment.pk).delete()
    response = client.get(_url(lesson))
    assert response.status_code == 403
    assert response[HIT_HEADER] == "rendered"
    assert "training/enrolment/not_enrolled.html" in [t.name for t in response.templates]


def test_a_new_role_is_never_served_a_kept_page(setting):
    course, trainee, _ = setting
    client = _browser(trainee)
    _kept_twice(client, _url(course))
    trainee.groups.add(Group.objects.get(name=roles.ASSESSOR))
    for _ in range(2):
        response = client.get(_url(course))
        assert response.status_code == 200
        assert HIT_HEADER not in response  # staff and other roles: always rendered


def test_staff_are_never_served_kept_pages(setting):
    course, _, _ = setting
    client = _browser(make_trainer())
    for _ in range(2):
        response = client.get(_url(course))
        assert response.status_code == 200
        assert HIT_HEADER not in response


def test_administrators_are_never_served_kept_pages(setting):
    course, _, _ = setting
    client = _browser(make_admin())
    for _ in range(2):
        response = client.get(_url(course))
        assert response.status_code == 200
        assert HIT_HEADER not in response


def test_visitors_are_sent_to_sign_in_never_given_a_kept_page(setting):
    course, trainee, _ = setting
    _kept_twice(_browser(trainee), _url(course))
    visitor = Client()
    visitor.cookies["csrftoken"] = get_random_string(32)
    response = visitor.get(_url(course))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert HIT_HEADER not in response


def test_a_kept_page_is_never_given_to_another_trainee(setting):
    course, trainee, _ = setting
    other = make_trainee(name="陳其他")
    enrolment_create(trainee=other, course=course)
    _kept_twice(_browser(trainee), _url(course))
    response, html = _get(_browser(other), _url(course))
    assert response[HIT_HEADER] == "rendered"
    assert "陳其他" in html and "林小安" not in html


def test_each_language_is_kept_apart(setting):
    course, trainee, _ = setting
    module = ModulePage.objects.descendant_of(course).first()
    client = _browser(trainee)
    zh = _kept_twice(client, _url(module))
    en_response, en = _get(client, _url(module, "en"))
    assert en_response[HIT_HEADER] == "rendered"
    assert '<html lang="en"' in en and '<html lang="zh-Hant"' in zh


def test_without_the_csrf_cookie_a_page_is_rendered_and_sets_it(setting):
    course, trainee, _ = setting
    client = Client()
    client.force_login(trainee)
    response = client.get(_url(lessons_of(course)[0]))
    assert response.status_code == 200
    assert HIT_HEADER not in response
    assert "csrftoken" in response.cookies
