"""The progress report's queries at 500 trainees (issue 17): the admin's page and its CSV
export read as many queries for 500 trainees as for 5, and the CSV holds all 500. The
trainees are built as for test_progress_report_bench.py: two quiz attempts and three scenario
runs each, a decision and a certificate for a third of them (populated_report)."""

import csv
import io

import pytest
from django.core.cache import cache
from django.db import connection, reset_queries, transaction
from django.test.utils import CaptureQueriesContext

from tests.assessments.test_progress_report import body, populated_report, url

pytestmark = pytest.mark.django_db

SIZE = 500


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
            populated_report(size, f"scale-{size}")
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
