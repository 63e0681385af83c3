"""What happens when a workflow is approved (Wagtail's `WAGTAIL_FINISH_WORKFLOW_ACTION`,
set in config/settings/base.py).

Wagtail's default (wagtail.workflows.publish_workflow_state) publishes the object's LATEST
revision, as the approver, and only if the approver holds publish permission. Under the
two-person review the approval itself is the permission (trainers hold no `publish_page`
and no `publish_` permission of the reviewed snippets),
and what goes live must be exactly the revision that was submitted: TwoPersonApprovalTask
refuses the approval once the page or snippet has a newer revision, and this publishes the
approved task's revision, never a later one; pages and snippets alike (both publish through
`Revision.publish`).

Imported by Wagtail while models load, so the imports are inside the function."""


def publish_submitted_revision(workflow_state, user=None):
    from django.core.exceptions import PermissionDenied
    from wagtail.workflows import publish_workflow_state

    from content.models.review import STALE_SUBMISSION_MESSAGE, TwoPersonApprovalTask

    task_state = workflow_state.current_task_state
    task = task_state.task.specific if task_state is not None else None
    if not isinstance(task, TwoPersonApprovalTask):
        return publish_workflow_state(workflow_state, user=user)
    revision = task_state.revision
    obj = workflow_state.content_object
    if (
        revision is None
        or obj.get_latest_revision() != revision
        or TwoPersonApprovalTask.changed_since_submission(task_state)
    ):
        raise PermissionDenied(STALE_SUBMISSION_MESSAGE)
    from content.publish_gates import publish_check  # linted scenarios, drawable quizzes

    publish_check(revision.as_object())
    revision.publish(user=user, skip_permission_checks=True)
