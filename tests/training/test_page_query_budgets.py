"""Issue 18 (performance): a signed-in trainee's lesson, module and course pages and the
/learn/ dashboard cost a fixed number of queries whatever the size of the course (3 x 3 and
8 x 10), and the cached course outline shows a newly published lesson at once, also when it
is read back through the shared cache by a fresh process."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.crypto import get_random_string

from content.pages.course import ModulePage
from content.tree_cache import VERSION_KEY
from tests.factories.learning import add_lesson, lessons_of, make_learning_course
from tests.factories.people import make_trainee
from training.outline_cache import cached_course_outline
from training.page_cache import HIT_HEADER
from training.services.enrolment import enrolment_create
from training.services.progress import lesson_complete

pytestmark = pytest.mark.django_db

SIZES = [(3, 3), (8, 10)]
# Issue 18: at most 8 queries for a lesson, flat in the size of the course. Before: lesson 31,
# module 23, course 22, dashboard 37. What moved them: the cached route table (content/
# routing.py: one query for the page instead of the site and two per level), privacy known
# from the table, no write on a GET (the page's script records the visit), the profile in the
# user's query (people/auth_backend.py), the admin userbar for staff only, a lesson's
# indicators and a unit's indicators and courses from the cache, the site for page URLs from
# the cache (content/middleware.py).
BUDGET = {"lesson": 7, "module": 6, "course": 7, "dashboard": 23}
# A page kept for the trainee (training/page_cache.py), seen again with nothing changed: the
# session, the user and one query for everything the page is drawn from.
KEPT_BUDGET = {"lesson": 3, "module": 3, "course": 3, "dashboard": 3}


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


def _url(page) -> str:
    with translation.override("zh-hant"):
        return page.url


def _dashboard_url() -> str:
    with translation.override("zh-hant"):
        return reverse("training:dashboard")


def _counts(client, modules, per_module) -> tuple[dict[str, int], dict[str, int]]:
    """Queries of each page rendered, and of the pages seen again (kept)."""
    trainee = make_trainee()  # one enrolment each: the dashboard lists every course
    client.force_login(trainee)
    client.cookies["csrftoken"] = get_random_string(32)  # a browser past its first page
    course = make_learning_course(modules=modules, lessons_per_module=per_module)
    enrolment = enrolment_create(trainee=trainee, course=course)[0]
    lessons = lessons_of(course)
    for lesson in lessons[: len(lessons) // 2]:
        lesson_complete(trainee=trainee, lesson=lesson, enrolment=enrolment)
    lesson = lessons[len(lessons) // 2]
    module = ModulePage.objects.descendant_of(course).order_by("path").first()
    urls = {
        "lesson": _url(lesson),
        "module": _url(module),
        "course": _url(course),
        "dashboard": _dashboard_url(),
    }
    # Warm the per-process and shared caches, as a running server has them, with another
    # URL of each page (the query string is part of a kept page's key).
    for url in urls.values():
        client.get(f"{url}?warm=1")
    counts, kept = {}, {}
    for name, url in urls.items():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, (name, response.status_code)
        counts[name] = len(queries)
        if name in KEPT_BUDGET:
            assert response[HIT_HEADER] == "rendered"
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            assert response[HIT_HEADER] == "kept"
            kept[name] = len(queries)
    return counts, kept


def test_learner_pages_cost_the_same_queries_whatever_the_course_size(client, role_groups):
    small, small_kept = _counts(client, *SIZES[0])
    large, large_kept = _counts(client, *SIZES[1])
    print("queries", small, large, "kept", small_kept, large_kept)
    for name, budget in BUDGET.items():
        assert small[name] == large[name], (name, small[name], large[name])
        assert large[name] <= budget, (name, large[name], budget)
    for name, budget in KEPT_BUDGET.items():
        assert small_kept[name] == large_kept[name] == budget, (name, small_kept, large_kept)


def test_a_published_lesson_is_in_the_outline_at_once_also_read_back_from_the_shared_cache(
    role_groups,
):
    course = make_learning_course(modules=1, lessons_per_module=2)
    before = cached_course_outline(course)
    assert len(before.activities) == 2
    with CaptureQueriesContext(connection) as queries:
        assert len(cached_course_outline(course).activities) == 2
    assert len(queries) == 0  # served from the cache
    module = ModulePage.objects.descendant_of(course).first()
    lesson = add_lesson(module, title="新課", slug="new-lesson", live=False)
    lesson.save_revision().publish()
    assert [a.title for a in cached_course_outline(course).activities][-1] == "新課"
    # Another process: nothing local, only what the shared cache holds.
    assert cache.get(VERSION_KEY) >= 2
    assert len(cached_course_outline(course).activities) == 3


def test_unpublishing_a_lesson_leaves_the_cached_outline(role_groups):
    course = make_learning_course(modules=1, lessons_per_module=2)
    assert len(cached_course_outline(course).activities) == 2
    lessons_of(course)[0].unpublish()
    assert len(cached_course_outline(course).activities) == 1
