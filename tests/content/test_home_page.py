"""The front page: signed out it says what the course is (modules, lessons, role plays,
quizzes, time) and where to verify a certificate; signed in, a trainee goes straight to their
next step; other roles get their way in, never a trainee's next step."""

import pytest
from django.urls import reverse
from django.utils import translation

from tests.factories.learning import lessons_of, make_learning_course
from tests.factories.people import make_assessor, make_trainee, make_trainer
from training.services.enrolment import enrolment_create

pytestmark = pytest.mark.django_db


def _home_url() -> str:
    with translation.override("zh-hant"):
        return reverse("home")


def test_signed_out_home_describes_the_course_and_offers_verification(client, role_groups):
    course = make_learning_course(modules=3, lessons_per_module=2, estimated_minutes=291)
    response = client.get(_home_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert course.title in html
    summary = response.context["course_summaries"][0]
    assert (summary.modules, summary.lessons, summary.scenarios, summary.quizzes) == (3, 6, 0, 0)
    assert summary.hours == 5
    assert "約 5 小時" in html
    with translation.override("zh-hant"):
        assert reverse("verify:index") in html
        assert reverse("login") in html
    assert "private" not in response.get("Cache-Control", "")


def test_signed_out_home_costs_the_same_with_more_courses(
    client, role_groups, django_assert_max_num_queries
):
    make_learning_course(modules=1, lessons_per_module=1)
    with django_assert_max_num_queries(12) as small:
        client.get(_home_url())
    for _ in range(3):
        make_learning_course(modules=3, lessons_per_module=3)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(_home_url())
    assert len(response.context["course_summaries"]) == 4


def test_trainee_goes_straight_to_the_next_step(client, role_groups):
    course = make_learning_course(modules=1, lessons_per_module=2)
    trainee = make_trainee()
    enrolment_create(course=course, trainee=trainee)
    client.force_login(trainee)
    response = client.get(_home_url())
    html = response.content.decode()
    first = lessons_of(course)[0]
    assert 'data-testid="next-step"' in html
    assert first.url in html
    assert "你的第一步" in html
    assert "private" in response["Cache-Control"]
    assert 'data-testid="course-summary"' not in html


def test_trainee_without_a_course_is_told_to_ask_their_trainer(client, role_groups):
    make_learning_course(modules=1, lessons_per_module=1)
    trainee = make_trainee()
    client.force_login(trainee)
    html = client.get(_home_url()).content.decode()
    assert 'data-testid="no-enrolment"' in html
    assert 'data-testid="next-step"' not in html


@pytest.mark.parametrize("make_staff", [make_assessor, make_trainer])
def test_staff_get_their_way_in_not_a_next_step(client, role_groups, make_staff):
    make_learning_course(modules=1, lessons_per_module=1)
    staff = make_staff()
    client.force_login(staff)
    html = client.get(_home_url()).content.decode()
    assert 'data-testid="next-step"' not in html
    assert 'data-testid="no-enrolment"' not in html
    with translation.override("zh-hant"):
        target = (
            reverse("assessments:dashboard")
            if make_staff is make_assessor
            else reverse("wagtailadmin_home")
        )
    assert target in html


def test_manifest_names_the_app_in_the_page_language(client):
    with translation.override("en"):
        url = reverse("web_manifest")
    response = client.get(url)
    assert response["Content-Type"] == "application/manifest+json"
    manifest = response.json()
    assert manifest["name"] == "Loyalty Academy"
    assert manifest["display"] == "standalone"
    assert {icon["sizes"] for icon in manifest["icons"]} == {"192x192", "512x512"}
    with translation.override("zh-hant"):
        zh = client.get(reverse("web_manifest")).json()
    assert zh["lang"] == "zh-Hant" and zh["name"] != "Loyalty Academy"


def test_robots_txt_keeps_crawlers_out_of_the_admin_and_personal_pages_need_a_sign_in(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Disallow: /admin/" in body and "Disallow: /accounts/" in body
    assert "Disallow: /verify/" not in body
    # What a crawler gets from the personal areas: the sign-in page, never a learner's data.
    for path in ("/learn/", "/assess/", "/assess/me/", "/en/learn/"):
        response = client.get(path)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
