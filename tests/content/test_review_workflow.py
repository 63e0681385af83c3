"""Publishing course content through the "Two-person review" workflow: a trainer submits,
another trainer (or an admin) approves; the author cannot approve their own work, and
trainers cannot skip the review by publishing directly."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from wagtail.models import TaskState, Workflow, WorkflowState
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from content.models.review import TwoPersonApprovalTask
from content.pages.lesson import LessonPage
from content.services.review import REVIEW_WORKFLOW_NAME, review_workflow_ensure
from tests.factories.learning import course_index, make_learning_course
from tests.factories.people import make_trainer

pytestmark = pytest.mark.django_db


@pytest.fixture
def module(role_groups):
    review_workflow_ensure(page=course_index())
    course = make_learning_course(modules=1, lessons_per_module=1)
    return course.get_children().first().specific


def _lesson_form(title: str, slug: str, action: str) -> dict:
    return nested_form_data(
        {
            "title": title,
            "slug": slug,
            "summary": "摘要",
            "body": streamfield([("rich_text", rich_text("<p>新的課程內容</p>"))]),
            "comments": inline_formset([]),
            action: "1",
        }
    )


def _client(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def _approve_url(page, task_state):
    return reverse("wagtailadmin_pages:workflow_action", args=[page.pk, "approve", task_state.pk])


def test_workflow_service_is_idempotent(role_groups):
    index = course_index()
    first = review_workflow_ensure(page=index)
    second = review_workflow_ensure(page=index)
    assert first.pk == second.pk
    assert Workflow.objects.filter(name=REVIEW_WORKFLOW_NAME).count() == 1
    assert TwoPersonApprovalTask.objects.count() == 1
    assert index.get_workflow() == first


def test_trainer_submits_second_trainer_approves_author_cannot(module):
    author, reviewer = make_trainer(name="作者"), make_trainer(name="審閱者")
    author_client, reviewer_client = _client(author), _client(reviewer)

    create_url = reverse("wagtailadmin_pages:add", args=["content", "lessonpage", module.pk])
    response = author_client.post(
        create_url, _lesson_form("待審課程", "under-review", "action-submit")
    )
    assert response.status_code == 302, response.content[:2000]
    lesson = LessonPage.objects.get(slug="under-review")
    assert not lesson.live  # submitted, not published
    state = WorkflowState.objects.get(object_id=str(lesson.pk))
    assert state.status == WorkflowState.STATUS_IN_PROGRESS and state.requested_by == author
    task_state = TaskState.objects.get(workflow_state=state)

    # Drafts can be previewed by the reviewer.
    preview = reviewer_client.get(reverse("wagtailadmin_pages:view_draft", args=[lesson.pk]))
    assert preview.status_code == 200 and "新的課程內容" in preview.content.decode()

    # The author sees no approve action and a forged POST is refused.
    assert task_state.task.specific.get_actions(lesson, author) == []
    response = author_client.post(_approve_url(lesson, task_state), {"comment": ""})
    assert response.status_code in (302, 403)  # the admin turns PermissionDenied into a redirect
    lesson.refresh_from_db()
    task_state.refresh_from_db()
    assert not lesson.live and task_state.status == TaskState.STATUS_IN_PROGRESS
    # Even called directly, the task refuses the author's approval.
    with pytest.raises(PermissionDenied):
        task_state.task.specific.on_action(task_state, author, "approve")

    # Nor does the author's dashboard list it for moderation.
    assert not task_state.task.specific.get_task_states_user_can_moderate(author).exists()
    assert task_state.task.specific.get_task_states_user_can_moderate(reviewer).exists()

    # A second trainer approves: the lesson is published.
    response = reviewer_client.post(_approve_url(lesson, task_state), {"comment": "好"})
    assert response.status_code in (200, 302)
    lesson.refresh_from_db()
    assert lesson.live
    task_state.refresh_from_db()
    assert task_state.status == TaskState.STATUS_APPROVED and task_state.finished_by == reviewer


def test_admin_can_approve_a_trainers_submission(module, admin_user):
    author = make_trainer()
    _client(author).post(
        reverse("wagtailadmin_pages:add", args=["content", "lessonpage", module.pk]),
        _lesson_form("管理員審核", "admin-approves", "action-submit"),
    )
    lesson = LessonPage.objects.get(slug="admin-approves")
    task_state = TaskState.objects.get(workflow_state__object_id=str(lesson.pk))
    response = _client(admin_user).post(_approve_url(lesson, task_state), {"comment": ""})
    assert response.status_code in (200, 302)
    lesson.refresh_from_db()
    assert lesson.live


def test_trainer_cannot_publish_directly_under_review(module):
    author = make_trainer()
    client = _client(author)
    response = client.post(
        reverse("wagtailadmin_pages:add", args=["content", "lessonpage", module.pk]),
        _lesson_form("直接發布", "direct-publish", "action-publish"),
    )
    assert response.status_code == 302
    lesson = LessonPage.objects.get(slug="direct-publish")
    assert not lesson.live
    # The publish button is not offered either.
    edit = client.get(reverse("wagtailadmin_pages:edit", args=[lesson.pk])).content.decode()
    assert 'name="action-publish"' not in edit
    assert 'name="action-submit"' in edit


def test_page_history_and_revisions_are_available(module):
    lesson = LessonPage.objects.descendant_of(module).first()
    revision = lesson.save_revision(user=make_trainer())
    client = _client(make_trainer())
    assert client.get(reverse("wagtailadmin_pages:history", args=[lesson.pk])).status_code == 200
    revert = reverse("wagtailadmin_pages:revisions_revert", args=[lesson.pk, revision.pk])
    html = client.get(revert).content.decode()
    assert lesson.title in html
    assert 'name="action-publish"' not in html  # reverting goes through review too


def test_trainer_previews_a_lesson_before_saving_and_while_editing(module):
    client = _client(make_trainer())
    url = reverse("wagtailadmin_pages:preview_on_add", args=["content", "lessonpage", module.pk])
    response = client.post(url, _lesson_form("預覽中", "in-preview", "action-submit"))
    assert response.status_code == 200 and response.json()["is_valid"]
    html = client.get(url).content.decode()
    assert "新的課程內容" in html
    lesson = LessonPage.objects.descendant_of(module).first()
    url = reverse("wagtailadmin_pages:preview_on_edit", args=[lesson.pk])
    response = client.post(url, _lesson_form("編輯預覽", lesson.slug, "action-submit"))
    assert response.json()["is_valid"]
    html = client.get(url).content.decode()
    assert "編輯預覽" in html and "新的課程內容" in html
