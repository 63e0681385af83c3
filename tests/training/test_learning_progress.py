"""Lesson progress, resume, course completion (recorded once, never flips back) and the
activity-kind registry."""

import re

import pytest
from django.urls import reverse

from content.pages.lesson import LessonPage
from tests.factories.learning import add_lesson, lessons_of, make_learning_course
from training import completion
from training.completion import ActivityStatus, course_progress, register_activity_kind
from training.models.enrolment import Enrolment
from training.models.progress import LessonProgress
from training.selectors.learning import resume_point
from training.services.enrolment import enrolment_create
from training.services.progress import lesson_complete

pytestmark = pytest.mark.django_db


@pytest.fixture
def course(role_groups):
    return make_learning_course(modules=2, lessons_per_module=2)


@pytest.fixture
def enrolment(course, trainee):
    return enrolment_create(trainee=trainee, course=course)[0]


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 302),
        ("trainee", 302),
        ("other_trainee", 404),
        ("trainer", 403),
        ("assessor", 403),
        ("admin", 403),
    ],
)
def test_mark_complete_by_role(client_as, course, enrolment, role, status):
    lesson = lessons_of(course)[0]
    client, user = client_as(role)
    response = client.post(reverse("training:lesson_complete", args=[lesson.pk]))
    assert response.status_code == status
    done = LessonProgress.objects.filter(lesson=lesson, completed_at__isnull=False)
    assert done.count() == (1 if role == "trainee" else 0)


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 302),
        ("trainee", 200),
        ("other_trainee", 404),
        ("trainer", 403),
        ("assessor", 403),
        ("admin", 403),
    ],
)
def test_save_position_by_role(client_as, course, enrolment, role, status):
    lesson = lessons_of(course)[1]
    client, user = client_as(role)
    response = client.post(reverse("training:lesson_position", args=[lesson.pk]), {"position": "3"})
    assert response.status_code == status
    if role == "trainee":
        assert LessonProgress.objects.get(lesson=lesson, trainee=user).last_position == 3


def test_bad_position_is_refused(trainee_client, course, enrolment):
    lesson = lessons_of(course)[0]
    for bad in ("", "abc", "-4"):
        response = trainee_client.post(
            reverse("training:lesson_position", args=[lesson.pk]), {"position": bad}
        )
        assert response.status_code == 400
        assert "位置必須是整數" in response.json()["error"]
    assert not LessonProgress.objects.exists()


def test_get_is_not_allowed(trainee_client, course, enrolment):
    lesson = lessons_of(course)[0]
    assert (
        trainee_client.get(reverse("training:lesson_complete", args=[lesson.pk])).status_code == 405
    )
    assert not LessonProgress.objects.exists()


def test_unpublished_lesson_gives_404(trainee_client, course, enrolment):
    draft = add_lesson(course.get_children().first(), title="草稿", slug="draft", live=False)
    response = trainee_client.post(reverse("training:lesson_complete", args=[draft.pk]))
    assert response.status_code == 404


def test_lesson_page_shows_position_and_neighbours_and_remembers(trainee_client, course, enrolment):
    lessons = lessons_of(course)
    response = trainee_client.get(lessons[2].url)  # module 2, first item
    html = response.content.decode()
    position = re.search(r'data-testid="lesson-position">([^<]*)<', html).group(1)
    assert re.findall(r"\d+", position) == ["2", "2", "1", "2"]  # module 2 of 2, item 1 of 2
    assert lessons[1].title in html and lessons[3].title in html  # previous and next
    assert 'rel="prev"' in html and 'rel="next"' in html
    # Showing the page writes nothing: the page's script records the visit by POST.
    enrolment.refresh_from_db()
    assert enrolment.resume_page_id is None
    assert not LessonProgress.objects.filter(lesson=lessons[2]).exists()
    visit_url = reverse("training:lesson_visit", args=[lessons[2].pk])
    assert f'data-visit-url="{visit_url}"' in html
    for _attempt in range(2):  # a retried visit changes nothing more
        response = trainee_client.post(visit_url, HTTP_ACCEPT="application/json")
        assert response.json() == {"started": True, "completed": False}
    enrolment.refresh_from_db()
    assert enrolment.resume_page_id == lessons[2].pk
    assert LessonProgress.objects.get(lesson=lessons[2]).completed_at is None
    assert LessonProgress.objects.filter(lesson=lessons[2]).count() == 1
    # Recorded: the page no longer asks for it.
    assert "data-visit-url" not in trainee_client.get(lessons[2].url).content.decode()


def test_the_visit_is_a_post_for_an_enrolled_trainee_only(client, trainee_client, course):
    lesson = lessons_of(course)[0]
    url = reverse("training:lesson_visit", args=[lesson.pk])
    assert trainee_client.get(url).status_code == 405
    assert trainee_client.post(url).status_code == 404  # not enrolled: reveals nothing
    response = client.post(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not LessonProgress.objects.exists()


def test_json_completion_and_course_completion_never_flips_back(
    trainee_client, trainee, course, enrolment
):
    lessons = lessons_of(course)
    for lesson in lessons[:-1]:
        data = trainee_client.post(
            reverse("training:lesson_complete", args=[lesson.pk]), HTTP_ACCEPT="application/json"
        ).json()
        assert data == {"completed": True, "course_completed": False}
    data = trainee_client.post(
        reverse("training:lesson_complete", args=[lessons[-1].pk]), HTTP_ACCEPT="application/json"
    ).json()
    assert data["course_completed"] is True
    enrolment.refresh_from_db()
    completed_at = enrolment.completed_at
    assert completed_at is not None

    # The course is edited later: a new lesson appears. Completion stays, with its time.
    add_lesson(course.get_children().first(), title="新增的課", slug="added-later")
    progress = course_progress(course=course, trainee_ids=[trainee.pk])[trainee.pk]
    assert not progress.is_complete
    trainee_client.post(reverse("training:lesson_complete", args=[lessons[0].pk]))
    enrolment.refresh_from_db()
    assert enrolment.completed_at == completed_at
    html = trainee_client.get(reverse("training:dashboard")).content.decode()
    assert 'data-testid="course-completed"' in html


def test_completing_twice_keeps_the_first_time(trainee, course, enrolment):
    lesson = lessons_of(course)[0]
    first = lesson_complete(trainee=trainee, lesson=lesson, enrolment=enrolment).completed_at
    second = lesson_complete(trainee=trainee, lesson=lesson, enrolment=enrolment).completed_at
    assert first == second


def test_resume_point_follows_where_the_trainee_stopped(trainee, course, enrolment):
    lessons = lessons_of(course)
    progress = course_progress(course=course, trainee_ids=[trainee.pk])[trainee.pk]
    assert resume_point(enrolment=enrolment, progress=progress).page.pk == lessons[0].pk

    lesson_complete(trainee=trainee, lesson=lessons[0], enrolment=enrolment)
    LessonProgress.objects.create(trainee=trainee, lesson=lessons[1], last_position=3)
    Enrolment.objects.filter(pk=enrolment.pk).update(resume_page=lessons[1])
    enrolment.refresh_from_db()
    progress = course_progress(course=course, trainee_ids=[trainee.pk])[trainee.pk]
    point = resume_point(enrolment=enrolment, progress=progress)
    assert point.page.pk == lessons[1].pk and point.position == 3

    # Stopped on a finished lesson: resume at the next unfinished one.
    lesson_complete(trainee=trainee, lesson=lessons[1], enrolment=enrolment)
    enrolment.refresh_from_db()
    progress = course_progress(course=course, trainee_ids=[trainee.pk])[trainee.pk]
    assert resume_point(enrolment=enrolment, progress=progress).page.pk == lessons[2].pk


def test_course_rules_decide_completion(trainee, course, enrolment):
    """A graded kind registered through the registry counts per the course's rules."""
    graded = {}

    def fake_status(trainee_ids, pages, course=None):
        return {(t, p.pk): graded[p.pk] for t in trainee_ids for p in pages if p.pk in graded}

    saved = dict(completion._KINDS)
    try:
        # Treat lessons as if they were scenarios: done with a minimum score.
        register_activity_kind(
            "content.LessonPage",
            fake_status,
            required=lambda c: c.require_all_scenarios,
            satisfied=completion.DEFAULT_RULES["content.ScenarioPage"][1],
        )
        lessons = lessons_of(course)
        for lesson in lessons:
            graded[lesson.pk] = {"done": True, "score": 50.0}
        course.scenario_min_score = 60
        progress = course_progress(course=course, trainee_ids=[trainee.pk])[trainee.pk]
        assert progress.satisfied_total == 0 and progress.activities[0].status.started
        for lesson in lessons:
            graded[lesson.pk] = ActivityStatus(done=True, score=75.0)
        assert course_progress(course=course, trainee_ids=[trainee.pk])[trainee.pk].is_complete
        course.require_all_scenarios = False
        progress = course_progress(course=course, trainee_ids=[trainee.pk])[trainee.pk]
        assert progress.required_total == 0 and not progress.is_complete
    finally:
        completion._KINDS.clear()
        completion._KINDS.update(saved)


def test_status_functions_with_keyword_only_parameters_are_supported():
    calls = []

    def keyword_only(*, trainee_ids, pages):
        calls.append((trainee_ids, pages))
        return {}

    completion._call_status_fn(keyword_only, [1], ["p"], None)
    assert calls == [([1], ["p"])]


def test_lessons_are_registered_by_default():
    kinds = completion.activity_kinds()
    assert kinds["content.LessonPage"].model is LessonPage


@pytest.mark.parametrize("role", ["trainer", "assessor", "admin"])
def test_staff_never_record_a_lesson_visit(client_as, course, role):
    """Staff preview lessons; only trainees have progress to record."""
    client, _user = client_as(role)
    lesson = lessons_of(course)[0]
    assert client.post(reverse("training:lesson_visit", args=[lesson.pk])).status_code == 403
    assert not LessonProgress.objects.exists()
