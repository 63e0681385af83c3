"""Two-person review of course content: Wagtail's group approval, except that nobody
approves a submission they made or a revision they wrote themselves. (Wagtail's own
GroupApprovalTask lets the submitter approve their own page.)"""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from wagtail.models import AbstractGroupApprovalTask, TaskState


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

    def _current_task_state(self, obj) -> TaskState | None:
        state = getattr(obj, "current_workflow_task_state", None)
        if state is not None and state.task_id == self.pk:
            return state
        return None

    def get_actions(self, obj, user):
        if self.is_own_submission(self._current_task_state(obj), user):
            return []
        return super().get_actions(obj, user)

    def get_task_states_user_can_moderate(self, user, **kwargs):
        return (
            super()
            .get_task_states_user_can_moderate(user, **kwargs)
            .exclude(workflow_state__requested_by=user)
            .exclude(revision__user=user)
        )

    def on_action(self, task_state, user, action_name, **kwargs):
        if action_name == "approve" and self.is_own_submission(task_state, user):
            raise PermissionDenied(_("You cannot approve your own submission."))
        return super().on_action(task_state, user, action_name, **kwargs)

    @classmethod
    def get_description(cls):
        return _(
            "Members of the chosen groups approve, but never their own submission: "
            "a second person reviews every change."
        )
