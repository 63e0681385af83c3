"""My learning dashboard: roles, content, and a fixed number of queries (also for the lesson
page) whatever the course size."""

import pytest
from django.urls import reverse

from tests.factories.learning import lessons_of, make_learning_course
from training.services.enrolment import enrolment_create
from training.services.progress import lesson_complete

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 302),
        ("trainee", 200),
        ("other_trainee", 200),
        ("trainer", 403),
        ("assessor", 403),
        ("admin", 403),
    ],
)
def test_dashboard_by_role(client_as, role_groups, trainee, role, status):
    course = make_learning_course()
    enrolment_create(trainee=trainee, course=course)
    client, user = client_as(role)
    response = client.get(reverse("training:dashboard"))
    assert response.status_code == status
    if status == 200:
        html = response.content.decode()
        assert "no-store" in response["Cache-Control"]
        # Each trainee sees only their own courses.
        assert (course.title in html) == (role == "trainee")


def test_dashboard_shows_progress_resume_modules_and_coverage(trainee_client, trainee, role_groups):
    course = make_learning_course(modules=2, lessons_per_module=2)
    enrolment = enrolment_create(trainee=trainee, course=course)[0]
    lessons = lessons_of(course)
    html = trainee_client.get(reverse("training:dashboard")).content.decode()
    assert 'data-percent="0"' in html
    assert f'href="{lessons[0].url}"' in html  # start at the first lesson

    lesson_complete(trainee=trainee, lesson=lessons[0], enrolment=enrolment)
    html = trainee_client.get(reverse("training:dashboard")).content.decode()
    assert 'data-percent="25"' in html
    assert f'href="{lessons[1].url}"' in html  # resume at the next lesson
    for module in course.get_children():
        assert module.title in html
    # Coverage: the unit's indicators are listed, the first lesson's indicator is covered.
    first_indicator = lessons[0].indicators.first()
    assert first_indicator.code in html
    assert 'value="100"' in html


def _build(trainee, modules, lessons_per_module):
    course = make_learning_course(modules=modules, lessons_per_module=lessons_per_module)
    enrolment = enrolment_create(trainee=trainee, course=course)[0]
    lessons = lessons_of(course)
    for lesson in lessons[: len(lessons) // 2]:
        lesson_complete(trainee=trainee, lesson=lesson, enrolment=enrolment)
    return course, lessons


QUERY_BUDGET_DASHBOARD = 23
QUERY_BUDGET_LESSON = 8


@pytest.mark.parametrize(("modules", "lessons_per_module"), [(1, 2), (6, 8)])
def test_dashboard_queries_do_not_grow_with_course_size(
    trainee_client, trainee, role_groups, django_assert_max_num_queries, modules, lessons_per_module
):
    _build(trainee, modules, lessons_per_module)
    trainee_client.get(reverse("training:dashboard"))  # warm caches (content types, site)
    with django_assert_max_num_queries(QUERY_BUDGET_DASHBOARD):
        response = trainee_client.get(reverse("training:dashboard"))
    assert response.status_code == 200


@pytest.mark.parametrize(("modules", "lessons_per_module"), [(1, 2), (6, 8)])
def test_lesson_page_queries_do_not_grow_with_course_size(
    trainee_client, trainee, role_groups, django_assert_max_num_queries, modules, lessons_per_module
):
    _course, lessons = _build(trainee, modules, lessons_per_module)
    lesson = lessons[len(lessons) // 2]
    trainee_client.get(lesson.url)
    with django_assert_max_num_queries(QUERY_BUDGET_LESSON):
        response = trainee_client.get(lesson.url)
    assert response.status_code == 200


def test_query_counts_are_equal_at_both_sizes(
    trainee_client, trainee, role_groups, django_assert_num_queries
):
    """Stronger than a shared bound: exactly the same number of queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    trainee_client.cookies["csrftoken"] = "x" * 32  # a browser past its first page
    for modules, per_module in [(1, 2), (5, 6)]:
        _course, lessons = _build(trainee, modules, per_module)
        lesson = lessons[len(lessons) // 2]
        trainee_client.get(f"{lesson.url}?warm=1")  # another URL: this one is rendered
        with CaptureQueriesContext(connection) as lesson_queries:
            response = trainee_client.get(lesson.url)
        assert response["X-Learner-Page"] == "rendered"
        counts.append(len(lesson_queries))
    assert counts[0] == counts[1], counts


def test_dashboard_offers_open_courses(trainee_client, trainee, role_groups):
    open_course = make_learning_course(allow_self_enrolment=True)
    closed = make_learning_course(allow_self_enrolment=False)
    html = trainee_client.get(reverse("training:dashboard")).content.decode()
    assert open_course.title in html and closed.title not in html
    trainee_client.post(reverse("training:course_self_enrol", args=[open_course.pk]))
    html = trainee_client.get(reverse("training:dashboard")).content.decode()
    assert 'data-testid="open-course"' not in html and 'data-testid="course-card"' in html


def test_preview_of_an_unsaved_lesson_gets_no_learning_context(rf, trainer):
    from content.pages.lesson import LessonPage

    request = rf.get("/")
    request.user = trainer
    context = LessonPage(title="草稿", slug="draft").get_context(request)
    assert "progress" not in context
