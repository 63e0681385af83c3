"""The "Two-person review" publishing workflow for course content."""

from django.contrib.auth.models import Group
from django.db import transaction
from wagtail.models import Page, Workflow, WorkflowPage, WorkflowTask

from content.models.review import TwoPersonApprovalTask
from people import roles

REVIEW_WORKFLOW_NAME = "Two-person review"
REVIEW_TASK_NAME = "Second trainer or admin approves"


@transaction.atomic
def review_workflow_ensure(*, page: Page) -> Workflow:
    """Create (once) the two-person review workflow and assign it to `page` and therefore
    its subtree (the course index). Idempotent: running it again changes nothing.

    Trainers submit; another trainer or an admin (superusers can moderate any task)
    approves; nobody approves their own submission (TwoPersonApprovalTask)."""
    trainers, _created = Group.objects.get_or_create(name=roles.TRAINER)
    task = TwoPersonApprovalTask.objects.filter(name=REVIEW_TASK_NAME).first()
    if task is None:
        task = TwoPersonApprovalTask.objects.create(name=REVIEW_TASK_NAME)
    task.groups.add(trainers)
    if not task.active:
        task.active = True
        task.save(update_fields=["active"])

    workflow = Workflow.objects.filter(name=REVIEW_WORKFLOW_NAME).first()
    if workflow is None:
        workflow = Workflow.objects.create(name=REVIEW_WORKFLOW_NAME, active=True)
    elif not workflow.active:
        workflow.active = True
        workflow.save(update_fields=["active"])
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    WorkflowPage.objects.update_or_create(page=page, defaults={"workflow": workflow})
    return workflow
