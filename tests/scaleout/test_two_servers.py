"""Two app servers and two db_workers against one PostgreSQL database (issue 19), started as
scripts/two_servers.py starts them: a page published through server A is seen on server B
at once (the page tree's version in the shared database cache), and a bulk certificate job
queued once is shared by both workers, each decision getting exactly one certificate.

The database is a throw-away one on the local PostgreSQL whatever the suite runs on; the
processes use DJANGO_CACHE=database and the database task queue, as in production. Data is
made, and drafts saved, in short Django processes with the same environment (`_step`); the
publish and unpublish go through server A's Wagtail admin over HTTP."""

import json
import re
import secrets
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

import psycopg
import pytest
from django_tasks_db.models import DBTaskResult
from wagtail.models import Page

from assessments.models.certificates import (
    BulkIssueItem,
    BulkIssueJob,
    Certificate,
    CertificateNumberReservation,
)
from assessments.services.certificate_bulk import RUNNERS, bulk_issue_job_task
from scripts import two_servers

ROOT = two_servers.ROOT
DECISIONS = 12


# --- run in the servers' environment (one short process each) ---------------------------


def make_data(*, decisions: int) -> dict:
    """An admin signed in by a session, a course of two lessons, and `decisions` Competent
    decisions of a cohort's trainees, none with a certificate."""
    from django.conf import settings

    from bench.loadtest.dataset import session_cookie
    from people.models import Cohort
    from tests.factories import learning, people
    from tests.factories.certificates import make_decision
    from tests.factories.framework import make_framework_unit

    admin = people.make_admin(password=None)
    unit = make_framework_unit()
    course = learning.make_learning_course(unit=unit, modules=1, lessons_per_module=2)
    cohort = Cohort.objects.create(code="two-servers", name="two servers")
    assessor = people.make_assessor(password=None)
    ids = [
        make_decision(
            trainee=people.make_trainee(password=None, cohorts=[cohort]),
            assessor=assessor,
            unit=unit,
        ).pk
        for _ in range(decisions)
    ]
    return {
        "admin": admin.pk,
        "cookie": f"{settings.SESSION_COOKIE_NAME}={session_cookie(admin)}",
        "course": course.url,
        "lessons": [
            {"id": page.pk, "url": page.url, "title": page.title}
            for page in learning.lessons_of(course)
        ],
        "cohort": cohort.pk,
        "unit": unit.pk,
        "decisions": ids,
    }


def draft_title(*, page_id: int, title: str, admin: int) -> dict:
    """A trainer's draft: a new revision with another title, not published."""
    from people.models import User

    page = Page.objects.get(pk=page_id).specific
    page.title = title
    revision = page.save_revision(user=User.objects.get(pk=admin))
    return {"revision": revision.pk}


def queue_bulk_job(*, admin: int, cohort: int, unit: int, decisions: list[int]) -> dict:
    """The admin's bulk issue, queued once (its runners go onto the database queue)."""
    from assessments.services.certificate_bulk import bulk_issue_job_create
    from content.models.framework import CompetencyUnit
    from people.models import Cohort, User

    job = bulk_issue_job_create(
        by=User.objects.get(pk=admin),
        cohort=Cohort.objects.get(pk=cohort),
        unit=CompetencyUnit.objects.get(pk=unit),
        decision_ids=decisions,
    )
    return {"job": job.pk}


def _step(env: dict, name: str, **kwargs) -> dict:
    code = (
        "import json, sys, django; django.setup(); "
        "from tests.scaleout import test_two_servers as t; "
        f"print('STEP ' + json.dumps(t.{name}(**json.loads(sys.argv[1]))))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, json.dumps(kwargs)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    line = [line for line in done.stdout.splitlines() if line.startswith("STEP ")][-1]
    return json.loads(line.removeprefix("STEP "))


# --- the servers ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def two(tmp_path_factory):
    if not two_servers.postgres_reachable():
        pytest.skip(f"no PostgreSQL at {two_servers.ADMIN_URL}")
    tmp = tmp_path_factory.mktemp("two-servers")
    url = two_servers.database_create()
    try:
        env = two_servers.shared_env(
            url,
            DJANGO_DEBUG="true",  # static files without a collected manifest
            DJANGO_MEDIA_ROOT=str(tmp / "media"),
            DJANGO_PRIVATE_MEDIA_ROOT=str(tmp / "private"),
        )
        two_servers.migrate(env)
        data = _step(env, "make_data", decisions=DECISIONS)
        with two_servers.cluster(env, tmp) as running:
            yield running, data, url
    finally:
        two_servers.database_drop(url)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def _request(base: str, path: str, cookie: str, data: dict | None = None) -> tuple[int, str, str]:
    """(status, body, Set-Cookie headers) of one request, redirects not followed."""
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    headers = {"Cookie": cookie}
    request = urllib.request.Request(base + path, data=body, headers=headers)  # noqa: S310
    try:
        with _opener.open(request, timeout=60) as response:
            status, text, headers = response.status, response.read().decode(), response.headers
    except urllib.error.HTTPError as error:
        status, text, headers = error.code, error.read().decode(), error.headers
    return status, text, "; ".join(headers.get_all("Set-Cookie") or [])


def _get(base: str, path: str, cookie: str) -> tuple[int, str]:
    status, text, _cookies = _request(base, path, cookie)
    return status, text


def _admin_confirm(base: str, path: str, cookie: str) -> int:
    """GET a Wagtail admin confirmation page and POST its form, as the browser does."""
    status, text, cookies = _request(base, path, cookie)
    assert status == 200, (status, text[:500])
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', text).group(1)
    csrf = re.search(r"csrftoken=([^;]+)", cookies)
    jar = f"{cookie}; csrftoken={csrf.group(1)}" if csrf else cookie
    status, text, _cookies = _request(base, path, jar, {"csrfmiddlewaretoken": token})
    return status


def _sql(url: str, query: str, *params) -> list[tuple]:
    with psycopg.connect(url, autocommit=True, connect_timeout=5) as connection:
        cursor = connection.execute(query, params)
        return cursor.fetchall() if cursor.description else []


def _rows(url: str, model, columns: str, where: str, *params) -> list[tuple]:
    """`columns` of `model`'s rows matching `where`, read straight from the servers' database
    (this process's Django connection is the suite's database, not theirs)."""
    query = f"SELECT {columns} FROM {model._meta.db_table} WHERE {where}"  # noqa: S608
    return _sql(url, query, *params)


# --- the tests --------------------------------------------------------------------------


def test_a_publish_through_one_server_is_seen_on_the_other_at_once(two):
    running, data, url = two
    a, b = running.bases
    cookie = data["cookie"]
    lesson, other = data["lessons"]
    renamed = f"改名的課 {secrets.token_hex(3)}"
    _step(running.env, "draft_title", page_id=lesson["id"], title=renamed, admin=data["admin"])

    # B's cache is warm (the course outline, the lessons' bodies) with the live titles.
    status, course = _get(b, data["course"], cookie)
    assert status == 200 and lesson["title"] in course and other["title"] in course
    assert _get(b, other["url"], cookie)[0] == 200
    # A change no publish announces (no new version) is not seen: B's outline is cached, so
    # what follows is the invalidation's doing.
    table = Page._meta.db_table
    _sql(url, f"UPDATE {table} SET title = %s WHERE id = %s", "未公告", lesson["id"])  # noqa: S608
    status, course = _get(b, data["course"], cookie)
    assert status == 200 and "未公告" not in course and lesson["title"] in course

    path = f"/admin/bulk/wagtailcore/page/publish/?id={lesson['id']}"
    assert _admin_confirm(a, path, cookie) == 302
    status, course = _get(b, data["course"], cookie)
    assert status == 200 and renamed in course and lesson["title"] not in course
    status, page = _get(b, lesson["url"], cookie)
    assert status == 200 and renamed in page

    path = f"/admin/bulk/wagtailcore/page/unpublish/?id={other['id']}"
    assert _admin_confirm(a, path, cookie) == 302
    assert _get(b, other["url"], cookie)[0] == 404
    status, course = _get(b, data["course"], cookie)
    assert status == 200 and other["title"] not in course and renamed in course


def test_a_bulk_job_is_shared_by_both_workers_and_issues_each_certificate_once(two):
    running, data, url = two
    ids = data["decisions"]
    job = _step(
        running.env,
        "queue_bulk_job",
        admin=data["admin"],
        cohort=data["cohort"],
        unit=data["unit"],
        decisions=ids,
    )["job"]

    deadline = time.monotonic() + 120
    while _rows(url, BulkIssueJob, "status", "id = %s", job) != [("done",)]:
        assert time.monotonic() < deadline, "the job was not done in 120 s"
        assert all(w.poll() is None for w in running.workers), "a db_worker exited"
        time.sleep(0.2)

    items = _rows(
        url, BulkIssueItem, "id, decision_id, status, attempts, certificate_id", "job_id = %s", job
    )
    assert sorted(i[1] for i in items) == sorted(ids)
    assert {(i[2], i[3]) for i in items} == {("issued", 1)}, "each item issued at its first try"
    certificates = _rows(url, Certificate, "id, decision_id, number", "decision_id = ANY(%s)", ids)
    assert sorted(c[1] for c in certificates) == sorted(ids), "one certificate per decision"
    assert {c[0] for c in certificates} == {i[4] for i in items}
    serials = sorted(int(c[2].rsplit("-", 1)[1]) for c in certificates)
    assert serials == list(range(1, len(ids) + 1)), "numbered 1..N: unique, no gaps"
    reserved = _rows(url, CertificateNumberReservation, "count(*)", "TRUE")
    assert reserved == [(len(ids),)], "no number reserved and then lost"

    # The job's runners (each a share of the items) ran once each, on both workers.
    runners = _rows(
        url,
        DBTaskResult,
        "status, worker_ids, args_kwargs",
        "task_path = %s",
        bulk_issue_job_task.module_path,
    )
    assert len(runners) == RUNNERS and {r[0] for r in runners} == {"SUCCESSFUL"}
    assert all(len(r[1]) == 1 for r in runners), "each runner ran once"
    issued_by_worker: dict[str, int] = {}
    for _status, (worker,), args_kwargs in runners:
        _job, part, parts = args_kwargs["args"]
        share = sum(1 for i in items if i[0] % parts == part)
        issued_by_worker[worker] = issued_by_worker.get(worker, 0) + share
    expected = {two_servers.worker_id(n) for n in range(len(running.workers))}
    assert set(issued_by_worker) == expected and all(issued_by_worker.values()), issued_by_worker
