"""The "Two-person review" publishing workflow for course content (pages, and the question
bank and observation checklist snippets), and the page permissions it relies on.

Wagtail's permissions are the single source: trainers hold add, change and lock on the
course index and never `publish_page`, and no `publish_` or `delete_` permission of the
snippets (people.services.roles_sync), so unpublishing, deleting or moving a live page,
copying with "publish copies" and publishing a snippet are refused to them by Wagtail
itself; what they change reaches trainees only through this workflow.

Names: the workflow and its task are data Wagtail shows as stored (the editor's status
panel, the dashboard, notification e-mails), so every sync names them in the site's
language (settings.LANGUAGE_CODE, zh-Hant) through gettext, renaming rows created under
the English names. REVIEW_WORKFLOW_NAME and REVIEW_TASK_NAME are those stored names
(lazy: read once translations are loaded). The role groups keep their English names:
they are the identifiers role checks use (people.roles); the admin shows them by their
translated labels (people.admin_users)."""

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import translation
from django.utils.functional import lazy
from django.utils.translation import gettext, gettext_noop
from wagtail.models import (
    GroupPagePermission,
    Page,
    Workflow,
    WorkflowContentType,
    WorkflowPage,
    WorkflowTask,
)

from content.models.instruments import AssessmentInstrument
from content.models.observation import ObservationItem
from content.models.questions import Question
from content.models.review import TwoPersonApprovalTask
from content.pages.course import CourseIndexPage
from people import roles
from people.services import TRAINER_PAGE_PERMISSIONS

WORKFLOW_MSGID = gettext_noop("Two-person review")
TASK_MSGID = gettext_noop("Second trainer or admin approves")


def site_language_name(msgid: str) -> str:
    """`msgid` in the site's language, whoever runs the sync and in whatever language."""
    with translation.override(settings.LANGUAGE_CODE):
        return gettext(msgid)


REVIEW_WORKFLOW_NAME = lazy(site_language_name, str)(WORKFLOW_MSGID)
REVIEW_TASK_NAME = lazy(site_language_name, str)(TASK_MSGID)


def _named(queryset, msgid: str):
    """The row named `msgid` in the site's language or in English (before renaming)."""
    return queryset.filter(name__in=[site_language_name(msgid), msgid]).order_by("pk").first()


def _rename(obj, msgid: str) -> None:
    name = site_language_name(msgid)
    if obj.name != name:
        obj.name = name
        obj.save(update_fields=["name"])


# Snippets that change what trainees are assessed on: the question bank (quizzes draw it)
# observation checklist items (assessors' checklists are built from them) and the other
# assessment instruments (role-play scripts, portfolio tasks, feedback forms, third-party
# prompts).
REVIEWED_SNIPPET_MODELS = (Question, ObservationItem, AssessmentInstrument)


def _review_workflow() -> Workflow:
    trainers, _created = Group.objects.get_or_create(name=roles.TRAINER)
    task = _named(TwoPersonApprovalTask.objects.all(), TASK_MSGID)
    if task is None:
        task = TwoPersonApprovalTask.objects.create(name=site_language_name(TASK_MSGID))
    _rename(task, TASK_MSGID)
    task.groups.add(trainers)
    if not task.active:
        task.active = True
        task.save(update_fields=["active"])

    workflow = _named(Workflow.objects.all(), WORKFLOW_MSGID)
    if workflow is None:
        workflow = Workflow.objects.create(name=site_language_name(WORKFLOW_MSGID), active=True)
    _rename(workflow, WORKFLOW_MSGID)
    if not workflow.active:
        workflow.active = True
        workflow.save(update_fields=["active"])
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    return workflow


def _assign(workflow: Workflow, page: Page | None) -> None:
    if page is not None:
        WorkflowPage.objects.update_or_create(page=page, defaults={"workflow": workflow})


def _cover_tree(workflow: Workflow) -> None:
    """The tree's root gets the workflow, so no page escapes it (this replaces Wagtail's
    default "Moderators approval" there); so do the reviewed snippet models (snippet
    workflows are assigned per model)."""
    _assign(workflow, Page.get_first_root_node())
    for model in REVIEWED_SNIPPET_MODELS:
        WorkflowContentType.objects.update_or_create(
            content_type=ContentType.objects.get_for_model(model, for_concrete_model=False),
            defaults={"workflow": workflow},
        )


@transaction.atomic
def review_workflow_ensure(*, page: Page) -> Workflow:
    """Create (once) the two-person review workflow and assign it to `page` (the course
    index), to the tree's root and to the reviewed snippet models; grant trainers their
    page permissions on `page`. Idempotent: running it again changes nothing.

    Trainers submit; another trainer or an admin (superusers can moderate any task)
    approves; nobody approves their own submission, and only the submitted revision is
    published (TwoPersonApprovalTask)."""
    workflow = _review_workflow()
    _assign(workflow, page)
    _cover_tree(workflow)

    trainers, _created = Group.objects.get_or_create(name=roles.TRAINER)
    for codename in TRAINER_PAGE_PERMISSIONS:
        permission = Permission.objects.get(
            content_type__app_label="wagtailcore", codename=codename
        )
        GroupPagePermission.objects.get_or_create(group=trainers, page=page, permission=permission)
    return workflow


@transaction.atomic
def review_roles_sync(groups: dict[str, Group]) -> None:
    """`people_roles_synced` hook (people.services.roles_sync, after every migrate): the
    review workflow exists and covers the whole tree and the reviewed snippet models, and
    trainers hold their page permissions on every course index."""
    _cover_tree(_review_workflow())
    for index in CourseIndexPage.objects.all():
        review_workflow_ensure(page=index)
