"""The progress report's queries at 500 trainees (issue 17): the admin's page and its CSV
export read as many queries for 500 trainees as for 5, and the CSV holds all 500. The
trainees are built as in test_progress_report_bench.py: two quiz attempts and three scenario
runs each, a decision and a certificate for a third of them."""

import csv
import io

import pytest
from django.core.cache import cache
from django.db import connection, reset_queries, transaction
from django.test.utils import CaptureQueriesContext

from assessments.models.assignments import AssessorAssignment
from people.models import Cohort
from tests.assessments.test_progress_report import (
    body,
    certificate_for,
    finished_run,
    graded,
    make_unit_of_13,
    trainees,
    url,
)
from tests.factories.certificates import make_decision
from tests.factories.people import make_assessor
from tests.factories.quizzes import make_module, make_quiz
from tests.factories.scenarios import make_scenario

pytestmark = pytest.mark.django_db

SIZE = 500


def _populate(size: int) -> None:
    module = make_module(make_unit_of_13())
    quizzes = [make_quiz(module), make_quiz(module)]
    scenarios = [make_scenario(module, slug=f"scale-{size}-{i}") for i in range(3)]
    assessor = make_assessor()
    cohort = Cohort.objects.create(code=f"scale-{size}", name=f"梯次 {size}")
    AssessorAssignment.objects.create(assessor=assessor, cohort=cohort)
    for i, trainee in enumerate(trainees(size, module, cohorts=[cohort])):
        for quiz in quizzes:
            graded(quiz, trainee, 40 + i % 60)
        for scenario in scenarios:
            finished_run(scenario, trainee, 30 + i % 70)
        if i % 3 == 0:
            decision = make_decision(
                trainee=trainee, assessor=assessor, unit=module.course.unit, course=module.course
            )
            certificate_for(decision, number=f"LA-{size:04d}-{i:06d}")


def _count(client, params: dict) -> tuple[int, object]:
    """The queries of the second of two requests (the first warms caches), its response."""
    body(client.get(url(), params))
    reset_queries()  # CaptureQueriesContext reads connection.queries, which keeps 9000
    with CaptureQueriesContext(connection) as context:
        response = client.get(url(), params)
        content = body(response)
    assert response.status_code == 200
    return len(context), content


class _Measured(Exception):
    pass


def _measure(client, size: int) -> tuple[dict[str, int], list[list[str]]]:
    """The queries of the page and of the CSV at `size` trainees, and the CSV's rows;
    everything created for them rolled back after."""
    cache.clear()
    try:
        with transaction.atomic():
            _populate(size)
            page, _ = _count(client, {})
            export, content = _count(client, {"export": "csv"})
            raise _Measured({"page": page, "CSV": export}, content)
    except _Measured as measured:
        counts, content = measured.args
    return counts, list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_page_and_csv_queries_do_not_grow_to_500_trainees(client_as):
    client, _ = client_as("admin")
    small, small_rows = _measure(client, 5)
    large, large_rows = _measure(client, SIZE)
    print(f"\nprogress report queries, 5 trainees: {small}; {SIZE} trainees: {large}")
    assert large == small
    assert len(small_rows) == 1 + 5
    heading, *rows = large_rows
    assert heading[:2] == ["姓名", "員工編號"] and len(rows) == SIZE
    assert sorted(row[0] for row in rows) == [f"學員{i:03d}" for i in range(SIZE)]
    certificates = dict(zip(heading, zip(*rows, strict=True), strict=True))["證書編號"]
    assert sum(1 for number in certificates if number) == len(range(0, SIZE, 3))
