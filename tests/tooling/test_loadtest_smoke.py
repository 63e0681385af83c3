"""The load test's tooling (bench/loadtest): a few seconds of it, with few users, against a
real gunicorn on the test database (SQLite or PostgreSQL, whichever the suite runs on), then
its own check that every acknowledged write is in the database; and its table's rules
(outage counted apart, the targets), on made-up figures."""

import json

import pytest
from django.conf import settings
from django.db import connection

from bench.loadtest import dataset, report, run, verify
from bench.loadtest.forms import Page
from content.models.framework import Indicator
from content.pages.course import ModulePage
from tests.factories import framework, learning, quizzes, scenarios


def _database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _small_course():
    """Two lessons, a quiz of four question types, a role-play scenario and two observable
    behaviours: the demo's kinds of page, built in a second (loading the demo takes 20 s)."""
    unit = scenarios.make_unit()
    indicators = list(Indicator.objects.filter(unit=unit).order_by("sort_order"))
    course = learning.make_learning_course(unit=unit, modules=1, lessons_per_module=2)
    module = ModulePage.objects.child_of(course).first()
    questions = [
        quizzes.make_question(qtype, indicators=[indicators[i]])
        for i, qtype in enumerate(("single", "multiple", "true_false", "numeric"))
    ]
    quizzes.make_quiz(module, questions)
    scenarios.make_scenario(module=module)
    for indicator in indicators[:2]:
        framework.make_observation(indicator)
    return course


@pytest.mark.django_db(transaction=True)
def test_a_short_load_test_passes_and_finds_its_writes_in_the_database(tmp_path):
    plan = dataset.prepare(trainees=4, assessors=1, course=_small_course())
    assert plan["assessors"][0]["trainees"], "the assessor has trainees in scope"
    env = run.server_env(_database_url(), debug=True, cache="local")
    # The server must read the sessions this process signed.
    env["DJANGO_SECRET_KEY"] = settings.SECRET_KEY
    gunicorn, base = run.start_gunicorn(env, tmp_path, workers=2)
    try:
        run.warm_up(base, plan, 2)
        locust = run.run_locust(
            base=base,
            plan=plan,
            out=tmp_path,
            users=4,
            assessors=1,
            run_time=5,
            spawn_rate=5,
            think=0.1,
        )
        locust.wait(timeout=60)
    finally:
        run.stop(gunicorn)

    entries = report.load(tmp_path / "requests.jsonl")
    summary = report.summarise(entries, target_p95_ms=10_000)
    text = report.table(summary, target_p95_ms=10_000, fault=False)
    assert summary.problems == [], text
    names = {row.name.split(":")[0] for row in summary.rows}
    assert "assessor" in names and names & {"lesson", "quiz", "scenario"}, names
    assert "all endpoints" in text and "p95 ms" in text

    checked, lost = verify.verify(tmp_path / "writes.jsonl")
    assert lost == []
    assert checked["observation saves"] > 0, checked
    assert sum(checked.values()) > checked["observation saves"], checked

    # A write acknowledged but not in the database is reported.
    writes = report.load(tmp_path / "writes.jsonl")
    draft = next(w for w in writes if w["kind"] == "observation_save" and w["acked"])
    with (tmp_path / "writes.jsonl").open("a") as log:
        log.write(json.dumps({**draft, "revision": draft["revision"] + 50}) + "\n")
    _checked, lost = verify.verify(tmp_path / "writes.jsonl")
    assert len(lost) == 1 and "lost" in lost[0]


def _entry(name: str, start: float, ms: float, error: str = "") -> dict:
    return {"name": name, "method": "GET", "start": start, "ms": ms, "status": 200, "error": error}


def test_failures_during_the_outage_are_counted_apart_and_later_ones_are_not():
    entries = [
        _entry("quiz: autosave", 100.0, 50),
        _entry("quiz: autosave", 110.0, 20, "HTTP 500"),  # PostgreSQL down from 109 to 112
        _entry("quiz: autosave", 108.95, 100, "HTTP 500"),  # begun before, ended during
        _entry("quiz: autosave", 114.0, 40),
    ]
    summary = report.summarise(entries, target_p95_ms=300, outage=(109.0, 112.0))
    (row,) = summary.rows
    assert (row.requests, row.failures, row.outage_requests, row.outage_failures) == (2, 0, 2, 2)
    assert summary.after_outage == (1, 0)
    assert summary.problems == []

    late = [*entries, _entry("quiz: autosave", 120.0, 900, "HTTP 500")]
    summary = report.summarise(late, target_p95_ms=300, outage=(109.0, 112.0))
    assert summary.after_outage == (2, 1)
    assert any("after PostgreSQL came back" in p for p in summary.problems)
    assert any("p95 900 ms > 300 ms" in p for p in summary.problems)
    assert "MISSED" in report.table(summary, target_p95_ms=300, fault=True)


def test_forms_are_read_as_the_browser_posts_them():
    page = Page(
        """<form method="post" action="/save/" data-quiz-form data-seq="3">
        <input type="hidden" name="csrfmiddlewaretoken" value="t">
        <input type="radio" name="q1" value="0"><input type="radio" name="q1" value="1" checked>
        <input type="checkbox" name="q2" value="0" checked><input type="checkbox" name="q2" value="1">
        <select name="q3-0"><option value="">-</option><option value="2" selected>B</option></select>
        <textarea name="q4">
two lines</textarea><input type="file" name="f"><button name="b" value="x">Go</button>
        </form>"""
    )
    form = page.form(**{"data-quiz-form": ""})
    assert form.attrs["data-seq"] == "3"
    assert form.form_data() == [
        ("csrfmiddlewaretoken", "t"),
        ("q1", "1"),
        ("q2", "0"),
        ("q3-0", "2"),
        ("q4", "two lines"),
    ]
