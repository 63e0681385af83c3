"""The assessor dashboard (/assess/: trainee list and heat map) at scale (issue 18): the bulk
judgement gives the profile's answers, queries stay flat in the cohort's size, 500 trainees
within a bound, pages and the status filter, and the role boundary."""

import datetime
import itertools
import random
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.selectors import dashboard as dashboard_selectors
from assessments.selectors.profile import competency_profiles
from assessments.sufficiency import (
    NOT_SATISFACTORY,
    PENDING,
    SATISFACTORY,
    STALE,
    UNVALIDATED,
    EvidenceHit,
    Rule,
    judge_indicator,
    summarise_indicator,
)
from bench.assess_scale import build, measure
from content.models.framework import AssessmentMethod
from tests.factories.people import make_trainee, make_trainer

pytestmark = pytest.mark.django_db


def _url() -> str:
    return reverse("assessments:dashboard")


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _listed(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'<tr data-trainee="(\d+)"', html)]


# --- the bulk judgement is the profile's judgement ---------------------------------------------

RULES = [
    Rule(
        require_knowledge_check=know,
        require_performance_method=perf,
        min_methods=methods,
        min_performance_occasions=occasions,
    )
    for know, perf, methods, occasions in itertools.product(
        (True, False), (True, False), (1, 2, 3), (1, 2)
    )
]
D1, D2 = datetime.date(2026, 11, 2), datetime.date(2026, 11, 20)
POOL = [
    EvidenceHit(method, status, f"{method} {status} {on}", on)
    for method in ("observation", "role_play", "questioning", "customer_feedback", "portfolio")
    for status in (SATISFACTORY, NOT_SATISFACTORY, PENDING, STALE, UNVALIDATED)
    for on in (D1, D2)
]


def _hit_sets():
    yield []
    yield from ([h] for h in POOL)
    yield from (list(pair) for pair in itertools.combinations(POOL, 2))
    draw = random.Random(18)
    good = [h for h in POOL if h.status == SATISFACTORY]
    for _ in range(400):
        yield draw.sample(POOL, draw.randint(3, 6))
        yield draw.sample(good, draw.randint(2, 5)) + draw.sample(POOL, 1)


def test_summaries_give_judge_indicator_s_answers_for_every_rule():
    performance, knowledge = AssessmentMethod.performance(), AssessmentMethod.knowledge()
    checked = 0
    for hits in _hit_sets():
        for rule in RULES:
            verdict = judge_indicator(
                "T1.1", hits, rule, performance_methods=performance, knowledge_methods=knowledge
            )
            summary = summarise_indicator(
                hits, rule, performance_methods=performance, knowledge_methods=knowledge
            )
            assert (summary.performance_ok, summary.knowledge_ok, summary.any_ok) == (
                verdict.performance_ok,
                verdict.knowledge_ok,
                verdict.any_ok,
            )
            assert summary.met is (not verdict.gaps), (rule, hits, verdict.gaps)
            assert summary.attempted is bool(hits)
            checked += 1
    assert checked > 10_000


def test_dashboard_rows_agree_with_the_trainee_profiles(role_groups):
    scale = build(30)
    response = _client(scale.assessor).get(_url())
    assert response.status_code == 200
    rows = {row.trainee.pk: row for row in response.context["rows"]}
    assert set(rows) == {t.pk for t in scale.trainees}
    profiles = competency_profiles(trainee_ids=list(rows), unit=scale.unit, course=scale.course)
    statuses = set()
    for pk, row in rows.items():
        profile = profiles[pk]
        assert [cell.heat for cell in row.cells] == [r.heat for r in profile.rows]
        assert [cell.method_labels for cell in row.cells] == [
            tuple(r.method_labels()) for r in profile.rows
        ]
        if row.decision is None and row.status != "appeal_open":
            assert (row.status == "ready") is profile.complete
        statuses.add(row.status)
    # The generated cohort has every kind of trainee an assessor meets.
    assert {"ready", "in_training", "not_started", "competent"} <= statuses
    assert {"met", "partial", "attempted", "none"} <= {
        cell.heat for row in rows.values() for cell in row.cells
    }


# --- queries flat in the cohort's size -----------------------------------------------------------


def _queries(client, params) -> int:
    client.get(_url(), params)  # the first request of a session warms its caches
    with CaptureQueriesContext(connection) as queries:
        response = client.get(_url(), params)
    assert response.status_code == 200
    return len(queries.captured_queries)


def test_dashboard_and_heat_map_queries_do_not_grow_with_the_cohort(role_groups):
    small, large = build(5), build(25)
    counts = {}
    for scale in (small, large):
        client = _client(scale.assessor)
        counts[len(scale.trainees)] = [
            _queries(client, params)
            for params in (
                {},
                {"cohort": scale.cohort.code},
                {"status": "in_training"},
                {"cohort": scale.cohort.code, "status": "ready", "page": "1"},
            )
        ]
        html = client.get(_url()).content.decode()
        assert len(_listed(html)) == len(scale.trainees)
        assert html.count('<td class="heat-') == 13 * len(scale.trainees)
    print("\n/assess/ queries at 5 and 25 trainees:", counts)
    assert counts[5] == counts[25]
    assert max(counts[25]) <= 26


# --- 500 trainees ---------------------------------------------------------------------------------


def test_dashboard_at_500_trainees_within_a_second_of_server_time(role_groups, capsys):
    scale = build(500)
    with capsys.disabled():
        results = measure(scale, _client(scale.assessor), repeat=3)
    for result in results:
        assert result["status"] == 200
        # A page of the list and of the heat map; the counts cover all 500.
        assert result["shown"] == dashboard_selectors.PAGE_SIZE
        assert result["heat_cells"] == 13 * dashboard_selectors.PAGE_SIZE
        # Generous for a shared machine (the target is 250 ms, bench/assess_scale.py). The
        # server's own time: CPU time of this process (SQLite answers in it too), which does
        # not count the turns other processes take on a loaded machine; wall time only
        # within a sanity bound.
        assert result["cpu_ms"] <= 1000, result
        assert result["min_ms"] <= 5000, result
    html = _client(scale.assessor).get(_url()).content.decode()
    assert "第 1–50 位學員（共 500 位）" in html or "Trainees 1–50 of 500" in html


# --- pages, the status filter, the order ----------------------------------------------------------


def test_pages_and_status_filter_keep_the_cohort_and_show_who_waits_first(role_groups, monkeypatch):
    monkeypatch.setattr(dashboard_selectors, "PAGE_SIZE", 10)
    scale = build(25)
    client = _client(scale.assessor)
    first = client.get(_url(), {"cohort": scale.cohort.code})
    rows = first.context["rows"]
    order = dashboard_selectors.Status.ORDER
    # Who needs the assessor first: statuses in that order, names in order within one.
    assert [order.index(r.status) for r in rows] == sorted(order.index(r.status) for r in rows)
    assert rows[0].status == "ready"
    html = first.content.decode()
    assert _listed(html) == [r.trainee.pk for r in rows[:10]]
    assert f"?cohort={scale.cohort.code}&amp;page=2" in html
    seen = []
    for page in ("1", "2", "3"):
        seen += _listed(
            client.get(_url(), {"cohort": scale.cohort.code, "page": page}).content.decode()
        )
    assert sorted(seen) == sorted(t.pk for t in scale.trainees)
    # Out of range or nonsense: the nearest page, never an error.
    assert _listed(client.get(_url(), {"page": "99"}).content.decode()) == _listed(
        client.get(_url(), {"page": "3"}).content.decode()
    )
    assert client.get(_url(), {"page": "abc"}).status_code == 200

    # The status filter: only those trainees, the counts of all of them still shown.
    ready = [r.trainee.pk for r in rows if r.status == "ready"]
    filtered = client.get(_url(), {"cohort": scale.cohort.code, "status": "ready"})
    page = filtered.content.decode()
    assert _listed(page) == ready[:10]
    assert 'aria-current="true" data-status-filter="ready"' in page
    assert (
        f"全部狀態: {len(scale.trainees)}" in page or f"All statuses: {len(scale.trainees)}" in page
    )
    assert {r.status for r in filtered.context["rows"]} == {"ready"}
    # A status nobody has: said so; an unknown status: no filter.
    none = client.get(_url(), {"status": "appeal_open"}).content.decode()
    assert 'data-testid="no-trainees-with-status"' in none and not _listed(none)
    assert len(client.get(_url(), {"status": "<script>"}).context["rows"]) == len(scale.trainees)


# --- the role boundary ------------------------------------------------------------------------------


def test_only_assessors_and_admins_and_only_their_trainees(role_groups, admin_user):
    mine, theirs = build(6), build(4)
    outsider = make_trainee(name="未分配學員")
    html = _client(mine.assessor).get(_url()).content.decode()
    assert sorted(_listed(html)) == sorted(t.pk for t in mine.trainees)
    # Another assessor's cohort named in the _url() is not this assessor's: not shown.
    other = _client(mine.assessor).get(_url(), {"cohort": theirs.cohort.code}).content.decode()
    assert sorted(_listed(other)) == sorted(t.pk for t in mine.trainees)
    assert not {t.pk for t in theirs.trainees} & set(_listed(other))
    # Admins oversee every trainee (on as many pages as it takes).
    admin = _client(admin_user).get(_url())
    assert {t.pk for t in mine.trainees + theirs.trainees} | {outsider.pk} <= {
        r.trainee.pk for r in admin.context["rows"]
    }
    # Trainees (even those in the cohort) and trainers are refused; anonymous users sign in.
    assert _client(mine.trainees[0]).get(_url()).status_code == 403
    assert _client(make_trainer(name="張講師")).get(_url()).status_code == 403
    anonymous = Client().get(_url())
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
