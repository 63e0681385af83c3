"""Server time of the progress report at 500 trainees, each with quiz attempts, scenario
runs and, for a third of them, a decision and a certificate: the admin's first page (all
courses, and one course with a column per quiz and scenario), the full CSV and XLSX exports,
and an assessor's /assess/progress/ on all 500 of them."""

import time

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from assessments.models.assignments import AssessorAssignment
from people.models import Cohort
from tests.assessments.test_progress_report import (
    body,
    certificate_for,
    finished_run,
    graded,
    make_unit_of_13,
)
from tests.factories.certificates import make_decision
from tests.factories.people import make_assessor, make_trainee
from tests.factories.quizzes import enrol, make_module, make_quiz
from tests.factories.scenarios import make_scenario

pytestmark = pytest.mark.django_db

SIZE = 500


def _timed(client, url, params=None) -> float:
    """The second of two requests (the first warms translations, templates and caches)."""
    body(client.get(url, params or {}))
    start = time.perf_counter()
    response = client.get(url, params or {})
    body(response)
    assert response.status_code == 200
    return time.perf_counter() - start


def test_progress_report_at_500_trainees(client_as, capsys):
    client, _ = client_as("admin")
    module = make_module(make_unit_of_13())
    quizzes = [make_quiz(module), make_quiz(module)]
    scenarios = [make_scenario(module, slug=f"bench-{i}") for i in range(3)]
    assessor = make_assessor()
    cohort = Cohort.objects.create(code="bench", name="效能梯次")
    AssessorAssignment.objects.create(assessor=assessor, cohort=cohort)
    for i in range(SIZE):
        trainee = make_trainee(name=f"學員{i:03d}", cohorts=[cohort])
        enrol(trainee, module)
        for quiz in quizzes:
            graded(quiz, trainee, 40 + i % 60)
        for scenario in scenarios:
            finished_run(scenario, trainee, 30 + i % 70)
        if i % 3 == 0:
            decision = make_decision(
                trainee=trainee, assessor=assessor, unit=module.course.unit, course=module.course
            )
            certificate_for(decision, number=f"LA-2026-{i:06d}")
    with translation.override("zh-hant"):
        admin_url = reverse("progress_report:index")
        assess_url = reverse("assessments:progress_report")
    course = {"course": module.course.pk}
    assessor_client = Client()
    assessor_client.force_login(assessor)
    figures = {
        "page": _timed(client, admin_url),
        "course page": _timed(client, admin_url, course),
        "CSV": _timed(client, admin_url, {"export": "csv"}),
        "XLSX (course)": _timed(client, admin_url, {**course, "export": "xlsx"}),
        "assessor page": _timed(assessor_client, assess_url),
        "assessor CSV": _timed(assessor_client, assess_url, {"export": "csv"}),
    }
    with capsys.disabled():
        shown = ", ".join(f"{name} {seconds * 1000:.0f} ms" for name, seconds in figures.items())
        print(f"\nprogress report, {SIZE} trainees: {shown}")
    assert max(figures["page"], figures["course page"], figures["assessor page"]) < 2.0
    assert max(figures["CSV"], figures["XLSX (course)"], figures["assessor CSV"]) < 5.0
