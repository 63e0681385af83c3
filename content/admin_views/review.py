"""Publishing under review. Wagtail's permissions are the single source: trainers hold no
`publish_page` (people.services.roles_sync), so Wagtail itself offers them "Submit for
review" and never publish, unpublish, deleting or moving a live page, or copying with
"publish copies", in the editor, the listings and bulk actions alike. What is left here:
telling who is held to the review (views of our own that publish ask it) and warning in the
editor when a submission can no longer be approved. Registered in content/wagtail_hooks.py."""

from wagtail.admin import messages as wagtail_messages
from wagtail.models import Page

from content.models.review import STALE_SUBMISSION_MESSAGE, TwoPersonApprovalTask
from content.pages.course import CourseIndexPage
from content.services.review import review_workflow_ensure


def must_use_workflow(user, page: Page | None) -> bool:
    """Everyone but admins publishes pages that have a workflow through it."""
    if user.is_superuser or page is None:
        return False
    return page.get_workflow() is not None


def warn_stale_submission(request, page):
    """`before_edit_page` and `before_edit_snippet`: a page or snippet in review that changed
    since it was submitted cannot be approved (TwoPersonApprovalTask); say so, and that the
    submitter must resubmit."""
    if request.method != "GET":
        return None
    task_state = getattr(page, "current_workflow_task_state", None)  # snippets without review
    if task_state is None or not isinstance(task_state.task.specific, TwoPersonApprovalTask):
        return None
    if TwoPersonApprovalTask.changed_since_submission(task_state):
        wagtail_messages.warning(request, str(STALE_SUBMISSION_MESSAGE))
    return None


def review_new_course_index(request, page) -> None:
    """`after_create_page`: a course index a trainer or admin creates in the editor is under
    the two-person review at once, and is where trainers hold their page permissions (code
    that creates one calls `review_workflow_ensure` itself, as the demo loader does)."""
    if isinstance(page.specific, CourseIndexPage):
        review_workflow_ensure(page=page)
