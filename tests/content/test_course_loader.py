"""The demo course loader builds a published course tree from YAML, idempotently, and every
lesson block renders with its own template."""

from pathlib import Path

import pytest
import yaml
from wagtail.models import Revision, WorkflowPage

from content.demo.course import CourseDataError, lesson_body, load_course
from content.pages.course import CourseIndexPage, CoursePage, ModulePage
from content.pages.lesson import LessonPage
from content.services.review import REVIEW_WORKFLOW_NAME
from tests.factories.framework import make_framework_unit

FIXTURE = Path(__file__).parent / "fixtures" / "course_small.yaml"
pytestmark = pytest.mark.django_db


@pytest.fixture
def unit(db):
    return make_framework_unit(
        code="FIXTURE1v1", tasks=2, indicators_per_task=2, knowledge=1, skills=1
    )


def test_loader_builds_published_tree_with_mapping(unit):
    course = load_course(FIXTURE)
    assert course.live and course.unit == unit and course.allow_self_enrolment
    assert isinstance(course.get_parent().specific, CourseIndexPage)
    modules = ModulePage.objects.child_of(course).live()
    assert [m.slug for m in modules.order_by("path")] == ["first-module", "second-module"]
    lessons = list(LessonPage.objects.descendant_of(course).live().order_by("path"))
    assert [lesson.slug for lesson in lessons] == ["first-lesson", "second-lesson", "third-lesson"]
    first = lessons[0]
    assert sorted(i.code for i in first.indicators.all()) == ["T1.1", "T1.2"]
    assert [i.code for i in first.competency_items.all()] == ["K1"]
    assert first.reading_minutes == 10
    assert [b.block_type for b in first.body][:3] == ["rich_text", "heading", "heading"]
    # The course index carries the two-person review workflow.
    assert WorkflowPage.objects.get(page=course.get_parent()).workflow.name == str(
        REVIEW_WORKFLOW_NAME
    )


def test_loader_is_idempotent(unit):
    load_course(FIXTURE)
    pages = LessonPage.objects.count() + ModulePage.objects.count() + CoursePage.objects.count()
    revisions = Revision.objects.count()
    load_course(FIXTURE)
    assert (
        LessonPage.objects.count() + ModulePage.objects.count() + CoursePage.objects.count()
        == pages
    )
    assert Revision.objects.count() == revisions


def test_loader_updates_changed_lesson(unit, tmp_path):
    load_course(FIXTURE)
    data = yaml.safe_load(FIXTURE.read_text(encoding="utf-8"))
    data["modules"][0]["lessons"][1]["title"] = "第二課（修訂）"
    changed = tmp_path / "course.yaml"
    changed.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    load_course(changed)
    assert LessonPage.objects.get(slug="second-lesson").title == "第二課（修訂）"
    assert LessonPage.objects.filter(slug="second-lesson").count() == 1


@pytest.mark.parametrize(
    ("blocks", "message"),
    [
        ([{"type": "carousel", "value": {}}], "unknown block type"),
        ([{"type": "callout", "value": {"kind": "shout", "body": "<p>x</p>"}}], "lesson x"),
        (
            [
                {
                    "type": "self_check",
                    "value": {
                        "question": "q",
                        "options": [
                            {"text": "a", "correct": False},
                            {"text": "b", "correct": False},
                        ],
                    },
                }
            ],
            "lesson x",
        ),
        ([{"type": "video", "value": {"url": "https://example.com/v.mp4"}}], "lesson x"),
    ],
)
def test_bad_blocks_are_refused_with_the_lesson_named(blocks, message):
    with pytest.raises(CourseDataError, match=message):
        lesson_body(blocks, where="lesson x")


def test_unknown_indicator_is_refused_and_nothing_written(unit, tmp_path):
    data = yaml.safe_load(FIXTURE.read_text(encoding="utf-8"))
    data["modules"][0]["lessons"][0]["indicators"] = ["T9.9"]
    bad = tmp_path / "course.yaml"
    bad.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(CourseDataError, match="T9.9"):
        load_course(bad)
    assert not CoursePage.objects.filter(slug="test-course").exists()


def test_missing_unit_is_explained(db):
    with pytest.raises(CourseDataError, match="FIXTURE1v1"):
        load_course(FIXTURE)


def test_every_block_renders_with_its_template(unit, client_as):
    course = load_course(FIXTURE)
    lesson = LessonPage.objects.get(slug="first-lesson")
    client, _user = client_as("trainer")  # staff may preview without enrolling
    html = client.get(lesson.url).content.decode()
    assert '<h2 class="lesson-heading">小標題</h2>' in html
    assert '<h3 class="lesson-heading">次標題</h3>' in html
    assert "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ" in html
    assert "callout callout-warning" in html
    assert "<dt>點數卡</dt>" in html
    assert "worked-example" in html and "170 ÷ 200 = 85%" in html
    assert "case-study" in html and "從簡單開始" in html
    assert "data-self-check" in html and "哪一種是付費會員？" in html
    assert "procedure-steps" in html and "掃描條碼" in html
    assert course.title in html
