"""Only enrolled trainees open a course's pages; others are told how to enrol; staff may
look; enrolment services and self-enrolment."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from people.models import Cohort
from tests.factories.learning import lessons_of, make_learning_course
from tests.factories.people import make_trainee, make_trainer
from training.models.enrolment import Enrolment
from training.services.enrolment import cohort_enrol, enrolment_create, enrolment_self

pytestmark = pytest.mark.django_db


@pytest.fixture
def course(role_groups):
    return make_learning_course(modules=2, lessons_per_module=2)


def _enrol(user, course):
    return enrolment_create(trainee=user, course=course)[0]


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 302),
        ("trainee", 200),  # enrolled below
        ("other_trainee", 403),
        ("trainer", 200),
        ("assessor", 200),
        ("admin", 200),
    ],
)
@pytest.mark.parametrize("which", ["course", "module", "lesson"])
def test_course_pages_by_role(client_as, course, trainee, role, status, which):
    _enrol(trainee, course)
    page = {
        "course": course,
        "module": course.get_children().first(),
        "lesson": lessons_of(course)[0],
    }[which]
    client, _user = client_as(role)
    response = client.get(page.url)
    assert response.status_code == status
    if status == 302:
        assert reverse("login") in response["Location"]
    if status == 403:
        html = response.content.decode()
        assert 'data-testid="not-enrolled"' in html
        assert lessons_of(course)[0].title not in html or which == "lesson"
        assert "Enrol me" not in html and 'data-testid="self-enrol"' not in html
    if status in (200, 403):
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_not_enrolled_page_offers_self_enrolment_when_allowed(client_as, role_groups):
    course = make_learning_course(allow_self_enrolment=True)
    client, user = client_as("other_trainee")
    response = client.get(course.url)
    assert response.status_code == 403
    assert 'data-testid="self-enrol"' in response.content.decode()
    response = client.post(reverse("training:course_self_enrol", args=[course.pk]))
    assert response.status_code == 302
    assert Enrolment.objects.get(trainee=user, course=course).source == Enrolment.Source.SELF
    assert client.get(course.url).status_code == 200


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 302),
        ("trainee", 403),
        ("other_trainee", 403),
        ("trainer", 403),
        ("assessor", 403),
        ("admin", 403),
    ],
)
def test_self_enrol_refused_when_course_does_not_allow_it(client_as, course, role, status):
    client, user = client_as(role)
    response = client.post(reverse("training:course_self_enrol", args=[course.pk]))
    assert response.status_code == status
    assert not Enrolment.objects.exists()
    if role == "trainee":
        assert "不開放自行報名" in response.content.decode()


def test_self_enrol_needs_post_and_a_real_course(client_as, role_groups):
    course = make_learning_course(allow_self_enrolment=True)
    client, _user = client_as("trainee")
    assert client.get(reverse("training:course_self_enrol", args=[course.pk])).status_code == 405
    assert client.post(reverse("training:course_self_enrol", args=[999999])).status_code == 404
    assert not Enrolment.objects.exists()


def test_enrolment_services(course, trainee):
    trainer = make_trainer()
    enrolment, created = enrolment_create(trainee=trainee, course=course, enrolled_by=trainer)
    assert created and enrolment.enrolled_by == trainer
    again, created = enrolment_create(trainee=trainee, course=course)
    assert not created and again.pk == enrolment.pk
    with pytest.raises(ValidationError):
        enrolment_create(trainee=trainer, course=course)
    with pytest.raises(ValidationError):
        enrolment_self(trainee=make_trainee(), course=course)


def test_cohort_enrol_adds_each_trainee_once(course, django_assert_max_num_queries):
    cohort = Cohort.objects.create(code="c1", name="梯次一")
    members = [make_trainee(cohorts=[cohort]) for _ in range(3)]
    make_trainer(cohorts=[cohort])  # trainers in the cohort are not enrolled
    make_trainee()  # not in the cohort
    with django_assert_max_num_queries(6):
        assert cohort_enrol(cohort=cohort, course=course, enrolled_by=None) == 3
    members.append(make_trainee(cohorts=[cohort]))
    assert cohort_enrol(cohort=cohort, course=course, enrolled_by=None) == 1
    assert Enrolment.objects.filter(course=course).count() == 4
    assert set(Enrolment.objects.values_list("cohort_id", flat=True)) == {cohort.pk}


def test_course_page_shows_progress_and_resume_to_the_enrolled(trainee_client, trainee, course):
    _enrol(trainee, course)
    html = trainee_client.get(course.url).content.decode()
    assert 'data-testid="resume-link"' in html
    assert f'href="{lessons_of(course)[0].url}"' in html
    for module in course.get_children():
        assert module.title in html


def test_staff_preview_records_nothing(client_as, course):
    from training.models.progress import LessonProgress

    for role in ("trainer", "assessor", "admin"):
        client, _user = client_as(role)
        html = client.get(lessons_of(course)[0].url).content.decode()
        assert 'data-testid="mark-complete"' not in html
    assert not LessonProgress.objects.exists() and not Enrolment.objects.exists()
