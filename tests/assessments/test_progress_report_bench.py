"""Server time of the progress report at 500 trainees, each with quiz attempts, scenario
runs and, for a third of them, a decision and a certificate: the admin's first page (all
courses, and one course with a column per quiz and scenario), the full CSV and XLSX exports,
and an assessor's /assess/progress/ on all 500 of them."""

import time

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tests.assessments.test_progress_report import body, populated_report

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
    module, assessor = populated_report(SIZE, "bench")
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
