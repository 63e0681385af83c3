"""Pages are found through the cached route table (content/routing.py) in one query, and the
table never serves what Wagtail's own routing would refuse: a new slug after publishing, an
unpublished page, a moved page, privacy (view restrictions) and aliases all behave exactly as
with Wagtail's walk down the tree."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page, PageViewRestriction, Site

from content.pages.course import ModulePage
from content.routing import resolve, route_table, site_for_request
from tests.factories.learning import lessons_of, make_learning_course
from training.services.enrolment import enrolment_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def course(role_groups):
    return make_learning_course(modules=2, lessons_per_module=2)


@pytest.fixture
def enrolled_client(trainee_client, trainee, course):
    enrolment_create(trainee=trainee, course=course)
    return trainee_client


def _page_queries(client, url) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    sqls = [q["sql"] for q in queries.captured_queries]
    return response.status_code, [s for s in sqls if 'FROM "wagtailcore_site"' in s]


def test_a_lesson_is_found_without_a_site_query_or_a_walk_down_the_tree(enrolled_client, course):
    lesson = lessons_of(course)[0]
    enrolled_client.get(lesson.url)  # builds the table
    status, site_queries = _page_queries(enrolled_client, lesson.url)
    assert status == 200
    assert site_queries == []
    assert route_table()  # cached


def test_a_renamed_slug_is_served_at_its_new_url_and_the_old_one_is_gone(enrolled_client, course):
    lesson = lessons_of(course)[1]
    old_url = lesson.url
    assert enrolled_client.get(old_url).status_code == 200
    lesson.slug = "renamed-lesson"
    lesson.save_revision().publish()
    lesson.refresh_from_db()
    assert enrolled_client.get(lesson.url).status_code == 200
    assert lesson.url.endswith("/renamed-lesson/")
    assert enrolled_client.get(old_url).status_code == 404


def test_an_unpublished_page_is_a_404_at_once(enrolled_client, course):
    lesson = lessons_of(course)[0]
    assert enrolled_client.get(lesson.url).status_code == 200
    lesson.unpublish()
    assert enrolled_client.get(lesson.url).status_code == 404


def test_a_page_unpublished_behind_the_tables_back_is_still_a_404(enrolled_client, course):
    lesson = lessons_of(course)[0]
    assert enrolled_client.get(lesson.url).status_code == 200
    Page.objects.filter(pk=lesson.pk).update(live=False)  # no signal, the table is stale
    assert enrolled_client.get(lesson.url).status_code == 404


def test_a_moved_lesson_is_served_at_its_new_place_and_the_old_url_redirects(
    enrolled_client, course
):
    lesson = lessons_of(course)[0]
    old_url = lesson.url
    target = ModulePage.objects.descendant_of(course).order_by("path").last()
    lesson.move(target, pos="last-child")
    lesson.refresh_from_db()
    assert enrolled_client.get(lesson.url).status_code == 200
    response = enrolled_client.get(old_url)  # Wagtail's automatic redirect on a move
    assert response.status_code == 301 and response["Location"].endswith(lesson.url)


def test_privacy_is_enforced_by_wagtail_for_restricted_pages(enrolled_client, client, course):
    lesson = lessons_of(course)[0]
    module = lesson.get_parent()
    assert enrolled_client.get(lesson.url).status_code == 200
    PageViewRestriction.objects.create(
        page=module, restriction_type=PageViewRestriction.PASSWORD, password="secret"
    )
    response = enrolled_client.get(lesson.url)
    # Wagtail's password form, not the lesson
    assert response.status_code == 200
    assert 'name="password"' in response.content.decode()
    assert lesson.title not in response.content.decode()
    assert resolve(_request_for(lesson.url), lesson.url) is None  # not in the table


def test_the_site_is_chosen_as_wagtail_chooses_it(rf, role_groups):
    default = Site.objects.get(is_default_site=True)
    other = Site.objects.create(
        hostname="shop.example", port=80, root_page=default.root_page, is_default_site=False
    )
    request = rf.get("/", HTTP_HOST="shop.example")
    assert (
        site_for_request(request)
        == other
        == Site.find_for_request(rf.get("/", HTTP_HOST="shop.example"))
    )
    request = rf.get("/", HTTP_HOST="elsewhere.example")
    assert site_for_request(request) == default


def _request_for(url):
    from django.test import RequestFactory

    return RequestFactory().get(url)


def test_what_is_cached_under_a_version_is_built_once_and_again_after_a_change(role_groups):
    from content.tree_cache import tree_cached, tree_changed

    built = []

    def build():
        built.append(1)
        return len(built)

    assert tree_cached("probe", build=build) == 1
    assert tree_cached("probe", build=build) == 1  # from memory
    tree_changed()
    assert tree_cached("probe", build=build) == 2  # a new version of the tree


def test_a_request_reads_the_tree_version_once_and_sees_its_own_change(role_groups):
    from content.tree_cache import pinned_version, tree_changed, tree_version

    with pinned_version():
        before = tree_version()
        tree_changed()  # e.g. a publish inside the request
        assert tree_version() > before
    assert tree_version() > before
