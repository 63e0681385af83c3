"""The real demo course (content/demo/data/course.yaml) loads on the real unit and every
lesson renders; the training demo enrolments load on top of it."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from content.demo import course as course_loader
from content.pages.course import ModulePage
from content.pages.lesson import LessonPage
from people import roles
from people.models import Cohort
from tests.factories.framework import import_seed
from tests.factories.people import make_trainee, make_trainer
from training import demo as enrolment_loader
from training.models.enrolment import Enrolment
from training.models.progress import LessonProgress

pytestmark = pytest.mark.django_db


def test_demo_course_and_enrolments_load(client_as, role_groups):
    import_seed()
    course = course_loader.load_course()
    course_loader.load()  # twice: idempotent
    modules = ModulePage.objects.child_of(course).live()
    lessons = LessonPage.objects.descendant_of(course).live()
    assert modules.count() >= 4 and lessons.count() >= 8

    client, _trainer = client_as("trainer")
    for lesson in lessons:
        response = client.get(lesson.url)
        assert response.status_code == 200, lesson.slug

    cohort = Cohort.objects.create(code="2026-q4", name="2026 第四季")
    make_trainer(username="trainer")
    trainee1 = make_trainee(username="trainee1", cohorts=[cohort])
    make_trainee(username="trainee2", cohorts=[cohort])
    enrolment_loader.load()
    enrolment_loader.load()
    assert Enrolment.objects.filter(course=course).count() == 2
    assert LessonProgress.objects.filter(trainee=trainee1, completed_at__isnull=False).count() == 2
    enrolment = Enrolment.objects.get(trainee=trainee1, course=course)
    assert enrolment.resume_page_id is not None and enrolment.completed_at is None
    assert Group.objects.get(name=roles.TRAINEE) in trainee1.groups.all()
    from django.test import Client

    trainee_client = Client()
    trainee_client.force_login(trainee1)
    html = trainee_client.get(reverse("training:dashboard")).content.decode()
    assert course.title in html and 'data-testid="resume-link"' in html
