"""Every door that changes what trainees see goes through the two-person review (issue 13).

Each door is tried through HTTP as the trainer who would use it: refused, and nothing
changed. Through the workflow a second trainer approves and exactly the SUBMITTED revision
goes live; an approval after the page changed (the approver's own edit) is refused."""

import io

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import (
    GroupPagePermission,
    Page,
    Revision,
    TaskState,
    Workflow,
    WorkflowPage,
    WorkflowState,
    WorkflowTask,
)

from content.models.review import STALE_SUBMISSION_MESSAGE, TwoPersonApprovalTask
from content.pages.course import CourseIndexPage
from content.pages.lesson import LessonPage
from content.services.review import REVIEW_WORKFLOW_NAME
from people import roles
from people.services import TRAINER_PAGE_PERMISSIONS, roles_sync
from tests.factories.framework import import_seed, make_course
from tests.factories.learning import course_index, lessons_of, make_learning_course
from tests.factories.people import make_trainer

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def trainers(role_groups):
    return make_trainer(name="張雅婷"), make_trainer(name="李志明")


@pytest.fixture
def course(role_groups):
    return make_learning_course(modules=2, lessons_per_module=1)


@pytest.fixture
def lesson(course):
    return lessons_of(course)[0]


def _snapshot(page: Page) -> tuple:
    page = Page.objects.get(pk=page.pk)
    return (page.live, page.live_revision_id, page.latest_revision_id, page.path, page.title)


def _submit(lesson: LessonPage, user, title: str) -> TaskState:
    """The author's edit, submitted for review as the editor's "Submit for review" does."""
    lesson = LessonPage.objects.get(pk=lesson.pk)
    lesson.title = title
    lesson.save_revision(user=user)
    lesson.get_workflow().start(lesson, user)
    return TaskState.objects.get(
        workflow_state__object_id=str(lesson.pk),
        status=TaskState.STATUS_IN_PROGRESS,
    )


def _approve_url(page, task_state) -> str:
    return reverse("wagtailadmin_pages:workflow_action", args=[page.pk, "approve", task_state.pk])


# --- what Wagtail's permissions say -------------------------------------------------------


def test_trainers_hold_no_publish_permission_and_only_on_the_course_index(trainers):
    index = course_index()
    rows = GroupPagePermission.objects.filter(group__name=roles.TRAINER)
    assert set(rows.values_list("permission__codename", flat=True)) == set(TRAINER_PAGE_PERMISSIONS)
    assert set(rows.values_list("page_id", flat=True)) == {index.pk}
    author = trainers[0]
    assert not author.has_perm("wagtailcore.publish_page")
    perms = index.permissions_for_user(author)
    assert perms.can_add_subpage() and not perms.can_publish()


def test_roles_sync_removes_publish_and_root_grants_left_by_earlier_versions(trainers):
    trainer_group = trainers[0].groups.get(name=roles.TRAINER)
    publish = Permission.objects.get(content_type__app_label="wagtailcore", codename="publish_page")
    change = Permission.objects.get(content_type__app_label="wagtailcore", codename="change_page")
    root = Page.get_first_root_node()
    GroupPagePermission.objects.create(group=trainer_group, page=root, permission=publish)
    GroupPagePermission.objects.create(group=trainer_group, page=root, permission=change)
    GroupPagePermission.objects.create(group=trainer_group, page=course_index(), permission=publish)
    roles_sync()
    rows = GroupPagePermission.objects.filter(group=trainer_group)
    assert not rows.filter(permission=publish).exists()
    assert not rows.filter(page=root).exists()
    assert rows.filter(page=course_index(), permission=change).exists()


def test_roles_sync_creates_the_review_workflow_on_a_fresh_database_and_is_idempotent(
    role_groups,
):
    index = course_index()
    WorkflowPage.objects.all().delete()
    WorkflowTask.objects.all().delete()
    Workflow.objects.all().delete()
    TwoPersonApprovalTask.objects.all().delete()
    # Wagtail's default workflow on the root is replaced, not relied on.
    moderators = Workflow.objects.create(name="Moderators approval")
    WorkflowPage.objects.create(page=Page.get_first_root_node(), workflow=moderators)

    roles_sync()
    roles_sync()
    workflow = Workflow.objects.get(name=REVIEW_WORKFLOW_NAME)
    assert workflow.active
    assert TwoPersonApprovalTask.objects.count() == 1
    task = TwoPersonApprovalTask.objects.get()
    assert list(workflow.tasks.all()) == [task.task_ptr]
    assert set(task.groups.values_list("name", flat=True)) == {roles.TRAINER}
    assert WorkflowPage.objects.get(page=Page.get_first_root_node()).workflow == workflow
    assert WorkflowPage.objects.get(page=index).workflow == workflow
    # No page escapes it: the home page and everything under it.
    for page in Page.objects.filter(depth__gte=2):
        assert page.get_workflow() == workflow
    assert WorkflowPage.objects.count() == 2


def test_a_new_course_index_gets_the_review_and_the_trainers_permissions(trainers, admin_client_):
    """Created in the editor (Wagtail's after_create_page hook): under the review at once."""
    from wagtail.test.utils.form_data import nested_form_data, rich_text

    home = Page.objects.get(depth=2)
    url = reverse("wagtailadmin_pages:add", args=["content", "courseindexpage", home.pk])
    data = nested_form_data(
        {"title": "另一個課程目錄", "slug": "more-courses", "intro": rich_text("<p>介紹</p>")}
    )
    assert admin_client_.post(url, data).status_code == 302
    other = CourseIndexPage.objects.get(slug="more-courses")
    assert other.get_workflow().name == REVIEW_WORKFLOW_NAME
    assert other.permissions_for_user(trainers[0]).can_add_subpage()


def test_trainer_cannot_author_outside_the_course_index(trainers):
    home = Page.objects.get(depth=2)
    client = _client(trainers[0])
    response = client.get(reverse("wagtailadmin_pages:edit", args=[home.pk]))
    assert response.status_code == 302  # Wagtail's permission refusal
    assert not home.permissions_for_user(trainers[0]).can_add_subpage()


# --- what each role is offered --------------------------------------------------------------


def test_trainers_action_menu_offers_submit_not_publish_or_unpublish(trainers, lesson):
    html = (
        _client(trainers[0])
        .get(reverse("wagtailadmin_pages:edit", args=[lesson.pk]))
        .content.decode()
    )
    assert 'name="action-submit"' in html
    assert 'name="action-publish"' not in html
    assert reverse("wagtailadmin_pages:unpublish", args=[lesson.pk]) not in html
    assert reverse("wagtailadmin_pages:delete", args=[lesson.pk]) not in html


def test_admin_is_still_offered_publish(admin_client_, lesson):
    html = admin_client_.get(reverse("wagtailadmin_pages:edit", args=[lesson.pk])).content.decode()
    assert 'name="action-publish"' in html


# --- each door, as a trainer: refused, nothing changed --------------------------------------


def test_trainer_cannot_delete_a_live_page(trainers, lesson):
    before = _snapshot(lesson)
    client = _client(trainers[0])
    url = reverse("wagtailadmin_pages:delete", args=[lesson.pk])
    assert client.get(url).status_code in (302, 403)
    assert client.post(url).status_code in (302, 403)
    assert _snapshot(lesson) == before


def test_trainer_cannot_unpublish_a_live_page(trainers, lesson):
    before = _snapshot(lesson)
    client = _client(trainers[0])
    url = reverse("wagtailadmin_pages:unpublish", args=[lesson.pk])
    assert client.get(url).status_code in (302, 403)
    assert client.post(url).status_code in (302, 403)
    assert _snapshot(lesson) == before


def test_trainer_cannot_move_a_live_page(trainers, course, lesson):
    before = _snapshot(lesson)
    other_module = course.get_children().last()
    assert lesson.get_parent().pk != other_module.pk
    client = _client(trainers[0])
    url = reverse("wagtailadmin_pages:move_confirm", args=[lesson.pk, other_module.pk])
    assert client.post(url).status_code in (302, 403)
    assert _snapshot(lesson) == before
    assert LessonPage.objects.get(pk=lesson.pk).get_parent().pk != other_module.pk


def test_trainer_cannot_copy_with_publish_copies(trainers, lesson):
    module = lesson.get_parent()
    client = _client(trainers[0])
    response = client.post(
        reverse("wagtailadmin_pages:copy", args=[lesson.pk]),
        {
            "new_title": "複製的課",
            "new_slug": "copied-lesson",
            "new_parent_page": module.pk,
            "publish_copies": "on",
            "alias": "on",
        },
    )
    assert response.status_code in (200, 302, 403)
    assert not LessonPage.objects.filter(slug="copied-lesson", live=True).exists()
    assert not LessonPage.objects.filter(alias_of=lesson).exists()


def test_trainer_cannot_bulk_unpublish_or_delete(trainers, lesson):
    before = _snapshot(lesson)
    client = _client(trainers[0])
    for action in ("unpublish", "delete", "publish"):
        url = reverse("wagtail_bulk_action", args=("wagtailcore", "page", action))
        client.post(f"{url}?id={lesson.pk}", {})
    assert _snapshot(lesson) == before


def test_trainer_publish_post_saves_a_draft_only(trainers, lesson):
    before = _snapshot(lesson)
    client = _client(trainers[0])
    lesson = LessonPage.objects.get(pk=lesson.pk)
    client.post(
        reverse("wagtailadmin_pages:edit", args=[lesson.pk]),
        _lesson_form(lesson, "直接發布的標題", "action-publish"),
    )
    lesson.refresh_from_db()
    assert lesson.live and lesson.live_revision_id == before[1]
    assert lesson.title == before[4]  # the live page is unchanged


def test_trainer_confirming_mapping_gaps_submits_for_review_never_publishes(trainers):
    unit = import_seed()
    course, _module = make_course(unit)
    live_title = course.title
    course.title = "有缺口的新版本"
    submitted = course.save_revision(user=trainers[0])
    client = _client(trainers[0])
    response = client.post(
        reverse("course_publish_gaps:confirm", args=[course.pk]), {"confirm_mapping_gaps": "1"}
    )
    assert response.status_code == 302
    course.refresh_from_db()
    assert course.title == live_title and course.live_revision_id is None
    state = WorkflowState.objects.get(object_id=str(course.pk))
    assert state.status == WorkflowState.STATUS_IN_PROGRESS and state.requested_by == trainers[0]
    assert state.current_task_state.revision_id == submitted.pk

    # The approver sees the gaps before approving.
    approver = _client(trainers[1])
    edit = approver.get(reverse("wagtailadmin_pages:edit", args=[course.pk]))
    assert any("T4.3" in str(m) for m in edit.context["messages"])
    approver.post(_approve_url(course, state.current_task_state), {"comment": ""})
    course.refresh_from_db()
    assert course.title == "有缺口的新版本" and course.live_revision_id == submitted.pk


def test_confirming_gaps_twice_does_not_start_a_second_review(trainers):
    unit = import_seed()
    course, _module = make_course(unit)
    client = _client(trainers[0])
    url = reverse("course_publish_gaps:confirm", args=[course.pk])
    client.post(url, {"confirm_mapping_gaps": "1"})
    client.post(url, {"confirm_mapping_gaps": "1"})
    assert WorkflowState.objects.filter(object_id=str(course.pk)).count() == 1


# --- through the workflow -------------------------------------------------------------------


def _lesson_form(lesson: LessonPage, title: str, action: str) -> dict:
    from wagtail.test.utils.form_data import (
        inline_formset,
        nested_form_data,
        rich_text,
        streamfield,
    )

    return nested_form_data(
        {
            "title": title,
            "slug": lesson.slug,
            "summary": "摘要",
            "body": streamfield([("rich_text", rich_text("<p>修改後的內容</p>"))]),
            "comments": inline_formset([]),
            action: "1",
        }
    )


def test_second_trainer_approves_and_the_submitted_revision_goes_live(trainers, lesson):
    author, reviewer = trainers
    task_state = _submit(lesson, author, "送審的版本")
    submitted = task_state.revision_id
    response = _client(reviewer).post(_approve_url(lesson, task_state), {"comment": "好"})
    assert response.status_code in (200, 302)
    lesson.refresh_from_db()
    assert lesson.title == "送審的版本" and lesson.live_revision_id == submitted
    task_state.refresh_from_db()
    assert task_state.status == TaskState.STATUS_APPROVED and task_state.finished_by == reviewer


def test_approval_after_the_approvers_own_edit_is_refused_and_nothing_published(trainers, lesson):
    author, reviewer = trainers
    task_state = _submit(lesson, author, "送審的版本")
    before = _snapshot(lesson)
    reviewer_client = _client(reviewer)
    # The approver saves their own (unreviewed) edit of the same page as a draft.
    response = reviewer_client.post(
        reverse("wagtailadmin_pages:edit", args=[lesson.pk]),
        _lesson_form(lesson, "審閱者自己的修改", "action-save"),
    )
    assert response.status_code == 302
    own_edit = Revision.objects.filter(object_id=str(lesson.pk)).order_by("-pk").first()
    assert own_edit.pk != task_state.revision_id and own_edit.user == reviewer

    # Not offered, and explained in the editor.
    lesson.refresh_from_db()
    actions = [name for name, *_rest in task_state.task.specific.get_actions(lesson, reviewer)]
    assert "approve" not in actions
    edit = reviewer_client.get(reverse("wagtailadmin_pages:edit", args=[lesson.pk]))
    with translation.override("zh-hant"):
        stale = str(STALE_SUBMISSION_MESSAGE)
    assert "無法核准" in stale  # translated, the admin's language
    assert stale in [str(m).strip() for m in edit.context["messages"]]

    # A forged approval is refused: nothing published, the review still open.
    reviewer_client.post(_approve_url(lesson, task_state), {"comment": ""})
    after = _snapshot(lesson)
    assert after[0:2] == before[0:2] and after[4] == before[4]
    task_state.refresh_from_db()
    assert task_state.status == TaskState.STATUS_IN_PROGRESS

    # Nor through the editor's "approve" with the edit attached.
    reviewer_client.post(
        reverse("wagtailadmin_pages:edit", args=[lesson.pk]),
        {
            **_lesson_form(lesson, "又一次修改", "action-workflow-action"),
            "workflow-action-name": "approve",
        },
    )
    lesson.refresh_from_db()
    assert lesson.live_revision_id == before[1] and lesson.title == before[4]


def test_approving_in_the_editor_with_an_edit_is_refused(trainers, lesson):
    author, reviewer = trainers
    task_state = _submit(lesson, author, "送審的版本")
    before = _snapshot(lesson)
    _client(reviewer).post(
        reverse("wagtailadmin_pages:edit", args=[lesson.pk]),
        {
            **_lesson_form(lesson, "審閱者順手改的", "action-workflow-action"),
            "workflow-action-name": "approve",
        },
    )
    lesson.refresh_from_db()
    assert lesson.live_revision_id == before[1] and lesson.title == before[4]
    task_state.refresh_from_db()
    assert task_state.status == TaskState.STATUS_IN_PROGRESS


def test_the_submitter_resubmits_and_the_new_revision_can_be_approved(trainers, lesson):
    author, reviewer = trainers
    first = _submit(lesson, author, "第一版")
    LessonPage.objects.get(pk=lesson.pk).save_revision(user=author)  # changed since
    state = first.workflow_state
    state.cancel(user=author)
    second = _submit(lesson, author, "第二版")
    _client(reviewer).post(_approve_url(lesson, second), {"comment": ""})
    lesson.refresh_from_db()
    assert lesson.title == "第二版" and lesson.live_revision_id == second.revision_id


# --- media for the image and document lesson blocks -----------------------------------------


def _png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    PILImage.new("RGB", (8, 8), "red").save(buffer, format="PNG")
    return SimpleUploadedFile("pic.png", buffer.getvalue(), content_type="image/png")


def test_trainer_can_upload_and_choose_images_and_documents(trainers):
    client = _client(trainers[0])
    assert client.get(reverse("wagtailimages:index")).status_code == 200
    response = client.post(reverse("wagtailimages:add"), {"title": "門市照片", "file": _png()})
    assert response.status_code == 302, response.content[:1000]
    assert get_image_model().objects.filter(title="門市照片").exists()
    assert client.get(reverse("wagtailimages_chooser:choose")).status_code == 200

    assert client.get(reverse("wagtaildocs:index")).status_code == 200
    document = SimpleUploadedFile("guide.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    response = client.post(reverse("wagtaildocs:add"), {"title": "操作手冊", "file": document})
    assert response.status_code == 302, response.content[:1000]
    assert get_document_model().objects.filter(title="操作手冊").exists()
    assert client.get(reverse("wagtaildocs_chooser:choose")).status_code == 200
