"""The lesson page (issue 16): the course outline beside the lesson (every module and item,
state in words, the current one marked, a fixed number of queries), completion only when
the trainee presses the button (the no-JS path comes back to the completion section with
the next activity), the "you stopped here" cue, and worked examples that hide the steps and
the answer until the trainee reveals them."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from tests.factories.learning import add_lesson, lessons_of, make_learning_course
from training.models.progress import LessonProgress
from training.services.enrolment import enrolment_create
from training.services.progress import lesson_complete, lesson_position_save

pytestmark = pytest.mark.django_db

WORKED = [
    {"type": "rich_text", "value": "<p>先讀這段。</p>"},
    {
        "type": "worked_example",
        "value": {
            "title": "計算留存率",
            "problem": "<p>期初 200 位會員，期末 210 位，其中 40 位是新會員。</p>",
            "steps": ["期末減新會員：一百七十", "除以期初人數"],
            "answer": "留存率為八成五",
        },
    },
    {"type": "rich_text", "value": "<p>第三段。</p>"},
    {"type": "rich_text", "value": "<p>第四段。</p>"},
]


@pytest.fixture
def course(role_groups):
    return make_learning_course(modules=3, lessons_per_module=2)


@pytest.fixture
def enrolment(course, trainee):
    return enrolment_create(trainee=trainee, course=course)[0]


def _url(page) -> str:
    with translation.override("zh-hant"):
        return page.url


def _outline(html: str) -> str:
    match = re.search(r'<details class="course-outline".*?</details>\s*<article', html, re.S)
    assert match, "no course outline on the page"
    return match.group(0)


def test_outline_lists_every_module_and_item_with_states_and_marks_the_current(
    trainee_client, trainee, course, enrolment
):
    lessons = lessons_of(course)
    lesson_complete(trainee=trainee, lesson=lessons[0], enrolment=enrolment)
    html = trainee_client.get(_url(lessons[2])).content.decode()  # module 2, first item
    outline = _outline(html)
    assert "課程大綱" in outline
    for lesson in lessons:
        assert f'href="{_url(lesson)}"' in outline
    for module in course.get_children():
        assert module.title in outline
    # The current item is marked, and only it.
    assert outline.count('aria-current="page"') == 1
    current = re.search(r'<a href="([^"]+)" aria-current="page">', outline).group(1)
    assert current == _url(lessons[2])
    # States in words: the first lesson done, the current one started, the rest not.
    assert "✓ 已完成" in outline and "◐ 進行中" in outline and "○ 尚未開始" in outline
    # Only the current module is open.
    opened = re.findall(
        r"<details open>\s*<summary>\s*<span class=\"outline-module-title\"[^>]*>([^<]+)<", outline
    )
    assert opened == ["單元 2"]
    # The search box is there for trainees.
    assert f'action="{reverse("training:search")}"' in outline


def test_staff_preview_has_the_outline_but_no_search_box(trainer_client, course):
    html = trainer_client.get(_url(lessons_of(course)[0])).content.decode()
    outline = _outline(html)
    assert 'role="search"' not in outline
    assert 'data-testid="mark-complete"' not in html


def _lesson_queries(client, trainee, modules, per_module) -> int:
    course = make_learning_course(modules=modules, lessons_per_module=per_module)
    enrolment = enrolment_create(trainee=trainee, course=course)[0]
    lessons = lessons_of(course)
    for lesson in lessons[: len(lessons) // 2]:
        lesson_complete(trainee=trainee, lesson=lesson, enrolment=enrolment)
    lesson = lessons[len(lessons) // 2]
    client.cookies["csrftoken"] = "x" * 32  # a browser past its first page
    client.get(f"{_url(lesson)}?warm=1")  # warm caches (content types, site); another URL
    with CaptureQueriesContext(connection) as queries:
        response = client.get(_url(lesson))
    assert response.status_code == 200
    assert response["X-Learner-Page"] == "rendered"  # drawn, not a kept copy
    assert len(_outline(response.content.decode())) > 0
    return len(queries)


def test_the_outline_adds_no_query_per_item(trainee_client, trainee, role_groups):
    small = _lesson_queries(trainee_client, trainee, 1, 2)
    large = _lesson_queries(trainee_client, trainee, 6, 8)
    assert small == large, (small, large)
    assert large <= 34


def test_opening_a_lesson_never_completes_it(trainee_client, trainee, course, enrolment):
    lesson = lessons_of(course)[0]
    html = trainee_client.get(_url(lesson)).content.decode()
    assert "讀到最後並按下「完成這堂課」" in html
    assert 'data-testid="mark-complete"' in html and "完成這堂課" in html
    lesson_position_save(trainee=trainee, lesson=lesson, position=999)  # read to the end
    trainee_client.get(_url(lesson))
    assert LessonProgress.objects.get(trainee=trainee, lesson=lesson).completed_at is None


def test_no_js_completion_comes_back_to_the_status_and_the_next_activity(
    trainee_client, trainee, course, enrolment
):
    lessons = lessons_of(course)
    response = trainee_client.post(
        reverse("training:lesson_complete", args=[lessons[0].pk]), {"position": "2"}
    )
    assert response.status_code == 302
    assert response["Location"] == _url(lessons[0]) + "#lesson-complete"
    html = trainee_client.get(response["Location"]).content.decode()
    assert "已將本堂課標示為完成。" in html  # the message
    assert 'data-testid="mark-complete"' not in html
    status = re.search(
        r'<div class="lesson-complete-done" data-completion-status tabindex="-1"(.*?)</div>',
        html,
        re.S,
    )
    assert status and "hidden" not in status.group(1).split(">")[0]
    assert "您已完成這一堂課。" in status.group(1)
    assert f'data-testid="completion-next" href="{_url(lessons[1])}"' in status.group(1)
    assert LessonProgress.objects.get(trainee=trainee, lesson=lessons[0]).completed_at


def test_the_last_lesson_leads_back_to_the_course(trainee_client, trainee, course, enrolment):
    last = lessons_of(course)[-1]
    lesson_complete(trainee=trainee, lesson=last, enrolment=enrolment)
    html = trainee_client.get(_url(last)).content.decode()
    assert f'data-testid="completion-next" href="{_url(course)}"' in html
    assert "回到課程" in html


def test_not_completed_lesson_has_the_status_hidden_until_completion(
    trainee_client, course, enrolment
):
    html = trainee_client.get(_url(lessons_of(course)[0])).content.decode()
    assert re.search(r'data-completion-status tabindex="-1" hidden>', html)


def test_a_started_lesson_shows_where_the_trainee_stopped(
    trainee_client, trainee, course, enrolment
):
    module = course.get_children().first()
    lesson = add_lesson(module, title="有範例的課", slug="worked", body=WORKED)
    trainee_client.get(_url(lesson))
    html = trainee_client.get(_url(lesson)).content.decode()
    assert 'data-testid="resume-cue"' not in html  # at the start: nothing to jump to

    lesson_position_save(trainee=trainee, lesson=lesson, position=2)
    html = trainee_client.get(_url(lesson)).content.decode()
    assert "歡迎回來" in html and "跳到上次讀到的地方" in html
    assert 'href="#resume-here"' in html
    marker = html.index('id="resume-here"')
    assert html.index('id="block-1"') < marker < html.index('id="block-2"')
    assert "您上次讀到這裡" in html

    # Finished: no cue. A position beyond a lesson that became shorter: no cue either.
    lesson_position_save(trainee=trainee, lesson=lesson, position=40)
    assert 'data-testid="resume-cue"' not in trainee_client.get(_url(lesson)).content.decode()
    lesson_position_save(trainee=trainee, lesson=lesson, position=2)
    lesson_complete(trainee=trainee, lesson=lesson, enrolment=enrolment)
    assert 'data-testid="resume-cue"' not in trainee_client.get(_url(lesson)).content.decode()


def test_worked_example_hides_the_steps_and_the_answer_until_revealed(
    trainee_client, course, enrolment
):
    module = course.get_children().first()
    lesson = add_lesson(module, title="有範例的課", slug="worked", body=WORKED)
    html = trainee_client.get(_url(lesson)).content.decode()
    example = re.search(r'<section class="worked-example card".*?</section>', html, re.S).group(0)
    assert "先自己試試看" in example and "<textarea" in example
    before, _, after = example.partition('<details class="worked-reveal"')
    assert "期初 200 位會員" in before  # the problem is shown
    for hidden in ("留存率為八成五", "期末減新會員", "除以期初人數"):
        assert hidden not in before  # nothing of the answer outside the disclosure
        assert hidden in after
    details_tag = after.split(">", 1)[0]
    assert "open" not in details_tag  # closed until the trainee opens it
    assert "顯示步驟與答案" in after
