"""Search across the lessons of the trainee's courses (/learn/search/): trainees only, only
live, unretired lessons of live courses they are enrolled on, Chinese found inside longer
text, each result with its course, module and a snippet; clear messages for an empty query
and for no results; a fixed number of queries."""

import pytest
from django.urls import reverse
from django.utils import translation

from content.pages.course import CoursePage
from tests.factories.learning import add_lesson, lessons_of, make_learning_course
from training.services.enrolment import enrolment_create
from training.views.search import MAX_RESULTS

pytestmark = pytest.mark.django_db


def _body(text: str) -> list:
    return [{"type": "rich_text", "value": f"<p>{text}</p>"}]


@pytest.fixture
def courses(role_groups, trainee):
    mine = make_learning_course(modules=1, lessons_per_module=1, title="我的課程")
    other = make_learning_course(modules=1, lessons_per_module=1, title="別人的課程")
    add_lesson(
        mine.get_children().first(),
        title="點數到期提醒",
        slug="points-expiry",
        body=_body("顧客的點數自獲得日起十二個月內有效，到期前要主動提醒。"),
    )
    add_lesson(
        other.get_children().first(),
        title="祕密課堂",
        slug="secret",
        body=_body("這堂課的點數規則只有別門課程的學員看得到：獨角獸方案。"),
    )
    enrolment_create(trainee=trainee, course=mine)
    return mine, other


def _search(client, q=None):
    with translation.override("zh-hant"):
        url = reverse("training:search")
    return client.get(url, {} if q is None else {"q": q})


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 302),
        ("trainee", 200),
        ("other_trainee", 200),
        ("trainer", 403),
        ("assessor", 403),
        ("admin", 403),
    ],
)
def test_search_by_role(client_as, courses, role, status):
    client, _user = client_as(role)
    response = _search(client, "點數")
    assert response.status_code == status
    if status == 200:
        html = response.content.decode()
        assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
        # Only the trainee enrolled on the course finds its lesson.
        assert ("點數到期提醒" in html) == (role == "trainee")
        assert "祕密課堂" not in html


def test_a_lesson_of_a_course_the_trainee_is_not_on_never_appears(trainee_client, courses):
    html = _search(trainee_client, "獨角獸").content.decode()
    assert "祕密課堂" not in html and 'data-testid="search-result"' not in html
    assert 'data-testid="search-no-results"' in html
    assert "您的課程中沒有符合「獨角獸」的課堂。" in html
    # A word both courses share: only the trainee's own lesson.
    html = _search(trainee_client, "點數").content.decode()
    assert "點數到期提醒" in html and "祕密課堂" not in html


def test_chinese_inside_longer_text_is_found_with_course_module_and_snippet(
    trainee_client, courses
):
    mine, _other = courses
    html = _search(trainee_client, "十二個月").content.decode()
    assert html.count('data-testid="search-result"') == 1
    assert "有 1 堂課堂符合「十二個月」。" in html
    assert "我的課程 › 單元 1" in html
    assert "<mark>十二個月</mark>" in html
    lesson = [lesson for lesson in lessons_of(mine) if lesson.slug == "points-expiry"][0]
    with translation.override("zh-hant"):
        assert f'href="{lesson.url}"' in html
    # Every word must match, each a phrase: 「到期 提醒」 finds it, 「到提」 does not.
    assert 'data-testid="search-result"' in _search(trainee_client, "到期 提醒").content.decode()
    assert 'data-testid="search-result"' not in _search(trainee_client, "到提").content.decode()


def test_empty_and_odd_queries_get_a_clear_message_never_a_500(trainee_client, courses):
    html = _search(trainee_client).content.decode()
    assert 'data-testid="search-empty-query"' in html and "想找什麼？" in html
    html = _search(trainee_client, "   ").content.decode()
    assert 'data-testid="search-empty-query"' in html
    html = _search(trainee_client, '"!!! ***').content.decode()
    assert "請輸入文字：只有標點符號找不到任何內容。" in html
    for odd in ['點數" OR "', "NEAR(點 數)", "點" * 500, "a AND", "\u0000點數"]:
        response = _search(trainee_client, odd)
        assert response.status_code == 200, odd


def test_drafts_and_retired_lessons_never_appear(trainee_client, courses):
    mine, _other = courses
    module = mine.get_children().first()
    add_lesson(module, title="草稿課堂", slug="draft", body=_body("麒麟草稿內容"), live=False)
    retired = add_lesson(module, title="停用課堂", slug="retired", body=_body("麒麟停用內容"))
    retired.retired = True
    retired.save_revision().publish()
    html = _search(trainee_client, "麒麟").content.decode()
    assert "草稿課堂" not in html and "停用課堂" not in html
    assert 'data-testid="search-no-results"' in html


def test_a_course_taken_offline_is_not_searched(trainee_client, courses):
    mine, _other = courses
    CoursePage.objects.filter(pk=mine.pk).update(live=False)
    html = _search(trainee_client, "十二個月").content.decode()
    assert 'data-testid="search-result"' not in html


@pytest.mark.parametrize(("modules", "lessons_per_module"), [(1, 2), (5, 6)])
def test_search_queries_do_not_grow_with_the_courses(
    trainee_client, trainee, role_groups, django_assert_max_num_queries, modules, lessons_per_module
):
    for _ in range(2):
        course = make_learning_course(modules=modules, lessons_per_module=lessons_per_module)
        enrolment_create(trainee=trainee, course=course)
    _search(trainee_client, "忠誠度")  # warm caches
    with django_assert_max_num_queries(12):
        response = _search(trainee_client, "忠誠度")
    html = response.content.decode()
    total = 2 * modules * lessons_per_module
    assert html.count('data-testid="search-result"') == min(total, MAX_RESULTS)
    if total > MAX_RESULTS:
        assert f"共 {total} 堂，以下是最相關的 {MAX_RESULTS} 堂。" in html
