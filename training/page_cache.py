"""A trainee's course, module and lesson pages and their dashboard (/learn/), kept once
rendered and given again while nothing they show has changed (issue 18: these pages ran at
2-5 % of a trivial view).

Correct by construction, not by invalidation: the key is a digest of everything the page is
rendered from, read fresh on every request before the page is rendered, so no write anywhere
(a service, the admin, a bulk update, another server) has to remember to clear it.
- the content: the page tree's version (content/tree_cache.py: bumped on publish, move,
  privacy change), the page the URL routes to on the request's site, the URL with its query
  string, the interface language;
- the person: their user and profile row (the header's printed name), their unread
  notifications (the header's count); only plain trainees are kept (below), so their roles
  need no place in it;
- their learning: every row of their enrolments, lesson progress, quiz attempts and scenario
  runs (states, scores, positions, resume point), read whole;
- their CSRF secret (the page's forms carry a token for it).
The rows and the unread count are one query (`learner_stamp`).

A kept page is given before Wagtail routes the request, so the access checks (enrolment,
retirement, privacy) are not run again for it. What they decided is in the key: the tree's
version holds privacy and retirement, the rows hold the enrolment and what was started. A
change to any of them makes the next request a miss, which Wagtail serves with every check.
Only pages in the cached route table (live, no view restriction) are kept.

A kept page is only ever given back to the same person: the key holds their id and CSRF
secret. Its form token is masked afresh on every answer, as Django does for a page it
renders. Only plain trainees (no other role) get kept pages, and only for courses, modules
and lessons: quizzes and scenarios show answers being typed, and staff see admin links and
counts from elsewhere. A request with a message waiting, or an answer that sets a cookie, is
never kept.

The dashboard (keep_dashboard) also shows what other apps draw from their own tables: its
key adds their stamp parts (DASHBOARD_STAMP_HOOK; the assessment panel's, from
assessments/learner_stamp.py) in the same one query, and today's date.

Kept in the `default` cache (each process's memory; the database cache with several servers,
see README), for 15 minutes at most (the dashboard 5)."""

import functools
import hashlib
import re

from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.translation import get_language
from wagtail import hooks

from content import routing
from content.pages.course import CoursePage, ModulePage
from content.pages.lesson import LessonPage
from content.tree_cache import tree_version
from people import roles
from people.models import Notification
from people.notifications import remember_unread_count
from training.models import Enrolment, LessonProgress, QuizAttempt, ScenarioRun

KEPT_PAGE_TYPES = (CoursePage, ModulePage, LessonPage)
TIMEOUT = 15 * 60
DASHBOARD_TIMEOUT = 5 * 60
# Apps that put something on the dashboard register here a function `fn(vendor)` returning
# SQL scalar subqueries (each %s in them the user's id) that change whenever what they show
# changes (assessments/learner_stamp.py).
DASHBOARD_STAMP_HOOK = "training_dashboard_stamp"
HIT_HEADER = "X-Learner-Page"  # "kept" or "rendered": tests and the bench read it

_TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
# Every row of the trainee's learning that a course, module or lesson page is drawn from.
_LEARNING_MODELS = (Enrolment, LessonProgress, QuizAttempt, ScenarioRun)


def rows_as_text(model, vendor: str) -> str:
    """A subquery giving every column of the trainee's rows of `model` as one text value
    (NULL kept apart from the empty string), in id order."""
    # Built once per database kind (_stamp_sql is cached), from the models' own names.
    table = connection.ops.quote_name(model._meta.db_table)
    if vendor == "postgresql":  # a row as text: every column, NULL apart from ''
        return (
            f"(SELECT string_agg(t::text, ';' ORDER BY t.id) FROM {table} t "  # noqa: S608
            "WHERE t.trainee_id = %s)"
        )
    columns = [connection.ops.quote_name(f.column) for f in model._meta.concrete_fields]
    row = " || ',' || ".join(f"quote({c})" for c in columns)
    return (
        f"(SELECT group_concat(r, ';') FROM "  # noqa: S608 - names from the models, values as parameters
        f"(SELECT {row} AS r FROM {table} WHERE trainee_id = %s ORDER BY id))"
    )


@functools.cache
def _stamp_sql(vendor: str, with_dashboard: bool = False) -> str:
    """The stamp's one statement; every %s in it is the user's id. With the dashboard's
    parts, what other apps put on the dashboard adds its own (DASHBOARD_STAMP_HOOK)."""
    notifications = connection.ops.quote_name(Notification._meta.db_table)
    unread = f"FROM {notifications} WHERE user_id = %s AND read_at IS NULL"
    extra = []
    if with_dashboard:
        extra = [part for fn in hooks.get_hooks(DASHBOARD_STAMP_HOOK) for part in fn(vendor)]
    return "SELECT " + ", ".join(
        [
            *(rows_as_text(model, vendor) for model in _LEARNING_MODELS),
            *extra,
            f"(SELECT COUNT(*) {unread})",
            f"(SELECT MAX(id) {unread})",
        ]
    )


def learner_stamp(user, *, with_dashboard: bool = False) -> tuple:
    """The person's learning rows and unread notifications, in one query (with the
    dashboard's parts when asked). The unread count is handed on (people.notifications), so
    the header does not read it again in this request."""
    with connection.cursor() as cursor:  # SQLite or PostgreSQL (config/settings)
        if connection.vendor == "postgresql":
            _execute_prepared(cursor, user.pk, with_dashboard)
        else:
            sql = _stamp_sql("sqlite", with_dashboard)
            cursor.execute(sql, [user.pk] * sql.count("%s"))
        stamp = cursor.fetchone()
    remember_unread_count(user, stamp[-2])
    return tuple(stamp)


def _execute_prepared(cursor, user_id: int, with_dashboard: bool) -> None:
    """PostgreSQL plans the stamp once per connection (a prepared statement: planning it
    cost more than running it). A new connection, after a restart say, prepares it again.
    With a transaction-mode pooler (PgBouncer) in between this would need its prepared
    statement support (PgBouncer 1.21+, max_prepared_statements)."""
    raw = cursor.db.connection
    name = "la_dashboard_stamp" if with_dashboard else "la_learner_stamp"
    prepared = getattr(raw, "_la_stamps_prepared", None)
    if prepared is None:
        prepared = raw._la_stamps_prepared = set()
    if name not in prepared:
        body = _stamp_sql("postgresql", with_dashboard).replace("%s", "$1")  # all the user
        cursor.execute(f"PREPARE {name}(bigint) AS {body}")
        prepared.add(name)
    cursor.execute(f"EXECUTE {name}(%s)", [user_id])


def may_keep(request, model) -> bool:
    """Worth reading the stamp for: a plain GET of a kept page type by a signed-in plain
    trainee who is not staff, whose browser holds its CSRF cookie and has no message
    waiting."""
    return issubclass(model, KEPT_PAGE_TYPES) and _may_keep_for(request)


def _may_keep_for(request) -> bool:
    user = request.user
    return (
        request.method == "GET"
        and user.is_authenticated
        and not user.is_staff
        and not user.is_superuser
        and "CSRF_COOKIE" in request.META
        and not _messages_waiting(request)
        # Read with the user (people/auth_backend.py). Only this one role is ever kept, so
        # the roles need no place in the key.
        and roles.role_names(user) == {roles.TRAINEE}
    )


def page_key(request, page_id, stamp: tuple, *extra) -> str:
    """The digest of everything a kept page is rendered from (read now, before rendering:
    a write during the render can only make the next request miss, never keep stale)."""
    user = request.user
    digest = hashlib.blake2b(digest_size=20)
    for part in (
        tree_version(),
        page_id,  # the page this URL routes to on this request's site
        request.get_full_path(),
        get_language(),
        request.META["CSRF_COOKIE"],
        _row(user, exclude={"password"}),
        _row(getattr(user, "profile", None)),
        stamp,
        *extra,
    ):
        digest.update(repr(part).encode())
    return f"training:page:{user.pk}:{digest.hexdigest()}"


def _kept_or_rendered(request, key: str, render, timeout: int):
    kept = cache.get(key)
    if kept is not None:
        return _from_kept(request, kept)
    response = render()
    if hasattr(response, "render"):
        response.render()
    if response.status_code == 200 and not response.streaming and not response.cookies:
        cache.set(key, _keepable(response), timeout=timeout)
    response[HIT_HEADER] = "rendered"
    return response


def serve_kept_pages(serve):
    """Wraps the page view (config/urls.py): a kept page is given before Wagtail routes the
    request; any other request, and every miss, is served by Wagtail with all its checks."""

    @functools.wraps(serve)
    def view(request, path):
        route = routing.resolve(request, path)  # from memory: no query
        if route is None or not may_keep(request, route.model):
            return serve(request, path)
        stamp = learner_stamp(request.user)
        key = page_key(request, route.page_id, stamp)
        return _kept_or_rendered(request, key, lambda: serve(request, path), TIMEOUT)

    return view


def keep_dashboard(view):
    """Wraps the trainee's dashboard (/learn/): kept like the pages above, for the same
    people, under a key that also holds what other apps show on it (their stamp parts,
    DASHBOARD_STAMP_HOOK: the learner's decisions, evidence, appeals, certificates) and
    today's date (evidence and certificates go out of date at midnight). What no stamp
    part covers, an edit to the unit's framework say, shows within DASHBOARD_TIMEOUT."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if not _may_keep_for(request):
            return view(request, *args, **kwargs)
        stamp = learner_stamp(request.user, with_dashboard=True)
        key = page_key(request, "dashboard", stamp, timezone.localdate())
        return _kept_or_rendered(
            request, key, lambda: view(request, *args, **kwargs), DASHBOARD_TIMEOUT
        )

    return wrapped


def _keepable(response) -> dict:
    content = response.content
    tokens = sorted(set(_TOKEN.findall(content)))
    return {
        "content": content,
        "tokens": tokens,
        "headers": {
            name: value
            for name, value in response.headers.items()
            if name.lower() not in {"content-length", "set-cookie"}
        },
    }


def _from_kept(request, kept: dict) -> HttpResponse:
    content = kept["content"]
    if kept["tokens"]:
        fresh = get_token(request).encode()  # masked anew, as for a rendered page
        for token in kept["tokens"]:
            content = content.replace(token, fresh)
    response = HttpResponse(content, headers=kept["headers"])
    response[HIT_HEADER] = "kept"
    return response


def _row(instance, exclude=frozenset()) -> list | None:
    if instance is None:
        return None
    return [
        (field.attname, getattr(instance, field.attname))
        for field in instance._meta.concrete_fields
        if field.attname not in exclude
    ]


def _messages_waiting(request) -> bool:
    storage = getattr(request, "_messages", None)
    return storage is not None and len(storage) > 0  # len() reads without using them up
