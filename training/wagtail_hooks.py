"""Everything the training app adds to Wagtail, in the order it runs.

- Learners' pages: only enrolled trainees open a course's pages, which are never cached
  (training/page_access.py), and get their progress through the hook content defines for
  it (training/learning_context.py); the front page gets the trainee's next step
  (training/home_context.py).
- Admin, for trainers: item analysis and scenario analytics under Reports
  (training/admin_views/), and links to our own enrolment pages and marking queue."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from content.page_context import LEARNING_CONTEXT_HOOK
from core.menu import RoleMenuItem
from people import roles
from training import home_context, learning_context, page_access
from training.admin_views.item_analysis import item_analysis_viewset
from training.admin_views.scenario_analytics import scenario_analytics_viewset

# --- learners' pages
hooks.register("before_serve_page", page_access.require_enrolment)
hooks.register("on_serve_page", page_access.personal_pages_not_cached)
hooks.register(LEARNING_CONTEXT_HOOK, learning_context.learning_context)
hooks.register(LEARNING_CONTEXT_HOOK, home_context.home_next_step)


# --- admin
@hooks.register("register_admin_viewset")
def register_viewsets():
    return [item_analysis_viewset, scenario_analytics_viewset]


def _is_trainer_or_assessor(user) -> bool:
    return roles.is_trainer(user) or roles.is_assessor(user)


@hooks.register("register_admin_menu_item")
def enrolment_menu_item():
    """Enrolment is our own scoped view (/learn/manage/), never Wagtail's user management."""
    return RoleMenuItem(
        _("Enrolments"),
        reverse("training:manage_courses"),
        shown_to=roles.is_trainer,
        icon_name="group",
        order=250,
    )


@hooks.register("register_admin_menu_item")
def marking_menu_item():
    """The marking queue of written quiz answers is our own view (/learn/marking/). Marking
    is assessment (assessors in scope and admins), so trainers are not offered it."""
    return RoleMenuItem(
        _("Marking queue"),
        reverse("training:marking_queue"),
        shown_to=roles.is_assessor,
        icon_name="edit",
        order=270,
    )
