"""Trainers enrol cohorts and single trainees through our own views under /learn/manage/."""

import pytest
from django.urls import reverse

from people.models import Cohort
from tests.factories.learning import make_learning_course
from tests.factories.people import make_trainee
from training.models.enrolment import Enrolment
from training.services.enrolment import enrolment_create

pytestmark = pytest.mark.django_db

STAFF = {"trainer": 200, "admin": 200}
ROLES = ["anonymous", "trainee", "other_trainee", "trainer", "assessor", "admin"]


def _expected(role, ok=200):
    if role == "anonymous":
        return 302
    return ok if role in STAFF else 403


@pytest.fixture
def course(role_groups):
    return make_learning_course()


@pytest.mark.parametrize("role", ROLES)
def test_course_list_by_role(client_as, course, role):
    client, _user = client_as(role)
    response = client.get(reverse("training:manage_courses"))
    assert response.status_code == _expected(role)
    if response.status_code == 200:
        assert course.title in response.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_course_detail_by_role(client_as, course, trainee, role):
    enrolment_create(trainee=trainee, course=course)
    client, _user = client_as(role)
    response = client.get(reverse("training:manage_course", args=[course.pk]))
    assert response.status_code == _expected(role)
    if response.status_code == 200:
        assert trainee.printed_name in response.content.decode()
        assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("role", ROLES)
def test_enrol_cohort_by_role(client_as, course, role):
    cohort = Cohort.objects.create(code="2026-q4", name="2026 第四季")
    make_trainee(cohorts=[cohort])
    make_trainee(cohorts=[cohort])
    client, _user = client_as(role)
    response = client.post(
        reverse("training:manage_enrol_cohort", args=[course.pk]), {"cohort": cohort.pk}
    )
    assert response.status_code == _expected(role, ok=302)
    assert Enrolment.objects.filter(course=course).count() == (2 if role in STAFF else 0)


@pytest.mark.parametrize("role", ROLES)
def test_enrol_trainees_by_role(client_as, course, role):
    someone = make_trainee()
    client, _user = client_as(role)
    response = client.post(
        reverse("training:manage_enrol_trainees", args=[course.pk]), {"trainees": [someone.pk]}
    )
    assert response.status_code == _expected(role, ok=302)
    assert Enrolment.objects.filter(trainee=someone, course=course).exists() == (role in STAFF)


def test_bad_input_writes_nothing(trainer_client, course, assessor):
    url_cohort = reverse("training:manage_enrol_cohort", args=[course.pk])
    url_trainees = reverse("training:manage_enrol_trainees", args=[course.pk])
    response = trainer_client.post(url_cohort, {"cohort": "999999"})
    assert response.status_code == 400
    assert "請從清單中選擇梯次。" in response.content.decode()
    response = trainer_client.post(url_trainees, {})
    assert response.status_code == 400
    assert "請至少選擇一位學員。" in response.content.decode()
    # A non-trainee's id (an assessor) is not a valid choice.
    response = trainer_client.post(url_trainees, {"trainees": [assessor.pk]})
    assert response.status_code == 400
    assert "請從清單中選擇學員。" in response.content.decode()
    assert not Enrolment.objects.exists()


def test_unknown_or_unpublished_course_is_404(trainer_client, role_groups):
    draft = make_learning_course()
    draft.unpublish()
    for url in (
        reverse("training:manage_course", args=[draft.pk]),
        reverse("training:manage_course", args=[999999]),
    ):
        assert trainer_client.get(url).status_code == 404
    response = trainer_client.post(
        reverse("training:manage_enrol_trainees", args=[draft.pk]),
        {"trainees": [make_trainee().pk]},
    )
    assert response.status_code == 404
    assert not Enrolment.objects.exists()


def test_manage_detail_queries_do_not_grow(trainer_client, course, django_assert_max_num_queries):
    for size in (2, 12):
        for _ in range(size - Enrolment.objects.count()):
            enrolment_create(trainee=make_trainee(), course=course)
        trainer_client.get(reverse("training:manage_course", args=[course.pk]))
        with django_assert_max_num_queries(20):
            trainer_client.get(reverse("training:manage_course", args=[course.pk]))


@pytest.mark.parametrize(("role", "shown"), [("trainer", True), ("admin", True)])
def test_admin_menu_links_to_enrolments(client_as, role, shown):
    client, _user = client_as(role)
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert (reverse("training:manage_courses") in html) == shown
