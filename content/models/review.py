"""Two-person review of course content (pages, and the question bank and observation item
snippets): Wagtail's group approval, except that nobody approves a submission they made or
a revision they wrote themselves (Wagtail's own GroupApprovalTask lets the submitter approve
their own work), and that only the submitted revision can be approved: Wagtail publishes
the object's latest revision when a workflow finishes
(wagtail.workflows.publish_workflow_state), so once the page or snippet has changed since
the submission (an approver's own edit, a later draft, or the submitted revision itself
overwritten in place, as Wagtail's autosave does with its author's latest revision),
approving is refused and the submitter resubmits."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from wagtail.models import AbstractGroupApprovalTask, TaskState

STALE_SUBMISSION_MESSAGE = _(
    "This page has changed since it was submitted for review, so it cannot be approved: "
    "the submitter must resubmit it."
)


class TwoPersonApprovalTask(AbstractGroupApprovalTask):
    class Meta:
        verbose_name = _("Two-person approval task")
        verbose_name_plural = _("Two-person approval tasks")

    @staticmethod
    def is_own_submission(task_state: TaskState | None, user) -> bool:
        """True when `user` submitted the workflow or wrote the revision under review."""
        if task_state is None or user is None or not user.is_authenticated:
            return False
        requested_by_id = task_state.workflow_state.requested_by_id
        revision_user_id = task_state.revision.user_id if task_state.revision_id else None
        return user.pk in {requested_by_id, revision_user_id}

    @staticmethod
    def changed_since_submission(task_state: TaskState | None) -> bool:
        """True when the object has a newer revision than the one under review, or the
        revision under review was rewritten after the review started."""
        if task_state is None or not task_state.revision_id:
            return False
        if task_state.revision.created_at > task_state.started_at:
            return True
        obj = task_state.workflow_state.content_object
        latest_id = obj.latest_revision_id if obj is not None else None
        return latest_id is not None and latest_id != task_state.revision_id

    def _current_task_state(self, obj) -> TaskState | None:
        state = getattr(obj, "current_workflow_task_state", None)
        if state is not None and state.task_id == self.pk:
            return state
        return None

    def get_actions(self, obj, user):
        task_state = self._current_task_state(obj)
        if self.is_own_submission(task_state, user):
            return []
        actions = super().get_actions(obj, user)
        if self.changed_since_submission(task_state):
            actions = [action for action in actions if action[0] != "approve"]
        return actions

    def get_task_states_user_can_moderate(self, user, **kwargs):
        return (
            super()
            .get_task_states_user_can_moderate(user, **kwargs)
            .exclude(workflow_state__requested_by=user)
            .exclude(revision__user=user)
        )

    @transaction.atomic
    def on_action(self, task_state, user, action_name, **kwargs):
        if action_name == "approve":
            if self.is_own_submission(task_state, user):
                raise PermissionDenied(_("You cannot approve your own submission."))
            # Lock the page or snippet row so no revision is saved between this check and
            # the publish (which publishes the submitted revision, still the latest).
            obj = task_state.workflow_state.content_object
            type(obj).objects.select_for_update().filter(pk=obj.pk).first()
            obj.refresh_from_db(fields=["latest_revision"])
            task_state.revision.refresh_from_db(fields=["created_at"])
            if self.changed_since_submission(task_state):
                raise PermissionDenied(STALE_SUBMISSION_MESSAGE)
        return super().on_action(task_state, user, action_name, **kwargs)

    @classmethod
    def get_description(cls):
        return _(
            "Members of the chosen groups approve, but never their own submission: "
            "a second person reviews every change."
        )


class ReviewedSnippetMixin:
    """For snippets under the review (question bank, observation items), placed before
    Wagtail's WorkflowMixin: admin listings annotate `_approved_schedule`
    (content.admin_views.questions.with_review_states), so their status column costs no
    query per row, as Wagtail's page listings do with theirs."""

    @property
    def approved_schedule(self) -> bool:
        if hasattr(self, "_approved_schedule"):
            return self._approved_schedule
        return super().approved_schedule
